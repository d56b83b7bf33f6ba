"""The client target: generated files, and the generated package at work.

The package is written to a temporary folder and imported from there; its
client runs against an `httpx.MockTransport` serving the documented responses.
"""

from __future__ import annotations

import ast
import asyncio
import dataclasses
import importlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, unquote

import black
import httpx
import pytest
from hypothesis import example as hypothesis_example
from hypothesis import given, settings
from hypothesis import strategies as st
from syrupy.assertion import SnapshotAssertion

from generator.emit import render
from generator.emit.client import ClientContext, MethodSpec, build_context, client_target
from generator.emit.naming import attribute_name, constant_name, package_name
from generator.emit.navigation import example_paths
from generator.emit.render import LINE_LENGTH, Wrap, annotated, docstring, layout, pystr
from generator.model.types import (
    ENUM,
    PRIMITIVE,
    RESOURCE,
    ApiModel,
    Endpoint,
    Enum,
    EnumMember,
    Example,
    Parameter,
    Property,
    Resource,
    ResponseSpec,
    Source,
    TypeRef,
)
from generator.pipeline.run import load_model
from tests.conftest import GROUPS

BLACK = black.Mode(line_length=LINE_LENGTH, target_versions={black.mode.TargetVersion.PY311})


# ----- helpers -----------------------------------------------------------------------


def _python(files: dict[str, str]) -> dict[str, str]:
    return {rel: text for rel, text in files.items() if rel.endswith(".py")}


@dataclasses.dataclass
class Generated:
    context: ClientContext
    files: dict[str, str]
    package: ModuleType

    def module(self, name: str) -> ModuleType:
        return importlib.import_module(f"{self.package.__name__}.{name}")


def _importable(
    model: ApiModel, root: Path, package: str
) -> Iterator[tuple[ClientContext, dict[str, str], ModuleType]]:
    files = client_target(model, package=package)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    sys.path.insert(0, str(root / "client"))
    try:
        yield build_context(model, package=package), files, importlib.import_module(package)
    finally:
        sys.path.remove(str(root / "client"))
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def groups_model() -> ApiModel:
    return load_model(GROUPS)


