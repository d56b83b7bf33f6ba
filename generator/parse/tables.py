"""Table classification by the doc set's table-header config.

A table is classified by the heading it sits under (then its parents), as
the doc set's config says; a table whose title is unknown (a translated doc
set, an odd heading) is classified by the shape of its columns, or reported
(T001) — it is never silently lost: its rows stay in the page facts.
"""

from __future__ import annotations

import re

from generator.config import DocSetConfig, TableKind, fold_title
from generator.parse import structure
from generator.parse.facts import Cell

# Column roles each kind must have to be recognised by shape alone.
_SHAPE_ORDER = (
    "AuthScopeDefinition",
    "ErrorDefinition",
    "EnumerationDefinition",
    "ParameterDefinition",
)


def column_roles(
    config: DocSetConfig, parse_as: str, header: tuple[str, ...]
) -> tuple[str | None, ...]:
    """Map each header cell to a role ("name", "type", "description", ...).

    A spelling listed under several roles (Graph's "Value" is both a type and
    a numeric value) goes to the first role not yet taken, left to right.
    """
    rules = config.column_rules.get(parse_as, {})
    roles: list[str | None] = []
    taken: set[str] = set()
    for cell in header:
        folded = fold_title(cell)
        role = next(
            (r for r, spellings in rules.items() if folded in spellings and r not in taken), None
        )
        if role is None:
            role = next((r for r, spellings in rules.items() if folded in spellings), None)
        if role is not None:
            taken.add(role)
        roles.append(role)
    return tuple(roles)


def _match_title(config: DocSetConfig, title: str) -> tuple[TableKind, str] | None:
    for kind in config.table_kinds:
        for pattern in kind.titles:
            x = pattern.match(title)
            if x is not None:
                return kind, x
    return None


def _match_parents(config: DocSetConfig, parents: tuple[str, ...]) -> tuple[TableKind, str] | None:
    for parent in reversed(parents):
        for kind in config.table_kinds:
            for pattern in kind.parents:
                x = pattern.match(parent)
                if x is not None:
                    return kind, x
    for parent in reversed(parents):
        for kind in config.table_kinds:
            for pattern in kind.titles:
                x = pattern.match(parent)
                if x is not None:
                    return kind, x
    return None


def _kind_for_shape(
    config: DocSetConfig, header: tuple[str, ...], page_kind: str
) -> TableKind | None:
    """Recognise an untitled table by its columns (e.g. a translated heading)."""
    for parse_as in _SHAPE_ORDER:
        roles = set(column_roles(config, parse_as, header)) - {None}
        if parse_as == "AuthScopeDefinition" and {"scope", "title"} <= roles:
            return _first_kind(config, parse_as)
        if parse_as == "ErrorDefinition" and {"httpStatusCode", "errorCode"} <= roles:
            return _first_kind(config, parse_as)
        if parse_as == "EnumerationDefinition" and page_kind == "enum" and "memberName" in roles:
            return _first_kind(config, parse_as)
        if (
            parse_as == "ParameterDefinition"
            and {"name", "type"} <= roles
            and page_kind == "resource"
        ):
            return next(
                (k for k in config.table_kinds if k.kind == "ResourcePropertyDescriptions"), None
            )
    return None


def _first_kind(config: DocSetConfig, parse_as: str) -> TableKind | None:
    return next((k for k in config.table_kinds if k.parse_as == parse_as), None)


METHODS_KIND = "Methods"
_METHODS_COLUMNS = {"method": "name", "return type": "type", "description": "description"}


def _methods_roles(header: tuple[str, ...]) -> tuple[str | None, ...] | None:
    """A resource page's Methods table (Method | Return type | Description).

    The Graph config does not list it, but every resource page has one; it is
    recognised by its columns so that it is neither lost nor reported.
    """
    roles = tuple(_METHODS_COLUMNS.get(fold_title(h)) for h in header)
    return roles if {"name", "type"} <= set(roles) else None


DERIVED_KIND = "DerivedTypes"
_DERIVED_TITLE = re.compile(r"^(derived|child) (types|classes)$|^sub-?(types|classes)$", re.I)


def _derived_roles(title: str, header: tuple[str, ...]) -> tuple[str | None, ...] | None:
    """A base type's table of the types derived from it (Type | Description): the
    Graph config does not list it; its first column names the types."""
    if not _DERIVED_TITLE.match(" ".join(title.split())) or not header:
        return None
    return ("name", *(None for _ in header[1:]))


def known_title(config: DocSetConfig, title: str) -> bool:
    """Whether the doc set's config names a table kind by this title."""
    return _match_title(config, title) is not None


# The roles without which a table of each kind says nothing.
_NEEDED = {
    "ParameterDefinition": {"name"},
    "AuthScopeDefinition": {"scope"},
    "EnumerationDefinition": {"memberName"},
}


_TYPED = frozenset(
    {
        "ResourcePropertyDescriptions",
        "ResourceNavigationPropertyDescriptions",
        "RequestObjectProperties",
    }
)


def _roles(
    config: DocSetConfig, kind: TableKind, header: tuple[str, ...], rows: list[tuple[Cell, ...]]
) -> tuple[str | None, ...]:
    """Column roles by the header's words, else by the cells (a translated header); a
    table of properties without a column of types lists no properties."""
    roles = column_roles(config, kind.parse_as, header)
    needed = _NEEDED.get(kind.parse_as, set())
    if needed <= set(roles) or not rows or any(roles):
        return roles  # (a header docgen reads, even in part, says what its columns are)
    found = structure.column_roles(kind.parse_as, header, rows)
    if kind.kind in _TYPED and "type" not in found:
        return roles
    return found or roles


