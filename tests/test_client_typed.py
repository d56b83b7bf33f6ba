"""The client as its users meet it: names without numeric suffixes, the paths the
examples show, models imported on first use, and options typed by property names
(checked by mypy --strict over the generated package and a usage script)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.emit.client import build_context, copies
from generator.emit.naming import operation_names
from generator.emit.navigation import example_paths
from generator.model.types import (
    ApiModel,
    Example,
    ExampleRequest,
    Parameter,
    ResponseSpec,
)
from generator.pipeline.run import load_model
from tests.conftest import GROUPS
from tests.test_client import SRC, _endpoint, _importable, ref

BASE = ("https://example.test/v1",)


def _model(*endpoints: object, examples: tuple[Example, ...] = ()) -> ApiModel:
    return ApiModel(1, "x", BASE, 1, (), (), tuple(endpoints), examples, ())  # type: ignore[arg-type]


def _names(model: ApiModel) -> dict[str, str]:
    return {eid: op.name for eid, op in operation_names(model).items()}


def test_names_that_would_clash_take_the_segment_that_tells_them_apart() -> None:
    """No `_2`: the shortest path keeps the name; a key (`by_calendar_id`), a function's
    arguments (`with_width_height`) or a literal (`in_history`) goes into the other."""
    one = ResponseSpec(200, ref("x.thing"))
    names = _names(
        _model(
            _endpoint("GET", "/me/calendar/events/{event-id}", response=one),
            _endpoint("GET", "/me/calendars/{calendar-id}/events/{event-id}", response=one),
            _endpoint("GET", "/me/charts/{c}/image", response=one),
            _endpoint("GET", "/me/charts/{c}/image(width={w})", response=one),
            _endpoint("GET", "/me/charts/{c}/image(width={w},height={h})", response=one),
            _endpoint("GET", "/reports/getUsage(period='{p}')"),
            _endpoint("GET", "/reports/getUsage(date={d})"),
        )
    )
    assert names == {
        "GET /me/calendar/events/{event-id}": "get_calendar_event",
        "GET /me/calendars/{calendar-id}/events/{event-id}": "get_calendar_event_by_calendar_id",
        "GET /me/charts/{c}/image": "get_chart_image",
        "GET /me/charts/{c}/image(width={w})": "get_chart_image_with_width",
        "GET /me/charts/{c}/image(width={w},height={h})": "get_chart_image_with_width_height",
        # (a function's verb is not said twice: `get_usage`, not `get_get_usage`)
        "GET /reports/getUsage(date={d})": "get_usage",
        "GET /reports/getUsage(period='{p}')": "get_usage_with_period",
    }


def test_an_endpoint_documented_twice_is_one_method() -> None:
    """`/users/{usersId}` on one page, `/users/{user-id}` on another: one `get_user`, made
    from the one with a typed response; the copy's examples call it."""
    typed = _endpoint("GET", "/users/{user-id}", Parameter("user-id", "path"))
    typed = typed.__class__(**{**typed.__dict__, "response": ResponseSpec(200, ref("x.user"))})
    model = _model(_endpoint("GET", "/users/{usersId}"), typed)
    assert copies(model) == {"GET /users/{usersId}": "GET /users/{user-id}"}
    ctx = build_context(model)
    assert [m.name for a in ctx.areas for m in a.methods] == ["get_user"]
    assert ctx.method("GET /users/{usersId}")[1].endpoint == "GET /users/{user-id}"


def _example(method: str, path: str, endpoint: str, values: dict[str, str]) -> Example:
    request = ExampleRequest(method, path, path, "", (), None, False, None, SRC)
    return Example(
        id=path,
        name=None,
        endpoint=endpoint,
        path_values=tuple(values.items()),
        request=request,
        response=None,
        inferred=False,
        source=SRC,
        read_as="(read as another form)",
    )


def test_a_path_only_an_example_shows_gets_a_method() -> None:
    """`GET /me/drive/root/children`, tied to `/me/drive/items/{item-id}/children`: `root`
    does not stand where the item id does, so it is a navigation of its own, reachable
    as `me.list_root_children()`. A key where the template has it stays a key; a
    segment that is no navigation (`$count`, a cast, a call) gives no method."""
    listed = "GET /me/drive/items/{item-id}/children"
    children = _endpoint(
        "GET",
        "/me/drive/items/{item-id}/children",
        Parameter("item-id", "path"),
        response=ResponseSpec(200, ref("x.item", collection=True)),
    )
    examples = (
        _example("GET", "/me/drive/root/children", listed, {"item-id": "root"}),
        _example("GET", "/me/drive/items/abc/children", listed, {"item-id": "abc"}),
        _example("GET", "/me/drive/items/abc/children/$count", listed, {"item-id": "abc"}),
    )
    model = _model(children, examples=examples)
    derived = example_paths(model)
    assert [(e.method, e.path) for e in derived] == [("GET", "/me/drive/root/children")]
    ctx = build_context(model)
    methods = {m.name: m for a in ctx.areas for m in a.methods}
    assert set(methods) == {"list_item_children", "list_root_children"}
    assert methods["list_root_children"].path_args == ()