@pytest.fixture(scope="module")
def groups(groups_model: ApiModel, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    root = tmp_path_factory.mktemp("groups")
    for ctx, files, package in _importable(groups_model, root, "groups_client"):
        yield Generated(ctx, files, package)


def _responses(model: ApiModel) -> list[Example]:
    """Examples with a documented JSON response and an endpoint whose response type is known."""
    types = {e.id: e.response.type for e in model.endpoints}
    out = []
    for x in model.examples:
        ref = types.get(x.endpoint or "")
        if x.response and x.response.body_is_json and ref and ref.kind in (RESOURCE, ENUM):
            out.append(x)
    return out


def _wire(value: Any) -> Any:
    if isinstance(value, list):
        return [_wire(v) for v in value]
    return value.to_wire() if hasattr(value, "to_wire") else value


def _round_trip(gen: Generated, model: ApiModel, example: Example) -> tuple[Any, Any]:
    """(documented body, the body parsed into the generated models and serialised back)."""
    assert example.response is not None and example.endpoint is not None
    endpoint = next(e for e in model.endpoints if e.id == example.endpoint)
    assert endpoint.response.type is not None
    cls = getattr(gen.module("models"), gen.context.classes[endpoint.response.type.name])
    body = example.response.body
    if endpoint.response.type.collection:
        items = [_wire(cls.model_validate(item)) for item in body.get("value", [])]
        return body, {**body, "value": items}
    return body, _wire(cls.model_validate(body))


# ----- generated files ---------------------------------------------------------------


def test_groups_files_snapshot(groups_model: ApiModel, snapshot: SnapshotAssertion) -> None:
    assert client_target(groups_model) == snapshot


def test_generated_python_compiles_and_is_black_clean(groups: Generated) -> None:
    python = _python(groups.files)
    types = [rel for rel in python if "/models/" in rel and not rel.endswith("/__init__.py")]
    assert len(types) == 10 and len(python) == 9 + len(types)  # a module per type
    for rel, text in python.items():
        compile(text, rel, "exec")
        assert black.format_str(text, mode=BLACK) == text, rel


def test_output_does_not_depend_on_model_order(groups_model: ApiModel) -> None:
    shuffled = dataclasses.replace(
        groups_model,
        resources=tuple(reversed(groups_model.resources)),
        endpoints=tuple(reversed(groups_model.endpoints)),
        examples=tuple(reversed(groups_model.examples)),
    )
    assert client_target(shuffled) == client_target(groups_model)


def test_package_name_and_installable_layout(groups: Generated) -> None:
    files = groups.files
    assert "client/pyproject.toml" in files and "client/README.md" in files
    assert 'packages = ["groups_client"]' in files["client/pyproject.toml"]
    assert "client/groups_client/py.typed" in files
    assert package_name("microsoft.graph", "client") == "microsoft_graph_client"
    assert all(rel.startswith("client/") for rel in files)


# ----- the package at work -------------------------------------------------------------


def test_every_documented_response_parses_and_serialises_back(
    groups: Generated, groups_model: ApiModel
) -> None:
    examples = _responses(groups_model)
    assert len(examples) >= 15
    for example in examples:
        documented, again = _round_trip(groups, groups_model, example)
        assert again == documented, example.id


def _arguments(method: MethodSpec, example: Example) -> tuple[list[str], dict[str, Any]]:
    """The call that sends `example.request`: path values, query options, body."""
    values = dict(example.path_values)
    args = [values[a.wire] for a in method.path_args]
    kwargs: dict[str, Any] = {}
    for key, value in parse_qsl(example.request.query, keep_blank_values=True):
        arg = next((a for a in method.query_args if a.wire.casefold() == key.casefold()), None)
        if arg is not None:
            kwargs[arg.name] = value
        else:
            kwargs.setdefault("extra_query", {})[key] = value
    body = example.request.body
    if method.body_kind == "fields" and isinstance(body, dict):
        by_wire = {a.wire: a.name for a in method.body_args}
        for key, value in body.items():
            if key in by_wire:
                kwargs[by_wire[key]] = value
            else:
                kwargs.setdefault("extra_body", {})[key] = value
    elif method.body_kind in ("model", "json"):
        kwargs["body"] = body if body is not None else {}
    elif method.body_kind == "content":
        kwargs["body"] = body.encode() if isinstance(body, str) else b""
    return args, kwargs


def _served(example: Example) -> httpx.Response:
    response = example.response
    assert response is not None
    status = response.status or 200
    if response.body_is_json:
        return httpx.Response(status, json=response.body)
    if isinstance(response.body, str):
        return httpx.Response(status, text=response.body)
    return httpx.Response(status)


def _check_result(method: MethodSpec, example: Example, result: Any) -> None:
    response = example.response
    assert response is not None
    if method.returns == "None":
        assert result is None
    elif isinstance(result, bytes):
        decoded = json.loads(result) if response.body_is_json else result.decode()
        assert decoded == (response.body if response.body_is_json else str(response.body or ""))
    elif method.returns.startswith("Page["):
        assert [_wire(item) for item in result] == response.body["value"]
        assert result.next_link == response.body.get("@odata.nextLink")
        assert result.extra == {k: v for k, v in response.body.items() if k != "value"}
    else:
        assert _wire(result) == response.body


def _served_examples(gen: Generated, model: ApiModel) -> list[tuple[Example, MethodSpec]]:
    """Examples the typed client can replay: JSON responses, or none expected."""
    out = []
    for x in model.examples:
        if x.endpoint is None or x.response is None:
            continue
        _, method = gen.context.method(x.endpoint)
        if x.response.body_is_json or method.returns in ("None", "bytes", "Any"):
            out.append((x, method))
    return out


def test_client_replays_every_documented_exchange(
    groups: Generated, groups_model: ApiModel
) -> None:
    exchanges = _served_examples(groups, groups_model)
    assert len(exchanges) >= 20
    for example, method in exchanges:
        seen: list[httpx.Request] = []

        def handler(
            request: httpx.Request, example: Example = example, seen: list[httpx.Request] = seen
        ) -> httpx.Response:
            seen.append(request)
            return _served(example)

        client = groups.package.Client(transport=httpx.MockTransport(handler))
        area, _ = groups.context.method(method.endpoint)
        args, kwargs = _arguments(method, example)
        result = getattr(getattr(client, area.attr), method.name)(*args, **kwargs)
        _check_result(method, example, result)
        (request,) = seen
        assert request.method == example.request.method, example.id
        expected = "/v1.0" + example.request.path
        assert unquote(request.url.path).casefold() == expected.casefold(), example.id
        assert dict(request.url.params) == dict(parse_qsl(example.request.query)), example.id
        if example.request.body_is_json:
            assert json.loads(request.content) == example.request.body, example.id


def test_errors_retries_auth_and_paging(groups: Generated) -> None:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if request.url.path.endswith("/busy") and len(calls) < 3:
            return httpx.Response(429, headers={"Retry-After": "0"})
        if request.url.path.endswith("/down"):
            return httpx.Response(503, headers={"Retry-After": "0"})
        if request.url.path.endswith("/missing"):
            body = {"error": {"code": "NotFound", "message": "no", "innerError": {"date": "d"}}}
            return httpx.Response(404, json=body)
        if request.url.path.endswith("/moved"):
            return httpx.Response(302)  # (no Location: nothing to follow)
        if request.url.path.endswith("/groups"):
            link = "https://graph.microsoft.com/v1.0/page2"
            return httpx.Response(200, json={"value": [{"id": "a"}], "@odata.nextLink": link})
        return httpx.Response(200, json={"value": [{"id": "b"}]})

    client = groups.package.Client(
        transport=httpx.MockTransport(handler), auth=lambda: "t0ken", max_retries=2
    )
    assert client.request("GET", "/busy").status_code == 200 and len(calls) == 3
    with pytest.raises(groups.package.ApiError) as failed:
        client.request("GET", "/down")
    assert failed.value.status_code == 503 and len(calls) == 6  # first try + 2 retries
    with pytest.raises(groups.package.ApiError) as missing:
        client.groups.get_group("missing")
    error = missing.value
    assert (error.status_code, error.code, error.message) == (404, "NotFound", "no")
    assert error.inner_error == {"date": "d"}
    with pytest.raises(groups.package.ApiError) as moved:
        client.request("GET", "/moved")
    assert (moved.value.status_code, moved.value.code) == (302, "Redirect")
    assert "without a Location header" in moved.value.message
    page = client.groups.list_groups()
    assert [g.id for g in client.iterate(page)] == ["a", "b"]
    assert calls[-1].headers["Authorization"] == "Bearer t0ken"


def test_async_client(groups: Generated) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/groups"):
            link = "https://graph.microsoft.com/v1.0/next"
            return httpx.Response(200, json={"value": [{"id": "a"}], "@odata.nextLink": link})
        if request.method == "DELETE":
            return httpx.Response(204)
        return httpx.Response(200, json={"value": [{"id": "b"}]})

    async def token() -> str:
        return "async-token"

    async def run() -> list[str]:
        transport = httpx.MockTransport(handler)
        async with groups.package.AsyncClient(transport=transport, auth=token) as client:
            assert await client.groups.delete_thread("g", "t") is None
            page = await client.groups.list_groups()
            return [g.id async for g in client.iterate(page)]

    assert asyncio.run(run()) == ["a", "b"]


def test_import_is_lazy(groups: Generated) -> None:
    root = Path(str(groups.package.__file__)).parents[1]
    probe = (
        "import sys, groups_client\n"
        "from groups_client import Client\n"
        "loaded = [m for m in sys.modules if m.startswith('groups_client.')]\n"
        "assert loaded == ['groups_client._http', 'groups_client.client'], loaded\n"
        "assert 'pydantic' not in sys.modules\n"
        "client = Client()\n"
        "client.groups\n"
        "assert 'groups_client._areas.groups' in sys.modules\n"
        "assert 'groups_client._areas.users' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", probe], cwd=root, check=True)


