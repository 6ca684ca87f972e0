"""LL901: a ``# noqa: LLxxx`` that suppresses nothing."""

from __future__ import annotations

import re

from losslint.diagnostics import Applicability
from losslint.rules.base import FILE, Rule


class UnusedNoqa(Rule):
    code = "LL901"
    name = "unused-noqa"
    summary = "a `# noqa` code of losslint that suppresses no finding on its line"
    runs_in = FILE
    fix_applicability = Applicability.SAFE
    trigger = re.compile(rb"(?!)")  # reported by the engine after suppression (losslint.suppression)
