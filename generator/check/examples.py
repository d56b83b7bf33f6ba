"""Example rules: status codes against the Response section, bodies that should or
should not be there, Content-Type, a second response, and the syntax path an
unmatched example URL resembles (X004, X008-X012).

Request/response pairing (X002, X003), path and method matching (X004-X006)
and inferred examples (X001) are reported by the earlier stages; X004 is
restated here with the nearest syntax path.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from generator.check.context import CheckContext, ExampleView, annotation_of, flag
from generator.diagnostics import Diagnostic, make
from generator.model.examples import (
    Pair,
    is_ignored,
    is_mislabelled_request,
    pair_blocks,
    request_between,
)
from generator.parse.facts import Block, PageFacts

_STATUS = re.compile(r"\b([1-5]\d\d)\b")
_JSON_START = ("{", "[")


def promised_statuses(page: PageFacts) -> tuple[set[int], int]:
    """Status codes the page's own Response section names (before the first example)."""
    first_example = min((b.line for b in page.blocks if b.role == "request"), default=1 << 30)
    codes: set[int] = set()
    line = 0
    for section, text, at in page.prose:
        if section.strip().casefold() == "response" and at < first_example:
            found = {int(m.group(1)) for m in _STATUS.finditer(text)}
            codes |= found
            line = line or (at if found else 0)
    return codes, line


def _first_answers(ctx: CheckContext) -> Iterator[ExampleView]:
    """The examples, each response block once: one whose annotation names several
    requests answers them all, and is checked with the first."""
    seen: set[tuple[str, int]] = set()
    for view in ctx.examples:
        key = (
            view.page.path,
            view.response.line if view.response is not None else -view.request.line,
        )
        if key not in seen:
            seen.add(key)
            yield view


def status_promise(ctx: CheckContext) -> Iterator[Diagnostic]:
    """X008: a 2xx example status the Response section does not name."""
    promises: dict[str, tuple[set[int], int]] = {}
    for view in _first_answers(ctx):
        response = view.response.response if view.response is not None else None
        if response is None or response.status is None or not 200 <= response.status < 300:
            continue
        if view.page.path not in promises:
            promises[view.page.path] = promised_statuses(view.page)
        codes, line = promises[view.page.path]
        success = sorted(c for c in codes if 200 <= c < 300)
        if not success or response.status in codes or not ctx.own_endpoint(view):
            continue
        said = " or ".join(map(str, success))
        yield make(
            "X008",
            view.page.path,
            response.line,
            1,
            f'example "{view.example.id}" responds {response.status}, but the Response section (line {line}) says {said}',
        )


def _body_text(block: Block) -> str:
    body = block.response.body if block.response is not None else None
    return body.text.strip() if body is not None else ""


def empty_response_body(ctx: CheckContext) -> Iterator[Diagnostic]:
    """X009: a 204 or `isEmpty` response shows a body; X010: a 200 JSON response shows none
    (a body in the JSON block right after the headers counts: see `with_adjacent_body`)."""
    for view in _first_answers(ctx):
        block = view.response
        response = block.response if block is not None else None
        if block is None or response is None:
            continue
        data = annotation_of(block)
        text = _body_text(block)
        empty = response.status == 204 or flag(data, "isEmpty")
        why = "204 No Content" if response.status == 204 else "isEmpty"
        if empty and text:
            at = response.body.line if response.body is not None else response.line
            yield make(
                "X009",
                view.page.path,
                at,
                1,
                f'response of example "{view.example.id}" is {why} but has a body',
            )
        elif response.status == 200 and not text and not flag(data, "isEmpty"):
            declared = data.get("@odata.type")
            ctype = next((v for k, v in response.headers if k.lower() == "content-type"), "")
            if declared or "json" in ctype.lower():
                what = f"declares {declared}" if declared else f"is {ctype}"
                yield make(
                    "X010",
                    view.page.path,
                    response.line,
                    1,
                    f'200 response of example "{view.example.id}" {what} but has no body',
                )


def _json_without_type(headers: tuple[tuple[str, str], ...], text: str) -> bool:
    has_type = any(k.lower() == "content-type" for k, _ in headers)
    return not has_type and text.lstrip().startswith(_JSON_START)


def content_type(ctx: CheckContext) -> Iterator[Diagnostic]:
    """X011: a JSON body with no Content-Type header (not on a 204, whose body is the
    finding: X009)."""
    first = {id(v) for v in _first_answers(ctx)}
    for view in ctx.examples:
        answers = view.response is not None and id(view) in first
        response = view.response.response if view.response is not None and answers else None
        if response is not None and response.status == 204:
            response = None
        for side, http in (("request", view.request.request), ("response", response)):
            body = http.body if http is not None else None
            if http is None or body is None or not _json_without_type(http.headers, body.text):
                continue
            yield make(
                "X011",
                view.page.path,
                http.line,
                1,
                f'{side} of example "{view.example.id}" has a JSON body but no Content-Type header',
            )


