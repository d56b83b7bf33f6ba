"""`/$ref` against containment, as the service's metadata declares it (M011, M012).

A navigation property either holds its targets (`ContainsTarget`: a user's events)
or refers to entities that live elsewhere (a group's members). The docs cannot say
which, so these rules run only with `--metadata`:

- M011: `/$ref` on a contained relationship whose targets live nowhere else: a
  contained entity is created with `POST .../events` and deleted with `DELETE
  .../events/{id}`; it has no reference of its own to add or remove. Where the target
  type is also held elsewhere (an entity set of it, of a base or derived type, or
  another containment), a reference to it means something, and the metadata's
  `ContainsTarget` is taken for the quirk it then is: no finding.
- M012: on a page about a relationship (one of its paths adds or removes the same
  navigation's references with `/$ref`), a path to it without `/$ref`: `DELETE
  .../members/{id}` would delete the directory object itself. A page whose paths all
  create or delete the entity (`Delete managedDevice`, reached through several
  navigations) means what it says: no finding.

A documented path is walked from its entity set or singleton through the metadata's
properties (keys, casts and `microsoft.graph.` prefixes understood); a path it cannot
follow (an alias, a function, a drive path) is not judged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from generator.check.metadata import ServiceMetadata, ServiceProperty
from generator.diagnostics import Diagnostic, make
from generator.model.types import ApiModel, Source


@dataclass(frozen=True)
class Step:
    """Where a documented path ends: the last navigation property it followed, whether
    a key followed it, and whether the path ends in `/$ref`."""

    navigation: ServiceProperty
    keyed: bool
    ref: bool


class _Walker:
    def __init__(self, service: ServiceMetadata) -> None:
        self.service = service
        self.roots = {
            n.name.casefold(): n for n in service.names if n.kind in ("entity set", "singleton")
        }
        self.types = {name.casefold(): t for name, t in service.types.items()}
        self.properties: dict[str, dict[str, ServiceProperty]] = {}

    def _props(self, type_name: str) -> dict[str, ServiceProperty]:
        if type_name not in self.properties:
            found: dict[str, ServiceProperty] = {}
            for p in self.service.inherited(type_name):  # (a type's own first, then its bases')
                found.setdefault(p.name.casefold(), p)
            self.properties[type_name] = found
        return self.properties[type_name]

    def walk(self, path: str) -> Step | None:
        """The path's last step, when every segment is one the metadata explains and the
        path ends at a navigation property, a key of one, or `/$ref` after either."""
        segments = [s for s in path.split("?", 1)[0].strip("/").split("/") if s]
        ref = bool(segments) and segments[-1] == "$ref"
        segments = segments[:-1] if ref else segments
        if not segments or "(" in segments[0] or segments[0].casefold() not in self.roots:
            return None
        root = self.roots[segments[0].casefold()]
        current, many = root.type, root.kind == "entity set"
        last: ServiceProperty | None = None
        keyed = False
        for segment in segments[1:]:
            if many and (segment.startswith("{") or not self._is_name(current, segment)):
                many, keyed = False, True  # a key: `{id}`, or a literal after a collection
                continue
            name = segment.casefold().removeprefix("microsoft.graph.")
            if "(" in name or name.startswith("$") or ":" in name:
                return None  # a function, an action's arguments, $count, a drive path
            cast = self.types.get(segment.casefold())
            if cast is not None:
                current = cast.name
                continue
            prop = self._props(current).get(name)
            if prop is None:
                return None
            current, many, keyed = prop.type, prop.collection, False
            last = prop if prop.navigation else None
        if last is None:
            return None
        return Step(last, keyed, ref)

    def _is_name(self, current: str, segment: str) -> bool:
        name = segment.casefold().removeprefix("microsoft.graph.")
        return name in self._props(current) or segment.casefold() in self.types


def containment_findings(model: ApiModel, service: ServiceMetadata) -> Iterator[Diagnostic]:
    """M011 and M012 for every documented path (syntax and examples) that adds to or
    removes from a relationship."""
    walker = _Walker(service)
    shown = [(e.method, e.path, e.source) for e in model.endpoints]
    shown += [(x.request.method, x.request.path, x.source) for x in model.examples]
    steps: list[tuple[str, str, Source, Step]] = []
    for method, path, source in dict.fromkeys(shown):
        step = walker.walk(path) if method in ("POST", "DELETE") else None
        if step is not None:
            steps.append((method, path, source, step))
    by_reference = {(source.file, step.navigation) for _, _, source, step in steps if step.ref}
    held = _held_elsewhere(service)
    for method, path, source, step in steps:
        about_references = (source.file, step.navigation) in by_reference
        found = _judge(method, path, step, about_references, held)
        if found is not None:
            yield make(found[0], source.file, source.line, 1, found[1])


def _held_elsewhere(service: ServiceMetadata) -> Callable[[ServiceProperty], bool]:
    """Whether a contained navigation's target type also lives somewhere a reference
    can point at: an entity set of it (or of a type it derives from, or one deriving
    from it), or another containment of it."""
    lineage: dict[str, set[str]] = {}
    for name in service.types:
        chain, current = set(), service.types.get(name)
        while current is not None and current.name not in chain:
            chain.add(current.name)
            current = service.types.get(current.base_type or "")
        lineage[name] = chain
    sets = {n.type for n in service.names if n.kind == "entity set"}
    containments = [p for t in service.types.values() for p in t.properties if p.contained]

    def held(nav: ServiceProperty) -> bool:
        related = {t for t, chain in lineage.items() if nav.type in chain}
        related |= lineage.get(nav.type, {nav.type})
        return bool(sets & related) or any(
            p.type == nav.type and p is not nav for p in containments
        )

    return held


def _judge(
    method: str,
    path: str,
    step: Step,
    about_references: bool,
    held_elsewhere: Callable[[ServiceProperty], bool],
) -> tuple[str, str] | None:
    nav = step.navigation
    adds = method == "POST" and not step.keyed and nav.collection
    removes = method == "DELETE" and (step.keyed or not nav.collection)
    if not (adds or removes):
        return None
    if nav.contained and step.ref and not held_elsewhere(nav):
        held = nav.type.rsplit(".", 1)[-1]
        how = "created with POST" if adds else "deleted with DELETE"
        return "M011", (
            f"{method} {path}: the service's metadata says {nav.name} holds its {held} "
            f"entities (ContainsTarget): they are {how} on the path without /$ref"
        )
    if not nav.contained and not step.ref and about_references and (adds or removes):
        what = f"{method} {path}: in the service's metadata {nav.name} refers to entities it does not hold"
        verb = "added" if adds else "removed"
        itself = "create" if adds else "delete"
        return "M012", (
            f"{what}: a reference is {verb} with /$ref (the path as written would {itself} "
            "the entity itself)"
        )
    return None
