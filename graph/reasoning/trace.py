"""Which rule concluded what, kept only when asked (for explanations): each conclusion is noted
with the rule ids tagged `# RULE id` on the line that appended it, or on the nearest tagged line
above it in the same function."""

from __future__ import annotations

import linecache
import re
import sys
from functools import cache

_TAG = re.compile(r"# RULE ([a-z]+-[a-z0-9-]+)")


@cache
def _rules_at(filename: str, first: int, line: int) -> str:
    for n in range(line, first - 1, -1):
        ids = _TAG.findall(linecache.getline(filename, n))
        if ids:
            return "/".join(dict.fromkeys(ids))
    return "?"


def _caller_rule() -> str:
    frame = sys._getframe(2)
    return _rules_at(frame.f_code.co_filename, frame.f_code.co_firstlineno, frame.f_lineno)


class Conclusions(list):
    """A list of conclusions that notes, beside each, the rule that appended it."""

    def __init__(self):
        super().__init__()
        self.rules: list[str] = []

    def append(self, t) -> None:
        super().append(t)
        self.rules.append(_caller_rule())

    def __iadd__(self, triples):
        triples = list(triples)
        super().__iadd__(triples)
        self.rules += [_caller_rule()] * len(triples)
        return self