_RESOURCE_PROPERTY_KINDS = frozenset(
    {"ResourcePropertyDescriptions", "ResourceNavigationPropertyDescriptions"}
)
_PROPERTY_NAME = re.compile(r"^@?[A-Za-z_][\w.@-]*$")


def _lists_properties(
    config: DocSetConfig,
    kind: TableKind,
    header: tuple[str, ...],
    rows: list[tuple[Cell, ...]],
    cells: list[tuple[Cell, ...]],
) -> bool:
    """Whether a table a Properties section holds under a sub-heading of its own
    ("sortBy options", "Maximum length of ...") lists properties: a header with a
    name column whose cells are mostly property names. Other tables there list
    values or notes about a property, not the resource's properties."""
    if kind.kind not in _RESOURCE_PROPERTY_KINDS:
        return True
    roles = _roles(config, kind, header, rows)
    if "name" not in roles:
        return False
    at = roles.index("name")
    names = [row[at].text.strip().strip("`*") for row in cells if len(row) > at]
    names = [n for n in names if n]
    return 2 * sum(bool(_PROPERTY_NAME.match(n)) for n in names) >= len(names)


def _enum_by_content(
    config: DocSetConfig,
    title: str,
    header: tuple[str, ...],
    rows: list[tuple[Cell, ...]],
    page_kind: str,
    words: frozenset[str],
) -> tuple[str | None, str, tuple[str | None, ...]] | None:
    """A values table under a title docgen does not read: identifiers, no types; its
    enum named in the title (`callType ...`), or the page's own on an enum page."""
    if structure.is_english_title(title) or not structure.is_enum_table(header, rows):
        return None
    if any(_enum_columns(config, header)):
        return None  # a header docgen reads, not an enum's: as before
    subject = structure.enum_subject(title, words, page_kind == "enum")
    kind = _first_kind(config, "EnumerationDefinition")
    if kind is None or not (subject or page_kind == "enum"):
        return None
    return kind.kind, subject, _roles(config, kind, header, rows)


def _enum_columns(config: DocSetConfig, header: tuple[str, ...]) -> tuple[str | None, ...]:
    kind = _first_kind(config, "EnumerationDefinition")
    return column_roles(config, kind.parse_as, header) if kind is not None else ()


def classify(
    config: DocSetConfig,
    title: str,
    parents: tuple[str, ...],
    header: tuple[str, ...],
    page_kind: str,
    rows: list[tuple[Cell, ...]] | None = None,
    type_words: frozenset[str] = frozenset(),
    translated: bool = False,
) -> tuple[str | None, str, tuple[str | None, ...]]:
    """Return (table kind or None, the `{x}` captured from the title, column roles):
    by the title, else the header's words, else the cells (`rows`: see
    `generator.parse.structure`)."""
    cells = rows or []  # a methods table is known by its links on any page
    rows = cells if translated else []  # the cells decide more only on a translated page
    found = _match_title(config, title)
    if found is None and rows and parents:  # (a title docgen reads is no enum's, as before)
        enum = _enum_by_content(config, title, header, rows, page_kind, type_words)
        if enum is not None:
            return enum
    if found is None:
        derived = _derived_roles(title, header)
        if derived is not None:
            return DERIVED_KIND, "", derived
        found = _match_parents(config, parents)
        if found is not None and not _lists_properties(config, found[0], header, rows, cells):
            found = None
    if found is None:
        methods = _methods_roles(header)
        if methods is None and cells and structure.is_methods_table(cells):
            methods = structure.column_roles("ParameterDefinition", header, cells) or None
        if methods is not None:
            return METHODS_KIND, "", methods
        kind = _kind_for_shape(config, header, page_kind)
        if kind is None:
            return None, "", tuple(None for _ in header)
        return kind.kind, "", _roles(config, kind, header, rows)
    kind, x = found
    return kind.kind, x, _roles(config, kind, header, rows)


# -- a row's cells as the table parser splits them ------------------------------------------

_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")
_OPENS, _CLOSES = "([", ")]"


def row_cells(line: str) -> int:
    """The cells markdown-it finds in a table row: every unescaped `|` is a border, in
    code too (cells past the header's width are dropped, with their text)."""
    return len(cell_texts(line))


def cell_texts(line: str) -> list[str]:
    """The text of each cell of a table row, as `row_cells` counts them."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return _UNESCAPED_PIPE.split(text)


_EMPHASIS = re.compile(r"^(\*\*|__|\*|_)(?=\S)(?:(?!\1).)+(?<=\S)\1$")


def is_label_row(cells: list[str]) -> bool:
    """A row (its `cell_texts`) whose one non-empty cell is bold or italic text and
    nothing else (`|**Open extensions**|`): a section label inside a table. Renderers
    pad it with empty cells; it is written short on purpose."""
    filled = [c.strip() for c in cells if c.strip()]
    return len(filled) == 1 and _EMPHASIS.match(filled[0]) is not None


def enclosed_pipes(line: str) -> set[int]:
    """Offsets of the unescaped `|` in `line` that stand inside a code span or a closed
    pair of parentheses or brackets: text, never a border a person meant."""
    inside: set[int] = set()
    for span in _CODE_SPAN.finditer(line):
        inside.update(range(span.start(), span.end()))
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    for i, c in enumerate(line):
        if i in inside:
            continue
        if c in _OPENS:
            stack.append(i)
        elif c in _CLOSES and stack and line[stack[-1]] == _OPENS[_CLOSES.index(c)]:
            pairs.append((stack.pop(), i))
    for start, end in pairs:
        inside.update(range(start, end))
    return {m.start() for m in _UNESCAPED_PIPE.finditer(line) if m.start() in inside}
