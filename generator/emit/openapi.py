"""The OpenAPI 3.1 target: the whole model as one `openapi.json`.

A pure function of the model: plain dicts built in a fixed order (paths and
component names sorted, properties and parameters in page order), so the same
model gives the same bytes. Where the model leaves a choice open:

- Templates that differ only in parameter names are one OpenAPI path (the
  spec forbids "equivalent paths"): all take the most used spelling (ties: the
  first in sorted order) and keep theirs in `x-docgen-path`; two endpoints on
  one method there become one operation, documented by the one already
  spelled that way (else the first by id), the others listed in
  `x-docgen-merged` (their examples join it).
- Whitespace is dropped from templates (a URL holds none). Query and header
  names end at the first space or colon (`Prefer: outlook.timezone` ->
  `Prefer`, the written name kept in the description); Authorization, Accept
  and Content-Type headers are left to `security` and `content`, as OpenAPI
  requires.
- A property a base type defines is not repeated in the derived type's schema
  (pages often list inherited properties again; OData does not let a derived
  type redefine them). Properties whose nullability the docs do not state are
  nullable (the OData default), the key excepted. Types named but defined
  nowhere accept any value (they may be enums as well as objects), marked
  `x-docgen-unresolved`.
- A body-parameter table becomes an inline object (nullable members, as OData
  parameters are; nothing required for PATCH, a partial update), unless every
  parameter is a property of the documented request type (then that type is
  the body).
- Examples sit under the status they show; one the page does not document
  gets its own response, with the documented schema.
- OAuth2 scopes are the permission entries that are RFC 6749 scope tokens:
  delegated ones in the authorization-code flow, application ones in client
  credentials. The docs never state the authority, so its URLs are
  placeholders under `https://login.example.invalid/`; deployments replace them.

In a build, each operation and schema is a `Piece`: a module-level function of
the elements it documents and plain values (see `generator.emit.content`), so
the build encodes it again only when one of those changed. What they read of
the other types is one digested argument (`_Types`).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from generator import jsontext
from generator.digest import content_digest
from generator.emit.content import Json as JsonFile
from generator.emit.content import Piece, made_now
from generator.emit.naming import NameAllocator, OperationName, operation_names
from generator.model.types import (
    PRIMITIVE,
    ApiModel,
    Endpoint,
    Enum,
    Example,
    Parameter,
    Property,
    Resource,
    TypeRef,
)
from generator.model.urlforms import reshaped

Json = dict[str, Any]

OPENAPI_VERSION = "3.1.0"
JSON_MEDIA = "application/json"
SCHEMAS = "#/components/schemas/"
SCHEME = "oauth2"
AUTHORIZATION_URL = "https://login.example.invalid/oauth2/authorize"
TOKEN_URL = "https://login.example.invalid/oauth2/token"
METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")
ODATA_TYPE = "@odata.type"

_PARAM = re.compile(r"\{([^{}]*)\}")
_SCOPE = re.compile(r"^[\x21\x23-\x5b\x5d-\x7e]+$")  # RFC 6749 scope-token
_EXAMPLE_KEY = re.compile(r"[^A-Za-z0-9._-]+")
_SKIPPED_HEADERS = frozenset({"authorization", "accept", "content-type"})
_PRIMITIVES: dict[str, Json] = {
    "Edm.String": {"type": "string"},
    "Edm.Boolean": {"type": "boolean"},
    "Edm.Byte": {"type": "integer", "format": "uint8"},
    "Edm.SByte": {"type": "integer", "format": "int8"},
    "Edm.Int16": {"type": "integer", "format": "int16"},
    "Edm.Int32": {"type": "integer", "format": "int32"},
    "Edm.Int64": {"type": "integer", "format": "int64"},
    "Edm.Single": {"type": "number", "format": "float"},
    "Edm.Double": {"type": "number", "format": "double"},
    "Edm.Decimal": {"type": "number", "format": "decimal"},
    "Edm.DateTimeOffset": {"type": "string", "format": "date-time"},
    "Edm.Date": {"type": "string", "format": "date"},
    "Edm.TimeOfDay": {"type": "string", "format": "time"},
    "Edm.Duration": {"type": "string", "format": "duration"},
    "Edm.Guid": {"type": "string", "format": "uuid"},
    "Edm.Binary": {"type": "string", "format": "byte"},
    "Edm.Stream": {"type": "string", "format": "binary"},
    "Edm.Untyped": {},
}


Value = Callable[[Piece], Any]  # a piece's value now (a target's `Context.value`)


def openapi_bytes(model: ApiModel, settings: Mapping[str, str] | None = None) -> bytes:
    """`openapi.json` as written: UTF-8 (every piece made here)."""
    return jsontext.encode(_document(model, settings, made_now), indent=2)


def openapi_json(
    model: ApiModel, settings: Mapping[str, str] | None = None, value: Value = made_now
) -> JsonFile:
    """`openapi.json` for a build: each operation and schema a `Piece` of the elements
    and plain values it reads, so the build encodes it again only when those change."""
    return JsonFile(_document(model, settings, value), indent=2)


def openapi_target(model: ApiModel, settings: Mapping[str, str] | None = None) -> dict[str, str]:
    return {"openapi.json": openapi_bytes(model, settings).decode("utf-8", "surrogatepass")}


def openapi_document(model: ApiModel, settings: Mapping[str, str] | None = None) -> Json:
    """The document as plain dicts (every piece made); the `base_url` setting, when
    given, is the one server."""
    document = _document(model, settings, made_now)
    paths = document["paths"]
    for key, item in paths.items():
        paths[key] = {method: made_now(operation) for method, operation in item.items()}
    components = document["components"]
    components["schemas"] = {n: made_now(s) for n, s in components["schemas"].items()}
    return document


def _document(model: ApiModel, settings: Mapping[str, str] | None, value: Value) -> Json:
    """The document, its operations and schemas `Piece`s (`value` makes the routes)."""
    types = _Types.of(model)
    names = operation_names(model, value)
    routes = _kept_routes(model.endpoints, value)
    paths = _paths(model, routes, types, names)
    tags = sorted({names[route.endpoint.id].area for route in routes})
    base_url = (settings or {}).get("base_url")
    servers = [{"url": base_url}] if base_url else _servers(model.base_urls)
    document: Json = {"openapi": OPENAPI_VERSION, "info": _info(model, servers)}
    if servers:
        document["servers"] = servers
    return document | {
        "tags": [{"name": tag} for tag in tags],
        "paths": paths,
        "components": _components(model, types),
    }


def openapi_counts(document: Json) -> dict[str, int]:
    """Headline numbers of a document: for reports and benchmarks."""
    operations = [
        op for item in document["paths"].values() for m, op in item.items() if m in METHODS
    ]
    examples = sum(
        len(media.get("examples", {}))
        for op in operations
        for part in [op.get("requestBody", {}), *op["responses"].values()]
        for media in part.get("content", {}).values()
    )
    return {
        "paths": len(document["paths"]),
        "operations": len(operations),
        "schemas": len(document["components"]["schemas"]),
        "examples": examples,
        "unresolved": sum(1 for d in _dicts(document) if "x-docgen-unresolved" in d),
        "merged": sum(len(op.get("x-docgen-merged", ())) for op in operations),
    }


def _dicts(value: Any) -> Iterable[Json]:
    if isinstance(value, dict):
        yield value
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            yield from _dicts(item)


# --- info, servers, security ---------------------------------------------------------------------


def _info(model: ApiModel, servers: list[Json]) -> Json:
    """Title from the namespace; version from the first server's last segment (`v1.0`)."""
    version = servers[0]["url"].rstrip("/").split("/")[-1] if servers else ""
    return {
        "title": f"{model.namespace or 'API'} API",
        "version": version if re.match(r"v?\d", version) else "unversioned",
        "description": (
            f"Generated by docgen from {model.pages} pages of API reference documentation. "
            "The OAuth2 URLs are placeholders: the documentation does not state them."
        ),
    }


