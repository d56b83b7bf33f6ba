"""Rules of the page parser, one small Markdown sample each."""

from __future__ import annotations

from textwrap import dedent

from generator.config import DEFAULT_RULES, DEFAULT_TABLES, DocSetConfig, build_config
from generator.parse.facts import PageFacts
from generator.parse.page import parse_page, split_front_matter

CONFIG: DocSetConfig = build_config(DEFAULT_TABLES, DEFAULT_RULES, None, "test")


def page(text: str, path: str = "api/x.md") -> PageFacts:
    return parse_page(path, dedent(text).lstrip("\n"), CONFIG)


def codes(facts: PageFacts) -> list[str]:
    return [d.code for d in facts.diagnostics]


def test_front_matter_and_title() -> None:
    facts = page("""
        ---
        title: "Create thread"
        doc_type: apiPageType
        ---
        # Create thread
        """)
    assert facts.front_matter == {"title": "Create thread", "doc_type": "apiPageType"}
    assert facts.headings[0].line == 5  # front matter keeps file line numbers


def test_page_without_front_matter_uses_h1() -> None:
    facts = page("# Older page\n\nText.\n")
    assert facts.title == "Older page" and facts.front_matter == {}


def test_broken_front_matter_is_reported() -> None:
    facts = page("---\ntitle: [unclosed\n---\n# T\n")
    assert "F002" in codes(facts)


def test_annotation_governs_block_across_include_tab_marker_and_note() -> None:
    facts = page("""
        ## Example
        # [HTTP](#tab/http)
        <!-- { "blockType": "request", "name": "a" } -->
        [!INCLUDE [sample-code](../includes/x.md)]

        > **Note:** a note.

        ```http
        GET https://graph.microsoft.com/v1.0/me
        ```
        """)
    (block,) = facts.blocks
    assert block.role == "request" and block.annotation is not None
    assert block.request is not None and block.request.url.endswith("/me")
    assert [h.text for h in facts.headings] == ["Example"]  # tab marker is no heading
    assert block.section == "Example"


def test_annotation_without_block_is_reported() -> None:
    facts = page("""
        <!-- { "blockType": "response" } -->
        ## Next section
        """)
    assert "A004" in codes(facts)


def test_sloppy_annotation_repaired_and_broken_reported() -> None:
    facts = page("""
        <!-- { "blockType": "request", "name": "a", } -->
        ```http
        GET /me
        ```
        <!-- { "blockType": "response" "x" } -->
        ```http
        HTTP/1.1 204 No Content
        ```
        """)
    assert codes(facts).count("A002") == 1
    assert "A001" in codes(facts)
    assert facts.blocks[0].annotation is not None and facts.blocks[0].annotation.repaired


def test_page_annotation_counts_anywhere() -> None:
    facts = page("""
        <!-- { "type": "#page.annotation", "suppressions": ["Warning: x"] } -->
        # Title
        Text.
        """)
    assert len(facts.page_annotations) == 1


def test_unannotated_examples_are_inferred_by_first_line() -> None:
    facts = page("""
        ## HTTP Request
        ``` http
        GET /users/{id}
        ```
        ## Examples
        ### Request
        ``` http
        GET https://graph.microsoft.com/v1.0/users/1
        ```
        ### Response
        ```
        HTTP/1.1 200 OK
        Content-type: application/json

        {"id": "1"}
        ```
        """)
    roles = [(b.role, b.inferred) for b in facts.blocks]
    assert roles == [("syntax", False), ("request", True), ("response", True)]
    assert codes(facts).count("X001") == 2
    assert facts.blocks[0].syntax == (("GET", "/users/{id}", 3),)
    assert facts.blocks[2].response is not None and facts.blocks[2].response.body is not None


def test_http_block_outside_examples_is_not_an_example() -> None:
    facts = page("""
        ## Optional query parameters
        ```http
        GET https://graph.microsoft.com/v1.0/groups?$filter=x
        ```
        """)
    assert [b.role for b in facts.blocks] == [None]


