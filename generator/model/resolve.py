"""All page facts → one `ApiModel` (the resolve stage).

Order matters only here: types are indexed before anything refers to them,
endpoints exist before examples are matched to them. Every collection of the
result is sorted by a stable key, so the model does not depend on the order
pages were read in.

Resolve is incremental. What it derives from each page is kept as a
`PageWork`, with a digest of everything it read from other pages (the type
index for resources and endpoints; the endpoint index and the example names
taken before the page, for examples). The next build reuses a page's work
when the page's content key and those digests are unchanged, so a one-page
edit re-resolves that page and the cross-page steps only, and the facts of
the other pages are never loaded.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Generic, Protocol, TypeVar

from generator.config import DocSetConfig
from generator.diagnostics import Diagnostic, make
from generator.digest import Digested, carry, replaced
from generator.model.aliases import (
    Alias,
    Hint,
    Pair,
    alias_findings,
    alias_hints,
    from_examples,
    infer_aliases,
    listed_together,
    with_declared,
)
from generator.model.bases import (
    implied_bases,
    inherited_declarations,
    names_an_ancestor,
    root_type,
)
from generator.model.endpoints import EndpointBuilder, PageEndpoint, typed_by_examples
from generator.model.examples import (
    ExampleBuilder,
    RecordingNames,
    optional_parameters,
    says_optional,
)
from generator.model.paths import PathIndex, PathTemplate, split_path_query
from generator.model.resources import (
    ResourceBuilder,
    ResourceDraft,
    build_enum,
    derived_types,
    enum_tables,
    find_resource_drafts,
)
from generator.model.typeindex import TypeIndex
from generator.model.types import (
    ENUM,
    RESOURCE,
    SCHEMA_VERSION,
    ApiModel,
    Endpoint,
    Enum,
    Example,
    PathAlias,
    Property,
    Resource,
    TypeRef,
)
from generator.parse.facts import PageFacts
from generator.parse.http import strip_base_url


@dataclass(frozen=True)
class PageInput:
    """A page as resolve sees it: its content key, and its facts on demand (an
    unchanged page whose work is reused is never loaded)."""

    path: str
    key: str  # "" when nothing remembered may be reused
    load: Callable[[], PageFacts]


@dataclass(frozen=True)
class DraftInfo:
    """A resource block of a page, as the choice of a type's owner needs it."""

    name: str
    page: str
    line: int
    score: tuple[int, int, str]


T = TypeVar("T")


@dataclass(frozen=True)
class Part(Generic[T]):
    """Model elements derived from one page in a context (a digest of what was read
    from other pages), with the diagnostics raised and each element's digest (kept
    beside them: an element does not pickle its digest, see `generator.digest`)."""

    context: str
    items: tuple[T, ...]
    diagnostics: tuple[Diagnostic, ...]
    digests: tuple[str, ...]
    asked: tuple[tuple[str, bool | None], ...] = ()  # example names asked and taken

    @classmethod
    def made(
        cls,
        context: str,
        items: Iterable[T],
        diagnostics: Iterable[Diagnostic],
        asked: Iterable[tuple[str, bool | None]] = (),
    ) -> Part[T]:
        items = tuple(items)
        return cls(context, items, tuple(diagnostics), tuple(map(_digest_of, items)), tuple(asked))

    def carried(self) -> tuple[T, ...]:
        """The items, each given its digest (see `generator.digest.carry`)."""
        for item, digest in zip(self.items, self.digests, strict=True):
            carry(_element(item), digest)
        return self.items


def _element(item: object) -> Digested:
    """The model element of an item: itself, an (enum, line) pair's enum, a page endpoint's."""
    if isinstance(item, tuple):
        item = item[0]
    if isinstance(item, PageEndpoint):
        item = item.endpoint
    assert isinstance(item, Digested)
    return item


def _digest_of(item: object) -> str:
    return _element(item).digest


