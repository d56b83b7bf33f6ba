"""Examples: a page's request blocks paired with their responses, tied to endpoints.

Pairing: by `name` where both sides give one, else by position (a request
takes the first unpaired response after it and before the next request).
Matching: the example URL against the page's own syntax paths first, then
against every endpoint of the doc set; what matches nothing is kept and
reported.
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from generator.diagnostics import Diagnostic, make
from generator.model.aliases import Alias
from generator.model.paths import PathIndex, split_path_query
from generator.model.types import Endpoint, Example, ExampleRequest, ExampleResponse, Source
from generator.model.urlforms import forms
from generator.parse.facts import Block, JsonBody, PageFacts
from generator.parse.http import strip_base_url


@dataclass(frozen=True)
class Pair:
    request: Block
    response: Block | None


def _name(block: Block) -> str | None:
    if block.annotation is None:
        return None
    name = block.annotation.data.get("name")
    return name.strip() if isinstance(name, str) and name.strip() else None


def pair_blocks(page: PageFacts) -> tuple[list[Pair], list[Block]]:
    """Pair request and response blocks; returns (pairs, unpaired responses)."""
    requests = [b for b in page.blocks if b.role == "request" and b.request is not None]
    responses = [b for b in page.blocks if b.role == "response" and b.response is not None]
    taken: set[int] = set()
    partner: dict[int, Block] = {}
    by_name = {_name(r): r for r in responses if _name(r) is not None}
    for req in requests:
        resp = by_name.get(_name(req))
        if resp is not None and resp.line not in taken:
            partner[req.line] = resp
            taken.add(resp.line)
    for i, req in enumerate(requests):
        if req.line in partner:
            continue
        limit = requests[i + 1].line if i + 1 < len(requests) else 1 << 30
        for resp in responses:
            if (
                req.line < resp.line < limit
                and resp.line not in taken
                and (_name(resp) is None or _name(resp) not in {_name(r) for r in requests})
            ):
                partner[req.line] = resp
                taken.add(resp.line)
                break
    pairs = [Pair(req, partner.get(req.line)) for req in requests]
    leftovers = [r for r in responses if r.line not in taken]
    return pairs, leftovers


def _body(body: JsonBody | None) -> tuple[Any, bool, str | None]:
    if body is None:
        return None, False, None
    return (body.value if body.is_json else body.text), body.is_json, body.content_type


class RecordingNames(set[str]):
    """The example ids taken so far, logging what a page asks and adds: a page's
    ids depend on the others' only through these answers (see `replay`)."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[str, bool | None]] = []  # (asked, answer) or (added, None)

    def __contains__(self, name: object) -> bool:
        found = super().__contains__(name)
        self.log.append((str(name), found))
        return found

    def add(self, name: str) -> None:
        super().add(name)
        self.log.append((name, None))

    def replay(self, log: Iterable[tuple[str, bool | None]]) -> bool:
        """Take a page's ids from its log if every answer it got is still the answer
        (its own earlier ids count); False, taking nothing, otherwise."""
        added: list[str] = []
        for name, answer in log:
            if answer is None:
                added.append(name)
            elif (set.__contains__(self, name) or name in added) != answer:
                return False
        self.update(added)
        return True


