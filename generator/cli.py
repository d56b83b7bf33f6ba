"""The `docgen` command line: small click commands over the shared pipeline.

Output for people goes to stderr, data to stdout. Errors the user must act on
are one line and a non-zero exit (2 for usage, 1 otherwise), never a traceback.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click

from generator import __version__
from generator.config import ConfigError, load_config
from generator.diagnostics import RULES, Severity
from generator.emit.targets import TARGETS
from generator.emit.writer import write_text_atomic
from generator.model.serialize import model_to_json
from generator.model.types import ApiModel
from generator.pipeline.run import load_model
from generator.pipeline.sources import SourceError

DOCS = click.argument("docs", type=click.Path(path_type=Path))
CONFIG_DIR = click.option(
    "--config-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder holding table-header-config.json / schema-config.json (default: DOCS/config).",
)


def _load(docs: Path, config_dir: Path | None) -> ApiModel:
    try:
        config = load_config(docs, config_dir)
        return load_model(docs, config)
    except (SourceError, ConfigError) as exc:
        raise click.ClickException(str(exc)) from None


def summary(model: ApiModel) -> str:
    paired = sum(1 for x in model.examples if x.response is not None)
    severities = Counter(d.severity for d in model.diagnostics)
    by_sev = ", ".join(f"{severities.get(s, 0)} {s}" for s in Severity)
    return (
        f"{model.pages} pages, {len(model.endpoints)} endpoints "
        f"({len({e.path for e in model.endpoints})} distinct paths), "
        f"{len(model.resources)} resources, {len(model.enums)} enums, "
        f"{len(model.examples)} examples ({paired} paired, {len(model.examples) - paired} unpaired), "
        f"diagnostics: {by_sev}"
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="docgen")
def main() -> None:
    """Generate a model, client, server stubs, fixtures and OpenAPI from annotated API docs."""


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
def model_cmd(docs: Path, output: Path | None, config_dir: Path | None) -> None:
    """Read DOCS and write the endpoint/resource model as JSON."""
    model = _load(docs, config_dir)
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
@DOCS
@CONFIG_DIR
def check_cmd(docs: Path, config_dir: Path | None) -> None:
    """Report every inconsistency found in DOCS as path:line:col: CODE message."""
    model = _load(docs, config_dir)
    for d in model.diagnostics:
        click.echo(d.format())
    errors = sum(1 for d in model.diagnostics if d.severity is Severity.ERROR)
    click.echo(summary(model), err=True)
    if errors:
        sys.exit(1)


@main.command("build")
@DOCS
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Output folder.",
)
@click.option(
    "-t",
    "--target",
    "targets",
    multiple=True,
    type=click.Choice(sorted(TARGETS)),
    help="Target to build (repeatable; default: all).",
)
@CONFIG_DIR
def build_cmd(docs: Path, output: Path, targets: tuple[str, ...], config_dir: Path | None) -> None:
    """Generate the chosen targets for DOCS into OUTPUT."""
    model = _load(docs, config_dir)
    files: dict[str, str] = {}
    for name in targets or sorted(TARGETS):
        files.update(TARGETS[name](model))
    written = 0
    try:
        for rel, text in sorted(files.items()):
            written += write_text_atomic(output / rel, text)
    except OSError as exc:
        raise click.ClickException(f"{output}: cannot write: {exc.strerror or exc}") from None
    click.echo(summary(model), err=True)
    click.echo(
        f"{len(files)} files in {output} ({written} written, {len(files) - written} unchanged)",
        err=True,
    )


@main.command("rules")
def rules_cmd() -> None:
    """List every diagnostic code with its severity and meaning."""
    for rule in RULES.values():
        click.echo(f"{rule.code}  {rule.severity:<7}  {rule.name}: {rule.summary}")
