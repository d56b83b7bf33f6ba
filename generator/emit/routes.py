"""Routes: every endpoint as the stub routes it, and the route each example reaches.

Shared by the server and tests targets. Pure functions of the model: what
costs (ordering every template, matching every example's URL) is made as
pieces (`generator.emit.content`), so a build whose templates and requests did
not change takes them from the last one. `value` gives a piece's value (a
target's `context.value`; `made_now` outside a build). This module imports no
template machinery.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from generator.emit.content import Piece, made_now
from generator.emit.naming import NameAllocator, OperationName, attribute_name, operation_names
from generator.model.paths import PathIndex, PathTemplate, _compile
from generator.model.types import ApiModel, Endpoint

# Members of the generated handlers' base class: no handler method may take these names.
HANDLER_MEMBERS = frozenset({"documented"})
ARG_RESERVED = frozenset({"self", "call"})

Value = Callable[[Piece], Any]


@dataclass(frozen=True)
class RouteSpec:
    endpoint: Endpoint
    handler: str  # the `Handlers` method
    operation: str  # `area.name`, as the client names it
    args: tuple[str, ...]  # the handler's argument names, one per path parameter
    order: int  # position in the model: breaks ties between equally specific templates


def handler_names(ops: Mapping[str, OperationName]) -> dict[str, str]:
    """A unique `Handlers` method name per endpoint id: `<area>_<operation name>`."""
    allocator = NameAllocator(HANDLER_MEMBERS)
    return {
        eid: allocator.allocate(f"{ops[eid].area.rstrip('_')}_{ops[eid].name}")
        for eid in sorted(ops, key=lambda e: (ops[e].operation_id, e))
    }


def route_specs(model: ApiModel, value: Value = made_now) -> list[RouteSpec]:
    """Every endpoint as a route, most specific template first (ties: model order)."""
    ops = operation_names(model)
    handlers = handler_names(ops)
    paths = tuple(e.path for e in model.endpoints)
    order, args = value(Piece(route_order, paths))
    return [
        RouteSpec(
            endpoint=model.endpoints[i],
            handler=handlers[model.endpoints[i].id],
            operation=ops[model.endpoints[i].id].operation_id,
            args=args[i],
            order=i,
        )
        for i in order
    ]


def route_order(paths: tuple[str, ...]) -> tuple[tuple[int, ...], tuple[tuple[str, ...], ...]]:
    """(the routes' order, most specific template first; each route's argument names):
    a function of the path templates alone, so a piece kept while they hold."""
    args = []
    for path in paths:
        allocator = NameAllocator(ARG_RESERVED)
        names = _compile(path).names
        args.append(tuple(allocator.allocate(attribute_name(n, ARG_RESERVED)) for n in names))
    order = sorted(range(len(paths)), key=lambda i: (_compile(paths[i]).rank, i))
    return tuple(order), tuple(args)


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode("utf-8", "surrogatepass")).hexdigest()[:32]


class Routing:
    """What routing the examples reads: every endpoint's (method, template, id) and
    every example's (method, path). One argument of one piece, keyed by the digest
    of both (one `repr`, not a key part per example); the index that matches URLs is
    built only when the piece must be made (it analyses every template)."""

    def __init__(self, model: ApiModel) -> None:
        self.routes = tuple((e.method, e.path, e.id) for e in model.endpoints)
        self.requests = tuple(
            (example.request.method, example.request.path or "/") for example in model.examples
        )

    @cached_property
    def digest(self) -> str:
        return _digest((self.routes, self.requests))


def routed(routing: Routing) -> tuple[str | None, ...]:
    """The endpoint whose route answers each request (None: no route does), in order."""
    index = PathIndex((m, PathTemplate(p, p, (), ""), eid) for m, p, eid in routing.routes)
    found = []
    for method, path in routing.requests:
        hits = index.match(method, path)
        found.append(hits[0][0] if hits else None)
    return tuple(found)


def example_routes(model: ApiModel, value: Value = made_now) -> dict[str, str | None]:
    """The endpoint whose route answers each example's request (None: no route does).

    Usually the example's own endpoint; where a more specific template of the
    doc set matches its URL too, that one (the stub routes by URL, not by page).
    """
    found = value(Piece(routed, Routing(model)))
    return {
        example.id: route if example.endpoint is not None else None
        for example, route in zip(model.examples, found, strict=True)
    }
