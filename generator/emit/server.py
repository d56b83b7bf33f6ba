"""The server target: a FastAPI stub that answers every endpoint as the docs do.

`OUT/server/` holds `pyproject.toml`, a README and the package: `app.py`
(`create_app`), `handlers.py` (`Handlers`, one method per endpoint),
`runtime.py` (routing and documented answers) and `shapes.py` (body checks
and synthesised values: `generator/emit/shapes.py` as it is), the same text
for every doc set, and the API as data under `data/`:

- `routes.json`: every endpoint as an anchored, case-insensitive regex (the
  model's own template matcher, `generator.model.paths`), most specific first,
  with its handler, request body shape, response type and examples;
- `examples.json`: every documented response the stub can give, by example id;
- `types.json`: resources (properties, base type) and enums, to check request
  bodies and to synthesise answers for endpoints the docs show no example of.

The data is built here, once, from the model; the generated package never
imports docgen. `server_data` is also what `docgen serve` runs in-process.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import jsontext
from generator.emit import fragments, shapes
from generator.emit.naming import (
    package_name,
)
from generator.emit.render import at_hand, format_python, piece, render, render_kept
from generator.emit.routes import RouteSpec, example_routes, route_specs
from generator.model.paths import _compile, split_path_query
from generator.model.types import ApiModel, Endpoint, Enum, Example, Resource, TypeRef

Files = dict[str, "str | bytes | jsontext.Chunks"]
Json = dict[str, Any]

NO_BODY_STATUSES = frozenset({204, 205, 304})
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
# Headers the stub computes itself (or that describe the docs' transport, not the answer).
_DROPPED_HEADERS = frozenset(
    {"content-length", "content-type", "transfer-encoding", "connection", "keep-alive"}
)


def server_package(model: ApiModel, settings: Mapping[str, str]) -> str:
    """`<package>_server` when the user names the packages, else `<namespace>_server`."""
    package = settings.get("package")
    return package_name(package, "server") if package else package_name(model.namespace, "server")


def default_base_path(model: ApiModel) -> str:
    """The path of the doc set's base URL (`https://host/v1.0` -> `/v1.0`); "" for none."""
    urls = [u for u in model.base_urls if "://" in u] or list(model.base_urls)
    return normalize_base_path(split_path_query(urls[0])[0]) if urls else ""


def normalize_base_path(path: str) -> str:
    """`v1.0/` -> `/v1.0`; `/` and "" -> ""."""
    path = path.strip().strip("/")
    return f"/{path}" if path else ""


def _type_data(ref: TypeRef | None) -> Json | None:
    return None if ref is None else {"type": ref.name, "collection": ref.collection}


def _request_data(endpoint: Endpoint) -> Json | None:
    """The body shape: the documented type and/or the body-parameter table."""
    fields = [
        [p.name.strip().strip("`"), p.type.name, p.type.collection]
        for p in endpoint.parameters
        if p.location == "body" and p.type is not None and p.name.strip().strip("`")
    ]
    if endpoint.request_body is None and not fields:
        return None
    return {
        **(_type_data(endpoint.request_body) or {"type": None, "collection": False}),
        "fields": fields,
    }


def _route_data(spec: RouteSpec, examples: list[str]) -> Json:
    endpoint = spec.endpoint
    compiled = _compile(endpoint.path)
    return {
        "endpoint": endpoint.id,
        "operation": spec.operation,
        "handler": spec.handler,
        "method": endpoint.method,
        "template": endpoint.path,
        "pattern": compiled.pattern,
        "params": list(compiled.names),
        "args": list(spec.args),
        "head": compiled.head,
        "slashes": compiled.slashes,
        "flexible": compiled.flexible,
        "status": endpoint.response.status or 200,
        "request": _request_data(endpoint),
        "response": _type_data(endpoint.response.type),
        "examples": examples,
    }


# ----- examples ------------------------------------------------------------------------------


def response_status(example: Example, endpoint: Endpoint | None) -> int:
    """The status the stub answers an example with: documented, else the endpoint's, else 200."""
    documented = example.response.status if example.response is not None else None
    return documented or (endpoint.response.status if endpoint is not None else None) or 200


def response_headers(example: Example) -> list[list[str]]:
    """Documented response headers the stub sends as they are (valid names and values only)."""
    assert example.response is not None
    return [
        [name, value]
        for name, value in example.response.headers
        if _HEADER_NAME.match(name)
        and name.lower() not in _DROPPED_HEADERS
        and value.isprintable()
        and value.isascii()
    ]


def content_type(example: Example) -> str | None:
    """The documented Content-Type; `application/json` for an undeclared JSON body."""
    response = example.response
    assert response is not None
    if response.content_type:
        return response.content_type
    return "application/json" if response.body_is_json else None


def _example_data(example: Example, endpoint: Endpoint | None) -> Json:
    response = example.response
    assert response is not None
    status = response_status(example, endpoint)
    body = None if status in NO_BODY_STATUSES else response.body
    return {
        "source": f"{example.source.file}:{example.source.line}",
        "request": {
            "path": example.request.path,
            "query": example.request.query,
            "body": example.request.body,
        },
        "response": {
            "status": status,
            "headers": response_headers(example),
            "contentType": content_type(example) if body is not None else None,
            "json": response.body_is_json and body is not None,
            "body": body,
        },
    }


# ----- types ---------------------------------------------------------------------------------


def _resource_data(resource: Resource) -> Json:
    return {
        "base": resource.base_type,
        "abstract": resource.abstract,
        "properties": [
            [p.name, p.type.name, p.type.collection, p.navigation] for p in resource.properties
        ],
    }


