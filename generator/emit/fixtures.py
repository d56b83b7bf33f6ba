"""The tests target: one fixture per documented example, and a pytest suite that replays them.

`OUT/tests/fixtures/<example>.json` holds the documented request and response
(with source file:line), what the stub is expected to answer, and why an
example cannot be replayed, per check (`skip.server`, `skip.client`): the
model's own diagnostic (no endpoint, no response, invalid JSON), or why the
client cannot make the call and return the documented data (a redirect out
of the stub, an OData segment no endpoint documents, a body that contradicts
its own annotated type, by the stub's own checker `shapes.py`). Nothing is
dropped: an example that cannot be replayed is a skipped test with that reason.

Two requests that the stub cannot tell apart (same route, path, query and
body) would both get the first one's answer; the later ones are replayed
with `Prefer: example=<id>`, the stub's documented way to pick an example.

The suite (`conftest.py`, `docgen_replay.py`, `test_*.py`) is the same for
every doc set but for the package names and base path; it runs against
`OUT/server` and `OUT/client` without installing them.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

from generator import jsontext
from generator.diagnostics import Diagnostic
from generator.emit import fragments
from generator.emit.naming import (
    NameAllocator,
    OperationName,
    operation_names,
    package_name,
    py_identifier,
    safe_file_stem,
)
from generator.emit.render import format_python, render_kept
from generator.emit.routes import example_routes
from generator.emit.server import (
    NO_BODY_STATUSES,
    content_type,
    default_base_path,
    normalize_base_path,
    response_headers,
    response_status,
    server_package,
    type_data,
    types_data,
)
from generator.emit.shapes import Types
from generator.model.paths import _compile
from generator.model.types import ApiModel, Endpoint, Enum, Example, ExampleResponse, Resource

Files = dict[str, "str | bytes | jsontext.Chunks"]
Json = dict[str, Any]

SUITE = ("conftest.py", "docgen_replay.py", "test_server_examples.py", "test_client_examples.py")
_JSONISH = re.compile(r"^\s*[\[{]")
_COLLECTION = re.compile(r"^collection\((.*)\)$", re.I)
_TOKEN = re.compile(r"^[A-Za-z0-9._~!#$&'*+^`|-]+$")


def client_package(model: ApiModel, settings: Mapping[str, str]) -> str:
    """The client target's package name: `package` as given, else `<namespace>_client`."""
    return py_identifier(settings.get("package") or package_name(model.namespace, "client"))


# ----- why an example cannot be replayed -------------------------------------------------------


def _fields_of(d: Diagnostic) -> tuple[str, int, int, str, str, str]:
    return (d.file, d.line, d.col, d.code, d.message, d.severity.value)


class _Findings:
    """The model's diagnostics by file, to name the one that explains a skipped example."""

    def __init__(self, diagnostics: tuple[Diagnostic, ...]) -> None:
        self.by_file: dict[str, list[Diagnostic]] = {}
        for d in sorted(diagnostics, key=_fields_of):  # their own order, compared in C
            self.by_file.setdefault(d.file, []).append(d)

    def digest(self, file: str) -> str:
        """What `find` can answer for `file`: its diagnostics' fields."""
        return fragments.digest([_fields_of(d) for d in self.by_file.get(file, [])])

    def find(self, file: str, lines: range, codes: tuple[str, ...], fallback: str) -> str:
        """The first diagnostic of `codes` on `lines` of `file`, else `file:line: fallback`."""
        for d in self.by_file.get(file, []):
            if d.code in codes and d.line in lines:
                return d.format()
        return f"{file}:{lines.start}: {fallback}"


@dataclass(frozen=True)
class _Context:
    endpoints: Mapping[str, Endpoint]
    routes: Mapping[str, str | None]
    operations: Mapping[str, OperationName]
    findings: _Findings
    model: ApiModel

    @functools.cached_property
    def types(self) -> Types:
        """The types as the typed client reads bodies: only a fixture made reads them."""
        return Types(types_data(self.model), strict=True)


def _source(file: str, line: int) -> str:
    return f"{file}:{line}"


def annotated_type(response: ExampleResponse) -> tuple[str, bool] | None:
    """The type a response annotation names (`x`, `#x`, `Collection(x)`), and if a collection."""
    if not response.odata_type:
        return None
    m = _COLLECTION.match(response.odata_type.strip())
    name = (m.group(1) if m else response.odata_type).strip().lstrip("#")
    return name, response.is_collection or m is not None


