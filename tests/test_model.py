"""The resolved model: the samples/groups snapshot, the seed page, determinism."""

from __future__ import annotations

import json
import pickle
import random
from pathlib import Path
from textwrap import dedent

import pytest
from syrupy.assertion import SnapshotAssertion

from generator.config import load_config
from generator.model.resolve import build_model
from generator.model.serialize import model_to_json
from generator.model.types import ApiModel
from generator.pipeline.run import load_model, parse_doc_set
from tests.conftest import GROUPS


@pytest.fixture(scope="module")
def groups() -> ApiModel:
    return load_model(GROUPS)


def test_groups_model_snapshot(groups: ApiModel, snapshot: SnapshotAssertion) -> None:
    assert json.loads(model_to_json(groups)) == snapshot


def test_model_bytes_do_not_depend_on_page_order() -> None:
    parsed = parse_doc_set(GROUPS)
    pages = list(parsed.pages)
    first = model_to_json(build_model(pages, parsed.config))
    random.Random(7).shuffle(pages)
    assert model_to_json(build_model(pages, parsed.config)) == first


def test_equal_parameters_permissions_and_types_are_one_object() -> None:
    """The builders share equal values (`types.Same`), so the work kept in runs of
    pages pickles each once: the same model, in fewer objects."""
    config = load_config(GROUPS)
    model = build_model(parse_doc_set(GROUPS, config).pages, config)
    values = [p for e in model.endpoints for p in (*e.parameters, *e.permissions)]
    values += [p.type for r in model.resources for p in r.properties]
    first: dict[object, object] = {}
    for value in values:
        assert first.setdefault(value, value) is value
    assert len(first) < len(values) / 2  # (they do repeat)


def test_seed_keeps_its_three_alternative_paths(groups: ApiModel) -> None:
    seed = [e for e in groups.endpoints if e.source.file == "create-thread.md"]
    assert sorted(e.raw_path for e in seed) == [
        "/drive/root/createdByUser/JoinedGroups/<objectId>/Conversations/<Id>/Threads",
        "/groups/<objectId>/Conversations/<Id>/Threads",
        "/users/<objectId>/JoinedGroups/<objectId>/Conversations/<Id>/Threads",
    ]
    assert all(len(e.alternatives) == 2 for e in seed)
    paths = {e.path for e in seed}
    assert "/groups/{group-id}/Conversations/{conversation-id}/Threads" in paths
    assert all(e.response.status == 201 for e in seed)


def test_seed_example_pair_and_diagnostics(groups: ApiModel) -> None:
    (example,) = [x for x in groups.examples if x.source.file == "create-thread.md"]
    assert example.request.method == "POST" and example.response is not None
    assert example.response.status == 201 and example.response.body["Topic"] == "Topic-value"
    found = {(d.code, d.line) for d in groups.diagnostics if d.file == "create-thread.md"}
    assert ("X004", 34) in found  # example path matches none of the syntax paths
    assert ("T003", 17) in found  # the X-Sample-Header template row
    assert ("T004", 5) in found  # the empty scopes line
    assert ("R008", 20) in found and ("R008", 24) in found  # links to a page not in the set


def test_resource_merges_table_and_json(groups: ApiModel) -> None:
    thread = next(r for r in groups.resources if r.short_name == "conversationThread")
    assert thread.base_type == "microsoft.graph.entity" and thread.key_property == "id"
    props = {p.name: p for p in thread.properties}
    assert props["toRecipients"].type.name == "microsoft.graph.recipient"
    assert props["toRecipients"].type.collection and props["posts"].navigation
    assert props["lastDeliveredDateTime"].type.name == "Edm.DateTimeOffset"


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dedent(text).lstrip("\n"))


def test_two_resources_and_an_enum_on_one_page(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "resources/shapes.md",
        """
        # Shapes
        ## Properties
        | Property | Type | Description |
        |:--|:--|:--|
        | side | Int32 | Side. |
        | kind | shapeKind | Kind. |

        <!-- { "blockType": "resource", "@odata.type": "ns.square" } -->
        ```json
        { "side": 1, "kind": "string" }
        ```
        ## Properties
        | Property | Type | Description |
        |:--|:--|:--|
        | radius | Double | Radius. |
        | area | Edm.Double (read-only) | Area. |

        <!-- { "blockType": "resource", "@odata.type": "ns.circle" } -->
        ```json
        { "radius": 1.5, "area": 2.0 }
        ```
        ### shapeKind values
        | Value | Description |
        |:--|:--|
        | round | Round. |
        | flat | Flat. |
        """,
    )
    model = load_model(tmp_path, load_config(tmp_path))
    assert [r.name for r in model.resources] == ["ns.circle", "ns.square"]
    square = model.resources[1]
    assert {p.name: p.type.kind for p in square.properties} == {"side": "primitive", "kind": "enum"}
    circle = model.resources[0]
    area = next(p for p in circle.properties if p.name == "area")
    assert area.type.name == "Edm.Double" and area.read_only
    assert [m.name for m in model.enums[0].members] == ["round", "flat"]


