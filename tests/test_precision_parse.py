"""Rules that once reported real content as a mistake, each with a page that must
still be reported and one that must not."""

from __future__ import annotations

from textwrap import dedent

from generator.config import DEFAULT_RULES, DEFAULT_TABLES, build_config
from generator.parse.page import parse_page

CONFIG = build_config(DEFAULT_TABLES, DEFAULT_RULES, None, "test")


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
