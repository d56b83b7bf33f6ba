"""Page facts: what one Markdown page says, with no cross-page knowledge.

Plain frozen data handed from the parse stage to the resolve stage (and
cached per page, so every field must pickle).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.diagnostics import Diagnostic

JsonValue = Any


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int
    anchor: str


@dataclass(frozen=True)
class Link:
    href: str
    text: str
    line: int
    section: str = ""
    in_table: bool = False


@dataclass(frozen=True)
class Cell:
    """A table cell: its plain text and the link targets inside it."""

    text: str
    links: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    kind: str | None  # table-header-config type, e.g. "ResourcePropertyDescriptions"
    title: str  # the heading it sits under
    subject: str  # the `{x}` of a title pattern such as "{x} values", else ""
    parents: tuple[str, ...]  # enclosing headings, outermost first
    columns: tuple[str | None, ...]  # role of each column: "name", "type", "description", ...
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    line: int
    row_lines: tuple[int, ...]


@dataclass(frozen=True)
class Annotation:
    data: dict[str, JsonValue]
    line: int
    repaired: bool = False


@dataclass(frozen=True)
class Ignore:
    """`<!-- docgen-disable-next-block CODES -->` (`-next-line`, or a `docgen-disable` ...
    `docgen-enable` range): findings of those codes
    (or prefixes) on lines `line` to `last` are not shown."""

    line: int  # the comment's
    last: int
    codes: tuple[str, ...]


@dataclass(frozen=True)
class JsonBody:
    """A body's text, its content type, and its JSON value when it loads."""

    text: str
    content_type: str | None
    line: int
    is_json: bool = False
    value: JsonValue = None


@dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str
    line: int
    headers: tuple[tuple[str, str], ...] = ()
    body: JsonBody | None = None


@dataclass(frozen=True)
class HttpResponse:
    status: int | None
    reason: str | None
    line: int
    headers: tuple[tuple[str, str], ...] = ()
    body: JsonBody | None = None


@dataclass(frozen=True)
class Block:
    """A fenced code block and the annotation (or inference) that governs it.

    `role` is the annotation's blockType ("request", "response", "resource",
    "ignored", "example", ...), "syntax" for the HTTP request syntax block,
    or None for a block that is none of these (code samples, prose JSON).
    """

    role: str | None
    info: str
    content: str
    line: int  # line of the opening fence
    section: str  # title of the heading the block sits under
    annotation: Annotation | None = None
    inferred: bool = False
    request: HttpRequest | None = None
    response: HttpResponse | None = None
    json: JsonBody | None = None
    syntax: tuple[tuple[str, str, int], ...] = ()  # (METHOD, path as written, line)


@dataclass(frozen=True)
class PageFacts:
    path: str  # relative to the doc set root, posix separators
    title: str
    front_matter: dict[str, JsonValue] = field(default_factory=dict)
    headings: tuple[Heading, ...] = ()
    blocks: tuple[Block, ...] = ()
    tables: tuple[Table, ...] = ()
    links: tuple[Link, ...] = ()
    page_annotations: tuple[Annotation, ...] = ()
    prose: tuple[tuple[str, str, int], ...] = ()  # (section title, paragraph text, line)
    diagnostics: tuple[Diagnostic, ...] = ()
    ignores: tuple[Ignore, ...] = ()
