"""Lint or fix many files: analyse in worker processes (a worker that dies costs one file, not
the run), and write fixes from this process only, in place, once the file is seen unchanged."""

from __future__ import annotations

import gc
import os
import signal
import stat
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing import connection, get_context
from pathlib import Path
from typing import Iterator

from losslint import bounds
from losslint.diagnostics import Diagnostic, Location
from losslint.cache import identity, key as cache_key
from losslint.notebook import Notebook, NotebookError
from losslint.engine import SYNTAX_ERROR, FileResult, RuleError, Settings, add_noqa, fix_source, lint_source

# Below this many files a process pool costs more than it saves.
PARALLEL_THRESHOLD = 24
# A worker that has not answered this long after its file's own time budget is stopped.
_GRACE_SECONDS = 30.0


@dataclass(frozen=True)
class Job:
    path: str
    display: str
    settings: Settings
    mode: str  # "lint", "fix" (write), "diff" (fix without writing), "noqa" (``--add-noqa``, write)
    unsafe: bool = False
    with_edits: bool = False
    explicit: bool = False  # named on the command line: CPython's verdict even without ML code


class Interrupted(Exception):
    """SIGINT or SIGTERM stopped the run; ``rewritten`` lists the files fixed before it."""

    def __init__(self, signum: int, rewritten: list[str]) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.rewritten = rewritten


def read_error(display: str, message: str, cacheable: bool = True) -> FileResult:
    result = FileResult(display, error=message, cacheable=cacheable)
    result.diagnostics.append(Diagnostic(SYNTAX_ERROR, message, display, Location(1, 1), Location(1, 1)))
    return result


def run_source(source: bytes, job: Job) -> FileResult:
    return _selected(_run_source(source, job), job.settings)


def _run_source(source: bytes, job: Job) -> FileResult:
    if b"\x00" in source and not source.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return read_error(job.display, "not a text file (contains NUL bytes): skipped")
    try:
        if job.path.endswith(".ipynb"):
            return _run_notebook(source, job)
        return _run_python(source, job)
    except RecursionError:
        return read_error(job.display, "too large to analyse: nested too deeply for the analysis")
    except RuleError as error:  # names the file (in the diagnostic) and the rule; the run goes on
        return read_error(job.display, f"internal error in {error}", cacheable=False)
    except Exception as error:  # an internal error names the file and the run goes on
        return read_error(job.display, f"internal error: {type(error).__name__}: {error}", cacheable=False)


def _selected(result: FileResult, settings: Settings) -> FileResult:
    """LL000 is a code like the others: ignored, a file that cannot be analyzed is skipped quietly."""
    if SYNTAX_ERROR not in settings.codes and (result.error or any(d.code == SYNTAX_ERROR for d in result.diagnostics)):
        result.diagnostics = [d for d in result.diagnostics if d.code != SYNTAX_ERROR]
        result.error = None
    return result


def _run_python(source: bytes, job: Job) -> FileResult:
    if job.mode == "lint":
        return lint_source(source, job.display, job.settings, job.with_edits, job.explicit)
    if job.mode == "noqa":
        return add_noqa(source, job.display, job.settings)
    return fix_source(source, job.display, job.settings, job.unsafe, job.with_edits, job.explicit)


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
    """Read and analyse one file. Nothing is written here: fixes are written by ``finish``."""
    try:
        source = Path(job.path).read_bytes()
    except OSError as error:
        return _selected(read_error(job.display, f"cannot read file: {error.strerror or error}"), job.settings), None
    return run_source(source, job), source


