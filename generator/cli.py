"""The `docgen` command line: small click commands over the shared pipeline.

Output for people goes to stderr, data to stdout. Errors the user must act on
are one line (naming the file, and the line where there is one), never a traceback.

Every command exits with one of these codes (as ruff does: 1 is a result, 2 a failure):

    0    done: `check` found nothing at the failing level, `build --check` found
         OUT up to date, `build --watch` and `serve` were stopped with Ctrl-C
    1    findings or changes: `check` findings at the failing level (error
         severity), `build --check` stale, missing or extra files,
         `build --exit-non-zero-on-change` wrote or removed files
    2    the command could not do its work: usage (an unknown option, target,
         settings key or rule code; a missing argument), input (no such folder,
         a folder with no Markdown page, unreadable settings or config, a
         template folder that is none), output (cannot write, OUT is a file or a
         link, files docgen did not write in the way, OUT busy with --no-wait;
         `serve` cannot listen), a missing extra (`serve`, `--watch`), and
         docgen's own bugs
    130  interrupted by Ctrl-C (143: SIGTERM); OUT is left as it was
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import click

from generator import __version__
from generator.check import formats as check_formats
from generator.config import ConfigError, load_config
from generator.diagnostics import Severity
from generator.emit.targets import (
    Target,
    TargetError,
    TargetFailed,
    Templates,
    available,
    builtin,
    find,
    origin,
)
from generator.emit.writer import write_text_atomic
from generator.model.types import ApiModel
from generator.pipeline import trust
from generator.pipeline.build import BuildOptions, BuildResult, build
from generator.pipeline.cache import PageCache
from generator.pipeline.lock import Busy, CacheError, cache_held
from generator.pipeline.output import MANIFEST, Conflict, OutputError
from generator.pipeline.run import default_jobs, load_model
from generator.pipeline.sources import SourceError
from generator.settings import (
    Settings,
    SettingsError,
    default_cache_dir,
    did_you_mean,
    load_settings,
)

DOCS = click.argument("docs", type=click.Path(path_type=Path))
READ_CACHE_DIR = click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Page cache folder (default: the one `docgen build` uses: .docgen-cache beside "
    "the output set in [tool.docgen], else in the current folder).",
)
NO_CACHE = click.option("--no-cache", is_flag=True, help="Neither read nor write the page cache.")
TEMPLATES = click.option(
    "--templates",
    type=click.Path(path_type=Path),
    default=None,
    metavar="DIR",
    help="Template overrides: DIR/TARGET/NAME.jinja replaces that target's NAME.jinja "
    "(default: [tool.docgen] templates).",
)
CONFIG_DIR = click.option(
    "--config-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder holding table-header-config.json / schema-config.json (default: DOCS/config).",
)


def _load(docs: Path, config_dir: Path | None, cache_dir: Path | None = None) -> ApiModel:
    try:
        from generator.pipeline.seen import SeenPages
        from generator.pipeline.state import resolve_state

        config = load_config(docs, config_dir, load_settings(docs).get("aliases"))
        _warn_about_the_key(cache_dir)
        with cache_held(cache_dir, say=_say):
            cache = PageCache.at(cache_dir, config.fingerprint())
            state = resolve_state(cache_dir, config)
            seen = SeenPages(cache_dir, docs) if cache_dir else None
            return load_model(
                docs, config, jobs=default_jobs(), cache=cache, state=state, seen=seen
            )
    except (SourceError, ConfigError, CacheError, SettingsError) as exc:
        raise click.ClickException(str(exc)) from None


def _say(message: str) -> None:
    click.echo(message, err=True)


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        click.echo(f"docgen: warning: {warning}", err=True)


def _warn_about_the_key(cache_dir: Path | None) -> None:
    """The cache is only reused when entries can be checked with this machine's key."""
    warning = trust.machine_key().warning if cache_dir is not None else None
    _warn([warning] if warning else [])