def _servers(base_urls: Iterable[str]) -> list[Json]:
    urls = list(dict.fromkeys(base_urls))
    absolute = [u for u in urls if "://" in u]
    return [{"url": u} for u in (absolute or urls)]


def _scopes(endpoint: Endpoint) -> list[str]:
    return list(dict.fromkeys(s for p in endpoint.permissions for s in p.scopes if _SCOPE.match(s)))


def _security_schemes(model: ApiModel) -> Json:
    kinds: dict[bool, dict[str, set[str]]] = {True: defaultdict(set), False: defaultdict(set)}
    # endpoints share their permissions (see `types.shared`): each set is read once
    listed = {id(e.permissions): e.permissions for e in model.endpoints}
    for perm in {p for perms in listed.values() for p in perms}:
        app = perm.kind.casefold().startswith("application")
        for scope in perm.scopes:
            if _SCOPE.match(scope):
                kinds[app][scope].add(perm.kind)
    scopes = {
        app: {s: ", ".join(sorted(k)) for s, k in sorted(kinds[app].items())} for app in kinds
    }
    flows: Json = {}
    if scopes[False]:
        flows["authorizationCode"] = {
            "authorizationUrl": AUTHORIZATION_URL,
            "tokenUrl": TOKEN_URL,
            "scopes": scopes[False],
        }
    if scopes[True]:
        flows["clientCredentials"] = {"tokenUrl": TOKEN_URL, "scopes": scopes[True]}
    if not flows:
        return {}
    description = "OAuth 2.0 with the permissions the documentation lists as scopes."
    return {SCHEME: {"type": "oauth2", "description": description, "flows": flows}}


