"""The stateful twin (`generator/emit/twin.py`, `docgen serve --mode stateful`): its
query engine (`odata.py`) and value repair (`values.py`) as units, and CRUD flows on
the sample over HTTP."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.emit.odata import ODataError, listed, order, parse_filter, query_options
from generator.emit.shapes import Types
from generator.emit.values import Values
from generator.model.types import ApiModel
from generator.pipeline.run import load_model
from generator.serve import running, stub_app

GROUPS = Path(__file__).resolve().parent.parent / "samples" / "groups"
DOCUMENTED_GROUP = "02bd9fd6-8f93-4758-87c3-1fb73740a315"

PEOPLE = [
    {"id": "1", "name": "Ada", "age": 36, "city": {"name": "London"}, "admin": True},
    {"id": "2", "name": "alan", "age": 41, "city": {"name": "Wilmslow"}, "admin": False},
    {"id": "3", "name": "Grace", "age": 85, "city": None, "admin": False},
]


def _ids(items: list[dict[str, Any]]) -> list[str]:
    return [i["id"] for i in items]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("name eq 'ada'", ["1"]),  # strings compare without case, as the directory does
        ("age gt 40", ["2", "3"]),
        ("age ge 41 and admin eq false", ["2", "3"]),
        ("age lt 40 or name eq 'Grace'", ["1", "3"]),
        ("not (age lt 40)", ["2", "3"]),
        ("name ne 'Ada'", ["2", "3"]),
        ("startswith(name, 'a')", ["1", "2"]),
        ("endswith(name,'CE')", ["3"]),
        ("contains(name, 'la')", ["2"]),
        ("city/name eq 'London'", ["1"]),
        ("city eq null", ["3"]),
        ("id in ('1', '3')", ["1", "3"]),
        ("name eq 'O''Brien'", []),
    ],
)
def test_filter(expression: str, expected: list[str]) -> None:
    keep = parse_filter(expression)
    assert _ids([p for p in PEOPLE if keep(p)]) == expected


@pytest.mark.parametrize(
    "expression",
    ["name eq", "(age gt 3", "frobnicate(name, 'x')", "members/any(m:m eq 'x')", "name 'x'"],
)
def test_a_filter_the_twin_cannot_read_is_a_400(expression: str) -> None:
    with pytest.raises(ODataError) as raised:
        parse_filter(expression)
    assert raised.value.status == 400 and "$filter" in raised.value.message


def test_orderby_select_and_paging() -> None:
    assert _ids(order(list(PEOPLE), "age desc")) == ["3", "2", "1"]
    assert _ids(order(list(PEOPLE), "city/name")) == ["1", "2", "3"]  # missing last
    many = [{"id": str(i), "n": i} for i in range(250)]
    page, count, following = listed(many, {"$orderby": "n desc"})
    assert (len(page), count, following, page[0]["n"]) == (100, 250, 100, 249)
    page, _, following = listed(many, {"$skiptoken": "200"})
    assert (_ids(page)[0], len(page), following) == ("200", 50, None)
    page, count, following = listed(many, {"$top": "3", "$filter": "n ge 10"})
    assert (_ids(page), count, following) == (["10", "11", "12"], 240, 3)  # $top: page size
    page, _, following = listed(many, {"$top": "3", "$filter": "n ge 10", "$skiptoken": "237"})
    assert (_ids(page), following) == (["247", "248", "249"], None)
    with pytest.raises(ODataError, match=r"\$top must be a whole number"):
        listed(many, {"$top": "-1"})


def test_unsupported_options_are_named_and_function_parameters_are_not_options() -> None:
    assert query_options([("$TOP", "2"), ("period", "D7")]) == {"$top": "2"}
    with pytest.raises(ODataError, match=r"\$apply is not supported"):
        query_options([("$apply", "groupby((name))")])


TYPES = {
    "resources": {
        "ns.event": {
            "base": None,
            "abstract": False,
            "properties": [
                ["id", "Edm.String", False, False],
                ["start", "Edm.DateTimeOffset", False, False],
                ["owner", "Edm.Guid", False, False],
                ["allDay", "Edm.Boolean", False, False],
                ["kind", "ns.kind", False, False],
                ["tags", "Edm.Int32", True, False],
                ["place", "ns.place", False, False],
            ],
        },
        "ns.place": {"base": None, "abstract": False, "properties": [["at", "Edm.Date", 0, 0]]},
    },
    "enums": {"ns.kind": {"members": ["single", "series"], "flags": False}},
}


def test_documented_values_that_do_not_fit_their_type_are_repaired() -> None:
    """`"datetime-value"`, `"Boolean"`, `"id-value"` for a GUID: replaced with valid values,
    each place named; values that fit are left as the docs wrote them."""
    values = Values(Types(TYPES))
    event = {
        "id": "x",
        "start": "datetime-value",
        "owner": "id-value",
        "allDay": "Boolean",
        "kind": "series",
        "tags": [1, "two"],
        "place": {"at": "2020-01-31"},
    }
    repaired = values.repair(event, "ns.event", "")
    assert repaired == ["start", "owner", "allDay", "tags[1]"]
    assert event["start"] == "2000-01-01T00:00:00Z" and event["allDay"] is False
    assert event["kind"] == "series" and event["place"] == {"at": "2020-01-31"}
    assert values.repair(event, "ns.event", "") == []
    assert values.problem({"allDay": "yes"}, "ns.event")
    assert "not a property" in str(values.problem({"color": "red"}, "ns.event"))
    assert values.problem({"start": "2021-05-01T10:00:00Z"}, "ns.event") is None


@pytest.fixture(scope="module")
def groups_model() -> ApiModel:
    return load_model(GROUPS)


@pytest.fixture
def twin(groups_model: ApiModel) -> Iterator[Any]:
    from fastapi.testclient import TestClient  # (starlette's, on httpx)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with TestClient(stub_app(groups_model, mode="stateful"), base_url="http://twin") as client:
            yield client


def test_create_get_patch_list_filter_delete_a_group(twin: Any) -> None:
    documented = twin.get("/v1.0/groups").json()["value"]
    assert documented  # seeded from the docs' examples
    made = twin.post("/v1.0/groups", json={"displayName": "Twin", "mailEnabled": False})
    assert made.status_code == 201
    group = made.json()
    assert group["id"] and group["displayName"] == "Twin" and group["createdDateTime"]
    assert made.headers["location"] == f"http://twin/v1.0/groups/{group['id']}"
    assert made.headers["request-id"]
    assert twin.get(f"/v1.0/groups/{group['id']}").json() == group
    assert twin.get(f"/v1.0/groups/{group['id']}?$select=displayName").json() == {
        "id": group["id"],
        "displayName": "Twin",
    }
    found = twin.get("/v1.0/groups", params={"$filter": "displayName eq 'twin'", "$count": "true"})
    assert found.json()["@odata.count"] == 1 and _ids(found.json()["value"]) == [group["id"]]
    bad = twin.post("/v1.0/groups", json={"displayName": "X", "mailEnabled": "no"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "BadRequest"
    assert twin.get("/v1.0/groups?$levels=2").json()["error"]["message"] == (
        "The query option $levels is not supported."
    )
    listed_now = _ids(twin.get("/v1.0/groups").json()["value"])
    assert listed_now == [*_ids(documented), group["id"]]
    counted = twin.get("/v1.0/groups/$count", headers={"ConsistencyLevel": "eventual"})
    assert counted.text == str(len(listed_now))
    assert counted.headers["content-type"].startswith("text/plain")
    assert twin.delete(f"/v1.0/groups/{group['id']}").status_code == 405  # not documented


def test_a_thread_created_under_a_group_is_listed_under_that_group_only(twin: Any) -> None:
    group = twin.post("/v1.0/groups", json={"displayName": "Threads"}).json()["id"]
    body = {"topic": "Hello", "posts": [{"body": {"contentType": "html", "content": "Hi"}}]}
    made = twin.post(f"/v1.0/groups/{group}/threads", json=body)
    assert made.status_code == 201
    thread = made.json()["id"]
    assert _ids(twin.get(f"/v1.0/groups/{group}/threads").json()["value"]) == [thread]
    documented = twin.get(f"/v1.0/groups/{DOCUMENTED_GROUP}/threads").json()["value"]
    assert thread not in _ids(documented)
    patched = twin.patch(f"/v1.0/groups/{group}/threads/{thread}", json={"topic": "Bye"})
    assert patched.status_code in (200, 204)
    assert twin.get(f"/v1.0/groups/{group}/threads/{thread}").json()["topic"] == "Bye"
    assert twin.delete(f"/v1.0/groups/{group}/threads/{thread}").status_code == 204
    missing = twin.get(f"/v1.0/groups/{group}/threads/{thread}")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "NotFound"
    assert twin.post("/v1.0/groups/no-such-group/threads", json=body).status_code == 404


def test_documented_values_are_repaired_in_answers_and_reset_forgets(twin: Any) -> None:
    """The sample's list-threads example answers `"lastDeliveredDateTime":
    "datetime-value"` (for a request on `/groups/{id}/threads`, as the docs write it)."""
    answer = twin.get("/v1.0/groups/{id}/threads")
    assert "lastDeliveredDateTime" in answer.headers["x-docgen-repaired"]
    for thread in answer.json()["value"]:
        assert thread["lastDeliveredDateTime"] != "datetime-value"
    made = twin.post("/v1.0/groups", json={"displayName": "Gone"}).json()["id"]
    assert twin.post("/_docgen/reset").status_code == 204
    assert twin.get(f"/v1.0/groups/{made}").status_code == 404


def test_examples_mode_is_unchanged(groups_model: ApiModel) -> None:
    """The default mode answers with the documented example, whatever was sent before."""
    from fastapi.testclient import TestClient

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client = TestClient(stub_app(groups_model))
    made = client.post("/v1.0/groups", json={"displayName": "Twin"})
    assert made.status_code == 201 and made.headers.get("x-docgen-example")
    assert client.get("/v1.0/groups/whatever").headers.get("x-docgen-example")
    assert client.post("/_docgen/reset").status_code == 404


def test_a_twin_runs_in_process_on_a_free_port(groups_model: ApiModel) -> None:
    """`generator.serve.running`: what a test suite's fixture starts and resets."""
    with running(groups_model) as served:
        assert served.base_url.endswith("/v1.0")
        made = httpx.post(f"{served.base_url}/groups", json={"displayName": "Live"})
        assert made.status_code == 201
        group = made.json()["id"]
        assert httpx.get(f"{served.base_url}/groups/{group}").json()["displayName"] == "Live"
        served.reset()
        assert httpx.get(f"{served.base_url}/groups/{group}").status_code == 404


def test_an_alias_leads_to_the_entity_it_stands_for(tmp_path: Path) -> None:
    """`/me` stands for `/users/{id}`: the documented `GET /me` answer is a user of
    `/users`, and what is created under `/me` is there under `/users/<its id>`."""
    from generator.config import load_config
    from tests.test_aliases import USER, _method

    pages = {
        "resources/user.md": USER,
        "api/user-get.md": _method(["GET /me", "GET /users/{id}"], example="/me"),
        "api/user-list-events.md": _method(["GET /me/events", "GET /users/{id}/events"]).replace(
            "object in the response", "collection in the response"
        ),
        "api/user-post-events.md": _method(["POST /me/events", "POST /users/{id}/events"]),
    }
    for rel, text in pages.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    model = load_model(tmp_path, load_config(tmp_path, aliases={"/me": "/users/{id}"}))
    assert [(a.prefix, a.target) for a in model.aliases] == [("/me", "/users/{id}")]
    from fastapi.testclient import TestClient

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client = TestClient(stub_app(model, mode="stateful"))
    assert client.get("/v1.0/me").json()["id"] == "1"
    assert client.get("/v1.0/users/1").json()["id"] == "1"
    made = client.post("/v1.0/me/events", json={"id": "e1"})
    assert made.status_code == 200  # as documented (the service's own is 201)
    assert made.headers["location"].endswith("/v1.0/users/1/events/e1")
    assert _ids(client.get("/v1.0/users/1/events").json()["value"]) == ["e1"]
    assert _ids(client.get("/v1.0/me/events").json()["value"]) == ["e1"]


def test_a_documented_answer_the_twin_gives_is_repaired_too() -> None:
    """Actions and functions get their documented answer: repaired, where it names where."""
    from generator.emit.twin import Twin

    twin = Twin([], {}, Types(TYPES))
    body = {"value": [{"id": "a", "start": "datetime-value"}, {"id": "b"}]}
    fixed, places = twin.repaired(body, "ns.event", True)
    assert places == ["value[0].start"] and fixed["value"][0]["start"] == "2000-01-01T00:00:00Z"
    assert body["value"][0]["start"] == "datetime-value"  # the documented body is kept
    assert twin.repaired({"id": "c", "allDay": "Boolean"}, "ns.event", False)[1] == ["allDay"]
    assert twin.repaired({"x": 1}, "Edm.String", False) == ({"x": 1}, [])


def _collection(syntax: list[str], returns: str) -> str:
    from tests.test_aliases import _method

    return _method(syntax, returns=returns).replace("object in the response", "collection in")


def test_references_add_and_remove_entities_of_other_collections(tmp_path: Path) -> None:
    """`POST .../members/$ref` with an `@odata.id` lists an entity the twin has under the
    relationship; `DELETE .../members/{id}/$ref` takes it out again (the user stays)."""
    from generator.config import load_config
    from tests.test_aliases import USER, _method

    pages = {
        "resources/user.md": USER,
        "resources/group.md": USER.replace("user", "group"),
        "api/group-list.md": _collection(["GET /groups"], "group"),
        "api/group-post.md": _method(["POST /groups"], returns="group"),
        "api/user-list.md": _collection(["GET /users"], "user"),
        "api/user-post.md": _method(["POST /users"]),
        "api/user-get.md": _method(["GET /users/{id}"]),
        "api/group-list-members.md": _collection(["GET /groups/{id}/members"], "user"),
        "api/group-add-member.md": _method(["POST /groups/{id}/members/$ref"]),
        "api/group-remove-member.md": _method(["DELETE /groups/{id}/members/{user-id}/$ref"]),
    }
    for rel, text in pages.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    from fastapi.testclient import TestClient

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client = TestClient(stub_app(load_model(tmp_path, load_config(tmp_path)), mode="stateful"))
    group = client.post("/v1.0/groups", json={}).json()["id"]
    user = client.post("/v1.0/users", json={}).json()["id"]
    ref = {"@odata.id": f"https://api.test/v1.0/users/{user}"}
    assert client.post(f"/v1.0/groups/{group}/members/$ref", json=ref).status_code == 204
    assert _ids(client.get(f"/v1.0/groups/{group}/members").json()["value"]) == [user]
    again = client.post(f"/v1.0/groups/{group}/members/$ref", json=ref)
    assert again.status_code == 400
    assert client.delete(f"/v1.0/groups/{group}/members/{user}/$ref").status_code == 204
    assert client.get(f"/v1.0/groups/{group}/members").json()["value"] == []
    assert client.get(f"/v1.0/users/{user}").status_code == 200
    gone = {"@odata.id": "https://api.test/v1.0/users/nobody"}
    assert client.post(f"/v1.0/groups/{group}/members/$ref", json=gone).status_code == 404
    # a member of another type than the relationship lists says which (as the service does)
    other = client.post("/v1.0/groups", json={}).json()["id"]
    nested = {"@odata.id": f"https://api.test/v1.0/groups/{other}"}
    assert client.post(f"/v1.0/groups/{group}/members/$ref", json=nested).status_code == 204
    (member,) = client.get(f"/v1.0/groups/{group}/members").json()["value"]
    assert member["id"] == other and member["@odata.type"].endswith(".group")


def test_a_json_batch_answers_each_request_in_order(twin: Any) -> None:
    batch = {
        "requests": [
            {"id": "1", "method": "POST", "url": "/groups", "body": {"displayName": "Batch"}},
            {"id": "2", "method": "GET", "url": "/groups?$filter=displayName eq 'Batch'"},
            {"id": "3", "method": "GET", "url": "groups/no-such-group"},
        ]
    }
    answer = twin.post("/v1.0/$batch", json=batch)
    assert answer.status_code == 200
    made, found, missing = answer.json()["responses"]
    assert (made["id"], made["status"], made["body"]["displayName"]) == ("1", 201, "Batch")
    assert _ids(found["body"]["value"]) == [made["body"]["id"]]
    assert (missing["status"], missing["body"]["error"]["code"]) == (404, "NotFound")
    too_many = {"requests": [{"id": str(i), "url": "/groups"} for i in range(21)]}
    assert twin.post("/v1.0/$batch", json=too_many).status_code == 400


def test_an_entity_with_an_etag_answers_with_it_and_a_write_changes_it(twin: Any) -> None:
    group = twin.post("/v1.0/groups", json={"displayName": "Tagged"}).json()["id"]
    made = twin.post(f"/v1.0/groups/{group}/threads", json={"topic": "T", "@odata.etag": "x"})
    thread = made.json()["id"]
    first = made.headers["etag"]
    assert first.startswith('W/"') and made.json()["@odata.etag"] == first
    assert twin.get(f"/v1.0/groups/{group}/threads/{thread}").headers["etag"] == first
    twin.patch(f"/v1.0/groups/{group}/threads/{thread}", json={"topic": "U"})
    after = twin.get(f"/v1.0/groups/{group}/threads/{thread}").headers["etag"]
    assert after.startswith('W/"') and after != first
    assert "etag" not in twin.get(f"/v1.0/groups/{group}").headers  # a group has none


def _route(method: str, template: str, collection: bool, examples: list[str]) -> dict[str, Any]:
    return {
        "endpoint": f"{method} {template}",
        "method": method,
        "template": template,
        "flexible": False,
        "status": 200,
        "response": {"type": "ns.event", "collection": collection},
        "examples": examples,
    }


def test_the_store_is_seeded_with_the_documented_entities_of_each_routes_type() -> None:
    """A `{"value": {...}}` answer for one entity is unwrapped; an entity of another type,
    or one whose kinds do not fit even once repaired, is not seeded (counted)."""
    from generator.emit.twin import Twin

    def answer(path: str, body: Any) -> dict[str, Any]:
        request = {"path": path, "query": "", "body": None}
        return {"request": request, "response": {"status": 200, "json": True, "body": body}}

    examples = {
        "wrapped": answer("/things/1", {"value": {"id": "1", "start": "datetime-value"}}),
        "other": answer("/things/2", {"@odata.type": "#ns.place", "id": "2"}),
        "unfit": answer("/things/3", {"id": "3", "tags": "not a list"}),
    }
    routes = [
        _route("GET", "/things", True, []),
        _route("GET", "/things/{thing-id}", False, list(examples)),
    ]
    twin = Twin(routes, examples, Types(TYPES))
    assert list(twin.store["/things"].entities) == ["1"]
    assert twin.store["/things"].entities["1"]["start"] == "2000-01-01T00:00:00Z"
    assert (twin.repairs, twin.unfit) == (1, 2)


def test_an_upload_session_takes_bytes_in_ranges_and_makes_an_entity() -> None:
    """A POST answering a type with an `uploadUrl` opens a session on the twin; the parts
    PUT there (`Content-Range`) end in an entity whose `$value` is the bytes."""
    from generator.emit.twin import Twin

    types = {
        "resources": {
            **TYPES["resources"],
            "ns.session": {
                "base": None,
                "abstract": False,
                "properties": [
                    ["uploadUrl", "Edm.String", 0, 0],
                    ["nextExpectedRanges", "Edm.String", 1, 0],
                ],
            },
        },
        "enums": TYPES["enums"],
    }
    session_route = _route("POST", "/things/{id}/attachments/createUploadSession", False, [])
    session_route["response"] = {"type": "ns.session", "collection": False}
    twin = Twin(
        [_route("GET", "/things/{id}/attachments", True, []), session_route], {}, Types(types)
    )
    link = lambda path, query: "http://twin" + path  # noqa: E731
    body = {"AttachmentItem": {"name": "a.txt", "size": 10}}
    opened = twin.answer(session_route, "/things/1/attachments/createUploadSession", [], body, link)
    assert opened is not None and opened.body["nextExpectedRanges"] == ["0-"]
    token = opened.body["uploadUrl"].rsplit("/", 1)[1]
    part = twin.upload(token, "bytes 0-3/10", b"0123", link)
    assert (part.status, part.body) == (202, {"nextExpectedRanges": ["4-"]})
    with pytest.raises(ODataError) as wrong:
        twin.upload(token, "bytes 5-9/10", b"56789", link)
    assert wrong.value.status == 416
    done = twin.upload(token, "bytes 4-9/10", b"456789", link)
    assert done.status == 201 and done.body["name"] == "a.txt" and done.body["size"] == 10
    key = done.body["id"]
    assert twin.media[f"/things/1/attachments/{key}/$value"][0] == b"0123456789"
    assert list(twin.store["/things/1/attachments"].entities) == [key]
    with pytest.raises(ODataError):
        twin.upload(token, "bytes 0-0/1", b"x", link)  # the session has ended


def test_a_twin_answers_with_an_example_of_the_documented_type_from_the_owner_page() -> None:
    """Of the examples tied to an action, a twin prefers one of the documented type, then
    one of the page that owns the endpoint; the examples mode takes the best match only."""
    from types import SimpleNamespace

    from generator.serve import runtime_module

    def example(page: str, body: Any) -> dict[str, Any]:
        request = {"path": "/things/1/act", "query": "", "body": None}
        response = {"status": 200, "json": True, "body": body, "headers": [], "contentType": None}
        return {"source": f"{page}:9", "request": request, "response": response}

    examples = {
        "wrapped": example("api/other.md", {"value": {"id": "1", "allDay": "no"}}),
        "elsewhere": example("api/else.md", {"id": "2"}),
        "owned": example("api/act.md", {"id": "3"}),
    }
    route = {
        **_route("POST", "/things/{id}/act", False, list(examples)),
        "page": "api/act.md",
        "head": "things",
        "slashes": 3,
    }
    data = {"routes": {"routes": [route], "aliases": []}, "examples": examples, "types": TYPES}
    runtime = runtime_module()
    call = SimpleNamespace(
        route=route, preferred_example=None, path="/things/1/act", query=[], body=None
    )
    assert runtime.Stub(data, "", "stateful").best_example(call).id == "owned"
    assert runtime.Stub(data, "", "examples").best_example(call).id == "wrapped"  # (first)


def test_content_put_to_an_item_makes_or_updates_the_item() -> None:
    """`PUT .../items/{id}/content` keeps the bytes and the item they belong to (made if
    it was not there, as the service does), which a GET of the item then finds."""
    from generator.emit.twin import Twin

    types = {
        "resources": {
            "ns.item": {
                "base": None,
                "abstract": False,
                "properties": [["id", "Edm.String", 0, 0], ["size", "Edm.Int64", 0, 0]],
            }
        },
        "enums": {},
    }
    put = _route("PUT", "/drives/{d}/items/{id}/content", False, [])
    get = _route("GET", "/drives/{d}/items/{id}", False, [])
    for route in (put, get):
        route["response"] = {"type": "ns.item", "collection": False}
    twin = Twin([put, get], {}, Types(types))
    link = lambda path, query: "http://twin" + path  # noqa: E731
    made = twin.answer(put, "/drives/d/items/new/content", [], b"hello", link)
    assert made is not None and (made.status, made.body) == (201, {"id": "new", "size": 5})
    again = twin.answer(put, "/drives/d/items/new/content", [], b"hi", link)
    assert again is not None and (again.status, again.body["size"]) == (200, 2)
    got = twin.answer(get, "/drives/d/items/new", [], None, link)
    assert got is not None and got.body == {"id": "new", "size": 2}
    assert twin.media["/drives/d/items/new/content"][0] == b"hi"