def summary(model: ApiModel, diagnostics: bool = True) -> str:
    """One line on what the model holds (and, but for `check`, which counts its own
    findings on the next line, how many diagnostics of each severity)."""
    paired = sum(1 for x in model.examples if x.response is not None)
    severities = Counter(d.severity for d in model.diagnostics)
    by_sev = ", ".join(f"{severities.get(s, 0)} {s}" for s in Severity)
    return (
        f"{model.pages} pages, {len(model.endpoints)} endpoints "
        f"({len({e.path for e in model.endpoints})} distinct paths), "
        f"{len(model.resources)} resources, {len(model.enums)} enums, "
        f"{len(model.examples)} examples ({paired} paired, {len(model.examples) - paired} unpaired)"
        + (f", diagnostics: {by_sev}" if diagnostics else "")
    )


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """SIGTERM (a CI timeout, `kill`) unwinds like Ctrl-C: a build stopped before its
    commit point removes its staging folder and leaves the output as it was."""
    try:
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


FAILED = 2  # the exit code of every error (see the table above)
INTERRUPTED = 130  # 128 + SIGINT, as a shell reports it

EXIT_CODES = """\b
Exit codes (every command):
  0    done (nothing found at the failing level; OUT up to date)
  1    findings or changes: check findings at the failing level, build --check
       stale output, build --exit-non-zero-on-change wrote files
  2    usage or input errors: unknown option, target or settings key, no such
       folder, no Markdown page, unreadable settings, bad output path...
  130  interrupted (Ctrl-C)
"""


class Failure(click.ClickException):
    """The command could not do its work: one line, exit 2."""

    exit_code = FAILED


