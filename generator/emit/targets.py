"""The registry of output targets: each maps the model to {relative path: text}.

A new target is one function here plus its template folder; nothing
upstream knows which targets exist. `settings` carries the user's target
options (package name, base path, ...) from the CLI or `[tool.docgen]`.

Each entry imports its emitter when first called: a build that finds nothing
to do (the common case in a pre-commit hook) never imports Jinja or black.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from generator.jsontext import Chunks
from generator.model.types import ApiModel

Files = Mapping[str, "str | bytes | Chunks"]  # bytes, Chunks: JSON, encoded as it is made
Settings = Mapping[str, str]
Target = Callable[[ApiModel, Settings], Files]


def client_target(model: ApiModel, settings: Settings) -> Files:
    from generator.emit.client import client_target as emit

    return emit(model, settings)


def model_target(model: ApiModel, settings: Settings) -> Files:
    from generator.emit.fragments import active
    from generator.model.serialize import model_json_encoded

    return {"model.json": model_json_encoded(model, active())}


def openapi_target(model: ApiModel, settings: Settings) -> Files:
    from generator.emit.openapi import openapi_encoded

    return {"openapi.json": openapi_encoded(model, settings)}


def server_target(model: ApiModel, settings: Settings) -> Files:
    from generator.emit.server import server_target as emit

    return emit(model, settings)


def tests_target(model: ApiModel, settings: Settings) -> Files:
    from generator.emit.fixtures import tests_target as emit

    return emit(model, settings)


def prepare(model: ApiModel) -> None:
    """Compute what several targets share (operation names, routes) once, before
    targets render, possibly in forked processes that inherit it."""
    from generator.emit.routes import example_routes, route_specs

    route_specs(model)
    example_routes(model)


TARGETS: dict[str, Target] = {
    "client": client_target,
    "model": model_target,
    "openapi": openapi_target,
    "server": server_target,
    "tests": tests_target,
}