# ----- hostile names -------------------------------------------------------------------

SRC = Source("hostile.md", 1)
STR = TypeRef("Edm.String", PRIMITIVE)
HOSTILE_DOC = (
    'Ends with a quote " and has """ quotes, \\ back\\slashes, {{ jinja }} {% if %}\r\n\u2028"'
)


def _resource(name: str, base: str | None, *props: Property, doc: str = "") -> Resource:
    namespace, short = name.rsplit(".", 1)
    return Resource(name, namespace, short, base, "id", True, False, doc, props, SRC)


def _endpoint(method: str, path: str, *params: Parameter, **fields: Any) -> Endpoint:
    values: dict[str, Any] = {
        "request_body": None,
        "response": ResponseSpec(200, None),
        "title": "Hostile",
        "description": HOSTILE_DOC,
    }
    values.update(fields)
    return Endpoint(
        id=f"{method} {path}",
        method=method,
        path=path,
        raw_path=path,
        parameters=params,
        permissions=(),
        alternatives=(),
        source=SRC,
        **values,
    )


def ref(name: str, *, collection: bool = False) -> TypeRef:
    return TypeRef(name, RESOURCE, collection)


def hostile_model() -> ApiModel:
    kind = TypeRef("x.kind", ENUM)
    resources = (
        _resource("x.entity", None, Property("id", STR), doc=HOSTILE_DOC),
        _resource(
            "x.class",
            "x.entity",
            *(Property(n, STR, HOSTILE_DOC) for n in ("class", "@odata.type", "2fa", "from")),
            *(Property(n, STR) for n in ("self", "json", "model_config", "str", "list", "")),
            *(Property(n, STR) for n in ("displayName", "display_name", "DisplayName", "$value")),
            Property("kind", kind),
            Property("kinds", TypeRef("x.kind", ENUM, collection=True)),
            Property("parent", ref("x.entity")),
            Property("children", ref("x.entity", collection=True)),
            Property("me", ref("x.class")),
            Property("other", ref("x.cycle")),
        ),
        _resource("x.cycle", None, Property("back", ref("x.class"))),
        _resource("x.sub.class", "x.class", Property("extra", STR)),
        _resource("x.myType", None),
        _resource("x.my_type", None),
        _resource("x.page", None),
        _resource("x.field", None),
        _resource("x.loopA", "x.loopB"),
        _resource("x.loopB", "x.loopA"),
    )
    members = ("2fa", "class", "None", "unknownFutureValue", "name", "value", "VALUE")
    enums = (
        Enum("x.kind", "x", "kind", tuple(EnumMember(m) for m in members), False, "", SRC),
        Enum("x.flags", "x", "flags", (EnumMember("read"), EnumMember("write")), True, "", SRC),
    )
    query = [Parameter(n, "query") for n in ("$filter", "$select", "$top", "self", "options")]
    endpoints = (
        _endpoint(
            "GET",
            "/class/{class}/items/{2fa}",
            Parameter("class", "path"),
            Parameter("2fa", "path"),
            *query,
            response=ResponseSpec(200, ref("x.class", collection=True)),
        ),
        _endpoint(
            "POST",
            "/class/{class}/from",
            *(Parameter(n, "body", STR) for n in ("from", "self", "class", "body", "@odata.type")),
        ),
        _endpoint("PATCH", "/class/{id}", request_body=ref("x.class")),
        _endpoint("GET", "/2fa/root:/{path}:/content"),
        _endpoint("GET", "/2fa/fn(key='{key}')", response=ResponseSpec(200, kind)),
        _endpoint("DELETE", "/import/{id}", response=ResponseSpec(204, None)),
    )
    return ApiModel(1, "x", ("https://example.test/v1",), 1, resources, enums, endpoints, (), ())


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    root = tmp_path_factory.mktemp("hostile")
    for ctx, files, package in _importable(hostile_model(), root, "hostile_client"):
        yield Generated(ctx, files, package)


