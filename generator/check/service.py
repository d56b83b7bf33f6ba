"""The docs against the service's published metadata (`docgen check --metadata FILE`).

The metadata is a yardstick here as everywhere: it never changes the model. Each
finding stands at the line of what the docs say (a property's table row, else the
type's page) and names what the service says. Names compare ignoring case, as the
docs' own links do.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.containment import containment_findings
from generator.check.metadata import ServiceMetadata, ServiceProperty, ServiceType
from generator.diagnostics import Diagnostic, make
from generator.model.types import (
    ENUM,
    PRIMITIVE,
    RESOURCE,
    ApiModel,
    Enum,
    Property,
    Resource,
    Source,
)

LISTED = 12  # names a finding lists before "and N more"


def service_findings(
    model: ApiModel, service: ServiceMetadata, metadata_file: str = ""
) -> list[Diagnostic]:
    """Every disagreement between the documented types and enums and the metadata's; and
    (given where the metadata file is, relative to the doc set) what the service
    addresses that no documented path does."""
    types = {name.casefold(): t for name, t in service.types.items()}
    enums = {name.casefold(): members for name, members in service.enums.items()}
    resources = {r.name.casefold(): r for r in model.resources}
    found: list[Diagnostic] = []
    for r in model.resources:
        theirs = types.get(r.name.casefold())
        if theirs is not None:
            found += _resource_findings(r, theirs, service, resources, enums)
        elif r.name.casefold() not in enums:
            found.append(_at(r.source, "M007", f"type {r.name} is not in the service's metadata"))
    for e in model.enums:
        members = enums.get(e.name.casefold())
        if members is not None:
            found += _enum_findings(e, members)
        elif e.name.casefold() not in types:
            found.append(_at(e.source, "M007", f"enum {e.name} is not in the service's metadata"))
    if service.names:  # (a schema with no entity container addresses no path)
        found += _unknown_segments(model, service)
        found += containment_findings(model, service)
    if metadata_file:
        found += _undocumented_names(model, service, metadata_file)
    return found


def _unknown_segments(model: ApiModel, service: ServiceMetadata) -> Iterator[Diagnostic]:
    """Documented paths with a segment that names nothing the service has: no entity set,
    singleton, action, function, property or type. A literal right after a collection
    (`mailFolders/inbox`) is a key, not a name; `$value`, `$ref`... are OData's own."""
    known = {n.name.casefold() for n in service.names}
    collections = {n.name.casefold() for n in service.names if n.kind == "entity set"}
    for t in service.types.values():
        known.add(t.name.rsplit(".", 1)[-1].casefold())
        for p in t.properties:
            known.add(p.name.casefold())
            if p.collection:
                collections.add(p.name.casefold())
    for e in model.endpoints:
        previous = ""
        for raw in e.path.strip("/").split("/"):
            name = _segment_name(raw)
            literal = raw[:1] not in ("{", "$") and "{" not in name and name
            if literal and name not in known and previous not in collections:
                yield _at(
                    e.source,
                    "M010",
                    f"{e.method} {e.path}: {raw} names nothing in the service's metadata",
                )
                break
            previous = name


def _undocumented_names(
    model: ApiModel, service: ServiceMetadata, metadata_file: str
) -> Iterator[Diagnostic]:
    """Entity sets and singletons no documented path starts with; actions and functions
    no documented path names (`.../microsoft.graph.delta()` names `delta`)."""
    first: set[str] = set()
    segments: set[str] = set()
    for path in [e.path for e in model.endpoints] + [a.prefix for a in model.aliases]:
        parts = [_segment_name(s) for s in path.strip("/").split("/") if s]
        first |= set(parts[:1])
        segments |= set(parts)
    for named in service.names:
        at_all = first if named.kind in ("entity set", "singleton") else segments
        if named.name.casefold() not in at_all:
            yield make(
                "M009",
                metadata_file,
                named.line,
                1,
                f"{named.kind} {named.name} of the service's metadata: no documented path "
                + ("starts with it" if at_all is first else "names it"),
            )


def _segment_name(segment: str) -> str:
    """A path segment's name: `getByIds(ids='{x}')` and `microsoft.graph.delta()` name
    `getbyids` and `delta`; `root:` names `root` (casefolded)."""
    name = segment.split("(", 1)[0].split(":", 1)[0]
    return name.rsplit(".", 1)[-1].casefold()


