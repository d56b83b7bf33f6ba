"""Example bodies against the resolved types: one test per rule (B001-B008), plus the
annotation flags that loosen them and the inheritance they follow."""

from __future__ import annotations

from pathlib import Path

from generator.diagnostics import Diagnostic
from tests.check_support import TYPES, check, codes, method_page


def _response(tmp_path: Path, body: str, annotation: str = "", **kw: str) -> list[Diagnostic]:
    note = (
        annotation
        or '{ "blockType": "response", "@odata.type": "microsoft.graph.thing", "truncated": true }'
    )
    response = f"HTTP/1.1 200 OK\nContent-Type: application/json\n\n{body}"
    return check(tmp_path, {**TYPES, "api/thing-get.md": method_page(note, response, **kw)})


def test_unknown_property_with_did_you_mean(tmp_path: Path) -> None:
    found = codes(_response(tmp_path, '{ "id": "1", "Size": 3, "colour": "red" }'), "B001")
    assert [d.message.split(": ", 1)[1] for d in found] == [
        'Size: microsoft.graph.thing has no property "Size"; did you mean "size"?',
        'colour: microsoft.graph.thing has no property "colour"',
    ]
    page = (tmp_path / "api/thing-get.md").read_text().split("\n")
    assert found[0].file == "api/thing-get.md"
    assert (
        '"Size"' in page[found[0].line - 1]
        and found[0].col == page[found[0].line - 1].index('"Size"') + 1
    )


def test_inherited_and_annotation_properties_are_known(tmp_path: Path) -> None:
    body = '{ "id": "1", "note": "from the base type (prose inheritance)", "@odata.etag": "W/1", "child@odata.bind": "x" }'
    assert not codes(_response(tmp_path, body), "B001")


def test_wrong_json_type(tmp_path: Path) -> None:
    found = codes(_response(tmp_path, '{ "size": "12", "label": 3, "child": "part" }'), "B002")
    assert [d.message.split(": ", 2)[2] for d in found] == [
        "string where Edm.Int32 (an integer) is declared",
        "number where Edm.String (a string) is declared",
        "string where microsoft.graph.part (an object) is declared",
    ]


def test_invalid_string_values_and_ranges(tmp_path: Path) -> None:
    body = (
        '{ "createdDateTime": "yesterday", "owner": "owner 1", '
        '"kind": "Large", "size": 3000000000, "webUrl": "webUrl-value" }'
    )
    found = codes(_response(tmp_path, body), "B003")
    messages = " | ".join(d.message for d in found)
    assert "is not an ISO 8601 date and time" in messages
    assert "is not a GUID" in messages
    assert 'is not a member of enum microsoft.graph.thingKind; did you mean "large"' in messages
    assert "3000000000 is out of the Edm.Int32 range" in messages
    assert '"webUrl-value" is not a URL' in messages


def test_relaxed_skips_string_formats(tmp_path: Path) -> None:
    body = '{ "createdDateTime": "datetime-value", "owner": "x", "kind": "huge", "size": "1" }'
    note = '{ "blockType": "response", "@odata.type": "microsoft.graph.thing", "truncated": true }'
    response = f"HTTP/1.1 200 OK\nContent-Type: application/json\n\n{body}"
    pages = {**TYPES, "api/thing-get.md": method_page(note, response)}
    relaxed = check(tmp_path, pages, strict=False)
    assert not codes(relaxed, "B003")
    assert codes(relaxed, "B002")  # JSON kinds are still checked


def test_valid_values_pass(tmp_path: Path) -> None:
    body = (
        '{ "id": "1", "createdDateTime": "2021-01-01T10:00:00.1234567Z", '
        '"owner": "5f7a6c2e-1b2d-4c3e-8f9a-0b1c2d3e4f5a", "kind": "small", "tags": ["a"], '
        '"size": 3, "label": "x", "child": { "name": "n" }, "webUrl": "https://x.org/a" }'
    )
    found = _response(tmp_path, body)
    assert not [d for d in found if d.code.startswith("B")]


