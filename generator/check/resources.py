"""Resource rules: the Properties table and the JSON representation give different
types for one property (R010); a property only the JSON representation shows that
no base type declares (R002).

A property only in the table (R001), unresolvable types (R003), unknown
base types (R005), duplicate definitions (R004) and missing key properties
(R006) are reported by the resolve stage.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from generator.check.context import CheckContext
from generator.check.values import STRING_TYPES
from generator.diagnostics import Diagnostic, make
from generator.model.resources import ResourceDraft, find_resource_drafts, json_only_names
from generator.model.typeref import parse_type_cell
from generator.model.types import ENUM, PRIMITIVE, RESOURCE, UNRESOLVED, TypeRef
from generator.parse.facts import Cell, Table

_NUMBERS = frozenset(
    {"Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Byte", "Edm.SByte", "Edm.Double", "Edm.Single"}
    | {"Edm.Decimal"}
)
# A sample string that names a type: `String`, `Int32`, `Edm.Guid`, `String (timestamp)`,
# `microsoft.graph.x`, `collection(x)`; lower-case words (`onenote`, `url`) are sample values.
_TYPE_WORD = re.compile(
    r"^(?:[A-Z]|edm\.|string\b|boolean\b|int\d\d\b|[a-z]\w*\.[a-z]|collection\s*\()"
)


def family(ctx: CheckContext, ref: TypeRef) -> str:
    """What a value of the type looks like in JSON: string, number, boolean, object, any."""
    if ref.kind == ENUM or ref.name in STRING_TYPES:
        return "string"
    if ref.name in _NUMBERS:
        return "number"
    if ref.name == "Edm.Boolean":
        return "boolean"
    if ref.kind == RESOURCE and (not ref.name or ctx.property_names(ref.name)):
        return "object"  # a type with no properties (Json) stands for any value
    return "any"


def sample_ref(ctx: CheckContext, value: Any) -> TypeRef | None:
    """The type a JSON representation's sample value stands for, when it says one."""
    if isinstance(value, bool):
        return TypeRef("Edm.Boolean", PRIMITIVE)
    if isinstance(value, int | float):
        return TypeRef("Edm.Double", PRIMITIVE)
    if isinstance(value, dict):
        written = value.get("@odata.type")
        found = ctx.lookup(written) if isinstance(written, str) else None
        return TypeRef(found, RESOURCE) if found else TypeRef("", RESOURCE)
    return None


def named_type(ctx: CheckContext, value: Any) -> TypeRef | None:
    """The type a placeholder names, collection included: a string that spells a type
    (`"String"`, `"collection(microsoft.graph.x)"`; a qualified name only when the doc
    set knows it, other strings are sample values) or an object that holds only an
    `@odata.type` (`{"@odata.type": "String (timestamp)"}`), which names a type
    whether the doc set defines it or not."""
    if isinstance(value, str) and _TYPE_WORD.match(value):
        return _spelled_type(ctx, value, known_only=True)
    if isinstance(value, dict) and set(value) == {"@odata.type"}:
        written = value["@odata.type"]
        return _spelled_type(ctx, written, known_only=False) if isinstance(written, str) else None
    return None


def _spelled_type(ctx: CheckContext, text: str, known_only: bool) -> TypeRef | None:
    parsed = parse_type_cell(text.lstrip("#"))
    if parsed is None:
        return None
    if parsed.primitive:
        return TypeRef(parsed.name, PRIMITIVE, parsed.collection)
    found = ctx.lookup(parsed.name) if "." in parsed.name else None
    if found is not None:
        return replace(ctx.index.ref_for_name(found), collection=parsed.collection)
    if known_only or "." not in parsed.name:
        return None
    return TypeRef(parsed.name, UNRESOLVED, parsed.collection)


def conflict(ctx: CheckContext, table: TypeRef, value: Any) -> str | None:
    """Why the table's type and the sample disagree, or None."""
    if isinstance(value, dict) and "@odata.type" in ctx.property_names(table.name):
        return None  # (the type documents `@odata.type` as data: the sample's is a value)
    named = named_type(ctx, value)
    if named is not None:
        return _named_conflict(ctx, table, named)
    if isinstance(value, list):
        if not table.collection:
            return "a collection in the JSON representation"
        return conflict(ctx, TypeRef(table.name, table.kind), value[0]) if value else None
    if table.collection and value is not None:
        return "a single value in the JSON representation"
    sample = sample_ref(ctx, value)
    if sample is None or "any" in (family(ctx, table), family(ctx, sample)):
        return None
    if family(ctx, table) != family(ctx, sample):
        return f"{sample.name or 'an object'} in the JSON representation"
    if table.kind == RESOURCE and sample.name and not _of_type(ctx, sample.name, table.name):
        return f"{sample.name} in the JSON representation"
    return None


def _of_type(ctx: CheckContext, name: str, declared: str) -> bool:
    """`name` is the declared type or one derived from it."""
    return name == declared or name in ctx.descendants(declared)


def _named_conflict(ctx: CheckContext, table: TypeRef, named: TypeRef) -> str | None:
    """A placeholder's type against the table's: collection or not, then the family of a
    primitive, the name of anything else (a type derived from the table's agrees)."""
    if named.collection != table.collection:
        shown = _shown(named) if named.collection else "a single value"
        return f"{shown} in the JSON representation"
    if named.kind == PRIMITIVE:
        kinds = (family(ctx, table), family(ctx, named))
        same = "any" in kinds or kinds[0] == kinds[1]
    elif table.kind == PRIMITIVE:
        same = family(ctx, table) == "any"
    elif named.kind == UNRESOLVED:
        same = True  # a name the doc set does not define may be the table's type misspelt
    else:
        same = _of_type(ctx, named.name, table.name)
    return None if same else f"{named.name} in the JSON representation"


