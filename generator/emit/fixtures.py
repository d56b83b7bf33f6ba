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
`OUT/server` and `OUT/client` without installing them. With `--base-url` it
replays the same fixtures against a live service instead (`docgen_live.py`,
`docgen_conformance.py`, `test_live_service.py`: status, shape and types,
reading the documented routes and types from `OUT/server`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, unquote

from generator.diagnostics import Diagnostic
from generator.emit.client import method_names
from generator.emit.content import Files, Json, Piece, made_now
from generator.emit.making import made_files, python
from generator.emit.naming import (
    NameAllocator,
    doc_set_namespace,
    package_name,
    py_identifier,
    safe_file_stem,
)
from generator.emit.routes import Value, example_routes
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
from generator.emit.templates import Templates
from generator.model.paths import _compile
from generator.model.types import ApiModel, Endpoint, Enum, Example, ExampleResponse, Resource

JsonData = dict[str, Any]

SUITE = (
    "conftest.py",
    "docgen_replay.py",
    "test_server_examples.py",
    "test_client_examples.py",
    "docgen_live.py",
    "docgen_conformance.py",
    "test_live_service.py",
)
_JSONISH = re.compile(r"^\s*[\[{]")
_COLLECTION = re.compile(r"^collection\((.*)\)$", re.I)
_TOKEN = re.compile(r"^[A-Za-z0-9._~!#$&'*+^`|-]+$")


def client_package(model: ApiModel, settings: Mapping[str, str]) -> str:
    """The client target's package name: `package` as given, else `<namespace>_client`."""
    return py_identifier(
        settings.get("package") or package_name(doc_set_namespace(model), "client")
    )


# ----- what a fixture reads of the rest of the model -------------------------------------------


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _fields_of(d: Diagnostic) -> tuple[str, int, int, str, str, str]:
    return (d.file, d.line, d.col, d.code, d.message, d.severity.value)


class Findings:
    """Diagnostics a skipped fixture may name as its reason (those of its page), in
    their own order: an argument of the fixture pieces keyed by their digests, one
    object shared by the page's examples."""

    def __init__(self, found: tuple[Diagnostic, ...]) -> None:
        self.found = found
        self.digest = _digest(tuple(d.digest for d in found))

    def __add__(self, other: Findings) -> Findings:
        return Findings(self.found + other.found)

    def find(self, file: str, lines: range, codes: tuple[str, ...], fallback: str) -> str:
        """The first diagnostic of `codes` on `lines` of `file`, else `file:line: fallback`."""
        for d in self.found:
            if d.file == file and d.code in codes and d.line in lines:
                return d.format()
        return f"{file}:{lines.start}: {fallback}"


_NONE = Findings(())


def findings_by_file(diagnostics: tuple[Diagnostic, ...]) -> dict[str, Findings]:
    """The model's diagnostics by file, in their own order."""
    by_file: dict[str, list[Diagnostic]] = {}
    for d in sorted(diagnostics, key=_fields_of):  # their own order, compared in C
        by_file.setdefault(d.file, []).append(d)
    return {file: Findings(tuple(found)) for file, found in by_file.items()}


class TypeTable:
    """The types as the typed client reads bodies, as an argument of the fixture
    pieces: keyed by a digest of every type's data (not its descriptions), the
    checker built only if a fixture must be made."""

    def __init__(self, model: ApiModel, digest: str) -> None:
        self.model = model
        self.digest = digest

    @cached_property
    def types(self) -> Types:
        return Types(types_data(self.model), strict=True)


def type_digest(element: Resource | Enum) -> str:
    """A digest of one type's part of `types_data` (made each time: it costs less than
    keying and looking up a piece, ~10 against ~16 microseconds)."""
    return _digest((type(element).__name__, element.name, type_data(element)))


def type_table(model: ApiModel) -> TypeTable:
    """The model's `TypeTable`, keyed by each type's digest."""
    elements: list[Resource | Enum] = [*model.resources, *model.enums]
    return TypeTable(model, _digest([type_digest(e) for e in elements]))


@dataclass(frozen=True)
class _Context:
    """What one example's fixture reads besides the example."""

    endpoint: Endpoint | None  # its own
    route: str | None  # the endpoint whose route answers its request
    routed: Endpoint | None  # that endpoint
    findings: Findings  # of its page (and its response's, if another)
    table: TypeTable

    @property
    def types(self) -> Types:
        return self.table.types

    def find(self, file: str, lines: range, codes: tuple[str, ...], fallback: str) -> str:
        return self.findings.find(file, lines, codes, fallback)


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
        return ctx.find(file, here, ("X006",), "matches no documented endpoint")
    if ctx.route is None:
        why = f"no {request.method} endpoint matches {request.path}"
        return ctx.find(file, here, ("X005",), why)
    if example.response is None:
        return ctx.find(file, here, ("X002",), "the request has no documented response")
    if (
        request.body is not None
        and not request.body_is_json
        and _claims_json(request.content_type, request.body)
    ):
        block = range(line, example.response.source.line)
        return ctx.find(file, block, ("J002",), "the request body is not JSON")
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
    if example.read_as and ctx.endpoint is not None:
        return (
            f"{_source(example.source.file, example.request.source.line)}: the example "
            f"writes {example.request.path}, read as {example.read_as} to tie it to "
            f"{ctx.endpoint.path} (an alias or another form of the URL): no call makes it"
        )
    if 300 <= status < 400:
        location = {k.lower(): v for k, v in response.headers}.get("location", "elsewhere")
        return f"{where}: redirects to {location}, outside the stub: the client cannot follow it"
    if status in NO_BODY_STATUSES or response.body in (None, ""):
        return _contradicts_endpoint(example, status, None, ctx)
    if not response.body_is_json and _claims_json(response.content_type, response.body):
        lines = range(response.source.line, response.source.line + 1000)  # the nearest after it
        return ctx.find(response.source.file, lines, ("J002",), "the body is not JSON")
    annotated = annotated_type(response)
    endpoint = ctx.endpoint
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
    endpoint = ctx.endpoint
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


def request_key(example: Example, route: str) -> tuple[str, ...]:
    """What the stub tells a request by (made each time: it costs less than keying and
    looking up a piece, ~7 against ~16 microseconds)."""
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
            key = request_key(example, route)
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


def _request_data(example: Example) -> JsonData:
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


def _response_data(example: Example) -> JsonData | None:
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


def _type_data(annotated: tuple[str, bool] | None) -> JsonData | None:
    return None if annotated is None else {"name": annotated[0], "collection": annotated[1]}


def _expect(example: Example, endpoint: Endpoint | None) -> JsonData | None:
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


def _fixture(
    example: Example, ctx: _Context, operation: tuple[str, str] | None, twin: str | None
) -> JsonData:
    prefer = _prefer(example.id) if twin is not None else None
    server_skip = _server_skip(example, ctx)
    if server_skip is None and twin is not None and prefer is None:
        server_skip = f"{_source(example.source.file, example.source.line)}: the same request as "
        server_skip += f"{twin}, and its id cannot be sent in a Prefer header to pick it"
    expect = _expect(example, ctx.routed)
    client_skip = server_skip
    if client_skip is None and expect is not None:
        client_skip = _client_skip(example, expect["status"], ctx)
    return {
        "id": example.id,
        "source": _source(example.source.file, example.source.line),
        "endpoint": example.endpoint,
        "route": ctx.route,
        "operation": None if operation is None else {"area": operation[0], "name": operation[1]},
        "pathArgs": _path_args(example, ctx.endpoint),
        "request": _request_data(example),
        "response": _response_data(example),
        "expect": expect,
        "prefer": prefer,
        "skip": {"server": server_skip, "client": client_skip},
    }


def fixture_data(
    example: Example,
    endpoint: Endpoint | None,
    route: str | None,
    routed: Endpoint | None,
    operation: tuple[str, str] | None,
    twin: str | None,
    findings: Findings,
    table: TypeTable,
) -> JsonData:
    """One example's fixture, from the example and all it reads of the model."""
    ctx = _Context(endpoint, route, routed, findings, table)
    return _fixture(example, ctx, operation, twin)


def file_names(ids: tuple[str, ...]) -> tuple[str, ...]:
    """A unique file name for each example id (`ids`: a tuple), in order."""
    names = NameAllocator()
    return tuple(f"{names.allocate(safe_file_stem(i))}.json" for i in ids)


def _fixture_args(model: ApiModel, value: Value) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """(file name, `fixture_data`'s arguments) for every example: stable, unique names."""
    endpoints = {e.id: e for e in model.endpoints}
    routes = example_routes(model, value)
    operations = method_names(model, value)  # (the client's: a copy calls its twin's)
    findings = findings_by_file(model.diagnostics)
    table = type_table(model)
    twins = _twins(model, routes)
    examples = sorted(model.examples, key=lambda x: x.id)
    names = value(Piece(file_names, tuple(example.id for example in examples)))
    for name, example in zip(names, examples, strict=True):
        route = routes[example.id]
        op = operations.get(example.endpoint or "")
        yield name, (
            example,
            endpoints.get(example.endpoint or ""),
            route,
            endpoints.get(route or ""),
            None if op is None else (op.area, op.name),
            twins.get(example.id),
            _findings_of(example, findings),
            table,
        )


def _findings_of(example: Example, findings: Mapping[str, Findings]) -> Findings:
    """The diagnostics a skip reason may name: of the example's page, and of its
    response's if that is another."""
    own = findings.get(example.source.file, _NONE)
    other = example.response.source.file if example.response is not None else None
    if other is None or other == example.source.file:
        return own
    return own + findings.get(other, _NONE)


def fixtures(model: ApiModel) -> dict[str, JsonData]:
    """`<safe stem>.json` -> fixture, for every example of the model."""
    return {name: fixture_data(*args) for name, args in _fixture_args(model, made_now)}


def tests_files(
    model: ApiModel, settings: Mapping[str, str], templates: Templates, value: Value = made_now
) -> Files:
    """`tests/...`: the fixtures and the suite that replays them against server and
    client, each file a piece."""
    base_path = settings.get("base_path")
    context = {
        "server_package": server_package(model, settings),
        "client_package": client_package(model, settings),
        "base_path": (
            default_base_path(model) if base_path is None else normalize_base_path(base_path)
        ),
        "namespace": model.namespace or "the API",
    }
    files: dict[str, str | Piece | Json] = {
        name: python(templates, f"{name}.jinja", context) for name in SUITE
    }
    for name, args in _fixture_args(model, value):
        files[f"fixtures/{name}"] = Json(Piece(fixture_data, *args), 1)
    return {f"tests/{rel}": content for rel, content in sorted(files.items())}


def tests_target(model: ApiModel, settings: Mapping[str, str]) -> dict[str, str | bytes]:
    """The tests target's files made now with its own templates (tests, scripts)."""
    from generator.emit.targets import available

    templates = Templates.of("tests", available()["tests"].templates, None)
    return made_files(tests_files(model, settings, templates))
