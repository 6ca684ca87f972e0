"""``# noqa`` on a finding's line and ``# losslint: noqa`` for a whole file."""

from __future__ import annotations

import re

_CODES = r"[A-Z]+[0-9]*(?:\s*,\s*[A-Z]+[0-9]*)*"
LINE_NOQA = re.compile(rf"#\s*noqa(?::\s*(?P<codes>{_CODES}))?", re.IGNORECASE)
FILE_NOQA = re.compile(rf"#\s*losslint:\s*noqa(?::\s*(?P<codes>{_CODES}))?", re.IGNORECASE)

ALL = None  # every code is suppressed


def _codes(match: re.Match) -> tuple[str, ...] | None:
    raw = match.group("codes")
    return ALL if raw is None else tuple(c.strip().upper() for c in raw.split(","))


def matches(code: str, prefixes: tuple[str, ...] | None) -> bool:
    return prefixes is ALL or any(code.startswith(p) for p in prefixes)


class Suppressions:
    def __init__(self, source: str) -> None:
        self.lines = source.splitlines()
        self.file_wide: list[tuple[str, ...] | None] = [_codes(m) for m in FILE_NOQA.finditer(source)]

    def is_suppressed(self, code: str, row: int) -> bool:
        if any(matches(code, codes) for codes in self.file_wide):
            return True
        if not 1 <= row <= len(self.lines):
            return False
        line = self.lines[row - 1]
        return any(matches(code, _codes(match)) for match in LINE_NOQA.finditer(line))
