"""What `templates/report/index.html.jinja` is written against: plain, frozen rows with
every name, count, percentage, link and label already made, so the template only lays
them out."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    rule: str  # the rule's name (`docgen rules`)
    file: str  # relative to the doc set's folder
    line: int
    col: int
    message: str
    href: str  # to the Markdown file, `#L<line>`
    page: str  # the anchor of the page's section in the report


@dataclass(frozen=True)
class CodeGroup:
    code: str
    severity: str
    rule: str
    summary: str
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class EndpointRow:
    id: str
    first_on: str  # the page that documented it first, when not this one (its line is there)
    method: str
    path: str
    line: int
    href: str
    examples: int  # examples tied to it
    green: int  # of those, replayed green
    summary: str  # "2 tied examples, 1 green"
    also_on: tuple[str, ...]  # other pages documenting it


@dataclass(frozen=True)
class TypeRow:
    name: str  # qualified
    kind: str  # entity | complex type | enum
    line: int
    href: str


@dataclass(frozen=True)
class ReplayRow:
    check: str  # server | client | another test module
    outcome: str  # passed | failed | skipped
    message: str


@dataclass(frozen=True)
class ExampleRow:
    id: str
    request: str  # method and URL as written
    line: int
    href: str
    endpoint: str  # the tied endpoint's id, "" when none
    status: str  # green | red | skipped | missing | untested: a CSS class too
    label: str  # the status in words
    replays: tuple[ReplayRow, ...]


@dataclass(frozen=True)
class Coverage:
    endpoints: int
    tied: int  # with at least one tied example
    tied_percent: int
    green: int  # with at least one example replayed green (0 without results)
    green_percent: int


@dataclass(frozen=True)
class PageRow:
    anchor: str
    file: str
    href: str
    title: str
    endpoints: tuple[EndpointRow, ...]
    types: tuple[TypeRow, ...]
    examples: tuple[ExampleRow, ...]
    findings: tuple[Finding, ...]
    worst: str  # the most severe finding's severity, "" without findings
    counts: str  # "3 endpoints, 1 example" (findings apart: they take the worst's colour)
    findings_count: str  # "26 findings", "" without findings


@dataclass(frozen=True)
class AreaRow:
    anchor: str
    name: str
    segments: str  # the first path segments it stands for, as written
    pages: tuple[PageRow, ...]
    coverage: Coverage
    findings: int
    counts: str  # "12 pages, 30 endpoints, 4 findings"


@dataclass(frozen=True)
class Totals:
    pages: int
    listed: int  # pages the report lists (the others define nothing, have no finding)
    endpoints: int
    types: int
    examples: int
    tied: int
    errors: int
    warnings: int
    infos: int
    severities: tuple[tuple[str, str], ...]  # (severity, "3 warnings"), the most severe first


@dataclass(frozen=True)
class Report:
    title: str
    version: str
    docs: str  # the doc set's folder as the links reach it from the report
    results: str  # the results file's name, "" when none was given
    results_cases: int
    results_unmatched: int  # results naming no example of these docs
    totals: Totals
    coverage: Coverage
    areas: tuple[AreaRow, ...]
    codes: tuple[CodeGroup, ...]
