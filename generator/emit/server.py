"""The server target: a FastAPI stub that answers every endpoint as the docs do.

`OUT/server/` holds `pyproject.toml`, a README and the package: `app.py`
(`create_app`), `handlers.py` (`Handlers`, one method per endpoint),
`runtime.py` (routing and documented answers), `shapes.py` (body checks
and synthesised values: `generator/emit/shapes.py` as it is) and the stateful
mode's `twin.py`, `odata.py` and `values.py` (the store, queries and value
repair: `generator/emit/` as they are), the same text for every doc set, and the API as data under `data/`:

- `routes.json`: every endpoint as an anchored, case-insensitive regex (the
  model's own template matcher, `generator.model.paths`), most specific first,
  with its handler, request body shape, response type and examples; and the
  doc set's path aliases (`/me` for `/users/{id}`), which the stateful twin follows;
- `examples.json`: every documented response the stub can give, by example id;
- `types.json`: resources (properties, base type) and enums, to check request
  bodies and to synthesise answers for endpoints the docs show no example of.

The data is built here from the model, each route, example and type a member
made from its own elements (kept by their digests); the generated package never
imports docgen. `server_data` is also what `docgen serve` runs in-process.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.emit import odata, shapes, twin, values
from generator.emit.content import Files, Json, Piece, made_now
from generator.emit.making import made_files, python, rendered
from generator.emit.naming import doc_set_namespace, package_name
from generator.emit.render import format_python
from generator.emit.routes import RouteSpec, Value, example_routes, route_specs
from generator.emit.templates import Templates
from generator.model.paths import _compile, split_path_query
from generator.model.types import ApiModel, Endpoint, Enum, Example, Resource, TypeRef

JsonData = dict[str, Any]
# How a member of the data is made: now (`_now`), or as a `Piece` of a `Json` file.
Member = Callable[..., Any]

_RUN_ENDS, _RUN_MAX = 31, 128  # handlers.py in runs of about 32 handlers (see `_runs`)
NO_BODY_STATUSES = frozenset({204, 205, 304})
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
# Headers the stub computes itself (or that describe the docs' transport, not the answer).
_DROPPED_HEADERS = frozenset(
    {"content-length", "content-type", "transfer-encoding", "connection", "keep-alive"}
)


def server_package(model: ApiModel, settings: Mapping[str, str]) -> str:
    """`<package>_server` when the user names the packages, else `<namespace>_server`."""
    package = settings.get("package")
    return (
        package_name(package, "server")
        if package
        else package_name(doc_set_namespace(model), "server")
    )


def default_base_path(model: ApiModel) -> str:
    """The path of the doc set's base URL (`https://host/v1.0` -> `/v1.0`); "" for none."""
    urls = [u for u in model.base_urls if "://" in u] or list(model.base_urls)
    return normalize_base_path(split_path_query(urls[0])[0]) if urls else ""


def normalize_base_path(path: str) -> str:
    """`v1.0/` -> `/v1.0`; `/` and "" -> ""."""
    path = path.strip().strip("/")
    return f"/{path}" if path else ""


def _type_data(ref: TypeRef | None) -> JsonData | None:
    return None if ref is None else {"type": ref.name, "collection": ref.collection}


def _request_data(endpoint: Endpoint) -> JsonData | None:
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


