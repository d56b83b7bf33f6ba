"""`docgen report DOCS -o DIR`: the check stage's model and findings (the same settings,
suppressions and baseline as `docgen check`), gathered and rendered into DIR.

Writes `index.html` and its assets into DIR and nothing else, each file whole or not
at all (the assets first, so the page never names one not there yet). Input and output
problems are one line and exit 2, like `check`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import click

from generator.check import command as check_command
from generator.emit.writer import write_text_atomic
from generator.report.gather import Inputs, gather
from generator.report.html import INDEX, report_files
from generator.report.results import Results, ResultsError, read_results
from generator.report.rows import Report


class ReportError(click.ClickException):
    """Bad input or an output folder that cannot be written: one line, exit 2."""

    exit_code = 2


@dataclass(frozen=True)
class Made:
    report: Report
    index: Path
    size: int  # bytes of index.html


def make_report(
    docs: Path | None,
    output: Path,
    *,
    results: Path | None = None,
    config_dir: Path | None = None,
    cache_dir: Path | None = None,
    no_cache: bool = False,
) -> Made:
    if output.exists() and not output.is_dir():
        raise ReportError(f"{output}: is not a folder")
    replays = _results(results)
    request = check_command.make_request(
        docs, config_dir=config_dir, cache_dir=cache_dir, no_cache=no_cache
    )
    outcome = check_command.run(request)
    if outcome.model.pages == 0:
        raise ReportError(f"{request.docs}: no Markdown page to report on")
    report = gather(
        Inputs(
            model=outcome.model,
            findings=tuple(outcome.findings),
            docs=_seen_from(output, request.docs),
            results=replays,
            results_name=results.name if results is not None else "",
        )
    )
    files = report_files(report)
    _write(output, files)
    return Made(report, output / INDEX, len(files[INDEX].encode("utf-8")))


def _results(path: Path | None) -> Results | None:
    if path is None:
        return None
    try:
        return read_results(path)
    except ResultsError as exc:
        raise ReportError(str(exc)) from None


def _seen_from(output: Path, docs: Path) -> str:
    """The doc set's folder as a relative link from the report's folder reaches it."""
    try:
        where = os.path.relpath(os.path.abspath(docs), os.path.abspath(output))
    except ValueError:  # another drive: only an absolute path reaches it
        where = os.path.abspath(docs)
    return Path(where).as_posix()


def _write(output: Path, files: dict[str, str]) -> None:
    try:
        for name, text in files.items():
            write_text_atomic(output / name, text)
    except OSError as exc:
        raise ReportError(
            f"{exc.filename or output}: cannot write: {exc.strerror or exc}"
        ) from None


def summary(made: Made) -> str:
    totals = made.report.totals
    return (
        f"{made.index}: {made.size // 1024} KiB; {totals.listed} pages listed, "
        f"{totals.endpoints} endpoints, {totals.examples} examples, "
        f"{totals.errors + totals.warnings + totals.infos} findings"
    )
