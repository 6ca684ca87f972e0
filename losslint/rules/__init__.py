"""Every rule, found by scanning this package: the registry is generated, never kept by hand."""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import lru_cache

from losslint.rules.base import Rule

RULE_MODULE = re.compile(r"ll\d{3}_\w+")


@lru_cache(maxsize=1)
def all_rules() -> dict[str, type[Rule]]:
    rules: dict[str, type[Rule]] = {}
    for module_info in pkgutil.iter_modules(__path__):
        if not RULE_MODULE.fullmatch(module_info.name):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule and hasattr(value, "code"):
                rules[value.code] = value
    return dict(sorted(rules.items()))