def _claims_json(content_type: str | None, body: Any) -> bool:
    """Would the stub (and a client) read this text as JSON?"""
    if content_type:
        return "json" in content_type.lower()
    return isinstance(body, str) and bool(_JSONISH.match(body))


def _server_skip(example: Example, ctx: _Context) -> str | None:
    """Why the stub cannot be asked this example's request, or None."""
    request, file, line = example.request, example.source.file, example.request.source.line
    here = range(min(example.source.line, line), line + 1)  # the block's annotation, its first line
    if example.endpoint is None:
        return ctx.findings.find(file, here, ("X006",), "matches no documented endpoint")
    if ctx.routes[example.id] is None:
        why = f"no {request.method} endpoint matches {request.path}"
        return ctx.findings.find(file, here, ("X005",), why)
    if example.response is None:
        return ctx.findings.find(file, here, ("X002",), "the request has no documented response")
    if (
        request.body is not None
        and not request.body_is_json
        and _claims_json(request.content_type, request.body)
    ):
        block = range(line, example.response.source.line)
        return ctx.findings.find(file, block, ("J002",), "the request body is not JSON")
    return None


def _client_skip(example: Example, status: int, ctx: _Context) -> str | None:
    """Why the client cannot make this call and return its documented data, or None."""
    response = example.response
    assert response is not None
    where = _source(response.source.file, response.source.line)
    segments = [f"{name}={value}" for name, value in example.path_values if value.startswith("$")]
    if segments:
        return (
            f"{_source(example.source.file, example.request.source.line)}: OData segment as a "
            f"path value ({', '.join(segments)}): no endpoint documents this URL, no call makes it"
        )
    if 300 <= status < 400:
        location = {k.lower(): v for k, v in response.headers}.get("location", "elsewhere")
        return f"{where}: redirects to {location}, outside the stub: the client cannot follow it"
    if status in NO_BODY_STATUSES or response.body in (None, ""):
        return _contradicts_endpoint(example, status, None, ctx)
    if not response.body_is_json and _claims_json(response.content_type, response.body):
        lines = range(response.source.line, response.source.line + 1000)  # the nearest after it
        return ctx.findings.find(response.source.file, lines, ("J002",), "the body is not JSON")
    annotated = annotated_type(response)
    endpoint = ctx.endpoints.get(example.endpoint or "")
    promised = endpoint.response.type if endpoint is not None else None
    typed = annotated or ((promised.name, promised.collection) if promised is not None else None)
    if response.body_is_json and typed is not None and status < 400:
        problem = ctx.types.check_response(response.body, *typed)
        if problem:
            return f"{where}: the body contradicts its own type {typed[0]}: {problem}"
    return _contradicts_endpoint(example, status, annotated, ctx)


def _is_collection_body(body: Any) -> bool:
    """A JSON array, or Graph's `{"value": [...], "@odata...": ...}` wrapper."""
    if isinstance(body, list):
        return True
    return (
        isinstance(body, dict)
        and isinstance(body.get("value"), list)
        and all(k == "value" or k.startswith("@") for k in body)
    )


def _contradicts_endpoint(
    example: Example, status: int, annotated: tuple[str, bool] | None, ctx: _Context
) -> str | None:
    """The example contradicts what its page says the endpoint returns: the docs
    disagree with themselves (check reports it), so no typed call can match both."""
    endpoint = ctx.endpoints.get(example.endpoint or "")
    response = example.response
    if endpoint is None or response is None or not 200 <= status < 300:
        return None
    where = _source(response.source.file, response.source.line)
    promised = endpoint.response
    if (
        promised.status is not None
        and status != promised.status
        and (status in NO_BODY_STATUSES) != (promised.status in NO_BODY_STATUSES)
    ):
        return (
            f"{where}: X008 the example answers {status} where the Response section "
            f"documents {promised.status}"
        )
    if response.body in (None, "") and status not in NO_BODY_STATUSES and promised.type is not None:
        return (
            f"{where}: X010 the example answers {status} with no body where the Response section "
            f"documents a {promised.type.name} in the body"
        )
    if promised.type is not None and response.body_is_json:
        shown = _is_collection_body(response.body)
        if shown != promised.type.collection:
            said = "a collection of" if promised.type.collection else "a single"
            return (
                f"{where}: B004 the Response section documents {said} {promised.type.name}, "
                f"the example shows {'a collection' if shown else 'a single object'}"
            )
    declared = promised.type.name if promised.type is not None else None
    if (
        annotated is not None
        and declared is not None
        and ctx.types.resource(declared) is not None
        and ctx.types.resource(annotated[0]) is not None
        and not ctx.types.derives(annotated[0], declared)
    ):
        return (
            f"{where}: B005 the example's type {annotated[0]} is neither {declared}, which the "
            "Response section documents, nor derived from it"
        )
    return None