# -- writing fixes ----------------------------------------------------------------------------------
def finish(job: Job, result: FileResult, source: bytes | None) -> tuple[FileResult, bool]:
    """Write a fix job's result to its file; (the result to report, whether the file was written).
    A file that cannot be written keeps its findings, listed as they are in the unfixed file."""
    if job.mode not in ("fix", "noqa") or result.fixed is None or source is None:
        return result, False
    problem = write_fixed(job.path, result.fixed, source)
    if problem is None:
        return result, True
    if problem.startswith("changed while fixing"):
        return read_error(job.display, problem, cacheable=False), False
    unfixed = run_source(source, Job(job.path, job.display, job.settings, "lint", explicit=job.explicit))
    unfixed.diagnostics = sorted([*unfixed.diagnostics, Diagnostic(SYNTAX_ERROR, problem, job.display,
                                                                   Location(1, 1), Location(1, 1))],
                                 key=Diagnostic.sort_key)
    unfixed.error = unfixed.error or problem
    return unfixed, False


def write_fixed(path: str, fixed: bytes, read: bytes) -> str | None:
    """Write ``fixed`` over the file in place (through a symbolic link to its target; hard links,
    owner, mode and other attributes stay as they are) if it still holds ``read``. Interrupts wait
    until the write is complete, and the file grows before any byte of it changes, so that a full
    disk leaves it as it was. Returns why it was not written, or None."""
    try:
        before = os.stat(path)
        if stat.S_ISREG(before.st_mode) and not before.st_mode & 0o222:
            return "cannot write: the file is read-only (fixes not applied)"
        fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    except OSError as error:
        return f"cannot write: {error.strerror or error} (fixes not applied)"
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            return "cannot write: not a regular file (fixes not applied)"
        with _interrupts_held():
            _lock(fd)
            if _read_all(fd) != read:
                return "changed while fixing: the file was edited after it was read; not written, run again"
            try:
                _overwrite(fd, fixed, len(read), read)
            except OSError as error:
                return f"cannot write: {error.strerror or error} (the file is as it was)"
            try:
                now = os.stat(path)
            except OSError:
                now = None
            if now is None or (now.st_dev, now.st_ino) != (opened.st_dev, opened.st_ino):
                return "changed while fixing: the file was replaced while it was written; run again"
    finally:
        os.close(fd)
    return None


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _write_at(fd: int, data: bytes, offset: int) -> None:
    os.lseek(fd, offset, os.SEEK_SET)
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _overwrite(fd: int, new: bytes, old_size: int, old: bytes) -> None:
    if len(new) > old_size:
        try:  # the new tail first: where the disk is full, this fails while the file is still intact
            _write_at(fd, new[old_size:], old_size)
        except OSError:
            os.ftruncate(fd, old_size)
            raise
    try:
        _write_at(fd, new[:old_size], 0)
        os.ftruncate(fd, len(new))
    except OSError:
        try:  # put the old content back
            _write_at(fd, old, 0)
            os.ftruncate(fd, old_size)
        except OSError:
            pass
        raise


def _lock(fd: int) -> None:
    """Another losslint fixing the same file waits here, then sees the file changed."""
    try:
        import fcntl
    except ImportError:  # not POSIX
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # released when the file is closed
    except OSError:
        pass


class _interrupts_held:
    """SIGINT and SIGTERM that arrive during a write are handled once it is complete."""

    def __enter__(self) -> None:
        self.arrived: list[int] = []
        self.previous: dict[int, object] = {}
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in _STOP_SIGNALS:
            self.previous[signum] = signal.signal(signum, lambda number, frame: self.arrived.append(number))

    def __exit__(self, *exc) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)
        if self.arrived:
            signal.raise_signal(self.arrived[0])


_STOP_SIGNALS = tuple(s for s in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None)) if s)


# -- running many jobs -------------------------------------------------------------------------------
def run_jobs(jobs: list[Job], workers: int | None = None, cache=None) -> list[tuple[FileResult, bytes | None]]:
    """Run every job, in worker processes for many files; lint jobs are answered from ``cache``
    when the file's content and settings are unchanged. Fix jobs are written as their results
    arrive, once per file (a file reached through several links or names is fixed once). Raises
    Interrupted on SIGINT or SIGTERM, after stopping the workers."""
    with _fewer_collections():
        return _run_jobs(_once_per_file(jobs), workers, cache)


