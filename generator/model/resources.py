"""Resources (entity and complex types) and enums from page facts.

A resource is defined by a `resource` block (its annotation names the type,
base type, key) and described by the Properties / Relationships tables that
precede it on its page. Both sources are merged: a property present in only
one is kept; one only in the table is reported (R001), one only in the JSON by
the check stage, which knows base types (R002); a table type that does not parse is
reported (T002) and typed from the JSON sample instead, never silently String.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from generator.diagnostics import Diagnostic, make
from generator.model.typeindex import TypeIndex
from generator.model.typeref import ParsedType, named_alternatives, parse_type_cell
from generator.model.types import (
    ENUM,
    PRIMITIVE,
    RESOURCE,
    UNRESOLVED,
    Enum,
    EnumMember,
    Property,
    Resource,
    Same,
    Source,
    TypeRef,
)
from generator.parse.facts import Block, Cell, PageFacts, Table
from generator.parse.structure import enum_subject
from generator.parse.tables import DERIVED_KIND

PROPERTY_TABLE = "ResourcePropertyDescriptions"
NAVIGATION_TABLE = "ResourceNavigationPropertyDescriptions"
ENUM_TABLE = "EnumerationValues"
_NOT_NULLABLE = re.compile(r"\bnot\s+nullable\b|\bnon-nullable\b", re.IGNORECASE)
_NULLABLE = re.compile(r"\bnullable\b", re.IGNORECASE)
_READ_ONLY = re.compile(r"\bread[- ]only\b", re.IGNORECASE)
_ENUM_TITLE_SUFFIX = re.compile(r"\s+(enum(eration)?( type)?|flags)$", re.IGNORECASE)
_IDENT = re.compile(r"^[A-Za-z_][\w.]*$")
_OPEN_TYPE = re.compile(r"\bis an? _?open[ -]type\b", re.IGNORECASE)
_INHERITS = re.compile(
    r"\b(?:(?:inherits|derives|derived) from|(?:a )?sub-?(?:class|type) (?:of|from))\s+"
    r"(?:the\s+)?(?:(?:abstract\s+)?base\s+(?:class|type)\s+)?([A-Za-z_][\w.]*)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ResourceDraft:
    """A resource block with the tables that describe it, before types resolve."""

    name: str
    page: PageFacts
    block: Block
    tables: tuple[Table, ...]


def find_resource_drafts(
    page: PageFacts, index: TypeIndex, diagnostics: list[Diagnostic]
) -> list[ResourceDraft]:
    """Each resource block, with the property tables between it and the previous one."""
    blocks = [b for b in page.blocks if b.role == "resource" and b.annotation is not None]
    drafts: list[ResourceDraft] = []
    prop_tables = [t for t in page.tables if t.kind in (PROPERTY_TABLE, NAVIGATION_TABLE)]
    previous = 0
    for i, block in enumerate(blocks):
        assert block.annotation is not None
        raw = block.annotation.data.get("@odata.type") or block.annotation.data.get("@type")
        if not isinstance(raw, str) or not raw.strip():
            diagnostics.append(
                make(
                    "R011",
                    page.path,
                    block.annotation.line,
                    1,
                    "resource annotation has no @odata.type; the block defines no type",
                )
            )
            continue
        last = i == len(blocks) - 1
        qualified = index.qualify(raw, page_namespace(page))
        short = qualified.rsplit(".", 1)[-1]
        mine = tuple(
            t
            for t in prop_tables
            if t.line > previous
            and (t.line < block.line or last)
            and not _describes_another_object(t, short)
        )
        drafts.append(ResourceDraft(qualified, page, block, mine))
        previous = block.line
    return drafts


_PROPERTIES_OF = re.compile(r"^properties of (?:an?|the)\s+(.+)$", re.IGNORECASE)
_GENERIC_NOUNS = ("", "resource", "resourcetype", "object", "type", "entity", "complextype")


def _describes_another_object(table: Table, resource: str) -> bool:
    """A table under a "Properties of a X" heading where X is not the resource (the
    JSON a string property holds, say: "Properties of a token lifetime policy
    definition") lists X's properties, not the resource's."""
    for heading in (*table.parents, table.title):
        found = _PROPERTIES_OF.match(" ".join(heading.split()))
        if found is not None and not _names_resource(found.group(1), resource):
            return True
    return False


def _names_resource(words: str, resource: str) -> bool:
    """`token lifetime policy`, `tokenLifetimePolicy resource` name tokenLifetimePolicy."""
    folded, name = _fold_name(words), _fold_name(resource)
    return folded.startswith(name) and folded[len(name) :] in _GENERIC_NOUNS


def _fold_name(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def derived_types(page: PageFacts, index: TypeIndex) -> tuple[tuple[str, str], ...]:
    """(derived, base) for each type a base type's page lists under "Derived types";
    only on a page that defines one type (the base)."""
    blocks = [b for b in page.blocks if b.role == "resource" and b.annotation is not None]
    tables = [t for t in page.tables if t.kind == DERIVED_KIND]
    if len(blocks) != 1 or not tables:
        return ()
    assert blocks[0].annotation is not None
    raw = blocks[0].annotation.data.get("@odata.type") or blocks[0].annotation.data.get("@type")
    if not isinstance(raw, str):
        return ()
    base = index.qualify(raw, page_namespace(page))
    found: dict[str, str] = {}
    for table in tables:
        for row in table.rows:
            name = _listed_type(page.path, _cell(row, table.columns, "name"), index)
            if name is not None and name != base:
                found.setdefault(name, base)
    return tuple(sorted(found.items()))


def _listed_type(page: str, cell: Cell | None, index: TypeIndex) -> str | None:
    """The type a cell names: by its link to a page that defines one type, else by
    its text."""
    if cell is None:
        return None
    text = cell.text.strip().strip("`*[]")
    for href in cell.links:
        target, _ = index.resolve_link(page, href)
        picked = index.pick_on_page(target, text) if target is not None else None
        if picked is not None and index.kinds[picked] == RESOURCE:
            return picked
    found = index.lookup_name(text, index.page_namespace(page)) if _IDENT.match(text) else None
    return found if found is not None and index.kinds[found] == RESOURCE else None


def names_defined_types(index: TypeIndex, cell: Cell, page: str) -> bool:
    """A cell that offers types the doc set defines as alternatives ("[a](a.md) or
    [b](b.md)": the subtypes of an abstract base a value may be). It states no one
    type, but it is no misspelling: the value's type comes from elsewhere (the JSON
    representation's, which names the base), not from the cell."""
    found = named_alternatives(cell.text, cell.links)
    return bool(found) and all(
        ref.kind == RESOURCE and why is None
        for ref, why in (index.to_ref(parsed, page) for parsed in found)
    )


def _description_flags(text: str) -> tuple[bool | None, bool]:
    nullable: bool | None = None
    if _NOT_NULLABLE.search(text):
        nullable = False
    elif _NULLABLE.search(text):
        nullable = True
    return nullable, bool(_READ_ONLY.search(text))


def _sample_type(value: Any, index: TypeIndex) -> TypeRef:
    """Type of a property seen only in the JSON representation, from its sample value."""
    return _sample_type_of(value, index)


def _sample_type_of(value: Any, index: TypeIndex) -> TypeRef:
    if isinstance(value, list):
        inner = _sample_type(value[0], index) if value else TypeRef("Edm.String", PRIMITIVE)
        return TypeRef(inner.name, inner.kind, True)
    if isinstance(value, dict):
        odata = value.get("@odata.type")
        if isinstance(odata, str):
            return index.ref_for_name(odata)
        return TypeRef("Edm.Untyped", PRIMITIVE)
    if isinstance(value, bool):
        return TypeRef("Edm.Boolean", PRIMITIVE)
    if isinstance(value, int):
        return TypeRef("Edm.Int32", PRIMITIVE)
    if isinstance(value, float):
        return TypeRef("Edm.Double", PRIMITIVE)
    if isinstance(value, str):
        parsed = parse_type_cell(value)
        if parsed is not None and parsed.primitive:
            return TypeRef(parsed.name, PRIMITIVE, parsed.collection)
        if parsed is not None and _IDENT.match(parsed.name):
            found = index.lookup_name(parsed.name)
            if found is not None and index.kinds[found] == ENUM:
                return TypeRef(found, ENUM, parsed.collection)
        return TypeRef("Edm.String", PRIMITIVE)
    return TypeRef("Edm.Untyped", PRIMITIVE)


def _cell(row: tuple[Any, ...], roles: tuple[str | None, ...], role: str) -> Any:
    for cell, r in zip(row, roles, strict=False):
        if r == role:
            return cell
    return None


class ResourceBuilder:
    """Builds resources, collecting the diagnostics it raises."""

    def __init__(self, index: TypeIndex) -> None:
        self.index = index
        self.diagnostics: list[Diagnostic] = []
        self.same = Same()  # properties of many types have the same type

    def table_property(
        self, page: str, table: Table, row: tuple[Any, ...], line: int
    ) -> Property | None:
        name_cell = _cell(row, table.columns, "name")
        if name_cell is None or not name_cell.text.strip():
            return None
        name = name_cell.text.strip().strip("`*")
        type_cell = _cell(row, table.columns, "type")
        desc_cell = _cell(row, table.columns, "description")
        description = desc_cell.text if desc_cell is not None else ""
        parsed: ParsedType | None = None
        if type_cell is not None:
            parsed = parse_type_cell(type_cell.text, type_cell.links)
            if parsed is None and not names_defined_types(self.index, type_cell, page):
                self.diagnostics.append(
                    make(
                        "T002",
                        page,
                        line,
                        1,
                        f'property "{name}": Type "{type_cell.text}" does not parse',
                    )
                )
        nullable, read_only = _description_flags(description)
        if parsed is None:
            ref = TypeRef("", UNRESOLVED)
        else:
            ref = self._resolve(parsed, page, line, name)
            read_only = read_only or parsed.read_only
            if parsed.nullable is not None:
                nullable = parsed.nullable
        return Property(
            name=name,
            type=self.same(ref),
            description=description,
            nullable=nullable,
            read_only=read_only,
            navigation=table.kind == NAVIGATION_TABLE,
            source=Source(page, line),
        )

    def _resolve(self, parsed: ParsedType, page: str, line: int, name: str) -> TypeRef:
        """A parsed Type cell's type; one the doc set does not define is reported (R003)."""
        string = values_section_ref(self.index, parsed)
        if string is not None:
            return string
        ref, why = self.index.to_ref(parsed, page)
        if why is not None:
            self.diagnostics.append(make("R003", page, line, 1, f'property "{name}": {why}'))
        return ref

    def build(self, draft: ResourceDraft) -> Resource:
        page = draft.page.path
        block = draft.block
        assert block.annotation is not None
        data = block.annotation.data
        table_props: dict[str, Property] = {}
        for table in draft.tables:
            for row, line in zip(table.rows, table.row_lines, strict=False):
                prop = self.table_property(page, table, row, line)
                if prop is not None and prop.name not in table_props:
                    table_props[prop.name] = prop
        sample = block.json.value if block.json is not None and block.json.is_json else None
        if block.json is not None and not block.json.is_json:
            self.diagnostics.append(
                make(
                    "R007",
                    page,
                    block.line,
                    1,
                    f"JSON representation of {draft.name} does not load",
                )
            )
        json_props = sample if isinstance(sample, dict) else {}
        properties = self._merge(draft, table_props, json_props)
        base = data.get("baseType")
        if not (isinstance(base, str) and base.strip()):
            base = self._prose_base(draft)
        short = draft.name.rsplit(".", 1)[-1]
        return Resource(
            name=draft.name,
            namespace=draft.name.rsplit(".", 1)[0],
            short_name=short,
            base_type=self.index.qualify(base) if isinstance(base, str) and base.strip() else None,
            key_property=(
                data.get("keyProperty") if isinstance(data.get("keyProperty"), str) else None
            ),
            open_type=_flag(data.get("openType")) or self._prose_open(draft),
            abstract=_flag(data.get("abstract")),
            description=page_description(draft.page),
            properties=properties,
            source=Source(page, block.line),
        )

    @staticmethod
    def _single_type_page(draft: ResourceDraft) -> bool:
        """Prose speaks for the type only on a page that defines one type."""
        blocks = [b for b in draft.page.blocks if b.role == "resource"]
        return len(blocks) == 1

    def _prose_base(self, draft: ResourceDraft) -> str | None:
        """ "Inherits from [x](x.md)", "a subclass of x": a base type said only in prose."""
        if not self._single_type_page(draft):
            return None
        for _, text, _ in draft.page.prose:
            m = _INHERITS.search(text)
            name = m.group(1).rstrip(".") if m else None
            found = (
                self.index.lookup_name(name, self.index.page_namespace(draft.page.path))
                if name
                else None
            )
            if found is not None and found != draft.name and self.index.kinds[found] == RESOURCE:
                return found
        return None

    def _prose_open(self, draft: ResourceDraft) -> bool:
        return self._single_type_page(draft) and any(
            _OPEN_TYPE.search(text) for _, text, _ in draft.page.prose
        )

    def _merge(
        self, draft: ResourceDraft, table_props: dict[str, Property], json_props: dict[str, Any]
    ) -> tuple[Property, ...]:
        page = draft.page.path
        line = draft.block.line
        merged: dict[str, Property] = {}
        for name, prop in table_props.items():
            if prop.type.name == "" and name in json_props:
                prop = Property(
                    prop.name,
                    self.same(_sample_type(json_props[name], self.index)),
                    prop.description,
                    prop.nullable,
                    prop.read_only,
                    prop.navigation,
                    prop.source,
                )
            elif name not in json_props and json_props and not prop.navigation and name[:1] != "@":
                # (an instance annotation's row, `@odata.etag`: JSON representations
                # leave annotations out, as the other direction below does)
                self.diagnostics.append(
                    make(
                        "R001",
                        page,
                        prop.source.line if prop.source else line,
                        1,
                        f'{draft.name}: property "{name}" is in the table but not the JSON representation',
                    )
                )
            merged[name] = prop
        for name, value in json_props.items():
            if name in merged or name.startswith("@"):
                continue
            # (not reported here: one a base type declares is inherited, and bases are
            # known only once every page resolves; see check.resources, R002)
            merged[name] = Property(
                name=name,
                type=self.same(_sample_type(value, self.index)),
                source=Source(page, line),
            )
        return tuple(merged.values())


def table_names(draft: ResourceDraft) -> set[str]:
    """The property names the draft's Properties and Relationships tables list."""
    names = set()
    for table in draft.tables:
        for row in table.rows:
            cell = _cell(row, table.columns, "name")
            name = cell.text.strip().strip("`*") if cell is not None else ""
            if name:
                names.add(name)
    return names


def json_only_names(draft: ResourceDraft) -> list[str]:
    """The properties the draft's JSON representation shows and its tables do not
    (instance annotations, `@odata.type`, left out); none when it has no table."""
    block = draft.block
    sample = block.json.value if block.json is not None and block.json.is_json else None
    if not draft.tables or not isinstance(sample, dict):
        return []
    listed = table_names(draft)
    return [name for name in sample if name not in listed and not name.startswith("@")]


def _flag(value: Any) -> bool:
    """An annotation's boolean, written `true` or `"true"` (a string "false" is false)."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


_NOT_DESCRIPTION = re.compile(r"^(namespace|note|important|caution|warning|tip)\b", re.IGNORECASE)


_NAMESPACE_LINE = re.compile(
    r"^\s*namespace\s*:\s*`?([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)+)`?\s*$", re.I
)


def page_namespace(page: PageFacts) -> str | None:
    """The namespace a page says its types are in ("Namespace: microsoft.graph.callRecords",
    under its title): unqualified names defined on the page are in it."""
    h1 = next((h.text for h in page.headings if h.level == 1), None)
    for section, text, _ in page.prose:
        if section == h1:
            found = _NAMESPACE_LINE.match(text)
            if found:
                return found.group(1)
    return None


def page_description(page: PageFacts) -> str:
    """The first paragraph under the page's title that is not a namespace line or a note."""
    h1 = next((h.text for h in page.headings if h.level == 1), None)
    for section, text, _ in page.prose:
        if section == h1 and text and not _NOT_DESCRIPTION.match(text):
            return text
    return str(page.front_matter.get("description") or "")


def enum_name_for(table: Table, page: PageFacts) -> str:
    """The enum a values table defines: `{x}` of its title, else the page title."""
    if table.subject.strip():
        return table.subject.strip().strip("`")
    h1 = next((h.text for h in page.headings if h.level == 1), page.title)
    name = _ENUM_TITLE_SUFFIX.sub("", h1.strip()).strip("`")
    if " " in name:  # a title in another language: its identifier (`fooType 列举类型`)
        return enum_subject(name) or name
    return name


def _lists_allowed_values(members: list[EnumMember]) -> bool:
    """A values table that lists `null` among its values (`null`, `minor`, `adult`)
    lists the values a nullable String may hold: JSON's null is no enum member, and
    the service types such a property Edm.String."""
    return any(m.name.casefold() == "null" for m in members)


_VALUES_ANCHOR = re.compile(r"#(.+)-values$", re.IGNORECASE)


def values_section_ref(index: TypeIndex, parsed: ParsedType) -> TypeRef | None:
    """A Type cell linking to the "x values" section of a page (`[ageGroup](#agegroup-values)`)
    where the doc set defines no type x: the section lists a String's allowed values.
    (Where it defines an enum x, the cell names the enum: None, resolve as usual.)"""
    found = _VALUES_ANCHOR.search(parsed.link or "") if not parsed.primitive else None
    if found is None or _fold_name(found.group(1)) != _fold_name(parsed.name):
        return None
    if index.lookup_name(parsed.name) is not None:
        return None
    return TypeRef("Edm.String", PRIMITIVE, parsed.collection)


def build_enum(index: TypeIndex, page: PageFacts, table: Table) -> Enum | None:
    name = enum_name_for(table, page)
    if not name or " " in name:
        return None
    members: list[EnumMember] = []
    for row in table.rows:
        member = _cell(row, table.columns, "memberName")
        if member is None or not member.text.strip():
            continue
        numeric = _cell(row, table.columns, "numericValue")
        desc = _cell(row, table.columns, "description")
        value = None
        if numeric is not None and numeric.text.strip().lstrip("-").isdigit():
            value = int(numeric.text.strip())
        members.append(
            EnumMember(member.text.strip().strip("`"), value, desc.text if desc is not None else "")
        )
    if _lists_allowed_values(members):
        return None
    qualified = index.qualify(name, page_namespace(page))
    flags = "flag" in table.title.lower() or any(
        "flag" in h.text.lower() for h in page.headings[:1]
    )
    return Enum(
        name=qualified,
        namespace=qualified.rsplit(".", 1)[0],
        short_name=qualified.rsplit(".", 1)[-1],
        members=tuple(members),
        flags=flags,
        description=page_description(page) if not table.subject else "",
        source=Source(page.path, table.line),
    )


def enum_tables(page: PageFacts) -> Iterable[Table]:
    return (t for t in page.tables if t.kind == ENUM_TABLE)


__all__ = [
    "ResourceBuilder",
    "build_enum",
    "derived_types",
    "enum_tables",
    "find_resource_drafts",
    "json_only_names",
    "names_defined_types",
    "table_names",
    "values_section_ref",
]
