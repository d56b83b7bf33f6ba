"""Examples: a page's request blocks paired with their responses, tied to endpoints.

Pairing: by `name` where both sides give one (a response may name a list of
requests it answers alike), else by position (a request takes the first
unpaired response after it and before the next request). A response the page
introduces as another outcome of the same call is one of its alternatives, not
unpaired; a request annotated `response` takes the response after it. A block
annotated `ignored` is no example: a request looks past an ignored request for its
response, and one answered by an ignored block has a response (not replayed).
Matching: the example URL against the page's own syntax paths first, then
against every endpoint of the doc set; what matches nothing is kept and
reported. A request to another host (a bot's callback) is kept as an example
but matched to nothing and needs no response (`other_host`).
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from generator.diagnostics import Diagnostic, make
from generator.model.aliases import Alias
from generator.model.paths import PathIndex, split_path_query
from generator.model.types import (
    Endpoint,
    Example,
    ExampleRequest,
    ExampleResponse,
    Parameter,
    Source,
)
from generator.model.urlforms import forms
from generator.parse.facts import Block, JsonBody, PageFacts
from generator.parse.http import load_body, looks_like_request, strip_base_url


@dataclass(frozen=True)
class Pair:
    """A request and its response; `alternatives`: further responses the page presents
    as other outcomes of the same call (an error, another status), each in words of
    its own; `ignored_response`: for a request with no response, a block right after
    it that the page annotates `ignored` and writes as a response (`answered_aside`):
    it has one, deliberately not replayed."""

    request: Block
    response: Block | None
    alternatives: tuple[Block, ...] = ()
    ignored_response: Block | None = None


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


def is_ignored(block: Block | None) -> bool:
    """A block annotated `ignored`: the page asks for it not to be tested or checked."""
    data = block.annotation.data if block is not None and block.annotation is not None else {}
    return data.get("blockType") == "ignored"


def holds_request(block: Block) -> bool:
    """A block whose first line is a request line (`POST https://...`), whatever its
    annotation says."""
    first = next((line for line in block.content.splitlines() if line.strip()), "")
    return looks_like_request(first.strip())


def is_mislabelled_request(block: Block) -> bool:
    """A block annotated `response` that holds a request and no status line: a request
    example written with the wrong blockType. It answers nothing; the response after
    it is its own, not another for the request before."""
    response = block.response
    if block.role != "response" or response is None or response.status is not None:
        return False
    return holds_request(block)


def pair_blocks(page: PageFacts) -> tuple[list[Pair], list[Block]]:
    """Pair request and response blocks; returns (pairs, unpaired responses).

    A response whose annotation names several requests answers each of them; one
    with no body takes the JSON block right after it as its body (`with_adjacent_body`).
    A mislabelled request (`is_mislabelled_request`) is unpaired but takes the response
    after it; a response presented as another outcome of a paired request is one of
    its `alternatives`."""
    requests = [b for b in page.blocks if b.role == "request" and b.request is not None]
    responses = [
        with_adjacent_body(page, b)
        for b in page.blocks
        if b.role == "response" and b.response is not None
    ]
    mislabelled = [b for b in responses if is_mislabelled_request(b)]
    answers = [b for b in responses if not is_mislabelled_request(b)]
    anchors = sorted([*requests, *mislabelled], key=lambda b: b.line)
    partner = _pair_by_name(requests, answers)
    partner.update(_pair_by_position(anchors, answers, partner, _request_names(requests)))
    alternatives = _alternatives(page, anchors, answers, partner)
    pairs = [
        Pair(
            req,
            partner.get(req.line),
            tuple(alternatives.get(req.line, ())),
            None if req.line in partner else answered_aside(page, req, anchors),
        )
        for req in requests
    ]
    taken = {r.line for r in partner.values()}
    taken |= {alt.line for alts in alternatives.values() for alt in alts}
    return pairs, [r for r in responses if r.line not in taken]


def _request_names(requests: list[Block]) -> set[str]:
    return {n for r in requests if (n := _name(r)) is not None}


def _pair_by_position(
    anchors: list[Block], answers: list[Block], paired: dict[int, Block], named: set[str]
) -> dict[int, Block]:
    """Anchor line -> the first free response after it and before the next anchor, for
    anchors `paired` leaves without one; a response naming a request goes by name.

    An `ignored` request (not an example: a second way to make the same call, with an
    app token...) does not end the window of the example before it: that one looks
    past it for a response not annotated `ignored` (an ignored response after an
    ignored request is its own). Ignored anchors take what is left, after."""
    taken = {r.line for r in paired.values()}
    partner: dict[int, Block] = {}
    kept = [a for a in anchors if not is_ignored(a)]
    for group, ends in ((kept, kept), ([a for a in anchors if is_ignored(a)], anchors)):
        for anchor in group:
            if anchor.line in paired:
                continue
            limit = min((a.line for a in ends if a.line > anchor.line), default=1 << 30)
            skipped = [a.line for a in anchors if anchor.line < a.line < limit]
            for resp in answers:
                if (
                    anchor.line < resp.line < limit
                    and resp.line not in taken
                    and not named & set(_names(resp))
                    and not (is_ignored(resp) and any(line < resp.line for line in skipped))
                ):
                    partner[anchor.line] = resp
                    taken.add(resp.line)
                    break
    return partner


def answered_aside(page: PageFacts, request: Block, anchors: list[Block]) -> Block | None:
    """The block right after a request, before the next one, that the page annotates
    `ignored` and writes as a response though not one docgen reads (`HTTP code: 204
    No Content`): the request has a response, one the page asks not to be replayed."""
    limit = min((a.line for a in anchors if a.line > request.line), default=1 << 30)
    after = [b for b in page.blocks if request.line < b.line < limit]
    first = after[0] if after else None
    if first is None or not is_ignored(first) or holds_request(first):
        return None
    head = next((line.strip() for line in first.content.splitlines() if line.strip()), "")
    return first if _LOOSE_STATUS.match(head) else None


_LOOSE_STATUS = re.compile(r"HTTP\S*\b.*?\b[1-5]\d\d\b", re.IGNORECASE)


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


def _alternatives(
    page: PageFacts, anchors: list[Block], answers: list[Block], partner: dict[int, Block]
) -> dict[int, list[Block]]:
    """Anchor line -> the free responses after its response that the page presents as
    other outcomes (`_presented_apart`); a free response that is not stays unpaired."""
    taken = {r.line for r in partner.values()}
    found: dict[int, list[Block]] = {}
    for resp in (r for r in answers if r.line not in taken):
        anchor = next((a for a in reversed(anchors) if a.line < resp.line), None)
        first = partner.get(anchor.line) if anchor is not None else None
        if anchor is None or first is None or first.line > resp.line:
            continue
        given = [first, *found.get(anchor.line, [])]
        if _presented_apart(page, given, resp):
            found.setdefault(anchor.line, []).append(resp)
    return found


def _presented_apart(page: PageFacts, given: list[Block], block: Block) -> bool:
    """A further response the page introduces in words of its own ("If an error
    occurred...", "#### Error response"): a heading or paragraph right before it that
    introduces none of the responses already given, and no request between them. A copy
    under the same words, or under none, is a duplicate."""
    intro = _introduction(page, block)
    if not intro or intro in {_introduction(page, g) for g in given}:
        return False
    return request_between(page, given[-1].line, block.line) is None


def _introduction(page: PageFacts, block: Block) -> tuple[str, ...]:
    """The headings and paragraphs between the code block before `block` and it."""
    start = max((b.line for b in page.blocks if b.line < block.line), default=0)
    texts = [(h.line, h.text) for h in page.headings if start < h.line < block.line]
    texts += [(line, text) for _, text, line in page.prose if start < line < block.line]
    return tuple(" ".join(text.split()).casefold() for _, text in sorted(texts))


def request_between(page: PageFacts, start: int, end: int) -> Block | None:
    """The last block between two lines that holds a request (annotated as one or not)."""
    found = [b for b in page.blocks if start < b.line < end and holds_request(b)]
    return found[-1] if found else None


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


_CLAIM = "\0"  # begins a claim entry (no example id holds it)


class RecordingNames(set[str]):
    """The example ids taken so far, and the annotation names claimed (the first
    request example to use a name, wherever in the doc set: `claim`), logging what a
    page asks and adds: a page's ids and findings depend on the others' only through
    these answers (see `replay`)."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[str, bool | None]] = []  # (asked, answer) or (added, None)
        self.first_use: dict[str, str] = {}  # annotation name -> "file:line"

    def __contains__(self, name: object) -> bool:
        found = super().__contains__(name)
        self.log.append((str(name), found))
        return found

    def add(self, name: str) -> None:
        self._take(name)
        self.log.append((name, None))

    def claim(self, name: str, where: str) -> str | None:
        """Claim an annotation name for the example at `where` ("file:line"): None when
        it is the first to use it, else the place of the first use. Kept as two
        entries, so that a replay sees a change of either answer: the name is
        claimed (`\0name`), and by that place (`\0name\0file:line`)."""
        claimed = _CLAIM + name
        if claimed not in self:
            self.add(claimed)
            self.add(f"{claimed}{_CLAIM}{where}")
            return None
        first = self.first_use[name]
        self.log.append((f"{claimed}{_CLAIM}{first}", True))  # what a replay checks
        return first

    def replay(self, log: Iterable[tuple[str, bool | None]]) -> bool:
        """Take a page's ids and claims from its log if every answer it got is still
        the answer (its own earlier entries count); False, taking nothing, otherwise."""
        added: list[str] = []
        for name, answer in log:
            if answer is None:
                added.append(name)
            elif (set.__contains__(self, name) or name in added) != answer:
                return False
        for name in added:
            self._take(name)
        return True

    def _take(self, entry: str) -> None:
        super().add(entry)
        name, _, where = entry.removeprefix(_CLAIM).partition(_CLAIM)
        if entry.startswith(_CLAIM) and where:
            self.first_use.setdefault(name, where)


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
        """The example's id: its annotation name, else `fallback`, made unique with a
        number. A006 where another request example used the name first; the name of an
        `ignored` block (not an example: no test, no snippet) claims nothing."""
        name = _name(pair.request)
        if name is not None and not is_ignored(pair.request):
            self._claim(page, pair.request, name)
        candidate = name or fallback
        if candidate in self.names:
            i = 2
            while f"{candidate}-{i}" in self.names:
                i += 1
            candidate = f"{candidate}-{i}"
        self.names.add(candidate)
        return candidate, name

    def _claim(self, page: PageFacts, block: Block, name: str) -> None:
        first = self.names.claim(name, f"{page.path}:{block.line}")
        if first is not None:
            self.diagnostics.append(
                make(
                    "A006",
                    page.path,
                    block.line,
                    1,
                    f'example name "{name}" is used before, at {first}',
                )
            )

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
        # a call to another host needs none; one the page answers in an ignored block has one
        if response is None and not host and pair.ignored_response is None:
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
    return param is not None and _left_out(param)


def _left_out(param: Parameter) -> bool:
    return not param.required or says_optional(param.description)


def says_optional(description: str) -> bool:
    """Whether a parameter's description says it may be left out: what matching reads
    of descriptions, across pages."""
    return description.lstrip().lower().startswith("optional")


def optional_parameters(endpoint: Endpoint) -> tuple[str, ...]:
    """What matching reads of an endpoint's parameters (`_optional`): the ones that may
    be left out. Part of what a page's examples are matched against, when the endpoint
    is another page's."""
    return tuple(p.name for p in endpoint.parameters if _left_out(p))


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
