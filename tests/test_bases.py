"""Base types the docs imply (`generator.model.bases`), and page namespaces."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from generator.config import load_config
from generator.model.types import ApiModel
from generator.pipeline.run import load_model

ROOT = """
# entity resource type
## Properties
| Property | Type | Description |
|:--|:--|:--|
| id | String | Read-only. |

<!-- { "blockType": "resource", "abstract": "true", "keyProperty": "id", "@odata.type": "ns.entity" } -->
```json
{ "id": "string" }
```
"""


def _resource(name: str, annotation: str = "", props: tuple[str, ...] = ("id",)) -> str:
    rows = "".join(f"| {p} | String | A property. |\n" for p in props)
    body = ", ".join(f'"{p}": "string"' for p in props)
    return (
        f"# {name} resource type\n## Properties\n| Property | Type | Description |\n"
        f"|:--|:--|:--|\n{rows}\n"
        f'<!-- {{ "blockType": "resource", {annotation}"@odata.type": "ns.{name}" }} -->\n'
        f"```json\n{{ {body} }}\n```\n"
    )


def _method(path: str, returns: str, body: str = "") -> str:
    return dedent(f"""
        # Get it
        ## HTTP request
        <!-- {{ "blockType": "ignored" }} -->
        ```http
        GET {path}
        ```
        ## Response
        If successful, this method returns a `200 OK` response code and a
        [{returns}](../resources/{returns}.md) object in the response body.
        ## Example
        ### Request
        <!-- {{ "blockType": "request", "name": "get_{returns}" }} -->
        ```http
        GET https://graph.microsoft.com/v1.0{path.replace("{id}", "1")}
        ```
        ### Response
        <!-- {{ "blockType": "response", "@odata.type": "ns.{returns}" }} -->
        ```http
        HTTP/1.1 200 OK
        Content-type: application/json

        {body or '{ "id": "1" }'}
        ```
        """).lstrip("\n")


def _model(root: Path, pages: dict[str, str]) -> ApiModel:
    for rel, text in pages.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return load_model(root, load_config(root))


def _bases(model: ApiModel) -> dict[str, str | None]:
    return {r.name: r.base_type for r in model.resources}


def test_a_type_with_the_roots_key_derives_from_the_root(tmp_path: Path) -> None:
    model = _model(
        tmp_path,
        {
            "resources/entity.md": ROOT,
            "resources/alert.md": _resource("alert", '"keyProperty": "id", '),
            "resources/stated.md": _resource(
                "stated", '"keyProperty": "id", "baseType": "ns.alert", '
            ),
            "resources/plain.md": _resource("plain", "", ("name",)),
            "resources/loose.md": _resource("loose"),  # an id, but no key and no path
        },
    )
    assert _bases(model) == {
        "ns.alert": "ns.entity",
        "ns.entity": None,
        "ns.loose": None,
        "ns.plain": None,
        "ns.stated": "ns.alert",  # stated: never replaced
    }
    (finding,) = [d for d in model.diagnostics if d.code == "R012"]
    assert finding.file == "resources/alert.md" and "ns.entity implied" in finding.message


def test_a_type_a_path_addresses_by_key_derives_from_the_root(tmp_path: Path) -> None:
    model = _model(
        tmp_path,
        {
            "resources/entity.md": ROOT,
            "resources/place.md": _resource("place"),
            "api/place-get.md": _method("/places/{id}", "place"),
        },
    )
    assert _bases(model)["ns.place"] == "ns.entity"


def test_an_example_answering_a_type_with_another_makes_that_one_derive(tmp_path: Path) -> None:
    """`GET /operations/{id}` documents an operation; its example answers with a
    muteOperation: a muteOperation is an operation. Not the other way round."""
    model = _model(
        tmp_path,
        {
            "resources/operation.md": _resource("operation", "", ("status",)),
            "resources/muteoperation.md": _resource("muteOperation", "", ("status",)),
            "api/operation-get.md": _method(
                "/operations/{id}", "operation", '{ "@odata.type": "#ns.muteOperation" }'
            ),
        },
    )
    assert _bases(model) == {"ns.muteOperation": "ns.operation", "ns.operation": None}


def test_no_root_no_inference(tmp_path: Path) -> None:
    """Two abstract keyed types: which is the root is not said, so neither is taken."""
    other = ROOT.replace("ns.entity", "ns.other").replace("entity resource", "other resource")
    model = _model(
        tmp_path,
        {
            "resources/entity.md": ROOT,
            "resources/other.md": other,
            "resources/alert.md": _resource("alert", '"keyProperty": "id", '),
        },
    )
    assert _bases(model)["ns.alert"] is None
    assert "R012" not in {d.code for d in model.diagnostics}


def test_types_on_a_page_are_in_the_namespace_it_states(tmp_path: Path) -> None:
    page = dedent("""
        # Call records enum values

        Namespace: ns.callRecords

        ### callType values

        | Member
        |:------
        | groupCall
        | peerToPeer
        """).lstrip("\n")
    user = _resource("userAgent", "", ("platform",)).replace(
        "| platform | String |", "| platform | ns.callRecords.callType |"
    )
    model = _model(tmp_path, {"resources/enums-callrecords.md": page, "resources/agent.md": user})
    assert [e.name for e in model.enums] == ["ns.callRecords.callType"]
    (agent,) = model.resources
    assert agent.properties[0].type.name == "ns.callRecords.callType"
    assert agent.properties[0].type.kind == "enum"


def _inherited(name: str, annotation: str, source: str) -> str:
    return (
        f"# {name} resource type\n## Properties\n| Property | Type | Description |\n"
        f"|:--|:--|:--|\n| status | String | The status. Inherited from [{source}]({source}.md). |\n\n"
        f'<!-- {{ "blockType": "resource", {annotation}"@odata.type": "ns.{name}" }} -->\n'
        '```json\n{ "status": "string" }\n```\n'
    )


def test_properties_inherited_from_a_type_make_it_the_base(tmp_path: Path) -> None:
    model = _model(
        tmp_path,
        {
            "resources/policybase.md": _resource("policyBase", "", ("status",)),
            "resources/thing.md": _inherited("thing", "", "policyBase"),
        },
    )
    assert _bases(model)["ns.thing"] == "ns.policyBase"
    assert "R013" not in {d.code for d in model.diagnostics}


def test_a_stated_base_the_properties_contradict_is_a_finding(tmp_path: Path) -> None:
    model = _model(
        tmp_path,
        {
            "resources/policybase.md": _resource("policyBase", "", ("status",)),
            "resources/other.md": _resource("other", "", ("name",)),
            "resources/thing.md": _inherited("thing", '"baseType": "ns.other", ', "policyBase"),
        },
    )
    assert _bases(model)["ns.thing"] == "ns.other"  # stated: kept, and reported
    (finding,) = [d for d in model.diagnostics if d.code == "R013"]
    assert finding.file == "resources/thing.md" and "ns.policyBase" in finding.message


def _with_derived_table(name: str, derived: tuple[str, ...], props: tuple[str, ...]) -> str:
    rows = "".join(f"| [{d}]({d.lower()}.md) | A kind of {name}. |\n" for d in derived)
    table = f"## Derived types\n\n| Type | Description |\n|:--|:--|\n{rows}\n"
    page = _resource(name, '"abstract": "true", ', props)
    return page.replace("## Properties", table + "## Properties", 1)


def test_a_base_types_page_listing_derived_types_states_their_base(tmp_path: Path) -> None:
    """meetingInfo's page lists organizerMeetingInfo under "Derived types", whose own
    page says nothing: the base is stated, on the other page (R012 says where). A
    derived type whose page states another base is a finding (R013)."""
    model = _model(
        tmp_path,
        {
            "resources/meetinginfo.md": _with_derived_table(
                "meetingInfo", ("organizerMeetingInfo", "tokenMeetingInfo"), ("kind",)
            ),
            "resources/organizermeetinginfo.md": _resource("organizerMeetingInfo", "", ("kind",)),
            "resources/tokenmeetinginfo.md": _resource(
                "tokenMeetingInfo", '"baseType": "ns.other", ', ("kind",)
            ),
            "resources/other.md": _resource("other", "", ("kind",)),
        },
    )
    bases = _bases(model)
    assert bases["ns.organizerMeetingInfo"] == "ns.meetingInfo"
    assert bases["ns.tokenMeetingInfo"] == "ns.other"  # stated on its own page: kept
    codes = {(d.code, d.file) for d in model.diagnostics if d.code in ("R012", "R013", "T001")}
    assert codes == {
        ("R012", "resources/organizermeetinginfo.md"),
        ("R013", "resources/tokenmeetinginfo.md"),
    }


def test_prose_naming_the_base_class_states_it(tmp_path: Path) -> None:
    def said(name: str, sentence: str) -> str:
        return _resource(name, "", ("kind",)).replace(
            "## Properties", f"{sentence}\n\n## Properties"
        )

    model = _model(
        tmp_path,
        {
            "resources/flow.md": _resource("flow", "", ("kind",)),
            "resources/grade.md": _resource("grade", "", ("kind",)),
            "resources/a.md": said("a", "Inherits from base class [flow](flow.md)."),
            "resources/b.md": said("b", "This creates a subclass from [grade](grade.md), which"),
            "resources/c.md": said("c", "Inherits from base policy type."),  # names no type
        },
    )
    assert {k: v for k, v in _bases(model).items() if k in ("ns.a", "ns.b", "ns.c")} == {
        "ns.a": "ns.flow",
        "ns.b": "ns.grade",
        "ns.c": None,
    }


def _holder(relationship: str, structural: str) -> str:
    return (
        "# holder resource type\n## Properties\n| Property | Type | Description |\n|:--|:--|:--|\n"
        f"| id | String | Key. |\n| settings | [{structural}]({structural}.md) | Settings. |\n\n"
        "## Relationships\n| Relationship | Type | Description |\n|:--|:--|:--|\n"
        f"| parts | [{relationship}]({relationship}.md) collection | Parts. |\n\n"
        '<!-- { "blockType": "resource", "keyProperty": "id", "@odata.type": "ns.holder" } -->\n'
        '```json\n{ "id": "string", "settings": {"@odata.type": "ns.settings"} }\n```\n'
    )


def _post(path: str, returns: str) -> str:
    return _method(path, returns).replace("GET ", "POST ")


def test_what_odata_allows_only_entity_types_to_be_makes_them_derive_from_the_root(
    tmp_path: Path,
) -> None:
    """A relationship's target, a type created in a collection that GET lists (both
    entity types in OData) derive from the root; a type only ever typing a property
    is a complex type even with a key annotation, and no method returns it."""
    model = _model(
        tmp_path,
        {
            "resources/entity.md": ROOT,
            "resources/holder.md": _holder("part", "settings"),
            "resources/part.md": _resource("part", "", ("status",)),
            "resources/settings.md": _resource("settings", '"keyProperty": "id", '),
            "resources/grant.md": _resource("grant"),
            "resources/note.md": _resource("note"),
            "api/grant-list.md": _method("/grants", "grant").replace(
                "object in the response", "collection in the response"
            ),
            "api/grant-post.md": _post("/grants", "grant"),
            "api/note-post.md": _post("/notes", "note"),  # created, but not where GET lists
        },
    )
    bases = _bases(model)
    assert bases["ns.part"] == "ns.entity"
    assert bases["ns.grant"] == "ns.entity"
    assert bases["ns.settings"] is None
    assert bases["ns.note"] is None


def test_a_response_type_only_the_examples_name_is_the_endpoints(tmp_path: Path) -> None:
    """The text says "returns the new chat" (no link), the response annotation names
    `ns.chat`: the endpoint answers a chat. Examples naming two types name none."""
    post = (
        _method("/chats", "chat")
        .replace("GET", "POST")
        .replace("a\n[chat](../resources/chat.md) object", "the new chat")
    )
    model = _model(
        tmp_path,
        {
            "resources/chat.md": _resource("chat"),
            "api/chat-post.md": post,
        },
    )
    (endpoint,) = model.endpoints
    assert "[chat]" not in post  # (the text names no type)
    assert endpoint.response.type is not None and endpoint.response.type.name == "ns.chat"
