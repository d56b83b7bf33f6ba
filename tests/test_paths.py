"""Path templates and example matching: one row per syntax dialect seen in real docs."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.model.paths import (
    PathIndex,
    PathParam,
    PathTemplate,
    _compile,
    normalize_path,
    split_path_query,
)

CORPUS = Path(__file__).resolve().parents[2] / "shared/corpus/graph-v1.0"
BASES = ("https://graph.microsoft.com/v1.0", "https://graph.microsoft.com/beta", "/v1.0", "/beta")

NORMALIZE: list[tuple[str, str, tuple[str, ...]]] = [
    # (syntax line path as written, template, parameters as written)
    ("/groups/{id}/conversations", "/groups/{group-id}/conversations", ("{id}",)),
    (
        "/groups/{id}/threads/{id}/posts/{id}/attachments/{id}/$value",
        "/groups/{group-id}/threads/{thread-id}/posts/{post-id}/attachments/{attachment-id}/$value",
        ("{id}", "{id}", "{id}", "{id}"),
    ),
    (
        "/groups/<objectId>/Conversations/<Id>/Threads",
        "/groups/{group-id}/Conversations/{conversation-id}/Threads",
        ("<objectId>", "<Id>"),
    ),
    (
        "/users/<objectId>/JoinedGroups/<objectId>/Conversations/<Id>/Threads",
        "/users/{user-id}/JoinedGroups/{joinedGroup-id}/Conversations/{conversation-id}/Threads",
        ("<objectId>", "<objectId>", "<Id>"),
    ),
    (
        "/me/contactfolders/{Id}/contacts",
        "/me/contactfolders/{contactfolder-id}/contacts",
        ("{Id}",),
    ),
    ("/users/{user-id}/chats", "/users/{user-id}/chats", ("{user-id}",)),
    ("/users/{userId}/teamwork", "/users/{userId}/teamwork", ("{userId}",)),
    (
        "/users/{id | userPrincipalName}/events/{id}",
        "/users/{user-id-or-userPrincipalName}/events/{event-id}",
        ("{id | userPrincipalName}", "{id}"),
    ),
    (
        "/users/{id|userPrincipalName}/calendar/getSchedule",
        "/users/{user-id-or-userPrincipalName}/calendar/getSchedule",
        ("{id|userPrincipalName}",),
    ),
    (
        "/users/{user-id | user-principal-name}/chats/{chat-id}",
        "/users/{user-id-or-user-principal-name}/chats/{chat-id}",
        ("{user-id | user-principal-name}", "{chat-id}"),
    ),
    (
        "/me/drive/items/{id}/workbook/worksheets/{id|name}/charts/{name}",
        "/me/drive/items/{item-id}/workbook/worksheets/{worksheet-id-or-name}/charts/{chart-name}",
        ("{id}", "{id|name}", "{name}"),
    ),
    (
        "/me/drive/items/{id}/workbook/names/{name}",
        "/me/drive/items/{item-id}/workbook/names/{name}",
        ("{id}", "{name}"),
    ),
    ("/organization/{tenant id}/branding", "/organization/{tenant-id}/branding", ("{tenant id}",)),
    ("/users('{id}')/events", "/users('{user-id}')/events", ("'{id}'",)),
    (
        "/sites/{hostname}:/{server-relative-path}",
        "/sites/{hostname}:/{server-relative-path}",
        ("{hostname}", "{server-relative-path}"),
    ),
    (
        "/me/drive/root:/{item-path}:/content",
        "/me/drive/root:/{item-path}:/content",
        ("{item-path}",),
    ),
    (
        "/drive/items/{parent-id}:/{filename}:/content",
        "/drive/items/{parent-id}:/{filename}:/content",
        ("{parent-id}", "{filename}"),
    ),
    (
        "/drive/root:/{path and filename}:/content",
        "/drive/root:/{path-and-filename}:/content",
        ("{path and filename}",),
    ),
    (
        "/reports/getOffice365ActiveUserCounts(period='{period_value}')",
        "/reports/getOffice365ActiveUserCounts(period='{period}')",
        ("'{period_value}'",),
    ),
    (
        "/me/drive/root/delta(token='{token}')",
        "/me/drive/root/delta(token='{token}')",
        ("'{token}'",),
    ),
    (
        "/reports/getEmailActivityUserDetail(date={date_value})",
        "/reports/getEmailActivityUserDetail(date={date})",
        ("{date_value}",),
    ),
    (
        "/me/outlook/supportedTimeZones(TimeZoneStandard=microsoft.graph.timeZoneStandard'{timezone_format}')",
        "/me/outlook/supportedTimeZones(TimeZoneStandard=microsoft.graph.timeZoneStandard'{TimeZoneStandard}')",
        ("microsoft.graph.timeZoneStandard'{timezone_format}'",),
    ),
    (
        "/me/drive/items/{id}/workbook/worksheets/{id}/range/resizedRange(deltaRows={n}, deltaColumns={n})",
        "/me/drive/items/{item-id}/workbook/worksheets/{worksheet-id}/range/resizedRange(deltaRows={deltaRows}, deltaColumns={deltaColumns})",
        ("{id}", "{id}", "{n}", "{n}"),
    ),
    (
        "/me/drive/items/{id}/workbook/worksheets/{id|name}/range(<address>)/format",
        "/me/drive/items/{item-id}/workbook/worksheets/{worksheet-id-or-name}/range({address})/format",
        ("{id}", "{id|name}", "<address>"),
    ),
    ("/ids/microsoft.graph.getByIds", "/ids/microsoft.graph.getByIds", ()),
    (
        "/directoryObjects/microsoft.graph.getByIds",
        "/directoryObjects/microsoft.graph.getByIds",
        (),
    ),
    ("/groups/{id}/members/$ref", "/groups/{group-id}/members/$ref", ("{id}",)),
    ("/groups/{id}/members/$count", "/groups/{group-id}/members/$count", ("{id}",)),
    ("/$batch", "/$batch", ()),
    ("/me/messages/{id}/$value", "/me/messages/{message-id}/$value", ("{id}",)),
    (
        "/users/{id | userPrincipalName}/settings/",
        "/users/{user-id-or-userPrincipalName}/settings",
        ("{id | userPrincipalName}",),
    ),
    (
        "/directoryRoles/roleTemplateId={roleTemplateId}/members",
        "/directoryRoles/roleTemplateId={roleTemplateId}/members",
        ("{roleTemplateId}",),
    ),
    (
        "/teams/(team-id)/channels/{channel-id}",
        "/teams/{team-id}/channels/{channel-id}",
        ("(team-id)", "{channel-id}"),
    ),
    (
        "/me/mailFolders/{id}/childFolders/{id}/.../messages/{id}",
        "/me/mailFolders/{mailFolder-id}/childFolders/{childFolder-id}/.../messages/{message-id}",
        ("{id}", "{id}", "{id}"),
    ),
    ("/policies/{id}", "/policies/{policy-id}", ("{id}",)),
    ("/security/alerts/{alert_id}", "/security/alerts/{alert_id}", ("{alert_id}",)),
    ("/places/microsoft.graph.room", "/places/microsoft.graph.room", ()),
    ("/{id}", "/{id}", ("{id}",)),
]


@pytest.mark.parametrize(("raw", "template", "written"), NORMALIZE)
def test_normalize_path(raw: str, template: str, written: tuple[str, ...]) -> None:
    result, _ = normalize_path(raw)
    assert result.template == template
    assert tuple(p.written for p in result.params) == written
    assert tuple(p.name for p in result.params) == tuple(re.findall(r"\{([^{}]+)\}", template))


def test_normalize_keeps_raw_and_query() -> None:
    result, notes = normalize_path(
        "/users/{id | userPrincipalName}/calendarView?startDateTime={start_datetime}&endDateTime={end_datetime}"
    )
    assert result == PathTemplate(
        raw="/users/{id | userPrincipalName}/calendarView",
        template="/users/{user-id-or-userPrincipalName}/calendarView",
        params=(PathParam("user-id-or-userPrincipalName", "{id | userPrincipalName}"),),
        query="startDateTime={start_datetime}&endDateTime={end_datetime}",
    )
    assert notes == []


def test_repeated_names_get_a_suffix_and_a_note() -> None:
    result, notes = normalize_path("/groups/{id}/members/{id}/groups/{id}")
    assert [p.name for p in result.params] == ["group-id", "member-id", "group-id-2"]
    assert len(notes) == 1 and "group-id-2" in notes[0]


def test_descriptive_repeat_gets_a_suffix() -> None:
    result, notes = normalize_path("/reports/x(n={n})/y(n={n})")
    assert result.template == "/reports/x(n={n})/y(n={n-2})"
    assert len(notes) == 1


@pytest.mark.parametrize(
    ("raw", "template"),
    [
        # concrete values written in a syntax line become parameters
        (
            "/education/classes/acdefc6b-2dc6-4e71-b1e9-6d9810ab1793/assignments",
            "/education/classes/{class-id}/assignments",
        ),
        (
            "/me/todo/lists/gDbc8U7HGwADDZocJgAAAA==/tasks/delta",
            "/me/todo/lists/{list-id}/tasks/delta",
        ),
        (
            "/me/drive/items/{id}/image(width=640,height=480)",
            "/me/drive/items/{item-id}/image(width={width},height={height})",
        ),
        ("/x/filterByCurrentUser(on='reviewer')", "/x/filterByCurrentUser(on='{on}')"),
        # slips in the docs
        ("policies/claimsMappingPolicies", "/policies/claimsMappingPolicies"),
        (
            "/users/{user-id} | user-principal-name/chats/{chat-id}",
            "/users/{user-id-or-user-principal-name}/chats/{chat-id}",
        ),
        (
            "/me/drive/items/{id}/workbook/worksheets/{id|name}/range(address='<address>'/entireRow",
            "/me/drive/items/{item-id}/workbook/worksheets/{worksheet-id-or-name}/range(address='{address}')/entireRow",
        ),
    ],
)
def test_normalize_repairs_with_notes(raw: str, template: str) -> None:
    result, notes = normalize_path(raw)
    assert result.template == template
    assert notes


def test_normalize_strips_base_urls_when_given() -> None:
    result, _ = normalize_path(
        "https://graph.microsoft.com/v1.0/sites/{site-id}/lists?expand=columns", BASES
    )
    assert (result.template, result.query) == ("/sites/{site-id}/lists", "expand=columns")
    assert normalize_path("https://graph.microsoft.com/v1.0/me")[0].template == "/v1.0/me"


@pytest.mark.parametrize(
    ("url", "bases", "expected"),
    [
        ("/me/events?$select=subject", (), ("/me/events", "$select=subject")),
        ("/me/events", (), ("/me/events", "")),
        ("https://graph.microsoft.com/v1.0/me?$x=1&y=2", (), ("/v1.0/me", "$x=1&y=2")),
        ("https://graph.microsoft.com/v1.0/me?$x=1", BASES, ("/me", "$x=1")),
        ("https://graph.microsoft.com/V1.0/me", BASES, ("/me", "")),
        ("/v1.0x/me", BASES, ("/v1.0x/me", "")),
        ("/drive/search(q='what?')?$top=1", (), ("/drive/search(q='what?')", "$top=1")),
        ("/users/O'Brien/events?$top=1", (), ("/users/O'Brien/events", "$top=1")),
    ],
)
def test_split_path_query(url: str, bases: tuple[str, ...], expected: tuple[str, str]) -> None:
    assert split_path_query(url, bases) == expected


def _index(*lines: str, base_urls: tuple[str, ...] = ()) -> PathIndex[str]:
    entries = []
    for line in lines:
        method, raw = line.split(" ", 1)
        entries.append((method, normalize_path(raw)[0], line))
    return PathIndex(entries, base_urls)


MATCH: list[tuple[list[str], str, str, str | None, dict[str, str]]] = [
    # (syntax lines, method, example URL, best syntax line or None, its parameter values)
    (
        ["POST /groups/<objectId>/Conversations/<Id>/Threads"],
        "POST",
        "/groups/4d81ce71-486c-41e9-afc5-e41bf2d0722a/conversations/AAQkADJ=/threads",
        "POST /groups/<objectId>/Conversations/<Id>/Threads",
        {"group-id": "4d81ce71-486c-41e9-afc5-e41bf2d0722a", "conversation-id": "AAQkADJ="},
    ),
    (
        ["GET /groups/{id}/conversations"],
        "GET",
        "/groups/{id}/conversations/",
        "GET /groups/{id}/conversations",
        {"group-id": "{id}"},
    ),
    (
        ["GET /groups/{id}/conversations"],
        "GET",
        "/groups/abc/conversations?$top=2&$filter=x eq 'a/b'",
        "GET /groups/{id}/conversations",
        {"group-id": "abc"},
    ),
    (
        ["GET /me/drive/root:/{item-path}:/content"],
        "GET",
        "/me/drive/root:/Folder%20A/File.txt:/content",
        "GET /me/drive/root:/{item-path}:/content",
        {"item-path": "Folder A/File.txt"},
    ),
    (
        ["GET /sites/{hostname}:/{server-relative-path}"],
        "GET",
        "/sites/contoso.sharepoint.com:/teams/hr",
        "GET /sites/{hostname}:/{server-relative-path}",
        {"hostname": "contoso.sharepoint.com", "server-relative-path": "teams/hr"},
    ),
    (
        ["PUT /drive/items/{parent-id}:/{filename}:/content"],
        "PUT",
        "/drive/items/01BYE5RZ:/FileB.txt:/content",
        "PUT /drive/items/{parent-id}:/{filename}:/content",
        {"parent-id": "01BYE5RZ", "filename": "FileB.txt"},
    ),
    (
        ["GET /reports/getOffice365ActiveUserCounts(period='{period_value}')"],
        "GET",
        "/reports/getOffice365ActiveUserCounts(period='D7')",
        "GET /reports/getOffice365ActiveUserCounts(period='{period_value}')",
        {"period": "D7"},
    ),
    (
        ["GET /reports/getOffice365ActiveUserCounts(period='{period_value}')"],
        "GET",
        "/reports/getOffice365ActiveUserCounts(period=D7)",
        "GET /reports/getOffice365ActiveUserCounts(period='{period_value}')",
        {"period": "D7"},
    ),
    (
        ["GET /x/range/resizedRange(deltaRows={n}, deltaColumns={n})"],
        "GET",
        "/x/range/resizedRange(deltaRows=1,deltaColumns=2)",
        "GET /x/range/resizedRange(deltaRows={n}, deltaColumns={n})",
        {"deltaRows": "1", "deltaColumns": "2"},
    ),
    (
        ["GET /me/drive/items/{id}/workbook/worksheets/{id|name}/range(address='<address>')"],
        "GET",
        "/me/drive/items/01CY/workbook/worksheets/Sheet1/range(address='A1:B2')",
        "GET /me/drive/items/{id}/workbook/worksheets/{id|name}/range(address='<address>')",
        {"item-id": "01CY", "worksheet-id-or-name": "Sheet1", "address": "A1:B2"},
    ),
    (
        [
            "GET /me/outlook/supportedTimeZones(TimeZoneStandard=microsoft.graph.timeZoneStandard'{tz}')"
        ],
        "GET",
        "/me/outlook/supportedTimeZones(TimeZoneStandard=microsoft.graph.timeZoneStandard'Iana')",
        "GET /me/outlook/supportedTimeZones(TimeZoneStandard=microsoft.graph.timeZoneStandard'{tz}')",
        {"TimeZoneStandard": "Iana"},
    ),
    (
        ["GET /users('{id}')/events"],
        "GET",
        "/users('a%40contoso.com')/events",
        "GET /users('{id}')/events",
        {"user-id": "a@contoso.com"},
    ),
    (
        ["GET /me/mailFolders/{id}/childFolders/{id}/.../messages/{id}"],
        "GET",
        "/me/mailFolders/a/childFolders/b/childFolders/c/messages/d",
        "GET /me/mailFolders/{id}/childFolders/{id}/.../messages/{id}",
        {"mailFolder-id": "a", "childFolder-id": "b", "message-id": "d"},
    ),
    (
        ["GET /me/mailFolders/{id}/childFolders/{id}/.../messages/{id}"],
        "GET",
        "/me/mailFolders/a/childFolders/b/messages/d",
        "GET /me/mailFolders/{id}/childFolders/{id}/.../messages/{id}",
        {"mailFolder-id": "a", "childFolder-id": "b", "message-id": "d"},
    ),
    (
        ["GET /me/messages/{id}/$value"],
        "get",
        "https://graph.microsoft.com/v1.0/me/messages/AAMkAGI1=/$value",
        "GET /me/messages/{id}/$value",
        {"message-id": "AAMkAGI1="},
    ),
    (
        ["GET /shares/{shareIdOrEncodedSharingUrl}/driveItem"],
        "GET",
        "/shares/u!aHR0cHM6Ly9vbmVkcml2ZS5saXZlLmNvbS9yZWRpcj9yZXNpZD0xMjM0%2F/driveItem",
        "GET /shares/{shareIdOrEncodedSharingUrl}/driveItem",
        {
            "shareIdOrEncodedSharingUrl": "u!aHR0cHM6Ly9vbmVkcml2ZS5saXZlLmNvbS9yZWRpcj9yZXNpZD0xMjM0%2F"
        },
    ),
    (["POST /$batch"], "POST", "/$batch", "POST /$batch", {}),
    (
        ["GET /groups/{id}/members/$count"],
        "GET",
        "/groups/g1/members/$count",
        "GET /groups/{id}/members/$count",
        {"group-id": "g1"},
    ),
    # no match: wrong method, wrong literal, extra segment, or a span the template does not allow
    (["GET /groups/{id}/conversations"], "POST", "/groups/a/conversations", None, {}),
    (["GET /groups/{id}/conversations"], "GET", "/groups/a/threads", None, {}),
    (["GET /groups/{id}"], "GET", "/groups/a/b", None, {}),
    (["GET /me/drive/items/{id}"], "GET", "/me/drive/items/a:/b.txt:", None, {}),
]


@pytest.mark.parametrize(("lines", "method", "url", "best", "params"), MATCH)
def test_match(
    lines: list[str], method: str, url: str, best: str | None, params: dict[str, str]
) -> None:
    found = _index(*lines, base_urls=BASES).match(method, url)
    if best is None:
        assert found == []
    else:
        assert found[0] == (best, params)


SPECIFIC = [
    "GET /me/events/{id}",
    "GET /me/events/delta",
    "GET /me/{x}/delta",
    "GET /me/drive/root:/{item-path}",
    "GET /me/drive/root:/{item-path}:/children",
    "GET /me/drive/items/{id}/children",
    "GET /me/drive/items/{item-id}/children",
]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # more literal characters first: "/me/events/" beats "/me/" + "/delta"
        ("/me/events/delta", ["GET /me/events/delta", "GET /me/events/{id}", "GET /me/{x}/delta"]),
        ("/me/events/AAMk=", ["GET /me/events/{id}"]),
        ("/me/drive/root:/a/b.txt", ["GET /me/drive/root:/{item-path}"]),
        ("/me/drive/root:/a/b:/children", ["GET /me/drive/root:/{item-path}:/children"]),
        # two equally specific templates: first given wins, both are reported
        (
            "/me/drive/items/1/children",
            ["GET /me/drive/items/{id}/children", "GET /me/drive/items/{item-id}/children"],
        ),
    ],
)
def test_most_specific_first(url: str, expected: list[str]) -> None:
    assert [payload for payload, _ in _index(*SPECIFIC).match("GET", url)] == expected
    again = [payload for payload, _ in _index(*SPECIFIC).match("GET", url)]
    assert again == expected
    if len(expected) == 1 or not url.endswith("children"):
        assert [p for p, _ in _index(*reversed(SPECIFIC)).match("GET", url)] == expected


def test_ties_keep_the_order_templates_were_given() -> None:
    url = "/me/drive/items/1/children"
    assert [p for p, _ in _index(*reversed(SPECIFIC)).match("GET", url)] == [
        "GET /me/drive/items/{item-id}/children",
        "GET /me/drive/items/{id}/children",
    ]


def test_match_any_method_is_sorted_by_specificity_then_order() -> None:
    index = _index("PATCH /me/events/{id}", "DELETE /me/events/{id}", "GET /me/events/delta")
    found = index.match_any_method("/Me/Events/delta")
    assert [(m, p) for m, p, _ in found] == [
        ("GET", "GET /me/events/delta"),
        ("PATCH", "PATCH /me/events/{id}"),
        ("DELETE", "DELETE /me/events/{id}"),
    ]
    assert found[1][2] == {"event-id": "delta"}
    assert index.size == 3


def test_templates_with_a_parameter_first_are_still_found() -> None:
    index = _index("GET /{id}/children", "GET /me/children")
    assert [p for p, _ in index.match("GET", "/me/children")] == [
        "GET /me/children",
        "GET /{id}/children",
    ]


_SEGMENTS = st.sampled_from(
    [
        "groups",
        "Conversations",
        "users",
        "me",
        "$ref",
        "$value",
        "microsoft.graph.getByIds",
        "{id}",
        "<Id>",
        "<objectId>",
        "{id | userPrincipalName}",
        "{user-id}",
        "{name}",
        "users('{id}')",
        "delta(token='{token}')",
        "f(a={n}, b={n})",
        "root:",
        "{item-path}:",
        "(team-id)",
        "...",
        "{tenant id}",
        "{}",
    ]
)


@settings(database=None, deadline=None)
@given(st.lists(_SEGMENTS, min_size=1, max_size=8))
def test_any_path_gets_unique_names_and_matches_itself(segments: list[str]) -> None:
    raw = "/" + "/".join(segments)
    template, _ = normalize_path(raw)
    names = [p.name for p in template.params]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", n) for n in names)
    found = PathIndex([("GET", template, raw)]).match("GET", template.template)
    assert found and found[0][0] == raw
    assert set(found[0][1]) == set(names)


_PATH_SEGMENTS = st.sampled_from(
    ["groups", "GROUPS", "conversations", "users", "me", "$ref", "x", "", "a b", "KK", "ſs", "%2F"]
)


@settings(database=None, deadline=None)
@given(st.lists(_SEGMENTS, min_size=1, max_size=5), st.lists(_PATH_SEGMENTS, max_size=6))
def test_plain_templates_match_without_the_regex_as_the_regex_would(
    segments: list[str], path: list[str]
) -> None:
    """`quick_match` is a shortcut, never a different answer."""
    template, _ = normalize_path("/" + "/".join(segments))
    compiled = _compile(template.template)
    if compiled.shape is None:
        return
    # the template's own segments, some replaced by drawn ones: matches and misses
    own = template.template.split("/")[1:]
    url = "/" + "/".join(
        path[i] if i < len(path) and path[i] != "x" else s for i, s in enumerate(own)
    )
    quick = compiled.quick_match(url.split("/"))
    m = compiled.regex.match(url)
    if quick is True:
        return  # the regex decides
    assert (quick is not None) == (m is not None), (template.template, url)
    if m is not None:
        assert quick == tuple(m.group(f"a{i}") for i in range(len(compiled.names)))


# -- the real corpus -----------------------------------------------------------------------------

_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_REQUEST = re.compile(r"^(GET|POST|PUT|PATCH|DELETE)\s+(.+?)(?:\s+HTTP/\S+)?\s*$", re.I)


def _syntax_lines(text: str) -> list[tuple[str, str]]:
    """Request lines of fenced blocks under an "HTTP request" heading."""
    lines, section, fenced = [], "", False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            fenced = not fenced
            continue
        heading = None if fenced else _HEADING.match(line)
        if heading:
            section = heading.group(1).lower()
        request = _REQUEST.match(stripped) if fenced else None
        if request and section.startswith("http request"):
            lines.append((request.group(1).upper(), request.group(2)))
    return lines


@pytest.mark.corpus
def test_corpus_syntax_lines_normalise() -> None:
    if not (CORPUS / "api").is_dir():
        pytest.skip(f"corpus not present at {CORPUS}")
    lines = [
        x
        for page in sorted((CORPUS / "api").glob("*.md"))
        for x in _syntax_lines(page.read_text("utf-8"))
    ]
    templates, notes, params = set(), Counter[str](), Counter[str]()
    entries = []
    for method, raw in lines:
        template, found = normalize_path(raw, BASES)
        names = [p.name for p in template.params]
        assert len(names) == len(set(names)), raw
        assert all(re.fullmatch(r"[A-Za-z0-9_-]+", n) for n in names), raw
        assert template.template.startswith("/") and "{{" not in template.template
        templates.add(template.template)
        notes.update(n.split(" ", 1)[0] for n in found)
        params.update(names)
        entries.append((method, template, raw))
    index = PathIndex(entries, BASES)
    for method, template, raw in entries[::7]:
        # a template filled with its own placeholders matches itself
        assert any(p == raw for p, _ in index.match(method, template.template)), raw
    print(
        f"\n{len(lines)} syntax lines, {len(templates)} distinct templates, "
        f"{len(params)} distinct parameter names; notes by kind: {dict(notes)}"
    )
    assert len(lines) > 1000
