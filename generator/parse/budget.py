"""How many markdown-it tokens a page will make, bounded before it is parsed.

markdown-it-py builds every token of a page at once, about 450 bytes each, so
a page of 4 MiB can cost a gigabyte (a table row makes 14 tokens, a list item
6, `*a*` 3). A linear scan of the page's lines, with no parse, gives an upper
bound of that count; a page is read only up to the line where the bound passes
`MAX_PAGE_TOKENS` (see `parse_page`).

The bound: every line costs at least 1 (the parser keeps arrays per line, so
blank and fenced lines cost memory too); a line with content `LINE` (its
block and text tokens), each container marker before its content (`>`, a
bullet, a list number) `CONTAINER`, any other ASCII punctuation `MARK`
(inline tokens start only there: emphasis, links, code, HTML, entities), and
each `|`, or each column of the table it may belong to (short rows are padded
to the header's width), `CELL` (a cell's open, inline, text and close).

A line inside a fenced code block costs 1: the whole block is one token. Only
the fences CommonMark leaves no doubt about are tracked: those opened at the
margin, outside an HTML block. A fence-like line anywhere else (indented, in
a list item or a quote, where one is open or not depending on containers the
scan does not follow) makes every later line cost as content: a wrong guess
there could take the rest of the page for code. The bound holds either way
(a property test compares it with markdown-it's count).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

from markdown_it.rules_block.html_block import HTML_SEQUENCES

# Graph v1.0's costliest page is bounded at 43,000 (it makes 12,000 tokens). At this
# budget the worst page shape measured peaks at 112 MiB (`make bench`: hostile pages),
# and a Properties table up to the row limit (10,000 rows, 22 each) parses whole, so
# T006, not this, speaks for a long generated table.
MAX_PAGE_TOKENS = 250_000

LINE = 6
CONTAINER = 4
MARK = 2
CELL = 4

_MARKS = string.punctuation.replace("|", "")
_DROP_MARKS = str.maketrans("", "", _MARKS)
_MARK_BYTES = _MARKS.encode()
_CONTAINERS = re.compile(r"(?:[ \t]*(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)))*[ \t]*")
_FENCE_LIKE = re.compile(_CONTAINERS.pattern + "(?:```|~~~)")  # in containers or not
# (no `-` in the first class: one way to match, so no backtracking on long lines)
_DELIMITER_ROW = re.compile(r"[|:>+*.)0-9 \t]*-[-|:>+*.)0-9 \t]*")
# over "\n" + the page's bytes: a pattern that starts with a newline is searched for
# newlines (fast), where `^` in MULTILINE mode is tried at every byte
_DELIMITER_ROWS = re.compile(rb"\n[|:>+*.)0-9 \t]*-[-|:>+*.)0-9 \t]*(?=\n|\Z)")
_BLANK_LINE = re.compile(rb"\n[ \t]*(?=\n|\Z)")
_BLANK_ENDS = re.compile("^$")  # the end of an HTML block that runs to a blank line


class _Scan:
    """What the lines so far leave open: a fence, an HTML block, a table."""

    def __init__(self) -> None:
        self.fence = ""  # the open fence's marker run ("" when none)
        self.html_end: re.Pattern[str] | None = None
        self.html_indented = False  # the open HTML block may belong to a list item
        self.unsure = False  # fences are no longer followed: every line is content
        self.width = 0  # columns of the table the line may belong to (0: none)
        self.blank_before = True

    def cost(self, line: str) -> int:
        """Upper bound of the tokens `line` adds, given the lines before it."""
        content = line.lstrip(" \t")
        tokens = self._cost(line, content)
        self.blank_before = not content
        return tokens

    def _cost(self, line: str, content: str) -> int:
        if self.fence:
            if _closes(line, content, self.fence):
                self.fence = ""
            return 1
        if not content:
            self.width = 0
            if self.html_end is _BLANK_ENDS:
                self.html_end = None
            return 1
        if not self.unsure and self._follow(line, content):
            return LINE
        if _DELIMITER_ROW.fullmatch(line):
            self.width = max(self.width, _width(line))
        return self._content_cost(line)

    def _follow(self, line: str, content: str) -> bool:
        """Track the open HTML block and fences; True when `line` opens a fence."""
        margin = len(content) == len(line)  # not indented
        if self.html_end is not None:
            if margin and self.html_indented:
                self.unsure = True  # did the block end with its list item? cannot tell
            elif self.html_end.search(content):
                self.html_end = None
            return False
        if _FENCE_LIKE.match(line):
            if margin and "|" not in line:
                if _opens_fence(content):
                    self.fence = content[: len(content) - len(content.lstrip(content[0]))]
                    self.width = 0  # a fence ends a table
                    return True
                return False  # a backtick in a backtick fence's info string: text
            # indented, in a container, or maybe a table's header: cannot tell
            self.unsure = True
            return False
        if content.startswith("<") and _indent(line, content) <= 3:
            self._open_html(content, indented=not margin)
        return False

    def _open_html(self, content: str, indented: bool) -> None:
        """An HTML block opens here as CommonMark's start conditions say; the last kind
        (any tag alone on its line) only after a blank line, as it interrupts nothing."""
        for start, end, interrupts in HTML_SEQUENCES:
            if not start.search(content):
                continue
            if not interrupts and not self.blank_before:
                self.unsure = True  # paragraph text or an HTML block: cannot tell
            elif not end.search(content):  # else it ends on its first line
                self.html_end = _BLANK_ENDS if end.search("") else end
                self.html_indented = indented
            return

    def _content_cost(self, line: str) -> int:
        prefix = _CONTAINERS.match(line).end()  # type: ignore[union-attr]
        lead, rest = line[:prefix], line[prefix:]
        containers = len(lead) - len(lead.translate(_DROP_MARKS))  # one mark a container
        marks = len(rest) - len(rest.translate(_DROP_MARKS))
        cells = max(line.count("|"), self.width)
        return LINE + CONTAINER * containers + MARK * marks + CELL * cells


def _width(row: str) -> int:
    """Columns of a delimiter-like row: the cells between its pipes (a table drops an
    empty first and last one)."""
    cells = row.strip(" \t")
    return cells.count("|") + 1 - cells.startswith("|") - cells.endswith("|")


def _indent(line: str, content: str) -> int:
    """Columns of leading whitespace, tabs to the next multiple of 4 (as CommonMark)."""
    lead = line[: len(line) - len(content)]
    return len(lead.expandtabs(4)) if "\t" in lead else len(lead)


def _opens_fence(content: str) -> bool:
    """CommonMark's opening fence; a backtick fence's info string has no backtick."""
    marker = content[0]
    run = len(content) - len(content.lstrip(marker))
    return run >= 3 and not (marker == "`" and "`" in content[run:])


def _closes(line: str, content: str, fence: str) -> bool:
    """CommonMark's closing fence: indented 3 at most, a run of the opening marker at
    least as long, then only spaces."""
    return (
        content.startswith(fence)
        and not content.rstrip(" \t").strip(fence[0])
        and _indent(line, content) <= 3
    )


def _lines(body: str) -> Iterator[tuple[int, str]]:
    """Each line of `body` with the offset where it starts."""
    start = 0
    while (end := body.find("\n", start)) >= 0:
        yield start, body[start:end]
        start = end + 1
    yield start, body[start:]


def estimate(body: str) -> int:
    """Upper bound of the markdown-it tokens (children included) of `body`."""
    scan = _Scan()
    return sum(scan.cost(line) for _, line in _lines(body))


def quick_bound(body: str) -> int:
    """A looser bound, from counts the C library makes over the whole text: each line
    as content, every punctuation mark as a container, every delimiter-like row's width
    over each line up to the next blank one. Most pages are under budget by this alone."""
    # UTF-8 never has ASCII bytes inside a character
    data = b"\n" + body.encode("utf-8", "surrogatepass")
    marks = len(data) - len(data.translate(None, _MARK_BYTES))
    return (
        LINE * data.count(b"\n")
        + max(CONTAINER, MARK) * marks
        + CELL * (data.count(b"|") + _padding(data))
    )


def _padding(data: bytes) -> int:
    """Bound of the cells short rows add: in each run of lines without a blank one,
    the widest delimiter-like row's width over every line from the first such row."""
    total, width, start, end = 0, 0, 0, -1
    for row in _DELIMITER_ROWS.finditer(data):
        if row.start() > end:  # a new run (runs do not overlap: linear)
            total += width * (data.count(b"\n", start, end) + 1) if width else 0
            blank = _BLANK_LINE.search(data, row.end())
            start, end, width = row.end(), blank.start() if blank else len(data), 0
        width = max(width, _width(data[row.start() + 1 : row.end()].decode("ascii")))
    return total + (width * (data.count(b"\n", start, end) + 1) if width else 0)


def cut_at(body: str) -> tuple[int, int] | None:
    """(index, offset) of the line that takes the bound past `MAX_PAGE_TOKENS`, or None:
    the page can be parsed whole."""
    budget = MAX_PAGE_TOKENS
    if quick_bound(body) <= budget:
        return None
    scan = _Scan()
    total = 0
    for index, (offset, line) in enumerate(_lines(body)):
        total += scan.cost(line)
        if total > budget:
            return index, offset
    return None
