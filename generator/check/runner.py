"""Run every check rule over a model and its page facts.

The result holds the earlier stages' findings and the check stage's own. Where a
check knows more about an earlier finding, it restates it (`SUPERSEDES`: the
new finding replaces the old one at the same place) or retracts it (`RETRACTS`:
the page asked for the block not to be checked).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from generator.check import annotations as annotation_checks
from generator.check import bodies, examples, links, pages, references, resources
from generator.check.context import Check, CheckContext, CheckOptions
from generator.config import DocSetConfig
from generator.diagnostics import Diagnostic
from generator.model.types import ApiModel
from generator.parse.facts import PageFacts

FAMILIES = (annotation_checks, examples, references, bodies, resources, pages, links)
CHECKS: tuple[Check, ...] = tuple(check for family in FAMILIES for check in family.CHECKS)
SUPERSEDES: dict[str, str] = dict(examples.SUPERSEDES)
Retract = Callable[[CheckContext], Iterable[tuple[str, str, int]]]
RETRACTS: tuple[Retract, ...] = examples.RETRACTS


def run_checks(
    model: ApiModel,
    pages: Sequence[PageFacts],
    config: DocSetConfig,
    options: CheckOptions | None = None,
) -> list[Diagnostic]:
    """Every finding about the doc set, sorted by file, line, column and code."""
    ctx = CheckContext(model, pages, config, options or CheckOptions())
    retracted = {key for retract in RETRACTS for key in retract(ctx)}
    found = [d for check in CHECKS for d in check(ctx) if (d.code, d.file, d.line) not in retracted]
    dropped = retracted | {
        (SUPERSEDES[d.code], d.file, d.line) for d in found if d.code in SUPERSEDES
    }
    earlier = [d for d in model.diagnostics if (d.code, d.file, d.line) not in dropped]
    return sorted(set(earlier) | set(found))
