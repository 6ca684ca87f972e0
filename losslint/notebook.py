"""Jupyter notebooks: the code cells joined into one Python source (so a name imported in one cell
is known in the next), findings mapped back to ``cell N:line:col``, and fixes written into the
changed cells only, every other byte of the notebook JSON kept."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, replace

from losslint.diagnostics import Diagnostic, Edit, FixSummary, Location

# A comment line opening each code cell in the joined source. Comments survive every fix (libcst
# keeps them), so the fixed source splits back into the same cells.
_MARKER = "# losslint-cell {}\n"
_MARKER_LINE = re.compile(r"^# losslint-cell (\d+)\n", re.MULTILINE)
# An IPython line that is not Python (a magic, a shell escape, a help query) becomes this comment,
# and the original line comes back when the cell is written.
_PLACEHOLDER = "# losslint-ipython {}"
_PLACEHOLDER_LINE = re.compile(r"^([ \t]*)# losslint-ipython (\d+)$")
_IPYTHON_LINE = re.compile(r"^\s*(?:[%!]|\?+[\w.]|[\w.]+\s*=\s*[%!]|[\w.]+\?{1,2}\s*$)"
                           # IPython compiles each cell on its own, so a cell may start with a
                           # ``from __future__`` import; in the joined source it would be an error.
                           r"|^from\s+__future__\s+import\b")
# Cell magics whose body is still Python; any other ``%%`` cell (bash, html, writefile...) is skipped.
_PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun"}
_WHITESPACE = re.compile(r"[ \t\r\n]*")


class NotebookError(ValueError):
    """Not a notebook losslint can read; the message says why."""


@dataclass
class _Cell:
    index: int  # position among all cells of the notebook, 0-based
    source: str  # as stored, joined into one string
    python: bool  # False for a cell magic whose body is not Python
    first_row: int = 0  # row of the cell's first line in the joined source, 1-based


class Notebook:
    def __init__(self, raw: bytes) -> None:
        try:
            self.text = raw.decode("utf-8-sig")
            data = json.loads(self.text)
        except (UnicodeDecodeError, ValueError) as error:
            raise NotebookError(f"not a readable notebook (invalid JSON: {error})") from None
        if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
            raise NotebookError("not a readable notebook (no list of cells)")
        self.bom = raw.startswith(b"\xef\xbb\xbf")
        self.data = data
        self.cells: list[_Cell] = []
        self._ipython_lines: list[str] = []
        self.source = ""
        if _language(data) not in ("python", None):
            return  # an R or Julia notebook: nothing to lint
        for index, cell in enumerate(data["cells"]):
            if isinstance(cell, dict) and cell.get("cell_type") == "code":
                source = cell.get("source", "")
                source = "".join(source) if isinstance(source, list) else str(source)
                magic = re.match(r"\s*%%(\w+)", source)
                self.cells.append(_Cell(index, source, magic is None or magic.group(1) in _PYTHON_CELL_MAGICS))
        self.source = self._join()

    # -- the joined Python source ------------------------------------------------------------------
    def _join(self) -> str:
        parts, row = [], 1
        for cell in self.cells:
            parts.append(_MARKER.format(cell.index))
            cell.first_row = row + 1
            lines = self._python_lines(cell)
            parts.extend(lines)
            row += 1 + len(lines)
        return "".join(parts)

    def _python_lines(self, cell: _Cell) -> list[str]:
        if not cell.python:
            return []
        lines = cell.source.splitlines(keepends=True)
        out = []
        quotes = {'"""': 0, "'''": 0}  # triple quotes seen so far: odd means inside a string
        for line in lines:
            body = line.rstrip("\r\n")
            in_string = any(count % 2 for count in quotes.values())
            for quote in quotes:
                quotes[quote] += body.count(quote)
            if _IPYTHON_LINE.search(body) and not in_string:
                indent = body[:len(body) - len(body.lstrip())]
                out.append(indent + _PLACEHOLDER.format(len(self._ipython_lines)) + "\n")
                self._ipython_lines.append(body)
            else:
                out.append(body + "\n")
        return out

    def position(self, row: int) -> tuple[int, int]:
        """(cell number counted from 1 over every cell, as editors number them; row in the cell)."""
        owner = self.cells[0]
        for cell in self.cells:
            if cell.first_row - 1 <= row:
                owner = cell
        return owner.index + 1, max(1, row - owner.first_row + 1)

    def locate(self, diagnostic: Diagnostic) -> Diagnostic:
        if not self.cells:
            return replace(diagnostic, cell=None)
        cell, row = self.position(diagnostic.location.row)
        end_cell, end_row = self.position(diagnostic.end_location.row)
        end = diagnostic.end_location if end_cell == cell else diagnostic.location
        end = Location(end_row if end_cell == cell else row, end.column)
        fix = diagnostic.fix
        if fix is not None and fix.edits:
            edits = tuple(self._locate_edit(edit) for edit in fix.edits)
            # An edit that crosses a cell boundary cannot be shown in one cell: the fix stays
            # (``--fix`` applies it), its edits are not listed.
            fix = FixSummary(fix.applicability, fix.message,
                             edits if all(e is not None for e in edits) else ())
        noqa_row = diagnostic.noqa_row
        if noqa_row is not None:
            noqa_cell, noqa_row = self.position(noqa_row)
            noqa_row = noqa_row if noqa_cell == cell else row
        return replace(diagnostic, location=Location(row, diagnostic.location.column), end_location=end,
                       cell=cell, fix=fix, noqa_row=noqa_row)

    def _locate_edit(self, edit: Edit) -> Edit | None:
        cell, row = self.position(edit.location.row)
        end_cell, end_row = self.position(max(edit.location.row, edit.end_location.row - 1))
        if cell != end_cell:
            return None
        end_row = row + (edit.end_location.row - edit.location.row)
        return Edit(edit.content, Location(row, edit.location.column), Location(end_row, edit.end_location.column),
                    cell=cell)

    def file_line(self, cell: int, row: int) -> int:
        """The line of the notebook file that stores row ``row`` of cell ``cell`` (counted from 1
        over every cell): where formats that know no cells (annotations, code quality reports)
        can point. A source stored as one string is one line of the file."""
        try:
            start, end = _value_span(self.text, ["cells", cell - 1, "source"])
        except (NotebookError, IndexError, ValueError):
            return 1
        pos = start
        if self.text[start] == "[":
            pos = _WHITESPACE.match(self.text, start + 1).end()
            for _ in range(row - 1):
                if self.text[pos] == "]":
                    break
                _, after = _DECODER.raw_decode(self.text, pos)
                after = _WHITESPACE.match(self.text, after).end()
                if self.text[after] != ",":
                    break
                pos = _WHITESPACE.match(self.text, after + 1).end()
        return self.text.count("\n", 0, pos) + 1

    # -- writing fixes back ------------------------------------------------------------------------
    def cell_sources(self, fixed_source: str) -> dict[int, str]:
        """Each code cell's new text, from a fixed joined source. Raises NotebookError when the
        fix moved a cell boundary."""
        pieces = _MARKER_LINE.split(fixed_source)
        head, rest = pieces[0], pieces[1:]
        indices = [int(i) for i in rest[0::2]]
        if indices != [cell.index for cell in self.cells]:
            raise NotebookError("a fix moved a cell boundary; the notebook was not changed")
        out = {}
        for n, (cell, body) in enumerate(zip(self.cells, rest[1::2])):
            if n == 0:
                body = head + body  # imports a fix adds go to the top: into the first code cell
            if not cell.python:
                if body.strip():
                    raise NotebookError("a fix wrote into a non-Python cell; the notebook was not changed")
                out[cell.index] = cell.source
                continue
            lines = []
            for line in body.splitlines(keepends=True):
                match = _PLACEHOLDER_LINE.match(line.rstrip("\r\n"))
                lines.append(self._ipython_lines[int(match.group(2))] + "\n" if match else line)
            text = "".join(lines)
            if not cell.source.endswith("\n") and text.endswith("\n"):
                text = text[:-1]  # Jupyter stores a cell's last line without its newline
            out[cell.index] = text
        return out

    def with_source(self, fixed_source: str) -> bytes:
        """The notebook with the changed cells' ``source`` rewritten in place; everything else,
        outputs and metadata and the JSON layout, byte-for-byte as it was."""
        new_sources = self.cell_sources(fixed_source)
        text = self.text
        # Rewrite from the last cell back so earlier offsets stay valid.
        for cell in reversed(self.cells):
            new = new_sources[cell.index]
            if new == cell.source:
                continue
            start, end = _value_span(text, ["cells", cell.index, "source"])
            text = text[:start] + _dump_source(new, text, start, end) + text[end:]
        return (b"\xef\xbb\xbf" if self.bom else b"") + text.encode("utf-8")

    def cell_diff(self, fixed: bytes, filename: str) -> str:
        """A unified diff per changed cell."""
        after = Notebook(fixed)
        out = []
        for old, new in zip(self.cells, after.cells):
            if old.source != new.source:
                out.extend(difflib.unified_diff(
                    _lines(old.source), _lines(new.source),
                    fromfile=f"a/{filename}:cell {old.index + 1}", tofile=f"b/{filename}:cell {new.index + 1}"))
        return "".join(out)


