"""Routes: every endpoint as the stub routes it, and the route each example reaches.

Shared by the server and tests targets. Pure functions of the model: what
costs (ordering every template, matching every example's URL) is made as
pieces (`generator.emit.content`), so a build whose templates and requests did
not change takes them from the last one. `value` gives a piece's value (a
target's `context.value`; `made_now` outside a build). This module imports no
template machinery.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
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
    ops = operation_names(model, value)
    handlers = handler_names(ops)
    order, args = value(Piece(route_order, tuple(e.path for e in model.endpoints)))
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


def routed(
    routes: tuple[tuple[str, str, str], ...], requests: tuple[tuple[str, str], ...]
) -> tuple[str | None, ...]:
    """The endpoint whose route answers each request (None: no route does), in order:
    every endpoint's (method, template, id), every example's (method, path)."""
    index = PathIndex((m, PathTemplate(p, p, (), ""), eid) for m, p, eid in routes)
    found = []
    for method, path in requests:
        hits = index.match(method, path)
        found.append(hits[0][0] if hits else None)
    return tuple(found)


def example_routes(model: ApiModel, value: Value = made_now) -> dict[str, str | None]:
    """The endpoint whose route answers each example's request (None: no route does).

    Usually the example's own endpoint; where a more specific template of the
    doc set matches its URL too, that one (the stub routes by URL, not by page).
    """
    routes = tuple((e.method, e.path, e.id) for e in model.endpoints)
    requests = tuple((x.request.method, x.request.path or "/") for x in model.examples)
    found = value(Piece(routed, routes, requests))
    return {
        example.id: route if example.endpoint is not None else None
        for example, route in zip(model.examples, found, strict=True)
    }