def test_collection_vs_single(tmp_path: Path) -> None:
    note = '{ "blockType": "response", "@odata.type": "microsoft.graph.thing", "isCollection": true, "truncated": true }'
    found = _response(tmp_path, '{ "id": "1", "tags": "one" }', note)
    assert [d.message.split(": ", 1)[1] for d in codes(found, "B004")] == [
        "a collection of microsoft.graph.thing is declared; the body is a single object"
    ]
    single = _response(tmp_path, '{ "value": [ { "id": "1" } ] }')
    assert "the body is a collection" in codes(single, "B004")[0].message
    inner = _response(tmp_path, '{ "tags": "one" }')
    assert (
        "tags: string where a collection of Edm.String is declared"
        in codes(inner, "B004")[0].message
    )


def test_collection_items_are_checked(tmp_path: Path) -> None:
    note = '{ "blockType": "response", "@odata.type": "Collection(microsoft.graph.thing)", "truncated": true }'
    found = _response(tmp_path, '{ "value": [ { "id": "1" }, { "sise": 2 } ] }', note)
    assert [d.message.split(": ", 1)[1].split(":")[0] for d in codes(found, "B001")] == [
        "value[1].sise"
    ]


def test_odata_type_must_be_declared_or_derived(tmp_path: Path) -> None:
    derived = '{ "child": { "@odata.type": "#microsoft.graph.specialPart", "extra": "x" } }'
    assert not [d for d in _response(tmp_path, derived) if d.code.startswith("B")]
    unrelated = '{ "child": { "@odata.type": "#microsoft.graph.base" } }'
    found = codes(_response(tmp_path, unrelated), "B005")
    assert (
        "microsoft.graph.base is neither microsoft.graph.part nor derived from it"
        in found[0].message
    )


def test_missing_properties_unless_truncated(tmp_path: Path) -> None:
    note = '{ "blockType": "response", "@odata.type": "microsoft.graph.thing", "optionalProperties": ["note"] }'
    found = codes(_response(tmp_path, '{ "id": "1", "size": 2 }', note), "B006")
    assert len(found) == 1
    assert "shown without createdDateTime, kind, tags, label, webUrl and 1 more" in found[0].message
    assert "owner" not in found[0].message  # optional in the resource annotation
    truncated = (
        '{ "blockType": "response", "@odata.type": "microsoft.graph.thing", "truncated": true }'
    )
    assert not codes(_response(tmp_path, '{ "id": "1" }', truncated), "B006")


def test_unknown_declared_type(tmp_path: Path) -> None:
    note = '{ "blockType": "response", "@odata.type": "microsoft.graph.thingy" }'
    found = codes(_response(tmp_path, '{ "id": "1" }', note), "B007")
    page = (tmp_path / "api/thing-get.md").read_text().split("\n")
    assert "microsoft.graph.thingy" in page[found[0].line - 1] and "thingy" in found[0].message


def test_null_for_not_nullable_unless_listed(tmp_path: Path) -> None:
    found = codes(_response(tmp_path, '{ "label": null, "size": null }'), "B008")
    assert [d.message.split(": ", 2)[2] for d in found] == [
        "null, but microsoft.graph.thing.label is not nullable"
    ]
    note = '{ "blockType": "response", "@odata.type": "microsoft.graph.thing", "truncated": true, "nullableProperties": ["label"] }'
    assert not codes(_response(tmp_path, '{ "label": null }', note), "B008")


def test_expect_error_and_error_statuses_are_not_typed(tmp_path: Path) -> None:
    note = (
        '{ "blockType": "response", "@odata.type": "microsoft.graph.thing", "expectError": true }'
    )
    assert not [
        d
        for d in _response(tmp_path, '{ "error": { "code": "x" } }', note)
        if d.code.startswith("B")
    ]