@dataclass(frozen=True)
class PageWork:
    """What resolve derived from one page, with digests of what it read from others."""

    key: str
    enum_order: tuple[int, str]
    diagnostics: tuple[Diagnostic, ...]  # the page's own, and its resource blocks'
    drafts: tuple[DraftInfo, ...]
    enums: Part[tuple[Enum, int]]  # with the line of the table that defines each
    # with its endpoints: what its examples suggest (`aliases.alias_hints`), and its
    # paths' prefix pairs (`aliases.listed_together`)
    alias_hints: tuple[Hint, ...] = ()
    listed: tuple[Pair, ...] = ()
    # with its resources: (derived, base) for each type it lists as derived from its own
    derived: tuple[tuple[str, str], ...] = ()
    resources: Part[Resource] | None = None  # context: the type index
    endpoints: Part[PageEndpoint] | None = None  # context: the type index
    examples: Part[Example] | None = None  # context: the endpoint index


# The fields of a page's work that say what it was made from (the page's key, the
# digest of what a part read from other pages, its elements' digests), not what the
# model holds: two works that differ only in these make the same model elements.
BOOKKEEPING: dict[type, frozenset[str]] = {
    PageWork: frozenset({"key"}),
    Part: frozenset({"context", "digests"}),
}

# The fields whose text a step over the whole doc set reads (each with whether a text
# says something it reads): an edit of such a text may change other fields of the model
# than its own. A page's text read by the page's own work is not listed: what the work
# makes of it is in fields of the work, by their own names.
PROSE_READ: dict[str, Callable[[str], bool]] = {
    "description": lambda text: names_an_ancestor(text) or says_optional(text)
}

# The fields resolve is held to keep in fields of their own name, but for the texts
# `PROSE_READ` lists (`tests/test_changes.py`, on the samples and the corpus): the only
# ones whose change a target's `ignores` lets it keep its files for.
IGNORABLE: frozenset[str] = frozenset({"description"})

M = TypeVar("M")


class Spread(Protocol):
    """Shares out the pages whose work `make` makes (by path), and joins what it made."""

    def __call__(
        self, paths: Sequence[str], make: Callable[[Iterable[str]], dict[str, M]]
    ) -> dict[str, M]: ...


def serially(paths: Sequence[str], make: Callable[[Iterable[str]], dict[str, M]]) -> dict[str, M]:
    """A `Spread` that makes every page's work in this process, in order."""
    return make(paths)


@dataclass(frozen=True)
class _Typed:
    """What the typed work makes of a page (the parts of its `PageWork` it replaces)."""

    resources: Part[Resource]
    endpoints: Part[PageEndpoint]
    derived: tuple[tuple[str, str], ...]
    listed: tuple[Pair, ...]
    alias_hints: tuple[Hint, ...]

    def on(self, work: PageWork) -> PageWork:
        return replace(
            work,
            resources=self.resources,
            endpoints=self.endpoints,
            derived=self.derived,
            listed=self.listed,
            alias_hints=self.alias_hints,
        )


@dataclass(frozen=True)
class Resolution:
    model: ApiModel
    work: dict[str, PageWork]  # to remember for the next build


def _enum_page_first(page: PageFacts) -> tuple[int, str]:
    kind = str(page.front_matter.get("doc_type", "")).lower()
    return (0 if kind.startswith("enum") else 1, page.path)


def _page_work(page: PageFacts, key: str, index: TypeIndex) -> PageWork:
    """The part of a page's work that depends on the page alone."""
    diags: list[Diagnostic] = list(page.diagnostics)
    drafts = find_resource_drafts(page, index, diags)
    enums = []
    for table in enum_tables(page):
        enum = build_enum(index, page, table)
        if enum is not None:
            enums.append((enum, table.line))
    return PageWork(
        key=key,
        enum_order=_enum_page_first(page),
        diagnostics=tuple(diags),
        drafts=tuple(DraftInfo(d.name, page.path, d.block.line, _draft_score(d)) for d in drafts),
        enums=Part.made("", enums, ()),
    )


