"""The bound of a page's markdown-it tokens, taken before it is parsed (`parse.budget`)."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it.token import Token

from generator.parse import budget
from generator.parse.page import _MD, split_front_matter
from tests.conftest import GROUPS

EXAMPLES = int(os.environ.get("DOCGEN_FUZZ_EXAMPLES", "200"))

# Line shapes where markdown-it's block structure turns on context: fences at every
# indent and in containers, HTML blocks of each kind (a fence inside one is text),
# table headers, delimiter rows and short rows (padded to the header's width),
# nested lists and quotes, and the inline marks that make the most tokens.
LINES = [
    "", "", "  ", "a", "text with *em* and `code`", "*a* *a* *a*", "[a](b) ![c](d) <http://x>",
    "```", "```js", "````", "~~~", "  ```", "   ```", "    ```", "\t```", "``` `", "```|",
    "- ```", "> ```", "1. ```", "- a", "  - a", "    - a", "- - - a", "> a", "> > a", "1. a",
    "1) a", "# h", "---", "===", "    code", "[a]: /u", "a\\", "&amp; \\* a",
    "<!--", "-->", "<!-- x -->", "- <!--", "  <!--", "<div>", "</div>", " <div>", "- <div>",
    "<pre>", "</pre>", "<a>", "<!X", ">", "<?", "?>", "<![CDATA[", "]]>",
    "| a | b | c |", "|---|---|---|", "|-|", "-|-", "a|b", "|a", "|" + "-|" * 30,
]  # fmt: skip


def tokens(text: str) -> int:
    """markdown-it's tokens for `text`, children included (what the page parser builds)."""

    def count(items: list[Token]) -> int:
        return sum(1 + count(t.children or []) for t in items)

    return count(_MD.parse(text))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    head=st.lists(st.sampled_from(LINES), max_size=30),
    tail=st.lists(st.sampled_from(LINES), min_size=1, max_size=4),
    times=st.integers(1, 30),
)
# a fence-like line with a `|` heads a table, as markdown-it tries tables first
@example(head=["```<!X<http://x></div>|"], tail=["-|"], times=20)
# a comment in a list item ends with it: the next fence at the margin is one
@example(head=["- <!--", "a", "```", "-->", "```"], tail=["| a | b |", "> a"], times=20)
# a fence in a list item ends with it, and its closing line opens another
@example(head=["1. a", "", "   ```", "```"], tail=["- a", "  - a"], times=20)
def test_the_bound_is_never_below_markdown_its_count(
    head: list[str], tail: list[str], times: int
) -> None:
    text = "\n".join(head + tail * times)
    assert budget.estimate(text) >= tokens(text)
    assert budget.quick_bound(text) >= budget.estimate(text)


def test_a_fenced_line_costs_one_whatever_it_holds() -> None:
    rows = "\n".join("| a | b | c | d |" for _ in range(100))
    fenced = f"```\n{rows}\n```\n"
    assert budget.estimate(fenced) == budget.LINE + 100 + 1 + 1  # opening, lines, closing, end
    assert budget.estimate(rows) > 20 * 100


def test_a_fence_closes_only_with_a_run_as_long_of_its_marker() -> None:
    inner = "\n".join(["```", "~~~", "``` js", "    ````"] * 10)
    fenced = f"````\n{inner}\n````\n"
    assert budget.estimate(fenced) == budget.LINE + 40 + 1 + 1


def test_a_fence_it_cannot_place_makes_the_rest_count_as_content() -> None:
    """In a list item, a fence's extent depends on the item: the scan does not guess."""
    rows = "\n".join("| a | b |" for _ in range(50))
    at_margin = f"1. Step\n\n```\n{rows}\n```\n"
    indented = f"1. Step\n\n   ```\n{rows}\n   ```\n"
    assert budget.estimate(at_margin) < 100
    assert budget.estimate(indented) > 50 * 10
    assert budget.estimate(indented) >= tokens(indented)


def test_a_fence_in_an_html_block_is_text() -> None:
    text = "<!--\n```\n-->\n" + "| a | b |\n|---|---|\n" + "| x | y |\n" * 50
    assert budget.estimate(text) >= tokens(text) > 50 * 10


def test_an_annotated_fence_is_a_fence() -> None:
    """The docs' annotation comment ends on its own line: the block after it is code."""
    body = "\n".join(f'"p{i}": "String",' for i in range(100))
    text = f'<!-- {{\n  "blockType": "resource"\n}} -->\n```json\n{body}\n```\n'
    assert budget.estimate(text) < 200


def test_short_rows_count_the_header_width() -> None:
    header = "|" + " h |" * 40
    rule = "|" + "---|" * 40
    text = "\n".join([header, rule] + ["|a"] * 100)
    assert tokens(text) > 100 * 40 * 3  # each row padded to 40 cells
    assert budget.estimate(text) >= tokens(text)
    assert budget.quick_bound(text) >= budget.estimate(text)


def test_normal_pages_are_far_under_budget() -> None:
    for page in sorted(GROUPS.rglob("*.md")):
        _, body, _ = split_front_matter(page.read_text(encoding="utf-8"))
        assert budget.estimate(body) < budget.MAX_PAGE_TOKENS / 20, page
        assert budget.quick_bound(body) < budget.MAX_PAGE_TOKENS / 5, page  # no line scan
        assert budget.cut_at(body) is None


def test_the_cut_is_the_line_that_passes_the_budget() -> None:
    line = "| a | b | c |"
    per_line = budget.estimate(line)
    lines = budget.MAX_PAGE_TOKENS // per_line + 10
    index, offset = budget.cut_at("\n".join([line] * lines)) or (0, 0)
    assert index == budget.MAX_PAGE_TOKENS // per_line
    assert offset == index * (len(line) + 1)
