"""The service's published metadata (OData CSDL XML): what it says the types are.

It is never input to the model: it is the yardstick the model is measured
against (and, for `docgen check`, what the docs are compared with). Aliases
(`graph.entity`) are expanded to namespaces (`microsoft.graph.entity`) and
`Collection(...)` is unwrapped, so names compare with the model's.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_EDM = "{http://docs.oasis-open.org/odata/ns/edm}"


class MetadataError(Exception):
    """The metadata file cannot be read as CSDL."""


@dataclass(frozen=True)
class ServiceProperty:
    name: str
    type: str  # qualified, e.g. Edm.String or microsoft.graph.identitySet
    collection: bool
    navigation: bool
    nullable: bool = True  # CSDL's default
    contained: bool = False  # a navigation property whose targets it holds (ContainsTarget)


@dataclass(frozen=True)
class ServiceName:
    """An entity set, singleton, action or function, and the line of the file naming it."""

    kind: str  # "entity set", "singleton", "action", "function"
    name: str
    line: int
    type: str = ""  # an entity set's or singleton's entity type, qualified


@dataclass(frozen=True)
class ServiceType:
    name: str  # qualified
    kind: str  # "entity" | "complex"
    base_type: str | None  # qualified
    properties: tuple[ServiceProperty, ...]  # its own, not inherited


@dataclass(frozen=True)
class ServiceMetadata:
    types: dict[str, ServiceType]
    enums: dict[str, tuple[str, ...]]  # qualified name -> member names
    names: tuple[ServiceName, ...] = ()  # what paths address (see `ServiceName`)
    source: str = ""  # the file, as given

    def inherited(self, name: str) -> tuple[ServiceProperty, ...]:
        """A type's properties with those of its base types (nearest first)."""
        seen: set[str] = set()
        found: list[ServiceProperty] = []
        current = self.types.get(name)
        while current is not None and current.name not in seen:
            seen.add(current.name)
            found += current.properties
            current = self.types.get(current.base_type or "")
        return tuple(found)


def read_metadata(path: Path) -> ServiceMetadata:
    """The types and enums of a CSDL document (raises `MetadataError` naming the file)."""
    try:
        text = path.read_text(encoding="utf-8")
        root = ET.fromstring(text)
    except (OSError, UnicodeDecodeError, ET.ParseError) as error:
        raise MetadataError(f"{path}: not readable as CSDL XML ({error})") from None
    schemas = list(root.iter(f"{_EDM}Schema"))
    if not schemas:
        raise MetadataError(f"{path}: no CSDL Schema element")
    aliases = {s.get("Alias", ""): s.get("Namespace", "") for s in schemas if s.get("Alias")}

    def qualified(name: str | None) -> str | None:
        if not name:
            return None
        head, dot, tail = name.rpartition(".")
        return f"{aliases.get(head, head)}.{tail}" if dot else name

    types: dict[str, ServiceType] = {}
    enums: dict[str, tuple[str, ...]] = {}
    for schema in schemas:
        namespace = schema.get("Namespace", "")
        for element in schema:
            tag = element.tag.removeprefix(_EDM)
            name = f"{namespace}.{element.get('Name', '')}"
            if tag == "EnumType":
                members = element.iter(f"{_EDM}Member")
                enums[name] = tuple(m.get("Name", "") for m in members)
            elif tag in ("EntityType", "ComplexType"):
                props = []
                for child in element:
                    kind = child.tag.removeprefix(_EDM)
                    if kind not in ("Property", "NavigationProperty"):
                        continue
                    raw = child.get("Type", "")
                    collection = raw.startswith("Collection(") and raw.endswith(")")
                    inner = raw[len("Collection(") : -1] if collection else raw
                    props.append(
                        ServiceProperty(
                            child.get("Name", ""),
                            qualified(inner) or "",
                            collection,
                            kind == "NavigationProperty",
                            child.get("Nullable", "true").lower() != "false",
                            child.get("ContainsTarget", "false").lower() == "true",
                        )
                    )
                types[name] = ServiceType(
                    name,
                    "entity" if tag == "EntityType" else "complex",
                    qualified(element.get("BaseType")),
                    tuple(props),
                )
    return ServiceMetadata(types, enums, _names(root, text, qualified), str(path))


_KINDS = {
    "EntitySet": "entity set",
    "Singleton": "singleton",
    "Action": "action",
    "Function": "function",
}


def _names(
    root: ET.Element, text: str, qualified: Callable[[str | None], str | None]
) -> tuple[ServiceName, ...]:
    """Each entity set, singleton, action and function once (an action bound to several
    types is one name), at the first line of the file that declares it."""
    lines = text.split("\n")
    found: dict[tuple[str, str], ServiceName] = {}
    for element in root.iter():
        kind = _KINDS.get(element.tag.removeprefix(_EDM))
        name = element.get("Name", "")
        if kind is not None and name and (kind, name) not in found:
            typed = qualified(element.get("EntityType") or element.get("Type")) or ""
            line = _line_of(lines, element.tag, name)
            found[kind, name] = ServiceName(kind, name, line, typed if kind != "action" else "")
    return tuple(found.values())


def _line_of(lines: list[str], tag: str, name: str) -> int:
    """The first line declaring `<Tag Name="name"` (1 when none does, as in a file
    written on one line)."""
    opening = f"<{tag.removeprefix(_EDM)} "
    wanted = f'Name="{name}"'
    return next((i for i, line in enumerate(lines, 1) if opening in line and wanted in line), 1)