class _Group(click.Group):
    """Gives every error the exit code of the table above: a `click.ClickException`
    (exit 1 by default, which is for findings) exits 2, Ctrl-C 130, and an unexpected
    exception is one line and exit 2, never a traceback (DOCGEN_DEBUG=1 shows it)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            if exc.exit_code == FAILED:
                raise
            raise Failure(exc.format_message()) from None
        except (click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("docgen: interrupted", err=True)
            raise click.exceptions.Exit(INTERRUPTED) from None
        except Exception as exc:
            if os.environ.get("DOCGEN_DEBUG"):
                raise
            raise Failure(
                f"internal error: {type(exc).__name__}: {exc} (a docgen bug; please report it, "
                "with DOCGEN_DEBUG=1 for the traceback)"
            ) from None


@click.group(
    cls=_Group, epilog=EXIT_CODES, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, prog_name="docgen")
def main() -> None:
    """Generate a model, client, server stubs, fixtures and OpenAPI from annotated API docs."""
    # docgen builds millions of long-lived objects and few cycles: the default
    # thresholds rescan them all, over and over. Collect young objects far less often
    # (measured with and without, corpus, median of 3: cold build 7.32 -> 6.37 s,
    # one-page method edit 1.26 -> 1.00 s).
    gc.set_threshold(100_000, 50, 100)


def run() -> None:
    """The `docgen` command: `main`, then a fast exit. Freeing a big build's objects one
    by one at interpreter exit takes time for nothing (measured, corpus, median of 3:
    a no-op build 0.14 -> 0.12 s, a method edit 1.06 -> 1.00 s); every file is
    written and closed by then, so flush and leave."""
    try:
        main(standalone_mode=True)
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        if isinstance(done.code, str):
            print(done.code, file=sys.stderr)
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)  # a profiler, debugger or coverage writes its data at exit
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


@main.command("model")
@DOCS
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the model JSON here instead of stdout.",
)
@CONFIG_DIR
@READ_CACHE_DIR
@NO_CACHE
def model_cmd(
    docs: Path, output: Path | None, config_dir: Path | None, cache_dir: Path | None, no_cache: bool
) -> None:
    """Read DOCS and write the endpoint/resource model as JSON."""
    try:
        settings = load_settings(docs)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None
    model = _load(docs, config_dir, None if no_cache else cache_dir or default_cache_dir(settings))
    from generator.model.serialize import model_to_json  # only this command writes it

    text = model_to_json(model)
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            write_text_atomic(output, text)
        except OSError as exc:
            raise click.ClickException(f"{output}: cannot write: {exc.strerror or exc}") from None
    click.echo(summary(model), err=True)


@main.command("check")
@click.argument("docs", type=click.Path(path_type=Path), required=False)
@click.option(
    "--select", multiple=True, help="Only these codes or prefixes (comma-separated, repeatable)."
)
@click.option(
    "--ignore", multiple=True, help="Not these codes or prefixes (comma-separated, repeatable)."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(check_formats.FORMATS)),
    default="text",
    show_default=True,
    help="text (path:line:col: CODE message), json, github (workflow annotations), sarif.",
)
@click.option("--statistics", is_flag=True, help="Print counts by code instead of each finding.")
@click.option(
    "--relaxed", is_flag=True, help="Do not check string formats (dates, GUIDs, enum members)."
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Report only findings this baseline file does not list.",
)
@click.option("--update-baseline", is_flag=True, help="Write the current findings to --baseline.")
@click.option(
    "--metadata",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The service's OData CSDL metadata (XML): report where the docs disagree with it.",
)
@click.option(
    "--fix",
    is_flag=True,
    help="Repair in the pages the findings whose fix is certain (L002, X014, A003, J001, A002, "
    "H003, X011, P003, T005, X001), then report the rest.",
)
@click.option(
    "--diff", is_flag=True, help="Show what --fix would change, as a diff; write nothing."
)
@click.option("--explain", metavar="CODE", default=None, help="Explain a rule, with an example.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Parser processes.")
@READ_CACHE_DIR
@NO_CACHE
@CONFIG_DIR
def check_cmd(
    docs: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    output_format: str,
    statistics: bool,
    relaxed: bool,
    baseline: Path | None,
    update_baseline: bool,
    metadata: Path | None,
    fix: bool,
    diff: bool,
    explain: str | None,
    jobs: int | None,
    config_dir: Path | None,
    cache_dir: Path | None,
    no_cache: bool,
) -> None:
    """Report every inconsistency found in DOCS as path:line:col: CODE message.

    Exit 0 when no finding has error severity, 1 when one has, 2 on usage or I/O errors.
    """
    from generator.check import command as check_command

    if explain is not None:
        from generator.check.explain import explain as explain_rule

        text = explain_rule(explain)
        if text is None:
            raise check_command.CheckUsageError(
                f"unknown rule code {explain!r} (see `docgen rules`)"
            )
        click.echo(text, nl=False)
        return
    request = check_command.make_request(
        docs,
        config_dir=config_dir,
        select=select,
        ignore=ignore,
        relaxed=relaxed,
        baseline=baseline,
        update_baseline=update_baseline,
        jobs=jobs,
        cache_dir=cache_dir,
        no_cache=no_cache,
        metadata=metadata,
    )
    if update_baseline and request.baseline is None:
        raise check_command.CheckUsageError("--update-baseline needs --baseline FILE")
    outcome = check_command.run(request)
    if fix or diff:
        from generator.check import fixes

        if diff:  # the first pass's edits, written nowhere
            planned = fixes.plan(request.docs, outcome.findings, outcome.model)
            click.echo(
                fixes.unified_diff(planned, check_formats.shown_root(request.docs)), nl=False
            )
            count, pages = sum(f.fixed for f in planned), {f.file for f in planned}
        else:
            count, pages, outcome = fixes.fix(
                request.docs, outcome, lambda: check_command.run(request)
            )
        plural = "s" if count != 1 else ""
        verb = "would fix" if diff else "fixed"
        click.echo(f"{verb} {count} finding{plural} in {len(pages)} pages", err=True)
    if update_baseline and request.baseline is not None:
        check_command.write_baseline(request.baseline, outcome.findings)
        click.echo(f"{request.baseline}: {len(outcome.findings)} findings recorded", err=True)
        return
    if statistics:
        click.echo(check_formats.statistics(outcome.findings, output_format == "json"))
    elif outcome.findings or output_format in ("json", "sarif"):
        prefix = check_formats.shown_root(request.docs)
        click.echo(check_formats.FORMATS[output_format](outcome.findings, prefix))
    for entry in outcome.stale:
        click.echo(f"baseline entry no longer matches: {' '.join(entry)}", err=True)
    click.echo(summary(outcome.model, diagnostics=False), err=True)
    click.echo(check_command.tally(outcome), err=True)
    if outcome.errors:
        sys.exit(1)


@main.command("openapi")
@DOCS
@CONFIG_DIR
def openapi_cmd(docs: Path, config_dir: Path | None) -> None:
    """Write the OpenAPI 3.1 document for DOCS to stdout."""
    from generator.emit.openapi import openapi_target

    sys.stdout.write(openapi_target(_load(docs, config_dir), {})["openapi.json"])


@main.command("serve")
@DOCS
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default)."
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--base-path", default=None, help="Path to serve under (default: from the base URL).")
@click.option(
    "--idle-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="Close a connection idle this long (nothing received, nothing being answered).",
)
@click.option(
    "--mode",
    type=click.Choice(["examples", "stateful"]),
    default="examples",
    show_default=True,
    help="examples: the documented answers; stateful: a local twin that stores what it is "
    "sent (CRUD, OData queries; POST /_docgen/reset forgets it).",
)
@click.option(
    "--reload",
    is_flag=True,
    help="Watch DOCS (and the templates) and serve the new model when a page changes, "
    "without a restart (a stateful twin forgets what it was sent).",
)
@TEMPLATES
@CONFIG_DIR
def serve_cmd(
    docs: Path,
    host: str,
    port: int,
    base_path: str | None,
    idle_timeout: float,
    mode: str,
    reload: bool,
    templates: Path | None,
    config_dir: Path | None,
) -> None:
    """Serve DOCS as a stub API: its documented examples, or a stateful local twin (no
    build step; needs the serve extra: fastapi, uvicorn)."""
    _require_extra("serve", "docgen serve", "fastapi", "uvicorn", *(["watchfiles"] * reload))
    from generator.serve import ServeError, serve

    server = builtin()["server"]
    settings = _settings()
    overrides = _template_folder(templates, settings)
    cache = default_cache_dir(settings) if reload else None
    model = _load(docs, config_dir, cache)
    reloads = _reloads(docs, config_dir, cache, overrides) if reload else None
    try:
        serve(
            model,
            host=host,
            port=port,
            base_path=base_path,
            idle_timeout=idle_timeout,
            templates=Templates.of("server", server.templates, overrides),
            mode=mode,
            reloads=reloads,
            say=_say,
        )
    except ServeError as exc:
        raise Failure(str(exc)) from None


def _require_extra(extra: str, what: str, *modules: str) -> None:
    """Stop with the command that installs `extra` when a module it brings is missing."""
    import importlib

    missing = []
    for name in dict.fromkeys(modules):
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if missing:
        raise Failure(
            f"{what} needs {' and '.join(missing)}, which the {extra!r} extra installs: "
            f"pip install 'docgen[{extra}]'"
        )


def _reloads(
    docs: Path, config_dir: Path | None, cache: Path | None, templates: Path | None
) -> Iterator[tuple[ApiModel, str]]:
    """A new model each time DOCS (or the templates) change, and the line that says so;
    a change that cannot be read is one error line, and the stub keeps the last model."""
    from generator.watch import changes

    roots = [docs, *([templates] if templates is not None else [])]
    ready = lambda: _say(f"watching {docs} for changes")  # noqa: E731
    for batch in changes(roots, ignore=[cache] if cache else [], ready=ready):
        started = time.monotonic()
        try:
            model = _load(docs, config_dir, cache)
        except click.ClickException as exc:
            _say(f"Error: {exc.format_message()} (still serving the last model)")
            continue
        took = time.monotonic() - started
        yield model, (
            f"reloaded: {_count(batch.pages(), 'page')} changed, "
            f"{len(model.endpoints)} endpoints, {_findings(model)}, {took:.2f} s"
        )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def _findings(model: ApiModel) -> str:
    """The model's findings that matter while editing: its errors and warnings."""
    severities = Counter(d.severity for d in model.diagnostics)
    return f"{severities[Severity.ERROR]} errors, {severities[Severity.WARNING]} warnings"


