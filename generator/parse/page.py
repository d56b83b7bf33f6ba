"""One Markdown page → `PageFacts`, from the markdown-it-py token stream.

A page is read alone (no cross-page knowledge), so pages parse in parallel
and cache by content hash. The walk over the token stream is a small set of
rules, one per token kind: headings build the section tree, HTML comments
yield annotations, fences become blocks (governed by the pending annotation
or recognised by their first line), tables are collected and classified at
the end, when the page's kind is known.
"""

from __future__ import annotations

import bisect
import functools
import posixpath
import re
from dataclasses import dataclass, field, replace
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from generator.config import DocSetConfig
from generator.diagnostics import Diagnostic, make
from generator.parse import budget, http, structure
from generator.parse.annotations import (
    KNOWN_BLOCK_TYPES,
    block_type,
    is_page_annotation,
    parse_annotation,
)
from generator.parse.facts import (
    Annotation,
    Block,
    Cell,
    Heading,
    Ignore,
    Link,
    PageFacts,
    Table,
)
from generator.parse.tables import cell_texts, classify, enclosed_pipes, is_label_row, row_cells
from generator.parse.tables import known_title as _known_title

_MD = MarkdownIt("commonmark", {"html": True}).enable("table")
# A doc set links to the same few pages over and over (Graph v1.0: 51,000 links, 10,000
# targets); markdown-it percent-encodes each one anew. Both are pure functions of the URL.
_MD.normalizeLink = functools.lru_cache(maxsize=1 << 14)(_MD.normalizeLink)  # type: ignore[method-assign]
_MD.validateLink = functools.lru_cache(maxsize=1 << 14)(_MD.validateLink)  # type: ignore[method-assign]
_TAB_MARKER = re.compile(r"^\[[^\]]*\]\(#tab/[^)]*\)\s*$")
_INCLUDE = re.compile(r"^\s*\[!INCLUDE\s*\[", re.IGNORECASE)
# `<!-- docgen-disable-next-block B003, X004 reason -->` (the block below it, and the
# annotations between), `-next-line`, or `docgen-disable CODES` ... `docgen-enable [CODES]`
# for a range, as markdownlint users write them; `ignore` is read as `disable`
_SUPPRESS = re.compile(
    r"<!--\s*docgen-(?:disable|ignore)(-next-block|-next-line|)(?:\s+(.*?))?\s*-->", re.DOTALL
)
_ENABLE = re.compile(r"<!--\s*docgen-enable(?:\s+(.*?))?\s*-->", re.DOTALL)
_CODE = re.compile(r"[A-Za-z]\d{3}")  # a whole code: it may follow the one before with a space
_PREFIX = re.compile(r"[A-Za-z]\d{0,2}")  # a prefix: first, or after a comma (else: reason)
_SYNTAX_TITLE = re.compile(r"^http request", re.IGNORECASE)
_EXAMPLE_TITLE = re.compile(r"\b(examples?|request|response)\b", re.IGNORECASE)
_EXAMPLES_SECTION = re.compile(r"\bexamples?\b", re.IGNORECASE)
_FRONT_END = re.compile(r"\n(?:---|\.\.\.)[^\S\n]*(?=\n|\Z)")  # "---" or "...", alone
_SLUG_DROP = re.compile(r"[^\w\- ]", re.UNICODE)
_HTTP_INFOS = frozenset({"", "http", "https", "msgraph-interactive", "rest", "json"})

try:
    _YamlLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _YamlLoader = yaml.SafeLoader