def _at(source: Source, code: str, message: str) -> Diagnostic:
    return make(code, source.file, source.line, 1, message)


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:LISTED])
    return shown + (f" and {len(names) - LISTED} more" if len(names) > LISTED else "")


def _resource_findings(
    r: Resource,
    theirs: ServiceType,
    service: ServiceMetadata,
    resources: dict[str, Resource],
    enums: dict[str, tuple[str, ...]],
) -> Iterator[Diagnostic]:
    ours_base, their_base = r.base_type or "", theirs.base_type or ""
    if ours_base.casefold() != their_base.casefold():
        stated = f"states base type {ours_base}" if ours_base else "states no base type"
        has = f"has {their_base}" if their_base else "has none"
        yield _at(r.source, "M005", f"{r.name} {stated}; the service's metadata {has}")
    known: dict[str, ServiceProperty] = {}
    for inherited in service.inherited(theirs.name):  # (nearest first: it wins)
        known.setdefault(inherited.name.casefold(), inherited)
    for p in r.properties:
        where = p.source or r.source
        sp = known.get(p.name.casefold())
        if sp is None:
            if not _dynamic(r, p):
                message = f"{r.name} has no property {p.name} in the service's metadata"
                yield _at(where, "M003", message)
            continue
        if (
            p.type.kind in (PRIMITIVE, RESOURCE, ENUM)
            and p.type.name.casefold() != sp.type.casefold()
        ):
            hint = ""
            if p.type.name == "Edm.String" and sp.type.casefold() in enums:
                hint = " (an enum: its values are the enum's members)"
            yield _at(
                where,
                "M001",
                f"{r.name}.{p.name} is documented as {p.type.name}; "
                f"the service's metadata has {sp.type}{hint}",
            )
        if p.nullable is not None and p.nullable != sp.nullable:
            ours = "nullable" if p.nullable else "not nullable"
            has = "nullable" if sp.nullable else "not nullable"
            yield _at(
                where,
                "M008",
                f"{r.name}.{p.name} is documented as {ours}; the service's metadata has it {has}",
            )
        if p.type.collection != sp.collection:
            ours = "a collection" if p.type.collection else "one value"
            has = "a collection" if sp.collection else "one value"
            yield _at(
                where,
                "M002",
                f"{r.name}.{p.name} is documented as {ours}; the service's metadata has {has}",
            )
    documented = _documented(r, resources)
    missing = [sp.name for sp in theirs.properties if sp.name.casefold() not in documented]
    if missing:
        yield _at(
            r.source,
            "M004",
            f"{r.name} does not document {len(missing)} "
            f"propert{'y' if len(missing) == 1 else 'ies'} the service's metadata gives it: "
            f"{_listed(sorted(missing))}",
        )


def _dynamic(r: Resource, p: Property) -> bool:
    """A name no schema declares by design: an instance annotation (`@odata.etag`), or
    on an open type a name only its JSON representation shows (no table row describes
    it): an example of what an instance may carry."""
    return p.name.startswith("@") or (r.open_type and not p.description)


def _documented(r: Resource, resources: dict[str, Resource]) -> set[str]:
    """The property names (casefolded) `r` and its documented bases document."""
    names: set[str] = set()
    seen: set[str] = set()
    current: Resource | None = r
    while current is not None and current.name not in seen:
        seen.add(current.name)
        names |= {p.name.casefold() for p in current.properties}
        current = resources.get((current.base_type or "").casefold())
    return names


def _enum_findings(e: Enum, theirs: tuple[str, ...]) -> Iterator[Diagnostic]:
    ours = [m.name for m in e.members if m.name]
    folded = {m.casefold() for m in ours}
    their_folded = {m.casefold() for m in theirs}
    missing = [m for m in theirs if m.casefold() not in folded]
    extra = [m for m in ours if m.casefold() not in their_folded]
    parts = []
    if missing:
        parts.append(f"lacks {_listed(missing)}, which the service's metadata has")
    if extra:
        parts.append(f"lists {_listed(extra)}, which the service's metadata does not have")
    if parts:
        yield _at(e.source, "M006", f"enum {e.name} " + "; it ".join(parts))
