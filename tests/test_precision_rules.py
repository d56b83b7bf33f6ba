"""False alarms a precision study found, each with a page that must still be reported
and one that must not: P005 (endpoint pages disagree), R010 (table vs JSON
representation), B009 (derived-only property sent), B002 (value of the wrong kind)
and G001 (permissions missing)."""

from __future__ import annotations

from pathlib import Path

from tests.check_support import TYPES, check, codes, method_page
from tests.test_aliases import USER, _method, _model

# -- P005 ---------------------------------------------------------------------------------


def _resource(name: str) -> str:
    return USER.replace("user", name)


def _p005(root: Path, pages: dict[str, str]) -> list[tuple[str, str]]:
    types = {f"resources/{n}.md": _resource(n) for n in ("message", "event", "extension")}
    model = _model(root, {**types, **pages})
    return [(d.file, d.message) for d in model.diagnostics if d.code == "P005"]


def test_a_page_that_types_one_path_otherwise_disagrees(tmp_path: Path) -> None:
    found = _p005(
        tmp_path,
        {
            "api/message-get.md": _method(["GET /me/messages/{id}"], returns="message"),
            "api/wrong-get.md": _method(["GET /me/messages/{id}"], returns="event"),
        },
    )
    assert [file for file, _ in found] == ["api/wrong-get.md"]
    assert "another response type (event)" in found[0][1]


def test_a_feature_reached_through_other_resources_paths_is_no_disagreement(
    tmp_path: Path,
) -> None:
    """An extension's page lists the message's and the event's paths (their own pages
    answer two unrelated types) and names its own type: that type is the feature's,
    not the paths'."""
    found = _p005(
        tmp_path,
        {
            "api/message-get.md": _method(["GET /me/messages/{id}"], returns="message"),
            "api/event-get.md": _method(["GET /me/events/{id}"], returns="event"),
            "api/extension-get.md": _method(
                ["GET /me/messages/{id}", "GET /me/events/{id}"], returns="extension"
            ),
        },
    )
    assert found == []


def test_a_syntax_line_that_expands_answers_its_own_resource(tmp_path: Path) -> None:
    found = _p005(
        tmp_path,
        {
            "api/message-get.md": _method(["GET /me/messages/{id}"], returns="message"),
            "api/extension-get.md": _method(
                ["GET /me/messages/{id}?$expand=extensions($filter=id eq '{name}')"],
                returns="extension",
            ),
        },
    )
    assert found == []


# -- R010 ---------------------------------------------------------------------------------

_RELATIONSHIPS = """
## Relationships
| Relationship | Type | Description |
|:---|:---|:---|
| child | [part](part.md) | A part. |
"""


def _r010(root: Path, edits: dict[str, str]) -> list[str]:
    page = TYPES["resources/thing.md"].replace(
        "## JSON representation", _RELATIONSHIPS + "## JSON representation"
    )
    for old, new in edits.items():
        assert old in page
        page = page.replace(old, new)
    found = codes(check(root, {**TYPES, "resources/thing.md": page}), "R010")
    return [d.message.split(": ", 1)[1].split(" (line")[0] for d in found]


def test_a_placeholder_is_read_as_the_type_it_names(tmp_path: Path) -> None:
    """`"collection(x)"`, `{"@odata.type": "collection(x)"}` and `{"@odata.type": "String
    (timestamp)"}` name their type; their JSON shape says nothing."""
    found = _r010(
        tmp_path,
        {
            '"tags": ["String"]': '"tags": {"@odata.type": "collection(Edm.String)"}',
            '"createdDateTime": "String (timestamp)"': '"createdDateTime": {"@odata.type": "String (timestamp)"}',
            '"child": {"@odata.type": "microsoft.graph.part"}': '"child": "microsoft.graph.part"',
        },
    )
    assert found == []


def test_a_placeholder_naming_another_type_conflicts_once(tmp_path: Path) -> None:
    """The placeholder's collection and type count; a property both the Properties and
    the Relationships tables list is reported once."""
    found = _r010(
        tmp_path,
        {
            '"child": {"@odata.type": "microsoft.graph.part"}': '"child": "collection(microsoft.graph.part)"',
            '"label": "String"': '"label": {"@odata.type": "microsoft.graph.part"}',
        },
    )
    assert found == [
        'property "label" is Edm.String in the table but microsoft.graph.part in the JSON representation',
        'property "child" is microsoft.graph.part in the table but Collection(microsoft.graph.part) in the JSON representation',
    ]


# -- B009, B002 ---------------------------------------------------------------------------


