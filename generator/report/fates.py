"""How each example fares: tied to an endpoint or not, and what the generated suite did
with it (from a results file), or would skip it for (without one).

The suite's tests are parametrised by fixture file stem, so an example is found in the
results by its fixture's name (`generator.emit.fixtures`), never by a guess.
"""

from __future__ import annotations

from generator.emit.fixtures import fixtures
from generator.model.types import ApiModel, Example
from generator.report.results import FAILED, PASSED, SKIPPED, Replay, Results
from generator.report.rows import ExampleRow, ReplayRow
from generator.report.words import href

_SUFFIX = "_examples"  # the generated suite's modules: test_server_examples, ...
Skips = dict[str, str | None]  # check -> why the suite skips the example there, or None


def fixture_stems(model: ApiModel) -> dict[str, tuple[str, Skips]]:
    """Example id -> (its fixture's file stem, which the suite's test ids carry; the
    checks the suite skips it in, with why)."""
    return {
        fixture["id"]: (name.removesuffix(".json"), fixture["skip"])
        for name, fixture in fixtures(model).items()
    }


def example_rows(
    model: ApiModel, docs: str, stems: dict[str, tuple[str, Skips]], results: Results | None
) -> dict[str, ExampleRow]:
    """Example id -> its row."""
    rows = {}
    for example in model.examples:
        stem, skips = stems[example.id]
        if results is not None:
            replays = tuple(_replay_row(r) for r in results.by_stem.get(stem, ()))
        else:
            replays = tuple(ReplayRow(c, SKIPPED, why) for c, why in sorted(skips.items()) if why)
        status, label = _fate(replays, results is not None)
        rows[example.id] = _example_row(docs, example, status, label, replays)
    return rows


def unmatched(results: Results | None, stems: dict[str, tuple[str, Skips]]) -> int:
    """Results whose id names no example of these docs (a stale results file?)."""
    if results is None:
        return 0
    known = {stem for stem, _ in stems.values()}
    return sum(1 for stem in results.by_stem if stem not in known)


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
    docs: str, example: Example, status: str, label: str, replays: tuple[ReplayRow, ...]
) -> ExampleRow:
    request = example.request
    return ExampleRow(
        id=example.id,
        request=f"{request.method} {request.url}",
        line=example.source.line,
        href=href(docs, example.source.file, example.source.line),
        endpoint=example.endpoint or "",
        status=status,
        label=label,
        replays=replays,
    )