# --- schemas -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Types:
    """What a schema or operation reads of the model's types besides its own element.
    `digest` names all of it (not the types' descriptions), so a piece made with these
    types is reused while no type is added, renamed, rebased or given new properties."""

    resources: dict[str, Resource]
    enums: dict[str, Enum]
    bases: dict[str, str]  # resource -> its base, where that resolves without a cycle
    derived: dict[str, list[str]]  # resource -> every type deriving from it, sorted
    collections: dict[str, str]  # named type -> the component wrapping a collection of it
    titles: dict[str, str]  # named type -> its short name, or its full name where that clashes
    digest: str  # of the above, what a piece may read of them (see the class)

    @classmethod
    def of(cls, model: ApiModel) -> _Types:
        resources = {r.name: r for r in sorted(model.resources, key=lambda r: r.name)}
        enums = {e.name: e for e in sorted(model.enums, key=lambda e: e.name)}
        bases = {n: r.base_type for n, r in resources.items() if r.base_type in resources}
        bases = {n: b for n, b in bases.items() if n not in _ancestors(b, bases)}
        children: dict[str, list[str]] = defaultdict(list)
        for name, base in bases.items():
            children[base].append(name)
        derived = {name: _descendants(name, children) for name in sorted(children)}
        listed = {
            e.response.type.name
            for e in model.endpoints
            if e.response.type and e.response.type.collection
        }
        allocator = NameAllocator([*resources, *enums])
        collections = {
            name: allocator.allocate(f"{name}CollectionResponse")
            for name in sorted(listed & (resources.keys() | enums.keys()))
        }
        shorts = {n: r.short_name for n, r in resources.items()}
        shorts |= {n: e.short_name for n, e in enums.items()}
        clashes = Counter(short.casefold() for short in shorts.values())
        titles = {n: short if clashes[short.casefold()] == 1 else n for n, short in shorts.items()}
        digest = _types_digest(resources, enums, collections)
        return cls(resources, enums, bases, derived, collections, titles, digest)

    def properties(self, name: str, *, inherited_only: bool = False) -> set[str]:
        """Names of a resource's properties, inherited ones included."""
        chain = (
            _ancestors(name, self.bases)
            if inherited_only
            else [name, *_ancestors(name, self.bases)]
        )
        return {p.name for n in chain if n in self.resources for p in self.resources[n].properties}

    def key(self, name: str) -> str | None:
        """The key property, which a derived type inherits."""
        chain = [name, *_ancestors(name, self.bases)]
        return next((k for n in chain if (k := self.resources[n].key_property)), None)


