"""The core: what the code means (names, loss scopes, value ranges), shared by every rule."""