def test_hostile_names_compile_black_clean_and_import(hostile: Generated) -> None:
    for rel, text in _python(hostile.files).items():
        ast.parse(text, rel)
        assert black.format_str(text, mode=BLACK) == text, rel
    models = hostile.module("models")
    names = set(models.Class.model_fields)
    assert {"class_", "field_2fa", "from_", "self_", "json_", "model_config_", "str_"} <= names
    assert {"display_name", "display_name_2", "display_name_3", "list_", "value"} <= names
    assert {"odata_type"} <= names and "odata_type_2" not in names  # `@odata.type` is inherited
    # `display_name` is a wire name: no other field may take it as its attribute
    assert models.Class(display_name="d").to_wire() == {"display_name": "d"}
    assert models.Class(display_name_2="D").to_wire() == {"DisplayName": "D"}
    assert models.SubClass.odata_name == "x.sub.class"  # clashed with x.class: namespace taken in
    assert {models.MyType.odata_name, models.MyType_2.odata_name} == {"x.myType", "x.my_type"}
    assert models.Page_2.odata_name == "x.page" and models.Field.odata_name == "x.field"
    assert {m.name for m in models.Kind} >= {"_2FA", "CLASS", "NONE", "NAME", "VALUE", "VALUE_2"}


def test_hostile_docs_are_data(hostile: Generated) -> None:
    models = hostile.module("models")
    doc = models.Entity.__doc__
    assert '""" quotes, \\ back\\slashes, {{ jinja }} {% if %}' in doc and doc.count('"') >= 5
    assert "{{ jinja }}" in hostile.module("_areas.class_").ClassApi.get_item.__doc__


