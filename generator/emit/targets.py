"""What a target is: data. A name, a pure render function, a template folder, the
settings it reads.

`render(model, context)` maps the model to files ({relative path: content},
see `generator.emit.content`); `context` carries the target's settings (only
the keys it declares) and its templates (`generator.emit.templates`). The
build decides what to write and what it can reuse from an earlier build: a
target never touches a file or a cache.

Built-in targets are listed here; other packages add theirs through the
entry-point group `docgen.targets` (see `available` and the README's "Writing a
target"). Each built-in entry imports its emitter when first called: a build
that finds nothing to do (the common case in a pre-commit hook) never imports
Jinja or black.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.emit.content import Files, Json, Piece
from generator.emit.templates import Templates
from generator.model.types import ApiModel

__all__ = ["Context", "Files", "Json", "Piece", "Target", "Templates", "available"]


@dataclass(frozen=True)
class Context:
    """What a target renders with, besides the model."""

    settings: Mapping[str, str]  # the settings the target declares, as the user set them
    templates: Templates
    value: Callable[[Piece], Any] = lambda piece: piece.fn(*piece.args)  # see `Piece`


@dataclass(frozen=True)
class Target:
    name: str
    render: Callable[[ApiModel, Context], Files]
    templates: Path | None = None  # the target's own template folder, if it has one
    settings: tuple[str, ...] = ()  # the settings it reads (`--package`, `base_url`...)
    summary: str = ""  # one line for `docgen build --help`


def _builtin_templates(name: str) -> Path:
    from generator.emit.render import templates_dir

    return templates_dir() / name


def _client(model: ApiModel, context: Context) -> Files:
    from generator.emit.client import client_target as emit

    return emit(model, context.settings)


def _model(model: ApiModel, context: Context) -> Files:
    from generator.emit.fragments import active
    from generator.model.serialize import model_json_encoded

    return {"model.json": model_json_encoded(model, active())}


def _openapi(model: ApiModel, context: Context) -> Files:
    from generator.emit.openapi import openapi_encoded

    return {"openapi.json": openapi_encoded(model, context.settings)}


def _server(model: ApiModel, context: Context) -> Files:
    from generator.emit.server import server_files

    return server_files(model, context.settings, context.templates, context.value)


def _tests(model: ApiModel, context: Context) -> Files:
    from generator.emit.fixtures import tests_files

    return tests_files(model, context.settings, context.templates, context.value)


BUILTIN: tuple[Target, ...] = (
    Target(
        "client",
        _client,
        _builtin_templates("client"),
        ("package", "base_url"),
        "a typed Python client (pydantic models, httpx sync and async)",
    ),
    Target("model", _model, None, (), "model.json: the intermediate model"),
    Target("openapi", _openapi, None, ("base_url",), "openapi.json: an OpenAPI 3.1 document"),
    Target(
        "server",
        _server,
        _builtin_templates("server"),
        ("package", "base_path"),
        "FastAPI server stubs answering every documented request",
    ),
    Target(
        "tests",
        _tests,
        _builtin_templates("tests"),
        ("package", "base_path"),
        "fixtures and a pytest suite replaying them against the server and client",
    ),
)


def available() -> dict[str, Target]:
    """Every target by name: the built-in ones."""
    return {target.name: target for target in BUILTIN}
