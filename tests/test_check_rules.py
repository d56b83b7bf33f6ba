"""One test per check rule outside the body checks: annotations, examples, resources,
pages, paths and links, each on a small page run through the real pipeline."""

from __future__ import annotations

from pathlib import Path

from tests.check_support import TYPES, check, codes, method_page, where

OK_RESPONSE = (
    '{ "blockType": "response", "@odata.type": "microsoft.graph.thing", "truncated": true }'
)
JSON_200 = 'HTTP/1.1 200 OK\nContent-Type: application/json\n\n{ "id": "1" }'


def _line(root: Path, rel: str, needle: str) -> int:
    lines = (root / rel).read_text().split("\n")
    return next(i for i, text in enumerate(lines, 1) if needle in text)


# -- annotations ------------------------------------------------------------------------


def test_unknown_annotation_key_gets_did_you_mean(tmp_path: Path) -> None:
    note = '{ "blockType": "response", "optionalProperty": ["id"], "scope": "x", "colour": 1 }'
    found = codes(check(tmp_path, {"api/thing-get.md": method_page(note, JSON_200)}), "A005")
    assert {d.message for d in found} == {
        'annotation key "optionalProperty" is not defined by the format; did you mean "optionalProperties"?',
        'annotation key "scope" is not defined by the format; did you mean "scopes"?',
        'annotation key "colour" is not defined by the format',
    }
    assert found[0].line == _line(tmp_path, "api/thing-get.md", "optionalProperty")


def test_page_annotation_extra_keys_only_typos(tmp_path: Path) -> None:
    page = (
        '# t\n\ntext\n\n<!-- { "type": "#page.annotation", "custom": 1, "suppresions": [] } -->\n'
    )
    found = codes(check(tmp_path, {"a.md": page}), "A005")
    assert [d.message for d in found] == [
        'page annotation key "suppresions" is not defined by the format; did you mean "suppressions"?'
    ]


def test_annotation_value_of_the_wrong_kind(tmp_path: Path) -> None:
    note = '{ "blockType": "response", "truncated": "true", "optionalProperties": "id" }'
    found = codes(check(tmp_path, {"api/thing-get.md": method_page(note, JSON_200)}), "A008")
    assert {d.message for d in found} == {
        'annotation key "truncated" should be true or false, not str',
        'annotation key "optionalProperties" should be a list of strings, not str',
    }


def test_page_annotation_misplaced(tmp_path: Path) -> None:
    page = '# t\n\n<!-- { "type": "#page.annotation" } -->\n\n## See also\n\nMore.\n'
    found = codes(check(tmp_path, {"a.md": page}), "A007")
    assert [(d.line, d.message) for d in found] == [
        (3, "page annotation is followed by page content (up to line 7)")
    ]
    at_end = '# t\n\nText.\n\n<!-- { "type": "#page.annotation" } -->\n'
    assert not codes(check(tmp_path, {"a.md": at_end}), "A007")


# -- examples -----------------------------------------------------------------------------


def test_status_differs_from_response_section(tmp_path: Path) -> None:
    page = method_page(
        OK_RESPONSE, JSON_200, promise="If successful, this method returns `201 Created`."
    )
    found = codes(check(tmp_path, {**TYPES, "api/thing-get.md": page}), "X008")
    assert found[0].line == _line(tmp_path, "api/thing-get.md", "HTTP/1.1 200 OK")
    assert (
        "responds 200, but the Response section" in found[0].message
        and "says 201" in found[0].message
    )


def test_empty_response_with_body(tmp_path: Path) -> None:
    page = method_page('{ "blockType": "response" }', 'HTTP/1.1 204 No Content\n\n{ "id": "1" }')
    found = codes(check(tmp_path, {"api/thing-get.md": page}), "X009")
    assert found and "is 204 No Content but has a body" in found[0].message
    empty = method_page(
        '{ "blockType": "response", "isEmpty": true }', 'HTTP/1.1 200 OK\n\n{ "a": 1 }'
    )
    assert (
        "is isEmpty but has a body"
        in codes(check(tmp_path, {"api/thing-get.md": empty}), "X009")[0].message
    )


def test_200_json_response_without_body(tmp_path: Path) -> None:
    page = method_page(OK_RESPONSE, "HTTP/1.1 200 OK\nContent-Type: application/json")
    found = codes(check(tmp_path, {**TYPES, "api/thing-get.md": page}), "X010")
    assert "declares microsoft.graph.thing but has no body" in found[0].message
    binary = method_page('{ "blockType": "response" }', "HTTP/1.1 200 OK\nContent-Type: image/png")
    assert not codes(check(tmp_path, {"api/thing-get.md": binary}), "X010")


