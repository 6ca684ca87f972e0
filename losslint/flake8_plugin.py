"""flake8 plugin: the same findings under flake8 (code prefix LL). flake8 has no fixes."""

from __future__ import annotations

from typing import Iterator

from losslint import __version__
from pathlib import Path

from losslint.config import ConfigError, nearest
from losslint.engine import Settings, lint_source


class LosslintChecker:
    name = "losslint"
    version = __version__

    def __init__(self, tree, filename: str = "stdin", lines: list[str] | None = None) -> None:
        self.filename = filename
        self.lines = lines or []

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        source = "".join(self.lines).encode("utf-8")
        # [tool.losslint] decides which rules run; flake8 applies its own select/ignore/noqa on top.
        path = Path(self.filename)
        try:
            settings = nearest(path.resolve().parent).settings_for(path)
        except ConfigError:
            settings = Settings()
        result = lint_source(source, self.filename, settings)
        for d in result.diagnostics:
            if d.code == "LL000":
                continue  # flake8 reports syntax errors itself (E999)
            yield d.location.row, d.location.column - 1, f"{d.code} {d.message}", type(self)
