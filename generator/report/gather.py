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
from urllib.parse import quote

from generator import __version__
from generator.diagnostics import RULES, Diagnostic, Severity
from generator.emit.fixtures import fixtures
from generator.emit.naming import operation_names
from generator.model.types import ApiModel, Endpoint, Enum, Example, Resource
from generator.report.results import FAILED, PASSED, SKIPPED, Replay, Results
from generator.report.rows import (
    AreaRow,
    CodeGroup,
    Coverage,
    EndpointRow,
    ExampleRow,
    Finding,
    PageRow,
    ReplayRow,
    Report,
    Totals,
    TypeRow,
)

NO_AREA = "(pages without endpoints)"
_UNCOUNTABLE = frozenset({"info"})
_SEVERITIES = tuple(s.value for s in Severity)  # the most severe first
_SUFFIX = "_examples"  # the generated suite's modules: test_server_examples, ...


@dataclass(frozen=True)
class Inputs:
    model: ApiModel
    findings: tuple[Diagnostic, ...]
    docs: str  # the doc set's folder, relative to the report's (with slashes)
    results: Results | None = None
    results_name: str = ""


@dataclass(frozen=True)
class _Index:
    """What several rows look up: each listed file's anchor, each example's fixture."""

    anchors: dict[str, str]  # file -> its section's anchor
    stems: dict[str, tuple[str, dict[str, str | None]]]  # see `_stems`


def gather(inputs: Inputs) -> Report:
    model = inputs.model
    index = _Index(_anchors(inputs), _stems(model))
    examples = _example_rows(inputs, index)
    areas = _areas(inputs, index, examples)
    all_rows = [row for area in areas for page in area.pages for row in page.endpoints]
    by_severity = Counter(d.severity for d in inputs.findings)
    return Report(
        title=model.namespace or "API",
        version=__version__,
        docs=inputs.docs,
        results=inputs.results_name,
        results_cases=inputs.results.cases if inputs.results else 0,
        results_unmatched=_unmatched(inputs, index),
        totals=Totals(
            pages=model.pages,
            listed=sum(len(area.pages) for area in areas),
            endpoints=len(model.endpoints),
            types=len(model.resources) + len(model.enums),
            examples=len(model.examples),
            tied=sum(1 for x in model.examples if x.endpoint is not None),
            errors=by_severity[Severity.ERROR],
            warnings=by_severity[Severity.WARNING],
            infos=by_severity[Severity.INFO],
            severities=tuple(
                (
                    severity.value,
                    _counted((by_severity[severity], severity.value)) or f"0 {severity}s",
                )
                for severity in Severity
            ),
        ),
        coverage=_coverage(all_rows),
        areas=areas,
        codes=_code_groups(inputs, index.anchors),
    )


def _stems(model: ApiModel) -> dict[str, tuple[str, dict[str, str | None]]]:
    """Example id -> (its fixture's file stem, which the suite's test ids carry; the
    checks the suite skips it in, with why)."""
    return {
        fixture["id"]: (name.removesuffix(".json"), fixture["skip"])
        for name, fixture in fixtures(model).items()
    }


def _example_rows(inputs: Inputs, index: _Index) -> dict[str, ExampleRow]:
    """Example id -> its row: tied or not, and how the suite fares with it."""
    rows = {}
    for example in inputs.model.examples:
        stem, skips = index.stems[example.id]
        if inputs.results is not None:
            replays = tuple(_replay_row(r) for r in inputs.results.by_stem.get(stem, ()))
        else:
            replays = tuple(ReplayRow(c, SKIPPED, why) for c, why in sorted(skips.items()) if why)
        status, label = _fate(replays, inputs.results is not None)
        rows[example.id] = _example_row(inputs, example, status, label, replays)
    return rows


def _replay_row(replay: Replay) -> ReplayRow:
    return ReplayRow(replay.check.removesuffix(_SUFFIX), replay.outcome, replay.message)


def _fate(replays: tuple[ReplayRow, ...], with_results: bool) -> tuple[str, str]:
    """(status, label): red if any check failed, green if one passed, else skipped."""
    outcomes = {r.outcome for r in replays}
    if FAILED in outcomes:
        return "red", "replayed red"
    if PASSED in outcomes:
        return "green", "replayed green"
    if SKIPPED in outcomes:
        return "skipped", "skipped by the suite"
    if with_results:
        return "missing", "not in the results"
    return "untested", "replayable (no results given)"