class _TargetOption(click.Option):
    """`-t`: its help lists the targets, plugins' too, read only when help is shown."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        template = self.help or ""
        self.help = template.replace("{names}", ", ".join(available()))
        try:
            return super().get_help_record(ctx)
        finally:
            self.help = template


@main.command("build")
@click.argument("docs", type=click.Path(path_type=Path), required=False)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Output folder (default: [tool.docgen] output).",
)
@click.option(
    "-t",
    "--target",
    "targets",
    cls=_TargetOption,
    multiple=True,
    metavar="NAME",
    help="Target to build (repeatable; default: every built-in one): {names}.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Parallel parser processes (default: CPU count; 1 runs in-process).",
)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Page cache folder (default: .docgen-cache beside the output).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the page cache.")
@click.option(
    "--check",
    "check_only",
    is_flag=True,
    help="Write nothing; exit 1 and list stale, missing and extra files if the output is out of date.",
)
@click.option("--package", default=None, help="Name of the generated Python packages.")
@TEMPLATES
@click.option(
    "--base-path",
    default=None,
    help="Path the server stub serves under (default: from the base URL).",
)
@click.option(
    "--exit-non-zero-on-change",
    "fail_on_change",
    is_flag=True,
    help="Exit 1 when any file was written or removed (for pre-commit hooks).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Replace files in OUTPUT that docgen did not write (default: stop and list them).",
)
@click.option(
    "--no-wait",
    is_flag=True,
    help="Fail at once when another docgen is building OUTPUT or using the cache.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and warnings.")
@click.option("-v", "--verbose", is_flag=True, help="Print every file written or removed.")
@click.option(
    "--timings",
    is_flag=True,
    help="Print how long each phase of the build took (reading the docs, loading the "
    "last build's work, parsing, resolving, rendering each target, committing); with "
    "--watch, of each rebuild too.",
)
@click.option(
    "--watch",
    is_flag=True,
    help="After the build, watch DOCS (the settings file and templates too) and rebuild "
    "on every change, one line each; Ctrl-C stops (needs the watch extra).",
)
@CONFIG_DIR
def build_cmd(
    docs: Path | None,
    output: Path | None,
    targets: tuple[str, ...],
    jobs: int | None,
    cache_dir: Path | None,
    no_cache: bool,
    check_only: bool,
    package: str | None,
    templates: Path | None,
    base_path: str | None,
    fail_on_change: bool,
    force: bool,
    no_wait: bool,
    quiet: bool,
    verbose: bool,
    timings: bool,
    watch: bool,
    config_dir: Path | None,
) -> None:
    """Generate the targets for DOCS into OUTPUT (only files whose bytes changed are written).

    Exit 2 when OUTPUT holds files docgen did not write at paths it generates (listed;
    --force replaces them), or, with --no-wait, when another build holds OUTPUT or the cache.
    A build that succeeds sets OUTPUT's mtime to the time it started, so that a Makefile
    rule with OUTPUT as its target runs again only when a page changed since.
    """
    if watch and (check_only or fail_on_change):
        raise click.UsageError(
            "--watch rebuilds until stopped: not with --check or --exit-non-zero-on-change"
        )
    if watch:
        _require_extra("watch", "docgen build --watch", "watchfiles")
    flags = BuildFlags(
        docs,
        output,
        targets,
        jobs,
        cache_dir,
        no_cache,
        check_only,
        package,
        templates,
        base_path,
        force,
        no_wait,
        config_dir,
    )
    job = flags.job(_settings())
    result = job.run(quiet)
    _report_build(result, job.output, check_only, quiet, verbose)
    if timings:
        click.echo(timings_line(result), err=True)
    if check_only and not result.up_to_date:
        sys.exit(1)
    if fail_on_change and (result.written or result.removed or result.manifest_written):
        sys.exit(1)
    if watch:
        _watch_and_rebuild(flags, job, result, timings)


@dataclass(frozen=True)
class BuildFlags:
    """What `docgen build` was told on the command line; the settings fill in the rest
    (read again for each rebuild of `--watch`)."""

    docs: Path | None
    output: Path | None
    targets: tuple[str, ...]
    jobs: int | None
    cache_dir: Path | None
    no_cache: bool
    check_only: bool
    package: str | None
    templates: Path | None
    base_path: str | None
    force: bool
    no_wait: bool
    config_dir: Path | None

    def job(self, settings: Settings) -> BuildJob:
        docs = self.docs or settings.path("docs")
        output = self.output or settings.path("output")
        if docs is None or output is None:
            raise click.UsageError(
                "give DOCS and -o OUTPUT, or set docs and output in [tool.docgen]"
            )
        chosen = self.targets or tuple(settings.get("targets", ())) or tuple(sorted(builtin()))
        found = _targets(chosen, None if self.targets else settings)
        overrides = _template_folder(self.templates, settings)
        target_settings = {
            k: v
            for k, v in {
                "package": self.package or settings.get("package"),
                "base_path": self.base_path or settings.get("base_path"),
                "base_url": settings.get("base_url"),
            }.items()
            if v is not None
        }
        cache = (
            None
            if self.no_cache
            else (self.cache_dir or settings.path("cache_dir") or output.parent / ".docgen-cache")
        )
        options = BuildOptions(
            targets=tuple(sorted(set(chosen))),
            jobs=self.jobs or settings.get("jobs") or default_jobs(),
            cache_dir=cache,
            check=self.check_only,
            settings=tuple(sorted(target_settings.items())),
            force=self.force or bool(settings.get("force", False)),
            wait=not self.no_wait,
            templates=overrides,
        )
        config_dir = self.config_dir or settings.path("config_dir")
        return BuildJob(docs, output, config_dir, settings, options, found)


@dataclass(frozen=True)
class BuildJob:
    """One build, every setting resolved."""

    docs: Path
    output: Path
    config_dir: Path | None
    settings: Settings
    options: BuildOptions
    targets: dict[str, Target]

    def run(self, quiet: bool) -> BuildResult:
        """Build; every error is one line (`Failure`, exit 2). On success, OUT's mtime
        becomes the build's start (see `mark_built`)."""
        started = time.time()
        output, cache = self.output, self.options.cache_dir
        try:
            config = load_config(self.docs, self.config_dir, self.settings.get("aliases"))
            if cache is not None:
                _warn_about_the_key(cache)
            with _sigterm_unwinds(), _progress(quiet) as tick:
                result = build(
                    self.docs,
                    output,
                    config,
                    self.options,
                    progress=tick,
                    say=_say,
                    targets=self.targets,
                )
        except (Conflict, Busy) as exc:
            _warn(getattr(exc, "warnings", []))
            raise Failure(str(exc)) from None
        except (SourceError, ConfigError, OutputError, CacheError, TargetFailed) as exc:
            raise Failure(str(exc)) from None
        except OSError as exc:
            raise Failure(f"{exc.filename or output}: {exc.strerror or exc}") from None
        _warn(result.warnings)
        if not self.options.check:
            mark_built(output, started)
        return result


