"""Rule pages, rendered from the specs in rules/ (so the docs cannot drift from the rules)."""

from __future__ import annotations

from pathlib import Path

from losslint.rulespec import Spec, load_specs

FRAMEWORK_TITLES = {"torch": "PyTorch", "tf": "TensorFlow", "keras": "Keras"}
WHERE = {"loss": "Runs inside loss code only (see *Loss scopes* in docs/usage.md).",
         "anywhere": "Runs inside loss code by default; listed in `everywhere` in the configuration, it runs in "
                     "every file that uses an ML framework.",
         "file": "Reported by the engine from the file's text (its syntax, its comments), in every file it reads."}


def where_it_runs(spec: Spec) -> str:
    if spec.file_level:
        return ("Runs in every file that holds loss code (it is about the file's structure); listed in "
                "`everywhere` in the configuration, in every file that uses an ML framework.")
    return WHERE[spec.runs_in]


def render_rule(spec: Spec) -> str:
    lines = [f"# {spec.code} {spec.name}", "", f"*{spec.summary}*", "",
             f"Family: {spec.family}. Fix: {spec.fix}. "
             f"Default: {'on' if spec.default else 'off'}. {where_it_runs(spec)} "
             f"Applies to: {', '.join(FRAMEWORK_TITLES[f] for f in spec.frameworks)}.", "",
             "## What it does", "", spec.what, "", "## Why is this bad?", "", spec.why, ""]
    bad = [e for e in spec.examples if e.kind == "bad"]
    good = [e for e in spec.examples if e.kind == "good"]
    lines += ["## Example", ""]
    for example in bad:
        lines += _block(example)
    lines += ["## Use instead", ""]
    for example in bad:
        if example.fixed:
            lines += _block(example, example.fixed, "fixed")
    for example in good:
        lines += _block(example)
    lines += ["## Fix safety", "", spec.fix_safety, ""]
    lines += ["## Configuration", "", _configuration(spec), ""]
    if spec.options:
        lines += ["Options (in `[tool.losslint]`):", "", spec.options, ""]
    return "\n".join(lines).rstrip() + "\n"


def _configuration(spec: Spec) -> str:
    code = spec.code
    switch = (f"On by default; turn it off with `ignore = [\"{code}\"]`" if spec.default
              else f"Off by default; turn it on with `extend-select = [\"{code}\"]`")
    return (f"{switch} in `[tool.losslint]` of `pyproject.toml` (or `--ignore` / `--extend-select`), "
            f"for some files with `per-file-ignores`, or on one line with `# noqa: {code}`.")


def _block(example, code: str | None = None, note: str = "") -> list[str]:
    title = FRAMEWORK_TITLES.get(example.framework, example.framework)
    label = f"{title}{', ' + example.title if example.title else ''}{' (' + note + ')' if note else ''}"
    return [f"{label}:", "", "```python", (code or example.code).rstrip(), "```", ""]


def render_index() -> str:
    lines = ["# Rules", "", "| code | name | summary | fix | default |", "|---|---|---|---|---|"]
    for code, spec in load_specs().items():
        fix = spec.fix if spec.fix != "none" else "-"
        lines.append(f"| [{code}]({code}.md) | {spec.name} | {spec.summary} | {fix} | "
                     f"{'on' if spec.default else 'off'} |")
    return "\n".join(lines) + "\n"


def generated_pages() -> dict[str, str]:
    pages = {f"{code}.md": render_rule(spec) for code, spec in load_specs().items()}
    pages["index.md"] = render_index()
    return pages


