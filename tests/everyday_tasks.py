"""Fifteen everyday Graph tasks, each written twice: with docgen's generated client
(`microsoft_graph_client`) and with the API's official Python SDK (`msgraph-sdk`), the two
versions of a task next to each other. `tests/interop.py` runs both against
`docgen serve --mode stateful`, where every task must pass:

    python everyday_tasks.py docgen BASE_URL   # docgen's client importable (PYTHONPATH)
    python everyday_tasks.py sdk BASE_URL      # in a venv with msgraph-sdk
    python everyday_tasks.py lines             # task / docgen lines / sdk lines

A half prints one line per task (`ok docgen NAME` or `FAIL sdk NAME: why`) and exits 1 if
any failed; it imports only its own library. Line counts are the non-blank lines of a
task's function (imports included: a developer writes them too). Neither library is a
dependency of docgen or its tests; this file is not imported by them.
"""

from __future__ import annotations

import asyncio
import inspect
import sys
import traceback
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from microsoft_graph_client import Client
    from microsoft_graph_client.models import Group as DocgenGroup
    from microsoft_graph_client.models import User as DocgenUser
    from msgraph import GraphServiceClient
    from msgraph.generated.models.group import Group as SdkGroup
    from msgraph.generated.models.user import User as SdkUser

TASKS: dict[str, dict[str, Callable[..., Any]]] = {}  # task -> {"docgen": f, "sdk": f}
PASSWORD = "xWwvJ]6NMw+bWH-d"
NOWHERE = "00000000-0000-0000-0000-000000000000"


def task(version: Callable[..., Any]) -> Callable[..., Any]:
    """Registers `docgen_NAME` / `sdk_NAME` as the two versions of task NAME."""
    side, _, name = version.__name__.partition("_")
    TASKS.setdefault(name, {})[side] = version
    return version


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


# ----- setup shared by several tasks (not counted in a task's lines)


def docgen_new_user(client: Client, name: str = "Megan Bowen") -> DocgenUser:
    from microsoft_graph_client.models import User

    return client.users.create_user(body=User(display_name=name, mail_nickname=unique("u")))


async def sdk_new_user(graph: GraphServiceClient, name: str = "Megan Bowen") -> SdkUser:
    from msgraph.generated.models.user import User

    made = await graph.users.post(User(display_name=name, mail_nickname=unique("u")))
    assert made is not None
    return made


def docgen_new_group(client: Client, name: str) -> DocgenGroup:
    from microsoft_graph_client.models import Group

    group = Group(
        display_name=name,
        mail_enabled=False,
        mail_nickname=name.lower(),
        security_enabled=True,
        group_types=[],
    )
    return client.groups.create_group(body=group)


async def sdk_new_group(graph: GraphServiceClient, name: str) -> SdkGroup:
    from msgraph.generated.models.group import Group

    group = Group(
        display_name=name,
        mail_enabled=False,
        mail_nickname=name.lower(),
        security_enabled=True,
        group_types=[],
    )
    made = await graph.groups.post(group)
    assert made is not None
    return made


# ----- 1. list users with $select and $top, following @odata.nextLink


@task
def docgen_list_users(client: Client) -> None:
    page = client.users.list_users(select=["id", "displayName"], top=2)
    assert len(page) == 2, len(page)
    assert all(user.id and user.mail is None for user in page), "$select kept other properties"
    everyone = list(client.iterate(page))  # every page after this one too
    assert len(everyone) > 2, len(everyone)  # ($top is the page size: more pages followed)


@task
async def sdk_list_users(graph: GraphServiceClient) -> None:
    from kiota_abstractions.base_request_configuration import RequestConfiguration

    query = graph.users.UsersRequestBuilderGetQueryParameters(select=["id", "displayName"], top=2)
    page = await graph.users.get(RequestConfiguration(query_parameters=query))
    assert page is not None and page.value is not None and len(page.value) == 2, page
    assert all(user.id and user.mail is None for user in page.value), "$select kept others"
    everyone = list(page.value)
    while page is not None and page.odata_next_link:
        page = await graph.users.with_url(page.odata_next_link).get()
        everyone += (page.value or []) if page else []
    assert len(everyone) > 2, len(everyone)  # ($top is the page size: more pages followed)


# ----- 2. get a user by id, with $select