def _part_update(root: Path, body: str, types: dict[str, str] | None = None) -> list:
    page = method_page(
        '{ "blockType": "response" }',
        "HTTP/1.1 204 No Content",
        syntax="PATCH /parts/{id}",
        request=f"PATCH https://graph.microsoft.com/v1.0/parts/1\nContent-Type: application/json\n\n{body}",
        request_body="In the request body, supply a [part](../resources/part.md) object.",
        promise="If successful, this method returns `204 No Content`.",
    )
    return check(root, {**(types or TYPES), "api/part-update.md": page})


def test_a_null_derived_only_property_sends_nothing(tmp_path: Path) -> None:
    assert not codes(_part_update(tmp_path / "null", '{ "extra": null }'), "B009")
    assert codes(_part_update(tmp_path / "value", '{ "extra": "x" }'), "B009")


def _with_ratio() -> dict[str, str]:
    """part declares `ratio` a Double; specialPart's JSON representation repeats it with
    a sample `10` and no table row."""
    part = TYPES["resources/part.md"].replace(
        "| name | String | Name. |", "| name | String | Name. |\n| ratio | Double | Ratio. |"
    )
    part = part.replace('{ "name": "String" }', '{ "name": "String", "ratio": 0.5 }')
    special = TYPES["resources/specialpart.md"].replace(
        '{ "extra": "String" }', '{ "extra": "String", "ratio": 10 }'
    )
    return {**TYPES, "resources/part.md": part, "resources/specialpart.md": special}


def test_an_inherited_property_keeps_its_base_declaration(tmp_path: Path) -> None:
    typed = '"@odata.type": "#microsoft.graph.specialPart", "extra": "x"'
    fine = _part_update(tmp_path / "a", f'{{ {typed}, "ratio": 0.02 }}', _with_ratio())
    assert not codes(fine, "B002")
    wrong = _part_update(tmp_path / "b", f'{{ {typed}, "ratio": "high" }}', _with_ratio())
    assert [d.message.split(": ", 1)[1] for d in codes(wrong, "B002")] == [
        "ratio: string where Edm.Double (a number) is declared"
    ]


# -- G001 ---------------------------------------------------------------------------------

_TABLE = """| Permission type | Permissions (from least to most privileged) |
|:---|:---|
| Application | Thing.Read.All |"""


def _g001(root: Path, permissions: str) -> list[str]:
    page = method_page('{ "blockType": "response" }', "HTTP/1.1 204 No Content")
    found = check(root, {**TYPES, "api/thing-get.md": page.replace(_TABLE, permissions)})
    return [d.file for d in codes(found, "G001")]


def test_permissions_listed_for_each_resource_are_documented(tmp_path: Path) -> None:
    listed = (
        "One of the following permissions is required.\n\n"
        "- Photo of the signed-in **user** - User.ReadWrite, User.ReadWrite.All\n"
        "- Photo of a **group** - Group.ReadWrite.All\n"
    )
    assert _g001(tmp_path / "listed", listed) == []
    unnamed = "One of the delegated printing permissions is required to call this API.\n"
    assert _g001(tmp_path / "unnamed", unnamed) == ["api/thing-get.md"]


# -- B005, L004 ---------------------------------------------------------------------------

_CHILD = "| child | [part](part.md) | A part. |"


def _named_type(name: str, rows: str, json: str, base: str = "") -> str:
    stated = f', "baseType": "microsoft.graph.{base}"' if base else ""
    return f"""
# {name} resource type

## Properties
| Property | Type | Description |
|:---|:---|:---|
{rows}

## JSON representation
<!-- {{ "blockType": "resource", "@odata.type": "microsoft.graph.{name}"{stated} }} -->
~~~json
{json}
~~~
"""


def _child_sent(root: Path, sent: list[str], cell: str = _CHILD, **types: str) -> list:
    """One GET thing page per `sent` type, each answering a thing whose child says it
    is that type; `cell` is thing's child row; `types`: more type pages by name."""
    pages = {**TYPES, **{f"resources/{n.lower()}.md": t for n, t in types.items()}}
    pages["resources/thing.md"] = TYPES["resources/thing.md"].replace(_CHILD, cell)
    for i, name in enumerate(sent):
        body = f'{{ "id": "1", "child": {{ "@odata.type": "#microsoft.graph.{name}" }} }}'
        annotation = OK_RESPONSE_TRUNCATED.replace("get_thing", f"get_thing_{i}")
        page = method_page(annotation, f"HTTP/1.1 200 OK\nContent-Type: application/json\n\n{body}")
        pages[f"api/thing-get-{i}.md"] = page.replace('"get_thing"', f'"get_thing_{i}"')
    return check(root, pages)