def slugify(text: str) -> str:
    """Heading anchor as the docs' renderers make it (lower-case, dashes)."""
    return _SLUG_DROP.sub("", text.strip().lower()).replace(" ", "-")


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Return (front matter text, text with it blanked out, line of its start).

    The front matter lines are replaced by empty lines so that markdown-it's
    line numbers stay those of the file. (Found by search, not by splitting the
    page into lines: a page may have millions.)
    """
    first_end = text.find("\n")
    if not text.startswith("---") or first_end < 0 or text[:first_end].rstrip() != "---":
        return None, text, 0
    end = _FRONT_END.search(text, first_end)
    if end is None:
        return None, text, 0
    front = text[first_end + 1 : end.start()]
    blank = "\n" * (text.count("\n", 0, end.start()) + 2)  # to the closing line's end
    return front, blank + text[end.end() + 1 :], 1


# Graph v1.0's largest front matter has 1,014 characters and 5 values. The limits keep
# a page's YAML (its node objects, and the copies `_plain` makes of aliased values) small.
MAX_FRONT_MATTER_CHARS = 64 * 1024
MAX_FRONT_MATTER_VALUES = 10_000  # aliases expanded, as `_plain` copies them
MAX_FRONT_MATTER_DEPTH = 50


def _load_front_matter(front: str, file: str) -> tuple[dict[str, Any], list[Diagnostic]]:
    if len(front) > MAX_FRONT_MATTER_CHARS:
        return {}, [
            make(
                "F002",
                file,
                2,
                1,
                f"front matter has {len(front)} characters, over the "
                f"{MAX_FRONT_MATTER_CHARS} limit; not read",
            )
        ]
    try:
        data = yaml.load(front, Loader=_YamlLoader)  # noqa: S506 - safe loader
    except (yaml.YAMLError, RecursionError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 1
        return {}, [make("F002", file, line, 1, f"front matter is not YAML: {exc}".split("\n")[0])]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [make("F002", file, 2, 1, "front matter is not a mapping")]
    problem = _too_big(data)
    if problem:
        return {}, [make("F002", file, 2, 1, f"front matter {problem}; not read")]
    return {str(k): _plain(v) for k, v in data.items()}, []


def _too_big(data: Any) -> str | None:
    """Why `data` is too big to copy as plain data, or None. A few lines of YAML can
    alias a value within a value many times over: counted as the copy would count it,
    without recursion."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    count = 0
    while stack:
        value, depth = stack.pop()
        count += 1
        if count > MAX_FRONT_MATTER_VALUES:
            return f"has over {MAX_FRONT_MATTER_VALUES} values (its aliases expanded)"
        if depth > MAX_FRONT_MATTER_DEPTH:
            return f"nests over {MAX_FRONT_MATTER_DEPTH} levels deep"
        if isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
    return None


def _plain(value: Any) -> Any:
    """Front-matter values as JSON-safe data (dates and numbers become text)."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def inline_text(token: Token) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Plain text of an inline token and its links as (target, link text)."""
    parts: list[str] = []
    links: list[tuple[str, str]] = []
    link_start: int | None = None
    href = ""
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "link_open":
            target = child.attrGet("href")
            href = target if isinstance(target, str) else ""
            link_start = len(parts)
        elif child.type == "link_close" and link_start is not None:
            if href:
                links.append((href, "".join(parts[link_start:]).strip()))
            link_start = None
        elif child.type == "image":
            parts.append(child.content)
        elif child.type == "html_inline" and child.content.lower().startswith("<br"):
            parts.append(" ")
    return "".join(parts).strip(), tuple(links)


@dataclass
class _RawTable:
    title: str
    parents: tuple[str, ...]
    header: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    line: int
    row_lines: list[int]


@dataclass
class _Walk:
    """Mutable state of one walk over a page's tokens."""

    file: str
    config: DocSetConfig
    lines: list[str] = field(default_factory=list)  # the page's source lines (0-based)
    headings: list[Heading] = field(default_factory=list)
    stack: list[tuple[int, str]] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    tables: list[_RawTable] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    prose: list[tuple[str, str, int]] = field(default_factory=list)
    page_annotations: list[Annotation] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    pending: Annotation | None = None
    ignores: list[Ignore] = field(default_factory=list)
    ignore_pending: tuple[int, tuple[str, ...]] | None = None  # `-next-block`, not placed
    open_ranges: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)  # `disable`
    seen_example: bool = False
    english: bool = False  # a section heading docgen reads has been seen (else: translated?)
    syntax_section: str | None = None  # the top section (level 2 or more) of the syntax block
    method_page: bool = True  # its front matter says nothing else (doc_type)

    @property
    def section(self) -> str:
        return self.stack[-1][1] if self.stack else ""

    @property
    def parents(self) -> tuple[str, ...]:
        return tuple(title for _, title in self.stack[:-1])

    def drop_pending(self, line: int) -> None:
        """An annotation whose block never came: report it."""
        if self.pending is not None:
            kind = block_type(self.pending) or "?"
            self.diagnostics.append(
                make(
                    "A004",
                    self.file,
                    self.pending.line,
                    1,
                    f'annotation "{kind}" is not followed by a fenced block (next content at line {line})',
                )
            )
            self.pending = None