@task
def docgen_get_user(client: Client) -> None:
    made = docgen_new_user(client, "Grace Taylor")
    assert made.id is not None
    user = client.users.get_user(made.id, select=["id", "displayName"])
    assert user.id == made.id and user.display_name == "Grace Taylor", user


@task
async def sdk_get_user(graph: GraphServiceClient) -> None:
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder

    made = await sdk_new_user(graph, "Grace Taylor")
    assert made.id is not None
    query = UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters(
        select=["id", "displayName"]
    )
    user = await graph.users.by_user_id(made.id).get(RequestConfiguration(query_parameters=query))
    assert user is not None and user.id == made.id and user.display_name == "Grace Taylor", user


# ----- 3. create a user


@task
def docgen_create_user(client: Client) -> None:
    from microsoft_graph_client.models import PasswordProfile, User

    nick = unique("adele")
    user = client.users.create_user(
        body=User(
            account_enabled=True,
            display_name="Adele Vance",
            mail_nickname=nick,
            user_principal_name=f"{nick}@contoso.com",
            password_profile=PasswordProfile(
                force_change_password_next_sign_in=True, password=PASSWORD
            ),
        )
    )
    assert user.id and user.user_principal_name == f"{nick}@contoso.com", user


@task
async def sdk_create_user(graph: GraphServiceClient) -> None:
    from msgraph.generated.models.password_profile import PasswordProfile
    from msgraph.generated.models.user import User

    nick = unique("adele")
    user = await graph.users.post(
        User(
            account_enabled=True,
            display_name="Adele Vance",
            mail_nickname=nick,
            user_principal_name=f"{nick}@contoso.com",
            password_profile=PasswordProfile(
                force_change_password_next_sign_in=True, password=PASSWORD
            ),
        )
    )
    assert user is not None and user.id and user.user_principal_name == f"{nick}@contoso.com"


# ----- 4. update a user (PATCH)


@task
def docgen_update_user(client: Client) -> None:
    made = docgen_new_user(client)
    assert made.id is not None
    client.users.update_user(made.id, job_title="Engineer", office_location="18/2111")
    user = client.users.get_user(made.id)
    assert (user.job_title, user.office_location) == ("Engineer", "18/2111"), user
    assert user.display_name == "Megan Bowen", "the patch lost a property"


@task
async def sdk_update_user(graph: GraphServiceClient) -> None:
    from msgraph.generated.models.user import User

    made = await sdk_new_user(graph)
    assert made.id is not None
    await graph.users.by_user_id(made.id).patch(
        User(job_title="Engineer", office_location="18/2111")
    )
    user = await graph.users.by_user_id(made.id).get()
    assert user is not None and (user.job_title, user.office_location) == ("Engineer", "18/2111")
    assert user.display_name == "Megan Bowen", "the patch lost a property"


# ----- 5. delete a user


@task
def docgen_delete_user(client: Client) -> None:
    from microsoft_graph_client import ApiError

    made = docgen_new_user(client)
    assert made.id is not None
    client.users.delete_user(made.id)
    try:
        client.users.get_user(made.id)
    except ApiError as error:
        assert error.status_code == 404, error
    else:
        raise AssertionError("a deleted user is still there")


@task
async def sdk_delete_user(graph: GraphServiceClient) -> None:
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError

    made = await sdk_new_user(graph)
    assert made.id is not None
    await graph.users.by_user_id(made.id).delete()
    try:
        await graph.users.by_user_id(made.id).get()
    except ODataError as error:
        assert error.response_status_code == 404, error.response_status_code
    else:
        raise AssertionError("a deleted user is still there")


# ----- 6. create a group


@task
def docgen_create_group(client: Client) -> None:
    from microsoft_graph_client.models import Group

    name = unique("Marketing")
    made = client.groups.create_group(
        body=Group(
            display_name=name,
            mail_enabled=False,
            mail_nickname=name.lower(),
            security_enabled=True,
            group_types=[],
        )
    )
    assert made.id is not None
    assert client.groups.get_group(made.id).display_name == name, "read back"


@task
async def sdk_create_group(graph: GraphServiceClient) -> None:
    from msgraph.generated.models.group import Group

    name = unique("Marketing")
    made = await graph.groups.post(
        Group(
            display_name=name,
            mail_enabled=False,
            mail_nickname=name.lower(),
            security_enabled=True,
            group_types=[],
        )
    )
    assert made is not None and made.id is not None
    got = await graph.groups.by_group_id(made.id).get()
    assert got is not None and got.display_name == name, "read back"