def mark_built(output: Path, started: float) -> None:
    """Set OUT's mtime to when this build started, after every build that succeeds,
    whether it wrote files or not: a Makefile rule `OUT: $(shell find docs)` then runs
    again only for a page changed since (a page saved while docgen read the docs is
    newer, so the next `make` builds again). Nothing in OUT changes: its files, the
    manifest and `--check` are as they were, and git does not record a folder's mtime."""
    with contextlib.suppress(OSError):
        os.utime(output, (started, started))


def _targets(names: tuple[str, ...], settings: Settings | None) -> dict[str, Target]:
    """The targets named on the command line (`settings` None) or in the settings; an
    unknown name is a usage error naming where it was written, the close name meant
    and every known target."""
    where = "-t" if settings is None else "[tool.docgen] targets"
    try:
        return find(names, where)
    except TargetError as exc:
        known = set(available())
        hints = [did_you_mean(name, known) for name in names if name not in known]
        message = str(exc) + "".join(hint for hint in hints if hint)
        if settings is not None:
            message = f"{settings.where('targets')}: {message}"
        raise click.UsageError(message) from None


def _watch_and_rebuild(
    flags: BuildFlags, job: BuildJob, result: BuildResult, timings: bool = False
) -> None:
    """`--watch`: rebuild on every change to DOCS, the settings file or the templates,
    one line each (an error is one line too, and watching goes on; `timings`: and each
    rebuild's `--timings` line); Ctrl-C exits 0."""
    from generator.watch import changes

    findings = _findings(result.model) if result.model is not None else "findings as before"
    roots = [job.docs, job.settings.source, job.options.templates, job.config_dir]
    ignore = [job.output, job.options.cache_dir]
    ready = lambda: _say(f"watching {job.docs} for changes (Ctrl-C to stop)")  # noqa: E731
    try:
        for batch in changes([r for r in roots if r], [i for i in ignore if i], ready):
            started = time.monotonic()
            try:
                job = flags.job(_settings())
                result = job.run(quiet=True)
            except click.ClickException as exc:
                _say(f"Error: {exc.format_message()}")
                continue
            if result.model is not None:
                findings = _findings(result.model)
            _say(
                f"rebuilt: {_count(batch.pages(), 'page')} changed, "
                f"{_count(len(result.written), 'file')} written, {len(result.removed)} removed, "
                f"{findings}, {time.monotonic() - started:.2f} s"
            )
            if timings:
                _say(timings_line(result))
    except KeyboardInterrupt:
        _say("stopped watching")