def parse_page(path: str, text: str, config: DocSetConfig) -> PageFacts:
    """Parse one page's text; `path` is relative to the doc set root."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:  # line ends as markdown-it reads them, for the budget and the row checks
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    front, body, _ = split_front_matter(text)
    walk = _Walk(path, config)
    front_matter: dict[str, Any] = {}
    if front is not None:
        front_matter, diags = _load_front_matter(front, path)
        walk.diagnostics.extend(diags)
    body = _within_budget(walk, body)
    doc_type = str(front_matter.get("doc_type", "")).lower()
    walk.method_page = not doc_type or doc_type.startswith("api")
    tokens = _markdown_tokens(walk, body)
    walk.lines = body.split("\n")
    _walk_tokens(walk, tokens)
    walk.drop_pending(len(walk.lines))  # (the first line not read, on a page cut short)
    if walk.ignore_pending is not None:  # (nothing followed: to the end of the page)
        walk.ignores.append(Ignore(walk.ignore_pending[0], len(walk.lines), walk.ignore_pending[1]))
    _close_ranges(walk, len(walk.lines), ())  # (a range never enabled: to the end of the page)
    page_kind = _page_kind(front_matter, walk)
    translated = _translated(walk)
    _place_sections(walk, page_kind, translated)
    words = (  # (the words a translated page's enum titles are read against)
        structure.type_words([(raw.header, raw.rows) for raw in walk.tables])
        if translated
        else frozenset()
    )
    tables = tuple(_finish_table(walk, raw, page_kind, words, translated) for raw in walk.tables)
    title = str(front_matter.get("title") or "") or next(
        (h.text for h in walk.headings if h.level == 1), ""
    )
    return PageFacts(
        path=path,
        title=title,
        front_matter=front_matter,
        headings=tuple(walk.headings),
        blocks=tuple(walk.blocks),
        tables=tables,
        links=tuple(walk.links),
        page_annotations=tuple(walk.page_annotations),
        prose=tuple(walk.prose),
        diagnostics=tuple(walk.diagnostics),
        ignores=tuple(walk.ignores),
    )


def _markdown_tokens(walk: _Walk, body: str) -> list[Token]:
    """markdown-it-py's tokens of `body`; none when it fails on the page (it has raised
    `IndexError` on some 30-byte inputs): a finding about one page (F007), never the end
    of the run."""
    try:
        return _MD.parse(body)  # type: ignore[no-any-return]
    except Exception as exc:  # noqa: BLE001 - the parser's own bug, reported as a finding
        message = f"the Markdown parser failed on this page ({type(exc).__name__}); not read"
        walk.diagnostics.append(make("F007", walk.file, 1, 1, message))
        return []


def _within_budget(walk: _Walk, body: str) -> str:
    """The part of `body` markdown-it can parse in bounded memory. It builds all of a
    page's tokens at once, so a page past the budget (see `budget`) is read up to the
    line where it passes it (F005); the lines before keep their numbers."""
    cut = budget.cut_at(body)
    if cut is None:
        return body
    index, offset = cut
    walk.diagnostics.append(
        make(
            "F005",
            walk.file,
            index + 1,
            1,
            f"page not read from this line on: it would make over {budget.MAX_PAGE_TOKENS} "
            "Markdown tokens, more than docgen parses in one page (split the page)",
        )
    )
    return body[:offset]


def _translated(walk: _Walk) -> bool:
    """A page in another language: at most one section heading docgen reads (a
    translation keeps a heading or so in English; an English page has several)."""
    readable = 0
    for h in walk.headings:
        if h.level >= 2 and _readable(walk, h.text):
            readable += 1
            if readable == 2:
                return False
    return True


def _readable(walk: _Walk, title: str) -> bool:
    """A section title docgen reads: English, or one the doc set's config names."""
    return structure.is_english_title(title) or _known_title(walk.config, title)


