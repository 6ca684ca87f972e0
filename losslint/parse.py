"""From a file's bytes to what libcst is given: CPython's verdict first, then only what libcst can take.

What CPython rejects is reported with CPython's message and position. What it compiles is never
called a syntax error: a form feed in an indentation, which CPython skips and libcst's tokenizer
mishandles (it drops it, or rejects the block), is taken out for the parse and put back into
fixed output; whatever else libcst cannot read is reported as "cannot analyse".
"""

from __future__ import annotations

import ast
import difflib
import io
import re
import tokenize
import warnings
from dataclasses import dataclass, field

import libcst as cst

from losslint import bounds

# Byte-order marks of encodings CPython never reads source in.
_WIDE_BOMS = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe": "UTF-16",
              b"\xfe\xff": "UTF-16"}
_FORM_FEED_INDENT = re.compile(rb"(?:^|[\r\n])[ \t]*\f")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


class Unanalysable(Exception):
    """CPython rejects the file, or libcst cannot read what CPython compiles: one LL000."""

    def __init__(self, message: str, row: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.row, self.column = max(row, 1), max(column, 1)


@dataclass
class Source:
    """One file's code as libcst is given it, and what maps it back to the file."""

    body: bytes  # the file without its byte-order mark
    text: bytes  # what libcst parses: ``body`` with form feeds taken out of indentations
    encoding: str
    tree: ast.Module  # CPython's tree of ``body``
    shifts: dict[int, str] = field(default_factory=dict)  # row -> what was taken from its start

    def column(self, row: int, column: int) -> int:
        """A column of ``text`` as a column of the file."""
        return column + len(self.shifts.get(row, ""))


def prepare(body: bytes, filename: str, nesting: bool = True) -> Source:
    """CPython's verdict on ``body`` and the text libcst will parse. Raises Unanalysable or
    bounds.TooLarge; ``nesting=False`` skips the limits that only the libcst parse needs."""
    bounds.check_size(len(body), bounds.MAX_FILE_BYTES, "the file")
    text, encoding = decode(body)
    tree = cpython_tree(text, filename)
    if nesting:
        bounds.check_nesting(tree)
    source = Source(body, body, encoding, tree)
    if b"\f" in body and _FORM_FEED_INDENT.search(body):
        normalised, source.shifts = _without_indent_form_feeds(text)
        if source.shifts:
            source.text = normalised.encode(encoding)
    return source


def decode(body: bytes) -> tuple[str, str]:
    """The text as CPython reads a file: its declared encoding, else UTF-8, all of it."""
    for bom, name in _WIDE_BOMS.items():
        if body.startswith(bom):
            raise Unanalysable(f"cannot decode file: {name} text (Python source is UTF-8 or declares an 8-bit "
                               f"encoding)")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(body).readline)
    except SyntaxError as error:  # an unknown or malformed coding declaration
        raise Unanalysable(f"cannot decode file: {error.msg}") from None
    if encoding == "utf-8-sig":
        encoding = "utf-8"
    try:
        return body.decode(encoding), encoding
    except UnicodeDecodeError as error:
        row = body.count(b"\n", 0, error.start) + 1
        column = error.start - (body.rfind(b"\n", 0, error.start) + 1) + 1
        byte = body[error.start]
        reason = (f"byte 0x{byte:02x} on line {row} is not UTF-8 and no encoding is declared (PEP 263)"
                  if encoding == "utf-8" else f"byte 0x{byte:02x} on line {row} is not valid {encoding}")
        raise Unanalysable(f"cannot decode file: {reason}", row, column) from None


# Levels of recursion limit added for building the tree of what compiled (ast construction stops a
# few levels before the compiler does).
CPYTHON_TREE_HEADROOM = 100


def cpython_tree(text: str, filename: str) -> ast.Module:
    """The tree of what CPython compiles; raises Unanalysable with CPython's message and position."""
    try:
        # From the text: compiling a tree object checks its depth against Python's recursion
        # limit, a third of what CPython compiles from source.
        with bounds.cpython_recursion_limit():
            quiet_compile(text, filename)
    except SyntaxError as error:  # also IndentationError, TabError
        raise Unanalysable(f"syntax error: {error.msg}", error.lineno or 1, error.offset or 1) from None
    except ValueError as error:  # NUL bytes, on versions that raise ValueError for them
        raise Unanalysable(f"syntax error: {error}") from None
    except (RecursionError, MemoryError) as error:  # CPython's own nesting limits
        raise Unanalysable(f"syntax error: CPython cannot compile this file ({error or 'too deeply nested'})") from None
    try:
        with bounds.cpython_recursion_limit(headroom=CPYTHON_TREE_HEADROOM):
            return quiet_compile(text, filename, ast.PyCF_ONLY_AST)
    except (RecursionError, MemoryError):
        raise bounds.TooLarge(f"nested more than {bounds.MAX_DEPTH} levels deep") from None