def _lines(source: str) -> list[str]:
    return [line if line.endswith("\n") else line + "\n" for line in source.splitlines(keepends=True)]


def _language(data: dict) -> str | None:
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    for key in ("language_info", "kernelspec"):
        info = metadata.get(key)
        if isinstance(info, dict):
            name = info.get("name") if key == "language_info" else info.get("language")
            if isinstance(name, str):
                return name.lower()
    return None


# -- the notebook JSON, edited in place -------------------------------------------------------------
_DECODER = json.JSONDecoder()


def _value_span(text: str, path: list) -> tuple[int, int]:
    """Start and end offsets of the JSON value at ``path`` (keys and list indices)."""
    pos = _WHITESPACE.match(text, 0).end()
    for step in path:
        if isinstance(step, str):
            if text[pos] != "{":
                raise NotebookError("unexpected notebook layout")
            pos = _WHITESPACE.match(text, pos + 1).end()
            while True:
                key, pos = json.decoder.scanstring(text, pos + 1)
                pos = _WHITESPACE.match(text, pos).end() + 1  # the colon
                pos = _WHITESPACE.match(text, pos).end()
                if key == step:
                    break
                _, pos = _DECODER.raw_decode(text, pos)
                pos = _WHITESPACE.match(text, pos).end()
                if text[pos] != ",":
                    raise NotebookError(f"notebook JSON has no {step!r}")
                pos = _WHITESPACE.match(text, pos + 1).end()
        else:
            if text[pos] != "[":
                raise NotebookError("unexpected notebook layout")
            pos = _WHITESPACE.match(text, pos + 1).end()
            for _ in range(step):
                _, pos = _DECODER.raw_decode(text, pos)
                pos = _WHITESPACE.match(text, pos).end() + 1  # the comma
                pos = _WHITESPACE.match(text, pos).end()
    _, end = _DECODER.raw_decode(text, pos)
    return pos, end


def _dump_source(source: str, text: str, start: int, end: int) -> str:
    """``source`` in the layout the notebook already uses: one string, or a list of lines with
    the same indentation and escaping as the value it replaces."""
    old = text[start:end]
    ascii_only = text.isascii() and "\\u" in text
    if old.startswith('"'):
        return json.dumps(source, ensure_ascii=ascii_only)
    lines = source.splitlines(keepends=True)
    if not lines:
        return "[]"
    items = [json.dumps(line, ensure_ascii=ascii_only) for line in lines]
    first = _WHITESPACE.match(old, 1).group()
    if old[len(first) + 1:] != "]" and not first:  # a one-line list: ["a", "b"]
        return "[" + ", ".join(items) + "]"
    closing = re.search(r"[ \t\r\n]*\]$", old).group()[:-1]
    if old[len(first) + 1:] == "]":  # was empty: indent one step deeper than the key, as nbformat does
        line_start = text.rfind("\n", 0, start) + 1
        indent = re.match(r"[ \t]*", text[line_start:]).group()
        newline = "\r\n" if "\r\n" in text else "\n"
        first, closing = newline + indent + " ", newline + indent
    return "[" + first + ("," + first).join(items) + closing + "]"
