"""Rule triggers built from cheap tests: a rule looks at a file only when its trigger matches.

One regex of lookaheads or case-insensitive alternatives scans a file several times slower than
substring tests do; these are the same conditions, spelled so that the cheap test comes first.
A part is a literal (``b"sigmoid"``, as spelled), a ``lowered(...)`` literal (any case) or a
compiled regex.
"""

from __future__ import annotations

import re


class lowered(bytes):
    """A literal matched in any case."""


def _holds(part, data: bytes, lower: list) -> bool:
    if isinstance(part, lowered):
        if not lower:
            lower.append(data.lower())
        return part in lower[0]
    if isinstance(part, bytes):
        return part in data
    return bool(part.search(data))


class _Trigger:
    def __init__(self, parts, every: bool) -> None:
        # Literals first: they decide most files without running a regex.
        self.parts = sorted(parts, key=lambda p: not isinstance(p, bytes))
        self.every = every

    def search(self, data: bytes) -> bool:
        lower: list = []
        tests = (_holds(part, data, lower) for part in self.parts)
        return all(tests) if self.every else any(tests)


def all_of(*parts) -> _Trigger:
    return _Trigger(parts, every=True)


def any_of(*parts) -> _Trigger:
    return _Trigger(parts, every=False)


LOG_WORD = re.compile(rb"\blog\b")
EXP_WORD = re.compile(rb"\bexp\b")
