"""What a page's sections and table columns are, by what they hold.

The doc set's words (English titles, its `table-header-config.json`) are the
fast path. A doc set translated into another language keeps the annotations,
code, identifiers and HTTP terms but not the words: "## 权限", "| 属性 | 类型 |".
There a section is known by its content, the same way a reader who does not
read the language would know it:

- the request-syntax section holds the syntax block;
- the permissions section, a table of scopes (`User.Read.All`);
- the request-headers section, a table of HTTP header names (`Authorization`);
- the query-parameters section names OData options (`$select`) and comes
  before the response;
- the request-body section comes after those and before the response;
- the response section names a status (`200 OK`) before the examples;
- on a resource page, the properties table lists the keys of the JSON
  representation; a table of the same shape whose names are not keys and whose
  types are links lists relationships;
- an enum values table lists identifiers, alone or with numbers and prose.

`section_titles` gives each section it can place the English title the rest of
docgen reads; `column_roles` gives the columns of a table whose header cells
are not known their roles by their cells.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from generator.parse.facts import Cell

SYNTAX, PERMISSIONS, HEADERS = "HTTP request", "Permissions", "Request headers"
QUERY, BODY, RESPONSE = "Optional query parameters", "Request body", "Response"
PROPERTIES, RELATIONSHIPS, METHODS = "Properties", "Relationships", "Methods"

# Titles docgen reads in English (besides the doc set's table config): a section
# whose title matches one is left as it is.
_ENGLISH = re.compile(
    r"^(http request|request|response|request body|request headers?|response headers?|"
    r"properties|relationships|methods|json representation|examples?\b.*|"
    r".*\b(permissions?|prerequisites?|query param\w*|path param\w*|parameters|"
    r"values|enumeration|members|namespace|error|see also|remarks|notes?)\b.*)$",
    re.IGNORECASE,
)
_SCOPE = re.compile(r"\b[A-Z][A-Za-z0-9]+(?:\.[A-Z][A-Za-z0-9]+)+\b")
_HEADER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*$")
_KNOWN_HEADERS = frozenset(
    h.casefold()
    for h in (
        "Authorization",
        "Content-Type",
        "Accept",
        "Prefer",
        "If-Match",
        "If-None-Match",
        "ConsistencyLevel",
        "Content-Length",
        "Content-Range",
        "Location",
        "Accept-Language",
        "Retry-After",
        "client-request-id",
    )
)
_ODATA = re.compile(r"\$(select|filter|expand|top|skip|orderby|count|search|format)\b", re.I)
_QUERY_LINK = re.compile(r"query[-_]?param", re.IGNORECASE)  # a URL keeps its words
_STATUS = re.compile(r"`?\b[1-5]\d\d,? [A-Z][A-Za-z]+(?: [A-Z][A-Za-z]+)*`?")
_PRIMITIVE = re.compile(
    r"^(Edm\.)?(String|Int16|Int32|Int64|Boolean|Bool|DateTimeOffset|DateTime|Date|"
    r"TimeOfDay|Duration|Double|Single|Decimal|Guid|Binary|Byte|SByte|Stream|Object|"
    r"Json|Untyped)\b",
    re.IGNORECASE,
)
_IDENTIFIER = re.compile(r"^`?[A-Za-z_][A-Za-z0-9_]*`?$")
_NUMBER = re.compile(r"^-?\d+$")


def is_english_title(title: str) -> bool:
    return bool(_ENGLISH.match(title.strip()))


@dataclass
class Section:
    """What one heading holds, as the walk saw it."""

    title: str
    order: int  # its place among the page's headings
    tables: list[tuple[tuple[str, ...], list[tuple[Cell, ...]]]] = field(default_factory=list)
    prose: list[str] = field(default_factory=list)
    blocks: list[str | None] = field(default_factory=list)  # block roles
    links: list[str] = field(default_factory=list)  # link targets in its prose


def section_titles(
    sections: Sequence[Section],
    page_kind: str,
    json_keys: frozenset[str],
    known: Callable[[str], bool],
) -> dict[str, str]:
    """English titles for sections whose own title docgen does not know (`known`: the
    doc set's config knows it), placed by their content (see the module)."""
    titles: dict[str, str] = {}
    unknown = [s for s in sections if not is_english_title(s.title) and not known(s.title)]
    if not unknown:
        return titles
    response_at = next(
        (s.order for s in sections if any(_STATUS.search(text) for text in s.prose)), None
    )
    examples_at = next(  # (a request alone may illustrate a section: a pair begins them)
        (s.order for s in sections if "response" in s.blocks), None
    )
    syntax_at = next((s.order for s in sections if "syntax" in s.blocks), None)
    for section in unknown:
        title = _title_of(section, page_kind, json_keys, syntax_at, response_at, examples_at)
        if title is not None and section.title not in titles:
            titles[section.title] = title
    _relationships_after_properties(unknown, titles)
    return titles


def _relationships_after_properties(sections: Sequence[Section], titles: dict[str, str]) -> None:
    """A resource page's second property table, of links to types, lists relationships
    (a JSON representation may show them too)."""
    seen_properties = False
    for section in sections:
        if titles.get(section.title) != PROPERTIES:
            continue
        if seen_properties and _linked_types(section) >= 0.8:
            titles[section.title] = RELATIONSHIPS
        seen_properties = True


def _linked_types(section: Section) -> float:
    cells = [
        row[i]
        for header, rows in section.tables
        for row in rows
        for i, role in enumerate(column_roles("ParameterDefinition", header, rows))
        if role == "type" and i < len(row)
    ]
    return sum(1 for c in cells if c.links) / len(cells) if cells else 0.0


def _title_of(
    section: Section,
    page_kind: str,
    json_keys: frozenset[str],
    syntax_at: int | None,
    response_at: int | None,
    examples_at: int | None,
) -> str | None:
    if "syntax" in section.blocks:
        return SYNTAX
    if any(_scopes(rows) for _, rows in section.tables):
        return PERMISSIONS
    if page_kind != "resource" and any(_headers(rows) for _, rows in section.tables):
        return HEADERS
    before_examples = examples_at is None or section.order < examples_at
    if page_kind == "resource" and json_keys and section.tables:
        if any(is_methods_table(rows) for _, rows in section.tables):
            return METHODS
        names = {_plain(row[0].text) for _, rows in section.tables for row in rows if row}
        typed = any("type" in column_roles("ParameterDefinition", h, r) for h, r in section.tables)
        if names and typed:
            in_json = len(names & json_keys) / len(names)
            return PROPERTIES if in_json >= 0.5 else RELATIONSHIPS
    if page_kind != "api" or not before_examples:
        return None
    past_response = response_at is not None and section.order >= response_at
    if past_response and any(_STATUS.search(text) for text in section.prose):
        return RESPONSE  # (the section, or each of its parts that name a status)
    after_syntax = syntax_at is not None and section.order > syntax_at
    before_response = response_at is None or section.order < response_at
    if after_syntax and before_response and (section.prose or section.tables):
        if any(_ODATA.search(text) for text in section.prose) or any(
            _QUERY_LINK.search(link) for link in section.links
        ):
            return QUERY
        return BODY
    return None


def _plain(text: str) -> str:
    return text.strip().strip("`*").strip()


def _scope_list(text: str) -> bool:
    """A cell that lists scopes (`Group.Read.All, Group.ReadWrite.All`): most of its
    words are scopes."""
    words = [w.strip("`*:") for w in re.split(r"[\s,;]+", text.strip()) if w.strip("`*:")]
    scopes = sum(1 for w in words if _SCOPE.fullmatch(w))
    return scopes > 0 and scopes >= len(words) / 2  # ("A.Read and B.Read", "For x: A.Read")


def _scopes(rows: list[tuple[Cell, ...]]) -> bool:
    """A permissions table: a column past the first with a scope list, whose other
    cells are short ("Not supported.", in whatever language)."""
    width = max((len(row) for row in rows), default=0)
    for i in range(1, width):
        cells = [row[i].text.strip() for row in rows if i < len(row) and row[i].text.strip()]
        lists = sum(map(_scope_list, cells))
        if lists >= max(1, len(cells) / 4) and all(
            _scope_list(c) or len(c) <= _SHORT for c in cells
        ):
            return True
    return False


_SHORT = 40  # characters: a "not supported" cell, not a description


def is_methods_table(rows: list[tuple[Cell, ...]]) -> bool:
    """A resource's methods: its first column links to method pages (`../api/...`)."""
    links = [link for row in rows if row for link in row[0].links]
    to_methods = sum(1 for link in links if "/api/" in f"/{link}")
    return bool(links) and to_methods >= 0.8 * len(links) and len(links) >= len(rows) / 2


def _headers(rows: list[tuple[Cell, ...]]) -> bool:
    """HTTP headers: names of that shape, half of them well-known or `Capital-Words`."""
    names = [_plain(row[0].text) for row in rows if row]
    headerish = [n for n in names if n.casefold() in _KNOWN_HEADERS or _DASHED.match(n)]
    return (
        bool(names)
        and len(headerish) >= len(names) / 2
        and all(_HEADER_NAME.match(n) for n in names)
    )


_DASHED = re.compile(r"^[A-Z][A-Za-z]*(?:-[A-Z][A-Za-z]*)+$")


def _is_type(cell: Cell) -> bool:
    """A Type cell: a primitive, a link to a type's page, or a type's name alone."""
    text = _plain(cell.text)
    return (
        any(link.split("#")[0].endswith(".md") for link in cell.links)
        or bool(_PRIMITIVE.match(text.removeprefix("Collection(").strip()))
        or bool(_TYPE_NAME.match(text))
    )


_TYPE_NAME = re.compile(r"^[a-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)*$")  # widgetSize


def column_roles(
    parse_as: str, header: tuple[str, ...], rows: list[tuple[Cell, ...]]
) -> tuple[str | None, ...]:
    """Roles of a table's columns by their cells: () when the cells do not tell."""
    width = len(header)
    if not rows or width == 0:
        return ()
    columns = [[row[i] for row in rows if i < len(row)] for i in range(width)]

    def share(i: int, test: Callable[[Cell], bool]) -> float:
        cells = [c for c in columns[i] if c.text.strip()]
        return sum(1 for c in cells if test(c)) / len(cells) if cells else 0.0

    def longest(exclude: set[int]) -> int | None:
        rest = [i for i in range(width) if i not in exclude]
        if not rest:
            return None
        return max(rest, key=lambda i: sum(len(c.text) for c in columns[i]) / len(columns[i]))

    roles: list[str | None] = [None] * width
    if parse_as == "AuthScopeDefinition":
        if (
            sum(1 for i in range(1, width) if _scopes([(r[0], r[i]) for r in rows if len(r) > i]))
            > 1
        ):
            return ()  # scopes by resource and permission type: a matrix, not a list
        scope = next(
            (i for i in range(width) if share(i, lambda c: bool(_SCOPE.search(c.text)))), None
        )
        if scope is None:
            return ()
        roles[scope] = "scope"
        if scope != 0:
            roles[0] = "title"
        return tuple(roles)
    if parse_as == "EnumerationDefinition":
        if share(0, lambda c: bool(_IDENTIFIER.match(c.text.strip()))) < 0.9:
            return ()
        roles[0] = "memberName"
        number = next(
            (
                i
                for i in range(1, width)
                if share(i, lambda c: bool(_NUMBER.match(c.text.strip()))) >= 0.9
            ),
            None,
        )
        if number is not None:
            roles[number] = "numericValue"
        description = longest({0} | ({number} if number is not None else set()))
        if description is not None:
            roles[description] = "description"
        return tuple(roles)
    if parse_as == "ParameterDefinition":  # name first; a type column if one holds types
        type_column = next((i for i in range(1, width) if share(i, _is_type) >= 0.6), None)
        roles[0] = "name"
        if type_column is not None:
            roles[type_column] = "type"
        description = longest({0} | ({type_column} if type_column is not None else set()))
        if description is not None:
            roles[description] = "description"
        return tuple(roles)
    return ()


def enum_subject(
    title: str, type_words: frozenset[str] = frozenset(), enum_page: bool = False
) -> str:
    """The enum a values table under `title` defines, in a title docgen does not read:
    the word with a capital inside (`callType`), else a word the page's tables give
    as a type (`| status | status | ...`), else on a page of enums the first
    lower-case word of a title of several (`### tone 值`); "" when there is none."""
    words = [w.strip("`*") for w in title.split()]
    identifiers = [w for w in words if _IDENTIFIER.match(w) and w[:1].islower()]
    camel = [w for w in identifiers if any(ch.isupper() for ch in w[1:])]
    typed = [w for w in identifiers if w.casefold() in type_words]
    named = identifiers if enum_page and len(words) > 1 else []  # ("成员": no name in it)
    return (camel or typed or named or [""])[0]


def type_words(tables: Sequence[tuple[tuple[str, ...], list[tuple[Cell, ...]]]]) -> frozenset[str]:
    """Words that stand alone in a table cell past the first column (a type's name)."""
    return frozenset(
        _plain(cell.text).casefold()
        for _, rows in tables
        for row in rows
        for cell in row[1:]
        if _IDENTIFIER.match(_plain(cell.text))
    )


def is_enum_table(header: tuple[str, ...], rows: list[tuple[Cell, ...]]) -> bool:
    """A table of identifiers, alone or with numbers and prose (no type column)."""
    roles = column_roles("EnumerationDefinition", header, rows)
    return bool(roles) and "type" not in column_roles("ParameterDefinition", header, rows)