def _place_sections(walk: _Walk, page_kind: str, translated: bool) -> None:
    """Sections whose titles docgen does not read (a translated page) take the English
    title their content shows they are (`generator.parse.structure`), so that what
    reads the page's sections and tables reads them as in English."""
    if not translated:
        return  # an English page: its words say what its sections are
    sections = [structure.Section(h.text, order) for order, h in enumerate(walk.headings)]
    starts = [h.line for h in walk.headings]

    def under(line: int) -> structure.Section | None:  # the heading a line is under
        at = bisect.bisect_right(starts, line) - 1
        return sections[at] if at >= 0 else None

    for raw in walk.tables:
        if (section := under(raw.line)) is not None:
            section.tables.append((raw.header, raw.rows))
    for _, text, line in walk.prose:
        if (section := under(line)) is not None:
            section.prose.append(text)
    for link in walk.links:
        if not link.in_table and (section := under(link.line)) is not None:
            section.links.append(link.href)
    for block in walk.blocks:
        if (section := under(block.line)) is not None:  # (a request read as the syntax too)
            section.blocks.append("syntax" if block.syntax else block.role)
    keys = frozenset(
        key
        for block in walk.blocks
        if block.role == "resource"
        and block.json is not None
        and isinstance(block.json.value, dict)
        for key in block.json.value
    )

    def known(title: str) -> bool:
        return _known_title(walk.config, title)

    titles = structure.section_titles(sections, page_kind, keys, known)
    if not titles:
        return

    def named(title: str) -> str:
        return titles.get(title, title)

    walk.prose = [(named(section), text, line) for section, text, line in walk.prose]
    walk.links = [replace(link, section=named(link.section)) for link in walk.links]
    walk.blocks = [replace(b, section=named(b.section)) for b in walk.blocks]
    for raw in walk.tables:
        raw.title, raw.parents = named(raw.title), tuple(map(named, raw.parents))


def _page_kind(front_matter: dict[str, Any], walk: _Walk) -> str:
    doc_type = str(front_matter.get("doc_type", "")).lower()
    for kind in ("enum", "resource", "api"):
        if doc_type.startswith(kind):
            return kind
    if any(b.role == "resource" for b in walk.blocks):
        return "resource"
    if any(b.role == "syntax" for b in walk.blocks):
        return "api"
    if any(h.level == 1 and h.text.lower().endswith(" enum type") for h in walk.headings):
        return "enum"
    return "other"


def _walk_tokens(walk: _Walk, tokens: list[Token]) -> None:
    i = 0
    n = len(tokens)
    while i < n:
        token = tokens[i]
        line = token.map[0] + 1 if token.map else 0
        kind = token.type
        if walk.ignore_pending is not None and token.map and kind != "html_block":
            start, codes = walk.ignore_pending  # the block it stands before ends here
            walk.ignores.append(Ignore(start, token.map[1], codes))
            walk.ignore_pending = None
        if kind == "heading_open":
            _on_heading(walk, token, tokens[i + 1], line)
            i += 3
            continue
        if kind == "html_block":
            _on_html(walk, token, line)
        elif kind == "fence":
            _on_fence(walk, token, line)
        elif kind == "table_open":
            i = _on_table(walk, tokens, i, line)
            continue
        elif kind == "paragraph_open":
            _on_paragraph(walk, tokens[i + 1], line)
            i += 3
            continue
        elif kind == "code_block":
            walk.drop_pending(line)
        i += 1


