"""Every rule has a spec in rules/, and every example in it behaves as the spec says."""

from __future__ import annotations

import pytest

from losslint.rules import all_rules
from losslint.rulespec import load_specs
from tests.conftest import fix, lint

SPECS = load_specs()
EXAMPLES = [(code, i, example) for code, spec in SPECS.items() for i, example in enumerate(spec.examples)]


def _id(item) -> str:
    code, i, example = item
    return f"{code}-{i}-{example.kind}-{example.framework}"


def test_every_rule_has_a_spec_and_every_spec_a_rule():
    assert set(SPECS) == set(all_rules())


@pytest.mark.parametrize("code", sorted(SPECS))
def test_spec_agrees_with_rule(code):
    spec, rule = SPECS[code], all_rules()[code]
    assert spec.name == rule.name
    assert spec.summary == rule.summary
    assert spec.runs_in == rule.runs_in
    assert spec.fix == (rule.fix_applicability.value if rule.fix_applicability else "none")
    assert spec.default == rule.default_enabled
    assert spec.file_level == rule.file_level
    assert spec.what and spec.why and spec.fix_safety


@pytest.mark.parametrize("code", sorted(SPECS))
def test_spec_has_bad_and_good_examples(code):
    kinds = [e.kind for e in SPECS[code].examples]
    assert kinds.count("bad") >= 3 and kinds.count("good") >= 3
    # Bad examples in every framework the rule applies to (LL401, LL601, LL603 are about PyTorch only).
    bad_frameworks = {e.framework for e in SPECS[code].examples if e.kind == "bad"}
    assert set(SPECS[code].frameworks) <= bad_frameworks


@pytest.mark.parametrize("item", EXAMPLES, ids=_id)
def test_example(item):
    code, _, example = item
    found = lint(example.code)
    if example.kind == "good":
        assert found == [], [f"{d.code} {d.location}" for d in found]
        return
    assert [(d.location.row, d.location.column) for d in found if d.code == code] == list(example.expect)
    assert {d.code for d in found} == {code}, "a bad example shows only its own rule"


@pytest.mark.parametrize("item", [e for e in EXAMPLES if e[2].fixed], ids=_id)
def test_fixed_example(item):
    code, _, example = item
    rule = all_rules()[code]
    unsafe = rule.fix_applicability.value == "unsafe"
    fixed = fix(example.code, {code}, unsafe=unsafe)
    assert fixed == example.fixed.lstrip("\n")
    assert [d for d in lint(fixed) if d.code == code] == []
    assert fix(fixed, {code}, unsafe=unsafe) == fixed, "a second --fix changes nothing"
    if unsafe:
        assert fix(example.code, {code}, unsafe=False) == example.code.lstrip("\n"), \
            "unsafe fixes need --unsafe-fixes"


@pytest.mark.parametrize("code", sorted(SPECS))
def test_rules_without_fix_examples_offer_no_fix(code):
    rule = all_rules()[code]
    has_fixed = any(e.fixed for e in SPECS[code].examples)
    assert has_fixed == (rule.fix_applicability is not None)
