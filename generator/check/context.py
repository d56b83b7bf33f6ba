"""What every check rule reads: the model, the page facts, and lookups over both.

Built once per run; the lookups that only some rules need are computed lazily.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from generator.check.typeview import (
    type_index,
)
from generator.config import DocSetConfig
from generator.diagnostics import Diagnostic
from generator.model.endpoints import EndpointBuilder
from generator.model.examples import pair_blocks
from generator.model.paths import PathIndex, normalize_path
from generator.model.typeindex import TypeIndex
from generator.model.types import ApiModel, Endpoint, Enum, Example, Resource
from generator.parse.facts import Annotation, Block, JsonValue, PageFacts


@dataclass(frozen=True)
class CheckOptions:
    # strict=False (`--relaxed`): no string-format, enum-member or nested-required checks
    strict: bool = True
    root: Path | None = None  # the docs folder on disk, for link targets that are not pages


@dataclass(frozen=True)
class ExampleView:
    """A model example with the page blocks it came from."""

    page: PageFacts
    example: Example
    request: Block
    response: Block | None
    endpoint: Endpoint | None  # as the example's own page documents it, else the matched one


def annotation_of(block: Block | None) -> dict[str, JsonValue]:
    return block.annotation.data if block is not None and block.annotation is not None else {}


def flag(data: dict[str, JsonValue], key: str) -> bool:
    """An annotation flag: true, or the string "true" that some pages write."""
    value = data.get(key)
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def all_annotations(page: PageFacts) -> Iterable[Annotation]:
    yield from (b.annotation for b in page.blocks if b.annotation is not None)
    yield from page.page_annotations


@dataclass(frozen=True)
class FileSet:
    exact: frozenset[str]
    folded: dict[str, str]  # case-folded path -> a spelling that exists


class CheckContext:
    def __init__(
        self,
        model: ApiModel,
        pages: Sequence[PageFacts],
        config: DocSetConfig,
        options: CheckOptions,
    ) -> None:
        self.model = model
        self.pages = sorted(pages, key=lambda p: p.path)
        self.config = config
        self.options = options
        self.page = {p.path: p for p in self.pages}
        self.resources = {r.name: r for r in model.resources}
        self.enums = {e.name: e for e in model.enums}
        self.endpoints = {e.id: e for e in model.endpoints}
        self._derived: dict[str, frozenset[str]] = {}
        self._page_endpoints: dict[str, Endpoint | None] = {}
        self._names: dict[str, frozenset[str]] = {}

    @cached_property
    def index(self) -> TypeIndex:
        return type_index(self.model, frozenset(self.page))

    def lookup(self, name: str) -> str | None:
        """A written type name -> the qualified name of a resource or enum."""
        return self.index.lookup_name(name)

    @cached_property
    def bases(self) -> dict[str, str]:
        """Resource name -> its base type (the model's, from `baseType` or prose)."""
        out: dict[str, str] = {}
        for r in self.resources.values():
            base = self.lookup(r.base_type) if r.base_type else None
            if base is not None and base != r.name and base in self.resources:
                out[r.name] = base
        return out

    @cached_property
    def open_types(self) -> frozenset[str]:
        """Resources marked `openType`, or whose page calls them an open type."""
        return frozenset(r.name for r in self.resources.values() if r.open_type)

    @cached_property
    def children(self) -> dict[str, list[str]]:
        """Resource name -> the resources that name it as their base type."""
        out: dict[str, list[str]] = defaultdict(list)
        for name, base in sorted(self.bases.items()):
            out[base].append(name)
        return out

    def chain(self, name: str) -> list[Resource]:
        """The resource and its base types, most derived first (cycles cut)."""
        out: list[Resource] = []
        current: str | None = name
        while current is not None and current in self.resources:
            resource = self.resources[current]
            if resource in out:
                break
            out.append(resource)
            current = self.bases.get(current)
        return out

    def descendants(self, name: str) -> set[str]:
        found: set[str] = set()
        todo = [name]
        while todo:
            for child in self.children.get(todo.pop(), []):
                if child not in found:
                    found.add(child)
                    todo.append(child)
        return found

    def derived_property_names(self, name: str) -> frozenset[str]:
        """Property names defined by the types derived from `name`."""
        cached = self._derived.get(name)
        if cached is None:
            cached = frozenset(
                p.name for child in self.descendants(name) for p in self.resources[child].properties
            )
            self._derived[name] = cached
        return cached

    def property_names(self, name: str) -> frozenset[str]:
        cached = self._names.get(name)
        if cached is None:
            cached = frozenset(p.name for r in self.chain(name) for p in r.properties)
            self._names[name] = cached
        return cached

    def optional_properties(self, name: str) -> frozenset[str]:
        """`optionalProperties` of the resource blocks that define `name` and its base types."""
        names: set[str] = set()
        for resource in self.chain(name):
            block = self.resource_blocks.get((resource.source.file, resource.source.line))
            listed = annotation_of(block).get("optionalProperties")
            if isinstance(listed, list):
                names.update(str(x) for x in listed)
        return frozenset(names)

    def enum(self, name: str) -> Enum | None:
        return self.enums.get(name)

    @cached_property
    def resource_blocks(self) -> dict[tuple[str, int], Block]:
        """(file, fence line) -> the resource block that defines a resource."""
        return {
            (page.path, b.line): b
            for page in self.pages
            for b in page.blocks
            if b.role == "resource"
        }

    def page_endpoint(self, path: str) -> Endpoint | None:
        """The endpoint as its own page documents it (parameters, request body, response,
        permissions): the model keeps one page's version of an endpoint documented twice."""
        if path not in self._page_endpoints:
            built = self._endpoint_builder.build(self.page[path]) if path in self.page else []
            self._page_endpoints[path] = built[0].endpoint if built else None
        return self._page_endpoints[path]

    def own_endpoint(self, view: ExampleView) -> bool:
        """The example calls one of its page's own syntax paths (else it documents another call)."""
        own = self.page_endpoint(view.page.path)
        matched = view.example.endpoint
        return (
            own is not None
            and matched is not None
            and (matched == own.id or matched in own.alternatives)
        )

    def own_paths(self, path: str) -> PathIndex[None]:
        """The page's own syntax paths, for matching example URLs."""
        lines = [entry for block in self.page[path].blocks for entry in block.syntax]
        base = self.config.base_urls
        return PathIndex((m, normalize_path(raw, base)[0], None) for m, raw, _ in lines)

    @cached_property
    def all_paths(self) -> PathIndex[None]:
        """Every endpoint of the doc set, for matching example URLs."""
        base = self.config.base_urls
        return PathIndex(
            (e.method, normalize_path(e.path, base)[0], None) for e in self.model.endpoints
        )

    @cached_property
    def _endpoint_builder(self) -> EndpointBuilder:
        return EndpointBuilder(self.index, self.config.base_urls)

    @cached_property
    def examples(self) -> list[ExampleView]:
        by_source = {(x.source.file, x.source.line): x for x in self.model.examples}
        views: list[ExampleView] = []
        for page in self.pages:
            pairs, _ = pair_blocks(page)
            for pair in pairs:
                example = by_source.get((page.path, pair.request.line))
                if example is None:
                    continue
                endpoint = self.page_endpoint(page.path)
                if endpoint is None and example.endpoint:
                    endpoint = self.endpoints.get(example.endpoint)
                views.append(ExampleView(page, example, pair.request, pair.response, endpoint))
        return views

    @cached_property
    def files(self) -> FileSet:
        """Every file and folder of the doc set on disk (the pages when there is no root)."""
        root = self.options.root
        paths: Iterable[str] = self.page
        if root is not None and root.is_dir():
            paths = (p.relative_to(root).as_posix() for p in root.rglob("*"))
        exact = frozenset(paths)
        return FileSet(exact, {p.casefold(): p for p in sorted(exact)})


Check = Callable[[CheckContext], Iterable[Diagnostic]]
