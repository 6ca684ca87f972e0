"""Which files to lint: recurse into folders, honour .gitignore, default and configured excludes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterator

import pathspec

DEFAULT_EXCLUDES = frozenset({".git", ".hg", ".svn", ".venv", "venv", "build", "dist", "__pycache__",
                              "node_modules", ".mypy_cache", ".pytest_cache", ".tox", ".nox", ".losslint_cache"})


SOURCE_SUFFIXES = (".py", ".pyi", ".ipynb")


def _gitignore(folder: Path) -> pathspec.PathSpec | None:
    path = folder / ".gitignore"
    try:
        return pathspec.GitIgnoreSpec.from_lines(path.read_text(encoding="utf-8", errors="replace").splitlines())
    except OSError:
        return None


def _ancestor_ignores(folder: Path) -> list[tuple[Path, pathspec.PathSpec]]:
    """.gitignore files of the folders above ``folder``, up to the repository root."""
    out = []
    for parent in folder.resolve().parents:
        spec = _gitignore(parent)
        if spec is not None:
            out.append((parent, spec))
        if (parent / ".git").exists():
            break
    return out


def _ignored(path: Path, is_dir: bool, specs: list[tuple[Path, pathspec.PathSpec]]) -> bool:
    for base, spec in specs:
        try:
            relative = path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
        if spec.match_file(relative + ("/" if is_dir else "")):
            return True
    return False


def iter_python_files(paths: list[Path], excluded: Callable[[Path], bool],
                      respect_gitignore: bool = True, force_exclude: bool = False) -> Iterator[Path]:
    """Files named on the command line are yielded (unless ``force_exclude`` and excluded);
    folders are walked. A file reached twice (named twice, or named and inside a named folder)
    is yielded once."""
    seen: set[Path] = set()
    for root in paths:
        if force_exclude and excluded(root):
            continue
        if not root.is_dir():
            found = [root]
        else:
            specs = _ancestor_ignores(root) if respect_gitignore else []
            found = _walk(root, specs, excluded, respect_gitignore)
        for path in found:
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                yield path


def _walk(folder: Path, specs, excluded, respect_gitignore: bool = True) -> Iterator[Path]:
    own = _gitignore(folder) if respect_gitignore else None
    if own is not None:
        specs = [*specs, (folder, own)]
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        path = Path(entry.path)
        is_dir = entry.is_dir(follow_symlinks=False)
        if is_dir and entry.name in DEFAULT_EXCLUDES:
            continue
        if _ignored(path, is_dir, specs) or excluded(path):
            continue
        if is_dir:
            yield from _walk(path, specs, excluded, respect_gitignore)
        elif entry.name.endswith(SOURCE_SUFFIXES) and entry.is_file():
            yield path


def exclusion(patterns: tuple[str, ...], root: Path) -> Callable[[Path], bool]:
    if not patterns:
        return lambda path: False
    spec = pathspec.GitIgnoreSpec.from_lines(patterns)

    def excluded(path: Path) -> bool:
        try:
            relative = path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            relative = path.as_posix()
        return spec.match_file(relative) or spec.match_file(relative + "/")
    return excluded
