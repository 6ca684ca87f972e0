"""``# noqa`` comments: read from the file's real comments (tokens, never strings or docstrings),
matched to findings through each finding's ``noqa_row``, and rewritten (codes added by
``--add-noqa``, unused codes removed by LL901's fix).

- ``# noqa`` (every code) or ``# noqa: LL201,LL5`` (codes and prefixes) on the line a finding's
  ``noqa_row`` names;
- ``# losslint: noqa`` or ``# flake8: noqa`` anywhere in a comment: the whole file, or with
  ``: LL201`` only those codes.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

_CODE = r"[A-Z]+[0-9]*"
_CODES = rf"{_CODE}(?:\s*,\s*{_CODE})*"
LINE_NOQA = re.compile(rf"#\s*noqa(?::\s*(?P<codes>{_CODES}))?", re.IGNORECASE)
FILE_NOQA = re.compile(rf"#\s*(?:losslint|flake8)\s*:\s*noqa(?::\s*(?P<codes>{_CODES}))?", re.IGNORECASE)
CODE = re.compile(_CODE, re.IGNORECASE)
# Codes of this tool: a noqa code of another tool (E501, F401) is never ours to judge.
OWN_CODE = re.compile(r"^LL\d*$")
# A line where a noqa is followed by a code of this tool: only such lines can hold an unused one.
_OWN_CODE_AFTER_NOQA = re.compile(r"noqa[^\r\n]*?LL", re.IGNORECASE)

ALL = None  # every code is suppressed


def physical_lines(text: str) -> list[str]:
    """Lines as Python counts them (``\\n``, ``\\r\\n``, ``\\r``), endings kept; ``str.splitlines``
    also splits at form feeds and other separators that do not end a line of code."""
    return io.StringIO(text, newline="").readlines()


def matches(code: str, prefixes: tuple[str, ...] | None) -> bool:
    return prefixes is ALL or any(code.startswith(p) for p in prefixes)


@dataclass
class Directive:
    """One ``# noqa`` comment on a line; columns are 0-based offsets into that line."""

    row: int
    start: int  # the ``#``
    end: int  # after the last code (or after ``noqa``)
    codes: tuple[str, ...] | None  # None: a blanket ``# noqa``
    code_spans: tuple[tuple[int, int], ...] = ()
    comment_start: int = 0  # where the comment token holding it starts
    comment_end: int = 0
    used: set[str] = field(default_factory=set)  # the entries of ``codes`` that suppressed a finding


def _directive(row: int, column: int, text: str) -> Directive | None:
    match = LINE_NOQA.search(text)
    if match is None:
        return None
    codes, spans = None, ()
    if match.group("codes") is not None:
        found = list(CODE.finditer(match.group("codes")))
        offset = column + match.start("codes")
        codes = tuple(m.group().upper() for m in found)
        spans = tuple((offset + m.start(), offset + m.end()) for m in found)
    return Directive(row, column + match.start(), column + match.end(), codes, spans, column, column + len(text))