# ----- 7. add a member to a group ($ref) and list the members


@task
def docgen_add_member(client: Client) -> None:
    group, user = docgen_new_group(client, unique("Team")), docgen_new_user(client)
    assert group.id is not None
    ref = f"https://graph.microsoft.com/v1.0/directoryObjects/{user.id}"
    client.groups.add_member_ref(group.id, odata_id=ref)
    members = client.groups.list_members(group.id)
    assert [member.id for member in members] == [user.id], members
    assert type(members[0]).__name__ == "User", members  # (by its `@odata.type`)


@task
async def sdk_add_member(graph: GraphServiceClient) -> None:
    from msgraph.generated.models.reference_create import ReferenceCreate

    group, user = await sdk_new_group(graph, unique("Team")), await sdk_new_user(graph)
    assert group.id is not None
    ref = f"https://graph.microsoft.com/v1.0/directoryObjects/{user.id}"
    await graph.groups.by_group_id(group.id).members.ref.post(ReferenceCreate(odata_id=ref))
    members = await graph.groups.by_group_id(group.id).members.get()
    assert members is not None and [m.id for m in members.value or []] == [user.id], members


# ----- 8. a user's messages with $filter, $orderby and $select


@task
def docgen_list_messages(client: Client) -> None:
    from microsoft_graph_client.models import Message

    user = docgen_new_user(client)
    assert user.id is not None
    for subject, read in [("Budget", False), ("Agenda", True), ("Briefing", False)]:
        client.users.create_message(user.id, body=Message(subject=subject, is_read=read))
    unread = client.users.list_messages(
        user.id, filter="isRead eq false", orderby="subject desc", select=["subject"]
    )
    assert [message.subject for message in unread] == ["Budget", "Briefing"], unread


@task
async def sdk_list_messages(graph: GraphServiceClient) -> None:
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph.generated.models.message import Message

    user = await sdk_new_user(graph)
    assert user.id is not None
    messages = graph.users.by_user_id(user.id).messages
    for subject, read in [("Budget", False), ("Agenda", True), ("Briefing", False)]:
        await messages.post(Message(subject=subject, is_read=read))
    query = messages.MessagesRequestBuilderGetQueryParameters(
        filter="isRead eq false", orderby=["subject desc"], select=["subject"]
    )
    unread = await messages.get(RequestConfiguration(query_parameters=query))
    assert unread is not None and [m.subject for m in unread.value or []] == [
        "Budget",
        "Briefing",
    ], unread


# ----- 9. send mail


@task
def docgen_send_mail(client: Client) -> None:
    from microsoft_graph_client.models import EmailAddress, ItemBody, Message, Recipient

    user = docgen_new_user(client)
    assert user.id is not None
    message = Message(
        subject="Lunch?",
        body=ItemBody(content_type="text", content="Noon at the cafeteria."),
        to_recipients=[Recipient(email_address=EmailAddress(address="adele@contoso.com"))],
    )
    client.users.send_mail(user.id, message=message, save_to_sent_items=False)


@task
async def sdk_send_mail(graph: GraphServiceClient) -> None:
    from msgraph.generated.models.body_type import BodyType
    from msgraph.generated.models.email_address import EmailAddress
    from msgraph.generated.models.item_body import ItemBody
    from msgraph.generated.models.message import Message
    from msgraph.generated.models.recipient import Recipient
    from msgraph.generated.users.item.send_mail.send_mail_post_request_body import (
        SendMailPostRequestBody,
    )

    user = await sdk_new_user(graph)
    assert user.id is not None
    message = Message(
        subject="Lunch?",
        body=ItemBody(content_type=BodyType.Text, content="Noon at the cafeteria."),
        to_recipients=[Recipient(email_address=EmailAddress(address="adele@contoso.com"))],
    )
    await graph.users.by_user_id(user.id).send_mail.post(
        SendMailPostRequestBody(message=message, save_to_sent_items=False)
    )


# ----- 10. create an event in a user's calendar, and list it


@task
def docgen_create_event(client: Client) -> None:
    from microsoft_graph_client.models import DateTimeTimeZone, Event

    user = docgen_new_user(client)
    assert user.id is not None
    made = client.users.create_event(
        user.id,
        body=Event(
            subject="Standup",
            start=DateTimeTimeZone(date_time="2026-03-02T09:00:00", time_zone="UTC"),
            end=DateTimeTimeZone(date_time="2026-03-02T09:15:00", time_zone="UTC"),
        ),
    )
    events = client.users.list_events(user.id, select=["subject", "start"])
    assert [event.id for event in events] == [made.id], events
    assert events[0].start and events[0].start.date_time == "2026-03-02T09:00:00", events