def test_request_body_against_parameter_table(tmp_path: Path) -> None:
    body_section = (
        "| Parameter | Type | Description |\n|:---|:---|:---|\n"
        "| comment | String | A comment. |\n| count | Int32 | How many. |"
    )
    page = method_page(
        '{ "blockType": "response" }',
        "HTTP/1.1 204 No Content",
        syntax="POST /things/{id}/archive",
        request="POST https://graph.microsoft.com/v1.0/things/1/archive\nContent-Type: application/json\n\n"
        '{ "Comment": "x", "count": "two" }',
        request_body=body_section,
        promise="If successful, this method returns `204 No Content`.",
    )
    found = check(tmp_path, {**TYPES, "api/thing-archive.md": page})
    assert (
        'is not a request body parameter of POST /things/{thing-id}/archive; did you mean "comment"?'
        in codes(found, "B001")[0].message
    )
    assert "string where Edm.Int32" in codes(found, "B002")[0].message


def test_single_entity_wrapped_in_value(tmp_path: Path) -> None:
    found = _response(tmp_path, '{ "value": { "id": "1", "sise": 2 } }')
    assert 'the body is wrapped in {"value": ...}' in codes(found, "B004")[0].message
    assert "value.sise" in codes(found, "B001")[0].message  # the wrapped object is still checked


def test_unannotated_response_typed_by_the_response_section_link(tmp_path: Path) -> None:
    page = method_page(
        "no annotation",
        'HTTP/1.1 200 OK\nContent-Type: application/json\n\n{ "id": "1", "sise": 2 }',
        promise="If successful, this method returns `200 OK` and a [thing](../resources/thing.md) object.",
    )
    found = check(tmp_path, {**TYPES, "api/thing-get.md": page})
    assert [d.message.split(": ", 1)[1].split(":")[0] for d in codes(found, "B001")] == ["sise"]
    assert not codes(found, "B006")  # an un-annotated example makes no claim to be complete


def test_a_request_body_of_a_derived_type_names_it(tmp_path: Path) -> None:
    """B009: a PATCH of a part that sends a specialPart's property without `@odata.type`
    (the service would read a part); with it, no finding."""

    def page(body: str) -> str:
        return method_page(
            '{ "blockType": "response" }',
            "HTTP/1.1 204 No Content",
            syntax="PATCH /parts/{id}",
            request="PATCH https://graph.microsoft.com/v1.0/parts/1\n"
            f"Content-Type: application/json\n\n{body}",
            request_body="In the request body, supply a [part](../resources/part.md) object.",
            promise="If successful, this method returns `204 No Content`.",
        )

    untyped = check(tmp_path / "a", {**TYPES, "api/part-update.md": page('{ "extra": "x" }')})
    (finding,) = codes(untyped, "B009")
    assert '"extra" is not a property of microsoft.graph.part' in finding.message
    assert 'the body needs "@odata.type": "#microsoft.graph.specialPart"' in finding.message
    typed = '{ "@odata.type": "#microsoft.graph.specialPart", "extra": "x" }'
    assert not codes(check(tmp_path / "b", {**TYPES, "api/part-update.md": page(typed)}), "B009")


def test_a_placeholder_where_a_typed_value_belongs(tmp_path: Path) -> None:
    """B010 (and not B002/B003/B004): `"x-value"` or a type's name where a date, a GUID, a
    number or a collection is declared; a String property may hold anything, and an enum
    member in another case stays B003's."""
    body = (
        '{ "createdDateTime": "datetime-value", "owner": "owner-value", "size": "Int32", '
        '"tags": "tags-value", "kind": "Large", "label": "label-value" }'
    )
    found = _response(tmp_path, body)
    assert sorted(d.message.split(": ", 1)[1] for d in codes(found, "B010")) == [
        'createdDateTime: placeholder "datetime-value" where Edm.DateTimeOffset is declared',
        'owner: placeholder "owner-value" where Edm.Guid is declared',
        'size: placeholder "Int32" where Edm.Int32 is declared',
        'tags: placeholder "tags-value" where a collection of Edm.String is declared',
    ]
    assert not codes(found, "B002") and not codes(found, "B004")
    assert [d.message.split(": ", 1)[1].split(":")[0] for d in codes(found, "B003")] == ["kind"]