def _types_digest(
    resources: dict[str, Resource], enums: dict[str, Enum], collections: dict[str, str]
) -> str:
    """What `_Types` is made of and its users read: every type's names, base, key and
    property names, and the collection wrappers (the rest of `_Types` follows)."""
    return content_digest(
        (
            [
                (n, r.short_name, r.base_type, r.key_property, [p.name for p in r.properties])
                for n, r in resources.items()
            ],
            [(n, e.short_name) for n, e in enums.items()],
            collections,
        )
    )


def _ancestors(name: str, bases: dict[str, str]) -> list[str]:
    chain: list[str] = []
    while name in bases and bases[name] not in chain:
        name = bases[name]
        chain.append(name)
    return chain


def _descendants(name: str, children: dict[str, list[str]]) -> list[str]:
    seen: set[str] = set()
    stack = list(children[name])
    while stack:
        child = stack.pop()
        if child not in seen and child != name:
            seen.add(child)
            stack.extend(children.get(child, ()))
    return sorted(seen)


def _ref(name: str) -> Json:
    return {"$ref": SCHEMAS + name}


def _named_schema(ref: TypeRef, types: _Types) -> Json:
    if ref.name in types.resources or ref.name in types.enums:
        return _ref(ref.name)
    if ref.kind == PRIMITIVE and ref.name in _PRIMITIVES:
        return dict(_PRIMITIVES[ref.name])
    return {"x-docgen-unresolved": ref.name}  # any value: an enum or an object, unknown


def type_schema(ref: TypeRef | None, types: _Types) -> Json:
    """The schema of a value of `ref`: collections as arrays, nothing known as `{}`."""
    if ref is None:
        return {}
    item = _named_schema(ref, types)
    return {"type": "array", "items": item} if ref.collection else item


def _nullable(schema: Json) -> Json:
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    kind = schema.get("type")
    return {**schema, "type": [kind, "null"]} if isinstance(kind, str) else schema


def _property_schema(prop: Property, key: str | None, types: _Types) -> Json:
    schema = type_schema(prop.type, types)
    nullable = prop.nullable
    if nullable is None:
        nullable = prop.name != key and not prop.type.collection
    if nullable:
        schema = _nullable(schema)
    if prop.description:
        schema["description"] = prop.description
    if prop.read_only:
        schema["readOnly"] = True
    if prop.navigation:
        schema["x-ms-navigationProperty"] = True
    return schema


def _resource_schema(resource: Resource, types: _Types) -> Json:
    own: Json = {"type": "object", "title": types.titles[resource.name]}
    if resource.description:
        own["description"] = resource.description
    derived = types.derived.get(resource.name, [])
    key, inherited = types.key(resource.name), types.properties(resource.name, inherited_only=True)
    properties = {
        p.name: _property_schema(p, key, types)
        for p in resource.properties
        if p.name not in inherited
    }
    base = types.bases.get(resource.name)
    if derived and not base:  # the root of a hierarchy; derived types inherit it
        properties = {ODATA_TYPE: {"type": "string"}, **properties}
    if properties:
        own["properties"] = properties
    if resource.open_type:
        own["additionalProperties"] = True
    schema: Json = {"allOf": [_ref(base), own]} if base else own
    if derived:
        mapping = {f"#{d}": SCHEMAS + d for d in derived}
        schema["discriminator"] = {"propertyName": ODATA_TYPE, "mapping": mapping}
    return schema


def _enum_schema(enum: Enum, title: str) -> Json:
    names = [m.name for m in enum.members]
    schema: Json = {"type": "string", "title": title}
    if enum.flags:  # OData flags travel as a comma-separated list of member names
        alternatives = "|".join(re.sub(r"[\\^$.*+?()[\]{}|/]", r"\\\g<0>", n) for n in names)
        schema["pattern"] = f"^({alternatives})(,\\s*({alternatives}))*$"
    else:
        schema["enum"] = names
    notes = [f"- `{m.name}`: {m.description}" for m in enum.members if m.description]
    description = "\n\n".join(p for p in [enum.description, "\n".join(notes)] if p)
    if description:
        schema["description"] = description
    return schema


