"""Rules that once reported real content as a mistake, each with a page that must
still be reported and one that must not."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from generator.config import DEFAULT_RULES, DEFAULT_TABLES, build_config, load_config
from generator.model.types import ApiModel, TypeRef
from generator.parse.facts import PageFacts
from generator.parse.page import parse_page
from generator.parse.tables import DERIVED_KIND
from generator.pipeline.run import load_model
from tests.check_support import check, codes, where

CONFIG = build_config(DEFAULT_TABLES, DEFAULT_RULES, None, "test")


def _model(root: Path, pages: dict[str, str]) -> ApiModel:
    for rel, text in pages.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text).lstrip("\n"))
    return load_model(root, load_config(root))


def page(text: str, path: str = "resources/x.md") -> PageFacts:
    return parse_page(path, dedent(text).lstrip("\n"), CONFIG)


def _found(model: ApiModel, code: str) -> list[tuple[str, int]]:
    return sorted((d.file, d.line) for d in model.diagnostics if d.code == code)


_CREATE_PAGE = """
    # Create widget
    ## HTTP request
    ```http
    POST /widgets
    ```
    ## Request headers
    | Name | Description |
    |:--|:--|
    | Authorization | Bearer {token}. Required. |
    | X-Sample-Header | Sample HTTP header. Update accordingly or remove if not needed |

    ## Request body
    | Property | Type | Description |
    |:--|:--|:--|
    | allowSampleSharing | Boolean | Whether samples are shared. |
    | promptForSampleSubmission | String | How to prompt for sample submission. |
    | sample_param | String | Sample parameter. |
    """


def test_placeholder_rows_are_template_words_not_parts_of_real_names(tmp_path: Path) -> None:
    model = _model(tmp_path, {"api/widget-create.md": _CREATE_PAGE})
    assert _found(model, "T003") == [("api/widget-create.md", 10), ("api/widget-create.md", 17)]
    (endpoint,) = model.endpoints
    body = [p.name for p in endpoint.parameters if p.location == "body"]
    assert body == ["allowSampleSharing", "promptForSampleSubmission"]


_LIST_PAGE = """
    # List widgets
    ## HTTP request
    ```http
    POST /widgets/search
    ```
    ## Request headers
    | Header | Value |
    |:--|:--|
    | ConsistencyLevel | eventual. Required with `$search`. |

    ## Optional request headers
    | Name | Value | Description |
    |:--|:--|:--|
    | if-match | etag | Deletes only this version. |
    | if-none-match | String | Returns 304 when the tag matches. |

    ## Request body
    | Name | Value | Description |
    |:--|:--|:--|
    | query | searchQuery | What to look for. |
    """


def test_a_header_is_typed_only_by_a_primitive_else_the_cell_is_its_value(tmp_path: Path) -> None:
    model = _model(tmp_path, {"api/widget-search.md": _LIST_PAGE})
    assert _found(model, "R003") == []  # (the body's Value `searchQuery`: a value, unlinked)
    (endpoint,) = model.endpoints
    types = {p.name: p.type for p in endpoint.parameters if p.location == "header"}
    assert types["ConsistencyLevel"] is None and types["if-match"] is None
    assert types["if-none-match"] == TypeRef("Edm.String", "primitive")


def test_a_value_column_names_a_type_by_a_link_to_its_page(tmp_path: Path) -> None:
    linked = _LIST_PAGE.replace("| searchQuery |", "| [searchQuery](../resources/searchquery.md) |")
    query = """
        # searchQuery resource type
        ## JSON representation
        <!-- { "blockType": "resource", "@odata.type": "microsoft.graph.searchQuery" } -->
        ```json
        { "queryString": "String" }
        ```
        """
    model = _model(tmp_path, {"api/widget-search.md": linked, "resources/searchquery.md": query})
    (endpoint,) = model.endpoints
    types = {p.name: p.type for p in endpoint.parameters if p.location == "body"}
    assert types["query"] == TypeRef("microsoft.graph.searchQuery", "resource")


_FENCE = "```"
_NOTIFICATION_PAGE = f"""
    # Unmute
    ## Example
    ##### Notification sent to the bot
    <!-- {{ "blockType": "example", "@odata.type": "ns.notification" }} -->
    {_FENCE}http
    POST https://bot.contoso.com/api/calls
    Content-Type: application/json

    {{
      "changeType": "updated", // the comment a loader drops
      "id": "1"
    }}
    {_FENCE}

    <!-- {{ "blockType": "example" }} -->
    {_FENCE}http
    POST https://bot.contoso.com/api/calls
    Content-Type: application/json
    {_FENCE}

    <!-- {{ "blockType": "example" }} -->
    {_FENCE}json
    {{ "id": "1" "name": "x" }}
    {_FENCE}
    """


def test_an_example_block_that_starts_with_a_request_line_is_read_as_http() -> None:
    facts = parse_page("api/x.md", dedent(_NOTIFICATION_PAGE).lstrip("\n"), CONFIG)
    found = sorted((d.code, d.line) for d in facts.diagnostics if d.code in ("J001", "J002"))
    assert found == [("J001", 10), ("J002", 23)]
    examples = [b for b in facts.blocks if b.role == "example"]
    assert examples[0].json is not None and examples[0].json.value == {
        "changeType": "updated",
        "id": "1",
    }
    assert examples[1].json is None  # a request line and a header: no body to load


_DELTA_PAGE = f"""
    # Get delta
    ## HTTP request
    <!-- {{ "blockType": "ignored" }} -->
    {_FENCE}http
    GET /me/tasks/delta
    {_FENCE}
    ## Example
    ### HTTP request
    <!-- {{ "blockType": "ignored" }} -->
    {_FENCE}http
    GET https://graph.microsoft.com/v1.0/me/tasks/delta?$deltatoken=abc
    Prefer: odata.maxpagesize=2
    {_FENCE}
    ### Response
    {_FENCE}http
    HTTP/1.1 200 OK
    {_FENCE}
    """


def test_an_http_request_heading_inside_an_example_titles_the_examples_request() -> None:
    facts = parse_page("api/x.md", dedent(_DELTA_PAGE).lstrip("\n"), CONFIG)
    assert [b.syntax for b in facts.blocks if b.role == "syntax"] == [
        (("GET", "/me/tasks/delta", 5),)
    ]
    assert [b.role for b in facts.blocks] == ["syntax", "request", "response"]
    assert "H005" not in {d.code for d in facts.diagnostics}


def test_a_syntax_block_with_a_header_line_is_still_reported() -> None:
    text = _DELTA_PAGE.replace("GET /me/tasks/delta\n", "GET /me/tasks/delta\n    Prefer: x\n")
    facts = parse_page("api/x.md", dedent(text).lstrip("\n"), CONFIG)
    assert [(d.code, d.line) for d in facts.diagnostics if d.code == "H005"] == [("H005", 6)]


_POLICY_PAGE = f"""
    # tokenPolicy resource type
    ## Properties
    | Property | Type | Description |
    |:--|:--|:--|
    | definition | String collection | The policy's rules, as JSON. |
    | displayName | String | Name. |

    ### Properties of a token policy definition
    | Property | Type | Description |
    |:--|:--|:--|
    | Version | Integer | Set to 1. |

    #### Example: a definition
    | Property | Type | Description |
    |:--|:--|:--|
    | Lifetime | String | How long. |

    ### Properties of the tokenPolicy resource
    | Property | Type | Description |
    |:--|:--|:--|
    | isDefault | Boolean | Default or not. |

    ## JSON representation
    <!-- {{ "blockType": "resource", "@odata.type": "ns.tokenPolicy" }} -->
    {_FENCE}json
    {{ "definition": ["String"], "displayName": "String" }}
    {_FENCE}
    """


def test_properties_of_another_object_are_not_the_resources(tmp_path: Path) -> None:
    model = _model(tmp_path, {"resources/tokenpolicy.md": _POLICY_PAGE})
    (policy,) = model.resources
    assert [p.name for p in policy.properties] == ["definition", "displayName", "isDefault"]
    assert _found(model, "R001") == [("resources/tokenpolicy.md", 21)]  # isDefault only


# -- R002: a property a base type declares is inherited, not "only in the JSON" -----------


def _typed_page(name: str, rows: str, sample: str, base: str = "") -> str:
    stated = f', "baseType": "microsoft.graph.{base}"' if base else ""
    return f"""
    # {name} resource type
    ## Properties
    | Property | Type | Description |
    |:--|:--|:--|
    {rows}

    ## JSON representation
    <!-- {{ "blockType": "resource", "@odata.type": "microsoft.graph.{name}"{stated} }} -->
    {_FENCE}json
    {sample}
    {_FENCE}
    """


def test_a_derived_types_json_repeats_what_it_inherits(tmp_path: Path) -> None:
    base = _typed_page(
        "mediaQuality", "| jitter | Duration | Jitter. |", '{ "jitter": "String (duration)" }'
    )
    derived = _typed_page(
        "videoQuality",
        "| frames | Int32 | Frames. |",
        '{ "jitter": "String (duration)", "frames": 1, "codec": "String" }',
        base="mediaQuality",
    )
    pages = {"resources/mediaquality.md": base, "resources/videoquality.md": derived}
    found = check(tmp_path, {k: dedent(v).lstrip("\n") for k, v in pages.items()})
    messages = [d.message for d in codes(found, "R002")]
    assert len(messages) == 1 and '"codec"' in messages[0]  # jitter is inherited


def test_a_property_no_base_declares_is_still_only_in_the_json(tmp_path: Path) -> None:
    page = _typed_page("identity", "| id | String | Id. |", '{ "id": "String", "thumbnails": [] }')
    found = check(tmp_path, {"resources/identity.md": dedent(page).lstrip("\n")})
    assert where(found, "R002") == [("resources/identity.md", 9)]


# -- T005: section-label rows; a header wider than every row ------------------------------


def test_a_one_cell_label_row_is_no_broken_row() -> None:
    facts = page("""
        ## Methods
        | Method | Return type | Description |
        |:--|:--|:--|
        | [Get](get.md) | thing | Get it. |
        |**Open extensions**|
        | [Create](create.md) | ext | Create one. |
        | Plain text |
        """)
    assert [(d.code, d.line) for d in facts.diagnostics] == [("T005", 7)]  # the plain one


def test_a_header_wider_than_every_row_is_reported_once_at_the_header() -> None:
    facts = page("""
        ## Properties
        | Property | Type | Description |   |
        |:--|:--|:--|:--|
        | a | String | A. |
        | b | String | B. |
        | c | String |
        """)
    found = [(d.line, d.message) for d in facts.diagnostics if d.code == "T005"]
    assert found == [
        (2, "table header has 4 cells, every row at most 3"),
        (6, "table row has 2 cells, the widest row 3"),
    ]


# -- T002: name-value tables; "[a] or [b]" naming subtypes ---------------------------------

_EXTENSION_PAGE = """
    # Create extension
    ## HTTP request
    ```http
    POST /things/{id}/extensions
    ```
    ## Request body
    | Name | Value |
    |:--|:--|
    | @odata.type | microsoft.graph.openTypeExtension |
    | extensionName | %unique_string% |
    | count | Int32 |

    ## Copy options
    | Name | Type | Description |
    |:--|:--|:--|
    | page | string/number | The page. |
    """


def test_a_name_value_tables_values_are_no_types(tmp_path: Path) -> None:
    model = _model(tmp_path, {"api/extension-post.md": _EXTENSION_PAGE})
    (endpoint,) = model.endpoints
    types = {p.name: p.type for p in endpoint.parameters}
    assert types["extensionName"] is None and types["@odata.type"] is None
    assert types["count"] == TypeRef("Edm.Int32", "primitive")
    assert _found(model, "T002") == []


def test_a_type_column_that_does_not_parse_is_still_reported(tmp_path: Path) -> None:
    text = _EXTENSION_PAGE.replace("## Copy options", "## Request body")
    text = text.replace("| Name | Value |\n", "| Name | Type |\n", 1)
    model = _model(tmp_path, {"api/extension-post.md": text})
    assert _found(model, "T002") == [
        ("api/extension-post.md", 10),  # (a Type column: %unique_string% is no type)
        ("api/extension-post.md", 16),
    ]


def _media_pages(cell: str) -> dict[str, str]:
    """An abstract base with two subtypes, and a call whose Type cell is `cell`."""
    config = _typed_page("mediaConfig", "| blob | String | Blob. |", '{ "blob": "String" }')
    pages = {"resources/mediaconfig.md": config}
    for name in ("appHostedMediaConfig", "serviceHostedMediaConfig"):
        pages[f"resources/{name.lower()}.md"] = _typed_page(
            name, "| blob | String | Blob. |", '{ "blob": "String" }', base="mediaConfig"
        )
    sample = '{ "media": { "@odata.type": "#microsoft.graph.mediaConfig" } }'
    pages["resources/call.md"] = _typed_page("call", f"| media | {cell} | Media. |", sample)
    return pages


_SUBTYPES = (
    "[appHostedMediaConfig](apphostedmediaconfig.md) or "
    "[serviceHostedMediaConfig](servicehostedmediaconfig.md)"
)


def test_a_type_cell_naming_subtypes_as_alternatives_is_no_parse_failure(tmp_path: Path) -> None:
    model = _model(tmp_path, _media_pages(_SUBTYPES))
    assert _found(model, "T002") == []
    call = next(r for r in model.resources if r.short_name == "call")
    (media,) = call.properties  # typed as the JSON representation says: the base
    assert media.type == TypeRef("microsoft.graph.mediaConfig", "resource")


def test_alternatives_the_doc_set_does_not_define_still_do_not_parse(tmp_path: Path) -> None:
    model = _model(tmp_path, _media_pages("[appHostedMediaConfig](apphostedmediaconfig.md) or x"))
    assert _found(model, "T002") == [("resources/call.md", 5)]


# -- tables under a Properties section that list no properties ----------------------------


def test_only_tables_of_property_names_under_properties_list_properties() -> None:
    facts = page("""
        # folderView resource type
        ## Properties
        | Property | Type | Description |
        |:--|:--|:--|
        | sortBy | String | How to sort. |

        ### sortBy options
        | Value | Description |
        |:--|:--|
        | `name` | By name. |

        ### Maximum lengths
        | Resource | Maximum |
        |:--|:--|
        | Security **alert** | 43200 minutes |

        ### Derived types
        | Type | Description |
        |:--|:--|
        | [specialView](specialview.md) | A view. |

        ### More properties
        | Property | Type | Description |
        |:--|:--|:--|
        | viewType | String | The view. |
        """)
    kinds = [(t.title, t.kind) for t in facts.tables]
    assert kinds == [
        ("Properties", "ResourcePropertyDescriptions"),
        ("sortBy options", None),
        ("Maximum lengths", None),
        ("Derived types", DERIVED_KIND),
        ("More properties", "ResourcePropertyDescriptions"),
    ]


# -- M001: a Type cell linking to an "x values" section ------------------------------------

_USER_PAGE = """
    # user resource type
    ## Properties
    | Property | Type | Description |
    |:--|:--|:--|
    | ageGroup | [ageGroup](#agegroup-values) | Allowed values: `null`, `minor`, `adult`. |
    | chatType | [chatType](#chattype-values) | The kind of chat. |

    ### ageGroup values
    | Member | Description |
    |:--|:--|
    | null | Not set. |
    | minor | A minor. |
    | adult | An adult. |

    ### chatType values
    | Member | Value | Description |
    |:--|:--|:--|
    | oneOnOne | 0 | Two people. |
    | group | 1 | More. |

    ## JSON representation
    <!-- { "blockType": "resource", "@odata.type": "microsoft.graph.user" } -->
    ```json
    { "ageGroup": "string", "chatType": "String" }
    ```
    """


def test_a_values_section_listing_null_is_a_strings_allowed_values(tmp_path: Path) -> None:
    model = _model(tmp_path, {"resources/user.md": _USER_PAGE})
    assert [e.short_name for e in model.enums] == ["chatType"]
    (user,) = model.resources
    types = {p.name: p.type for p in user.properties}
    assert types["ageGroup"] == TypeRef("Edm.String", "primitive")
    assert types["chatType"] == TypeRef("microsoft.graph.chatType", "enum")
    assert _found(model, "R003") == []


def test_allowed_values_with_null_are_no_probable_enum(tmp_path: Path) -> None:
    enum_like = _USER_PAGE.replace(
        "| chatType | [chatType](#chattype-values) | The kind of chat. |",
        "| kind | String | Possible values are: `small`, `large`. |",
    )
    found = check(tmp_path, {"resources/user.md": dedent(enum_like).lstrip("\n")})
    assert [d.message.split(" is ")[0] for d in codes(found, "R014")] == [
        "microsoft.graph.user.kind"
    ]


# -- J002: the body of an ignored block is not read as JSON ------------------------------


def test_an_ignored_blocks_body_is_not_reported_as_invalid_json() -> None:
    """A `$value` response annotated `ignored` whose body is a placeholder."""
    text = """
        # Get attachment
        ## Examples
        ### Request
        <!-- { "blockType": "request", "name": "get-raw" } -->
        ```http
        GET https://graph.microsoft.com/v1.0/me/attachments/1/$value
        ```
        ### Response
        <!-- { "blockType": "%s", "name": "get-raw" } -->
        ```http
        HTTP/1.1 200 OK

        {Raw bytes of the file}
        ```
        """
    assert [d.line for d in page(text % "ignored").diagnostics if d.code == "J002"] == []
    reported = page(text % "response").diagnostics
    assert [(d.code, d.line) for d in reported if d.code == "J002"] == [("J002", 13)]


_SECTIONS_PAGE = """
    # List drives

    ## List a group's drives

    ### HTTP request

    <!-- { "blockType": "request", "name": "group-drives" } -->
    ```http
    GET /groups/{groupId}/drives
    ```

    ## List a site's drives

    <!-- { "blockType": "request", "name": "site-drives" } -->
    ```http
    GET /sites/{siteId}/drives
    ```

    ## Example

    <!-- { "blockType": "request", "name": "site-drives-example" } -->
    ```http
    GET https://graph.microsoft.com/v1.0/sites/contoso/drives
    ```
"""


def test_a_page_of_sections_each_with_its_call_documents_each_call(tmp_path: Path) -> None:
    """No syntax block: the request of the "HTTP request" section stands for it (X007),
    and so does the request of each other section written as a path, not an example
    whose URL is written whole: every call is an endpoint, no X004 against the first."""
    model = _model(tmp_path, {"api/drive-list.md": _SECTIONS_PAGE})
    assert {e.path for e in model.endpoints} == {
        "/groups/{groupId}/drives",
        "/sites/{siteId}/drives",
    }
    found = check(tmp_path / "again", {"api/drive-list.md": dedent(_SECTIONS_PAGE)})
    assert not codes(found, "X004") and not codes(found, "X006")
    assert len(codes(found, "X007")) == 2