def test_unparsable_type_cell_is_reported_not_string(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "resources/a.md",
        """
        ## Properties
        | Property | Type | Description |
        |:--|:--|:--|
        | odd | String or Int32 | Either. |

        <!-- { "blockType": "resource", "@odata.type": "ns.a" } -->
        ```json
        { "odd": 1 }
        ```
        """,
    )
    model = load_model(tmp_path, load_config(tmp_path))
    assert "T002" in {d.code for d in model.diagnostics}
    (prop,) = model.resources[0].properties
    assert prop.type.name == "Edm.Int32"  # typed from the JSON sample, with the report


def test_examples_pair_by_name_then_position(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "api/a.md",
        """
        ## HTTP request
        ```http
        GET /things/{id}
        POST /things
        ```
        ## Examples
        <!-- { "blockType": "request", "name": "first" } -->
        ```http
        GET https://x.test/v1.0/things/42
        ```
        <!-- { "blockType": "request", "name": "second" } -->
        ```http
        POST /v1.0/things
        Content-Type: application/json

        {"a": 1,}
        ```
        <!-- { "blockType": "response", "name": "first" } -->
        ```http
        HTTP/1.1 200 OK
        ```
        <!-- { "blockType": "response" } -->
        ```http
        HTTP/1.1 201 Created
        ```
        """,
    )
    model = load_model(tmp_path, load_config(tmp_path))
    by_name = {x.name: x for x in model.examples}
    assert by_name["first"].response is not None and by_name["first"].response.status == 200
    assert by_name["second"].response is not None and by_name["second"].response.status == 201
    assert by_name["first"].endpoint == "GET /things/{thing-id}"
    assert by_name["first"].path_values == (("thing-id", "42"),)
    assert by_name["second"].request.body == {"a": 1}
    assert "J001" in {d.code for d in model.diagnostics}


def test_success_status_is_the_first_2xx_the_response_section_names(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "api/a.md",
        """
        ## HTTP request
        ```http
        POST /things/{id}/upload
        ```
        ## Response
        If there is no space left this returns `507 Insufficient Storage`.
        Otherwise it returns `200 OK` and an object in the response body.
        """,
    )
    model = load_model(tmp_path, load_config(tmp_path))
    assert model.endpoints[0].response.status == 200


@pytest.mark.parametrize(
    ("prose", "scopes"),
    [
        (
            "The following **scopes** are required to execute this API: Group.ReadWrite.All AND User.Read",
            ("Group.ReadWrite.All", "User.Read"),
        ),
        (
            "The following scopes are required to execute this API:\n\n- *Group.ReadWrite.All*\n- `User.Read`",
            ("Group.ReadWrite.All", "User.Read"),
        ),
        (
            "The following scopes are required to execute this API: _Mail.Send_; Mail.Read",
            ("Mail.Send", "Mail.Read"),
        ),
    ],
)
def test_the_seeds_scopes_line_in_its_forms(
    tmp_path: Path, prose: str, scopes: tuple[str, ...]
) -> None:
    """The seed's dialect: no permissions table, a prose line of scopes, the scopes after
    it (bullets, italics, code) or on it (`A AND B`)."""
    _write(
        tmp_path,
        "api/thread-create.md",
        f"# Create thread\n\n### Prerequisites\n{prose}\n\n### HTTP request\n"
        '<!-- { "blockType": "ignored" } -->\n```http\nPOST /groups/<objectId>/threads\n```\n',
    )
    model = load_model(tmp_path, load_config(tmp_path))
    (endpoint,) = model.endpoints
    assert [p.scopes for p in endpoint.permissions] == [scopes]
    assert "T004" not in {d.code for d in model.diagnostics}


def test_a_replaced_element_has_a_digest_of_its_own(groups: ApiModel) -> None:
    """`digest.replaced`: the copy's digest comes from the original's and the changes,
    not its whole content: the same for the same change of the same element, another
    for another change, and never an element's whose content differs."""
    import dataclasses

    from generator.digest import replaced

    endpoint = groups.endpoints[0]
    copy = replaced(endpoint, also_on=("api/elsewhere.md",))
    assert copy == dataclasses.replace(endpoint, also_on=("api/elsewhere.md",))
    again = replaced(pickle.loads(pickle.dumps(endpoint)), also_on=("api/elsewhere.md",))
    assert copy.digest == again.digest  # (the digest is not pickled: made again, equal)
    other = replaced(endpoint, also_on=("api/another.md",))
    back = replaced(copy, also_on=endpoint.also_on)
    assert len({endpoint.digest, copy.digest, other.digest}) == 3
    assert back == endpoint and back.digest != copy.digest