# ----- requests the stub cannot tell apart ---------------------------------------------------


def _request_key(example: Example, route: str) -> tuple[str, ...]:
    request = example.request
    query = sorted(parse_qsl(request.query, keep_blank_values=True))
    path = unquote(request.path).rstrip("/").casefold()
    body = json.dumps(request.body or None, sort_keys=True)  # `{}` is no body, as to the stub
    return (route, request.method, path, json.dumps(query), body)


def _twins(model: ApiModel, routes: Mapping[str, str | None]) -> dict[str, str]:
    """Example id -> the earlier example of its route whose request is the same."""
    first: dict[tuple[str, ...], str] = {}
    twins: dict[str, str] = {}
    for example in model.examples:
        route = routes[example.id]
        if route is not None and example.response is not None:
            make = functools.partial(_request_key, example, route)
            piece = fragments.key("request key", fragments.stamp_of(example), route)
            key = fragments.reuse(piece, make)
            if key in first:
                twins[example.id] = first[key]
            first.setdefault(key, example.id)
    return twins


def _prefer(example_id: str) -> str | None:
    """`Prefer: example=<id>`, quoted where the id is not a token; None if it cannot be sent."""
    if _TOKEN.match(example_id):
        return f"example={example_id}"
    safe = example_id.isascii() and example_id.isprintable() and not set(example_id) & set('",;')
    return f'example="{example_id}"' if safe else None


# ----- fixtures ------------------------------------------------------------------------------


def _path_args(example: Example, endpoint: Endpoint | None) -> list[str]:
    if endpoint is None:
        return []
    values = dict(example.path_values)
    return [values.get(name, "") for name in _compile(endpoint.path).names]


def _request_data(example: Example) -> Json:
    r = example.request
    return {
        "method": r.method,
        "url": r.url,
        "path": r.path,
        "query": r.query,
        "headers": [list(h) for h in r.headers],
        "body": r.body,
        "bodyIsJson": r.body_is_json,
        "contentType": r.content_type,
        "source": _source(r.source.file, r.source.line),
    }


def _response_data(example: Example) -> Json | None:
    r = example.response
    if r is None:
        return None
    return {
        "status": r.status,
        "headers": [list(h) for h in r.headers],
        "body": r.body,
        "bodyIsJson": r.body_is_json,
        "contentType": r.content_type,
        "odataType": r.odata_type,
        "isCollection": r.is_collection,
        "type": _type_data(annotated_type(r)),
        "truncated": r.truncated,
        "source": _source(r.source.file, r.source.line),
    }


def _type_data(annotated: tuple[str, bool] | None) -> Json | None:
    return None if annotated is None else {"name": annotated[0], "collection": annotated[1]}


def _expect(example: Example, endpoint: Endpoint | None) -> Json | None:
    """What the stub answers: the documented status, headers and body (none for 204)."""
    if example.response is None:
        return None
    status = response_status(example, endpoint)
    empty = status in NO_BODY_STATUSES or example.response.body is None
    return {
        "status": status,
        "headers": response_headers(example),
        "contentType": None if empty else content_type(example),
        "empty": empty,
    }


def _fixture(example: Example, ctx: _Context, twin: str | None) -> Json:
    endpoint = ctx.endpoints.get(example.endpoint or "")
    route = ctx.routes[example.id]
    op = ctx.operations.get(example.endpoint or "")
    prefer = _prefer(example.id) if twin is not None else None
    server_skip = _server_skip(example, ctx)
    if server_skip is None and twin is not None and prefer is None:
        server_skip = f"{_source(example.source.file, example.source.line)}: the same request as "
        server_skip += f"{twin}, and its id cannot be sent in a Prefer header to pick it"
    expect = _expect(example, ctx.endpoints.get(route or ""))
    client_skip = server_skip
    if client_skip is None and expect is not None:
        client_skip = _client_skip(example, expect["status"], ctx)
    return {
        "id": example.id,
        "source": _source(example.source.file, example.source.line),
        "endpoint": example.endpoint,
        "route": route,
        "operation": None if op is None else {"area": op.area, "name": op.name},
        "pathArgs": _path_args(example, endpoint),
        "request": _request_data(example),
        "response": _response_data(example),
        "expect": expect,
        "prefer": prefer,
        "skip": {"server": server_skip, "client": client_skip},
    }