def _alias_hints(
    page: PageFacts, endpoints: Sequence[PageEndpoint], base_urls: tuple[str, ...]
) -> tuple[Hint, ...]:
    """What the page's examples suggest against its syntax paths (its endpoints')."""
    syntax = [(pe.endpoint.method, pe.template.template) for pe in endpoints]
    examples = [
        (b.request.method, split_path_query(strip_base_url(b.request.url, base_urls))[0], b.line)
        for b in page.blocks
        if b.role == "request" and b.request is not None and not b.syntax
    ]
    return alias_hints(syntax, examples) if syntax and examples else ()


def _collect_enums(work: Mapping[str, PageWork]) -> tuple[list[Enum], list[Diagnostic]]:
    enums: dict[str, Enum] = {}
    diags: list[Diagnostic] = []
    for path, w in sorted(work.items(), key=lambda item: item[1].enum_order):
        for enum, line in w.enums.items:
            key = enum.name.casefold()
            if key in enums:
                first = enums[key]
                if first.source.file != path or first.members != enum.members:
                    diags.append(
                        make(
                            "R009",
                            path,
                            line,
                            1,
                            f"enum {enum.name} is also defined at {first.source.file}:{first.source.line}",
                        )
                    )
                continue
            enums[key] = enum
    return list(enums.values()), diags


def _draft_score(draft: ResourceDraft) -> tuple[int, int, str]:
    """The page that owns a type defined more than once: the one named after it
    (`user.md` for `user`), then the one that describes it most fully."""
    stem = draft.page.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    named = _fold(stem) == _fold(draft.name.rsplit(".", 1)[-1])
    rows = sum(len(t.rows) for t in draft.tables)
    return (0 if named else 1, -rows, draft.page.path)