def test_syntax_block_in_sub_section_and_samples_block() -> None:
    facts = page("""
        ## HTTP request
        ### One way
        <!-- { "blockType": "samples" } -->
        ```http
        GET /a/{id}
        GET /b/{id}
        ```
        """)
    assert facts.blocks[0].role == "syntax" and len(facts.blocks[0].syntax) == 2


def test_tables_classified_by_title_and_columns() -> None:
    facts = page(
        """
        ---
        doc_type: resourcePageType
        ---
        ## Properties
        | Property | Type | Description |
        |:--|:--|:--|
        | id | String | Read-only. |

        ## Eigenschaften
        | Property | Type | Description |
        |:--|:--|:--|
        | name | String | Übersetzt. |

        ## Methods
        | Method | Return Type | Description |
        |:--|:--|:--|
        | [Get](../api/x-get.md) | [x](x.md) | Get it. |

        ## Notes
        | Left | Right |
        |:--|:--|
        | a | b |
        """,
        path="resources/x.md",
    )
    kinds = [t.kind for t in facts.tables]
    assert kinds == [
        "ResourcePropertyDescriptions",
        "ResourcePropertyDescriptions",  # translated title: recognised by its columns
        "Methods",
        None,
    ]
    assert codes(facts).count("T001") == 1  # the unknown table is reported, rows kept
    assert facts.tables[3].rows[0][0].text == "a"
    assert facts.tables[0].columns == ("name", "type", "description")


def test_enum_tables_with_default_config() -> None:
    facts = page(
        """
        # riskLevel enum type
        ## Members
        | Member | Value | Description |
        |:--|:--|:--|
        | low | 0 | Low. |

        ### status values
        | Value | Description |
        |:--|:--|
        | active | Active. |
        """,
        path="resources/risklevel.md",
    )
    assert [(t.kind, t.subject) for t in facts.tables] == [
        ("EnumerationValues", ""),
        ("EnumerationValues", "status"),
    ]
    assert facts.tables[0].columns == ("memberName", "numericValue", "description")


def test_links_keep_their_own_text_and_section() -> None:
    facts = page("""
        ## Response
        Returns a [user](../resources/user.md) object.
        """)
    (link,) = facts.links
    assert (link.href, link.text, link.section, link.line) == (
        "../resources/user.md",
        "user",
        "Response",
        2,
    )


def test_crlf_bom_and_empty_page_do_not_crash() -> None:
    assert page("").blocks == ()
    facts = parse_page("x.md", "\ufeff# T\r\n\r\n```http\r\nGET /x\r\n```\r\n", CONFIG)
    assert facts.title == "T"


def test_a_page_the_markdown_parser_fails_on_is_a_finding() -> None:
    """markdown-it-py 4.0 raises IndexError on this page: the page is reported (F007),
    the front matter still read, and the run goes on."""
    facts = parse_page("api/x.md", "---\ntitle: T\n---\n\t1. <pre>_\n> \t1. <pre>_\n> ", CONFIG)
    assert codes(facts) == ["F007"] and facts.title == "T" and facts.blocks == ()


def test_table_rows_with_missing_or_extra_cells_are_reported() -> None:
    """markdown-it splits a row at every unescaped `|`, in code too (GFM: escape it), and
    drops the cells past the header's: the text after `x` below is lost. Where escaping
    the `|` in code or parentheses gives the header's width, the finding says so."""
    facts = page("""
        ## Properties
        | Property | Type | Description |
        |:--|:--|:--|
        | a | String | Lost, with `x|y` in code. |
        | b | String |
        | c | String | Pipe a | b lost. |
        | d | String | Escaped \\| pipe, `x\\|y` in code. |
        """)
    assert [(d.code, d.line) for d in facts.diagnostics] == [("T005", 4), ("T005", 5), ("T005", 6)]
    assert facts.tables[0].rows[0][2].text == "Lost, with `x"
    hint = "a `|` inside code or parentheses is read as a border"
    assert [hint in d.message for d in facts.diagnostics] == [True, False, False]


