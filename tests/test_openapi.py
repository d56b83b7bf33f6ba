"""The OpenAPI target: a valid, deterministic document whose examples fit their schemas."""

from __future__ import annotations

import json
import random
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from openapi_spec_validator import validate
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from generator.emit.openapi import openapi_counts, openapi_document, openapi_target
from generator.model.types import (
    ENUM,
    PRIMITIVE,
    RESOURCE,
    UNRESOLVED,
    ApiModel,
    Endpoint,
    Enum,
    EnumMember,
    Example,
    ExampleRequest,
    ExampleResponse,
    Parameter,
    Permission,
    Property,
    Resource,
    ResponseSpec,
    Source,
    TypeRef,
)
from generator.model.urlforms import reshaped
from generator.pipeline.run import load_model
from tests.conftest import GROUPS

Json = dict[str, Any]
URI = "urn:docgen:openapi"


class JsonSnapshot(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "json"


# --- helpers: embedded examples against their schemas --------------------------------------------


def _pointer(*parts: str) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def embedded_examples(doc: Json) -> Iterator[tuple[str, tuple[str, ...], str, Any]]:
    """(operationId, pointer parts of the media type, example key, value) for each example."""
    for path, item in doc["paths"].items():
        for method, op in item.items():
            parts: list[tuple[tuple[str, ...], Json]] = [
                (("requestBody",), op.get("requestBody", {}))
            ]
            parts += [(("responses", status), r) for status, r in op["responses"].items()]
            for where, part in parts:
                for media, entry in part.get("content", {}).items():
                    at = ("paths", path, method, *where, "content", media)
                    for key, example in entry.get("examples", {}).items():
                        yield op["operationId"], at, key, example["value"]


def example_mismatches(doc: Json, *, formats: bool = False) -> list[tuple[str, str, str]]:
    """(operationId, example key, first error) for each example its schema rejects."""
    registry: Registry[Any] = Registry().with_resource(URI, DRAFT202012.create_resource(doc))
    checker = Draft202012Validator.FORMAT_CHECKER if formats else None
    out = []
    for operation, at, key, value in embedded_examples(doc):
        ref = URI + "#" + quote(_pointer(*at, "schema"), safe="/~")
        validator = Draft202012Validator({"$ref": ref}, registry=registry, format_checker=checker)
        error = best_match(validator.iter_errors(value))
        if error is not None:
            out.append((operation, key, error.message))
    return out


def example_bodies(model: ApiModel) -> int:
    """Request and response bodies of the examples tied to an endpoint (but those
    whose path is a count or a cast of it: not its answer's shape)."""
    return sum(
        (x.request.body is not None) + (x.response is not None and x.response.body is not None)
        for x in model.examples
        if x.endpoint is not None and not (x.read_as and reshaped(x.request.path))
    )


# --- the sample ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def groups() -> ApiModel:
    return load_model(GROUPS)


@pytest.fixture(scope="module")
def groups_doc(groups: ApiModel) -> Json:
    return openapi_document(groups)


def test_sample_snapshot(groups: ApiModel, snapshot: SnapshotAssertion) -> None:
    assert openapi_target(groups)["openapi.json"] == snapshot.use_extension(JsonSnapshot)


def test_sample_is_valid_openapi(groups_doc: Json) -> None:
    validate(groups_doc)
    assert groups_doc["openapi"] == "3.1.0"


def test_same_bytes_twice_and_for_any_collection_order(groups: ApiModel) -> None:
    expected = openapi_target(groups)["openapi.json"]
    assert openapi_target(groups)["openapi.json"] == expected
    for seed in range(3):
        rng = random.Random(seed)

        def shuffled(items: tuple[Any, ...], rng: random.Random = rng) -> tuple[Any, ...]:
            return tuple(rng.sample(items, len(items)))

        model = replace(
            groups,
            resources=shuffled(groups.resources),
            enums=shuffled(groups.enums),
            endpoints=shuffled(groups.endpoints),
            examples=shuffled(groups.examples),
        )
        assert openapi_target(model)["openapi.json"] == expected


def test_sample_embeds_every_example_body(groups: ApiModel, groups_doc: Json) -> None:
    assert openapi_counts(groups_doc)["examples"] == example_bodies(groups) == 32  # not $count


def test_sample_examples_fit_their_schemas(groups_doc: Json) -> None:
    assert example_mismatches(groups_doc) == []
    # With formats asserted, only the docs' placeholder dates fail: doc defects, counted.
    by_format = example_mismatches(groups_doc, formats=True)
    assert {m for _, _, m in by_format} == {"'datetime-value' is not a 'date-time'"}
    assert len(by_format) == 10


def test_sample_shapes(groups_doc: Json) -> None:
    paths, schemas = groups_doc["paths"], groups_doc["components"]["schemas"]
    for key, item in paths.items():
        names = re.findall(r"\{([^}]*)\}", key)
        for op in item.values():
            declared = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
            assert sorted(declared) == sorted(names), key
            assert all(p["name"] != "Authorization" for p in op.get("parameters", []))
    listing = paths["/groups"]["get"]
    assert listing["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/microsoft.graph.groupCollectionResponse"
    }
    wrapper = schemas["microsoft.graph.groupCollectionResponse"]["properties"]
    assert set(wrapper) == {"value", "@odata.nextLink", "@odata.count"}
    assert listing["security"][0] == {"oauth2": ["GroupMember.Read.All"]}
    assert schemas["microsoft.graph.entity"]["discriminator"]["mapping"]["#microsoft.graph.group"]
    assert all(re.fullmatch(r"[a-zA-Z0-9._-]+", name) for name in schemas)


# --- a hand-made model: the rules the sample does not reach --------------------------------------

SRC = Source("api/x.md", 1)
STRING = TypeRef("Edm.String", PRIMITIVE)


def _resource(name: str, base: str | None, *props: Property, key: str | None = None) -> Resource:
    short = name.rsplit(".", 1)[-1]
    return Resource(name, "ns", short, base, key, False, False, f"A {short}.", props, SRC)


def _endpoint(method: str, path: str, *params: Parameter, **fields: Any) -> Endpoint:
    response = fields.pop("response", ResponseSpec(200, TypeRef("ns.user", RESOURCE)))
    perms = (Permission("Delegated (work)", ("User.Read.All",)),)
    return Endpoint(
        f"{method} {path}",
        method,
        path,
        path,
        params,
        fields.pop("request_body", None),
        response,
        fields.pop("permissions", perms),
        f"{method} title",
        "",
        (),
        SRC,
    )


def _example(name: str, endpoint: str, body: Any, status: int, response: Any) -> Example:
    request = ExampleRequest("X", "/x", "/x", "", (), body, body is not None, None, SRC)
    reply = ExampleResponse(status, (), response, True, None, None, False, False, SRC)
    return Example(name, name, endpoint, (), request, reply, False, SRC)


def hand_made_model() -> ApiModel:
    user = _resource(
        "ns.user",
        "ns.entity",
        Property("id", STRING),
        Property("displayName", STRING),
        Property(
            "created", TypeRef("Edm.DateTimeOffset", PRIMITIVE), nullable=False, read_only=True
        ),
        Property("manager", TypeRef("ns.user", RESOURCE), nullable=True, navigation=True),
        Property("tags", TypeRef("Edm.String", PRIMITIVE, collection=True)),
        Property("color", TypeRef("ns.color", ENUM)),
        Property("parts", TypeRef("ns.parts", ENUM)),
        Property("mystery", TypeRef("ns.mystery", UNRESOLVED)),
    )
    colors = (EnumMember("red", description="Warm."), EnumMember("green"))
    enums = (
        Enum("ns.color", "ns", "color", colors, False, "", SRC),
        Enum("ns.parts", "ns", "parts", (EnumMember("a"), EnumMember("b")), True, "", SRC),
    )
    user_id = Parameter("user-id", "path", STRING, True)
    endpoints = (
        _endpoint(
            "GET",
            "/users",
            Parameter("Authorization", "header", STRING, True),
            Parameter("Prefer: outlook.timezone", "header", STRING, False, "Zone."),
            Parameter("$filter with any operator", "query", STRING),
            response=ResponseSpec(None, TypeRef("ns.user", RESOURCE, collection=True)),
            permissions=(
                Permission("Delegated (work)", ("User.Read.All", "For user resource: X")),
                Permission("Application", ("User.Read.All",)),
            ),
        ),
        _endpoint("GET", "/users/{user-id}", user_id),
        _endpoint("GET", "/users/{id}", Parameter("id", "path", STRING, True)),
        _endpoint("PATCH", "/users/{user-id}", user_id, Parameter("note", "body", STRING, True)),
        _endpoint(
            "POST",
            "/users/{user-id}/send",
            user_id,
            Parameter("message", "body", STRING, True),
            response=ResponseSpec(202, None),
            permissions=(),
        ),
        _endpoint("DELETE", "/users/{user-id}", user_id, response=ResponseSpec(204, None)),
    )
    examples = (
        _example("get-by-id", "GET /users/{id}", None, 200, {"id": "1", "parts": "a,b"}),
        _example("send", "POST /users/{user-id}/send", {"message": None}, 400, {"error": "x"}),
    )
    resources = (_resource("ns.entity", None, Property("id", STRING), key="id"), user)
    return ApiModel(
        1, "ns", ("/v1", "https://api.example.com/v1"), 3, resources, enums, endpoints, examples, ()
    )


@pytest.fixture(scope="module")
def made() -> Json:
    return openapi_document(hand_made_model())


def test_made_is_valid_with_servers_and_equivalent_paths_merged(made: Json) -> None:
    validate(made)
    assert made["servers"] == [{"url": "https://api.example.com/v1"}]
    assert made["info"]["version"] == "v1"
    local = openapi_document(hand_made_model(), {"base_url": "http://127.0.0.1:8000"})
    assert local["servers"] == [{"url": "http://127.0.0.1:8000"}]
    assert list(made["paths"]) == ["/users", "/users/{user-id}", "/users/{user-id}/send"]
    get = made["paths"]["/users/{user-id}"]["get"]
    assert get["x-docgen-merged"] == ["GET /users/{id}"]
    assert "get-by-id" in get["responses"]["200"]["content"]["application/json"]["examples"]
    ids = [op["operationId"] for item in made["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids)) == 5


def test_made_schemas(made: Json) -> None:
    schemas = made["components"]["schemas"]
    entity, user = schemas["ns.entity"], schemas["ns.user"]
    assert entity["discriminator"] == {
        "propertyName": "@odata.type",
        "mapping": {"#ns.user": "#/components/schemas/ns.user"},
    }
    assert entity["properties"]["id"] == {"type": "string"}  # the key is never null
    base, own = user["allOf"]
    assert base == {"$ref": "#/components/schemas/ns.entity"}
    props = own["properties"]
    assert "id" not in props  # inherited, not repeated
    assert props["displayName"] == {"type": ["string", "null"]}
    assert props["created"] == {"type": "string", "format": "date-time", "readOnly": True}
    assert props["manager"] == {
        "anyOf": [{"$ref": "#/components/schemas/ns.user"}, {"type": "null"}],
        "x-ms-navigationProperty": True,
    }
    assert props["tags"] == {"type": "array", "items": {"type": "string"}}
    assert props["mystery"] == {"x-docgen-unresolved": "ns.mystery"}
    assert schemas["ns.color"]["enum"] == ["red", "green"]
    assert "`red`: Warm." in schemas["ns.color"]["description"]
    assert re.fullmatch(schemas["ns.parts"]["pattern"], "a,b")
    assert not re.fullmatch(schemas["ns.parts"]["pattern"], "c")
    assert openapi_counts(made)["unresolved"] == 1


def test_made_operations(made: Json) -> None:
    listing = made["paths"]["/users"]["get"]
    assert [(p["name"], p["in"]) for p in listing["parameters"]] == [
        ("Prefer", "header"),
        ("$filter", "query"),
    ]
    assert listing["parameters"][0]["description"] == "`Prefer: outlook.timezone`: Zone."
    assert listing["security"] == [{"oauth2": ["User.Read.All"]}]
    flows = made["components"]["securitySchemes"]["oauth2"]["flows"]
    assert flows["authorizationCode"]["scopes"] == {"User.Read.All": "Delegated (work)"}
    assert flows["clientCredentials"]["scopes"] == {"User.Read.All": "Application"}
    patch = made["paths"]["/users/{user-id}"]["patch"]["requestBody"]["content"]
    assert patch["application/json"]["schema"] == {
        "type": "object",
        "properties": {"note": {"type": ["string", "null"]}},  # PATCH: nothing required
    }
    send = made["paths"]["/users/{user-id}/send"]["post"]
    assert send["requestBody"]["content"]["application/json"]["schema"]["required"] == ["message"]
    assert "security" not in send
    assert send["responses"]["202"] == {"description": "Accepted"}
    assert "examples only" in send["responses"]["400"]["description"]
    delete = made["paths"]["/users/{user-id}"]["delete"]
    assert delete["responses"] == {"204": {"description": "No Content"}}
    assert example_mismatches(made) == []


# --- the real corpus ----------------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_document_is_valid(graph_model: ApiModel) -> None:
    model = graph_model
    start = time.perf_counter()
    text = openapi_target(model)["openapi.json"]
    generated = time.perf_counter() - start
    doc = json.loads(text)
    validate(doc)
    counts = openapi_counts(doc)
    mismatches = example_mismatches(doc)
    print(f"\nopenapi v1.0: {counts}, generated in {generated:.2f}s, {len(text) / 1e6:.1f} MB")
    print(f"examples rejected by their schema: {len(mismatches)} of {counts['examples']}")
    print(Counter(re.sub(r"^.* is not ", "is not ", m) for _, _, m in mismatches).most_common(8))
    assert counts["examples"] == example_bodies(model)
    assert counts["operations"] >= 3000 and counts["schemas"] >= 1300
    assert len(mismatches) <= 0.08 * counts["examples"]  # doc and model defects; see the report