class Suppressions:
    """The noqa comments of one source, and which of them suppressed something."""

    def __init__(self, source: str) -> None:
        self.source = source
        # Most files have no noqa comment, and most have no finding: the tokens are read only
        # when a noqa comment or a finding's noqa_row is asked for.
        self.has_noqa = "noqa" in source.lower()
        self._directives: dict[int, Directive] | None = None
        self._file_wide: list[tuple[str, ...] | None] = []
        self._forward: dict[int, int] = {}  # rows where no comment can go -> the row that takes it
        self._lines: list[str] | None = None

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = [line.rstrip("\r\n") for line in physical_lines(self.source)]
        return self._lines

    @property
    def directives(self) -> dict[int, Directive]:
        if self._directives is None:
            self._directives = {}
            try:
                self._read_tokens(self.source)
            except (tokenize.TokenError, SyntaxError, ValueError):
                self._read_lines()  # code the tokenizer rejects (it is reported as LL000 anyway)
        return self._directives

    @property
    def file_wide(self) -> list[tuple[str, ...] | None]:
        return self._file_wide if self.directives is not None else []

    def _comment(self, row: int, column: int, text: str) -> None:
        for match in FILE_NOQA.finditer(text):
            raw = match.group("codes")
            self._file_wide.append(ALL if raw is None else tuple(c.upper() for c in CODE.findall(raw)))
        # ``# losslint: noqa`` is no line directive; blanked, the columns of the rest stay put.
        directive = _directive(row, column, FILE_NOQA.sub(lambda m: " " * len(m.group()), text))
        if directive is not None and row not in self._directives:
            self._directives[row] = directive

    def _read_tokens(self, source: str) -> None:
        previous = None
        strings: list[tuple[int, int]] = []  # (first row, last row) of strings spanning lines
        fstring_starts: list[int] = []
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            kind = token.type
            if kind == tokenize.COMMENT:
                self._comment(token.start[0], token.start[1], token.string)
            elif kind == tokenize.STRING and token.start[0] != token.end[0]:
                strings.append((token.start[0], token.end[0]))
            elif kind == getattr(tokenize, "FSTRING_START", -1):
                fstring_starts.append(token.start[0])
            elif kind == getattr(tokenize, "FSTRING_END", -1) and fstring_starts:
                first = fstring_starts.pop()
                if first != token.end[0]:
                    strings.append((first, token.end[0]))
            if (previous is not None and previous.type not in (tokenize.NEWLINE, tokenize.NL)
                    and kind not in (tokenize.ENDMARKER, tokenize.DEDENT)
                    and token.start[0] > previous.end[0] and not fstring_starts):
                for row in range(previous.end[0], token.start[0]):  # a backslash continuation
                    self._forward[row] = token.start[0]
            if kind not in (tokenize.ENCODING,):
                previous = token
        for first, last in strings:  # a comment for a line inside a string goes after the string
            for row in range(first, last):
                self._forward.setdefault(row, last)

    def _read_lines(self) -> None:
        for row, line in enumerate(self.lines, start=1):
            start = line.find("#")
            if start >= 0:
                self._comment(row, start, line[start:])

    # -- reading ---------------------------------------------------------------------------------
    def noqa_row(self, row: int) -> int:
        """The row whose comment suppresses a finding starting on ``row``: the row itself, or for
        a row continued with a backslash or inside a string spanning lines, the row that ends it."""
        _ = self.directives  # reading the tokens gives the rows that continue
        seen = 0
        while row in self._forward and seen < 10_000:
            row, seen = self._forward[row], seen + 1
        return row

    def is_suppressed(self, code: str, row: int) -> bool:
        """Is a finding of ``code`` starting on ``row`` suppressed? Records which entry did it."""
        if not self.has_noqa:
            return False
        if any(matches(code, codes) for codes in self.file_wide):
            return True
        directive = self.directives.get(self.noqa_row(row))
        if directive is None:
            return False
        if directive.codes is ALL:
            return True
        hit = [c for c in directive.codes if code.startswith(c)]
        directive.used.update(hit)
        return bool(hit)

    def unused(self, is_judged) -> list[tuple[Directive, list[str]]]:
        """Directives with codes of this tool that suppressed nothing; ``is_judged(code)`` says
        whether a code's rules all ran on this file (so its silence means something)."""
        if not self.has_noqa or not _OWN_CODE_AFTER_NOQA.search(self.source):
            return []  # no directive names a code of this tool: nothing to tokenize for
        out = []
        for row in sorted(self.directives):
            directive = self.directives[row]
            if directive.codes is ALL:
                continue
            unused = [c for c in directive.codes if OWN_CODE.match(c) and c not in directive.used and is_judged(c)]
            if unused:
                out.append((directive, unused))
        return out

    # -- writing ---------------------------------------------------------------------------------
    def with_codes(self, row: int, codes: list[str]) -> str:
        """Line ``row`` with ``codes`` added to its ``# noqa:``, or with a new one at its end."""
        line = self.lines[row - 1]
        directive = self.directives.get(row)
        if directive is not None and directive.codes is not ALL:
            missing = [c for c in codes if c not in directive.codes]
            if not missing:
                return line
            return line[:directive.end] + "".join(f", {c}" for c in missing) + line[directive.end:]
        if directive is not None:
            return line  # a blanket noqa already covers everything
        body = line.rstrip()
        return f"{body}  # noqa: {', '.join(codes)}" + line[len(body):]


def without_codes(line: str, directive: Directive, codes: list[str]) -> tuple[int, int, str]:
    """The (start, end, replacement) that removes ``codes`` from ``directive`` on ``line``: the
    whole directive when none is left, keeping any other text of the comment."""
    keep = [c for c in directive.codes if c not in codes]
    if keep:
        first, last = directive.code_spans[0][0], directive.code_spans[-1][1]
        return first, last, ", ".join(keep)
    rest = line[directive.end:directive.comment_end]
    if directive.start > directive.comment_start:  # ``# other  # noqa: X``: drop from the spaces before
        start = len(line[:directive.start].rstrip())
        return start, directive.end, ""
    if rest.strip():  # ``# noqa: X  # why`` or ``# noqa: X why``: keep the rest as the comment
        stripped = rest.lstrip()
        return directive.start, directive.end + len(rest) - len(stripped), "" if stripped.startswith("#") else "# "
    start = len(line[:directive.start].rstrip())  # the whole comment, and the spaces before it
    return start, directive.comment_end, ""