def _template_folder(given: Path | None, settings: Settings) -> Path | None:
    """The template overrides' folder (`--templates`, else the settings'), which must be one."""
    folder = given or settings.path("templates")
    where = "--templates" if given else f"templates in {settings.source}"
    if folder is not None and not folder.is_dir():
        state = "is not a folder" if folder.exists() else "does not exist"
        raise click.UsageError(f"{where}: {folder} {state}")
    return folder


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[int], None] | None]:
    """A live page counter on stderr when it is a terminal; nothing otherwise."""
    stream = sys.stderr
    if quiet or not stream.isatty():
        yield None
        return
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if done % 50 < n:
            stream.write(f"\rparsing pages: {done}")
            stream.flush()

    try:
        yield tick
    finally:
        if done:
            stream.write(f"\rparsing pages: {done}\n")


def timings_line(result: BuildResult) -> str:
    """`--timings`: each phase's wall seconds in order, each target's after "render"
    (in the process that rendered it: with two processes, targets overlap)."""
    parts = []
    for phase, seconds in result.timings.items():
        part = f"{phase} {seconds:.2f} s"
        if phase == "render" and result.target_timings:
            each = ", ".join(f"{t} {s:.2f}" for t, s in sorted(result.target_timings.items()))
            part += f" ({each})"
        parts.append(part)
    return f"timings: {', '.join(parts)}; build {sum(result.timings.values()):.2f} s"


