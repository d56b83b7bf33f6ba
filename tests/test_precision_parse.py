"""Rules that once reported real content as a mistake, each with a page that must
still be reported and one that must not."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from generator.config import DEFAULT_RULES, DEFAULT_TABLES, build_config, load_config
from generator.model.types import ApiModel, TypeRef
from generator.parse.page import parse_page
from generator.pipeline.run import load_model

CONFIG = build_config(DEFAULT_TABLES, DEFAULT_RULES, None, "test")


def _model(root: Path, pages: dict[str, str]) -> ApiModel:
    for rel, text in pages.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text).lstrip("\n"))
    return load_model(root, load_config(root))


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
    assert _found(model, "R003") == [("api/widget-search.md", 20)]  # the body's searchQuery
    (endpoint,) = model.endpoints
    types = {p.name: p.type for p in endpoint.parameters if p.location == "header"}
    assert types["ConsistencyLevel"] is None and types["if-match"] is None
    assert types["if-none-match"] == TypeRef("Edm.String", "primitive")


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