def types_data(model: ApiModel, *, lazy: bool = False) -> Json:
    """`lazy`: each type's data a `jsontext.Piece`, keyed by its stamp."""
    return {
        "resources": {
            r.name: _lazy(lazy, ("resource data", r), functools.partial(_resource_data, r))
            for r in model.resources
        },
        "enums": {
            e.name: _lazy(lazy, ("enum data", e), functools.partial(_enum_data, e))
            for e in model.enums
        },
    }


def type_data(element: Resource | Enum) -> Json:
    """One type's entry in `types_data`."""
    return _resource_data(element) if isinstance(element, Resource) else _enum_data(element)


def _enum_data(enum: Enum) -> Json:
    return {"members": [m.name for m in enum.members], "flags": enum.flags}


def _lazy(
    lazy: bool, key: tuple[str, object, *tuple[Hashable, ...]], make: Callable[[], Json]
) -> Any:
    """`make()`, or a piece made by it: `key` is a kind, the element whose stamp keys the
    piece, and anything else the piece reads."""
    if not lazy:
        return make()
    kind, element, *rest = key
    return fragments.json_piece(fragments.key(kind, fragments.stamp_of(element), *rest), make)


# ----- the data and the target ---------------------------------------------------------------


def server_data(
    model: ApiModel, specs: list[RouteSpec] | None = None, *, lazy: bool = False
) -> dict[str, Json]:
    """`routes`, `examples` and `types`: everything the stub's runtime reads, as JSON data.
    `lazy`: routes, examples and types as `jsontext.Piece`s (see `fragments`)."""
    specs = route_specs(model) if specs is None else specs
    endpoints = {e.id: e for e in model.endpoints}
    routed = example_routes(model)
    by_route: dict[str, list[str]] = {}
    examples: Json = {}
    for example in model.examples:
        route = routed[example.id]
        if route is not None and example.response is not None:
            by_route.setdefault(route, []).append(example.id)
            make = functools.partial(_example_data, example, endpoints[route])
            piece_key = ("example data", example, fragments.stamp_of(endpoints[route]))
            examples[example.id] = _lazy(lazy, piece_key, make)
    routes = []
    for s in specs:
        listed = tuple(by_route.get(s.endpoint.id, []))
        make_route = functools.partial(_route_data, s, list(listed))
        route_key = ("route data", s.endpoint, s.operation, s.handler, s.args, listed)
        routes.append(_lazy(lazy, route_key, make_route))
    return {
        "routes": {"routes": routes},
        "examples": examples,
        "types": types_data(model, lazy=lazy),
    }


@dataclass(frozen=True)
class HandlerSpec:
    name: str
    args: tuple[str, ...]
    doc: str

    @property
    def key(self) -> tuple[str, tuple[str, ...], str]:
        return self.name, self.args, self.doc

    @property
    def params(self) -> list[str]:
        return ["self", "call: Call", *(f"{arg}: str" for arg in self.args)]


def _handler_specs(specs: Iterable[RouteSpec]) -> list[HandlerSpec]:
    out = []
    for spec in sorted(specs, key=lambda s: s.handler):
        e = spec.endpoint
        title = " ".join((e.title or spec.operation).split()).rstrip(".")
        doc = f"{title}.\n\n`{e.method} {e.path}` ({e.source.file}:{e.source.line})"
        out.append(HandlerSpec(spec.handler, spec.args, doc))
    return out


def shapes_source() -> str:
    """The text of `generator/emit/shapes.py`, which the stub ships as its `shapes.py`."""
    return Path(shapes.__file__).read_text(encoding="utf-8")


def _data_file(value: Any) -> bytes | jsontext.Chunks:
    return jsontext.encoded(value, indent=1, pieces=fragments.active())


def server_target(model: ApiModel, settings: Mapping[str, str]) -> Files:
    """`server/...` → text for the stub package (black-formatted Python, JSON data)."""
    pkg = server_package(model, settings)
    base_path = settings.get("base_path")
    context = {
        "package": pkg,
        "distribution": pkg.replace("_", "-"),
        "namespace": model.namespace or "the API",
        "base_path": (
            default_base_path(model) if base_path is None else normalize_base_path(base_path)
        ),
    }
    specs = route_specs(model)
    data = server_data(model, specs, lazy=fragments.active() is not None)
    gets = [s for s in specs if s.endpoint.method == "GET"]
    example = min(
        gets, key=lambda s: (len(s.args) != 1, len(s.endpoint.path), s.handler), default=None
    )
    python = {
        f"{pkg}/__init__.py": render_kept("server/__init__.py.jinja", **context),
        f"{pkg}/__main__.py": render_kept("server/__main__.py.jinja", **context),
        f"{pkg}/app.py": render_kept("server/app.py.jinja", **context),
        f"{pkg}/runtime.py": render_kept("server/runtime.py.jinja", **context),
        f"{pkg}/shapes.py": shapes_source(),
        f"{pkg}/handlers.py": render(
            "server/handlers.py.jinja",
            **context,
            handlers=[
                piece("server/pieces.jinja", "handler", at_hand(h), h.key)
                for h in _handler_specs(specs)
            ],
        ),
    }
    files: Files = {rel: format_python(text) for rel, text in python.items()}
    files.update({f"{pkg}/data/{name}.json": _data_file(value) for name, value in data.items()})
    files[f"{pkg}/py.typed"] = ""
    files["pyproject.toml"] = render_kept("server/pyproject.toml.jinja", **context)
    files["README.md"] = render("server/README.md.jinja", **context, example=example)
    return {f"server/{rel}": text for rel, text in sorted(files.items())}