def _collection_wrapper(item: Json) -> Json:
    return {
        "type": "object",
        "properties": {
            "value": {"type": "array", "items": item},
            "@odata.nextLink": {"type": ["string", "null"]},
            "@odata.count": {"type": ["integer", "null"], "format": "int64"},
        },
    }


def _wrapper_of(name: str) -> Json:
    return _collection_wrapper(_ref(name))


def _components(model: ApiModel, types: _Types) -> Json:
    schemas: Json = {n: Piece(_resource_schema, r, types) for n, r in types.resources.items()}
    schemas |= {n: Piece(_enum_schema, e, types.titles[n]) for n, e in types.enums.items()}
    schemas |= {w: Piece(_wrapper_of, n) for n, w in types.collections.items()}
    components: Json = {"schemas": dict(sorted(schemas.items()))}
    if schemes := _security_schemes(model):
        components["securitySchemes"] = schemes
    return components


# --- paths ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Route:
    key: str  # the OpenAPI path
    method: str
    endpoint: Endpoint  # the one that documents the operation
    renames: tuple[tuple[str, str], ...]  # (endpoint's parameter name, name in `key`)
    merged: tuple[str, ...]  # ids of other endpoints folded into this operation


def _template(path: str) -> str:
    return re.sub(r"\s+", "", path)


Row = tuple[str, str, str, tuple[tuple[str, str], ...], tuple[str, ...]]
# a route as plain data: (path, method, documenting endpoint's id, renames, merged ids)


def _routes(endpoints: tuple[tuple[str, str, str], ...]) -> tuple[Row, ...]:
    """The operations of endpoints given as (id, method, path), sorted by id: a piece's
    function, so the build reuses them while no endpoint is added, moved or removed."""
    groups: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for endpoint in endpoints:
        if endpoint[1].lower() in METHODS:
            groups[_PARAM.sub("{}", _template(endpoint[2]))].append(endpoint)
    operations: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
    for group in groups.values():
        spellings = Counter(_template(path) for _, _, path in group)
        key = min(spellings, key=lambda t: (-spellings[t], t))
        for endpoint in group:
            operations[key, endpoint[1].lower()].append(endpoint)
    routes = []
    for (key, method), group in operations.items():
        first = min(group, key=lambda e: (_template(e[2]) != key, e[0]))  # unrenamed first
        rest = tuple(e[0] for e in group if e[0] != first[0])
        routes.append((key, method, first[0], _renames(first[2], key), rest))
    return tuple(sorted(routes, key=lambda r: (r[0], METHODS.index(r[1]))))


def _kept_routes(endpoints: Iterable[Endpoint], value: Value) -> list[_Route]:
    """`_routes` of the endpoints (by `value`: kept between builds)."""
    by_id = {e.id: e for e in endpoints}
    rows = value(Piece(_routes, tuple(sorted((e.id, e.method, e.path) for e in by_id.values()))))
    return [
        _Route(path, method, by_id[eid], renames, merged)
        for path, method, eid, renames, merged in rows
    ]


def _renames(path: str, key: str) -> tuple[tuple[str, str], ...]:
    pairs = zip(_PARAM.findall(_template(path)), _PARAM.findall(key), strict=True)
    return tuple((old, new) for old, new in pairs if old != new)


def _paths(
    model: ApiModel, routes: list[_Route], types: _Types, names: Mapping[str, OperationName]
) -> Json:
    # routes by (path, method): hashing a route would hash its whole endpoint
    owner = {e: (r.key, r.method) for r in routes for e in (r.endpoint.id, *r.merged)}
    by_route: dict[tuple[str, str], list[Example]] = defaultdict(list)
    for example in sorted(model.examples, key=lambda x: x.id):
        if example.endpoint in owner and not (example.read_as and reshaped(example.request.path)):
            by_route[owner[example.endpoint]].append(example)
    paths: Json = {}
    for route in routes:
        name = names[route.endpoint.id]
        paths.setdefault(route.key, {})[route.method] = Piece(
            _path_operation,
            route.endpoint,
            route.key,
            route.method,
            route.renames,
            route.merged,
            name.operation_id,
            name.area,
            tuple(by_route[route.key, route.method]),
            types,
        )
    return paths