def _example_row(
    inputs: Inputs, example: Example, status: str, label: str, replays: tuple[ReplayRow, ...]
) -> ExampleRow:
    request = example.request
    return ExampleRow(
        id=example.id,
        request=f"{request.method} {request.url}",
        line=example.source.line,
        href=_href(inputs.docs, example.source.file, example.source.line),
        endpoint=example.endpoint or "",
        status=status,
        label=label,
        replays=replays,
    )


def _href(docs: str, file: str, line: int) -> str:
    return quote(f"{docs}/{file}" if docs not in ("", ".") else file) + f"#L{line}"


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
    inputs: Inputs, index: _Index, examples: Mapping[str, ExampleRow]
) -> tuple[AreaRow, ...]:
    model = inputs.model
    areas = {eid: op.area for eid, op in operation_names(model).items()}
    pages = _page_rows(inputs, index.anchors, examples)
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
        counts=_counted((len(pages), "page"), (len(rows), "endpoint"), (findings, "finding")),
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
    findings = _by_file_findings(inputs.findings, inputs.docs, anchors)
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
            findings[file],
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
    summary = _count(len(tied), "tied example")
    return EndpointRow(
        id=endpoint.id,
        first_on=first_on,
        method=endpoint.method,
        path=endpoint.path,
        line=endpoint.source.line,
        href=_href(inputs.docs, endpoint.source.file, endpoint.source.line),
        examples=len(tied),
        green=green,
        summary=summary + (f", {green} green" if inputs.results is not None else ""),
        also_on=endpoint.also_on,
    )


def _type_row(docs: str, item: Resource | Enum) -> TypeRow:
    kind = "enum" if isinstance(item, Enum) else "entity" if item.key_property else "complex type"
    return TypeRow(
        item.name, kind, item.source.line, _href(docs, item.source.file, item.source.line)
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
    worst = min((_SEVERITIES.index(f.severity) for f in findings), default=None)
    return PageRow(
        anchor=anchor,
        file=file,
        href=_href(docs, file, 1).removesuffix("#L1"),
        title=title,
        endpoints=endpoints,
        types=types,
        examples=examples,
        findings=findings,
        worst="" if worst is None else _SEVERITIES[worst],
        counts=_counted(
            (len(endpoints), "endpoint"), (len(types), "type"), (len(examples), "example")
        ),
        findings_count=_counted((len(findings), "finding")),
    )


def _counted(*counts: tuple[int, str]) -> str:
    """`(3, "endpoint"), (1, "example"), (0, "type")` -> "3 endpoints, 1 example"."""
    return ", ".join(_count(n, noun) for n, noun in counts if n)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 or noun in _UNCOUNTABLE else f"{n} {noun}s"


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
        href=_href(docs, d.file, d.line),
        page=anchors[d.file],
    )


def _by_file_findings(
    findings: Iterable[Diagnostic], docs: str, anchors: Mapping[str, str]
) -> dict[str, tuple[Finding, ...]]:
    found: dict[str, list[Finding]] = defaultdict(list)
    for d in sorted(findings):
        found[d.file].append(_finding(d, docs, anchors))
    return defaultdict(tuple, {file: tuple(rows) for file, rows in found.items()})


def _code_groups(inputs: Inputs, anchors: Mapping[str, str]) -> tuple[CodeGroup, ...]:
    """Findings by code, the most frequent first."""
    found: dict[str, list[Finding]] = defaultdict(list)
    for d in sorted(inputs.findings):
        found[d.code].append(_finding(d, inputs.docs, anchors))
    order = sorted(found, key=lambda code: (-len(found[code]), code))
    return tuple(_code_group(code, tuple(found[code])) for code in order)


def _code_group(code: str, findings: tuple[Finding, ...]) -> CodeGroup:
    rule = RULES.get(code)
    return CodeGroup(
        code=code,
        severity=findings[0].severity,
        rule=rule.name if rule else "",
        summary=rule.summary if rule else "",
        findings=findings,
    )


def _unmatched(inputs: Inputs, index: _Index) -> int:
    """Results whose id names no example of these docs (a stale results file?)."""
    if inputs.results is None:
        return 0
    known = {stem for stem, _ in index.stems.values()}
    return sum(1 for stem in inputs.results.by_stem if stem not in known)
