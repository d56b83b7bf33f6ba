"""Routes: every endpoint as the stub routes it, and the route each example reaches.

Shared by the server, OpenAPI and tests targets, and computed once per build
before they render (see `targets.prepare`). This module imports no template
machinery, so preparing the routes costs only the routes.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from generator.emit import fragments
from generator.emit.memo import per_model
from generator.emit.naming import NameAllocator, OperationName, attribute_name, operation_names
from generator.model.paths import PathIndex, PathTemplate, _compile
from generator.model.types import ApiModel, Endpoint

# Members of the generated handlers' base class: no handler method may take these names.
HANDLER_MEMBERS = frozenset({"documented"})
ARG_RESERVED = frozenset({"self", "call"})


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


@per_model
def route_specs(model: ApiModel) -> list[RouteSpec]:
    """Every endpoint as a route, most specific template first (ties: model order)."""
    ops = operation_names(model)
    handlers = handler_names(ops)
    paths = [e.path for e in model.endpoints]
    key = ("route order", fragments.digest(paths))
    order, args = fragments.reuse(key, functools.partial(_route_order, paths))
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


def _route_order(paths: list[str]) -> tuple[tuple[int, ...], tuple[tuple[str, ...], ...]]:
    """(the routes' order, most specific template first; each route's argument names):
    a function of the path templates alone, kept between builds."""
    args = []
    for path in paths:
        allocator = NameAllocator(ARG_RESERVED)
        names = _compile(path).names
        args.append(tuple(allocator.allocate(attribute_name(n, ARG_RESERVED)) for n in names))
    order = sorted(range(len(paths)), key=lambda i: (_compile(paths[i]).rank, i))
    return tuple(order), tuple(args)


@per_model
def example_routes(model: ApiModel) -> dict[str, str | None]:
    """The endpoint whose route answers each example's request (None: no route does).

    Usually the example's own endpoint; where a more specific template of the
    doc set matches its URL too, that one (the stub routes by URL, not by page).
    """
    routes = fragments.digest(*((e.method, e.path, e.id) for e in model.endpoints))

    @functools.cache
    def index() -> PathIndex[str]:  # analyses every template: only if a route is not kept
        return PathIndex(
            (e.method, PathTemplate(e.path, e.path, (), ""), e.id) for e in model.endpoints
        )

    def route(method: str, path: str) -> str | None:
        hits = index().match(method, path)
        return hits[0][0] if hits else None

    routed: dict[str, str | None] = {}
    for example in model.examples:
        method, path = example.request.method, example.request.path or "/"
        found = fragments.reuse(
            ("route", routes, method, path), functools.partial(route, method, path)
        )
        routed[example.id] = found if example.endpoint is not None else None
    return routed
