"""Examples: a page's request blocks paired with their responses, tied to endpoints.

Pairing: by `name` where both sides give one (a response may name a list of
requests it answers alike), else by position (a request takes the first
unpaired response after it and before the next request).
Matching: the example URL against the page's own syntax paths first, then
against every endpoint of the doc set; what matches nothing is kept and
reported. A request to another host (a bot's callback) is kept as an example
but matched to nothing and needs no response (`other_host`).
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from generator.diagnostics import Diagnostic, make
from generator.model.aliases import Alias
from generator.model.paths import PathIndex, split_path_query
from generator.model.types import Endpoint, Example, ExampleRequest, ExampleResponse, Source
from generator.model.urlforms import forms
from generator.parse.facts import Block, JsonBody, PageFacts
from generator.parse.http import load_body, strip_base_url


@dataclass(frozen=True)
class Pair:
    request: Block
    response: Block | None


def _name(block: Block) -> str | None:
    if block.annotation is None:
        return None
    name = block.annotation.data.get("name")
    return name.strip() if isinstance(name, str) and name.strip() else None


def _names(block: Block) -> tuple[str, ...]:
    """The request names a response annotation gives: one, or a list of the requests
    it answers alike (`"name": ["get-drive-by-user", "get-drive-by-group"]`)."""
    name = block.annotation.data.get("name") if block.annotation is not None else None
    listed = name if isinstance(name, list) else [name]
    return tuple(n.strip() for n in listed if isinstance(n, str) and n.strip())


def pair_blocks(page: PageFacts) -> tuple[list[Pair], list[Block]]:
    """Pair request and response blocks; returns (pairs, unpaired responses).

    A response whose annotation names several requests answers each of them; one
    with no body takes the JSON block right after it as its body (`with_adjacent_body`)."""
    requests = [b for b in page.blocks if b.role == "request" and b.request is not None]
    responses = [
        with_adjacent_body(page, b)
        for b in page.blocks
        if b.role == "response" and b.response is not None
    ]
    partner = _pair_by_name(requests, responses)
    taken = {r.line for r in partner.values()}
    named = {n for r in requests if (n := _name(r)) is not None}
    for i, req in enumerate(requests):
        if req.line in partner:
            continue
        limit = requests[i + 1].line if i + 1 < len(requests) else 1 << 30
        for resp in responses:
            if (
                req.line < resp.line < limit
                and resp.line not in taken
                and not named & set(_names(resp))
            ):
                partner[req.line] = resp
                taken.add(resp.line)
                break
    pairs = [Pair(req, partner.get(req.line)) for req in requests]
    leftovers = [r for r in responses if r.line not in taken]
    return pairs, leftovers


def _pair_by_name(requests: list[Block], responses: list[Block]) -> dict[int, Block]:
    """Request line -> the response that names it; a response that names one request
    answers the first request of that name, one that names several answers each."""
    by_name: dict[str, Block] = {}
    for resp in responses:
        for name in _names(resp):
            by_name[name] = resp  # the last of a name, as written
    partner: dict[int, Block] = {}
    taken: set[int] = set()
    for req in requests:
        answer = by_name.get(_name(req) or "")
        if answer is None or (answer.line in taken and len(_names(answer)) < 2):
            continue
        partner[req.line] = answer
        taken.add(answer.line)
    return partner


_JSON_INFOS = frozenset({"", "json", "javascript"})


def with_adjacent_body(page: PageFacts, block: Block) -> Block:
    """A JSON response with no body, followed right away (no heading or text between)
    by an un-annotated JSON block: that block is its body, written apart from the
    status line and headers. Joined only when it loads as JSON."""
    response = block.response
    if response is None or response.body is not None or not _says_json(response.headers):
        return block
    after = [b for b in page.blocks if b.line > block.line]
    following = after[0] if after else None
    if following is None or following.role is not None or following.annotation is not None:
        return block
    if _language(following) not in _JSON_INFOS:
        return block
    if _text_between(page, block.line, following.line):
        return block
    ctype = next(v for k, v in response.headers if k.lower() == "content-type")
    body, problems = load_body(
        following.content, ctype, file=page.path, first_line=following.line + 1
    )
    if problems or not body.is_json:
        return block
    return replace(block, response=replace(response, body=body))


def _language(block: Block) -> str:
    words = block.info.split()
    return words[0].lower() if words else ""


def _says_json(headers: tuple[tuple[str, str], ...]) -> bool:
    return any(k.lower() == "content-type" and "json" in v.lower() for k, v in headers)


def _text_between(page: PageFacts, start: int, end: int) -> bool:
    """A heading or a paragraph between two lines of the page."""
    return any(start < h.line < end for h in page.headings) or any(
        start < line < end for _, _, line in page.prose
    )


def _body(body: JsonBody | None) -> tuple[Any, bool, str | None]:
    if body is None:
        return None, False, None
    return (body.value if body.is_json else body.text), body.is_json, body.content_type


def other_host(url: str, base_urls: Sequence[str]) -> str | None:
    """The host of an absolute URL that none of the base URLs names (a bot's callback,
    an upload URL): a call to another service, not to this API. Such a request stays
    an example (it documents what is sent) but is tied to no endpoint and needs no
    response. None for a URL of this API: written as a path, on a base URL's host,
    or on another host under a base URL's path (`https://test.host/v1.0/...`)."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower()
    hosts = {urlsplit(b.strip()).netloc.lower() for b in base_urls} - {""}
    if not host or not hosts or host in hosts:
        return None
    ours = strip_base_url(parts.path, base_urls) != _slashed(parts.path)
    return None if ours else host


