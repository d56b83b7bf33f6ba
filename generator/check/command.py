"""`docgen check`: load, check, then narrow the findings to those the user wants to see.

Order: every finding (earlier stages + checks) → page suppressions (S001/S002
added) → `--select`/`--ignore` and `[tool.docgen]` → baseline. Usage and I/O
problems raise `CheckUsageError` (exit 2), never a traceback.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import click

from generator.check import baseline as baselines
from generator.check.context import CheckOptions
from generator.check.metadata import MetadataError, ServiceMetadata, read_metadata
from generator.check.runner import run_checks
from generator.check.service import service_findings
from generator.check.suppress import Selection, page_suppressions, split_codes
from generator.config import ConfigError, DocSetConfig, load_config
from generator.diagnostics import Diagnostic, Severity
from generator.model.types import ApiModel
from generator.pipeline.cache import PageCache
from generator.pipeline.lock import CacheError, cache_held
from generator.pipeline.run import default_jobs, parse_doc_set, read_doc_set, resolve_parsed
from generator.pipeline.seen import SeenPages
from generator.pipeline.sources import SourceError
from generator.pipeline.state import resolve_state
from generator.settings import SettingsError, default_cache_dir, load_settings


class CheckUsageError(click.ClickException):
    """Bad usage or unreadable input: one line, exit 2."""

    exit_code = 2


@dataclass(frozen=True)
class Request:
    docs: Path
    config_dir: Path | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    relaxed: bool = False
    baseline: Path | None = None
    update_baseline: bool = False
    jobs: int = 1
    cache_dir: Path | None = None  # page cache and resolve state; None: no cache
    aliases: dict[str, str] | None = None  # declared path aliases (settings)
    metadata: Path | None = None  # the service's CSDL metadata, compared with the docs


def make_request(
    docs: Path | None,
    *,
    config_dir: Path | None = None,
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    relaxed: bool = False,
    baseline: Path | None = None,
    update_baseline: bool = False,
    jobs: int | None = None,
    cache_dir: Path | None = None,
    no_cache: bool = False,
    metadata: Path | None = None,
) -> Request:
    """Command-line options over the `[tool.docgen]` settings found beside or above DOCS
    (or the current folder, when DOCS comes from the settings)."""
    try:
        settings = load_settings(docs) if docs is not None else load_settings()
    except SettingsError as exc:
        raise CheckUsageError(str(exc)) from None
    docs = docs or settings.path("docs")
    if docs is None:
        raise CheckUsageError("missing DOCS (give it, or set docs in [tool.docgen])")
    return Request(
        docs=docs,
        config_dir=config_dir or settings.path("config_dir"),
        select=split_codes(select) or split_codes(settings.get("select", [])),
        # `--select` on the command line picks the codes itself: the settings' ignore list
        # does not narrow it; `--ignore` adds to the settings' list.
        ignore=(() if select else split_codes(settings.get("ignore", []))) + split_codes(ignore),
        relaxed=relaxed or bool(settings.get("relaxed", False)),
        baseline=baseline or settings.path("baseline"),
        update_baseline=update_baseline,
        jobs=jobs or settings.get("jobs") or default_jobs(),
        cache_dir=None if no_cache else cache_dir or default_cache_dir(settings),
        aliases=settings.get("aliases"),
        metadata=metadata or settings.path("metadata"),
    )


@dataclass
class Outcome:
    model: ApiModel
    findings: list[Diagnostic]  # what to show
    suppressed: int = 0
    deselected: int = 0
    baselined: int = 0
    stale: list[baselines.Key] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for d in self.findings if d.severity is Severity.ERROR)


def _all_findings(request: Request) -> tuple[ApiModel, list[Diagnostic], int, list[Diagnostic]]:
    """(model, findings no page suppression covers, how many it covered, S001/S002 notes)."""
    try:
        config = load_config(request.docs, request.config_dir, request.aliases)
        service = read_metadata(request.metadata) if request.metadata is not None else None
    except (SourceError, ConfigError, MetadataError) as exc:
        raise CheckUsageError(str(exc)) from None
    try:
        with cache_held(request.cache_dir, say=_say):
            return _findings_of(request, config, service)
    except CacheError as exc:
        raise CheckUsageError(str(exc)) from None


def _say(message: str) -> None:
    click.echo(message, err=True)


def _findings_of(
    request: Request, config: DocSetConfig, service: ServiceMetadata | None = None
) -> tuple[ApiModel, list[Diagnostic], int, list[Diagnostic]]:
    """`_all_findings`, with the cache folder held."""
    try:
        cache = PageCache.at(request.cache_dir, config.fingerprint())
        seen = SeenPages(request.cache_dir, request.docs) if request.cache_dir else None
        raw = read_doc_set(request.docs, config, seen)
        parsed = parse_doc_set(request.docs, config, jobs=request.jobs, cache=cache, raw=raw)
    except SourceError as exc:
        raise CheckUsageError(str(exc)) from None
    # the work `build` keeps (see `resolve`): a re-check re-resolves the pages that changed
    state = resolve_state(request.cache_dir, config)
    resolution = resolve_parsed(parsed, state.load() if state is not None else {}, request.jobs)
    if state is not None:
        state.save(resolution.work)
    model = resolution.model
    options = CheckOptions(strict=not request.relaxed, root=request.docs)
    found = run_checks(model, parsed.pages, parsed.config, options) + parsed.read_errors
    if service is not None:  # (compared with the model: the model never reads it)
        where = os.path.relpath(request.metadata or "", request.docs)
        found += service_findings(model, service, Path(where).as_posix())
    suppressions = page_suppressions(parsed.pages)
    kept, covered = suppressions.filter(found)
    return model, kept, covered, [*suppressions.unused(), *suppressions.foreign]


def run(request: Request) -> Outcome:
    selection = Selection(request.select, request.ignore)
    model, kept, covered, notes = _all_findings(request)
    candidates = [*kept, *notes]
    shown = sorted(d for d in candidates if selection.wants(d.code))
    outcome = Outcome(model, shown, covered, len(candidates) - len(shown))
    if request.baseline is not None and not request.update_baseline:
        try:
            applied = baselines.apply(shown, baselines.load(request.baseline))
        except baselines.BaselineError as exc:
            raise CheckUsageError(str(exc)) from None
        outcome.findings, outcome.baselined, outcome.stale = (
            applied.kept,
            applied.known,
            applied.stale,
        )
    return outcome


def write_baseline(path: Path, findings: list[Diagnostic]) -> None:
    try:
        path.write_text(baselines.to_json(findings), encoding="utf-8")
    except OSError as exc:
        raise CheckUsageError(f"{path}: cannot write baseline: {exc.strerror or exc}") from None


def tally(outcome: Outcome) -> str:
    """One line for stderr: what is shown, and what was left out and why."""
    by_severity = Counter(d.severity for d in outcome.findings)
    shown = ", ".join(f"{by_severity.get(s, 0)} {s}" for s in Severity)
    hidden = [
        (outcome.suppressed, "suppressed by pages"),
        (outcome.deselected, "not selected"),
        (outcome.baselined, "in the baseline"),
        (len(outcome.stale), "baseline entries no longer matching"),
    ]
    rest = ", ".join(f"{n} {why}" for n, why in hidden if n)
    return f"{len(outcome.findings)} findings ({shown})" + (f"; {rest}" if rest else "")