def test_a_table_past_the_row_limit_keeps_the_first_rows_and_says_where_it_stopped() -> None:
    from generator.parse.page import MAX_TABLE_ROWS

    rows = "\n".join(f"| p{i} | String | d |" for i in range(MAX_TABLE_ROWS + 5))
    text = f"# t resource type\n\n## Properties\n\n| Property | Type | Description |\n|--|--|--|\n{rows}\n"
    facts = parse_page("x.md", text, CONFIG)
    assert len(facts.tables[0].rows) == MAX_TABLE_ROWS
    assert [(d.code, d.line) for d in facts.diagnostics] == [("T006", 7 + MAX_TABLE_ROWS)]
    assert facts.tables[0].rows[-1][0].text == f"p{MAX_TABLE_ROWS - 1}"


def test_a_page_past_the_token_budget_is_read_up_to_the_line_that_passes_it() -> None:
    """markdown-it builds a page's tokens all at once: a page that would make too many
    is read up to the line where the bound passes the budget, and says where (F005)."""
    from generator.parse import budget

    head = "---\ntitle: t\n---\n# t resource type\n\n## Properties\n\n"
    table = "| Property | Type | Description |\n|--|--|--|\n"
    rows = [f"| p{i} | String | The *p* of `x`. |" for i in range(budget.MAX_PAGE_TOKENS // 20)]
    text = head + table + "\n".join(rows) + "\n\n## After\n"
    facts = parse_page("api/x.md", text, CONFIG)
    (cut,) = [d for d in facts.diagnostics if d.code == "F005"]
    body_lines = split_front_matter(text)[1].split("\n")
    assert budget.estimate("\n".join(body_lines[: cut.line - 1])) <= budget.MAX_PAGE_TOKENS
    assert budget.estimate("\n".join(body_lines[: cut.line])) > budget.MAX_PAGE_TOKENS
    assert facts.front_matter == {"title": "t"}
    assert [h.text for h in facts.headings] == ["t resource type", "Properties"]
    (table_facts,) = facts.tables
    first_row_line = head.count("\n") + 3
    assert table_facts.row_lines[0] == first_row_line
    assert table_facts.row_lines[-1] == cut.line - 1  # every row before the cut is read
    assert table_facts.rows[-1][0].text == f"p{cut.line - 1 - first_row_line}"
    assert "split the page" in cut.message


def test_fenced_content_does_not_count_toward_the_token_budget() -> None:
    """A fenced block is one token however many lines it holds."""
    from generator.parse import budget

    rows = "\n".join(f"| p{i} | a | b | c | d |" for i in range(budget.MAX_PAGE_TOKENS // 25))
    assert budget.estimate(rows) > budget.MAX_PAGE_TOKENS  # as content, it would be cut
    facts = page(f"## Example\n\n```text\n{rows}\n```\n\n## After\n")
    assert "F005" not in codes(facts)
    assert [h.text for h in facts.headings] == ["Example", "After"]
    assert facts.blocks[0].content == rows + "\n"


def test_front_matter_past_its_limits_is_reported_not_read() -> None:
    """YAML can make much of little (aliases of aliases) or be large: front matter is
    read within limits, the page's Markdown all the same."""
    from generator.parse.page import (
        MAX_FRONT_MATTER_CHARS,
        MAX_FRONT_MATTER_DEPTH,
        MAX_FRONT_MATTER_VALUES,
    )

    aliases = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    aliases += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 5)]
    deep = "k: " + "[" * 500 + "]" * 500
    big = "\n".join(f"k{i}: v" for i in range(MAX_FRONT_MATTER_CHARS // 8))
    for front, says in (
        ("\n".join(aliases), f"has over {MAX_FRONT_MATTER_VALUES} values"),
        (deep, f"nests over {MAX_FRONT_MATTER_DEPTH} levels"),
        (big, f"over the {MAX_FRONT_MATTER_CHARS} limit"),
    ):
        facts = parse_page("x.md", f"---\n{front}\n---\n# T\n", CONFIG)
        (problem,) = facts.diagnostics
        assert (problem.code, problem.line) == ("F002", 2) and says in problem.message
        assert facts.front_matter == {} and facts.title == "T"