def _on_heading(walk: _Walk, token: Token, inline: Token, line: int) -> None:
    text, links = inline_text(inline)
    if _TAB_MARKER.match(inline.content.strip()):
        return  # `# [HTTP](#tab/http)`: a tab marker, not a section
    walk.drop_pending(line)
    level = int(token.tag[1:])
    while walk.stack and walk.stack[-1][0] >= level:
        walk.stack.pop()
    walk.stack.append((level, text))
    walk.headings.append(Heading(level, text, line, slugify(text)))
    if not walk.english and level >= 2:
        walk.english = _readable(walk, text)
    for href, label in links:
        walk.links.append(Link(href, label, line, walk.section))


def _on_html(walk: _Walk, token: Token, line: int) -> None:
    content = token.content
    start = 0
    # One html_block may hold several comments on consecutive lines.
    while True:
        begin = content.find("<!--", start)
        if begin < 0:
            return
        end = content.find("-->", begin)
        stop = len(content) if end < 0 else end + 3
        comment = content[begin:stop]
        comment_line = line + content.count("\n", 0, begin)
        _on_suppression(walk, comment.strip(), comment_line)
        annotation, diags = parse_annotation(comment, file=walk.file, line=comment_line)
        walk.diagnostics.extend(diags)
        if annotation is not None:
            _on_annotation(walk, annotation)
        if end < 0:
            return
        start = stop


def _on_suppression(walk: _Walk, comment: str, line: int) -> None:
    """`docgen-disable-next-block`, `-next-line`, or a `docgen-disable` ... `docgen-enable`
    range: findings of its codes there are not shown (the check stage reads `ignores`)."""
    enable = _ENABLE.fullmatch(comment)
    if enable is not None:
        _close_ranges(walk, line, _suppressed_codes(enable.group(1) or ""))
        return
    found = _SUPPRESS.fullmatch(comment)
    if found is None:
        return
    codes = _suppressed_codes(found.group(2) or "")
    if not codes:
        return
    if found.group(1) == "-next-line":
        walk.ignores.append(Ignore(line, line + comment.count("\n") + 1, codes))
    elif found.group(1) == "-next-block":
        walk.ignore_pending = (line, codes)
    else:
        walk.open_ranges.append((line, codes))


def _suppressed_codes(text: str) -> tuple[str, ...]:
    """`B003, X004 reason` -> ("B003", "X004"): whole codes, or prefixes after a comma;
    the reason starts at the first other word."""
    codes: list[str] = []
    for at, part in enumerate(re.split(r"(,)", text.strip())):
        words = part.split()
        if part == ",":
            continue
        for k, word in enumerate(words):
            after_comma = at > 0 and k == 0
            if _CODE.fullmatch(word) or ((not codes or after_comma) and _PREFIX.fullmatch(word)):
                codes.append(word.upper())
            else:
                return tuple(codes)
    return tuple(codes)


def _close_ranges(walk: _Walk, line: int, codes: tuple[str, ...]) -> None:
    """`docgen-enable` (all open ranges) or `docgen-enable CODES` (those codes) ends a
    `docgen-disable` range at its line."""
    still: list[tuple[int, tuple[str, ...]]] = []
    for start, open_codes in walk.open_ranges:
        ending = open_codes if not codes else tuple(c for c in open_codes if c in codes)
        if ending:
            walk.ignores.append(Ignore(start, line, ending))
        left = tuple(c for c in open_codes if c not in ending)
        if left:
            still.append((start, left))
    walk.open_ranges = still


def _on_annotation(walk: _Walk, annotation: Annotation) -> None:
    if is_page_annotation(annotation):
        walk.page_annotations.append(annotation)
        return
    kind = block_type(annotation)
    if kind is None:
        return  # JSON comment without blockType: metadata, not a block annotation
    walk.drop_pending(annotation.line)
    if kind not in KNOWN_BLOCK_TYPES:
        walk.diagnostics.append(
            make("A003", walk.file, annotation.line, 1, f'unknown blockType "{kind}"')
        )
    walk.pending = annotation