def quiet_compile(text: str | bytes, filename: str, flags: int = 0):
    """compile() without the SyntaxWarnings it prints for the code it reads ("'int' object is not
    callable"): they are about the user's code, and would interleave with the findings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compile(text, filename, "exec", flags, dont_inherit=True)


def parse(text: bytes) -> cst.Module:
    """libcst's tree of text CPython compiles; raises Unanalysable where libcst cannot read it."""
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        message = str(error.message).splitlines()[0] if error.message else "unexpected token"
        raise Unanalysable(f"cannot analyse: the libcst parser fails at line {error.raw_line} although CPython "
                           f"compiles it ({message})", error.raw_line, error.raw_column + 1) from None
    except RecursionError:
        raise
    except Exception as error:  # libcst's own limits (an internal error of its parser)
        raise Unanalysable(f"cannot analyse: the libcst parser fails ({type(error).__name__}: {error})") from None


# -- form feeds -----------------------------------------------------------------------------------
def _without_indent_form_feeds(text: str) -> tuple[str, dict[int, str]]:
    """``text`` with what precedes the last form feed of each line's indentation removed, as
    CPython reads it (a form feed resets the indentation count), and what was removed per row."""
    lines = lines_of(text)
    shifts: dict[int, str] = {}
    for row in _line_starts(text):
        line = lines[row - 1] if row <= len(lines) else ""
        indent = line[:len(line) - len(line.lstrip(" \t\f"))]
        if "\f" in indent:
            removed = indent[:indent.rindex("\f") + 1]
            shifts[row] = removed
            lines[row - 1] = line[len(removed):]
    return "".join(lines), shifts


def _line_starts(text: str) -> set[int]:
    """Rows that begin a logical line (or a blank or comment line outside brackets); the others
    continue a bracket, a backslash or a string, where a form feed is plain whitespace."""
    starts: set[int] = set()
    depth, expect_start = 0, True
    # Universal newlines: rows are counted as CPython counts them ("\r" alone ends a line too).
    for token in tokenize.generate_tokens(io.StringIO(text, newline=None).readline):
        kind = token.type
        if kind in (tokenize.ENDMARKER, tokenize.ENCODING):
            continue
        if expect_start and depth == 0:
            starts.add(token.start[0])
            expect_start = False
        if kind == tokenize.OP and token.string in "([{":
            depth += 1
        elif kind == tokenize.OP and token.string in ")]}":
            depth = max(depth - 1, 0)
        elif kind == tokenize.NEWLINE or (kind == tokenize.NL and depth == 0):
            expect_start = True
    return starts


def restore(source: Source, fixed: bytes, parsed_code: str) -> bytes | None:
    """``fixed`` (libcst's output for ``source.text``) as bytes of the file: form feeds put back
    and a final newline libcst dropped re-added. None when a fix rewrote a line whose form feed
    cannot be placed again."""
    original = source.body.decode(source.encoding)
    text = source.text.decode(source.encoding)
    out = fixed.decode(source.encoding)
    final = _final_newline(text)
    if final and not parsed_code.endswith(final) and not out.endswith(final):
        out += final  # libcst drops the last newline of a file that uses "\r" alone
    if not source.shifts:
        return out.encode(source.encoding)
    before, after, lines = lines_of(text), lines_of(out), lines_of(original)
    restored: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            restored.extend(lines[i1:i2])
            continue
        shifted = [row for row in range(i1 + 1, i2 + 1) if row in source.shifts]
        if not shifted:
            restored.extend(after[j1:j2])
        elif i2 - i1 == j2 - j1 and all(_same_indent(before[row - 1], after[j1 + row - 1 - i1]) for row in shifted):
            restored.extend(source.shifts.get(i1 + k + 1, "") + after[j1 + k] for k in range(j2 - j1))
        else:
            return None
    return "".join(restored).encode(source.encoding)


def lines_of(text: str) -> list[str]:
    """Lines with their endings, split where CPython splits them (``str.splitlines`` also splits
    at form feeds and other control characters)."""
    return _LINE.findall(text)


def _final_newline(text: str) -> str:
    return "\r\n" if text.endswith("\r\n") else text[-1:] if text.endswith(("\r", "\n")) else ""


def _same_indent(a: str, b: str) -> bool:
    return a[:len(a) - len(a.lstrip())] == b[:len(b) - len(b.lstrip())]