def _shown(ref: TypeRef) -> str:
    return f"Collection({ref.name})" if ref.collection else ref.name


def _cell(row: tuple[Cell, ...], table: Table, role: str) -> Cell | None:
    return next((c for c, r in zip(row, table.columns, strict=False) if r == role), None)


def _draft_conflicts(ctx: CheckContext, draft: ResourceDraft) -> Iterator[Diagnostic]:
    """Each property once, at its first table row that disagrees with the sample (a
    property both the Properties and the Relationships tables list is one property)."""
    sample = draft.block.json.value if draft.block.json is not None else None
    if not isinstance(sample, dict):
        return
    reported: set[str] = set()
    for table in draft.tables:
        for row, line in zip(table.rows, table.row_lines, strict=False):
            found = _row_conflict(ctx, draft, table, row, sample)
            if found is None or found[0] in reported:
                continue
            key, ref, why_not = found
            reported.add(key)
            yield make(
                "R010",
                draft.page.path,
                line,
                1,
                f'{draft.name}: property "{key}" is {_shown(ref)} in the table but '
                f"{why_not} (line {draft.block.line})",
            )


def _row_conflict(
    ctx: CheckContext,
    draft: ResourceDraft,
    table: Table,
    row: tuple[Cell, ...],
    sample: dict[str, Any],
) -> tuple[str, TypeRef, str] | None:
    """(property, table type, why the sample disagrees) for one table row, or None."""
    name, cell = _cell(row, table, "name"), _cell(row, table, "type")
    if name is None or cell is None:
        return None
    key = name.text.strip().strip("`*")
    parsed = parse_type_cell(cell.text, cell.links)
    if key not in sample or parsed is None or key.startswith("@"):
        return None
    ref, why = ctx.index.to_ref(parsed, draft.page.path)
    why_not = conflict(ctx, ref, sample[key]) if why is None else None
    return None if why_not is None else (key, ref, why_not)


def property_type_conflicts(ctx: CheckContext) -> Iterator[Diagnostic]:
    """R010: table type vs JSON representation."""
    for page in ctx.pages:
        if any(b.role == "resource" for b in page.blocks):
            for draft in find_resource_drafts(page, ctx.index, []):
                yield from _draft_conflicts(ctx, draft)


def json_only_properties(ctx: CheckContext) -> Iterator[Diagnostic]:
    """R002: a property the JSON representation shows and no table lists. Not one a
    base type (stated, or implied by the docs) has: a derived type's JSON repeats
    what it inherits, and the base's page documents it."""
    for page in ctx.pages:
        if any(b.role == "resource" for b in page.blocks):
            for draft in find_resource_drafts(page, ctx.index, []):
                yield from _json_only(ctx, draft)


def _json_only(ctx: CheckContext, draft: ResourceDraft) -> Iterator[Diagnostic]:
    inherited = _inherited_names(ctx, draft.name)
    for name in json_only_names(draft):
        if name not in inherited:
            yield make(
                "R002",
                draft.page.path,
                draft.block.line,
                1,
                f'{draft.name}: property "{name}" is in the JSON representation but not a table',
            )


def _inherited_names(ctx: CheckContext, name: str) -> frozenset[str]:
    """The property names of `name`'s base types (not its own)."""
    bases = ctx.chain(name)[1:]
    return ctx.property_names(bases[0].name) if bases else frozenset()


_POSSIBLE = re.compile(
    r"\b(?:possible|valid|supported|allowed) values(?: are| include)?\s*:?\s*(.+)", re.I
)


def probable_enums(ctx: CheckContext) -> Iterator[Diagnostic]:
    """R014: a String property whose description lists its possible values."""
    for r in ctx.model.resources:
        for p in r.properties:
            found = _POSSIBLE.search(p.description) if p.type.name == "Edm.String" else None
            values = _listed_values(found.group(1)) if found else []
            if len(values) >= 2 and not _allows_null(values):
                where = p.source or r.source
                shown = ", ".join(values[:6]) + (", ..." if len(values) > 6 else "")
                yield make(
                    "R014",
                    where.file,
                    where.line,
                    1,
                    f"{r.name}.{p.name} is a String whose description lists possible values "
                    f"({shown}): probably an enum",
                )


def _allows_null(values: list[str]) -> bool:
    """Values that include `null` are a nullable String's allowed values, which JSON's
    null is; an enum's members are names (see `generator.model.resources.build_enum`)."""
    return any(v.casefold() == "null" for v in values)


def _listed_values(text: str) -> list[str]:
    """The values a list names, up to its end (`a, b and c.`): code spans if it has any,
    else the words between commas."""
    head = re.split(r"\.(?:\s|$)", text, maxsplit=1)[0]
    coded = re.findall(r"`([^`]+)`", head)
    if coded:
        return coded
    parts = re.split(r",\s*|\s+(?:and|or)\s+", head)
    return [p.strip() for p in parts if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", p.strip())]


CHECKS = (property_type_conflicts, json_only_properties, probable_enums)
