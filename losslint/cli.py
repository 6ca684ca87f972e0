"""The command line: ``losslint [PATH ...]``, ``losslint rules``, ``losslint rule CODE``."""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from pathlib import Path

# Only what every command needs is imported here: `--version`, `rules` and `rule` read the specs and
# never import libcst or the rules (see the start-up figures in benchmarks/RESULTS.md).
from losslint import __version__, reporters
from losslint.notebook import Notebook
from losslint.reporters import SYNTAX_ERROR
from losslint.rulespec import load_specs

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_SIGNAL = 128  # + the signal's number, as shells report a run a signal stopped


class _Extend(argparse.Action):
    """A list flag that may be repeated: ``--select LL2 --select LL5`` is ``--select LL2,LL5``."""

    def __call__(self, parser, namespace, values, option_string=None):
        current = getattr(namespace, self.dest, None) or []
        setattr(namespace, self.dest, [*current, *values])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="losslint", description="Find and fix numerical and gradient bugs in loss code.",
        epilog="Subcommands: `losslint rules` lists the rules, `losslint rule CODE` explains one, "
               "`losslint clean` removes the cache, `losslint lsp` starts the language server (stdio).")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: .); - for stdin")
    fixing = parser.add_argument_group("fixes")
    fixing.add_argument("--fix", action="store_true", help="apply safe fixes")
    fixing.add_argument("--unsafe-fixes", action="store_true", help="also apply fixes that change values")
    fixing.add_argument("--diff", action="store_true", help="print the fixes as a diff; write nothing")
    fixing.add_argument("--fix-only", action="store_true",
                        help="apply fixes and report nothing else (exit 0 unless --exit-non-zero-on-fix)")
    fixing.add_argument("--show-fixes", action=argparse.BooleanOptionalAction, default=False,
                        help="after fixing, list the fixes applied per file and rule")
    fixing.add_argument("--exit-non-zero-on-fix", action="store_true",
                        help="exit 1 when a fix was applied, even if no finding remains")
    rules = parser.add_argument_group("rule selection (codes, prefixes or rule names; comma-separated, repeatable)")
    for flag, what in (("--select", "only these rules"), ("--ignore", "skip these rules"),
                       ("--extend-select", "add these rules"),
                       ("--fixable", "only these rules' fixes are applied (default: ALL)"),
                       ("--unfixable", "never apply these rules' fixes"),
                       ("--extend-fixable", "add to the fixable rules"),
                       ("--extend-safe-fixes", "treat these rules' unsafe fixes as safe"),
                       ("--extend-unsafe-fixes", "treat these rules' safe fixes as unsafe")):
        rules.add_argument(flag, type=_codes, action=_Extend, metavar="CODES", help=what)
    files = parser.add_argument_group("files")
    files.add_argument("--exclude", type=_codes, action=_Extend, metavar="PATTERNS",
                       help="gitignore-style patterns to skip, in place of the configuration's `exclude`")
    files.add_argument("--extend-exclude", type=_codes, action=_Extend, metavar="PATTERNS",
                       help="more patterns to skip")
    files.add_argument("--force-exclude", action=argparse.BooleanOptionalAction, default=None,
                       help="apply the excludes to files named on the command line too (as pre-commit passes them)")
    files.add_argument("--per-file-ignores", action="append", metavar="PATTERN:CODES",
                       help="ignore CODES in files matching PATTERN, in place of the configuration's")
    files.add_argument("--extend-per-file-ignores", action="append", metavar="PATTERN:CODES",
                       help="more PATTERN:CODES to ignore")
    files.add_argument("--config", type=Path, help="use this config file instead of the nearest one")
    files.add_argument("--no-cache", action="store_true", help="do not read or write the cache")
    files.add_argument("-j", "--jobs", type=_positive, metavar="N",
                       help="worker processes (default: one per core; 1 analyses in this process)")
    files.add_argument("--cache-dir", metavar="DIR",
                       help="where the cache lives (default: $LOSSLINT_CACHE_DIR, else .losslint_cache/)")
    files.add_argument("--no-respect-gitignore", action="store_true", help="lint files that .gitignore excludes")
    files.add_argument("--stdin-filename", metavar="PATH",
                       help="read the code from stdin, as the file PATH (for configuration and output)")
    suppress = parser.add_argument_group("noqa")
    suppress.add_argument("--add-noqa", action="store_true",
                          help="add `# noqa: CODE` to every line with a finding; remove unused noqa codes")
    suppress.add_argument("--ignore-noqa", action="store_true", help="report findings that `# noqa` suppresses")
    output = parser.add_argument_group("output")
    output.add_argument("--output-format", "--format", dest="output_format", default="concise",
                        choices=[*reporters.FORMATS, *reporters.ALIASES], metavar="FORMAT",
                        help=f"one of {', '.join(reporters.FORMATS)} (default: concise)")
    output.add_argument("-o", "--output-file", type=Path, metavar="FILE", help="write the report to FILE")
    output.add_argument("--statistics", action="store_true", help="count findings per rule")
    output.add_argument("-q", "--quiet", action="store_true", help="print findings only")
    output.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    output.add_argument("--show-settings", action="store_true",
                        help="print the settings that apply to the first file, and exit")
    output.add_argument("--show-files", action="store_true", help="print the files that would be linted, and exit")
    parser.add_argument("--version", action="version", version=f"losslint {__version__}")
    return parser


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number of jobs, got {value!r}")
    return number


