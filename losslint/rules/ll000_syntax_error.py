"""LL000: the file could not be analyzed (a syntax error, an undecodable or unreadable file)."""

from __future__ import annotations

import re

from losslint.rules.base import FILE, Rule


class UnanalyzableFile(Rule):
    code = "LL000"
    name = "syntax-error"
    summary = "the file could not be analyzed: a syntax error, or a file that cannot be read or decoded"
    runs_in = FILE
    trigger = re.compile(rb"(?!)")  # reported by the engine when parsing fails, never by a walk
