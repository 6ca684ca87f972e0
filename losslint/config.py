"""The configuration: ``.losslint.toml``, ``losslint.toml`` or ``[tool.losslint]`` in pyproject.toml,
read, validated, merged with the file it ``extend``s and with the command line, and turned into
per-file settings."""

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

from losslint.diagnostics import Applicability
from losslint.engine import SYNTAX_ERROR, Settings
from losslint.rules import all_rules

SELECTOR = re.compile(r"^(ALL|LL\d{0,3})$")
# Keys whose value is a list of rule codes, prefixes or names.
SELECTOR_KEYS = ("select", "ignore", "extend-select", "fixable", "unfixable", "extend-fixable",
                 "extend-safe-fixes", "extend-unsafe-fixes", "everywhere")
PATTERN_KEYS = ("exclude", "extend-exclude")
PER_FILE_KEYS = ("per-file-ignores", "extend-per-file-ignores")
KNOWN_KEYS = set(SELECTOR_KEYS) | set(PATTERN_KEYS) | set(PER_FILE_KEYS) | {
    "extend", "force-exclude", "loss-functions", "weight-ratio", "weight-band"}
# Keys that add to what the extended file (or the configuration under the command line) says.
ADDING = {"extend_select", "extend_exclude", "extend_per_file_ignores", "extend_fixable",
          "extend_safe_fixes", "extend_unsafe_fixes"}
# Standalone files first, as in a folder that has both: they hold only losslint's settings.
CONFIG_FILES = (".losslint.toml", "losslint.toml", "pyproject.toml")


class ConfigError(Exception):
    """A bad configuration: the message names the key and the file."""


@dataclass(frozen=True)
class Config:
    source: Path | None = None  # the file it was read from
    root: Path = field(default_factory=Path.cwd)  # the folder of that file
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    # Patterns keep the folder they are relative to: an extended file's patterns stay its own.
    per_file_ignores: tuple[tuple[Path, str, tuple[str, ...]], ...] = ()
    extend_per_file_ignores: tuple[tuple[Path, str, tuple[str, ...]], ...] = ()
    exclude: tuple[tuple[Path, str], ...] = ()
    extend_exclude: tuple[tuple[Path, str], ...] = ()
    force_exclude: bool = False
    loss_functions: tuple[str, ...] = ()
    # Rules that may also run outside loss code (their spec says runs_in = "anywhere").
    everywhere: tuple[str, ...] = ()
    options: tuple[tuple[str, object], ...] = ()
    fixable: tuple[str, ...] | None = None  # None: every rule
    unfixable: tuple[str, ...] = ()
    extend_fixable: tuple[str, ...] = ()
    extend_safe_fixes: tuple[str, ...] = ()
    extend_unsafe_fixes: tuple[str, ...] = ()
    extends: tuple[Path, ...] = ()  # the files this one extends, nearest first

    def with_overrides(self, **changes) -> Config:
        """The command line on top: ``select``, ``fixable``, ``exclude``, ``per_file_ignores`` and
        ``force_exclude`` replace; ``ignore``, ``unfixable`` and the ``extend_*`` lists add."""
        out = {}
        for name, value in changes.items():
            if value is None:
                continue
            if name in ADDING or name in ("ignore", "unfixable"):
                value = getattr(self, name) + tuple(value)
            out[name] = tuple(value) if isinstance(value, list) else value
        return replace(self, **out)

    # -- rules ---------------------------------------------------------------------------------
    def codes_for(self, path: Path) -> frozenset[str]:
        codes = self._derived()[0]
        ignored = []
        for root, pattern, codes_ignored in self.per_file_ignores + self.extend_per_file_ignores:
            relative = _relative(path, root)
            if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(path.name, pattern):
                ignored += codes_ignored
        return frozenset(code for code in codes if not _selected(code, ignored)) if ignored else codes

    def _derived(self) -> tuple:
        """What does not depend on the file: (codes before per-file ignores, unfixable codes, changed
        applicabilities, codes run everywhere, the Settings made of these); worked out once per
        configuration, not per file."""
        policy = (self.select, self.ignore, self.extend_select, self.fixable, self.unfixable, self.extend_fixable,
                  self.extend_safe_fixes, self.extend_unsafe_fixes, self.everywhere)
        derived = _DERIVED.get(policy)
        if derived is not None:
            return derived
        rules = all_rules()
        if self.select is None:
            codes = {code for code, rule in rules.items() if rule.default_enabled}
        else:
            codes = {code for code in rules if _selected(code, self.select)}
        codes |= {code for code in rules if _selected(code, self.extend_select)}
        codes.add(SYNTAX_ERROR)  # a file that cannot be analyzed is always said, unless ignored
        codes = frozenset(code for code in codes if not _selected(code, self.ignore))
        unfixable, applicability = self.fix_policy()
        everywhere = frozenset(code for code, rule in rules.items()
                               if rule.runs_in == "anywhere" and _selected(code, self.everywhere))
        derived = _DERIVED[policy] = (codes, unfixable, applicability, everywhere, {})
        return derived

    def fix_policy(self) -> tuple[frozenset[str], tuple[tuple[str, Applicability], ...]]:
        """(codes whose fixes are off, codes whose fix applicability the configuration changes)."""
        rules = all_rules()
        fixable = self.fixable if self.fixable is not None else ("ALL",)
        unfixable = frozenset(code for code in rules
                              if not _selected(code, fixable + self.extend_fixable) or _selected(code, self.unfixable))
        changed = []
        for code, rule in rules.items():
            if rule.fix_applicability is None:
                continue
            safe, unsafe = _specificity(code, self.extend_safe_fixes), _specificity(code, self.extend_unsafe_fixes)
            if safe or unsafe:  # the more specific selector wins; a tie is unsafe, the cautious reading
                level = Applicability.SAFE if safe > unsafe else Applicability.UNSAFE
                if level is not rule.fix_applicability:
                    changed.append((code, level))
        return unfixable, tuple(changed)

    def settings_for(self, path: Path, respect_noqa: bool = True) -> Settings:
        base, unfixable, applicability, everywhere, made = self._derived()
        codes = self.codes_for(path)
        shared = (respect_noqa, self.loss_functions, repr(self.options))
        if codes is base and shared in made:
            return made[shared]  # one Settings for the files that share them: keys are computed once
        settings = Settings(codes=codes, loss_patterns=self.loss_functions, options=self.options,
                            unfixable=unfixable, applicability=applicability, respect_noqa=respect_noqa,
                            everywhere=everywhere)
        if codes is base:
            made[shared] = settings
        return settings

    # -- files ---------------------------------------------------------------------------------
    def is_excluded(self, path: Path) -> bool:
        return any(_exclusion(root, patterns)(path) for root, patterns in _by_root(self.exclude + self.extend_exclude))