def _context(model: ApiModel) -> _Context:
    return _Context(
        endpoints={e.id: e for e in model.endpoints},
        routes=example_routes(model),
        operations=operation_names(model),
        findings=_Findings(model.diagnostics),
        model=model,
    )


def _named(model: ApiModel, ctx: _Context) -> Iterator[tuple[str, Example, str | None]]:
    """(file name, example, its twin) for every example: stable, unique names."""
    twins = _twins(model, ctx.routes)
    examples = sorted(model.examples, key=lambda x: x.id)
    ids = tuple(example.id for example in examples)
    names = fragments.reuse(("fixture names", fragments.digest(ids)), lambda: _file_names(ids))
    for name, example in zip(names, examples, strict=True):
        yield name, example, twins.get(example.id)


def _file_names(ids: tuple[str, ...]) -> tuple[str, ...]:
    """A unique file name for each example id, in order (kept by the ids' digest)."""
    names = NameAllocator()
    return tuple(f"{names.allocate(safe_file_stem(i))}.json" for i in ids)


def fixtures(model: ApiModel) -> dict[str, Json]:
    """`<safe stem>.json` -> fixture, for every example of the model."""
    ctx = _context(model)
    return {name: _fixture(example, ctx, twin) for name, example, twin in _named(model, ctx)}


def _fixture_files(model: ApiModel) -> dict[str, bytes | jsontext.Chunks]:
    """`fixtures()` encoded, each file a piece (see `fragments`) keyed by the stamps of
    its example and endpoints, its route, operation and twin, the findings of its
    page and a digest of the types."""
    ctx = _context(model)
    types = _types_digest(model)
    findings: dict[str, str] = {}
    out: dict[str, bytes | jsontext.Chunks] = {}
    for name, example, twin in _named(model, ctx):
        file = example.source.file
        if file not in findings:
            findings[file] = ctx.findings.digest(file)
        own = ctx.endpoints.get(example.endpoint or "")
        route = ctx.routes[example.id]
        routed = ctx.endpoints.get(route or "")
        op = ctx.operations.get(example.endpoint or "")
        key = fragments.key(
            "fixture",
            fragments.stamp_of(example),
            fragments.stamp_of(own) if own is not None else "-",
            route or "-",
            fragments.stamp_of(routed) if routed is not None else "-",
            (op.area, op.name) if op is not None else "-",
            twin or "-",
            findings[file],
            types,
        )
        make = functools.partial(_fixture_bytes, example, ctx, twin)
        out[name] = fragments.reuse_bytes(key, make)
    return out


def _types_digest(model: ApiModel) -> str:
    """`types_data(model)` as a digest of each type's part of it, kept by the type's
    stamp: a build reads no type whose stamp is unchanged."""
    elements: list[Resource | Enum] = [*model.resources, *model.enums]
    parts = [
        fragments.reuse(
            fragments.key("type data digest", fragments.stamp_of(element)),
            functools.partial(_type_digest, element),
        )
        for element in elements
    ]
    return fragments.digest(parts)


def _type_digest(element: Resource | Enum) -> str:
    return fragments.digest(type(element).__name__, element.name, type_data(element))


def _fixture_bytes(example: Example, ctx: _Context, twin: str | None) -> bytes:
    return jsontext.encode(_fixture(example, ctx, twin), indent=1)


def tests_target(model: ApiModel, settings: Mapping[str, str]) -> Files:
    """`tests/...`: the fixtures and the suite that replays them against server and client."""
    base_path = settings.get("base_path")
    context = {
        "server_package": server_package(model, settings),
        "client_package": client_package(model, settings),
        "base_path": (
            default_base_path(model) if base_path is None else normalize_base_path(base_path)
        ),
        "namespace": model.namespace or "the API",
    }
    files: dict[str, str | bytes | jsontext.Chunks] = {
        name: format_python(render_kept(f"tests/{name}.jinja", **context)) for name in SUITE
    }
    for name, data in _fixture_files(model).items():
        files[f"fixtures/{name}"] = data
    return {f"tests/{rel}": text for rel, text in sorted(files.items())}