class _fewer_collections:
    """The objects alive before the run (modules, configuration) are never garbage: frozen, the
    collector stops walking them again for every file (and forked workers share their pages); its
    first generation is collected less often (each file makes hundreds of thousands of nodes)."""

    def __enter__(self) -> None:
        self.thresholds = gc.get_threshold()
        gc.freeze()
        gc.set_threshold(max(self.thresholds[0], 20_000), *self.thresholds[1:])

    def __exit__(self, *exc) -> None:
        gc.set_threshold(*self.thresholds)
        gc.unfreeze()


def _run_jobs(jobs: list[Job], workers: int | None, cache) -> list[tuple[FileResult, bytes | None]]:
    results: list[tuple[FileResult, bytes | None] | None] = [None] * len(jobs)
    pending: list[int] = []
    keys: dict[int, str] = {}
    rewritten: list[str] = []
    with _stop_on_signals() as stopped:
        try:
            for i, job in enumerate(jobs):
                if cache is not None and job.mode == "lint":
                    try:
                        source = Path(job.path).read_bytes()
                    except OSError:
                        pending.append(i)
                        continue
                    real_path = identity(job.path)
                    keys[i] = cache_key(source, real_path, job.settings, job.with_edits)
                    hit = cache.get(keys[i], job.display, real_path)
                    if hit is not None:
                        results[i] = (hit, source)
                        continue
                pending.append(i)
            for position, (result, source) in _run_all([jobs[i] for i in pending], workers):
                i = pending[position]
                with _interrupts_held():  # a file written is a file listed
                    result, written = finish(jobs[i], result, source)
                    if written:
                        rewritten.append(jobs[i].display)
                results[i] = (result, source)
                if i in keys:
                    cache.put(keys[i], result, identity(jobs[i].path))
        except KeyboardInterrupt:
            raise Interrupted(signal.SIGINT, rewritten) from None
        except _Stop:
            raise Interrupted(stopped[0], rewritten) from None
    return [r for r in results if r is not None]


def _once_per_file(jobs: list[Job]) -> list[Job]:
    """Fix and diff jobs without the repeats of a file already listed under another name."""
    seen: set[tuple[int, int]] = set()
    out = []
    for job in jobs:
        if job.mode != "lint":
            try:
                status = os.stat(job.path)
            except OSError:
                status = None
            if status is not None:
                identity = (status.st_dev, status.st_ino)
                if identity in seen:
                    continue
                seen.add(identity)
        out.append(job)
    return out


class _Stop(Exception):
    pass


class _stop_on_signals:
    """SIGTERM ends the run like SIGINT: raised as _Stop in the main thread."""

    def __enter__(self) -> list[int]:
        self.stopped: list[int] = [0]
        self.previous = None
        if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGTERM"):
            def stop(signum, frame):
                self.stopped[0] = signum
                raise _Stop()
            self.previous = signal.signal(signal.SIGTERM, stop)
        return self.stopped

    def __exit__(self, *exc) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)


def _run_all(jobs: list[Job], workers: int | None) -> Iterator[tuple[int, tuple[FileResult, bytes | None]]]:
    """(position in ``jobs``, its result) for every job, in the order they complete."""
    workers = workers or os.cpu_count() or 1
    if len(jobs) < PARALLEL_THRESHOLD or workers == 1:
        for position, job in enumerate(jobs):
            yield position, run_job(job)
        return
    yield from _Pool(min(workers, len(jobs))).run(jobs)


def _by_folder(jobs: list[Job]) -> deque:
    """The jobs, numbered, grouped by folder in the order folders first appear."""
    groups: dict[str, deque] = {}
    for position, job in enumerate(jobs):
        groups.setdefault(os.path.dirname(job.path), deque()).append((position, job))
    return deque(groups.values())


# -- the worker processes ------------------------------------------------------------------------------
@dataclass
class _Worker:
    process: object
    conn: object
    job: tuple[int, Job] | None = None
    started: float = 0.0
    folder: deque = field(default_factory=deque)  # the rest of the folder this worker is going through


