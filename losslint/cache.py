"""A cache of findings keyed by file content, settings and losslint version (``.losslint_cache/``)."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict, replace
from pathlib import Path

from losslint import __version__
from losslint.core.project import content_digest
from losslint.diagnostics import Applicability, Diagnostic, Edit, FixSummary, Location
from losslint.discovery import real_path
from losslint.engine import FileResult, Settings

CACHE_DIR = ".losslint_cache"
CACHE_DIR_VARIABLE = "LOSSLINT_CACHE_DIR"


def cache_folder(cwd: Path, given: str | os.PathLike | None = None) -> Path:
    """Where the cache lives: ``--cache-dir``, else ``$LOSSLINT_CACHE_DIR``, else ``.losslint_cache/``
    in the working folder (as ruff). The command line, pre-commit and the language server share it."""
    chosen = given or os.environ.get(CACHE_DIR_VARIABLE)
    return cwd / chosen if chosen else cwd / CACHE_DIR


def identity(path: str) -> str:
    """A file's name in cache keys: its real path, so that the same file reached under another
    spelling (relative, absolute, through a link, from another folder) shares its entry."""
    try:
        return real_path(path)
    except (OSError, ValueError):
        return path


def key(source: bytes, name: str, settings: Settings, with_edits: bool) -> str:
    digest = hashlib.sha256(_settings_part(settings, with_edits))
    digest.update(name.encode())
    digest.update(b"\0")
    digest.update(source)
    return digest.hexdigest()


@functools.lru_cache(maxsize=64)
def _settings_part(settings: Settings, with_edits: bool) -> bytes:
    """What the settings add to every key, computed once per distinct settings."""
    parts = (__version__, repr(sorted(settings.codes)), repr(settings.loss_patterns), repr(settings.options),
             repr(sorted(settings.unfixable)), repr(sorted((code, level.value) for code, level in settings.applicability)),
             repr(sorted(settings.everywhere)), str(settings.reduce), str(settings.respect_noqa), str(with_edits))
    return "\0".join(parts).encode() + b"\0"


class Cache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, entry: str) -> Path:
        return self.folder / entry[:2] / f"{entry[2:]}.json"

    def get(self, entry: str, filename: str | None = None, real_path: str | None = None) -> FileResult | None:
        """The cached result, its findings named ``filename``, or None for a miss. An entry
        written for another spelling of the same file (its ``real_path`` recorded) is renamed.
        Entries are untrusted input: anything but a well-formed entry for this file is a miss,
        and the file is analysed afresh."""
        try:
            with open(self._path(entry), "rb") as handle:
                body = handle.read(_MAX_ENTRY_BYTES + 1)
            if len(body) > _MAX_ENTRY_BYTES:
                return None
            data = json.loads(body.decode("utf-8"))
            result = FileResult(_text(data["filename"]), [_diagnostic(d) for d in _list(data["diagnostics"])],
                                _optional_text(data["error"]))
            dependencies = _dict(data.get("dependencies", {}))
            if any(content_digest(_text(path)) != _text(digest) for path, digest in dependencies.items()):
                return None  # a module it imports from changed: what it read there may differ
            result.dependencies = dependencies
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError, MemoryError):
            return None
        if filename is not None and (result.filename != filename
                                     or any(d.filename != result.filename for d in result.diagnostics)):
            consistent = all(d.filename == result.filename for d in result.diagnostics)
            if not consistent or real_path is None or data.get("real_path") != real_path:
                return None
            result = replace(result, filename=filename,
                             diagnostics=[replace(d, filename=filename) for d in result.diagnostics])
        return result

    def put(self, entry: str, result: FileResult, real_path: str | None = None) -> None:
        if not result.cacheable or (result.error and result.error.startswith(("internal error", "cannot read"))):
            return  # not a property of this file's content alone: analyze it again next time
        path = self._path(entry)
        temp = None
        try:
            if not self.folder.exists():
                self.folder.mkdir(parents=True)
                (self.folder / ".gitignore").write_text("*\n")  # never committed by accident
            path.parent.mkdir(exist_ok=True)
            data = {"filename": result.filename, "real_path": real_path, "error": result.error,
                    "diagnostics": [asdict(d) for d in result.diagnostics], "dependencies": result.dependencies}
            fd, temp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, default=_enum_value)
            os.replace(temp, path)
            temp = None
        except OSError:
            pass  # a read-only tree or a full disk: lints without a cache
        finally:
            if temp is not None:
                try:
                    os.unlink(temp)
                except OSError:
                    pass

    def clear(self) -> bool:
        if self.folder.is_dir():
            shutil.rmtree(self.folder)
            return True
        return False


def _enum_value(value):
    if isinstance(value, Applicability):
        return value.value
    raise TypeError(value)


# An entry holds one file's findings; one this large was not written by losslint.
_MAX_ENTRY_BYTES = 64 * 2**20


def _diagnostic(d: dict) -> Diagnostic:
    d = _dict(d)
    fix = None
    if d["fix"] is not None:
        f = _dict(d["fix"])
        fix = FixSummary(Applicability(f["applicability"]), _text(f["message"]),
                         tuple(Edit(_text(e["content"]), _location(e["location"]), _location(e["end_location"]),
                                    _optional_int(e.get("cell"))) for e in map(_dict, _list(f["edits"]))))
    return Diagnostic(_text(d["code"]), _text(d["message"]), _text(d["filename"]), _location(d["location"]),
                      _location(d["end_location"]), fix, _optional_int(d.get("cell")),
                      _optional_int(d.get("noqa_row")))


def _location(value) -> Location:
    value = _dict(value)
    return Location(_int(value["row"]), _int(value["column"]))


def _checked(kind):
    def check(value):
        if type(value) is not kind:  # bool is not an int here, nor a float
            raise TypeError(f"{kind.__name__} expected")
        return value
    return check


_text, _int, _list, _dict = _checked(str), _checked(int), _checked(list), _checked(dict)


def _optional_text(value):
    return None if value is None else _text(value)


def _optional_int(value):
    return None if value is None else _int(value)