def _path_operation(
    endpoint: Endpoint,
    path: str,
    method: str,
    renames: tuple[tuple[str, str], ...],
    merged: tuple[str, ...],
    operation_id: str,
    area: str,
    examples: tuple[Example, ...],
    types: _Types,
) -> Json:
    """One operation: a piece's function, of the elements and values it reads."""
    route = _Route(path, method, endpoint, renames, merged)
    operation = _operation(route, operation_id, types)
    operation["tags"] = [area]
    for example in examples:
        _attach_example(operation, example, _status(endpoint.response.status, 200))
    return _ordered(operation)


_OPERATION_KEYS = (
    "tags",
    "summary",
    "description",
    "operationId",
    "parameters",
    "requestBody",
    "responses",
    "security",
    "x-docgen-path",
    "x-docgen-merged",
)


def _ordered(operation: Json) -> Json:
    return {k: operation[k] for k in _OPERATION_KEYS if k in operation}


def _operation(route: _Route, operation_id: str, types: _Types) -> Json:
    endpoint = route.endpoint
    operation: Json = {"operationId": operation_id, "responses": _responses(endpoint, types)}
    if endpoint.title:
        operation["summary"] = endpoint.title
    if endpoint.description:
        operation["description"] = endpoint.description
    if parameters := _parameters(route, types):
        operation["parameters"] = parameters
    if body := _request_body(endpoint, types):
        operation["requestBody"] = body
    if scopes := _scopes(endpoint):
        operation["security"] = [{SCHEME: [scope]} for scope in scopes]
    if route.renames:
        operation["x-docgen-path"] = endpoint.path
    if route.merged:
        operation["x-docgen-merged"] = list(route.merged)
    return operation


def _parameters(route: _Route, types: _Types) -> list[Json]:
    declared = {p.name: p for p in route.endpoint.parameters if p.location == "path"}
    written = {new: old for old, new in route.renames}
    path_names = dict.fromkeys(_PARAM.findall(route.key))
    out = [_parameter(n, "path", declared.get(written.get(n, n)), types) for n in path_names]
    seen: dict[tuple[str, str], Json] = {}
    for param in route.endpoint.parameters:
        name = re.split(r"[\s:]", param.name.strip(), maxsplit=1)[0]
        skipped = param.location == "header" and name.casefold() in _SKIPPED_HEADERS
        if param.location not in ("query", "header") or not name or skipped:
            continue
        built = _parameter(name, param.location, param, types)
        same = seen.get((name.casefold(), param.location))
        if same is None:
            seen[name.casefold(), param.location] = built
            out.append(built)
        elif "description" in built:
            same["description"] = "\n\n".join(
                filter(None, [same.get("description"), built["description"]])
            )
    return out


def _parameter(name: str, location: str, param: Parameter | None, types: _Types) -> Json:
    out: Json = {"name": name, "in": location}
    description = param.description if param else ""
    if param and param.name != name:
        description = f"`{param.name}`" + (f": {description}" if description else "")
    if description:
        out["description"] = description
    if location == "path" or (param and param.required):
        out["required"] = True
    schema = type_schema(param.type if param else None, types)
    out["schema"] = schema if "type" in schema or "$ref" in schema else {"type": "string", **schema}
    return out


def _media(ref: TypeRef | None) -> str:
    stream = ref is not None and ref.name == "Edm.Stream" and not ref.collection
    return "application/octet-stream" if stream else JSON_MEDIA


