"""What a target is: data. A name, a pure render function, a template folder, the
settings it reads, the model fields it does not.

`render(model, context)` maps the model to files ({relative path: content},
see `generator.emit.content`); `context` carries the target's settings (only
the keys it declares) and its templates (`generator.emit.templates`). The
build decides what to write and what it can reuse from an earlier build: a
target never touches a file or a cache.

Built-in targets are listed here; other packages add theirs through the
entry-point group `docgen.targets`: an entry point names a `Target` object
whose `name` is the entry point's (see `available`, `find` and the README's
"Writing a target"). A build builds every built-in target unless told which,
a plugin's when named: what OUT holds never depends on what happens to be
installed, and a build of built-in targets never reads entry points (that
costs tens of milliseconds). Each built-in entry imports its emitter when first called: a build
that finds nothing to do (the common case in a pre-commit hook) never imports
Jinja or black.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.emit.content import Files, Json, Piece, made_now
from generator.emit.templates import Templates, templates_dir
from generator.model.types import ApiModel

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

__all__ = [
    "Context",
    "Files",
    "Json",
    "Piece",
    "Target",
    "TargetError",
    "TargetFailed",
    "Templates",
    "available",
    "find",
]


@dataclass(frozen=True)
class Context:
    """What a target renders with, besides the model."""

    settings: Mapping[str, str]  # the settings the target declares, as the user set them
    templates: Templates
    value: Callable[[Piece], Any] = made_now  # a piece's value now (see `Piece`)


@dataclass(frozen=True)
class Target:
    name: str
    render: Callable[[ApiModel, Context], Files]
    templates: Path | None = None  # the target's own template folder, if it has one
    settings: tuple[str, ...] = ()  # the settings it reads (`--package`, `base_url`...)
    summary: str = ""  # one line for `docgen build --help`
    # Model fields, by name, its files never read (`description`): an edit that changes
    # only those leaves its files as the last build made them (`pipeline.changes`; for
    # the names resolve is held to keep by name, `model.resolve.IGNORABLE`).
    ignores: frozenset[str] = frozenset()


def _builtin_templates(name: str) -> Path:
    return templates_dir() / name


def _client(model: ApiModel, context: Context) -> Files:
    from generator.emit.client import client_files

    return client_files(model, context)


def _model(model: ApiModel, context: Context) -> Files:
    from generator.model.serialize import model_json

    return {"model.json": model_json(model)}


def _openapi(model: ApiModel, context: Context) -> Files:
    from generator.emit.openapi import openapi_json

    return {"openapi.json": openapi_json(model, context.settings, context.value)}


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
        frozenset({"description"}),
    ),
    Target(
        "tests",
        _tests,
        _builtin_templates("tests"),
        ("package", "base_path"),
        "fixtures and a pytest suite replaying them against the server and client",
        frozenset({"description"}),
    ),
)


GROUP = "docgen.targets"  # the entry-point group plugins declare their targets in


class TargetError(Exception):
    """Targets asked for that cannot be built: unknown names, or plugins that do not
    load. The message is one line and lists the known targets."""


class TargetFailed(Exception):
    """A plugin's target raised while rendering: one line naming it and its origin."""


def builtin() -> dict[str, Target]:
    return {target.name: target for target in BUILTIN}


def available(problems: list[str] | None = None) -> dict[str, Target]:
    """Every target by name: the built-in ones, then every plugin's that loads (an
    entry point in the group `docgen.targets` whose object is a `Target` of the
    same name). Why any other entry point is skipped goes to `problems`, one line each."""
    found, broken = _plugins(None)
    if problems is not None:
        problems += broken.values()
    return {**builtin(), **found}


def find(names: Iterable[str], where: str = "-t") -> dict[str, Target]:
    """The targets named (`where` says where the names come from, for the message).
    Entry points are read only when a name is not built-in, and only the plugins
    named are imported: a build of built-in targets pays nothing for plugins."""
    known = builtin()
    wanted = sorted(set(names))
    others = [name for name in wanted if name not in known]
    if not others:
        return {name: known[name] for name in wanted}
    found, broken = _plugins(set(others))
    failed = [broken[name] for name in others if name in broken]
    unknown = [name for name in others if name not in found and name not in broken]
    if failed or unknown:
        every = sorted({*known, *(ep.name for ep in _entry_points())})
        reasons = [f"unknown target(s) in {where}: {', '.join(unknown)}"] if unknown else []
        raise TargetError("; ".join([*reasons, *failed]) + f" (known: {', '.join(every)})")
    return {name: known.get(name) or found[name] for name in wanted}


def origin(target: Target) -> str:
    """Where a target comes from: "built-in", or the distribution that declares it."""
    if target in BUILTIN:
        return "built-in"
    for entry in _entry_points():
        if entry.name == target.name:
            return _distribution(entry)
    return "?"


def _entry_points() -> list[EntryPoint]:
    from importlib.metadata import entry_points

    return sorted(entry_points(group=GROUP), key=lambda entry: (entry.name, entry.value))


def _distribution(entry: EntryPoint) -> str:
    dist = getattr(entry, "dist", None)
    return f"{dist.name} {dist.version}" if dist is not None else "an unknown distribution"


def _plugins(names: set[str] | None) -> tuple[dict[str, Target], dict[str, str]]:
    """Plugin targets (of `names` only, when given), and why each entry point that
    cannot be used is not, by name. Nothing is kept between calls."""
    entries = _entry_points()
    declared: dict[str, list[EntryPoint]] = {}
    for entry in entries:
        declared.setdefault(entry.name, []).append(entry)
    found: dict[str, Target] = {}
    broken: dict[str, str] = {}
    ours = builtin()
    for name, same in declared.items():
        if names is not None and name not in names:
            continue
        about = f"entry point {name!r} ({same[0].value}) of {_distribution(same[0])}"
        if name in ours:
            broken[name] = f"{about}: a built-in target has that name; ignored"
        elif len(same) > 1:
            both = " and ".join(f"{e.value} of {_distribution(e)}" for e in same)
            broken[name] = f"target {name!r} is declared twice ({both}); neither is used"
        else:
            try:
                value = same[0].load()
            except Exception as error:  # noqa: BLE001 - any failure of a plugin is reported
                text = str(error).strip().splitlines()
                reason = f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
                broken[name] = f"{about} does not load: {reason}"
                continue
            if not isinstance(value, Target):
                broken[name] = f"{about} is a {type(value).__name__}, not a docgen Target"
            elif value.name != name:
                broken[name] = f"{about} is the target named {value.name!r}: the names must match"
            else:
                found[name] = value
    return found, broken
