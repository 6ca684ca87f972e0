"""The command line: ``losslint [PATH ...]``, ``losslint rules``, ``losslint rule CODE``."""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from pathlib import Path

from losslint import __version__, reporters
from losslint.config import Config, ConfigError, load, nearest, validate_selectors
from losslint.discovery import exclusion, iter_python_files
from losslint.engine import SYNTAX_ERROR
from losslint.notebook import Notebook
from losslint.rules import all_rules
from losslint.runner import Job, run_jobs, run_source

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="losslint", description="Find and fix numerical and gradient bugs in loss code.",
        epilog="Subcommands: `losslint rules` lists the rules, `losslint rule CODE` explains one, "
               "`losslint clean` removes the cache, `losslint lsp` starts the language server (stdio).")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: .); - for stdin")
    parser.add_argument("--fix", action="store_true", help="apply safe fixes")
    parser.add_argument("--unsafe-fixes", action="store_true", help="also apply fixes that change values")
    parser.add_argument("--diff", action="store_true", help="print the fixes as a diff; write nothing")
    parser.add_argument("--select", type=_codes, help="only these codes or prefixes (comma-separated)")
    parser.add_argument("--ignore", type=_codes, default=[], help="skip these codes or prefixes")
    parser.add_argument("--extend-select", type=_codes, default=[], help="add these codes or prefixes")
    parser.add_argument("--format", choices=["text", "json", "sarif", "github"], default="text")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    parser.add_argument("--statistics", action="store_true", help="count findings per rule")
    parser.add_argument("--config", type=Path, help="use this config file instead of the nearest pyproject.toml")
    parser.add_argument("--no-cache", action="store_true", help="do not read or write .losslint_cache/")
    parser.add_argument("--no-respect-gitignore", action="store_true", help="lint files that .gitignore excludes")
    parser.add_argument("--stdin-filename", help="the name of the file read from stdin")
    parser.add_argument("-q", "--quiet", action="store_true", help="print findings only")
    parser.add_argument("--version", action="version", version=f"losslint {__version__}")
    return parser


def _codes(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _print_rules(out) -> int:
    rules = all_rules()
    width = max(len(rule.name) for rule in rules.values())
    out.write(f"{'code':<6} {'name':<{width}}  {'fix':<6}  default\n")
    for code, rule in rules.items():
        fix = rule.fix_applicability.value if rule.fix_applicability else "-"
        out.write(f"{code:<6} {rule.name:<{width}}  {fix:<6}  {'on' if rule.default_enabled else 'off'}\n")
    return EXIT_CLEAN


def _print_rule(code: str, out, err) -> int:
    from losslint.docs import render_rule
    from losslint.rulespec import load_specs

    code = code.upper()
    specs = load_specs()
    if code not in specs:
        err.write(f"losslint: unknown rule code {code!r} (see `losslint rules`)\n")
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
    out, err = stdout or sys.stdout, stderr or sys.stderr
    if argv[:1] == ["rules"]:
        return _print_rules(out)
    if argv[:1] == ["rule"]:
        if len(argv) != 2:
            err.write("usage: losslint rule CODE\n")
            return EXIT_ERROR
        return _print_rule(argv[1], out, err)
    if argv[:1] == ["clean"]:
        from losslint.cache import CACHE_DIR, Cache

        removed = Cache(Path.cwd()).clear()
        out.write(f"Removed {CACHE_DIR}/\n" if removed else f"No {CACHE_DIR}/ here\n")
        return EXIT_CLEAN
    if argv[:1] in (["lsp"], ["server"]):
        return _serve(err)
    if argv[:1] == ["check"]:
        argv = argv[1:]
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit:
        return EXIT_CLEAN if exit.code == 0 else EXIT_ERROR
    try:
        return _run(args, stdin, out, err)
    except ConfigError as error:
        err.write(f"losslint: error: {error}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_ERROR
    except BrokenPipeError:  # ``losslint src/ | head``: the reader left; stop quietly
        if out is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return EXIT_ERROR


def _run(args, stdin, out, err) -> int:
    nearest.cache_clear()  # configuration is read afresh by every run (main() may be called repeatedly)
    overrides = dict(select=validate_selectors(args.select, "--select") if args.select is not None else None,
                     ignore=validate_selectors(args.ignore, "--ignore"),
                     extend_select=validate_selectors(args.extend_select, "--extend-select"))
    explicit = load(args.config) if args.config else None
    if args.config is not None and not args.config.is_file():
        raise ConfigError(f"{args.config}: no such config file")

    def config_for(path: Path) -> Config:
        base = explicit or nearest(path.resolve().parent)
        return base.with_overrides(**overrides)

    mode = "diff" if args.diff else "fix" if args.fix else "lint"
    with_edits = args.format in ("json", "sarif")
    paths = args.paths or ["."]
    results = []
    if paths == ["-"]:
        display = args.stdin_filename or "-"
        settings = config_for(Path(display)).settings_for(Path(display))
        source = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read().encode()
        job = Job(display, display, settings, "diff" if mode != "lint" else "lint", args.unsafe_fixes, with_edits)
        result = run_source(source, job)
        results.append((result, source))
        if mode == "fix":  # the fixed code goes to stdout, the findings to stderr
            fixed = result.fixed if result.fixed is not None else source
            if hasattr(out, "buffer"):
                out.flush()
                out.buffer.write(fixed)
                out.buffer.flush()
            else:
                out.write(fixed.decode("utf-8", "replace"))
            out = err
    else:
        missing = [p for p in paths if not Path(p).exists()]
        for path in missing:
            err.write(f"losslint: error: {path}: no such file or folder\n")
        if missing:
            return EXIT_ERROR
        files = list(iter_python_files([Path(p) for p in paths], _excluded_by_config(config_for),
                                       respect_gitignore=not args.no_respect_gitignore))
        jobs = [Job(str(f), str(f), config_for(f).settings_for(f), mode, args.unsafe_fixes, with_edits)
                for f in files]
        cache = None
        if mode == "lint" and not args.no_cache:
            from losslint.cache import Cache

            cache = Cache(Path.cwd())
        results = run_jobs(jobs, cache=cache)
    return _report(args, results, mode, out)


def _excluded_by_config(config_for):
    cache = {}

    def excluded(path: Path) -> bool:
        config = config_for(path)
        if config.source not in cache:
            cache[config.source] = exclusion(config.exclude, config.root)
        return cache[config.source](path)
    return excluded


def _report(args, results, mode: str, out) -> int:
    diagnostics = sorted((d for result, _ in results for d in result.diagnostics), key=lambda d: d.sort_key())
    errors = any(result.error for result, _ in results)
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
    fixed = sum(result.fixes_applied for result, _ in results)
    if args.format == "json":
        out.write(reporters.to_json(diagnostics) + "\n")
    elif args.format == "sarif":
        out.write(reporters.to_sarif(diagnostics) + "\n")
    elif args.format == "github":
        if diagnostics:
            out.write(reporters.to_github(diagnostics) + "\n")
    else:
        for d in diagnostics:
            out.write(reporters.text_line(d, args.unsafe_fixes) + "\n")
        if args.statistics and diagnostics:
            out.write("\n".join(reporters.statistics(diagnostics, args.unsafe_fixes)) + "\n")
        if not args.quiet:
            if fixed:
                out.write(f"Fixed {fixed} problem{'s' if fixed != 1 else ''}.\n")
            out.write(reporters.summary(diagnostics, args.unsafe_fixes) + "\n" if diagnostics
                      else "All checks passed!\n")
    if errors:
        return EXIT_ERROR
    if diagnostics and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN
