"""Which files to lint: recurse into folders, honour .gitignore, default and configured excludes."""

from __future__ import annotations

import os
from functools import lru_cache
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


def resolved(path: Path) -> Path:
    """The absolute path with symbolic links resolved; never raises (a link loop stays as it is)."""
    return Path(real_path(str(path)))


def real_path(path: str) -> str:
    """``os.path.realpath``, with each folder resolved once per run (only the file's own link is
    checked each time): a walk of ten thousand files would otherwise look up every folder above
    each file again."""
    try:
        folder, name = os.path.split(os.path.abspath(path))
        if not name or ".." in path or os.path.islink(path):
            return os.path.realpath(path)
        return os.path.join(_real_folder(folder), name)
    except (OSError, ValueError):
        return os.path.realpath(path)


@lru_cache(maxsize=16384)
def _real_folder(folder: str) -> str:
    return os.path.realpath(folder)


def _ancestor_ignores(folder: Path) -> list[tuple[Path, pathspec.PathSpec]]:
    """.gitignore files of the folders above ``folder``, up to the repository root."""
    out = []
    for parent in resolved(folder).parents:
        spec = _gitignore(parent)
        if spec is not None:
            out.append((parent, spec))
        if _exists(parent / ".git"):
            break
    return out


def _ignored(path: Path, is_dir: bool, specs: list[tuple[Path, pathspec.PathSpec]]) -> bool:
    if not specs:
        return False
    real = real_path(str(path))
    for base, spec in specs:
        prefix = _real_folder(os.path.abspath(base)).rstrip(os.sep) + os.sep
        if not real.startswith(prefix):
            continue
        relative = real[len(prefix):].replace(os.sep, "/")
        if spec.match_file(relative + ("/" if is_dir else "")):
            return True
    return False


def iter_python_files(paths: list[Path], excluded: Callable[[Path], bool], respect_gitignore: bool = True,
                      force_exclude: bool = False, unreadable: Callable[[Path, str], None] | None = None,
                      ) -> Iterator[Path]:
    """Files named on the command line are yielded (unless ``force_exclude`` and excluded);
    folders are walked. A file reached twice (named twice, or named and inside a named folder)
    is yielded once. A folder that cannot be listed, and a source file that cannot be reached (a
    broken or looping link, a folder that cannot be searched), go to ``unreadable(path, reason)``
    instead of being passed over."""
    report = unreadable or (lambda path, reason: None)
    seen: set[Path] = set()
    for root in paths:
        if force_exclude and excluded(root):
            continue
        try:
            is_dir = root.is_dir()
        except OSError as error:  # inside a folder that cannot be searched
            report(root, f"cannot read: {error.strerror or error}")
            continue
        if not is_dir:
            found = [root]
        else:
            specs = _ancestor_ignores(root) if respect_gitignore else []
            found = _walk(root, specs, excluded, respect_gitignore, report)
        for path in found:
            key = resolved(path)
            if key not in seen:
                seen.add(key)
                yield path


def _walk(folder: Path, specs, excluded, respect_gitignore: bool, report) -> Iterator[Path]:
    own = _gitignore(folder) if respect_gitignore else None
    if own is not None:
        specs = [*specs, (folder, own)]
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as error:
        report(folder, f"cannot read folder: {error.strerror or error}")
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError as error:
            report(path, f"cannot read: {error.strerror or error}")
            continue
        if is_dir and entry.name in DEFAULT_EXCLUDES:
            continue
        if _ignored(path, is_dir, specs) or excluded(path):
            continue
        if is_dir:
            yield from _walk(path, specs, excluded, respect_gitignore, report)
        elif entry.name.endswith(SOURCE_SUFFIXES):
            problem = _not_a_file(entry)
            if problem is None:
                yield path
            elif problem:
                report(path, problem)


def _not_a_file(entry: os.DirEntry) -> str | None:
    """None for a regular file (or a link to one); why a source-named entry cannot be read; ""
    for something that is not a file at all (a link to a folder, a socket)."""
    try:
        if entry.is_file():
            return None
        os.stat(entry.path)
    except OSError as error:  # a broken link, a link loop, a folder that cannot be searched
        kind = "file" if not entry.is_symlink() else "link"
        return f"cannot read {kind}: {error.strerror or error}"
    return ""


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:
        return False


def exclusion(patterns: tuple[str, ...], root: Path) -> Callable[[Path], bool]:
    if not patterns:
        return lambda path: False
    spec = pathspec.GitIgnoreSpec.from_lines(patterns)

    def excluded(path: Path) -> bool:
        try:
            relative = resolved(path).relative_to(resolved(root)).as_posix()
        except ValueError:
            relative = path.as_posix()
        return spec.match_file(relative) or spec.match_file(relative + "/")
    return excluded
