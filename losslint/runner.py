"""Lint or fix many files: read safely, use every core, write atomically."""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from losslint.diagnostics import Diagnostic, Location
from losslint.cache import key as cache_key
from losslint.notebook import Notebook, NotebookError
from losslint.engine import SYNTAX_ERROR, FileResult, RuleError, Settings, add_noqa, fix_source, lint_source

# Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 24


@dataclass(frozen=True)
class Job:
    path: str
    display: str
    settings: Settings
    mode: str  # "lint", "fix" (write), "diff" (fix without writing), "noqa" (``--add-noqa``, write)
    unsafe: bool = False
    with_edits: bool = False


def read_error(display: str, message: str) -> FileResult:
    result = FileResult(display, error=message)
    result.diagnostics.append(Diagnostic(SYNTAX_ERROR, message, display, Location(1, 1), Location(1, 1)))
    return result


def run_source(source: bytes, job: Job) -> FileResult:
    return _selected(_run_source(source, job), job.settings)


def _run_source(source: bytes, job: Job) -> FileResult:
    if b"\x00" in source:
        return read_error(job.display, "not a text file (contains NUL bytes): skipped")
    try:
        if job.path.endswith(".ipynb"):
            return _run_notebook(source, job)
        return _run_python(source, job)
    except RecursionError:
        return read_error(job.display, "internal error: expression nested too deeply to analyze")
    except RuleError as error:  # names the file (in the diagnostic) and the rule; the run goes on
        return read_error(job.display, f"internal error in {error}")
    except Exception as error:  # an internal error names the file and the run goes on
        return read_error(job.display, f"internal error: {type(error).__name__}: {error}")


def _selected(result: FileResult, settings: Settings) -> FileResult:
    """LL000 is a code like the others: ignored, a file that cannot be analyzed is skipped quietly."""
    if SYNTAX_ERROR not in settings.codes and (result.error or any(d.code == SYNTAX_ERROR for d in result.diagnostics)):
        result.diagnostics = [d for d in result.diagnostics if d.code != SYNTAX_ERROR]
        result.error = None
    return result


def _run_python(source: bytes, job: Job) -> FileResult:
    if job.mode == "lint":
        return lint_source(source, job.display, job.settings, job.with_edits)
    if job.mode == "noqa":
        return add_noqa(source, job.display, job.settings)
    return fix_source(source, job.display, job.settings, job.unsafe, job.with_edits)


def _run_notebook(raw: bytes, job: Job) -> FileResult:
    """A notebook is linted as its joined code cells; findings and fixes go back to the cells."""
    try:
        notebook = Notebook(raw)
    except NotebookError as error:
        return read_error(job.display, str(error))
    result = _run_python(notebook.source.encode("utf-8"), job)
    if result.fixed is not None:
        try:
            result.fixed = notebook.with_source(result.fixed.decode("utf-8"))
        except NotebookError as error:
            result = lint_source(notebook.source.encode("utf-8"), job.display, job.settings, job.with_edits)
            result.error = str(error)
            result.diagnostics.append(Diagnostic(SYNTAX_ERROR, str(error), job.display, Location(1, 1),
                                                 Location(1, 1)))
        if result.fixed == raw:
            result.fixed = None
    result.diagnostics = sorted((notebook.locate(d) for d in result.diagnostics), key=Diagnostic.sort_key)
    return result


def run_job(job: Job) -> tuple[FileResult, bytes | None]:
    try:
        source = Path(job.path).read_bytes()
    except OSError as error:
        return _selected(read_error(job.display, f"cannot read file: {error.strerror or error}"), job.settings), None
    result = run_source(source, job)
    if job.mode in ("fix", "noqa") and result.fixed is not None:
        try:
            write_atomically(Path(job.path), result.fixed)
        except OSError as error:
            return read_error(job.display, f"cannot write fixed file: {error.strerror or error}"), source
    return result, source


def write_atomically(path: Path, content: bytes) -> None:
    """Temp file in the same folder, mode kept, then replace: a crash never leaves half a file."""
    mode = path.stat().st_mode
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.chmod(temp, mode & 0o7777)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def run_jobs(jobs: list[Job], workers: int | None = None, cache=None) -> list[tuple[FileResult, bytes | None]]:
    """Run every job, in a process pool for many files; lint jobs are answered from ``cache``
    when the file's content and settings are unchanged."""
    results: list[tuple[FileResult, bytes | None] | None] = [None] * len(jobs)
    pending: list[int] = []
    keys: dict[int, str] = {}
    for i, job in enumerate(jobs):
        if cache is not None and job.mode == "lint":
            try:
                source = Path(job.path).read_bytes()
            except OSError:
                pending.append(i)
                continue
            keys[i] = cache_key(source, job.display, job.settings, job.with_edits)
            hit = cache.get(keys[i])
            if hit is not None:
                results[i] = (hit, source)
                continue
        pending.append(i)
    for i, result in zip(pending, _run_all([jobs[i] for i in pending], workers)):
        results[i] = result
        if i in keys:
            cache.put(keys[i], result[0])
    return results


def _run_all(jobs: list[Job], workers: int | None) -> list[tuple[FileResult, bytes | None]]:
    workers = workers or os.cpu_count() or 1
    if len(jobs) < PARALLEL_THRESHOLD or workers == 1:
        return [run_job(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run_job, jobs, chunksize=max(1, len(jobs) // (workers * 8))))
