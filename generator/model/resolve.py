"""All page facts → one `ApiModel` (the resolve stage).

Order matters only here: types are indexed before anything refers to them,
endpoints exist before examples are matched to them. Every collection of the
result is sorted by a stable key, so the model does not depend on the order
pages were read in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from generator.config import DocSetConfig
from generator.diagnostics import Diagnostic, make
from generator.model.endpoints import EndpointBuilder, PageEndpoint
from generator.model.examples import ExampleBuilder
from generator.model.paths import PathIndex
from generator.model.resources import (
    ResourceBuilder,
    ResourceDraft,
    build_enum,
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
    Property,
    Resource,
)
from generator.parse.facts import PageFacts


def _enum_page_first(page: PageFacts) -> tuple[int, str]:
    kind = str(page.front_matter.get("doc_type", "")).lower()
    return (0 if kind.startswith("enum") else 1, page.path)


def _collect_enums(
    pages: Sequence[PageFacts], index: TypeIndex
) -> tuple[list[Enum], list[Diagnostic]]:
    enums: dict[str, Enum] = {}
    diags: list[Diagnostic] = []
    for page in sorted(pages, key=_enum_page_first):
        for table in enum_tables(page):
            enum = build_enum(index, page, table)
            if enum is None:
                continue
            key = enum.name.casefold()
            if key in enums:
                first = enums[key]
                if first.source.file != page.path or first.members != enum.members:
                    diags.append(
                        make(
                            "R009",
                            page.path,
                            table.line,
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


def _collect_drafts(
    pages: Sequence[PageFacts], index: TypeIndex, parts: dict[str, list[ResourceDraft]]
) -> tuple[list[ResourceDraft], list[Diagnostic]]:
    """One owner per type (see `_draft_score`); `parts` gets the other definitions."""
    by_name: dict[str, list[ResourceDraft]] = {}
    diags: list[Diagnostic] = []
    for page in pages:
        for draft in find_resource_drafts(page, index, diags):
            by_name.setdefault(draft.name.casefold(), []).append(draft)
    owners: list[ResourceDraft] = []
    for candidates in by_name.values():
        owner, *others = sorted(candidates, key=_draft_score)
        owners.append(owner)
        parts[owner.name] = others
        for draft in others:
            diags.append(
                make(
                    "R004",
                    draft.page.path,
                    draft.block.line,
                    1,
                    f"resource {draft.name} is also defined at {owner.page.path}:{owner.block.line}",
                )
            )
    return owners, diags


def _with_parts(
    builder: ResourceBuilder, owner: ResourceDraft, others: list[ResourceDraft]
) -> Resource:
    """A type described on several pages is one type: the owner's definition plus
    the properties only the other parts name."""
    resource = builder.build(owner)
    known = {p.name for p in resource.properties}
    extra: list[Property] = []
    for draft in others:
        for prop in builder.build(draft).properties:
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


def _stem_words(path: str) -> set[str]:
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return {w.rstrip("s") for w in re.split(r"[-_.]+", stem.casefold()) if w}


def _owner_score(pe: PageEndpoint) -> tuple[int, str]:
    """How well the page's file name names the path: `user-post-events.md` owns
    `POST /me/events` rather than a page that lists it among others."""
    literals = {w.rstrip("s") for w in re.split(r"[^a-z0-9]+", pe.endpoint.path.casefold()) if w}
    return -len(_stem_words(pe.endpoint.source.file) & literals), pe.endpoint.source.file


def _choose_owners(
    per_page: dict[str, list[PageEndpoint]],
) -> tuple[dict[str, Endpoint], list[Diagnostic]]:
    """One endpoint per method and path; the others are reported where they stand."""
    by_id: dict[str, list[PageEndpoint]] = {}
    for built in per_page.values():
        for pe in built:
            by_id.setdefault(pe.endpoint.id, []).append(pe)
    endpoints: dict[str, Endpoint] = {}
    diags: list[Diagnostic] = []
    for endpoint_id, candidates in by_id.items():
        owner, *others = sorted(candidates, key=_owner_score)
        endpoints[endpoint_id] = owner.endpoint
        for pe in others:
            src = owner.endpoint.source
            diags.append(
                make(
                    "P002",
                    pe.endpoint.source.file,
                    pe.endpoint.source.line,
                    1,
                    f"{endpoint_id} is also documented at {src.file}:{src.line}",
                )
            )
    return endpoints, diags


def build_model(pages: Sequence[PageFacts], config: DocSetConfig) -> ApiModel:
    """Resolve a whole doc set; `pages` may come in any order."""
    pages = sorted(pages, key=lambda p: p.path)
    index = TypeIndex(config.namespace)
    index.set_pages(frozenset(p.path for p in pages))
    diagnostics: list[Diagnostic] = [d for p in pages for d in p.diagnostics]

    parts: dict[str, list[ResourceDraft]] = {}
    drafts, diags = _collect_drafts(pages, index, parts)
    diagnostics += diags
    for draft in drafts:
        index.add(draft.name, RESOURCE, draft.page.path)
    enums, diags = _collect_enums(pages, index)
    diagnostics += diags
    for enum in enums:
        index.add(enum.name, ENUM, enum.source.file)

    resource_builder = ResourceBuilder(index)
    resources = [_with_parts(resource_builder, d, parts[d.name]) for d in drafts]
    diagnostics += resource_builder.diagnostics
    diagnostics += _check_resources(resources, index)

    endpoint_builder = EndpointBuilder(index, config.base_urls)
    per_page: dict[str, list[PageEndpoint]] = {}
    for page in pages:
        per_page[page.path] = endpoint_builder.build(page)
    endpoints, diags = _choose_owners(per_page)
    diagnostics += diags
    diagnostics += endpoint_builder.diagnostics

    everything = PathIndex(
        (pe.endpoint.method, pe.template, endpoints[pe.endpoint.id])
        for built in per_page.values()
        for pe in built
        if endpoints[pe.endpoint.id] is pe.endpoint
    )
    example_builder = ExampleBuilder(config.base_urls, everything)
    examples = []
    for page in pages:
        own = PathIndex(
            (pe.endpoint.method, pe.template, pe.endpoint) for pe in per_page[page.path]
        )
        examples += example_builder.build(page, own)
    diagnostics += example_builder.diagnostics

    return ApiModel(
        schema_version=SCHEMA_VERSION,
        namespace=config.namespace,
        base_urls=config.base_urls,
        pages=len(pages),
        resources=tuple(sorted(resources, key=lambda r: r.name)),
        enums=tuple(sorted(enums, key=lambda e: e.name)),
        endpoints=tuple(sorted(endpoints.values(), key=lambda e: (e.path, e.method))),
        examples=tuple(sorted(examples, key=lambda x: (x.source.file, x.source.line))),
        diagnostics=tuple(sorted(set(diagnostics))),
    )