@pytest.fixture(scope="module")
def groups_client(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("typed")
    for _, _, package in _importable(load_model(GROUPS), root, "typed_client"):
        yield root / "client", package


def test_a_model_imports_its_bases_and_nothing_it_only_names(groups_client) -> None:  # type: ignore[no-untyped-def]
    """`models.Group` imports `group.py` and its bases' modules; the models its fields
    name are imported when it first validates (then nested values parse into them), and
    a payload naming a subclass not imported yet still parses into it."""
    root, _ = groups_client
    probe = (
        "import sys\n"
        "from typed_client.models import Group\n"
        "loaded = lambda: sorted(m.rsplit('.', 1)[1] for m in sys.modules"
        " if m.startswith('typed_client.models.'))\n"
        "print(loaded())\n"
        "g = Group.model_validate({'id': 'g', 'threads': [{'id': 't', 'posts': [{'id': 'p'}]}]})\n"
        "print(type(g.threads[0]).__name__, type(g.threads[0].posts[0]).__name__)\n"
        "from typed_client.models import DirectoryObject\n"
        "print(type(DirectoryObject.model_validate({'@odata.type': '#microsoft.graph.group'}))"
        ".__name__)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    first, nested, polymorphic = done.stdout.splitlines()
    assert first == "['directory_object', 'entity', 'group']"
    assert nested == "ConversationThread Post"
    assert polymorphic == "Group"


def test_property_name_options_are_sent_as_odata_text(groups_client) -> None:  # type: ignore[no-untyped-def]
    """`select`/`orderby`/`expand` take property names; `Desc` sorts descending and
    `Expand` expands with options of its own."""
    _, package = groups_client
    from importlib import import_module

    http = import_module("typed_client._http")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"value": []})

    client = package.Client(transport=httpx.MockTransport(handler))
    client.groups.list_groups(
        select=["id", "displayName"],
        orderby=[http.Desc("createdDateTime"), "displayName"],
        expand=http.Expand("members", select=["id"], top=5),
    )
    assert dict(seen[0].url.params) == {
        "$select": "id,displayName",
        "$orderby": "createdDateTime desc,displayName",
        "$expand": "members($select=id;$top=5)",
    }


USAGE = '''\
"""Every typed feature of the generated client, as a user writes it."""

from __future__ import annotations

import asyncio
from datetime import datetime

from typed_client import ApiError, AsyncClient, Client, Desc, Expand, Page
from typed_client.models import Group, GroupPropertyName


def sync(client: Client) -> None:
    groups: Page[Group] = client.groups.list_groups(
        select=["id", "displayName"], orderby=Desc("displayName"), top=5, count=True,
        consistency_level="eventual",
    )
    for group in client.iterate(groups):
        created: datetime | None = group.created_date_time
        print(group.display_name, created)
    one = client.groups.get_group("g", expand=Expand("members", select=["id"]))
    wanted: list[GroupPropertyName] = ["id", "mail"]
    client.groups.get_group("g", select=wanted)
    try:
        client.groups.create_group(body=Group(display_name="x"))
    except ApiError as error:
        print(error.status_code, error.code)
    print(one.id)


async def asynchronous(client: AsyncClient) -> None:
    page = await client.groups.list_groups(filter="startswith(displayName,'a')")
    async for group in client.iterate(page):
        print(group.id)


def main() -> None:
    sync(Client(auth=lambda: "token"))
    asyncio.run(asynchronous(AsyncClient(auth=lambda: "token")))
'''
TYPOS = """\
from typed_client import Client, Desc


def typos(client: Client) -> None:
    client.groups.list_groups(select=["displayNme"])
    client.groups.list_groups(orderby=Desc("createdDate"))
"""


def _mypy(root: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *targets],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "MYPYPATH": str(root)},
        check=False,
    )


