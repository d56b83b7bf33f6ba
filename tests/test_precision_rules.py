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