def test_json_body_without_content_type(tmp_path: Path) -> None:
    page = method_page(OK_RESPONSE, 'HTTP/1.1 200 OK\n\n{ "id": "1" }')
    found = codes(check(tmp_path, {**TYPES, "api/thing-get.md": page}), "X011")
    assert [d.line for d in found] == [_line(tmp_path, "api/thing-get.md", "HTTP/1.1 200 OK")]
    no_content = method_page(OK_RESPONSE, "HTTP/1.1 204 No Content\n\n{}")  # X009's finding
    assert not codes(check(tmp_path, {**TYPES, "api/thing-get.md": no_content}), "X011")


def test_second_response_restates_response_without_request(tmp_path: Path) -> None:
    page = method_page(OK_RESPONSE, JSON_200) + (
        '\n<!-- { "blockType": "response" } -->\n~~~http\nHTTP/1.1 200 OK\n~~~\n'
    )
    found = check(tmp_path, {**TYPES, "api/thing-get.md": page})
    assert len(codes(found, "X012")) == 1 and not codes(found, "X003")
    assert "a second response for the request at line" in codes(found, "X012")[0].message


def test_ignored_blocks_are_not_pairing_problems(tmp_path: Path) -> None:
    page = method_page(OK_RESPONSE, JSON_200) + (
        '\n<!-- { "blockType": "ignored" } -->\n~~~http\nHTTP/1.1 302 Found\n~~~\n'
    )
    found = check(tmp_path, {**TYPES, "api/thing-get.md": page})
    assert not codes(found, "X003") and not codes(found, "X012")


def test_unmatched_example_names_nearest_syntax_path(tmp_path: Path) -> None:
    page = method_page(
        OK_RESPONSE,
        JSON_200,
        syntax="GET /things/{id}\nGET /me/things/{id}/parts",
        request="GET https://graph.microsoft.com/v1.0/me/thing/1/parts",
    )
    found = codes(check(tmp_path, {**TYPES, "api/thing-get.md": page}), "X004")
    assert len(found) == 1
    line = _line(tmp_path, "api/thing-get.md", "GET /me/things/{id}/parts")
    assert found[0].message.endswith(f"nearest: GET /me/things/{{id}}/parts (line {line})")


def test_other_hosts_and_odata_segments_are_not_unmatched(tmp_path: Path) -> None:
    callback = method_page(OK_RESPONSE, JSON_200, request="POST https://bot.contoso.com/api/calls")
    count = method_page(
        OK_RESPONSE,
        JSON_200,
        syntax="GET /things",
        request="GET https://graph.microsoft.com/v1.0/things/$count",
    )
    found = check(tmp_path, {**TYPES, "api/a.md": callback, "api/b.md": count})
    assert not codes(found, "X004") and not codes(found, "X006")


# -- resources ----------------------------------------------------------------------------


def test_table_and_json_types_conflict(tmp_path: Path) -> None:
    page = TYPES["resources/thing.md"].replace('"size": 1024', '"size": "String"')
    page = page.replace('"tags": ["String"]', '"tags": "String"')
    found = codes(check(tmp_path, {**TYPES, "resources/thing.md": page}), "R010")
    block = _line(tmp_path, "resources/thing.md", "~~~json".replace("~~~", "```"))
    assert [d.message.split(": ", 1)[1] for d in found] == [
        f'property "size" is Edm.Int32 in the table but Edm.String in the JSON representation (line {block})',
        f'property "tags" is Collection(Edm.String) in the table but a single value in the JSON representation (line {block})',
    ]
    assert found[0].line == _line(tmp_path, "resources/thing.md", "| size |")


def test_a_string_that_lists_its_possible_values_is_a_probable_enum(tmp_path: Path) -> None:
    """R014: code spans, or plain words between commas, after "possible values"; a
    description that only mentions values, or lists one, is not one."""
    page = (
        TYPES["resources/thing.md"]
        .replace(
            "| label | String | Label. Not nullable. |",
            "| label | String | Label. The possible values are: `short`, `long`. Not nullable. |",
        )
        .replace("| webUrl | String | Where to see it. |", "| webUrl | String | Valid values: x. |")
    )
    found = codes(check(tmp_path, {**TYPES, "resources/thing.md": page}), "R014")
    assert [d.message.split(" is ", 1)[1] for d in found] == [
        "a String whose description lists possible values (short, long): probably an enum"
    ]
    assert found[0].line == _line(tmp_path, "resources/thing.md", "| label |")