# Per rule policy (the keys of a configuration that choose rules and fixes): see Config._derived.
_DERIVED: dict[tuple, tuple] = {}


def _by_root(patterns: tuple[tuple[Path, str], ...]) -> list[tuple[Path, tuple[str, ...]]]:
    groups: dict[Path, list[str]] = {}
    for root, pattern in patterns:
        groups.setdefault(root, []).append(pattern)
    return [(root, tuple(items)) for root, items in groups.items()]


@lru_cache(maxsize=256)
def _exclusion(root: Path, patterns: tuple[str, ...]):
    from losslint.discovery import exclusion

    return exclusion(patterns, root)


def _selected(code: str, selectors) -> bool:
    return any(s == "ALL" or code.startswith(s) for s in selectors)


def _specificity(code: str, selectors) -> int:
    """How closely a selector names ``code``: 0 none, 1 ``ALL``, else the selector's length."""
    return max((1 if s == "ALL" else len(s) for s in selectors if s == "ALL" or code.startswith(s)), default=0)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, RuntimeError, OSError):  # outside the root, or a symbolic link loop
        return path.as_posix()


def rule_code(value: str) -> str | None:
    """A rule's code from its code or its name (``unguarded-log`` -> ``LL201``)."""
    rules = all_rules()
    upper = value.strip().upper()
    if upper in rules:
        return upper
    names = {rule.name: code for code, rule in rules.items()}
    return names.get(value.strip().lower())


