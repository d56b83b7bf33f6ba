"""Example bodies against the resolved types (B001-B008).

A response's type comes from its annotation (`@odata.type`, `isCollection`,
`Collection(x)`); a request's from the request annotation or, for a method
that sends a resource, the type the "Request body" section links to. Error
examples (`expectError`, status 4xx/5xx) are not checked against the type.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from generator.check.context import CheckContext, ExampleView, annotation_of, flag
from generator.check.locate import locate
from generator.check.schema import BodyChecker, Expect
from generator.diagnostics import Diagnostic, make
from generator.model.typeref import parse_type_cell
from generator.model.types import PRIMITIVE, RESOURCE, UNRESOLVED, Endpoint, TypeRef
from generator.parse.facts import Annotation, Block, JsonBody

_REQUEST_BODY = re.compile(r"^request body", re.IGNORECASE)


def declared_type(ctx: CheckContext, written: str, collection: bool) -> TypeRef | None:
    """`Collection(microsoft.graph.x)`, `x`, `Edm.String`... -> a TypeRef (kind unresolved if unknown)."""
    parsed = parse_type_cell(written.strip().lstrip("#"))
    if parsed is None:
        return None
    many = collection or parsed.collection
    if parsed.primitive:
        return TypeRef(parsed.name, PRIMITIVE, many)
    return ctx.index.ref_for_name(parsed.name, many)


def _names(value: Any) -> frozenset[str]:
    return frozenset(str(v) for v in value) if isinstance(value, list) else frozenset()


def expect_of(data: dict[str, Any], complete: bool) -> Expect:
    return Expect(
        optional=_names(data.get("optionalProperties")),
        nullable=_names(data.get("nullableProperties")),
        complete=complete and not flag(data, "truncated"),
    )


def check_body(checker: BodyChecker, body: Any, ref: TypeRef) -> None:
    """A whole body: collections come as `{"value": [...]}`, single values as themselves."""
    wrapped = isinstance(body, dict) and isinstance(body.get("value"), list)
    if ref.collection:
        if wrapped:
            checker.value(body["value"], ref, ("value",))
        elif isinstance(body, list):
            checker.add(
                (),
                "B004",
                'a collection is declared; the body is a bare array, not {"value": [...]}',
            )
        else:
            checker.add(
                (),
                "B004",
                f"a collection of {ref.name} is declared; the body is a single {_kind(body)}",
            )
        return
    if ref.kind == RESOURCE:
        boxed = isinstance(body, dict) and _only_value(body) and "value" in body
        if boxed and "value" not in checker.ctx.property_names(ref.name):
            shape = 'a collection {"value": [...]}' if wrapped else 'wrapped in {"value": ...}'
            checker.add((), "B004", f"a single {ref.name} is declared; the body is {shape}")
            if isinstance(body["value"], dict):
                checker.object(body["value"], ref.name, ("value",), top=True)
        elif isinstance(body, dict):
            checker.object(body, ref.name, (), top=True)
        else:
            checker.single(body, ref, ())
        return
    if isinstance(body, dict) and "value" in body:
        checker.value(body["value"], ref, ("value",))


def _only_value(body: dict[str, Any]) -> bool:
    return all(k == "value" or "@" in k for k in body)


def _kind(value: Any) -> str:
    return "object" if isinstance(value, dict) else type(value).__name__


def _report(
    view: ExampleView, block: Block, body: JsonBody, checker: BodyChecker
) -> Iterator[Diagnostic]:
    for finding in checker.findings:
        line, col = locate(block, body, finding.path)
        yield make(
            finding.code, view.page.path, line, col, f"{_label(view, block)}: {finding.message}"
        )


def _label(view: ExampleView, block: Block) -> str:
    side = "response" if block is view.response else "request"
    return f'{side} of example "{view.example.id}"'


def _unknown_type(view: ExampleView, annotation: Annotation, written: str) -> Diagnostic:
    return make(
        "B007",
        view.page.path,
        annotation.line,
        1,
        f'{_label(view, view.response or view.request)}: @odata.type "{written}" is not defined in the doc set',
    )


def _response_type(ctx: CheckContext, view: ExampleView) -> TypeRef | Diagnostic | None:
    """The annotation's type, else the type the page's Response section links to."""
    block = view.response
    data = annotation_of(block)
    written = data.get("@odata.type") or data.get("@type")
    if block is None or not isinstance(written, str) or not written.strip():
        promised = view.endpoint.response.type if view.endpoint is not None else None
        linked = promised is not None and promised.kind == RESOURCE and ctx.own_endpoint(view)
        return promised if linked else None
    ref = declared_type(ctx, written, flag(data, "isCollection"))
    if ref is None or ref.kind == UNRESOLVED:
        assert block.annotation is not None
        return _unknown_type(view, block.annotation, written)
    return ref


def _error_example(view: ExampleView) -> bool:
    response = view.response.response if view.response is not None else None
    status = response.status if response is not None else None
    data = annotation_of(view.response)
    return flag(data, "expectError") or (status is not None and status >= 300)


def bodies(ctx: CheckContext) -> Iterator[Diagnostic]:
    """B001-B010 on every example body; one B005 per (declared, sent) pair whose sent
    type's page may only fail to state its base type (`BodyChecker.base_unstated`)."""
    unstated: set[tuple[str, str]] = set()
    yield from response_bodies(ctx, unstated)
    yield from request_bodies(ctx, unstated)


