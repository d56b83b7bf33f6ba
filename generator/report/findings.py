"""The findings as the report lists them: under their page, and under their code (the
most frequent code first), each linking to its line and to its page's section."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from generator.diagnostics import RULES, Diagnostic
from generator.report.rows import CodeGroup, Finding
from generator.report.words import href


def by_file(
    findings: Iterable[Diagnostic], docs: str, anchors: Mapping[str, str]
) -> dict[str, tuple[Finding, ...]]:
    """File -> its findings by line (no findings: an empty tuple)."""
    found: dict[str, list[Finding]] = defaultdict(list)
    for d in sorted(findings):
        found[d.file].append(_finding(d, docs, anchors))
    return defaultdict(tuple, {file: tuple(rows) for file, rows in found.items()})


def by_code(
    findings: Iterable[Diagnostic], docs: str, anchors: Mapping[str, str]
) -> tuple[CodeGroup, ...]:
    found: dict[str, list[Finding]] = defaultdict(list)
    for d in sorted(findings):
        found[d.code].append(_finding(d, docs, anchors))
    order = sorted(found, key=lambda code: (-len(found[code]), code))
    return tuple(_code_group(code, tuple(found[code])) for code in order)


def _finding(d: Diagnostic, docs: str, anchors: Mapping[str, str]) -> Finding:
    rule = RULES.get(d.code)
    return Finding(
        code=d.code,
        severity=d.severity.value,
        rule=rule.name if rule else "",
        file=d.file,
        line=d.line,
        col=d.col,
        message=d.message,
        href=href(docs, d.file, d.line),
        page=anchors[d.file],
    )


def _code_group(code: str, findings: tuple[Finding, ...]) -> CodeGroup:
    rule = RULES.get(code)
    return CodeGroup(
        code=code,
        severity=findings[0].severity,
        rule=rule.name if rule else "",
        summary=rule.summary if rule else "",
        findings=findings,
    )
