"""Everyday flows with the API's official Python SDK (`msgraph-sdk`), run by
`tests/interop.py` in its own venv against a docgen stub: `python sdk_flows.py BASE_URL`.
Prints one line per flow (`ok NAME` or `FAIL NAME: why`); exit status 1 if any failed.
Not imported by docgen or its tests (the SDK is not a dependency)."""

from __future__ import annotations

import asyncio
import sys
import traceback
import uuid
from collections.abc import Awaitable, Callable

from kiota_abstractions.authentication import AnonymousAuthenticationProvider
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.models.conversation_thread import ConversationThread
from msgraph.generated.models.event import Event
from msgraph.generated.models.group import Group
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.password_profile import PasswordProfile
from msgraph.generated.models.post import Post
from msgraph.generated.models.reference_create import ReferenceCreate
from msgraph.generated.models.user import User


def client_for(base_url: str) -> GraphServiceClient:
    """The SDK pointed at `base_url`, with its own default HTTP client and middleware
    (which, among other things, turns the SDK's `/users/me-token-to-replace` into `/me`)."""
    adapter = GraphRequestAdapter(AnonymousAuthenticationProvider())
    adapter.base_url = base_url
    return GraphServiceClient(request_adapter=adapter)


def _new_group(name: str) -> Group:
    return Group(
        display_name=name,
        mail_enabled=False,
        mail_nickname=name.lower(),
        security_enabled=True,
        group_types=[],
    )


async def group_crud(graph: GraphServiceClient) -> None:
    name = f"Twin{uuid.uuid4().hex[:6]}"
    made = await graph.groups.post(_new_group(name))
    assert made is not None and made.id, "no id for the new group"
    got = await graph.groups.by_group_id(made.id).get()
    assert got is not None and got.display_name == name, f"get gave {got and got.display_name}"
    await graph.groups.by_group_id(made.id).patch(Group(description="patched"))
    got = await graph.groups.by_group_id(made.id).get()
    assert got is not None and got.description == "patched", "the patch was not kept"
    config = RequestConfiguration()
    config.query_parameters = graph.groups.GroupsRequestBuilderGetQueryParameters(
        filter=f"displayName eq '{name}'", select=["id", "displayName"]
    )
    found = await graph.groups.get(request_configuration=config)
    assert found is not None and [g.id for g in found.value or []] == [made.id], "filter"
    assert found.value[0].description is None, "$select kept other properties"
    await graph.groups.by_group_id(made.id).delete()
    try:
        await graph.groups.by_group_id(made.id).get()
    except ODataError as error:
        assert error.response_status_code == 404, error.response_status_code
    else:
        raise AssertionError("a deleted group is still there")


async def group_paging(graph: GraphServiceClient) -> None:
    for i in range(5):
        await graph.groups.post(_new_group(f"Page{i}{uuid.uuid4().hex[:4]}"))
    config = RequestConfiguration()
    config.query_parameters = graph.groups.GroupsRequestBuilderGetQueryParameters(
        orderby=["displayName"], top=200
    )
    first = await graph.groups.get(request_configuration=config)
    assert first is not None and first.value, "no groups"
    names = [g.display_name or "" for g in first.value]
    assert names == sorted(names, key=str.casefold) or names == sorted(names), "not ordered"
    seen, page = len(first.value), first
    while page is not None and page.odata_next_link:
        page = await graph.groups.with_url(page.odata_next_link).get()
        seen += len(page.value or []) if page is not None else 0
    assert seen >= 5, seen


async def user_create_read(graph: GraphServiceClient) -> None:
    nick = f"adele{uuid.uuid4().hex[:6]}"
    made = await graph.users.post(
        User(
            account_enabled=True,
            display_name="Adele Vance",
            mail_nickname=nick,
            user_principal_name=f"{nick}@contoso.com",
            password_profile=PasswordProfile(
                force_change_password_next_sign_in=True, password="xWwvJ]6NMw+bWH-d"
            ),
        )
    )
    assert made is not None and made.id, "no id"
    got = await graph.users.by_user_id(made.id).get()
    assert got is not None and got.user_principal_name == f"{nick}@contoso.com", "read back"