def test_consistent_resource_has_no_conflict(tmp_path: Path) -> None:
    assert not codes(check(tmp_path, dict(TYPES)), "R010")


# -- pages --------------------------------------------------------------------------------


def test_required_front_matter(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config/schema-config.json").write_text(
        '{ "schemaConfig": { "requiredYamlHeaders": ["title", "ms.prod"] } }'
    )
    found = check(tmp_path, {"a.md": "---\ntitle: A\n---\n# A\n", "b.md": "# B\n"})
    assert [(d.file, d.line, d.message) for d in codes(found, "F003")] == [
        ("a.md", 2, "front matter: missing ms.prod"),
        ("b.md", 1, "no front matter: missing title, ms.prod"),
    ]


def test_permissions_missing_or_empty(tmp_path: Path) -> None:
    page = method_page(OK_RESPONSE, JSON_200)
    head, rest = page.split("## Permissions", 1)
    found = check(
        tmp_path,
        {**TYPES, "api/missing.md": head + "## HTTP request" + rest.split("## HTTP request", 1)[1]},
    )
    fence = _line(tmp_path, "api/missing.md", "GET /things/{id}") - 1
    assert [(d.line, d.message) for d in codes(found, "G001")] == [
        (fence, "method page for GET /things/{thing-id} has no permissions table")
    ]
    empty = page.replace("| Application | Thing.Read.All |", "| Application | Not supported. |")
    found = check(tmp_path, {**TYPES, "api/empty.md": empty})
    assert [d.message for d in codes(found, "T004") if d.file == "api/empty.md"] == [
        "the permissions table names no permission"
    ]


def test_method_page_without_syntax_block(tmp_path: Path) -> None:
    page = "---\ndoc_type: apiPageType\n---\n# Get x\n\n## HTTP request\n\nSee elsewhere.\n"
    found = codes(check(tmp_path, {"api/x.md": page}), "H006")
    assert [(d.line, d.message) for d in found] == [
        (6, "method page; it has no HTTP request syntax block")
    ]


def test_path_placeholder_style_and_capitals(tmp_path: Path) -> None:
    page = method_page(OK_RESPONSE, JSON_200, syntax="GET /groups/<objectId>/Threads")
    found = check(tmp_path, {**TYPES, "api/thing-get.md": page})
    line = _line(tmp_path, "api/thing-get.md", "GET /groups/<objectId>")
    assert where(found, "P003") == [("api/thing-get.md", line)]
    assert [d.message for d in codes(found, "P004")] == [
        "path segment Threads is capitalised; the format's names are lowerCamel"
    ]


# -- links --------------------------------------------------------------------------------


def test_links_missing_case_and_anchors(tmp_path: Path) -> None:
    pages = {
        "api/a.md": (
            "# A\n\n## Properties\n\n## Properties\n\n"
            "[gone](../resources/gone.md) [case](../resources/Thing.md) "
            "[ok](../resources/thing.md#properties) [bad](../resources/thing.md#nope) "
            "[self](#properties-1) [selfbad](#propertys) [out](../../x.md) [web](https://x.org/a.md) "
            "[tab](#tab/http) [site](/graph/overview)\n"
        ),
        **TYPES,
    }
    found = check(tmp_path, pages)
    assert {d.message for d in codes(found, "L001")} == {
        'link "../resources/gone.md": resources/gone.md does not exist',
    }
    assert [d.message for d in codes(found, "L005")] == [
        'link "../../x.md": the target is outside the doc set; not checked'
    ]
    assert [d.message for d in codes(found, "L002")] == [
        'link "../resources/Thing.md": the file is spelled resources/thing.md; '
        "the link works only on a case-insensitive file system"
    ]
    assert {d.message for d in codes(found, "L003")} == {
        'link "../resources/thing.md#nope": resources/thing.md has no heading "#nope"',
        'link "#propertys": this page has no heading "#propertys"',
    }
    assert {d.line for d in found if d.code.startswith("L")} == {7}


# -- references ---------------------------------------------------------------------------

REF = '{ "@odata.id": "https://graph.microsoft.com/v1.0/things/2" }'
NO_CONTENT = '{ "blockType": "response" }'


