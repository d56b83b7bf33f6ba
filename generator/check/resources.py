"""Resource rules: the Properties table and the JSON representation give different
types for one property (R010).

A property in only one of them (R001/R002), unresolvable types (R003), unknown
base types (R005), duplicate definitions (R004) and missing key properties
(R006) are reported by the resolve stage.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from generator.check.context import CheckContext
from generator.check.values import STRING_TYPES
from generator.diagnostics import Diagnostic, make
from generator.model.resources import ResourceDraft, find_resource_drafts
from generator.model.typeref import parse_type_cell
from generator.model.types import ENUM, PRIMITIVE, RESOURCE, TypeRef
from generator.parse.facts import Cell, Table

_NUMBERS = frozenset(
    {"Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Byte", "Edm.SByte", "Edm.Double", "Edm.Single"}
    | {"Edm.Decimal"}
)
# A sample string that names a type: `String`, `Int32`, `Edm.Guid`, `String (timestamp)`,
# `microsoft.graph.x`; lower-case words (`onenote`, `url`) are sample values.
_TYPE_WORD = re.compile(r"^(?:[A-Z]|edm\.|string\b|boolean\b|int\d\d\b|[a-z]\w*\.[a-z])")


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
    if isinstance(value, str) and _TYPE_WORD.match(value):
        parsed = parse_type_cell(value)
        if parsed is None or parsed.collection:
            return None
        if parsed.primitive:
            return TypeRef(parsed.name, PRIMITIVE)
        found = ctx.lookup(parsed.name) if "." in parsed.name else None
        return ctx.index.ref_for_name(found) if found is not None else None
    return None


def conflict(ctx: CheckContext, table: TypeRef, value: Any) -> str | None:
    """Why the table's type and the sample disagree, or None."""
    if isinstance(value, list):
        if not table.collection:
            return "a collection in the JSON representation"
        return conflict(ctx, TypeRef(table.name, table.kind), value[0]) if value else None
    if table.collection and value is not None:
        return "a single value in the JSON representation"
    sample = sample_ref(ctx, value)
    kinds = (family(ctx, table), family(ctx, sample)) if sample is not None else ("any", "any")
    if sample is None or "any" in kinds:
        return None
    if kinds[0] != kinds[1]:
        return f"{sample.name or 'an object'} in the JSON representation"
    if (
        table.kind == RESOURCE
        and sample.kind == RESOURCE
        and sample.name
        and sample.name != table.name
        and sample.name not in ctx.descendants(table.name)
    ):
        return f"{sample.name} in the JSON representation"
    return None


def _shown(ref: TypeRef) -> str:
    return f"Collection({ref.name})" if ref.collection else ref.name


def _cell(row: tuple[Cell, ...], table: Table, role: str) -> Cell | None:
    return next((c for c, r in zip(row, table.columns, strict=False) if r == role), None)


def _draft_conflicts(ctx: CheckContext, draft: ResourceDraft) -> Iterator[Diagnostic]:
    sample = draft.block.json.value if draft.block.json is not None else None
    if not isinstance(sample, dict):
        return
    for table in draft.tables:
        for row, line in zip(table.rows, table.row_lines, strict=False):
            name, cell = _cell(row, table, "name"), _cell(row, table, "type")
            if name is None or cell is None:
                continue
            key = name.text.strip().strip("`*")
            parsed = parse_type_cell(cell.text, cell.links)
            if key not in sample or parsed is None or key.startswith("@"):
                continue
            ref, why = ctx.index.to_ref(parsed, draft.page.path)
            why_not = conflict(ctx, ref, sample[key]) if why is None else None
            if why_not is not None:
                yield make(
                    "R010",
                    draft.page.path,
                    line,
                    1,
                    f'{draft.name}: property "{key}" is {_shown(ref)} in the table but '
                    f"{why_not} (line {draft.block.line})",
                )


def property_type_conflicts(ctx: CheckContext) -> Iterator[Diagnostic]:
    """R010: table type vs JSON representation."""
    for page in ctx.pages:
        if any(b.role == "resource" for b in page.blocks):
            for draft in find_resource_drafts(page, ctx.index, []):
                yield from _draft_conflicts(ctx, draft)


_POSSIBLE = re.compile(
    r"\b(?:possible|valid|supported|allowed) values(?: are| include)?\s*:?\s*(.+)", re.I
)


def probable_enums(ctx: CheckContext) -> Iterator[Diagnostic]:
    """R014: a String property whose description lists its possible values."""
    for r in ctx.model.resources:
        for p in r.properties:
            found = _POSSIBLE.search(p.description) if p.type.name == "Edm.String" else None
            values = _listed_values(found.group(1)) if found else []
            if len(values) >= 2:
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


def _listed_values(text: str) -> list[str]:
    """The values a list names, up to its end (`a, b and c.`): code spans if it has any,
    else the words between commas."""
    head = re.split(r"\.(?:\s|$)", text, maxsplit=1)[0]
    coded = re.findall(r"`([^`]+)`", head)
    if coded:
        return coded
    parts = re.split(r",\s*|\s+(?:and|or)\s+", head)
    return [p.strip() for p in parts if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", p.strip())]


CHECKS = (property_type_conflicts, probable_enums)