def _slashed(path: str) -> str:
    return path if path.startswith("/") else "/" + path


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
        host = other_host(req.url, self.base_urls)
        endpoint, values, read_as = (
            (None, (), "") if host else self._match(page, req.method, path, req.line, own)
        )
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
        response = None if pair.response is None else _response(page, pair.response)
        if response is None and not host:  # a call to another host needs none
            self.diagnostics.append(
                make(
                    "X002",
                    page.path,
                    pair.request.line,
                    1,
                    f'request example "{example_id}" has no response',
                )
            )
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
        relative to an entity (`match_within`), through two aliases (`/drives/{id}/root`
        is `/me/drive/root` is `/me/drive/items/{id}`), or calling a function without
        the arguments the page marks optional."""
        found = index.match(method, path)
        if found:
            return found, ""
        candidates = [path, *forms(path)]
        for candidate in candidates:
            readings = (candidate, *self._aliased(candidate))
            for reading in readings[1:] if candidate == path else readings:
                found = index.match(method, reading)
                if found:
                    return found, reading
        for candidate in candidates:
            found = index.match_within(method, candidate)
            if found:
                return found, candidate
        for candidate in candidates:
            for reading in (r for once in self._aliased(candidate) for r in self._aliased(once)):
                found = index.match(method, reading)
                if found and reading != path:
                    return found, reading
        return self._without_optional_arguments(index, method, candidates)

    def _aliased(self, path: str) -> list[str]:
        return [r for a in self.aliases for r in a.rewrites(path)]

    def _without_optional_arguments(
        self, index: PathIndex[Endpoint], method: str, candidates: list[str]
    ) -> tuple[list[tuple[Endpoint, dict[str, str]]], str]:
        """`.../rowsBelow` for a syntax path `.../rowsBelow(count={count})` whose page
        marks `count` optional; read as `.../rowsBelow()`."""
        for candidate in candidates:
            for reading in (candidate, *self._aliased(candidate)):
                found = [
                    (endpoint, values, omitted)
                    for endpoint, values, omitted in index.match_bare_calls(method, reading)
                    if all(_optional(endpoint, name) for name in omitted)
                ]
                if found:
                    called = _called(reading, found[0][0])
                    return [(e, v) for e, v, _ in found], called
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


def _optional(endpoint: Endpoint, name: str) -> bool:
    """A parameter the page marks optional: not required, or described "Optional." (a
    function argument is a path parameter, required as such, but may be left out)."""
    param = next((p for p in endpoint.parameters if p.name == name), None)
    if param is None:
        return False
    return not param.required or param.description.lstrip().lower().startswith("optional")


def _called(path: str, endpoint: Endpoint) -> str:
    """`path` with `()` after each function it names by the bare name (the call with
    its optional arguments left out), as the endpoint's template calls it."""
    calls = {
        seg.split("(", 1)[0].casefold() for seg in endpoint.path.split("/") if seg.endswith(")")
    }
    return "/".join(f"{s}()" if s.casefold() in calls else s for s in path.split("/"))


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
