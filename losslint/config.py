"""``[tool.losslint]`` in pyproject.toml: read, validate, and turn into per-file settings."""

from __future__ import annotations

import fnmatch
import re
import sys
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from losslint.engine import Settings
from losslint.rules import all_rules

SELECTOR = re.compile(r"^(ALL|LL\d{0,3})$")
LIST_KEYS = ("select", "ignore", "extend-select", "exclude", "loss-functions", "everywhere")
KNOWN_KEYS = set(LIST_KEYS) | {"per-file-ignores", "weight-ratio", "weight-band"}


class ConfigError(Exception):
    """A bad configuration: the message names the key and the file."""


@dataclass(frozen=True)
class Config:
    source: Path | None = None  # the file it was read from
    root: Path = field(default_factory=Path.cwd)  # patterns are relative to this folder
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    loss_functions: tuple[str, ...] = ()
    # Rules that may also run outside loss code (their spec says runs_in = "anywhere").
    everywhere: tuple[str, ...] = ()
    options: tuple[tuple[str, object], ...] = ()

    def with_overrides(self, select=None, ignore=(), extend_select=()) -> Config:
        return replace(self, select=tuple(select) if select is not None else self.select,
                       ignore=self.ignore + tuple(ignore), extend_select=self.extend_select + tuple(extend_select))

    def codes_for(self, path: Path) -> frozenset[str]:
        rules = all_rules()
        if self.select is None:
            codes = {code for code, rule in rules.items() if rule.default_enabled}
        else:
            codes = {code for code in rules if _selected(code, self.select)}
        codes |= {code for code in rules if _selected(code, self.extend_select)}
        ignored = list(self.ignore)
        relative = _relative(path, self.root)
        for pattern, codes_ignored in self.per_file_ignores:
            if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(path.name, pattern):
                ignored += codes_ignored
        return frozenset(code for code in codes if not _selected(code, ignored))

    def settings_for(self, path: Path) -> Settings:
        rules = all_rules()
        everywhere = frozenset(code for code, rule in rules.items()
                               if rule.runs_in == "anywhere" and _selected(code, self.everywhere))
        return Settings(codes=self.codes_for(path), loss_patterns=self.loss_functions, options=self.options,
                        everywhere=everywhere)


def _selected(code: str, selectors) -> bool:
    return any(s == "ALL" or code.startswith(s) for s in selectors)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def validate_selectors(values, where: str) -> tuple[str, ...]:
    codes = all_rules()
    out = []
    for value in values:
        value = value.strip().upper()
        if not SELECTOR.match(value) or (value != "ALL" and not any(c.startswith(value) for c in codes)):
            raise ConfigError(f"{where}: unknown rule code or prefix {value!r} (see `losslint rules`)")
        out.append(value)
    return tuple(out)


def parse_table(table: dict, source: Path | None, root: Path) -> Config:
    where = str(source) if source else "command line"
    for key in table:
        if key not in KNOWN_KEYS:
            raise ConfigError(f"{where}: unknown key `{key}` in [tool.losslint] "
                              f"(known: {', '.join(sorted(KNOWN_KEYS))})")
    values = {}
    for key in LIST_KEYS:
        if key in table:
            value = table[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where}: `{key}` must be a list of strings, got {value!r}")
            values[key] = tuple(value)
    per_file = []
    if "per-file-ignores" in table:
        raw = table["per-file-ignores"]
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: `per-file-ignores` must be a table of pattern = [codes]")
        for pattern, codes in raw.items():
            if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
                raise ConfigError(f"{where}: `per-file-ignores.{pattern}` must be a list of codes")
            per_file.append((pattern, validate_selectors(codes, f"{where}: per-file-ignores.{pattern}")))
    options = []
    if "weight-ratio" in table:
        ratio = table["weight-ratio"]
        if isinstance(ratio, bool) or not isinstance(ratio, (int, float)) or ratio <= 1:
            raise ConfigError(f"{where}: `weight-ratio` must be a number above 1, got {ratio!r}")
        options.append(("weight-ratio", float(ratio)))
    if "weight-band" in table:
        band = table["weight-band"]
        if (not isinstance(band, list) or len(band) != 2 or any(isinstance(b, bool) or not isinstance(b, (int, float))
                                                               for b in band) or not 0 < band[0] < band[1]):
            raise ConfigError(f"{where}: `weight-band` must be [low, high] with 0 < low < high, got {band!r}")
        options.append(("weight-band", (float(band[0]), float(band[1]))))
    return Config(
        source=source, root=root, options=tuple(options),
        select=validate_selectors(values["select"], f"{where}: select") if "select" in values else None,
        ignore=validate_selectors(values.get("ignore", ()), f"{where}: ignore"),
        extend_select=validate_selectors(values.get("extend-select", ()), f"{where}: extend-select"),
        per_file_ignores=tuple(per_file), exclude=values.get("exclude", ()),
        loss_functions=values.get("loss-functions", ()),
        everywhere=validate_selectors(values.get("everywhere", ()), f"{where}: everywhere"),
    )


def load(path: Path) -> Config:
    """A config file: a pyproject.toml with [tool.losslint], or a file of losslint keys at the top."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    tool = data.get("tool", {})
    table = tool.get("losslint") if isinstance(tool, dict) else None
    if table is None:
        table = {} if path.name == "pyproject.toml" else data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.losslint] must be a table")
    return parse_table(table, path, path.parent)


@lru_cache(maxsize=None)
def nearest(directory: Path) -> Config:
    """The config of the nearest pyproject.toml with a [tool.losslint] table above ``directory``."""
    for folder in (directory, *directory.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                text = candidate.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if "losslint" in text and re.search(r"^\s*\[tool\.losslint", text, re.MULTILINE):
                return load(candidate)
    return Config(root=directory)
