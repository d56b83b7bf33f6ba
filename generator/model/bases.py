"""Base types the docs imply where no page states one.

A page states a base type in its resource annotation (`baseType`) or its prose
("Inherits from [x](x.md)"); `generator.model.resources` reads both. Many pages
state none, yet say it another way:

- The doc set's root type: the one abstract type with a key and no property but
  that key (OData's `entity`). An entity type derives from it when its own
  annotation names the same key, or when it has that key property and a path
  addresses it by key (`GET /alerts/{alert-id}` returns an alert).
- Examples: a response that answers a documented type X with an
  `@odata.type` of Y says Y is an X (unless Y is already an ancestor of X).

Each implied base is an info finding (R012) at the type's definition, so the
page can state it. A base stated on the page is never replaced.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from generator.diagnostics import Diagnostic, make
from generator.model.types import Endpoint, Example, Resource

_BY_KEY = re.compile(r"/\{[^}/]+\}$")


def implied_bases(
    resources: Sequence[Resource],
    endpoints: Iterable[Endpoint],
    examples: Iterable[Example],
    namespace: str,
) -> tuple[list[Resource], list[Diagnostic]]:
    """`resources` with the base types their docs imply (see the module), and a
    finding for each."""
    by_name = {r.name: r for r in resources}
    implied: dict[str, tuple[str, str]] = {}  # type -> (base, why)
    root = root_type(resources)
    endpoints = list(endpoints)
    if root is not None:
        keyed = {
            e.response.type.name
            for e in endpoints
            if e.response.type is not None
            and not e.response.type.collection
            and _BY_KEY.search(e.path)
        }
        for r in resources:
            if r.base_type is not None or r is root:
                continue
            if r.key_property == root.key_property:
                implied[r.name] = (root.name, f"its key is {root.name}'s, {root.key_property}")
            elif r.name in keyed and any(p.name == root.key_property for p in r.properties):
                why = f"a path addresses it by its {root.key_property}, {root.name}'s key"
                implied[r.name] = (root.name, why)
    by_short = {r.short_name.casefold(): r.name for r in resources}
    for r in resources:
        ancestors = _said_ancestors(r, by_short)
        if r.base_type is None and r.name not in implied and len(ancestors) == 1:
            (base,) = ancestors
            implied[r.name] = (base, f"its properties say they are inherited from {base}")
    stated = {r.name for r in resources if r.base_type is not None}
    for name, base in _answered_as(endpoints, examples, namespace).items():
        if name in stated or name not in by_name or base not in by_name:
            continue
        if name in _ancestors(base, by_name, implied):
            continue  # (a base type's example under a derived type's endpoint)
        implied[name] = (base, f"an example answers a {base} with one")
    diagnostics = _conflicts(resources, by_name, by_short)
    if not implied:
        return list(resources), diagnostics
    out = []
    for r in resources:
        found = implied.get(r.name)
        if found is None:
            out.append(r)
            continue
        base, why = found
        out.append(replace(r, base_type=base))
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


_INHERITED = re.compile(r"\binherited from \[?([A-Za-z_][\w.]*)", re.IGNORECASE)


def _said_ancestors(resource: Resource, by_short: dict[str, str]) -> set[str]:
    """The types a resource's property descriptions say a property is inherited from
    ("Inherited from [deviceConfiguration](...)")."""
    found = set()
    for prop in resource.properties:
        if "nherited" not in prop.description:
            continue  # (most descriptions: no need for the pattern)
        for name in _INHERITED.findall(prop.description):
            qualified = by_short.get(name.rstrip(".").rsplit(".", 1)[-1].casefold())
            if qualified is not None and qualified != resource.name:
                found.add(qualified)
    return found


def _conflicts(
    resources: Sequence[Resource], by_name: dict[str, Resource], by_short: dict[str, str]
) -> list[Diagnostic]:
    """A stated base type that the properties contradict: one is inherited from a type
    that is not the base or one of its bases (R013)."""
    found = []
    for r in resources:
        if r.base_type is None:
            continue
        chain = {r.base_type} | _ancestors(r.base_type, by_name, {})
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
