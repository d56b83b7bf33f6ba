"""Table classification by the doc set's table-header config.

A table is classified by the heading it sits under (then its parents), as
the doc set's config says; a table whose title is unknown (a translated doc
set, an odd heading) is classified by the shape of its columns, or reported
(T001) — it is never silently lost: its rows stay in the page facts.
"""

from __future__ import annotations

from generator.config import DocSetConfig, TableKind, fold_title

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


def _match_kind(
    config: DocSetConfig, title: str, parents: tuple[str, ...]
) -> tuple[TableKind, str] | None:
    for kind in config.table_kinds:
        for pattern in kind.titles:
            x = pattern.match(title)
            if x is not None:
                return kind, x
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


def classify(
    config: DocSetConfig,
    title: str,
    parents: tuple[str, ...],
    header: tuple[str, ...],
    page_kind: str,
) -> tuple[str | None, str, tuple[str | None, ...]]:
    """Return (table kind or None, the `{x}` captured from the title, column roles)."""
    found = _match_kind(config, title, parents)
    if found is None:
        methods = _methods_roles(header)
        if methods is not None:
            return METHODS_KIND, "", methods
        kind = _kind_for_shape(config, header, page_kind)
        if kind is None:
            return None, "", tuple(None for _ in header)
        return kind.kind, "", column_roles(config, kind.parse_as, header)
    kind, x = found
    return kind.kind, x, column_roles(config, kind.parse_as, header)