OK_RESPONSE_TRUNCATED = (
    '{ "blockType": "response", "@odata.type": "microsoft.graph.thing", "truncated": true }'
)
_INVITATION = _named_type("invitationPart", "| name | String | Name. |", '{ "name": "String" }')


def test_a_type_cell_means_the_type_its_link_text_names(tmp_path: Path) -> None:
    """`[invitationPart](part.md)`: the text names a type the doc set defines, the link
    leads to part's page. The text is read, the slip reported once at the row, and the
    examples that send an invitationPart are right."""
    cell = "| child | [invitationPart](part.md) | A part. |"
    found = _child_sent(
        tmp_path / "a", ["invitationPart", "base"], cell, invitationPart=_INVITATION
    )
    assert [d.file for d in codes(found, "B005")] == ["api/thing-get-1.md"]  # base: neither
    assert [(d.file, d.message) for d in codes(found, "L004")] == [
        (
            "resources/thing.md",
            'Type "invitationPart": the link text names microsoft.graph.invitationPart but '
            "part.md defines microsoft.graph.part; read as invitationPart, as the text says: "
            "make the text and the link name one type",
        )
    ]
    # agreeing text and link: nothing to report, and the linked type is what is declared
    plain = _child_sent(tmp_path / "b", ["invitationPart"], invitationPart=_INVITATION)
    assert [d.file for d in codes(plain, "B005")] == ["api/thing-get-0.md"]
    assert not codes(plain, "L004")


def test_a_link_text_that_shortens_the_linked_name_keeps_the_link(tmp_path: Path) -> None:
    """`[part](specialpart.md)`: the text is the tail of the linked type's name; the
    link is exact (specialPart), the text an abbreviation, still reported at the row."""
    cell = "| child | [part](specialpart.md) | A part. |"
    found = _child_sent(tmp_path, ["specialPart"], cell)
    assert not codes(found, "B005")
    assert [
        "read as specialPart, whose name the text shortens" in d.message
        for d in codes(found, "L004")
    ] == [True]


def test_a_sent_type_whose_page_may_only_omit_its_base_is_reported_once(
    tmp_path: Path,
) -> None:
    """namedPart states no base type but has every property part documents (name): it
    may derive from part, and its page not say so. One B005 for the pair, saying so,
    not one per example; a type without part's properties is reported at each."""
    named = _named_type(
        "namedPart", "| name | String | Name. |\n| size | Int32 | Size. |", '{ "name": "String" }'
    )
    found = _child_sent(tmp_path / "a", ["namedPart", "namedPart"], namedPart=named)
    assert [d.file for d in codes(found, "B005")] == ["api/thing-get-0.md"]
    assert "its page states no base type and it has every property microsoft.graph.part" in (
        codes(found, "B005")[0].message
    )
    unrelated = _child_sent(tmp_path / "b", ["base", "base"])
    assert [d.file for d in codes(unrelated, "B005")] == [
        "api/thing-get-0.md",
        "api/thing-get-1.md",
    ]
    assert all("is neither microsoft.graph.part" in d.message for d in codes(unrelated, "B005"))


def _enums(title: str, namespace: str = "") -> str:
    line = f"Namespace: {namespace}\n" if namespace else ""
    return f"""
# {title}
{line}
### callType values

| Member
|:--------------
| unknown
| groupCall
"""


def _call_record(namespace: str) -> str:
    return f"""
# callRecord resource type

Namespace: {namespace}

## Properties
| Property | Type | Description |
|:--|:--|:--|
| id | String | Id. |
| type | callType | The call's type. |

<!-- {{ "blockType": "resource", "@odata.type": "{namespace}.callRecord" }} -->
```json
{{ "id": "string", "type": "string" }}
```
"""


def test_an_unqualified_type_is_read_in_the_pages_namespace_first(tmp_path: Path) -> None:
    """`callType` is defined in microsoft.graph and in microsoft.graph.callRecords: on a
    page whose namespace is callRecords it is callRecords.callType; on a page of the
    default namespace it stays microsoft.graph.callType."""
    pages = {
        "resources/enums.md": _enums("Enum values"),
        "resources/enums-callrecords.md": _enums(
            "Call records enums", "microsoft.graph.callRecords"
        ),
        "resources/callrecords-callrecord.md": _call_record("microsoft.graph.callRecords"),
        "resources/callrecord.md": _call_record("microsoft.graph"),
    }
    model = _model(tmp_path, pages)
    types = {(r.name, p.name): p.type.name for r in model.resources for p in r.properties}
    assert types[("microsoft.graph.callRecords.callRecord", "type")] == (
        "microsoft.graph.callRecords.callType"
    )
    assert types[("microsoft.graph.callRecord", "type")] == "microsoft.graph.callType"