def _on_paragraph(walk: _Walk, inline: Token, line: int) -> None:
    text, links = inline_text(inline)
    if _INCLUDE.match(inline.content) or _TAB_MARKER.match(inline.content.strip()):
        return  # `[!INCLUDE ...]` and tab markers may stand between an annotation and its block
    walk.prose.append((walk.section, text, line))
    for href, label in links:
        walk.links.append(Link(href, label, line, walk.section))


MAX_TABLE_ROWS = 10_000  # Graph v1.0's longest table has 828 rows


def _on_table(walk: _Walk, tokens: list[Token], i: int, line: int) -> int:
    """Collect a table's header and rows; rows past `MAX_TABLE_ROWS` are skipped (T006),
    so a generated table of any length costs bounded memory downstream."""
    walk.drop_pending(line)
    header: list[str] = []
    rows: list[tuple[Cell, ...]] = []
    row_lines: list[int] = []
    current: list[Cell] = []
    in_head = False
    n = len(tokens)
    while i < n and tokens[i].type != "table_close":
        t = tokens[i]
        if t.type == "thead_open":
            in_head = True
        elif t.type == "thead_close":
            in_head = False
        elif t.type == "tr_open":
            current = []
            if not in_head and len(rows) >= MAX_TABLE_ROWS:
                _skip_rows(walk, t.map[0] + 1 if t.map else line)
                while i < n and tokens[i].type != "table_close":
                    i += 1
                break
            if not in_head:
                row_lines.append(t.map[0] + 1 if t.map else line)
        elif t.type == "inline":
            text, links = inline_text(t)
            current.append(Cell(text, tuple(href for href, _ in links)))
            for href, label in links:
                row_line = row_lines[-1] if row_lines and not in_head else line
                walk.links.append(Link(href, label, row_line, walk.section, in_table=True))
        elif t.type == "tr_close":
            if in_head:
                header = [c.text for c in current]
            else:
                rows.append(tuple(current))
        i += 1
    _check_table_shape(walk, line, len(header), row_lines)
    walk.tables.append(_RawTable(walk.section, walk.parents, tuple(header), rows, line, row_lines))
    return i + 1


def _skip_rows(walk: _Walk, line: int) -> None:
    walk.diagnostics.append(
        make("T006", walk.file, line, 1, f"table has over {MAX_TABLE_ROWS} rows; the rest ignored")
    )


def _check_table_shape(walk: _Walk, line: int, width: int, row_lines: list[int]) -> None:
    """A header wider than every row is one defect, the header's (a stray `|  |` column),
    reported once there; the rows are then held to the widest row's width. Section-label
    rows (`|**Open extensions**|`) are short on purpose."""
    if width == 0:
        return
    cells = {n: len(found) for n in row_lines if (found := _row_cells(walk, n)) is not None}
    widest = max(cells.values(), default=width)
    measure = "its header"
    if widest < width:
        message = f"table header has {width} cells, every row at most {widest}"
        walk.diagnostics.append(make("T005", walk.file, line, 1, message))
        width, measure = widest, "the widest row"
    for n, count in cells.items():
        if count != width:
            _check_row_shape(walk, n, walk.lines[n - 1], width, measure)


def _row_cells(walk: _Walk, n: int) -> list[str] | None:
    """The cells of line `n` of a table, None for a section-label row (or no line)."""
    if not 0 < n <= len(walk.lines):
        return None
    found = cell_texts(walk.lines[n - 1])
    return None if is_label_row(found) else found


def _check_row_shape(
    walk: _Walk, line: int, text: str, width: int, measure: str = "its header"
) -> None:
    """markdown-it pads short rows and drops extra cells; the source line tells. Where
    escaping the `|` inside code or parentheses gives the header's width, the finding
    says so (`check --fix` escapes them)."""
    cells = row_cells(text)
    if cells == width:
        return
    message = f"table row has {cells} cells, {measure} {width}"
    pipes = enclosed_pipes(text)
    if cells > width and pipes:
        escaped = "".join("\\|" if i in pipes else c for i, c in enumerate(text))
        if row_cells(escaped) == width:
            message += ": a `|` inside code or parentheses is read as a border; write it `\\|`"
    walk.diagnostics.append(make("T005", walk.file, line, 1, message))