def second_response(ctx: CheckContext) -> Iterator[Diagnostic]:
    """X012: a response left over after pairing, standing after a request that has one
    (restates the earlier stage's X003 for it). Not a response the page presents as
    another outcome (see `generator.model.examples.pair_blocks`)."""
    for page in ctx.pages:
        pairs, leftovers = pair_blocks(page)
        for block in leftovers:
            if is_ignored(block):
                continue
            before = [p for p in pairs if p.request.line < block.line]
            pair = before[-1] if before else None
            if pair is None or pair.response is None or pair.response.line > block.line:
                continue
            yield make("X012", page.path, block.line, 1, _second_response(page, pair, block))


def _second_response(page: PageFacts, pair: Pair, block: Block) -> str:
    """What the second response is: a request under the wrong blockType, a response to
    a request block that is not annotated as one, or a copy."""
    assert pair.response is not None
    after = f"after the request at line {pair.request.line} (its response is at line {pair.response.line})"
    if is_mislabelled_request(block):
        return f'a request annotated "blockType": "response" {after}; annotate it as a request'
    unannotated = request_between(page, pair.response.line, block.line)
    if unannotated is not None:
        return (
            f"a second response {after}; it answers the request at line {unannotated.line}, "
            "which is not annotated as a request"
        )
    return (
        f"a second response for the request at line {pair.request.line} "
        f"(its response is at line {pair.response.line})"
    )


def _nearest(page: PageFacts, method: str, path: str) -> tuple[str, str, int] | None:
    lines = [entry for block in page.blocks for entry in block.syntax]
    scored = [
        (difflib.SequenceMatcher(None, path.casefold(), raw.casefold()).ratio(), m == method, i)
        for i, (m, raw, _) in enumerate(lines)
    ]
    if not scored:
        return None
    best = max(scored)
    return lines[best[2]]


def _unmatched(ctx: CheckContext) -> dict[tuple[str, int], ExampleView]:
    return {(v.page.path, v.request.request.line): v for v in ctx.examples if v.request.request}


def nearest_syntax_path(ctx: CheckContext) -> Iterator[Diagnostic]:
    """X004 restated with the syntax path the example URL resembles most."""
    views = _unmatched(ctx)
    for diag in ctx.model.diagnostics:
        view = views.get((diag.file, diag.line)) if diag.code == "X004" else None
        request = view.request.request if view is not None else None
        if view is None or request is None:
            continue
        nearest = _nearest(view.page, request.method, view.example.request.path)
        if nearest is None:
            continue
        method, raw, line = nearest
        yield make(
            "X004",
            diag.file,
            diag.line,
            diag.col,
            f"{diag.message}; nearest: {method} {raw} (line {line})",
        )


def ignored_examples(ctx: CheckContext) -> Iterator[tuple[str, str, int]]:
    """Earlier findings on blocks annotated `ignored`: the page asked for them not to be
    checked, so a lone request or response there is no pairing problem."""
    for page in ctx.pages:
        pairs, leftovers = pair_blocks(page)
        for block in leftovers:
            if is_ignored(block):
                yield "X003", page.path, block.line
        for pair in pairs:
            if pair.response is None and is_ignored(pair.request):
                yield "X002", page.path, pair.request.line


_ODATA_SUFFIX = re.compile(r"/(?:\$count|\$value|\$ref|microsoft\.graph\.\w+)$", re.IGNORECASE)


def _odata_base(path: str) -> str | None:
    """`/users/$count`, `/groups/{id}/members/microsoft.graph.user/$count` -> the collection path."""
    stripped = path
    while _ODATA_SUFFIX.search(stripped):
        stripped = _ODATA_SUFFIX.sub("", stripped)
    return stripped if stripped != path and stripped else None


def odata_variants(ctx: CheckContext) -> Iterator[tuple[str, str, int]]:
    """X004/X006 on examples of a documented path plus an OData segment every
    collection has (`$count`, `$value`, `$ref`, a type cast): not an undocumented
    call. (A call to another host is tied to nothing and reported by neither: see
    `generator.model.examples.other_host`.)"""
    flagged = {
        (d.code, d.file, d.line) for d in ctx.model.diagnostics if d.code in ("X004", "X006")
    }
    for view in ctx.examples:
        request = view.request.request
        if request is None:
            continue
        keys = [(code, view.page.path, request.line) for code in ("X004", "X006")]
        base = _odata_base(view.example.request.path) if any(k in flagged for k in keys) else None
        if base is None:
            continue
        if ctx.own_paths(view.page.path).match(request.method, base):
            yield keys[0]
        if ctx.all_paths.match(request.method, base):
            yield keys[1]


RETRACTS = (ignored_examples, odata_variants)

CHECKS = (status_promise, empty_response_body, content_type, second_response, nearest_syntax_path)

# Findings of the earlier stages that a check restates with more to say, by its code.
SUPERSEDES = {"X012": "X003", "X004": "X004"}