def validate_selectors(values, where: str) -> tuple[str, ...]:
    """Codes, prefixes (``LL2``), ``ALL`` or rule names, as codes and prefixes."""
    codes = all_rules()
    out = []
    for value in values:
        code = rule_code(value)
        if code is None:
            code = value.strip().upper()
            if not SELECTOR.match(code) or (code != "ALL" and not any(c.startswith(code) for c in codes)):
                raise ConfigError(f"{where}: unknown rule code, prefix or name {value.strip()!r} (see `losslint rules`)")
        out.append(code)
    return tuple(out)


def per_file_entry(text: str, where: str, root: Path) -> tuple[Path, str, tuple[str, ...]]:
    """``PATTERN:CODES`` from the command line (``tests/*:LL2,LL5``)."""
    pattern, sep, codes = text.rpartition(":")
    if not sep or not pattern or not codes.strip():
        raise ConfigError(f"{where}: expected PATTERN:CODES, got {text!r}")
    return root, pattern, validate_selectors(codes.split(","), f"{where} {pattern}")


def _string_list(table: dict, key: str, where: str) -> tuple[str, ...]:
    value = table[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: `{key}` must be a list of strings, got {value!r}")
    return tuple(value)


def parse_table(table: dict, source: Path | None, root: Path, base: Config | None = None) -> Config:
    """The keys of one table, on top of ``base`` (the file it extends)."""
    where = str(source) if source else "command line"
    for key in table:
        if key not in KNOWN_KEYS:
            raise ConfigError(f"{where}: unknown key `{key}` (known: {', '.join(sorted(KNOWN_KEYS))})")
    values: dict[str, object] = {}
    for key in SELECTOR_KEYS:
        if key in table:
            values[key.replace("-", "_")] = validate_selectors(_string_list(table, key, where), f"{where}: {key}")
    for key in PATTERN_KEYS:
        if key in table:
            values[key.replace("-", "_")] = tuple((root, p) for p in _string_list(table, key, where))
    for key in PER_FILE_KEYS:
        if key in table:
            raw = table[key]
            if not isinstance(raw, dict):
                raise ConfigError(f"{where}: `{key}` must be a table of pattern = [codes]")
            entries = []
            for pattern, codes in raw.items():
                if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
                    raise ConfigError(f"{where}: `{key}.{pattern}` must be a list of codes")
                entries.append((root, pattern, validate_selectors(codes, f"{where}: {key}.{pattern}")))
            values[key.replace("-", "_")] = tuple(entries)
    if "loss-functions" in table:
        values["loss_functions"] = _string_list(table, "loss-functions", where)
    if "force-exclude" in table:
        if not isinstance(table["force-exclude"], bool):
            raise ConfigError(f"{where}: `force-exclude` must be true or false, got {table['force-exclude']!r}")
        values["force_exclude"] = table["force-exclude"]
    options = dict(base.options) if base else {}
    if "weight-ratio" in table:
        ratio = table["weight-ratio"]
        if isinstance(ratio, bool) or not isinstance(ratio, (int, float)) or ratio <= 1:
            raise ConfigError(f"{where}: `weight-ratio` must be a number above 1, got {ratio!r}")
        options["weight-ratio"] = float(ratio)
    if "weight-band" in table:
        band = table["weight-band"]
        if (not isinstance(band, list) or len(band) != 2 or any(isinstance(b, bool) or not isinstance(b, (int, float))
                                                               for b in band) or not 0 < band[0] < band[1]):
            raise ConfigError(f"{where}: `weight-band` must be [low, high] with 0 < low < high, got {band!r}")
        options["weight-band"] = (float(band[0]), float(band[1]))
    values["options"] = tuple(sorted(options.items()))
    config = base or Config()
    for name in ADDING & values.keys():
        values[name] = getattr(config, name) + values[name]
    extends = ((base.source,) + base.extends) if base and base.source else ()
    return replace(config, source=source, root=root, extends=extends, **values)


def _read(path: Path) -> dict:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
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
    return table


def load(path: Path, _chain: tuple[Path, ...] = ()) -> Config:
    """A config file: a pyproject.toml with [tool.losslint], or a file of losslint keys at the top
    (``losslint.toml``); ``extend = "../pyproject.toml"`` reads that file first."""
    path = Path(path)
    if path.resolve() in _chain:
        raise ConfigError(f"{path}: `extend` forms a cycle ({' -> '.join(str(p) for p in (*_chain, path.resolve()))})")
    table = _read(path)
    base = None
    if "extend" in table:
        target = table["extend"]
        if not isinstance(target, str) or not target:
            raise ConfigError(f"{path}: `extend` must be the path of another config file, got {target!r}")
        extended = (path.parent / Path(target).expanduser()).resolve()
        if not extended.is_file():
            raise ConfigError(f"{path}: `extend` names {target!r}, which is not a file")
        base = load(extended, (*_chain, path.resolve()))
    table = {k: v for k, v in table.items() if k != "extend"}
    return parse_table(table, path, path.parent, base)


def config_file_in(folder: Path) -> Path | None:
    """The file of ``folder`` that configures losslint, if any."""
    for name in CONFIG_FILES:
        candidate = folder / name
        if not candidate.is_file():
            continue
        if name != "pyproject.toml":
            return candidate
        try:
            text = candidate.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if "losslint" in text and re.search(r"^\s*\[tool\.losslint", text, re.MULTILINE):
            return candidate
    return None


@lru_cache(maxsize=None)
def nearest(directory: Path) -> Config:
    """The configuration of the nearest folder at or above ``directory`` that has one."""
    found = _config_file_above(directory)
    return _loaded(found) if found is not None else Config(root=directory)


@lru_cache(maxsize=None)
def _config_file_above(folder: Path) -> Path | None:
    """The config file of ``folder`` or of the nearest folder above it; each folder is searched once
    per run however many folders below it are asked about."""
    try:
        found = config_file_in(folder)
    except OSError:  # a folder that cannot be searched holds no config we can read
        found = None
    if found is not None or folder.parent == folder:
        return found
    return _config_file_above(folder.parent)


@lru_cache(maxsize=None)
def _loaded(path: Path) -> Config:
    return load(path)


def forget_configurations() -> None:
    """Read configuration afresh (every CLI run, and the language server when a file changes)."""
    for cached in (nearest, _config_file_above, _loaded):
        cached.cache_clear()


def setting_names() -> list[str]:
    """Every key a configuration file may hold, as documented in docs/configuration.md."""
    return sorted(KNOWN_KEYS)


def describe(config: Config, path: Path) -> list[str]:
    """``--show-settings``: what applies to ``path``, one ``key = value`` line each."""
    def codes(values) -> str:
        return "[" + ", ".join(f'"{v}"' for v in values) + "]"

    def patterns(values) -> str:
        return "[" + ", ".join(f'"{pattern}" (in {root})' for root, pattern in values) + "]"

    def per_file(values) -> str:
        return "{" + ", ".join(f'"{pattern}" (in {root}) = {codes(c)}' for root, pattern, c in values) + "}"
    unfixable, changed = config.fix_policy()
    lines = [f"Resolved settings for: {path}",
             f"Settings path: {config.source if config.source else 'none (defaults)'}"]
    lines += [f"Extends: {p}" for p in config.extends]
    lines += [
        f"select = {codes(config.select) if config.select is not None else '(rules on by default)'}",
        f"extend-select = {codes(config.extend_select)}",
        f"ignore = {codes(config.ignore)}",
        f"per-file-ignores = {per_file(config.per_file_ignores)}",
        f"extend-per-file-ignores = {per_file(config.extend_per_file_ignores)}",
        f"exclude = {patterns(config.exclude)}",
        f"extend-exclude = {patterns(config.extend_exclude)}",
        f"force-exclude = {'true' if config.force_exclude else 'false'}",
        f"loss-functions = {codes(config.loss_functions)}",
        f"fixable = {codes(config.fixable) if config.fixable is not None else codes(['ALL'])}",
        f"extend-fixable = {codes(config.extend_fixable)}",
        f"unfixable = {codes(config.unfixable)}",
        f"extend-safe-fixes = {codes(config.extend_safe_fixes)}",
        f"extend-unsafe-fixes = {codes(config.extend_unsafe_fixes)}",
    ]
    lines += [f"{key} = {value!r}" for key, value in config.options]
    lines.append(f"enabled rules = {codes(sorted(config.codes_for(path)))}")
    lines.append(f"fixes off = {codes(sorted(unfixable & {c for c, r in all_rules().items() if r.fix_applicability}))}")
    lines += [f"fix of {code} counts as {level.value}" for code, level in changed]
    return lines