@dataclass
class _Pool:
    """Worker processes fed one file at a time, so that the file a worker was on when it died or
    overran its budget is known: that file is reported and a new worker takes over. A worker goes
    through one folder at a time: the sibling modules a file's helpers live in are then read and
    analysed by one process, not by every one."""

    size: int
    workers: list[_Worker] = field(default_factory=list)

    def run(self, jobs: list[Job]) -> Iterator[tuple[int, tuple[FileResult, bytes | None]]]:
        context = get_context()
        folders = _by_folder(jobs)
        limit = bounds.TIME_BUDGET_SECONDS + _GRACE_SECONDS
        try:
            self.workers = [self._start(context) for _ in range(self.size)]
            while any(w.job for w in self.workers) or folders or any(w.folder for w in self.workers):
                for worker in self.workers:
                    if worker.job is None:
                        job = self._next(worker, folders)
                        if job is not None:
                            worker.job, worker.started = job, time.monotonic()
                            worker.conn.send(worker.job)
                busy = [w for w in self.workers if w.job is not None]
                ready = connection.wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=1.0)
                for worker in busy:
                    outcome = self._outcome(worker, ready, limit)
                    if outcome is None:
                        continue
                    (position, job), answer = worker.job, outcome
                    worker.job = None
                    if isinstance(answer, str):  # the worker died or was stopped: replace it
                        self._stop(worker)
                        replacement = self._start(context)
                        replacement.folder = worker.folder
                        self.workers[self.workers.index(worker)] = replacement
                        answer = (read_error(job.display, answer, cacheable=False), None)
                    yield position, answer
        finally:
            for worker in self.workers:
                self._stop(worker, gently=worker.job is None)

    def _next(self, worker: _Worker, folders: deque) -> tuple[int, Job] | None:
        """The worker's next file: the next of its folder, else the first of the next folder, else
        the last of the folder with most files left (so that no worker idles while files wait)."""
        if not worker.folder and folders:
            worker.folder = folders.popleft()
        if worker.folder:
            return worker.folder.popleft()
        busiest = max(self.workers, key=lambda w: len(w.folder))
        return busiest.folder.pop() if busiest.folder else None

    def _outcome(self, worker: _Worker, ready: list, limit: float):
        """The worker's answer, a reason it will not give one, or None while it is working."""
        if worker.conn in ready or worker.process.sentinel in ready:
            try:
                if worker.conn.poll():
                    return worker.conn.recv()[1:]
            except (EOFError, OSError):
                pass
            if worker.process.sentinel in ready or not worker.process.is_alive():
                worker.process.join(1)
                return f"internal error: the analysis process died ({_exit_reason(worker.process.exitcode)})"
        if time.monotonic() - worker.started > limit:
            return f"too large to analyse: no result within {limit:g} s (the analysis was stopped)"
        return None

    @staticmethod
    def _start(context) -> _Worker:
        parent_end, child_end = context.Pipe(duplex=True)
        process = context.Process(target=_serve, args=(child_end,), daemon=True, name="losslint-worker")
        process.start()
        child_end.close()
        return _Worker(process, parent_end)

    @staticmethod
    def _stop(worker: _Worker, gently: bool = False) -> None:
        try:
            if gently and worker.process.is_alive():
                worker.conn.send(None)
                worker.process.join(2)
        except (OSError, ValueError):
            pass
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join(5)
        worker.conn.close()


def _exit_reason(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"signal {-code}, {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


def _serve(conn) -> None:
    """A worker: analyse the jobs it is sent until told to stop or its parent is gone."""
    for signum in _STOP_SIGNALS:  # the parent decides what an interrupt means
        signal.signal(signum, signal.SIG_IGN if signum == signal.SIGINT else signal.SIG_DFL)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError):
            return
        if item is None:
            return
        position, job = item
        result, source = run_job(job)
        try:
            conn.send((position, result, source))
        except (OSError, ValueError):
            return


def _exit_with_parent(parent: int) -> None:
    """A worker outlives a parent killed outright only until it notices it was handed to another
    parent (no orphans)."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)