def _finish_table(
    walk: _Walk,
    raw: _RawTable,
    page_kind: str,
    words: frozenset[str] = frozenset(),
    translated: bool = False,
) -> Table:
    kind, subject, roles = classify(
        walk.config, raw.title, raw.parents, raw.header, page_kind, raw.rows, words, translated
    )
    if kind is None:
        walk.diagnostics.append(
            make(
                "T001",
                walk.file,
                raw.line,
                1,
                f'table under "{raw.title}" with columns {list(raw.header)} matches no table kind',
            )
        )
    return Table(
        kind=kind,
        title=raw.title,
        subject=subject,
        parents=raw.parents,
        columns=roles,
        header=raw.header,
        rows=tuple(raw.rows),
        line=raw.line,
        row_lines=tuple(raw.row_lines),
    )


def _first_line(content: str) -> str:
    for text in content.split("\n"):
        if text.strip():
            return text.strip()
    return ""


def _on_fence(walk: _Walk, token: Token, line: int) -> None:
    info = token.info.strip()
    lang = info.split()[0].lower() if info else ""
    content = token.content
    annotation, walk.pending = walk.pending, None
    role = block_type(annotation) if annotation is not None else None
    inferred = False
    first = _first_line(content)
    also_syntax = role == "request" and _request_is_syntax(walk, lang, first)
    if also_syntax:
        walk.diagnostics.append(
            make(
                "X007",
                walk.file,
                line,
                1,
                "request example in the HTTP request section of a page with no syntax block; "
                "its path is read as a syntax path too",
            )
        )
    elif role in (None, "ignored", "samples"):
        if _is_syntax(walk, role, lang, content, first):
            role = "syntax"
        elif lang in _HTTP_INFOS and _in_examples(walk):
            # An `ignored` example still documents a call: it is kept as an
            # example (its annotation says it is ignored, for the check stage).
            if http.looks_like_request(first):
                role, inferred = "request", role is None
            elif http.looks_like_response(first):
                role, inferred = "response", role is None
    before = len(walk.diagnostics)
    block = _build_block(walk, role, info, content, line, annotation, inferred)
    if annotation is not None and block_type(annotation) == "ignored":
        # not an example: nothing reads its body as JSON (`{Raw bytes of the file}`)
        own = [d for d in walk.diagnostics[before:] if d.code != "J002"]
        walk.diagnostics[before:] = own
    if also_syntax and block.request is not None:
        path = http.strip_base_url(block.request.url, walk.config.base_urls)
        block = replace(block, syntax=((block.request.method, path, block.request.line),))
    if inferred:
        walk.diagnostics.append(make("X001", walk.file, line, 1, _inferred_message(walk, block)))
    if role == "request":
        walk.seen_example = True
    if block.role == "syntax" and walk.syntax_section is None:
        walk.syntax_section = next((t for level, t in walk.stack if level >= 2), walk.section)
    walk.blocks.append(block)


def _inferred_message(walk: _Walk, block: Block) -> str:
    """X001's message; a request's names the id the model gives it (`<page stem>-<n>`,
    n counting the page's requests), the name `check --fix` writes into its annotation."""
    message = f"un-annotated {block.role} example recognised by its first line"
    if block.role != "request" or block.request is None:
        return message
    n = 1 + sum(1 for b in walk.blocks if b.role == "request" and b.request is not None)
    stem = posixpath.splitext(posixpath.basename(walk.file))[0]
    return f'{message}; docgen names it "{stem}-{n}"'


def _in_examples(walk: _Walk) -> bool:
    """Under an Example/Request/Response heading (not the syntax section), or
    after the page's first example: where an un-annotated HTTP block is an example."""
    if walk.seen_example:
        return True
    if any(
        _EXAMPLE_TITLE.search(title) and not _SYNTAX_TITLE.match(title) for _, title in walk.stack
    ):
        return True
    # a heading docgen does not read (a translated page), past the syntax section
    syntax = next((b.section for b in walk.blocks if b.role == "syntax"), None)
    return syntax is not None and walk.section != syntax and not walk.english