def _request_body(endpoint: Endpoint, types: _Types) -> Json | None:
    ref = endpoint.request_body
    table = [p for p in endpoint.parameters if p.location == "body"]
    if table and not (ref and {p.name for p in table} <= types.properties(ref.name)):
        schema = _inline_object(table, types, partial=endpoint.method == "PATCH")
    elif ref is not None:
        schema = type_schema(ref, types)
    else:
        return None
    return {"required": True, "content": {JSON_MEDIA if table else _media(ref): {"schema": schema}}}


def _inline_object(table: list[Parameter], types: _Types, partial: bool) -> Json:
    properties: Json = {}
    for param in table:
        schema = type_schema(param.type, types)
        if param.type is not None and not param.type.collection:
            schema = _nullable(schema)  # OData parameters are nullable unless stated
        if param.description:
            schema["description"] = param.description
        properties.setdefault(param.name, schema)
    required = [] if partial else list(dict.fromkeys(p.name for p in table if p.required))
    return {"type": "object", "properties": properties} | (
        {"required": required} if required else {}
    )


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Status {status}"


def _status(code: int | None, default: int) -> int:
    return code if code is not None and 100 <= code <= 599 else default


def _responses(endpoint: Endpoint, types: _Types) -> Json:
    status = _status(endpoint.response.status, 200)
    response: Json = {"description": _phrase(status)}
    ref = endpoint.response.type
    if ref is not None and _has_content(status):
        if ref.collection and ref.name in types.collections:
            schema = _ref(types.collections[ref.name])
        elif ref.collection:
            schema = _collection_wrapper(_named_schema(ref, types))
        else:
            schema = type_schema(ref, types)
        response["content"] = {_media(ref): {"schema": schema}}
    return {str(status): response}


def _has_content(status: int) -> bool:
    return status >= 200 and status != 204 and not 300 <= status < 400


# --- examples ------------------------------------------------------------------------------------


def _example_media(content_type: str | None, is_json: bool, documented: Json) -> str:
    """The example's own media type; else JSON, or a documented non-JSON one, or raw bytes."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media or is_json:
        return media or JSON_MEDIA
    return next((m for m in documented if not _is_json_media(m)), "application/octet-stream")


def _is_json_media(media: str) -> bool:
    return media == JSON_MEDIA or media.endswith("+json")


def _attach_example(operation: Json, example: Example, documented: int) -> None:
    request, response = example.request, example.response
    if request.body is not None:
        empty = {"description": "Shown by examples only.", "content": {}}
        content = operation.setdefault("requestBody", empty)["content"]
        media = _example_media(request.content_type, request.body_is_json, content)
        _add_example(content, media, example, request.body, truncated=False)
    if response is not None and response.body is not None:
        status = str(_status(response.status, documented))
        responses = operation["responses"]
        if status not in responses:
            responses[status] = _example_only_response(int(status), responses[str(documented)])
            operation["responses"] = dict(sorted(responses.items()))
        content = operation["responses"][status].setdefault("content", {})
        media = _example_media(response.content_type, response.body_is_json, content)
        _add_example(content, media, example, response.body, truncated=response.truncated)


def _example_only_response(status: int, documented: Json) -> Json:
    """A status only an example shows: the documented body schema, if it has one."""
    response: Json = {"description": f"{_phrase(status)} (shown by examples only)"}
    if _has_content(status) and "content" in documented:
        response["content"] = {m: {"schema": v["schema"]} for m, v in documented["content"].items()}
    return response


def _add_example(content: Json, media: str, example: Example, value: Any, truncated: bool) -> None:
    if media not in content:
        content[media] = {"schema": {} if _is_json_media(media) else _text_schema(media)}
    entries = content[media].setdefault("examples", {})
    key = NameAllocator(entries).allocate(_EXAMPLE_KEY.sub("_", example.id).strip("_") or "example")
    entry: Json = {"summary": f"{example.source.file} line {example.source.line}"}
    if truncated:
        entry["description"] = "Shortened in the documentation: properties may be left out."
    entries[key] = {**entry, "value": value}


def _text_schema(media: str) -> Json:
    return (
        {"type": "string"} if media.startswith("text/") else {"type": "string", "format": "binary"}
    )
