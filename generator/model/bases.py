"""Base types the docs imply where no page states one.

A page states a base type in its resource annotation (`baseType`) or its prose
("Inherits from [x](x.md)"); `generator.model.resources` reads both. A base
type's page may list the types derived from it ("Derived types", a table of
links): that states the base of each, on another page. Many pages state none,
yet say it another way:

- The doc set's root type: the one abstract type with a key and no property but
  that key (OData's `entity`). An entity type derives from it when its own
  annotation names the same key, or when it has that key property and a path
  addresses it by key (`GET /alerts/{alert-id}` returns an alert), or when a
  relationship leads to it, or when a POST creates it in a collection that a
  GET of the same path lists: OData says only entity types can be any of those.
  Not a type that only ever types a property of another (not a relationship) and
  that no method returns: that is a complex type, whatever its annotation says.
- Examples: a response that answers a documented type X with an
  `@odata.type` of Y says Y is an X (unless Y is already an ancestor of X).

Each base not stated on the type's own page is an info finding (R012) at its
definition, so the page can state it. A base stated on the page is never
replaced; one the base's page contradicts is a warning (R013).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from generator.diagnostics import Diagnostic, make
from generator.digest import replaced
from generator.model.types import Endpoint, Example, Property, Resource

_BY_KEY = re.compile(r"/\{[^}/]+\}$")


def implied_bases(
    resources: Sequence[Resource],
    endpoints: Iterable[Endpoint],
    examples: Iterable[Example],
    namespace: str,
    derived: Iterable[tuple[str, str]] = (),
) -> tuple[list[Resource], list[Diagnostic]]:
    """`resources` with the base types their docs imply (see the module), and a
    finding for each; `derived`: (type, base) for each type a base's page lists."""
    by_name = {r.name: r for r in resources}
    implied: dict[str, tuple[str, str]] = {}  # type -> (base, why)
    listed = _listed_bases(derived, by_name)
    root = root_type(resources)
    endpoints = list(endpoints)
    if root is not None:
        implied.update(_entities(resources, endpoints, root))
    for name, base in listed.items():
        if by_name[name].base_type is None:
            implied[name] = (base, f"{base}'s page lists it among the types derived from it")
    by_short = {r.short_name.casefold(): r.name for r in resources}
    for r in resources:
        if r.name in listed:
            continue
        ancestors = _said_ancestors(r, by_short)
        if r.base_type is None and r.name not in implied and len(ancestors) == 1:
            (base,) = ancestors
            implied[r.name] = (base, f"its properties say they are inherited from {base}")
    stated = {r.name for r in resources if r.base_type is not None} | set(listed)
    for name, base in _answered_as(endpoints, examples, namespace).items():
        if name in stated or name not in by_name or base not in by_name:
            continue
        if name in _ancestors(base, by_name, implied):
            continue  # (a base type's example under a derived type's endpoint)
        implied[name] = (base, f"an example answers a {base} with one")
    diagnostics = _conflicts(resources, by_name, by_short, listed)
    if not implied:
        return list(resources), diagnostics
    out = []
    for r in resources:
        found = implied.get(r.name)
        if found is None:
            out.append(r)
            continue
        base, why = found
        out.append(replaced(r, base_type=base))
        diagnostics.append(
            make(
                "R012",
                r.source.file,
                r.source.line,
                1,
                f'{r.name}: no base type stated; {base} implied ({why}): state it with "baseType"',
            )
        )
    return out, diagnostics


def _entities(
    resources: Sequence[Resource], endpoints: Sequence[Endpoint], root: Resource
) -> dict[str, tuple[str, str]]:
    """Types with no stated base that the docs show are entity types, each with the
    root as its base and why (see the module)."""
    key = root.key_property
    keyed, created, listed = set(), set(), set()  # type; (path, type); (path, type)
    for e in endpoints:
        ref = e.response.type
        if ref is None:
            continue
        if ref.collection and e.method == "GET":
            listed.add((e.path, ref.name))
        elif not ref.collection and _BY_KEY.search(e.path):
            keyed.add(ref.name)
        elif not ref.collection and e.method == "POST":
            created.add((e.path, ref.name))
    in_collections = {name for _, name in created & listed}
    returned = {e.response.type.name for e in endpoints if e.response.type is not None}
    structural, navigation = _property_types(resources)
    structural -= navigation | returned  # (types only of properties: complex types)
    found = {}
    for r in resources:
        if r.base_type is not None or r is root:
            continue
        has_key = any(p.name == key for p in r.properties)
        if r.key_property == key and r.name not in structural:
            found[r.name] = (root.name, f"its key is {root.name}'s, {key}")
        elif r.name in keyed and has_key:
            found[r.name] = (root.name, f"a path addresses it by its {key}, {root.name}'s key")
        elif r.name in navigation:
            found[r.name] = (root.name, "a relationship of another type leads to it")
        elif r.name in in_collections:
            found[r.name] = (root.name, "a POST creates it in a collection that GET lists")
    return found


def _property_types(resources: Sequence[Resource]) -> tuple[set[str], set[str]]:
    """The types of properties, and of relationships (navigation properties)."""
    structural: set[str] = set()
    navigation: set[str] = set()
    for r in resources:
        for prop in r.properties:
            (navigation if prop.navigation else structural).add(prop.type.name)
    return structural, navigation


_INHERITED = re.compile(r"\binherited from \[?([A-Za-z_][\w.]*)", re.IGNORECASE)