def route_data(
    endpoint: Endpoint,
    operation: str,
    handler: str,
    args: tuple[str, ...],
    examples: tuple[str, ...],
) -> JsonData:
    """One route's entry in `routes.json`."""
    compiled = _compile(endpoint.path)
    return {
        "endpoint": endpoint.id,
        "operation": operation,
        "handler": handler,
        "method": endpoint.method,
        "template": endpoint.path,
        "pattern": compiled.pattern,
        "params": list(compiled.names),
        "args": list(args),
        "head": compiled.head,
        "slashes": compiled.slashes,
        "flexible": compiled.flexible,
        "status": endpoint.response.status or 200,
        "request": _request_data(endpoint),
        "response": _type_data(endpoint.response.type),
        "examples": list(examples),
        "page": endpoint.source.file,  # its owner page (a twin answers with its examples first)
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


def example_data(example: Example, endpoint: Endpoint | None) -> JsonData:
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


def resource_data(resource: Resource) -> JsonData:
    return {
        "base": resource.base_type,
        "abstract": resource.abstract,
        "properties": [
            [p.name, p.type.name, p.type.collection, p.navigation] for p in resource.properties
        ],
    }


def enum_data(enum: Enum) -> JsonData:
    return {"members": [m.name for m in enum.members], "flags": enum.flags}


def type_data(element: Resource | Enum) -> JsonData:
    """One type's entry in `types_data`."""
    return resource_data(element) if isinstance(element, Resource) else enum_data(element)


def _now(fn: Callable[..., Any], *args: Any) -> Any:
    return fn(*args)


def types_data(model: ApiModel, member: Member = _now) -> JsonData:
    """Resources and enums by name, as the stub's checker reads them."""
    return {
        "resources": {r.name: member(resource_data, r) for r in model.resources},
        "enums": {e.name: member(enum_data, e) for e in model.enums},
    }


# ----- the data and the target ---------------------------------------------------------------


def server_data(
    model: ApiModel,
    specs: list[RouteSpec] | None = None,
    routed: Mapping[str, str | None] | None = None,
    member: Member = _now,
) -> dict[str, JsonData]:
    """`routes`, `examples` and `types`: everything the stub's runtime reads, as JSON
    data; `member` makes each route, example and type (`Piece`: when encoded)."""
    specs = route_specs(model) if specs is None else specs
    routed = example_routes(model) if routed is None else routed
    endpoints = {e.id: e for e in model.endpoints}
    by_route: dict[str, list[str]] = {}
    examples: JsonData = {}
    for example in model.examples:
        route = routed[example.id]
        if route is not None and example.response is not None:
            by_route.setdefault(route, []).append(example.id)
            examples[example.id] = member(example_data, example, endpoints[route])
    routes = [
        member(
            route_data,
            s.endpoint,
            s.operation,
            s.handler,
            s.args,
            tuple(by_route.get(s.endpoint.id, [])),
        )
        for s in specs
    ]
    aliases = [[a.prefix, a.target] for a in model.aliases]
    return {
        "routes": {"routes": routes, "aliases": aliases},
        "examples": examples,
        "types": types_data(model, member),
    }


@dataclass(frozen=True)
class HandlerSpec:
    name: str
    args: tuple[str, ...]
    doc: str

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


def handlers_run(
    templates: Templates, handlers: tuple[tuple[str, tuple[str, ...], str], ...]
) -> str:
    """A run of handlers' text of `handlers.py` (`handlers`: their (name, args, doc))."""
    handler = templates.macro("pieces.jinja", "handler")
    return "".join(handler(HandlerSpec(*fields)) for fields in handlers)


def _runs(handlers: list[HandlerSpec]) -> Iterator[tuple[tuple[str, tuple[str, ...], str], ...]]:
    """The handlers' fields in runs of about 32, a piece each (one per handler would cost
    more in keys than it saves): a run ends after a handler whose name has a CRC-32
    with five low bits clear, so a handler added or removed changes its run alone."""
    run: list[tuple[str, tuple[str, ...], str]] = []
    for h in handlers:
        run.append((h.name, h.args, h.doc))
        if (
            len(run) >= _RUN_MAX
            or not zlib.crc32(h.name.encode("utf-8", "surrogatepass")) & _RUN_ENDS
        ):
            yield tuple(run)
            run = []
    if run:
        yield tuple(run)


def handlers_module(
    templates: Templates, context: Mapping[str, Any], handlers: tuple[str, ...]
) -> str:
    """`handlers.py`: its handlers' texts (`handlers_run`s) joined in the template, formatted."""
    text = templates.render("handlers.py.jinja", **context, handlers=list(handlers))
    return format_python(text)


def shapes_source() -> str:
    """The text of `generator/emit/shapes.py`, which the stub ships as its `shapes.py`."""
    return Path(shapes.__file__).read_text(encoding="utf-8")


def _readme_example(specs: list[RouteSpec]) -> JsonData | None:
    """The handler the README shows overridden: a GET with one argument, shortest path."""
    gets = [s for s in specs if s.endpoint.method == "GET"]
    example = min(
        gets, key=lambda s: (len(s.args) != 1, len(s.endpoint.path), s.handler), default=None
    )
    return None if example is None else {"handler": example.handler, "args": example.args}


def server_files(
    model: ApiModel, settings: Mapping[str, str], templates: Templates, value: Value = made_now
) -> Files:
    """`server/...`: the stub package (black-formatted Python, JSON data), as pieces."""
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
    specs = route_specs(model, value)
    data = server_data(model, specs, example_routes(model, value), Piece)
    handlers = tuple(Piece(handlers_run, templates, run) for run in _runs(_handler_specs(specs)))
    files: dict[str, str | Piece | Json] = {
        f"{pkg}/{name}": python(templates, f"{name}.jinja", context)
        for name in ("__init__.py", "__main__.py", "app.py", "runtime.py")
    }
    files[f"{pkg}/shapes.py"] = shapes_source()
    for module in (odata, values, twin):  # (the stateful mode's, shipped as they are)
        source = Path(str(module.__file__))
        files[f"{pkg}/{source.name}"] = source.read_text(encoding="utf-8")
    files[f"{pkg}/handlers.py"] = Piece(handlers_module, templates, context, handlers)
    files.update({f"{pkg}/data/{name}.json": Json(part, 1) for name, part in data.items()})
    files[f"{pkg}/py.typed"] = ""
    files["pyproject.toml"] = Piece(rendered, templates, "pyproject.toml.jinja", context)
    readme = {**context, "example": _readme_example(specs)}
    files["README.md"] = Piece(rendered, templates, "README.md.jinja", readme)
    return {f"server/{rel}": content for rel, content in sorted(files.items())}


def server_templates() -> Templates:
    """The server target's own templates (no overrides)."""
    from generator.emit.targets import available

    return Templates.of("server", available()["server"].templates, None)


def server_target(model: ApiModel, settings: Mapping[str, str]) -> dict[str, str | bytes]:
    """The server target's files made now with its own templates (tests, scripts)."""
    return made_files(server_files(model, settings, server_templates()))