def test_a_reference_goes_to_ref_and_ref_takes_a_reference(tmp_path: Path) -> None:
    """X015: `{"@odata.id": ...}` sent to a relationship itself; X016: `/$ref` sent an
    entity; a reference to `/$ref`, an entity to the relationship and `{}` to `/$ref`
    (which unsets a single-valued one) are fine."""
    base = "https://graph.microsoft.com/v1.0/things/1"

    def page(path: str, body: str) -> str:
        request = f"POST {base}/{path}\nContent-Type: application/json\n\n{body}"
        return method_page(
            NO_CONTENT,
            "HTTP/1.1 204 No Content",
            request=request,
            syntax=f"POST /things/{{id}}/{path}",
        )

    pages = {
        "api/a.md": page("parts", REF),
        "api/b.md": page("parts/$ref", '{ "name": "x" }'),
        "api/c.md": page("parts/$ref", REF),
        "api/d.md": page("parts", '{ "name": "x" }'),
        "api/e.md": page("owner/$ref", "{}"),  # an empty body unsets a reference
    }
    found = check(tmp_path, {**TYPES, **pages})
    assert where(found, "X015") == [("api/a.md", _line(tmp_path, "api/a.md", "POST https"))]
    assert where(found, "X016") == [("api/b.md", _line(tmp_path, "api/b.md", "POST https"))]


def test_a_table_row_for_an_instance_annotation_is_not_a_missing_property(
    tmp_path: Path,
) -> None:
    """R001 is for properties the JSON representation leaves out; a row documenting an
    instance annotation (`@odata.etag`) is not one (JSON representations omit those)."""
    page = TYPES["resources/thing.md"].replace(
        "| label | String | Label. Not nullable. |",
        "| label | String | Label. Not nullable. |\n| @odata.etag | String | The ETag. |\n"
        "| colour | String | Colour. |",
    )
    found = codes(check(tmp_path, {**TYPES, "resources/thing.md": page}), "R001")
    assert [d.message.split('"')[1] for d in found] == ["colour"]


def test_a_response_offered_as_one_of_several_types_has_no_one_type(tmp_path: Path) -> None:
    """ "a collection of [thing] and/or [part] objects": the endpoint's response is none
    of them in particular (the first link would make every part sent a B005)."""
    from generator.model.resolve import build_model
    from generator.pipeline.run import parse_doc_set

    body = '{ "value": [ { "@odata.type": "#microsoft.graph.part", "name": "x" } ] }'
    either = method_page(
        '{ "blockType": "response" }',
        f"HTTP/1.1 200 OK\nContent-Type: application/json\n\n{body}",
        promise="If successful, this method returns a `200 OK` response code and a "
        "collection of [thing](../resources/thing.md) and/or [part](../resources/part.md) "
        "objects in the response body.",
    )
    found = check(tmp_path, {**TYPES, "api/thing-get.md": either})
    assert not codes(found, "B005")
    parsed = parse_doc_set(tmp_path)
    (endpoint,) = build_model(parsed.pages, parsed.config).endpoints
    assert endpoint.response.type is None


def test_a_sample_odata_type_is_data_where_the_type_documents_it(tmp_path: Path) -> None:
    """A property whose type lists `@odata.type` among its own properties (an open
    payload) shows an instance's `@odata.type` in its sample: a value, no R010."""
    holder = """
# holder resource type

## Properties
| Property | Type | Description |
|:---|:---|:---|
| data | [payload](payload.md) | The payload. |

## JSON representation
<!-- { "blockType": "resource", "@odata.type": "microsoft.graph.holder" } -->
~~~json
{ "data": { "@odata.type": "#microsoft.graph.part" } }
~~~
"""
    payload = """
# payload resource type

## Properties
| Property | Type | Description |
|:---|:---|:---|
| @odata.type | String | The type of the resource the payload holds. |

## JSON representation
<!-- { "blockType": "resource", "@odata.type": "microsoft.graph.payload" } -->
~~~json
{ "@odata.type": "String" }
~~~
"""
    pages = {**TYPES, "resources/holder.md": holder, "resources/payload.md": payload}
    assert not codes(check(tmp_path, pages), "R010")
    plain = payload.replace(
        "| @odata.type | String | The type of the resource the payload holds. |",
        "| note | String | A note. |",
    )
    assert codes(check(tmp_path / "plain", {**pages, "resources/payload.md": plain}), "R010")