def test_mypy_strict_accepts_the_package_and_its_usage_and_rejects_a_typo(groups_client) -> None:  # type: ignore[no-untyped-def]
    root, _ = groups_client
    (root / "usage.py").write_text(USAGE, encoding="utf-8")
    (root / "typos.py").write_text(TYPOS, encoding="utf-8")
    checked = _mypy(root, "typed_client", "usage.py")
    assert checked.returncode == 0, checked.stdout
    rejected = _mypy(root, "typos.py")
    assert rejected.returncode == 1
    errors = [line for line in rejected.stdout.splitlines() if ": error:" in line]
    assert [line.split(":")[1] for line in errors] == ["5", "6"], rejected.stdout
    assert "'displayNme'" in errors[0] and "'createdDate'" in errors[1]


def _batching_model() -> ApiModel:
    from generator.model.types import Property, Resource, TypeRef

    text = TypeRef("Edm.String", "primitive")
    user = Resource(
        "x.user",
        "x",
        "user",
        None,
        "id",
        True,
        False,
        "",
        (Property("id", text), Property("displayName", text)),
        SRC,
    )
    get = _endpoint(
        "GET", "/users/{id}", Parameter("id", "path"), response=ResponseSpec(200, ref("x.user"))
    )
    batch = _endpoint("POST", "/$batch")
    return ApiModel(1, "x", BASE, 1, (user,), (), (get, batch), (), ())


def _batch_service(request: httpx.Request) -> httpx.Response:
    """`POST /$batch` answered as a service does: each request's response, by id."""
    import json

    assert request.url.path == "/v1/$batch"
    answers = []
    for asked in json.loads(request.content)["requests"]:
        key = asked["url"].rsplit("/", 1)[-1]
        if key == "nobody":
            answers.append(
                {"id": asked["id"], "status": 404, "body": {"error": {"code": "NotFound"}}}
            )
        else:
            answers.append(
                {"id": asked["id"], "status": 200, "body": {"id": key, "displayName": key.upper()}}
            )
    return httpx.Response(200, json={"responses": list(reversed(answers))})


def test_json_batching_takes_the_clients_own_typed_calls(tmp_path: Path) -> None:
    """Where the docs describe `POST /$batch`: `client.batch()` records calls of the client's
    own methods, sends them as one request (20 a request at most), and each gives its typed
    result or raises its error. A client of docs without `$batch` has no `batch()`."""
    import asyncio

    for _, _, package in _importable(_batching_model(), tmp_path, "batch_client"):
        client = package.Client(transport=httpx.MockTransport(_batch_service))
        batch = client.batch()
        calls = [batch.add(lambda c, n=n: c.users.get_user(f"u{n}")) for n in range(25)]
        missing = batch.add(lambda c: c.users.get_user("nobody"))
        batch.send()
        assert [call.result().display_name for call in calls[:2]] == ["U0", "U1"]
        assert type(calls[24].result()).__name__ == "User"
        with pytest.raises(package.ApiError) as error:
            missing.result()
        assert error.value.status_code == 404

        async def asynchronous(aclient: Any) -> str | None:
            abatch = aclient.batch()
            one = abatch.add(lambda c: c.users.get_user("a"))
            await abatch.send()
            return one.result().display_name  # type: ignore[no-any-return]

        aclient = package.AsyncClient(transport=httpx.MockTransport(_batch_service))
        assert asyncio.run(asynchronous(aclient)) == "A"
        usage = tmp_path / "client" / "batched.py"
        usage.write_text(
            "from batch_client import Client\n"
            "from batch_client.models import User\n\n\n"
            "def typed(client: Client) -> User:\n"
            "    batch = client.batch()\n"
            '    one = batch.add(lambda c: c.users.get_user("1"))\n'
            "    batch.send()\n"
            "    return one.result()\n",
            encoding="utf-8",
        )
        checked = _mypy(tmp_path / "client", "batch_client", "batched.py")
        assert checked.returncode == 0, checked.stdout
    from generator.emit.client import client_target

    plain = client_target(load_model(GROUPS), package="plain")["client/plain/client.py"]
    assert "def batch" not in plain and "import AsyncCore, SyncCore" in plain


def test_an_endpoint_documented_in_another_case_is_one_method() -> None:
    """The seed page writes `/groups/{id}/Conversations/{id}/Threads`, another page the
    same path in lowerCamel: one method, made from the lowerCamel one; on the sample, no
    name carries a numeric suffix."""
    model = load_model(GROUPS)
    ctx = build_context(model)
    names = {m.name: m for a in ctx.areas for m in a.methods}
    assert not [n for n in names if n[-1].isdigit()]
    endpoint = next(
        e for e in model.endpoints if e.id == names["create_conversation_thread"].endpoint
    )
    assert endpoint.path == "/groups/{group-id}/conversations/{conversation-id}/threads"