@task
async def sdk_create_event(graph: GraphServiceClient) -> None:
    from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
    from msgraph.generated.models.event import Event

    user = await sdk_new_user(graph)
    assert user.id is not None
    made = await graph.users.by_user_id(user.id).events.post(
        Event(
            subject="Standup",
            start=DateTimeTimeZone(date_time="2026-03-02T09:00:00", time_zone="UTC"),
            end=DateTimeTimeZone(date_time="2026-03-02T09:15:00", time_zone="UTC"),
        )
    )
    events = await graph.users.by_user_id(user.id).events.get()
    assert made is not None and events is not None and events.value, events
    assert [event.id for event in events.value] == [made.id], events
    start = events.value[0].start
    assert start is not None and start.date_time == "2026-03-02T09:00:00", start


# ----- 11. count groups: $count=true with ConsistencyLevel: eventual


@task
def docgen_count_groups(client: Client) -> None:
    prefix = unique("Count")
    for suffix in ("A", "B"):
        docgen_new_group(client, prefix + suffix)
    page = client.groups.list_groups(
        count=True, filter=f"startswith(displayName,'{prefix}')", consistency_level="eventual"
    )
    assert page.total_count == 2 and len(page) == 2, page.total_count


@task
async def sdk_count_groups(graph: GraphServiceClient) -> None:
    from kiota_abstractions.base_request_configuration import RequestConfiguration

    prefix = unique("Count")
    for suffix in ("A", "B"):
        await sdk_new_group(graph, prefix + suffix)
    config = RequestConfiguration(
        query_parameters=graph.groups.GroupsRequestBuilderGetQueryParameters(
            count=True, filter=f"startswith(displayName,'{prefix}')"
        )
    )
    config.headers.add("ConsistencyLevel", "eventual")
    page = await graph.groups.get(config)
    assert page is not None and page.odata_count == 2 and len(page.value or []) == 2, page


# ----- 12. a missing user: a typed 404 error, with the service's error code


@task
def docgen_missing_user(client: Client) -> None:
    from microsoft_graph_client import ApiError

    try:
        client.users.get_user(NOWHERE)
    except ApiError as error:
        assert error.status_code == 404 and error.code and error.message, error
    else:
        raise AssertionError("no 404")


@task
async def sdk_missing_user(graph: GraphServiceClient) -> None:
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError

    try:
        await graph.users.by_user_id(NOWHERE).get()
    except ODataError as error:
        assert error.response_status_code == 404, error.response_status_code
        assert error.error is not None and error.error.code and error.error.message, error
    else:
        raise AssertionError("no 404")


# ----- 13. upload a small file to a drive item, and download it


@task
def docgen_file_content(client: Client) -> None:
    drive, item = "b!drive", unique("item")
    client.drives.replace_item_content(drive, item, body=b"Quarterly numbers")
    data = client.drives.get_item_content(drive, item)
    assert data == b"Quarterly numbers", data


@task
async def sdk_file_content(graph: GraphServiceClient) -> None:
    drive, item = "b!drive", unique("item")
    content = graph.drives.by_drive_id(drive).items.by_drive_item_id(item).content
    await content.put(b"Quarterly numbers")
    data = await content.get()
    assert data == b"Quarterly numbers", data


# ----- 14. users delta: every user once, then only the changes since


@task
def docgen_users_delta(client: Client) -> None:
    page = client.users.list_delta(select=["displayName"])
    while page.next_link:
        page = client.next_page(page) or page
    assert page.delta_link, "no deltaLink"
    made = docgen_new_user(client, "Delta Dan")
    changes = client.changes(page)  # follows @odata.deltaLink
    assert changes is not None and [user.id for user in changes] == [made.id], changes


@task
async def sdk_users_delta(graph: GraphServiceClient) -> None:
    from kiota_abstractions.base_request_configuration import RequestConfiguration

    query = graph.users.delta.DeltaRequestBuilderGetQueryParameters(select=["displayName"])
    page = await graph.users.delta.get(RequestConfiguration(query_parameters=query))
    while page is not None and page.odata_next_link:
        page = await graph.users.delta.with_url(page.odata_next_link).get()
    assert page is not None and page.odata_delta_link, "no deltaLink"
    made = await sdk_new_user(graph, "Delta Dan")
    changes = await graph.users.delta.with_url(page.odata_delta_link).get()
    assert changes is not None and [u.id for u in changes.value or []] == [made.id], changes