def names_an_ancestor(description: str) -> bool:
    """Whether a property's description says what it is inherited from: what
    `implied_bases` reads of descriptions, across pages."""
    # (most descriptions: no need for the pattern)
    return "nherited" in description and _INHERITED.search(description) is not None


def _said_ancestors(resource: Resource, by_short: dict[str, str]) -> set[str]:
    """The types a resource's property descriptions say a property is inherited from
    ("Inherited from [deviceConfiguration](...)")."""
    found = set()
    for prop in resource.properties:
        if not names_an_ancestor(prop.description):
            continue
        for name in _INHERITED.findall(prop.description):
            qualified = by_short.get(name.rstrip(".").rsplit(".", 1)[-1].casefold())
            if qualified is not None and qualified != resource.name:
                found.add(qualified)
    return found


def _listed_bases(
    derived: Iterable[tuple[str, str]], by_name: dict[str, Resource]
) -> dict[str, str]:
    """Type -> the one base whose page lists it as derived (types that two bases'
    pages list are left out)."""
    bases: dict[str, set[str]] = defaultdict(set)
    for name, base in derived:
        if name in by_name and base in by_name:
            bases[name].add(base)
    return {name: next(iter(found)) for name, found in bases.items() if len(found) == 1}


def _conflicts(
    resources: Sequence[Resource],
    by_name: dict[str, Resource],
    by_short: dict[str, str],
    listed: dict[str, str],
) -> list[Diagnostic]:
    """A stated base type that the properties contradict (one is inherited from a type
    that is not the base or one of its bases), or that the page of a type listing it
    as derived does (R013)."""
    found = []
    for r in resources:
        if r.base_type is None:
            continue
        chain = {r.base_type} | _ancestors(r.base_type, by_name, {})
        base = listed.get(r.name)
        if base is not None and base not in chain:
            found.append(
                make(
                    "R013",
                    r.source.file,
                    r.source.line,
                    1,
                    f"{r.name}: base type {r.base_type} stated, but {base}'s page lists it "
                    f"among the types derived from {base}",
                )
            )
        for other in sorted(_said_ancestors(r, by_short) - chain):
            found.append(
                make(
                    "R013",
                    r.source.file,
                    r.source.line,
                    1,
                    f"{r.name}: base type {r.base_type} stated, but a property is inherited "
                    f"from {other}, which is not among its bases",
                )
            )
    return found


def root_type(resources: Iterable[Resource]) -> Resource | None:
    """The doc set's root type (see the module), when it has exactly one."""
    roots = [
        r
        for r in resources
        if r.abstract
        and r.key_property
        and r.base_type is None
        and [p.name for p in r.properties] == [r.key_property]
    ]
    return roots[0] if len(roots) == 1 else None


def _ancestors(
    name: str, by_name: dict[str, Resource], implied: dict[str, tuple[str, str]]
) -> set[str]:
    found: set[str] = set()
    current: str | None = name
    while current is not None and current not in found:
        found.add(current)
        resource = by_name.get(current)
        stated = resource.base_type if resource is not None else None
        current = stated or implied.get(current, (None, ""))[0]
    return found - {name}


def _answered_as(
    endpoints: Iterable[Endpoint], examples: Iterable[Example], namespace: str
) -> dict[str, str]:
    """Type -> the one other type examples answer with it (types answered as several
    are left out)."""
    response_of = {e.id: e.response.type.name for e in endpoints if e.response.type is not None}
    seen: dict[str, set[str]] = defaultdict(set)
    for example in examples:
        documented = response_of.get(example.endpoint or "")
        if documented is None or example.response is None:
            continue
        for odata_type in _odata_types(example.response.body):
            name = odata_type.lstrip("#")
            name = name if "." in name else f"{namespace}.{name}"
            if name != documented:
                seen[name].add(documented)
    return {name: next(iter(bases)) for name, bases in seen.items() if len(bases) == 1}


def _odata_types(body: Any) -> Iterable[str]:
    """The `@odata.type` of the response's entity, or of each item of its `value`."""
    if not isinstance(body, dict):
        return ()
    value = body.get("value")
    items = value if isinstance(value, list) else [body]
    return [
        item["@odata.type"]
        for item in items
        if isinstance(item, dict) and isinstance(item.get("@odata.type"), str)
    ]


def inherited_declarations(resources: Sequence[Resource]) -> list[Resource]:
    """`resources` without the properties a type's page shows only in its JSON
    representation (typed from a sample value: `10` reads as Int32) that one of its
    base types has: the property is inherited, and its base declares its type."""
    by_name = {r.name.casefold(): r for r in resources}
    out = []
    for r in resources:
        inherited = _inherited_names(r, by_name)
        kept = tuple(p for p in r.properties if not (_sampled(r, p) and p.name in inherited))
        out.append(r if len(kept) == len(r.properties) else replace(r, properties=kept))
    return out


def _sampled(resource: Resource, prop: Property) -> bool:
    """A property no table declares: resources.py gives such a one the source of the
    JSON representation itself, which is the resource's own."""
    return prop.source == resource.source


def _inherited_names(resource: Resource, by_name: dict[str, Resource]) -> set[str]:
    """The property names of `resource`'s base types (`by_name`: by casefolded name;
    cycles cut)."""
    names: set[str] = set()
    seen = {resource.name}
    current = by_name.get((resource.base_type or "").casefold())
    while current is not None and current.name not in seen:
        seen.add(current.name)
        names.update(p.name for p in current.properties)
        current = by_name.get((current.base_type or "").casefold())
    return names