def response_bodies(ctx: CheckContext, unstated: set[tuple[str, str]]) -> Iterator[Diagnostic]:
    """B001-B008 on response bodies whose annotation declares a type."""
    for view in ctx.examples:
        if view.response is None or view.response.response is None or _error_example(view):
            continue
        ref = _response_type(ctx, view)
        if isinstance(ref, Diagnostic):
            yield ref
            continue
        body = view.response.response.body
        if ref is None or body is None or not body.is_json:
            continue
        annotated = view.response.annotation is not None  # only an annotation claims completeness
        expect = expect_of(annotation_of(view.response), complete=annotated)
        checker = BodyChecker(ctx, expect, unstated=unstated)
        check_body(checker, body.value, ref)
        yield from _report(view, view.response, body, checker)


def _parameters_checked(
    checker: BodyChecker, body: dict[str, Any], endpoint: Endpoint, types: list[str]
) -> None:
    """A body of parameters (an action's, or the properties a PATCH updates) against the
    Request body table; a key the table lacks may still be a property of a type the
    section links to or the response returns (tables often list only some properties)."""
    params = {p.name: p for p in endpoint.parameters if p.location == "body"}
    ctx = checker.ctx
    if any(r.name in ctx.open_types for t in types for r in ctx.chain(t)):
        return
    allowed = {name for t in types for name in ctx.property_names(t)}
    for key, value in body.items():
        param = params.get(key)
        if "@" in key or (param is None and key in allowed):
            continue
        if param is None:
            checker.unknown_parameter(key, endpoint.id, list(params), (key,))
        elif param.type is not None and value is not None:
            checker.value(value, param.type, (key,))


def _related_types(ctx: CheckContext, view: ExampleView, ref: TypeRef | None) -> list[str]:
    """Resources a request body may be made of: its declared type, the types the
    Request body section links to, the type the response declares."""
    found = [ref.name] if ref is not None and ref.kind == RESOURCE else []
    for link in view.page.links:
        if _REQUEST_BODY.match(link.section):
            target, _ = ctx.index.resolve_link(view.page.path, link.href)
            found += ctx.index.types_on_page(target) if target else []
    response = _response_type(ctx, view)
    if isinstance(response, TypeRef) and response.kind == RESOURCE:
        found.append(response.name)
    return [t for t in dict.fromkeys(found) if t in ctx.resources]


def _request_type(ctx: CheckContext, view: ExampleView, body: dict[str, Any]) -> TypeRef | None:
    """The annotation's type, else the body's own `@odata.type`, else the linked type."""
    data = annotation_of(view.request)
    written = data.get("@odata.type")
    if isinstance(written, str) and written.strip():
        return declared_type(ctx, written, flag(data, "isCollection"))
    own = body.get("@odata.type")
    found = ctx.lookup(own) if isinstance(own, str) else None
    if found is not None and found in ctx.resources:
        return TypeRef(found, RESOURCE)
    endpoint = view.endpoint
    return endpoint.request_body if endpoint is not None else None


def request_bodies(ctx: CheckContext, unstated: set[tuple[str, str]]) -> Iterator[Diagnostic]:
    """B001-B005 on request bodies: against the body parameter table, or the linked type."""
    for view in ctx.examples:
        request = view.request.request
        body = request.body if request is not None else None
        if body is None or not body.is_json or not isinstance(body.value, dict):
            continue
        if not ctx.own_endpoint(view):
            continue
        expect = expect_of(annotation_of(view.request), complete=False)
        checker = BodyChecker(ctx, expect, request=True, unstated=unstated)
        ref = _request_type(ctx, view, body.value)
        endpoint = view.endpoint
        if endpoint is not None and any(p.location == "body" for p in endpoint.parameters):
            _parameters_checked(checker, body.value, endpoint, _related_types(ctx, view, ref))
        elif ref is not None and ref.kind == RESOURCE and not ref.collection:
            checker.object(body.value, ref.name, ())
        yield from _report(view, view.request, body, checker)


CHECKS = (bodies,)
