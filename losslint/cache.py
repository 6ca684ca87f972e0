"""A cache of findings keyed by file content, settings and losslint version (``.losslint_cache/``)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

from losslint import __version__
from losslint.diagnostics import Applicability, Diagnostic, Edit, FixSummary, Location
from losslint.engine import FileResult, Settings

CACHE_DIR = ".losslint_cache"


def key(source: bytes, display: str, settings: Settings, with_edits: bool) -> str:
    digest = hashlib.sha256()
    for part in (__version__, display, repr(sorted(settings.codes)), repr(settings.loss_patterns),
                 repr(settings.options), repr(sorted(settings.unfixable)),
                 repr(sorted((code, level.value) for code, level in settings.applicability)),
                 str(settings.respect_noqa), str(with_edits)):
        digest.update(part.encode())
        digest.update(b"\0")
    digest.update(source)
    return digest.hexdigest()


class Cache:
    def __init__(self, root: Path) -> None:
        self.folder = root / CACHE_DIR

    def _path(self, entry: str) -> Path:
        return self.folder / entry[:2] / f"{entry[2:]}.json"

    def get(self, entry: str) -> FileResult | None:
        try:
            data = json.loads(self._path(entry).read_text(encoding="utf-8"))
            return FileResult(data["filename"], [_diagnostic(d) for d in data["diagnostics"]], data["error"])
        except (OSError, ValueError, KeyError, TypeError):
            return None  # a missing or unreadable entry is a miss

    def put(self, entry: str, result: FileResult) -> None:
        if not result.cacheable or (result.error and result.error.startswith(("internal error", "cannot read"))):
            return  # not a property of this file's content alone: analyze it again next time
        path = self._path(entry)
        try:
            if not self.folder.exists():
                self.folder.mkdir(parents=True)
                (self.folder / ".gitignore").write_text("*\n")  # never committed by accident
            path.parent.mkdir(exist_ok=True)
            data = {"filename": result.filename, "error": result.error,
                    "diagnostics": [asdict(d) for d in result.diagnostics]}
            fd, temp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, default=_enum_value)
            os.replace(temp, path)
        except OSError:
            pass  # a read-only tree lints without a cache

    def clear(self) -> bool:
        if self.folder.is_dir():
            shutil.rmtree(self.folder)
            return True
        return False


def _enum_value(value):
    if isinstance(value, Applicability):
        return value.value
    raise TypeError(value)


def _diagnostic(d: dict) -> Diagnostic:
    fix = None
    if d["fix"] is not None:
        f = d["fix"]
        fix = FixSummary(Applicability(f["applicability"]), f["message"],
                         tuple(Edit(e["content"], Location(**e["location"]), Location(**e["end_location"]), e.get("cell"))
                               for e in f["edits"]))
    return Diagnostic(d["code"], d["message"], d["filename"], Location(**d["location"]),
                      Location(**d["end_location"]), fix, d.get("cell"), d.get("noqa_row"))