def _codes(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _print_rules(out) -> int:
    specs = load_specs()
    width = max(len(spec.name) for spec in specs.values())
    out.write(f"{'code':<6} {'name':<{width}}  {'fix':<6}  default\n")
    for code, spec in specs.items():
        fix = spec.fix if spec.fix != "none" else "-"
        out.write(f"{code:<6} {spec.name:<{width}}  {fix:<6}  {'on' if spec.default else 'off'}\n")
    return EXIT_CLEAN


def _print_rule(value: str, out, err) -> int:
    from losslint.docs import render_rule
    from losslint.rulespec import spec_code

    code = spec_code(value)
    specs = load_specs()
    if code not in specs:
        err.write(f"losslint: unknown rule code or name {value!r} (see `losslint rules`)\n")
        return EXIT_ERROR
    out.write(render_rule(specs[code]))
    return EXIT_CLEAN


def _serve(err) -> int:
    try:
        from losslint.lsp import main as serve
    except ImportError as error:
        err.write(f"losslint: the language server needs pygls ({error.name} is missing): "
                  "python3 -m pip install 'losslint[lsp]'\n")
        return EXIT_ERROR
    serve()
    return EXIT_CLEAN


def main(argv: list[str] | None = None, stdin=None, stdout=None, stderr=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    stdin = stdin or sys.stdin
    out, err = _Output(stdout or sys.stdout), _Output(stderr or sys.stderr)
    try:
        return _main(argv, stdin, out, err)
    finally:
        out.flush()
        err.flush()


def _main(argv: list[str], stdin, out, err) -> int:
    if argv[:1] == ["rules"]:
        return _print_rules(out)
    if argv[:1] == ["rule"]:
        if len(argv) != 2:
            err.write("usage: losslint rule CODE|NAME\n")
            return EXIT_ERROR
        return _print_rule(argv[1], out, err)
    if argv[:1] == ["clean"]:
        from losslint.cache import CACHE_DIR, CACHE_DIR_VARIABLE, Cache, cache_folder

        given = argv[2] if argv[1:2] == ["--cache-dir"] and len(argv) > 2 else None
        shown = (given or os.environ.get(CACHE_DIR_VARIABLE) or CACHE_DIR).rstrip("/")
        removed = Cache(cache_folder(Path.cwd(), given)).clear()
        out.write(f"Removed {shown}/\n" if removed else f"No {shown}/ here\n")
        return EXIT_CLEAN
    if argv[:1] in (["lsp"], ["server"]):
        return _serve(err)
    if argv[:1] == ["check"]:
        argv = argv[1:]
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit:
        return EXIT_CLEAN if exit.code == 0 else EXIT_ERROR
    from losslint.config import ConfigError
    from losslint.runner import Interrupted

    report = None
    try:
        if args.output_file is not None:
            try:
                report = open(args.output_file, "w", encoding="utf-8")
            except OSError as error:
                raise ConfigError(f"--output-file {args.output_file}: {error.strerror or error}") from None
        return _run(args, stdin, report or out, err)
    except ConfigError as error:
        err.write(f"losslint: error: {error}\n")
        return EXIT_ERROR
    except Interrupted as stop:
        err.write(_interrupted(stop, (args.fix or args.fix_only or args.add_noqa) and not args.diff))
        return EXIT_SIGNAL + stop.signum
    except KeyboardInterrupt:
        err.write("losslint: interrupted by SIGINT\n")
        return EXIT_SIGNAL + 2
    finally:
        if report is not None:
            report.close()


def _interrupted(stop: Interrupted, fixing: bool) -> str:
    text = f"losslint: interrupted by {stop}"
    if not fixing:
        return text + "\n"
    if not stop.rewritten:
        return text + "; no file was rewritten\n"
    count = len(stop.rewritten)
    return (f"{text}; {count} file{'s were' if count != 1 else ' was'} rewritten, the others are as they were:\n"
            + "".join(f"  {name}\n" for name in stop.rewritten))


class _Output:
    """A stream whose reader may leave early (``losslint src/ | head -1``): what follows is
    dropped, and the exit code stays the one the findings give."""

    def __init__(self, stream, state: list | None = None) -> None:
        self.stream = stream
        self.state = state if state is not None else [False]  # shared with .buffer: the reader left

    def write(self, data) -> None:
        if not self.state[0]:
            try:
                self.stream.write(data)
            except BrokenPipeError:
                self._reader_left()

    def flush(self) -> None:
        if not self.state[0]:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._reader_left()
            except (ValueError, OSError):  # closed by the caller
                pass

    def __getattr__(self, name):
        if name == "buffer":
            return _Output(self.stream.buffer, self.state)
        return getattr(self.stream, name)

    def _reader_left(self) -> None:
        self.state[0] = True
        for standard in (sys.stdout, sys.stderr):
            if self.stream in (standard, getattr(standard, "buffer", None)):
                try:  # no second error when the interpreter flushes at exit
                    os.dup2(os.open(os.devnull, os.O_WRONLY), standard.fileno())
                except (OSError, ValueError):
                    pass


def command_line_overrides(args) -> dict:
    """The command line's settings, in the configuration's terms (see ``Config.with_overrides``)."""
    from losslint.config import per_file_entry, validate_selectors

    def selectors(name: str, flag: str):
        values = getattr(args, name)
        return validate_selectors(values, flag) if values is not None else None

    def per_file(values, flag: str):
        return tuple(per_file_entry(v, flag, Path.cwd()) for v in values) if values is not None else None
    names = ("select", "ignore", "extend_select", "fixable", "unfixable", "extend_fixable",
             "extend_safe_fixes", "extend_unsafe_fixes")
    overrides = {name: selectors(name, "--" + name.replace("_", "-")) for name in names}
    overrides["exclude"] = tuple((Path.cwd(), p) for p in args.exclude) if args.exclude is not None else None
    overrides["extend_exclude"] = (tuple((Path.cwd(), p) for p in args.extend_exclude)
                                   if args.extend_exclude is not None else None)
    overrides["per_file_ignores"] = per_file(args.per_file_ignores, "--per-file-ignores")
    overrides["extend_per_file_ignores"] = per_file(args.extend_per_file_ignores, "--extend-per-file-ignores")
    overrides["force_exclude"] = args.force_exclude
    return overrides


def _run(args, stdin, out, err) -> int:
    from losslint.config import Config, ConfigError, describe, forget_configurations, load, nearest
    from losslint.discovery import iter_python_files, real_path
    from losslint.runner import Job, read_error, run_jobs, run_source

    forget_configurations()  # configuration is read afresh by every run (main() may be called repeatedly)
    overrides = command_line_overrides(args)
    if args.config is not None and not args.config.is_file():
        raise ConfigError(f"{args.config}: no such config file")
    explicit = load(args.config) if args.config else None

    overridden: dict[int, tuple[Config, Config]] = {}  # id of a configuration -> it, and it overridden
    by_parent: dict[str, Config] = {}  # the folder as the paths walked spell it -> its configuration

    def config_for(path: Path) -> Config:
        spelled = str(path)
        parent = os.path.dirname(os.path.abspath(spelled))
        direct = ".." not in spelled and not os.path.islink(spelled)  # else followed as the OS does
        if direct and parent in by_parent:
            return by_parent[parent]
        base = explicit or nearest(Path(os.path.dirname(real_path(spelled))))
        known = overridden.get(id(base))
        if known is None or known[0] is not base:  # one Config per configuration file, not per path
            known = overridden[id(base)] = (base, base.with_overrides(**overrides))
        found = known[1]
        if direct:
            by_parent[parent] = found
        return found

    def settings_for(path: Path):
        return config_for(path).settings_for(path, respect_noqa=not args.ignore_noqa)

    fix_only = args.fix_only
    mode = "diff" if args.diff else "noqa" if args.add_noqa else "fix" if args.fix or fix_only else "lint"
    output_format = reporters.ALIASES.get(args.output_format, args.output_format)
    with_edits = output_format in reporters.WITH_EDITS
    from_stdin = args.stdin_filename is not None or args.paths == ["-"]
    paths = args.paths or ["."]
    if from_stdin and args.add_noqa:
        raise ConfigError("--add-noqa writes files: it does not read stdin")
    if args.show_settings:
        first = Path(args.stdin_filename) if from_stdin and args.stdin_filename else next(
            iter(iter_python_files([Path(p) for p in paths if p != "-"], lambda p: False)), Path(paths[0]))
        out.write("\n".join(describe(config_for(first), first)) + "\n")
        return EXIT_CLEAN
    results = []
    if from_stdin:
        for path in paths:
            if path not in ("-", "."):
                err.write(f"losslint: warning: ignoring {path}: reading stdin (--stdin-filename)\n")
        display = args.stdin_filename or "-"
        config = config_for(Path(display))
        source = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read().encode()
        if args.show_files:
            out.write(f"{display}\n")
            return EXIT_CLEAN
        excluded = display != "-" and config.force_exclude and config.is_excluded(Path(display))
        if excluded:  # pre-commit and editors pass excluded files too: leave them as they are
            if mode == "fix":
                _write_bytes(out, source)
            return EXIT_CLEAN
        job = Job(display, display, settings_for(Path(display)), "diff" if mode != "lint" else "lint",
                  args.unsafe_fixes, with_edits, explicit=True)
        result = run_source(source, job)
        results.append((result, source))
        if mode == "fix":  # the fixed code goes to stdout, the findings to stderr
            _write_bytes(out, result.fixed if result.fixed is not None else source)
            out = err
    else:
        missing = [p for p in paths if _missing(p)]
        for path in missing:
            err.write(f"losslint: error: {path}: no such file or folder\n")
        if missing:
            return EXIT_ERROR
        unreadable: list = []
        force = args.force_exclude if args.force_exclude is not None else any(
            config_for(Path(p)).force_exclude for p in paths)
        files = list(iter_python_files([Path(p) for p in paths], lambda path: config_for(path).is_excluded(path),
                                       respect_gitignore=not args.no_respect_gitignore, force_exclude=force,
                                       unreadable=lambda path, reason: unreadable.append(
                                           (read_error(str(path), reason), None))))
        if args.show_files:
            out.write("".join(f"{f}\n" for f in sorted(files)))
            return EXIT_CLEAN
        named = {Path(p) for p in paths}
        jobs = [Job(str(f), str(f), settings_for(f), mode, args.unsafe_fixes, with_edits, explicit=f in named)
                for f in files]
        cache = None
        if mode == "lint" and not args.no_cache:
            from losslint.cache import Cache, cache_folder

            cache = Cache(cache_folder(Path.cwd(), args.cache_dir))
        results = unreadable + run_jobs(jobs, workers=args.jobs, cache=cache)
    return _report(args, results, mode, output_format, out)


def _write_bytes(out, data: bytes) -> None:
    if hasattr(out, "buffer"):
        out.flush()
        out.buffer.write(data)
        out.buffer.flush()
    else:
        out.write(data.decode("utf-8", "replace"))


def _missing(path: str) -> bool:
    """Nothing at all at ``path`` (a broken link, or one inside a folder that cannot be searched,
    is there: it is reported as a file that cannot be read)."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False



def _report(args, results, mode: str, output_format: str, out) -> int:
    diagnostics = sorted((d for result, _ in results for d in result.diagnostics), key=lambda d: d.sort_key())
    errors = any(result.error for result, _ in results)
    sources = reporters.Sources({result.filename: source for result, source in results})
    colour = reporters.Colour(reporters.wants_colour(out) and args.output_file is None)
    if mode == "diff":
        changed = False
        for result, source in results:
            if result.fixed is not None and source is not None:
                changed = True
                if result.filename.endswith(".ipynb"):
                    out.write(Notebook(source).cell_diff(result.fixed, result.filename))
                    continue
                out.write("".join(difflib.unified_diff(
                    source.decode("utf-8", "replace").splitlines(keepends=True),
                    result.fixed.decode("utf-8", "replace").splitlines(keepends=True),
                    fromfile=f"a/{result.filename}", tofile=f"b/{result.filename}")))
        for d in diagnostics:
            if d.code == SYNTAX_ERROR:
                out.write(reporters.text_line(d, args.unsafe_fixes) + "\n")
        if errors:
            return EXIT_ERROR
        return EXIT_FINDINGS if changed else EXIT_CLEAN
    if mode == "noqa":
        added = sum(result.noqa_added for result, _ in results)
        removed = sum(result.fixes_applied for result, _ in results)
        for d in diagnostics:
            if d.code == SYNTAX_ERROR:
                out.write(reporters.text_line(d, args.unsafe_fixes) + "\n")
        if not args.quiet:
            line = f"Added {added} noqa directive{'s' if added != 1 else ''}."
            if removed:
                line += f" Removed {removed} unused one{'s' if removed != 1 else ''}."
            out.write(line + "\n")
        return EXIT_ERROR if errors else EXIT_CLEAN
    fixed = sum(result.fixes_applied for result, _ in results)
    shown = [d for d in diagnostics if d.code == SYNTAX_ERROR] if args.fix_only else diagnostics
    if output_format in ("concise", "full"):
        out.write(reporters.render(output_format, shown, sources, args.unsafe_fixes, colour))
        if args.statistics and shown:
            out.write("\n".join(reporters.statistics(shown, args.unsafe_fixes)) + "\n")
        if not args.quiet:
            if fixed:
                out.write(f"Fixed {fixed} problem{'s' if fixed != 1 else ''}.\n")
                if args.show_fixes:
                    out.write(_fixes_applied(results))
            if not args.fix_only:
                out.write(reporters.summary(shown, args.unsafe_fixes) + "\n" if shown else "All checks passed!\n")
    else:
        out.write(reporters.render(output_format, shown, sources))
    if errors:
        return EXIT_ERROR
    if args.exit_non_zero_on_fix and fixed:
        return EXIT_FINDINGS
    if shown and not args.exit_zero and not args.fix_only:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _fixes_applied(results) -> str:
    """``--show-fixes``: per file, how many findings of each rule were fixed."""
    specs = load_specs()
    lines = []
    for result, _ in sorted(results, key=lambda item: item[0].filename):
        if result.fixed_codes:
            lines.append(f"- {result.filename}:")
            for code, count in sorted(result.fixed_codes.items()):
                lines.append(f"    {count} × {code} ({specs[code].name})")
    return "".join(line + "\n" for line in lines)
