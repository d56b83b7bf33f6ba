"""The model, the findings and (optionally) a run of the generated suite -> a `Report`.

A pure function of its inputs: no file is read here, so the same inputs give the same
report. Areas are the client's (`operation_names`: the first path segment); a page
belongs to the area most of its endpoints do; pages without endpoints come last.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from generator import __version__
from generator.diagnostics import Diagnostic, Severity
from generator.emit.naming import operation_names
from generator.model.types import ApiModel, Endpoint, Enum, Example, Resource
from generator.report import findings as finding_rows
from generator.report.fates import example_rows, fixture_stems, unmatched
from generator.report.results import Results
from generator.report.rows import (
    AreaRow,
    Coverage,
    EndpointRow,
    ExampleRow,
    Finding,
    PageRow,
    Report,
    Totals,
    TypeRow,
)
from generator.report.words import SEVERITIES, count, counted, href

NO_AREA = "(pages without endpoints)"


@dataclass(frozen=True)
class Inputs:
    model: ApiModel
    findings: tuple[Diagnostic, ...]
    docs: str  # the doc set's folder, relative to the report's (with slashes)
    results: Results | None = None
    results_name: str = ""


def gather(inputs: Inputs) -> Report:
    model = inputs.model
    anchors = _anchors(inputs)
    stems = fixture_stems(model)
    examples = example_rows(model, inputs.docs, stems, inputs.results)
    areas = _areas(inputs, anchors, examples)
    own = [row for area in areas for page in area.pages for row in page.endpoints]
    return Report(
        title=model.namespace or "API",
        version=__version__,
        docs=inputs.docs,
        results=inputs.results_name,
        results_cases=inputs.results.cases if inputs.results else 0,
        results_unmatched=unmatched(inputs.results, stems),
        totals=_totals(inputs, sum(len(area.pages) for area in areas)),
        coverage=_coverage([row for row in own if not row.first_on]),
        areas=areas,
        codes=finding_rows.by_code(inputs.findings, inputs.docs, anchors),
    )


def _totals(inputs: Inputs, listed: int) -> Totals:
    model = inputs.model
    by_severity = Counter(d.severity for d in inputs.findings)
    return Totals(
        pages=model.pages,
        listed=listed,
        endpoints=len(model.endpoints),
        types=len(model.resources) + len(model.enums),
        examples=len(model.examples),
        tied=sum(1 for x in model.examples if x.endpoint is not None),
        errors=by_severity[Severity.ERROR],
        warnings=by_severity[Severity.WARNING],
        infos=by_severity[Severity.INFO],
        severities=tuple((s.value, count(by_severity[s], s.value)) for s in Severity),
    )


def _files(inputs: Inputs) -> list[str]:
    """Every file the report lists: those defining something or holding a finding."""
    model = inputs.model
    sources: Iterable[str] = (
        *(e.source.file for e in model.endpoints),
        *(file for e in model.endpoints for file in e.also_on),
        *(r.source.file for r in model.resources),
        *(e.source.file for e in model.enums),
        *(x.source.file for x in model.examples),
        *(d.file for d in inputs.findings),
    )
    return sorted(set(sources))


def _anchors(inputs: Inputs) -> dict[str, str]:
    return {file: f"p{n}" for n, file in enumerate(_files(inputs), 1)}


def _areas(
    inputs: Inputs, anchors: Mapping[str, str], examples: Mapping[str, ExampleRow]
) -> tuple[AreaRow, ...]:
    model = inputs.model
    areas = {eid: op.area for eid, op in operation_names(model).items()}
    pages = _page_rows(inputs, anchors, examples)
    grouped: dict[str, list[PageRow]] = defaultdict(list)
    for page in pages:
        grouped[_page_area(page, areas)].append(page)
    segments = _segments(model.endpoints, areas)
    rows: dict[str, list[EndpointRow]] = defaultdict(list)
    for row in (row for page in pages for row in page.endpoints if not row.first_on):
        rows[areas[row.id]].append(row)
    names = sorted((set(grouped) | set(rows)) - {NO_AREA})
    names += [NO_AREA] if NO_AREA in grouped else []
    return tuple(
        _area_row(f"a{n}", name, segments.get(name, ""), grouped[name], rows[name])
        for n, name in enumerate(names, 1)
    )


def _page_area(page: PageRow, areas: Mapping[str, str]) -> str:
    """The area most of the page's endpoints are in; on a tie, its first endpoint's."""
    votes = Counter(areas[row.id] for row in page.endpoints)
    most = max(votes.values(), default=0)
    return next((areas[row.id] for row in page.endpoints if votes[areas[row.id]] == most), NO_AREA)


def _segments(endpoints: Iterable[Endpoint], areas: Mapping[str, str]) -> dict[str, str]:
    """Area -> the first path segments its endpoints start with, as written."""
    found: dict[str, set[str]] = defaultdict(set)
    for endpoint in endpoints:
        found[areas[endpoint.id]].add("/" + endpoint.path.strip("/").split("/", 1)[0])
    return {area: ", ".join(sorted(seen)) for area, seen in found.items()}


def _area_row(
    anchor: str, name: str, segments: str, pages: list[PageRow], rows: list[EndpointRow]
) -> AreaRow:
    """An area; its coverage counts the endpoints the client puts in it (`rows`), on
    whichever page."""
    findings = sum(len(page.findings) for page in pages)
    return AreaRow(
        anchor=anchor,
        name=name,
        segments=segments,
        pages=tuple(pages),
        coverage=_coverage(rows),
        findings=findings,
        counts=counted((len(pages), "page"), (len(rows), "endpoint"), (findings, "finding")),
    )


def _coverage(rows: list[EndpointRow]) -> Coverage:
    tied = sum(1 for row in rows if row.examples)
    green = sum(1 for row in rows if row.green)
    return Coverage(len(rows), tied, _percent(tied, len(rows)), green, _percent(green, len(rows)))


def _percent(part: int, whole: int) -> int:
    return (100 * part) // whole if whole else 0


def _page_rows(
    inputs: Inputs, anchors: Mapping[str, str], examples: Mapping[str, ExampleRow]
) -> list[PageRow]:
    model = inputs.model
    endpoints = _by_file(model.endpoints)
    types: dict[str, list[Resource | Enum]] = _by_file([*model.resources, *model.enums])
    page_examples = _by_file(model.examples)
    page_findings = finding_rows.by_file(inputs.findings, inputs.docs, anchors)
    tied = _tied(model.examples, examples)
    shared = _shared(model.endpoints)
    return [
        _page_row(
            inputs.docs,
            file,
            anchors[file],
            next((e.title for e in endpoints[file] if e.title), ""),
            _endpoint_rows(inputs, endpoints[file], shared[file], tied),
            tuple(_type_row(inputs.docs, t) for t in types[file]),
            tuple(examples[x.id] for x in page_examples[file]),
            page_findings[file],
        )
        for file in anchors
    ]


Sourced = TypeVar("Sourced", bound=Endpoint | Example | Resource | Enum)


def _by_file(items: Iterable[Sourced]) -> dict[str, list[Sourced]]:
    found: dict[str, list[Sourced]] = defaultdict(list)
    for item in items:
        found[item.source.file].append(item)
    for listed in found.values():
        listed.sort(key=lambda item: (item.source.line, _name(item)))
    return found


def _name(item: Endpoint | Example | Resource | Enum) -> str:
    return item.id if isinstance(item, Endpoint | Example) else item.name


def _tied(
    examples: Iterable[Example], rows: Mapping[str, ExampleRow]
) -> dict[str, tuple[ExampleRow, ...]]:
    found: dict[str, list[ExampleRow]] = defaultdict(list)
    for example in examples:
        if example.endpoint is not None:
            found[example.endpoint].append(rows[example.id])
    return {eid: tuple(listed) for eid, listed in found.items()}


def _shared(endpoints: Iterable[Endpoint]) -> dict[str, list[Endpoint]]:
    """Page -> the endpoints it documents after another page did (`also_on`)."""
    found: dict[str, list[Endpoint]] = defaultdict(list)
    for endpoint in endpoints:
        for file in endpoint.also_on:
            found[file].append(endpoint)
    return found


def _endpoint_rows(
    inputs: Inputs,
    own: list[Endpoint],
    shared: list[Endpoint],
    tied: Mapping[str, tuple[ExampleRow, ...]],
) -> tuple[EndpointRow, ...]:
    """The page's endpoints, then those another page documented first."""
    rows = [(e, "") for e in own] + [(e, e.source.file) for e in shared]
    return tuple(_endpoint_row(inputs, e, tied.get(e.id, ()), first_on) for e, first_on in rows)