class ExampleBuilder:
    def __init__(
        self,
        base_urls: tuple[str, ...],
        everything: Callable[[], PathIndex[Endpoint]],
        names: RecordingNames | None = None,
        aliases: Iterable[Alias] = (),
    ) -> None:
        """`everything`: the index of every endpoint, asked for only when an example
        matches none of its page's (building it analyses every path template);
        `aliases`: what an example path may stand for when it matches nothing as
        written (see `generator.model.aliases`)."""
        self.base_urls = base_urls
        self.aliases = sorted(aliases, key=lambda a: (-len(a.prefix), a))  # longest first
        self._everything = everything
        self.diagnostics: list[Diagnostic] = []
        self.names = RecordingNames() if names is None else names

    @functools.cached_property
    def everything(self) -> PathIndex[Endpoint]:
        return self._everything()

    def build(self, page: PageFacts, own: PathIndex[Endpoint]) -> list[Example]:
        pairs, leftovers = pair_blocks(page)
        for block in leftovers:
            self.diagnostics.append(
                make("X003", page.path, block.line, 1, "response example has no request before it")
            )
        examples = []
        stem = posixpath.splitext(posixpath.basename(page.path))[0]
        for n, pair in enumerate(pairs, start=1):
            examples.append(self._example(page, pair, f"{stem}-{n}", own))
        return examples

    def _unique_id(self, page: PageFacts, pair: Pair, fallback: str) -> tuple[str, str | None]:
        name = _name(pair.request)
        candidate = name or fallback
        if candidate in self.names:
            if name is not None:
                self.diagnostics.append(
                    make(
                        "A006",
                        page.path,
                        pair.request.line,
                        1,
                        f'example name "{name}" is used before',
                    )
                )
            i = 2
            while f"{candidate}-{i}" in self.names:
                i += 1
            candidate = f"{candidate}-{i}"
        self.names.add(candidate)
        return candidate, name

    def _example(
        self, page: PageFacts, pair: Pair, fallback: str, own: PathIndex[Endpoint]
    ) -> Example:
        req = pair.request.request
        assert req is not None
        example_id, name = self._unique_id(page, pair, fallback)
        path, query = split_path_query(strip_base_url(req.url, self.base_urls))
        if path.startswith(("~/", "/~/")):
            self.diagnostics.append(
                make(
                    "X014",
                    page.path,
                    req.line,
                    1,
                    f"example path {path} is written from the service root (~/); "
                    "read without the ~",
                )
            )
        endpoint, values, read_as = self._match(page, req.method, path, req.line, own)
        body, is_json, ctype = _body(req.body)
        request = ExampleRequest(
            method=req.method,
            url=req.url,
            path=path,
            query=query,
            headers=req.headers,
            body=body,
            body_is_json=is_json,
            content_type=ctype,
            source=Source(page.path, req.line),
        )
        response = None
        if pair.response is None:
            self.diagnostics.append(
                make(
                    "X002",
                    page.path,
                    pair.request.line,
                    1,
                    f'request example "{example_id}" has no response',
                )
            )
        else:
            response = _response(page, pair.response)
        return Example(
            id=example_id,
            name=name,
            endpoint=endpoint,
            path_values=values,
            request=request,
            response=response,
            inferred=pair.request.inferred,
            source=Source(page.path, pair.request.line),
            read_as=read_as,
        )

    def _found(
        self, index: PathIndex[Endpoint], method: str, path: str
    ) -> tuple[list[tuple[Endpoint, dict[str, str]]], str]:
        """The endpoints of `index` the example path fits, and the path as read to fit
        them ("" when as written): else in another form the URL conventions allow
        (`generator.model.urlforms`), through an alias (`generator.model.aliases`),
        or relative to an entity (`match_within`)."""
        found = index.match(method, path)
        if found:
            return found, ""
        candidates = [path, *forms(path)]
        for candidate in candidates:
            readings = (candidate, *(r for a in self.aliases for r in a.rewrites(candidate)))
            for reading in readings[1:] if candidate == path else readings:
                found = index.match(method, reading)
                if found:
                    return found, reading
        for candidate in candidates:
            found = index.match_within(method, candidate)
            if found:
                return found, candidate
        return [], ""

    def _match(
        self, page: PageFacts, method: str, path: str, line: int, own: PathIndex[Endpoint]
    ) -> tuple[str | None, tuple[tuple[str, str], ...], str]:
        """(endpoint id, path values, the path as read to tie it when not as written)."""
        found, read_as = self._found(own, method, path)
        if found:
            endpoint, values = found[0]
            return endpoint.id, tuple(sorted(values.items())), read_as
        other_method = own.match_any_method(path)
        if other_method:
            m, endpoint, values = other_method[0]
            self.diagnostics.append(
                make(
                    "X005",
                    page.path,
                    line,
                    1,
                    f"example uses {method} but the syntax block documents {m} {endpoint.path}",
                )
            )
            return endpoint.id, tuple(sorted(values.items())), ""
        anywhere, read_as = self._found(self.everything, method, path)
        if own.size:
            self.diagnostics.append(
                make(
                    "X004",
                    page.path,
                    line,
                    1,
                    f"example path {method} {path} matches none of the page's syntax paths",
                )
            )
        if anywhere:
            endpoint, values = anywhere[0]
            return endpoint.id, tuple(sorted(values.items())), read_as
        self.diagnostics.append(
            make(
                "X006",
                page.path,
                line,
                1,
                f"example {method} {path} matches no documented endpoint",
            )
        )
        return None, (), ""


def _response(page: PageFacts, block: Block) -> ExampleResponse:
    resp = block.response
    assert resp is not None
    data = block.annotation.data if block.annotation is not None else {}
    body, is_json, ctype = _body(resp.body)
    odata = data.get("@odata.type")
    return ExampleResponse(
        status=resp.status,
        headers=resp.headers,
        body=body,
        body_is_json=is_json,
        content_type=ctype,
        odata_type=odata.lstrip("#") if isinstance(odata, str) and odata.strip() else None,
        is_collection=bool(data.get("isCollection", False)),
        truncated=bool(data.get("truncated", False)),
        source=Source(page.path, resp.line),
    )