def write_pages(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in generated_pages().items():
        path = folder / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


README_START, README_END = "<!-- rules:start -->\n", "<!-- rules:end -->\n"


def readme_table() -> str:
    rows = ["| code | name | fix |", "|---|---|---|"]
    for code, spec in load_specs().items():
        rows.append(f"| [{code}](docs/rules/{code}.md) | {spec.name}: {spec.summary} | {spec.fix} |")
    return "\n".join(rows) + "\n"


def with_readme_table(readme: str) -> str:
    start = readme.index(README_START) + len(README_START)
    return readme[:start] + readme_table() + readme[readme.index(README_END):]


MKDOCS_START, MKDOCS_END = "      # rules:start\n", "      # rules:end\n"


def mkdocs_nav() -> str:
    """The rule pages' entries in mkdocs.yml's nav, one per spec."""
    return "".join(f"      - {code} {spec.name}: rules/{code}.md\n" for code, spec in load_specs().items())


def with_mkdocs_nav(config: str) -> str:
    start = config.index(MKDOCS_START) + len(MKDOCS_START)
    return config[:start] + mkdocs_nav() + config[config.index(MKDOCS_END):]


# -- statements in the prose pages that are generated, so they cannot drift --------------------------
WHERE_START, WHERE_END = "<!-- where:start -->\n", "<!-- where:end -->\n"
SAMPLE_START, SAMPLE_END = "<!-- sample:start -->\n", "<!-- sample:end -->\n"
FILE_TEXT_WHERE = "on every file's text (its syntax, its `# noqa` comments)"


def _ranges(codes: list[str], all_codes: list[str]) -> str:
    """``LL201–LL207, LL211`` for codes that are neighbours in the list of every code."""
    position = {code: i for i, code in enumerate(all_codes)}
    runs: list[list[str]] = []
    for code in codes:
        if runs and position[code] == position[runs[-1][-1]] + 1:
            runs[-1].append(code)
        else:
            runs.append([code])
    return ", ".join(", ".join(run) if len(run) < 3 else f"{run[0]}\u2013{run[-1]}" for run in runs)


def where_rules_run() -> str:
    """Where each rule runs, from the specs' ``runs_in`` and ``file_level``."""
    specs = load_specs()
    codes = list(specs)

    def file_level(code: str) -> bool:
        return specs[code].file_level

    groups = [
        ("in loss code only", [c for c in codes if specs[c].runs_in == "loss"]),
        ("in loss code by default, and in every file that uses an ML framework when listed in `everywhere`",
         [c for c in codes if specs[c].runs_in == "anywhere" and not file_level(c)]),
        ("in every file that holds loss code (they are about the file's structure), and in every file that uses "
         "an ML framework when listed in `everywhere`", [c for c in codes if specs[c].runs_in == "anywhere" and file_level(c)]),
        (FILE_TEXT_WHERE, [c for c in codes if specs[c].runs_in == "file"]),
    ]
    parts = [f"{text}: {_ranges(group, codes)}" for text, group in groups if group]
    return (f"losslint has {len(codes)} rules. They run " + "; ".join(parts) + ".\n")


def sample_output(root: Path | None = None) -> str:
    """``losslint examples/`` as it prints today, from the repository root."""
    import io
    import os

    from losslint.cli import main

    root = root or Path(__file__).resolve().parent.parent
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(root)
    try:
        main(["--no-cache", "examples/"], stdout=out, stderr=err)
    finally:
        os.chdir(old)
    return "```\n$ losslint examples/\n" + out.getvalue() + "```\n"


def _between(text: str, start: str, end: str, body: str) -> str:
    if start not in text:
        return text
    head = text.index(start) + len(start)
    return text[:head] + body + text[text.index(end, head):]


def with_generated_statements(text: str) -> str:
    """A prose page with its generated statements (where rules run, the sample output) current."""
    text = _between(text, WHERE_START, WHERE_END, where_rules_run())
    if SAMPLE_START in text:
        text = _between(text, SAMPLE_START, SAMPLE_END, sample_output())
    return text


PROSE = ("README.md", "docs/usage.md", "docs/index.md")


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    for path in write_pages(root / "docs" / "rules"):
        print(f"wrote {path}")
    readme = root / "README.md"
    text = readme.read_text(encoding="utf-8")
    if with_readme_table(text) != text:
        readme.write_text(with_readme_table(text), encoding="utf-8")
        print(f"wrote {readme}")
    for name in PROSE:
        page = root / name
        text = page.read_text(encoding="utf-8")
        if with_generated_statements(text) != text:
            page.write_text(with_generated_statements(text), encoding="utf-8")
            print(f"wrote {page}")
    mkdocs = root / "mkdocs.yml"
    text = mkdocs.read_text(encoding="utf-8")
    if with_mkdocs_nav(text) != text:
        mkdocs.write_text(with_mkdocs_nav(text), encoding="utf-8")
        print(f"wrote {mkdocs}")