# ----- 15. start a conversation thread in a group, and list the group's threads


@task
def docgen_group_threads(client: Client) -> None:
    from microsoft_graph_client.models import ConversationThread, ItemBody, Post

    group = docgen_new_group(client, unique("Threads"))
    assert group.id is not None
    post = Post(body=ItemBody(content_type="html", content="Who brings the cake?"))
    made = client.groups.create_thread(
        group.id, body=ConversationThread(topic="Party", posts=[post])
    )
    threads = client.groups.list_threads(group.id)
    assert [(t.id, t.topic) for t in threads] == [(made.id, "Party")], threads


@task
async def sdk_group_threads(graph: GraphServiceClient) -> None:
    from msgraph.generated.models.body_type import BodyType
    from msgraph.generated.models.conversation_thread import ConversationThread
    from msgraph.generated.models.item_body import ItemBody
    from msgraph.generated.models.post import Post

    group = await sdk_new_group(graph, unique("Threads"))
    assert group.id is not None
    post = Post(body=ItemBody(content_type=BodyType.Html, content="Who brings the cake?"))
    threads = graph.groups.by_group_id(group.id).threads
    made = await threads.post(ConversationThread(topic="Party", posts=[post]))
    listed = await threads.get()
    assert made is not None and listed is not None, listed
    assert [(t.id, t.topic) for t in listed.value or []] == [(made.id, "Party")], listed


# ----- running a half


def docgen_client(base_url: str) -> Client:
    from microsoft_graph_client import Client

    return Client(base_url=base_url, auth=lambda: "token")


def sdk_client(base_url: str) -> GraphServiceClient:
    """The SDK pointed at `base_url` with no credentials, as `tests/sdk_flows.py` does."""
    from kiota_abstractions.authentication import AnonymousAuthenticationProvider
    from msgraph import GraphRequestAdapter, GraphServiceClient

    adapter = GraphRequestAdapter(AnonymousAuthenticationProvider())
    adapter.base_url = base_url
    return GraphServiceClient(request_adapter=adapter)


def lines(version: Callable[..., Any]) -> int:
    """Non-blank lines of a task's function, from `def` on (the decorator left out)."""
    source = inspect.getsource(version).splitlines()
    return sum(1 for line in source if line.strip() and not line.startswith("@"))


async def run(side: str, base_url: str) -> int:
    target = docgen_client(base_url) if side == "docgen" else sdk_client(base_url)
    failed = 0
    for name, versions in TASKS.items():
        version = versions[side]
        try:
            result = version(target)
            if inspect.isawaitable(result):
                await result
        except Exception as error:  # noqa: BLE001 - each task's outcome is printed
            failed += 1
            print(f"FAIL {side} {name}: {type(error).__name__}: {why(error)}")
        else:
            print(f"ok   {side} {name} ({lines(version)} lines)")
    if side == "docgen":
        target.close()
    return 1 if failed else 0


def why(error: Exception) -> str:
    """An error's first line, and the line of this file it came from."""
    frames = traceback.extract_tb(error.__traceback__)
    here = [frame.lineno for frame in frames if frame.filename == __file__]
    first = (str(error).strip().splitlines() or [""])[0]
    return f"{first} (line {here[-1] if here else frames[-1].lineno})"


def table() -> str:
    """task / docgen lines / sdk lines, and the totals."""
    rows = [(name, lines(v["docgen"]), lines(v["sdk"])) for name, v in TASKS.items()]
    rows.append(("total", sum(r[1] for r in rows), sum(r[2] for r in rows)))
    width = max(len(r[0]) for r in rows)
    out = [f"{'task':<{width}}  docgen  sdk"]
    out += [f"{name:<{width}}  {docgen:>6}  {sdk:>3}" for name, docgen, sdk in rows]
    return "\n".join(out)


def main(argv: list[str]) -> int:
    if argv[:1] == ["lines"]:
        print(table())
        return 0
    if len(argv) != 2 or argv[0] not in ("docgen", "sdk"):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    return asyncio.run(run(argv[0], argv[1]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