def _fold(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _choose_drafts(
    work: Mapping[str, PageWork],
) -> tuple[list[DraftInfo], dict[str, list[DraftInfo]], list[Diagnostic]]:
    """One owner per type (see `_draft_score`), and the other definitions of each."""
    by_name: dict[str, list[DraftInfo]] = {}
    for w in work.values():
        for draft in w.drafts:
            by_name.setdefault(draft.name.casefold(), []).append(draft)
    owners: list[DraftInfo] = []
    parts: dict[str, list[DraftInfo]] = {}
    diags: list[Diagnostic] = []
    for candidates in by_name.values():
        owner, *others = sorted(candidates, key=lambda d: d.score)
        owners.append(owner)
        parts[owner.name] = others
        for draft in others:
            diags.append(
                make(
                    "R004",
                    draft.page,
                    draft.line,
                    1,
                    f"resource {draft.name} is also defined at {owner.page}:{owner.line}",
                )
            )
    return owners, parts, diags


def _with_parts(resource: Resource, others: Iterable[Resource]) -> Resource:
    """A type described on several pages is one type: the owner's definition plus
    the properties only the other parts name."""
    known = {p.name for p in resource.properties}
    extra: list[Property] = []
    for part in others:
        for prop in part.properties:
            if prop.name not in known:
                known.add(prop.name)
                extra.append(prop)
    return replace(resource, properties=resource.properties + tuple(extra)) if extra else resource


def _check_resources(resources: list[Resource], index: TypeIndex) -> list[Diagnostic]:
    by_name = {r.name: r for r in resources}
    diags: list[Diagnostic] = []
    for r in resources:
        if r.base_type is not None and index.lookup_name(r.base_type) is None:
            diags.append(
                make(
                    "R005",
                    r.source.file,
                    r.source.line,
                    1,
                    f"{r.name}: base type {r.base_type} is not defined",
                )
            )
        if r.key_property is not None:
            names: set[str] = set()
            cur: Resource | None = r
            seen: set[str] = set()
            while cur is not None and cur.name not in seen:
                seen.add(cur.name)
                names.update(p.name for p in cur.properties)
                base = index.lookup_name(cur.base_type) if cur.base_type else None
                cur = by_name.get(base) if base else None
            if r.key_property not in names:
                diags.append(
                    make(
                        "R006",
                        r.source.file,
                        r.source.line,
                        1,
                        f'{r.name}: key property "{r.key_property}" is not among its properties',
                    )
                )
    return diags


@functools.lru_cache(maxsize=65536)
def _stem_words(path: str) -> frozenset[str]:
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return frozenset(w.rstrip("s") for w in re.split(r"[-_.]+", stem.casefold()) if w)


def _words(text: str) -> frozenset[str]:
    return frozenset(w.rstrip("s") for w in re.split(r"[^a-z0-9]+", text.casefold()) if w)


def _owner_score(pe: PageEndpoint) -> tuple[int, int, int, str]:
    """Which page owns a method and path documented on several: the one whose response
    type is the path's resource (`GET /users` answers users), then whose file name
    names the most of the path (`user-post-events.md` for `POST /me/events`), with
    the fewest other words (`user-list.md` before `intune-devices-user-list.md`)."""
    endpoint = pe.endpoint
    response = endpoint.response.type
    return _score(
        endpoint.method,
        endpoint.path,
        endpoint.source.file,
        None if response is None else (response.name, response.collection),
    )


@functools.lru_cache(maxsize=65536)
def _score(
    method: str, path: str, file: str, response: tuple[str, bool] | None
) -> tuple[int, int, int, str]:
    literals = _words(path)
    nouns = [seg for seg in path.split("/") if seg and not seg.startswith("{")]
    keyed = path.endswith("}")
    about = (
        response is not None
        and bool(nouns)
        and response[0].rsplit(".", 1)[-1].casefold().rstrip("s")
        == nouns[-1].casefold().rstrip("s")
        and (method != "GET" or response[1] != keyed)
    )
    stem = _stem_words(file)
    return (0 if about else 1, -len(stem & literals), len(stem - literals), file)


def _choose_owners(
    per_page: dict[str, list[PageEndpoint]], bases: Mapping[str, str | None] | None = None
) -> tuple[dict[str, Endpoint], list[Diagnostic]]:
    """One endpoint per method and path (see `_owner_score`), which keeps the other
    pages that document it; they are reported where they stand (P002), with a warning
    where they say something else (P005; `bases`: each type's base, so that a derived
    type documented where its base is does not count)."""
    by_id: dict[str, list[PageEndpoint]] = {}
    for built in per_page.values():
        for pe in built:
            by_id.setdefault(pe.endpoint.id, []).append(pe)
    endpoints: dict[str, Endpoint] = {}
    diags: list[Diagnostic] = []
    shared: list[tuple[PageEndpoint, Endpoint]] = []
    for endpoint_id, candidates in by_id.items():
        if len(candidates) == 1:
            endpoints[endpoint_id] = candidates[0].endpoint
            continue
        owner, *others = sorted(candidates, key=_owner_score)
        here = owner.endpoint.source.file
        also = tuple(sorted({pe.endpoint.source.file for pe in others} - {here}))
        endpoints[endpoint_id] = replaced(owner.endpoint, also_on=also)
        src = owner.endpoint.source
        for pe in others:
            where = (pe.endpoint.source.file, pe.endpoint.source.line, 1)
            message = f"{endpoint_id} is also documented at {src.file}:{src.line}"
            diags.append(make("P002", *where, message))
            shared.append((pe, owner.endpoint))
    return endpoints, diags + _disagreements(shared, bases or {})


def _disagreements(
    shared: list[tuple[PageEndpoint, Endpoint]], bases: Mapping[str, str | None]
) -> list[Diagnostic]:
    """P005, one per page and owner page and what differs: each (page's endpoint,
    its owner) compared on what the page states of that path (`_stated`)."""
    untyped = _pages_typing_others(shared, bases)
    disagreeing: dict[tuple[str, str, str], list[tuple[int, str]]] = {}
    for pe, owner in shared:
        differs = _disagreement(owner, _stated(pe, untyped), bases)
        if differs:
            key = (pe.endpoint.source.file, owner.source.file, differs)
            disagreeing.setdefault(key, []).append((pe.endpoint.source.line, pe.endpoint.id))
    diags = []
    for (file, owner_file, differs), found in sorted(disagreeing.items()):
        line, first = min(found)
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        message = f"{first}{more}: {differs} here than at {owner_file}, which owns it"
        diags.append(make("P005", file, line, 1, message))
    return diags


_SHAPING_OPTION = re.compile(r"(?<![\w$])\$(?:expand|select)\b", re.IGNORECASE)


def _stated(pe: PageEndpoint, untyped: tuple[set[str], set[str]]) -> Endpoint:
    """The endpoint as its page states it of this one path: no response type for a
    syntax line that expands or selects (it answers the addressed resource shaped by
    the query, not the page's type), and no type the page gives to paths of several
    unrelated types (`_pages_typing_others`)."""
    endpoint = pe.endpoint
    no_response, no_body = untyped
    if endpoint.source.file in no_response or _SHAPING_OPTION.search(pe.template.query):
        endpoint = replace(endpoint, response=replace(endpoint.response, type=None))
    if endpoint.source.file in no_body:
        endpoint = replace(endpoint, request_body=None)
    return endpoint


def _pages_typing_others(
    shared: list[tuple[PageEndpoint, Endpoint]], bases: Mapping[str, str | None]
) -> tuple[set[str], set[str]]:
    """The pages whose one response type (then request body type) is given to paths
    whose own pages state several unrelated types: such a page documents a feature
    reached through other resources' paths (an extension, an extended property), and
    the type it names is the feature's, not the paths'."""
    responses: dict[str, list[TypeRef]] = {}
    bodies: dict[str, list[TypeRef]] = {}
    for pe, owner in shared:
        file = pe.endpoint.source.file
        if owner.response.type is not None:
            responses.setdefault(file, []).append(owner.response.type)
        if owner.request_body is not None:
            bodies.setdefault(file, []).append(owner.request_body)
    return (
        {f for f, refs in responses.items() if not _one_family(refs, bases)},
        {f for f, refs in bodies.items() if not _one_family(refs, bases)},
    )


def _one_family(refs: list[TypeRef], bases: Mapping[str, str | None]) -> bool:
    """Every type is of one family with every other (`_related`), collections apart."""
    names = sorted({ref.name for ref in refs})
    return all(_related(a, b, bases) for i, a in enumerate(names) for b in names[i + 1 :])


def _disagreement(owner: Endpoint, other: Endpoint, bases: Mapping[str, str | None]) -> str:
    """What two pages documenting one method and path say differently (response type,
    request body type, permission scopes, where both say something), or "". A type and
    one derived from it agree: the path answers any type derived from its own."""
    found = []
    mine, theirs = owner.response.type, other.response.type
    if mine is not None and theirs is not None and not _agree(mine, theirs, bases):
        found.append(f"another response type ({_type_text(theirs)})")
    mine, theirs = owner.request_body, other.request_body
    if mine is not None and theirs is not None and not _agree(mine, theirs, bases):
        found.append(f"another request body ({_type_text(theirs)})")
    scopes = {s for p in owner.permissions for s in p.scopes}
    other_scopes = {s for p in other.permissions for s in p.scopes}
    if scopes and other_scopes and scopes != other_scopes:
        found.append("other permissions")
    return ", ".join(found[:-1]) + " and " + found[-1] if len(found) > 1 else "".join(found)


def _agree(a: TypeRef, b: TypeRef, bases: Mapping[str, str | None]) -> bool:
    """The same type, or two of one family (by the bases stated: one derived from the
    other, or both from a base short of the doc set's root, `bases[""]`), as one
    collection or not."""
    return a.collection == b.collection and _related(a.name, b.name, bases)


def _related(a: str, b: str, bases: Mapping[str, str | None]) -> bool:
    """One type derived from the other, or both from a base short of the root."""
    mine, theirs = _lineage(a, bases) | {a}, _lineage(b, bases) | {b}
    return bool((mine & theirs) - {bases.get("")})


def _lineage(name: str, bases: Mapping[str, str | None]) -> set[str]:
    """The bases of `name`, nearest first, as a set."""
    found: set[str] = set()
    current = bases.get(name)
    while current is not None and current not in found:
        found.add(current)
        current = bases.get(current)
    return found


def _type_text(ref: TypeRef) -> str:
    return f"{ref.name.rsplit('.', 1)[-1]}{' collection' if ref.collection else ''}"


def _diagnostic_order(d: Diagnostic) -> tuple[str, int, int, str, str, str]:
    """`Diagnostic`'s own order (its fields in turn), as a key: sorting thousands is
    several times faster than through the dataclass's comparisons."""
    return (d.file, d.line, d.col, d.code, d.message, d.severity)


def _digest(items: Iterable[str]) -> str:
    sha = hashlib.sha256()
    for item in items:
        sha.update(item.encode("utf-8", "surrogatepass") + b"\0")
    return sha.hexdigest()


class _Pages:
    """Page facts, loaded at most once and only when some work must be redone."""

    def __init__(self, inputs: Sequence[PageInput]) -> None:
        self._inputs = {i.path: i for i in inputs}
        self._loaded: dict[str, PageFacts] = {}

    def __getitem__(self, path: str) -> PageFacts:
        facts = self._loaded.get(path)
        if facts is None:
            facts = self._loaded[path] = self._inputs[path].load()
        return facts

    def load(self, paths: Iterable[str]) -> None:
        """Load these pages' facts now (before work on them is shared with forked
        processes, which could not keep what they load)."""
        for path in paths:
            self[path]


def _typed_parts(
    facts: _Pages, index: TypeIndex, base_urls: tuple[str, ...], paths: Iterable[str]
) -> dict[str, _Typed]:
    """The resources and endpoints of pages `paths`, made anew (they resolve types
    against the index), each element with its digest."""
    resource_builder = ResourceBuilder(index)
    endpoint_builder = EndpointBuilder(index, base_urls)
    index_digest = index.digest()
    made: dict[str, _Typed] = {}
    for path in paths:
        page = facts[path]
        mark = len(resource_builder.diagnostics)
        resources = [resource_builder.build(d) for d in find_resource_drafts(page, index, [])]
        part = Part.made(index_digest, resources, resource_builder.diagnostics[mark:])
        mark = len(endpoint_builder.diagnostics)
        endpoints = endpoint_builder.build(page)
        made[path] = _Typed(
            part,
            Part.made(index_digest, endpoints, endpoint_builder.diagnostics[mark:]),
            derived_types(page, index),
            listed_together([pe.endpoint for pe in endpoints]),
            _alias_hints(page, endpoints, base_urls),
        )
    return made


def _typed_work(
    work: dict[str, PageWork],
    facts: _Pages,
    index: TypeIndex,
    base_urls: tuple[str, ...],
    spread: Spread,
) -> tuple[dict[tuple[str, int], Resource], dict[str, list[PageEndpoint]], list[Diagnostic]]:
    """Each page's resources and endpoints, redone (`spread` over processes) where the
    index changed or the page is new; `work` is updated. Returns the resources by
    (page, block), the endpoints by page, and the diagnostics; every element with its
    digest."""
    context = index.digest()
    stale = [
        path
        for path, w in work.items()
        if w.resources is None
        or w.resources.context != context
        or w.endpoints is None
        or w.endpoints.context != context
    ]
    facts.load(stale)
    made = spread(stale, functools.partial(_typed_parts, facts, index, base_urls))
    for path, typed in made.items():
        work[path] = typed.on(work[path])
    built: dict[tuple[str, int], Resource] = {}
    per_page: dict[str, list[PageEndpoint]] = {}
    diagnostics: list[Diagnostic] = []
    for path, w in work.items():
        assert w.resources is not None and w.endpoints is not None
        for i, resource in enumerate(w.resources.carried()):
            built[(path, i)] = resource
        per_page[path] = list(w.endpoints.carried())
        w.enums.carried()
        diagnostics += w.resources.diagnostics + w.endpoints.diagnostics
    return built, per_page, diagnostics


def _example_parts(
    facts: _Pages,
    builder: Callable[[], ExampleBuilder],
    per_page: Mapping[str, list[PageEndpoint]],
    context: str,
    paths: Iterable[str],
) -> dict[str, Part[Example]]:
    """The examples of pages `paths`, made anew, in order, by one `builder()`: each
    page's example ids and names as if only the pages before it in `paths` had taken
    any, with the log of what it asked (see `RecordingNames`)."""
    example_builder = builder()
    names = example_builder.names
    made: dict[str, Part[Example]] = {}
    for path in paths:
        mark = len(example_builder.diagnostics)
        names.log.clear()
        own = PathIndex((pe.endpoint.method, pe.template, pe.endpoint) for pe in per_page[path])
        examples = example_builder.build(facts[path], own)
        made[path] = Part.made(context, examples, example_builder.diagnostics[mark:], names.log)
    return made


def _example_work(
    work: dict[str, PageWork],
    facts: _Pages,
    per_page: Mapping[str, list[PageEndpoint]],
    chosen: list[tuple[str, PathTemplate, Endpoint]],
    base_urls: tuple[str, ...],
    aliases: tuple[Alias, ...],
    spread: Spread,
) -> tuple[list[Example], list[Diagnostic]]:
    """Each page's examples, matched against its own endpoints then all (`chosen`),
    through `aliases` where needed; redone where the endpoint index (with the parameters
    matching may leave out, `optional_parameters`) or the aliases
    changed (`spread` over processes), or where an example name it asked about is
    answered differently now that the pages before it have taken theirs; `work` is
    updated."""
    context = _digest(
        [
            *(f"{m}\0{t.template}\0{e.id}\0{optional_parameters(e)}" for m, t, e in chosen),
            repr(aliases),
        ]
    )
    everything = functools.cache(functools.partial(PathIndex, chosen))  # built once, if asked
    builder = functools.partial(ExampleBuilder, base_urls, everything, aliases=aliases)
    stale = [
        path for path, w in work.items() if w.examples is None or w.examples.context != context
    ]
    facts.load(stale)
    made = spread(stale, functools.partial(_example_parts, facts, builder, per_page, context))
    for path, examples_made in made.items():
        work[path] = replace(work[path], examples=examples_made)
    names = RecordingNames()
    again = builder(names=names)
    examples: list[Example] = []
    diagnostics: list[Diagnostic] = []
    for path, w in work.items():
        part = w.examples
        assert part is not None
        if not names.replay(part.asked):  # made with other names taken before it
            part = _example_parts(facts, lambda: again, per_page, context, [path])[path]
            work[path] = replace(w, examples=part)
        examples += part.carried()
        diagnostics += part.diagnostics
    return examples, diagnostics


def _same(facts: PageFacts) -> PageFacts:
    return facts


def given(path: str, key: str, facts: PageFacts) -> PageInput:
    """An input whose facts are at hand."""
    return PageInput(path, key, functools.partial(_same, facts))


def build_model(pages: Sequence[PageFacts], config: DocSetConfig) -> ApiModel:
    """Resolve a whole doc set; `pages` may come in any order."""
    return resolve([given(p.path, "", p) for p in pages], config, {}).model


def resolve(
    inputs: Sequence[PageInput],
    config: DocSetConfig,
    previous: Mapping[str, PageWork],
    spread: Spread = serially,
) -> Resolution:
    """Resolve a doc set, reusing `previous` work where it still holds; the work of
    pages that must be redone is shared out by `spread` (the same work however it is
    shared: see `_example_work` for the one thing pages take in order)."""
    inputs = sorted(inputs, key=lambda i: i.path)
    facts = _Pages(inputs)
    index = TypeIndex(config.namespace)
    index.set_pages(frozenset(i.path for i in inputs))

    work: dict[str, PageWork] = {}
    for page in inputs:
        old = previous.get(page.path)
        reuse = old is not None and page.key != "" and old.key == page.key
        work[page.path] = old if reuse and old else _page_work(facts[page.path], page.key, index)

    diagnostics: list[Diagnostic] = [d for w in work.values() for d in w.diagnostics]
    owners, parts, diags = _choose_drafts(work)
    diagnostics += diags
    for draft in owners:
        index.add(draft.name, RESOURCE, draft.page)
    enums, diags = _collect_enums(work)
    diagnostics += diags
    for enum in enums:
        index.add(enum.name, ENUM, enum.source.file)

    built, per_page, diags = _typed_work(work, facts, index, config.base_urls, spread)
    diagnostics += diags
    resources = []
    where = {id(d): (d.page, i) for w in work.values() for i, d in enumerate(w.drafts)}
    for d in owners:
        owner = built[where[id(d)]]
        resources.append(_with_parts(owner, (built[where[id(o)]] for o in parts[d.name])))

    root = root_type(resources)
    family = {"": root.name if root else None, **{r.name: r.base_type for r in resources}}
    endpoints, diags = _choose_owners(per_page, family)
    diagnostics += diags
    chosen = [
        (pe.endpoint.method, pe.template, endpoints[pe.endpoint.id])
        for built_here in per_page.values()
        for pe in built_here
        if endpoints[pe.endpoint.id].source is pe.endpoint.source  # the owner (`also_on` added)
    ]
    shown = from_examples({path: w.alias_hints for path, w in work.items() if w.alias_hints})
    listed = {path: w.listed for path, w in work.items() if w.listed}
    aliases = with_declared(infer_aliases(endpoints.values(), listed), dict(config.aliases), shown)
    diagnostics += alias_findings(aliases)
    examples, diags = _example_work(
        work, facts, per_page, chosen, config.base_urls, aliases, spread
    )
    diagnostics += diags
    endpoints = typed_by_examples(endpoints, examples, index)
    derived = [pair for w in work.values() for pair in w.derived]
    resources, diags = implied_bases(
        resources, endpoints.values(), examples, config.namespace, derived
    )
    resources = inherited_declarations(resources)
    diagnostics += diags + _check_resources(resources, index)

    model = ApiModel(
        schema_version=SCHEMA_VERSION,
        namespace=config.namespace,
        base_urls=config.base_urls,
        pages=len(inputs),
        resources=tuple(sorted(resources, key=lambda r: r.name)),
        enums=tuple(sorted(enums, key=lambda e: e.name)),
        endpoints=tuple(sorted(endpoints.values(), key=lambda e: (e.path, e.method))),
        examples=tuple(sorted(examples, key=lambda x: (x.source.file, x.source.line))),
        diagnostics=_unique_in_order(diagnostics),
        aliases=tuple(
            sorted(
                {PathAlias(a.prefix, a.target) for a in aliases}, key=lambda a: (a.prefix, a.target)
            )
        ),
    )
    return Resolution(model, work)


def _unique_in_order(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """Each diagnostic once, in their own order: by their fields as tuples (hashed and
    compared in C, not through the dataclass's methods)."""
    unique = {_diagnostic_order(d): d for d in diagnostics}
    return tuple(unique[fields] for fields in sorted(unique))
