"""Rule specs (``rules/LLxxx.toml``): prose, examples and expected fixes, one file per rule."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


# Rule pages of the documentation site (mkdocs.yml, built by Read the Docs from .readthedocs.yaml).
DOCS_SITE = "https://losslint.readthedocs.io/en/latest/"


def docs_url(code: str) -> str:
    return f"{DOCS_SITE}rules/{code}/"


@dataclass(frozen=True)
class Example:
    kind: str  # "bad" or "good"
    framework: str
    code: str
    expect: tuple[tuple[int, int], ...] = ()  # (line, column) of each finding, for bad examples
    fixed: str | None = None  # the code after --fix (--unsafe-fixes for unsafe fixes)
    title: str = ""


@dataclass(frozen=True)
class Spec:
    code: str
    name: str
    family: str
    summary: str
    what: str
    why: str
    fix_safety: str
    runs_in: str
    fix: str = "none"  # "safe", "unsafe" or "none": the tier of the rule's fixes
    default: bool = True  # on by default
    file_level: bool = False  # about a file's structure: runs in every file that holds loss code
    examples: tuple[Example, ...] = field(default_factory=tuple)
    options: str = ""
    frameworks: tuple[str, ...] = ("torch", "tf", "keras")  # where the rule applies


def spec_folder() -> Path:
    """``rules/`` of a source checkout, or the copy installed inside the package."""
    checkout = Path(__file__).resolve().parent.parent / "rules"
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files("losslint") / "_specs"))


def _example(raw: dict) -> Example:
    expect = tuple(tuple(int(n) for n in place.split(":")) for place in raw.get("expect", []))
    return Example(raw["kind"], raw["framework"], raw["code"], expect, raw.get("fixed"), raw.get("title", ""))


@lru_cache(maxsize=None)
def load_specs() -> dict[str, Spec]:
    specs = {}
    for path in sorted(spec_folder().glob("LL*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        specs[data["code"]] = Spec(
            code=data["code"], name=data["name"], family=data["family"], summary=data["summary"],
            what=data["what"].strip(), why=data["why"].strip(), fix_safety=data["fix_safety"].strip(),
            runs_in=data["runs_in"], fix=data.get("fix", "none"), default=data.get("default", True),
            file_level=data.get("file_level", False), options=data.get("options", "").strip(),
            frameworks=tuple(data.get("frameworks", ("torch", "tf", "keras"))),
            examples=tuple(_example(e) for e in data.get("examples", [])))
    return specs


def spec_code(value: str) -> str | None:
    """A rule's code from its code or its name (``unguarded-log`` -> ``LL201``)."""
    specs = load_specs()
    upper = value.strip().upper()
    if upper in specs:
        return upper
    return {spec.name: code for code, spec in specs.items()}.get(value.strip().lower())