def _report_build(
    result: BuildResult, output: Path, check_only: bool, quiet: bool, verbose: bool
) -> None:
    if check_only:
        for label, names in (
            ("stale", result.stale),
            ("missing", result.missing),
            ("extra", result.removed),
        ):
            for name in names:
                click.echo(f"{label}: {output / name}")
        if not quiet:
            state = "up to date" if result.up_to_date else "out of date"
            click.echo(f"{output}: {state}", err=True)
        return
    if verbose:
        for name in result.written:
            click.echo(f"wrote {output / name}", err=True)
        for name in result.removed:
            click.echo(f"removed {output / name}", err=True)
        if result.manifest_written:
            click.echo(f"wrote {output / MANIFEST}", err=True)
    if quiet:
        return
    if result.model is not None:
        click.echo(summary(result.model), err=True)
    if result.up_to_date and result.model is None:
        click.echo(f"{output}: up to date", err=True)
    else:
        manifest = " (manifest updated)" if result.manifest_written else ""
        click.echo(
            f"{output}: {len(result.written)} written, {len(result.removed)} removed, "
            f"{result.unchanged} unchanged{manifest}",
            err=True,
        )


@main.command("rules")
@click.argument("code", required=False)
def rules_cmd(code: str | None) -> None:
    """List every diagnostic code with its severity and meaning; with CODE, explain that rule."""
    from generator.check.explain import explain as explain_rule
    from generator.check.explain import rule_lines

    if code is None:
        click.echo("\n".join(rule_lines()))
        return
    text = explain_rule(code)
    if text is None:
        from generator.check import command as check_command

        raise check_command.CheckUsageError(f"unknown rule code {code!r}")
    click.echo(text, nl=False)


@main.command("targets")
def targets_cmd() -> None:
    """List the targets `docgen build -t` knows: name, where it comes from, what it
    makes, the settings it reads. Plugins add theirs through the entry-point group
    `docgen.targets`."""
    problems: list[str] = []
    rows = [
        (t.name, origin(t), t.summary, ", ".join(t.settings)) for t in available(problems).values()
    ]
    wide = [max(len(row[i]) for row in rows) for i in (0, 1)]
    for name, where, summary, reads in rows:
        line = f"{name:<{wide[0]}}  {where:<{wide[1]}}  {summary}"
        click.echo(line + (f" (settings: {reads})" if reads else ""))
    _warn(problems)


@main.command("report")
@click.argument("docs", type=click.Path(path_type=Path), required=False)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder to write index.html and its assets into.",
)
@click.option(
    "--results",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help="A run of the generated suite: pytest OUT/tests --junitxml=FILE.",
)
@CONFIG_DIR
@READ_CACHE_DIR
@NO_CACHE
def report_cmd(
    docs: Path | None,
    output: Path,
    results: Path | None,
    config_dir: Path | None,
    cache_dir: Path | None,
    no_cache: bool,
) -> None:
    """Write a static HTML report of DOCS: what each page defines, how its examples
    fare, coverage by area, the findings of `docgen check`."""
    from generator.report import command as report_command

    made = report_command.make_report(
        docs, output, results=results, config_dir=config_dir, cache_dir=cache_dir, no_cache=no_cache
    )
    click.echo(report_command.summary(made), err=True)