def test_unknown_enum_values_parse(hostile: Generated) -> None:
    models = hostile.module("models")
    parsed = models.Class.model_validate({"kind": "brandNew", "kinds": ["class", "other"]})
    assert parsed.kind == "brandNew" and not parsed.kind.is_known
    assert parsed.kinds[0] is models.Kind.CLASS and parsed.kinds[0].is_known
    assert parsed.to_wire() == {"kind": "brandNew", "kinds": ["class", "other"]}
    assert models.Kind.NONE.value == "None" and list(models.Kind)[0] is models.Kind._2FA
    assert models.Flags("read,write").parts() == ("read", "write")


def test_polymorphic_payloads_parse_into_subclasses(hostile: Generated) -> None:
    models = hostile.module("models")
    data = {
        "@odata.type": "#x.sub.class",
        "extra": "e",
        "class": "c",
        "children": [{"@odata.type": "#x.class", "2fa": "y"}, {"id": "plain"}],
        "other": {"back": {"@odata.type": "#X.Sub.Class", "from": "f"}},
        "unknown": {"kept": True},
    }
    parsed = models.Entity.model_validate(data)
    assert type(parsed) is models.SubClass and parsed.class_ == "c"
    assert [type(c) for c in parsed.children] == [models.Class, models.Entity]
    assert type(parsed.other.back) is models.SubClass and parsed.other.back.from_ == "f"
    assert parsed.to_wire() == data
    assert models.Cycle.model_validate({"back": {"me": {"id": "1"}}}).back.me.id == "1"
    assert models.Entity.model_validate({"@odata.type": "#x.cycle"}).__class__ is models.Entity


def test_hostile_operations(hostile: Generated) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.endswith("/content"):
            return httpx.Response(200, content=b"\x00bytes")
        if "fn(" in request.url.path:
            return httpx.Response(200, json={"value": "newKind"})
        if request.method == "GET":
            return httpx.Response(200, json={"value": [{"@odata.type": "#x.sub.class"}]})
        return httpx.Response(204)

    client = hostile.package.Client(transport=httpx.MockTransport(handler))
    api = client.class_
    page = api.get_item("a/b", "2", filter="x eq 'y'", select=["a", "b"], top=3, self_="s")
    assert type(page[0]).__name__ == "SubClass"
    assert seen[-1].url.raw_path.startswith(b"/v1/class/a%2Fb/items/2?")
    assert dict(seen[-1].url.params) == {
        "$filter": "x eq 'y'",
        "$select": "a,b",
        "$top": "3",
        "self": "s",
    }
    assert api.from_("c", from_="f", self_=None, class__2="k", extra_body={"z": 1}) is None
    assert json.loads(seen[-1].content) == {"from": "f", "class": "k", "z": 1}
    models = hostile.module("models")
    api.update_class("i", body=models.Class(display_name_3="d", kind=models.Kind.CLASS))
    assert json.loads(seen[-1].content) == {"displayName": "d", "kind": "class"}
    assert client.field_2fa.get_content("dir/file name") == b"\x00bytes"
    assert seen[-1].url.raw_path == b"/v1/2fa/root:/dir/file%20name:/content"
    assert client.field_2fa.get_fn("it's") == "newKind"
    assert unquote(seen[-1].url.raw_path.decode()) == "/v1/2fa/fn(key='it''s')"
    assert client.import_.delete_import("1") is None


# ----- escaping and layout helpers ---------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_pystr_is_a_literal_of_any_text(text: str) -> None:
    assert ast.literal_eval(pystr(text)) == text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