async def thread_in_group(graph: GraphServiceClient) -> None:
    group = await graph.groups.post(_new_group(f"Threads{uuid.uuid4().hex[:6]}"))
    assert group is not None and group.id
    body = ItemBody(content="Hello", content_type=None)
    thread = await graph.groups.by_group_id(group.id).threads.post(
        ConversationThread(topic="Plans", posts=[Post(body=body)])
    )
    assert thread is not None and thread.id, "no thread id"
    listed = await graph.groups.by_group_id(group.id).threads.get()
    assert listed is not None and [t.id for t in listed.value or []] == [thread.id], "listed"


async def group_members_ref(graph: GraphServiceClient) -> None:
    group = await graph.groups.post(_new_group(f"Members{uuid.uuid4().hex[:6]}"))
    nick = f"member{uuid.uuid4().hex[:6]}"
    user = await graph.users.post(User(display_name="Member", mail_nickname=nick))
    assert group is not None and group.id and user is not None and user.id
    members = graph.groups.by_group_id(group.id).members
    url = f"https://graph.microsoft.com/v1.0/directoryObjects/{user.id}"
    await members.ref.post(ReferenceCreate(odata_id=url))
    listed = await members.get()
    assert listed is not None and [m.id for m in listed.value or []] == [user.id], "member"
    await members.by_directory_object_id(user.id).ref.delete()
    listed = await members.get()
    assert listed is not None and not listed.value, "the reference is still there"


async def event_under_me(graph: GraphServiceClient) -> None:
    subject = f"Standup {uuid.uuid4().hex[:6]}"
    made = await graph.me.events.post(Event(subject=subject))
    assert made is not None and made.id, "no event id"
    listed = await graph.me.events.get()
    assert listed is not None and subject in [e.subject for e in listed.value or []], "listed"


async def users_delta(graph: GraphServiceClient) -> None:
    first = await graph.users.delta.get()
    assert first is not None and first.odata_delta_link, "no deltaLink"
    nick = f"delta{uuid.uuid4().hex[:6]}"
    made = await graph.users.post(
        User(account_enabled=True, display_name="Delta", mail_nickname=nick)
    )
    assert made is not None
    changes = await graph.users.delta.with_url(first.odata_delta_link).get()
    assert changes is not None and [u.id for u in changes.value or []] == [made.id], "changes"


async def drive_content(graph: GraphServiceClient) -> None:
    items = graph.drives.by_drive_id("b!drive").items.by_drive_item_id("item1")
    await items.content.put(b"hello twin")
    data = await items.content.get()
    assert data == b"hello twin", data


async def users_count(graph: GraphServiceClient) -> None:
    config = RequestConfiguration()
    config.headers.add("ConsistencyLevel", "eventual")
    count = await graph.users.count.get(request_configuration=config)
    assert isinstance(count, int) and count > 0, count


async def missing_id(graph: GraphServiceClient) -> None:
    try:
        await graph.groups.by_group_id("00000000-0000-0000-0000-000000000000").get()
    except ODataError as error:
        assert error.response_status_code == 404, error.response_status_code
        assert error.error is not None and error.error.code, "no error code"
    else:
        raise AssertionError("no 404")


FLOWS: list[Callable[[GraphServiceClient], Awaitable[None]]] = [
    group_crud,
    group_paging,
    user_create_read,
    thread_in_group,
    group_members_ref,
    event_under_me,
    users_delta,
    drive_content,
    users_count,
    missing_id,
]


async def main(base_url: str) -> int:
    graph = client_for(base_url)
    failed = 0
    for flow in FLOWS:
        try:
            await flow(graph)
        except Exception as error:  # noqa: BLE001 - each flow's outcome is printed
            failed += 1
            where = traceback.extract_tb(error.__traceback__)[-1]
            print(f"FAIL {flow.__name__}: {type(error).__name__}: {error} (line {where.lineno})")
        else:
            print(f"ok   {flow.__name__}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1])))