def _endpoint_row(
    inputs: Inputs, endpoint: Endpoint, tied: tuple[ExampleRow, ...], first_on: str
) -> EndpointRow:
    green = sum(1 for row in tied if row.status == "green")
    summary = count(len(tied), "tied example")
    return EndpointRow(
        id=endpoint.id,
        first_on=first_on,
        method=endpoint.method,
        path=endpoint.path,
        line=endpoint.source.line,
        href=href(inputs.docs, endpoint.source.file, endpoint.source.line),
        examples=len(tied),
        green=green,
        summary=summary + (f", {green} green" if inputs.results is not None else ""),
        also_on=endpoint.also_on,
    )


def _type_row(docs: str, item: Resource | Enum) -> TypeRow:
    kind = "enum" if isinstance(item, Enum) else "entity" if item.key_property else "complex type"
    return TypeRow(
        item.name, kind, item.source.line, href(docs, item.source.file, item.source.line)
    )


def _page_row(
    docs: str,
    file: str,
    anchor: str,
    title: str,
    endpoints: tuple[EndpointRow, ...],
    types: tuple[TypeRow, ...],
    examples: tuple[ExampleRow, ...],
    findings: tuple[Finding, ...],
) -> PageRow:
    worst = min((SEVERITIES.index(f.severity) for f in findings), default=None)
    return PageRow(
        anchor=anchor,
        file=file,
        href=href(docs, file),
        title=title,
        endpoints=endpoints,
        types=types,
        examples=examples,
        findings=findings,
        worst="" if worst is None else SEVERITIES[worst],
        counts=counted(
            (len(endpoints), "endpoint"), (len(types), "type"), (len(examples), "example")
        ),
        findings_count=counted((len(findings), "finding")),
    )