@hypothesis_example("0\n\t0")  # black expands the tab, then moves the lines left
@hypothesis_example("a\n  b\n c")
def test_pystr_and_docstring_are_laid_out_as_black_would(text: str) -> None:
    """Regression: builds no longer run black, so the quotes must be black's own
    (a text with more `"` than `'` is single-quoted; a docstring that starts or
    ends with a quote mark gets a space, not an escape)."""
    literal = f"x = {pystr(text)}\n"
    assert black.format_str(literal, mode=BLACK) == literal
    doc = f'def f():\n    """{docstring(text, 4)}"""\n'
    assert black.format_str(doc, mode=BLACK) == doc


def _squeeze(text: str) -> str:
    """Text without whitespace and backslashes (which a docstring may re-lay or escape)."""
    return "".join(text.split()).replace("\\", "")


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_docstring_keeps_any_text_inside_its_quotes(text: str) -> None:
    source = f'def f():\n    """{docstring(text, 4)}"""\n'
    body = ast.parse(source).body[0]
    assert isinstance(body, ast.FunctionDef)
    value = ast.get_docstring(body, clean=False) or ""
    assert _squeeze(value) == _squeeze(text.replace("\r", "")) or not text.strip()


def test_layout_matches_black() -> None:
    params = ("self", "a: int", "*", "b: str | None = None", "**options: Unpack[Options]")
    for head in ("def f", "def a_much_longer_function_name_that_will_need_the_line_to_be_split"):
        signature = layout(Wrap(head, params, " -> dict[str, int]:"), 4)
        source = f"class C:\n    {signature}\n        return {{}}\n"
        assert black.format_str(source, mode=BLACK) == source
    entries = tuple(f'"key{i}": value{i}' for i in range(12))
    source = (
        layout(Wrap("x = call", (Wrap("fields=", entries, brackets="{}", explode=True),))) + "\n"
    )
    assert black.format_str(source, mode=BLACK) == source


def test_long_annotations_and_class_heads_split_as_black_splits_them() -> None:
    long = "MicrosoftGraph1WindowsInformationProtectionProxiedDomainCollection"
    params: list[str | Wrap] = ["self", "*"]
    for name, annotation, tail in [
        ("body", f"{long}XXXXXXXXX | dict[str, Any]", ""),
        ("body2", f"{long}XXXXXXXXX | dict[str, Any] | None", " = None"),
        ("x", f"Sequence[{long} | dict[str, Any]] | None", " = None"),
        ("y", f"Sequence[{long} | dict[str, Any]]", " = None"),
        ("z" * 48, f"Sequence[{long}]", " = None"),
        ("short", "int | None", " = None"),
    ]:
        params.append(annotated(name, annotation, tail))
    source = "class C:\n    " + layout(Wrap("def f", tuple(params), " -> None:"), 4)
    source += "\n        pass\n\n\n" + layout(Wrap(f"class {long}Control", (f"{long}Base",), ":"))
    source += "\n    pass\n"
    assert black.format_str(source, mode=BLACK) == source
    assert not render.needs_black(source)


def test_black_runs_once_per_text_across_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    """`format_python` is pure; a build keeps its result as a piece (by the text)."""
    from generator.emit.content import Piece
    from generator.pipeline.pieces import Reuse

    args = ", ".join(f"'a{i}'" for i in range(30))
    text = f"x = f({args})\n"  # over the line length: black must split it
    first = Reuse()
    formatted = first.value(Piece(render.format_python, text))
    assert formatted.startswith("x = f(\n") and '"a29"' in formatted
    monkeypatch.setattr(black, "format_str", lambda *a, **k: pytest.fail("not kept"))
    assert Reuse(first.used).value(Piece(render.format_python, text)) == formatted


def test_only_lines_black_could_split_send_a_text_to_black() -> None:
    long_name = "n" * 120
    assert not render.needs_black(f'x = f(\n    "{long_name}",\n)\n')  # one atom a line
    assert not render.needs_black(f'    "{long_name}": value,\n')  # a dict entry
    assert not render.needs_black(f"    def {long_name}(\n        self,\n    ) -> None:\n")
    assert not render.needs_black(
        f'def f():\n    """Doc.\n\n    {long_name} {long_name}\n    """\n'
    )
    assert render.needs_black(f'x = f("{long_name}", y)\n')
    assert render.needs_black(f"def f(a: int, b: {long_name}) -> None:\n")