def _under_syntax_heading(walk: _Walk) -> bool:
    """Under an "HTTP request" heading that is not nested in an Example section: there
    it titles one example's request (full URL, headers), not the page's syntax."""
    for depth, (_, title) in enumerate(walk.stack):
        if _SYNTAX_TITLE.match(title) and not any(
            _EXAMPLES_SECTION.search(outer) for _, outer in walk.stack[:depth]
        ):
            return True
    return False


def _request_is_syntax(walk: _Walk, lang: str, first: str) -> bool:
    """A `request` block where the page's syntax block belongs, and no syntax block:
    some pages document each call only by its example."""
    if (
        lang not in _HTTP_INFOS
        or not http.looks_like_request(first)
        or any(b.role == "syntax" for b in walk.blocks)
    ):
        return False
    if _under_syntax_heading(walk):
        return True
    if "://" not in first and _another_sections_syntax(walk):
        return True  # each section documents one call by its request, written as a path
    # under a heading docgen does not read: a request written as a path (an example
    # writes its URL whole), before any response
    return (
        "://" not in first
        and not walk.english
        and walk.method_page
        and not any(b.role == "response" for b in walk.blocks)
    )


def _another_sections_syntax(walk: _Walk) -> bool:
    """Whether a request of another section already stands for the page's syntax (a page
    of sections "List a group's drives", "List a site's drives", each with its call)."""
    taken = [b for b in walk.blocks if b.role == "request" and b.syntax]
    return bool(taken) and all(b.section != walk.section for b in taken)


def _is_syntax(walk: _Walk, role: str | None, lang: str, content: str, first: str) -> bool:
    """The HTTP request syntax block: under an "HTTP request" heading, or an
    `ignored` block of request lines before the page's first example."""
    if lang not in _HTTP_INFOS or not http.looks_like_request(first):
        return False
    if walk.seen_example:
        return False
    if _under_syntax_heading(walk):
        return True
    syntax = walk.syntax_section
    # no section heading docgen reads so far, on a method page: translated; and a block
    # in a section (not under the page's title)
    foreign = not walk.english and walk.method_page and bool(walk.stack) and walk.stack[-1][0] >= 2
    if foreign and syntax is not None and any(title == syntax for _, title in walk.stack):
        return True  # more of the syntax section (its sub-sections too)
    if (role in ("ignored", "samples") or (role is None and foreign)) and syntax is None:
        lines = [ln.strip() for ln in content.split("\n") if ln.strip()]
        if not all(http.looks_like_request(ln) for ln in lines):
            return False
        # an annotated `ignored` block of requests; or, with no annotation, requests
        # written as paths (an example writes its URL whole): the syntax, whatever
        # the heading above it says
        return role is not None or not any("://" in ln for ln in lines)
    return False


def _build_block(
    walk: _Walk,
    role: str | None,
    info: str,
    content: str,
    line: int,
    annotation: Annotation | None,
    inferred: bool,
) -> Block:
    first_line = line + 1
    base = Block(role, info, content, line, walk.section, annotation, inferred)
    if role == "syntax":
        lines, diags = http.parse_syntax(
            content, file=walk.file, first_line=first_line, base_urls=walk.config.base_urls
        )
        walk.diagnostics.extend(diags)
        return replace(base, syntax=tuple(lines))
    if role == "request":
        request, diags = http.parse_request(
            content, file=walk.file, first_line=first_line, base_urls=walk.config.base_urls
        )
        walk.diagnostics.extend(diags)
        return replace(base, request=request)
    if role == "response":
        response, diags = http.parse_response(content, file=walk.file, first_line=first_line)
        walk.diagnostics.extend(diags)
        return replace(base, response=response)
    if role == "example":
        example, diags = http.load_example(content, file=walk.file, first_line=first_line)
        walk.diagnostics.extend(diags)
        return replace(base, json=example)
    if role == "resource":
        body, diags = http.load_body(
            content, "application/json", file=walk.file, first_line=first_line
        )
        walk.diagnostics.extend(diags)
        return replace(base, json=body)
    return base