def test_naming_helpers() -> None:
    assert attribute_name("2fa") == "field_2fa" and attribute_name("class") == "class_"
    assert attribute_name("json", frozenset({"json"})) == "json_"
    assert attribute_name("type") == "type" and attribute_name("id") == "id"  # builtins stay
    assert constant_name("unknownFutureValue") == "UNKNOWN_FUTURE_VALUE"
    assert constant_name("2fa") == "_2FA" and constant_name("None") == "NONE"


# ----- the real corpus ---------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_client_compiles_and_imports(graph_model: ApiModel, tmp_path: Path) -> None:
    model = graph_model
    files = client_target(model, package="graph_client")
    python = _python(files)
    assert len(python) > 50
    for rel, text in python.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
        compile(text, rel, "exec")
    ctx = build_context(model, package="graph_client")
    # one method per endpoint (an endpoint documented twice is one), and one per path
    # that only examples show (`/me/drive/root/children`)
    methods = len(model.endpoints) - len(ctx.copies) + len(example_paths(model))
    assert sum(len(a.methods) for a in ctx.areas) == methods
    names = [m.name for a in ctx.areas for m in a.methods]
    assert [n for n in names if re.search(r"_[0-9]+$", n)] == []  # never a numeric suffix
    probe = (
        "from graph_client import Client, AsyncClient\n"
        "from graph_client._http import AsyncApi, SyncApi\n"
        "client, aclient = Client(), AsyncClient()\n"
        "for area in Client._areas:\n"
        "    assert isinstance(getattr(client, area), SyncApi)\n"
        "    assert isinstance(getattr(aclient, area), AsyncApi)\n"
        "import graph_client.models as m\n"
        "print(len(Client._areas))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path / "client", capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == len(ctx.areas)
    checked = subprocess.run(  # the whole package, as strictly as a user's CI may check it
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "graph_client"],
        cwd=tmp_path / "client",
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout[-3000:]


def test_package_setting_is_made_importable(groups_model: ApiModel) -> None:
    files = client_target(groups_model, {"package": "my-api"})
    assert any(path.startswith("client/my_api/") for path in files)


def test_model_constructors_take_an_enum_as_a_string_under_mypy_strict(tmp_path: Path) -> None:
    """Enums are open: `Body(content_type="html")` type-checks (`mypy --strict`) as
    `Body(content_type=Kind.HTML)` does, and reading gives the enum; a DateTimeOffset
    field is a `datetime` to mypy too."""
    kind = Enum("x.kind", "x", "kind", (EnumMember("text"), EnumMember("html")), False, "", SRC)
    body = _resource(
        "x.body",
        None,
        Property("contentType", TypeRef("x.kind", ENUM)),
        Property("sentAt", TypeRef("Edm.DateTimeOffset", PRIMITIVE)),
    )
    model = ApiModel(1, "x", ("https://example.test/v1",), 1, (body,), (kind,), (), (), ())
    for _, _, package in _importable(model, tmp_path, "enum_client"):
        assert package.models.Body(content_type="html").content_type is package.models.Kind.HTML
        usage = tmp_path / "usage.py"
        usage.write_text(
            "from datetime import UTC, datetime\n\n"
            "from enum_client.models import Body, Kind\n\n"
            'a = Body(content_type="html", sent_at=datetime.now(UTC))\n'
            "b = Body(content_type=Kind.TEXT)\n"
            "c: Kind | str | None = a.content_type\n"
            "d: datetime | None = a.sent_at\n",
            encoding="utf-8",
        )
        checked = subprocess.run(
            [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(usage)],
            cwd=tmp_path / "client",
            capture_output=True,
            text=True,
            env={**os.environ, "MYPYPATH": str(tmp_path / "client")},
        )
        assert checked.returncode == 0, checked.stdout


def test_date_time_guid_duration_and_binary_fields_are_typed_and_round_trip(tmp_path: Path) -> None:
    """Fields hold `datetime`, `date`, `time`, `timedelta`, `UUID`, `bytes`; each writes back
    as the very text it was read from; a value that does not parse is kept, with a warning."""
    import datetime as dt
    import uuid
    import warnings

    kinds = {
        "at": "Edm.DateTimeOffset",
        "on": "Edm.Date",
        "clock": "Edm.TimeOfDay",
        "lasts": "Edm.Duration",
        "key": "Edm.Guid",
        "data": "Edm.Binary",
    }
    props = [Property(name, TypeRef(kind, PRIMITIVE)) for name, kind in kinds.items()]
    thing = _resource("x.thing", None, *props)
    model = ApiModel(1, "x", ("https://example.test/v1",), 1, (thing,), (), (), (), ())
    wire = {
        "at": "2019-02-01T00:00:00.0000000Z",
        "on": "2020-01-31",
        "clock": "08:30:00.0000000",
        "lasts": "PT1H30M",
        "key": "02BD9FD6-8F93-4758-87C3-1FB73740A315",
        "data": "aGVsbG8=",
    }
    for _, _, package in _importable(model, tmp_path, "typed_client"):
        parsed = package.models.Thing.model_validate(wire)
        assert parsed.at == dt.datetime(2019, 2, 1, tzinfo=dt.UTC)
        assert (parsed.on, parsed.clock) == (dt.date(2020, 1, 31), dt.time(8, 30))
        assert parsed.lasts == dt.timedelta(hours=1, minutes=30)
        assert parsed.key == uuid.UUID(wire["key"]) and parsed.data == b"hello"
        assert parsed.to_wire() == wire  # the very text, 7 digits and upper case included
        made = package.models.Thing(at=dt.datetime(2020, 5, 1, 12, tzinfo=dt.UTC))
        assert made.to_wire() == {"at": "2020-05-01T12:00:00Z"}
        fresh = package.models.Thing(lasts=dt.timedelta(days=1, seconds=5), data=b"hi")
        assert fresh.to_wire() == {"lasts": "P1DT5S", "data": "aGk="}
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            loose = package.models.Thing.model_validate({"at": "datetime-value"})
        assert loose.at == "datetime-value" and loose.to_wire() == {"at": "datetime-value"}
        assert [w.category.__name__ for w in seen] == ["WireValueWarning"]


def test_areas_that_differ_only_by_case_are_one() -> None:
    """`/directoryRoles` and `/directoryroles/{id}` (the docs spell it both ways): one area,
    named as the spelling with the most endpoints."""
    from generator.emit.naming import operation_names

    endpoints = (
        _endpoint(
            "GET", "/directoryRoles", response=ResponseSpec(200, ref("x.role", collection=True))
        ),
        _endpoint("POST", "/directoryRoles", response=ResponseSpec(201, ref("x.role"))),
        _endpoint("GET", "/directoryroles/{id}", Parameter("id", "path")),
    )
    model = ApiModel(1, "x", ("https://example.test/v1",), 1, (), (), endpoints, (), ())
    assert {op.area for op in operation_names(model).values()} == {"directory_roles"}


def test_every_get_of_a_resource_takes_the_odata_options(groups: Generated) -> None:
    """Whether or not its page lists them: `select` and `expand` on a GET of one entity,
    and on a collection also `filter`, `orderby`, `top`, `skip`, `count`, `search`."""
    import inspect

    api = groups.package.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    collection = {"select", "expand", "filter", "orderby", "top", "skip", "count", "search"}
    assert collection <= set(inspect.signature(api.groups.list_groups).parameters)
    assert {"select", "expand"} <= set(inspect.signature(api.groups.get_group).parameters)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": "g"})

    client = groups.package.Client(transport=httpx.MockTransport(handler))
    client.groups.get_group("g", expand=["members", "owners"], select="id")
    assert dict(seen[0].url.params) == {"$expand": "members,owners", "$select": "id"}
    client.groups.list_groups(count=True, consistency_level="eventual")
    assert seen[1].headers["ConsistencyLevel"] == "eventual"
    assert dict(seen[1].url.params) == {"$count": "true"}


def test_packages_are_named_after_the_doc_sets_own_namespace() -> None:
    """A doc set without a config keeps the built-in default namespace; its types say
    whose API it is: `contoso.widget` makes `contoso_client` and `contoso_server`."""
    from generator.emit.server import server_package

    widget = _resource("contoso.widget", None, Property("name", STR))
    model = ApiModel(
        1, "microsoft.graph", ("https://api.contoso.test/v2",), 1, (widget,), (), (), (), ()
    )
    assert build_context(model).package == "contoso_client"
    assert server_package(model, {}) == "contoso_server"
    assert build_context(model, package="mine").package == "mine"
