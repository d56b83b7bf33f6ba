"""The API model: the contract every target (ours and users') is written against.

Plain frozen dataclasses. Resources, enums, endpoints, examples and diagnostics
know their content digest (`generator.digest`). Collections are tuples sorted by a stable key when
the model is built, so `model.json` has the same bytes for the same docs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from generator.diagnostics import Diagnostic
from generator.digest import Digested

SCHEMA_VERSION = 1

PRIMITIVE = "primitive"
RESOURCE = "resource"
ENUM = "enum"
UNRESOLVED = "unresolved"


@dataclass(frozen=True)
class TypeRef:
    """A reference to a type: `Edm.String`, `microsoft.graph.recipient`, ...

    `kind` is primitive, resource, enum or unresolved (named in the docs but
    defined nowhere: kept as written, with a diagnostic).
    """

    name: str
    kind: str
    collection: bool = False


@dataclass(frozen=True)
class Source:
    file: str
    line: int


@dataclass(frozen=True)
class Property:
    name: str
    type: TypeRef
    description: str = ""
    nullable: bool | None = None
    read_only: bool = False
    navigation: bool = False
    source: Source | None = None


@dataclass(frozen=True)
class Resource(Digested):
    name: str  # qualified: microsoft.graph.conversationThread
    namespace: str
    short_name: str
    base_type: str | None
    key_property: str | None
    open_type: bool
    abstract: bool
    description: str
    properties: tuple[Property, ...]
    source: Source


@dataclass(frozen=True)
class EnumMember:
    name: str
    value: int | None = None
    description: str = ""


@dataclass(frozen=True)
class Enum(Digested):
    name: str  # qualified
    namespace: str
    short_name: str
    members: tuple[EnumMember, ...]
    flags: bool
    description: str
    source: Source


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # path | query | header | body
    type: TypeRef | None = None
    required: bool = False
    description: str = ""


@dataclass(frozen=True)
class Permission:
    kind: str  # "Delegated (work or school account)", "Application", ...
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class ResponseSpec:
    status: int | None
    type: TypeRef | None


@dataclass(frozen=True)
class Endpoint(Digested):
    id: str  # stable: "<METHOD> <template>"
    method: str
    path: str  # normalised template with named parameters
    raw_path: str  # as written in the syntax block
    parameters: tuple[Parameter, ...]
    request_body: TypeRef | None
    response: ResponseSpec
    permissions: tuple[Permission, ...]
    title: str
    description: str
    alternatives: tuple[str, ...]  # ids of the other endpoints the page documents together
    source: Source
    also_on: tuple[str, ...] = ()  # the other pages that document this method and path


@dataclass(frozen=True)
class ExampleRequest:
    method: str
    url: str  # as written
    path: str  # base URL stripped, query removed
    query: str
    headers: tuple[tuple[str, str], ...]
    body: Any  # JSON value, or text when not JSON, or None
    body_is_json: bool
    content_type: str | None
    source: Source


@dataclass(frozen=True)
class ExampleResponse:
    status: int | None
    headers: tuple[tuple[str, str], ...]
    body: Any
    body_is_json: bool
    content_type: str | None
    odata_type: str | None
    is_collection: bool
    truncated: bool
    source: Source


@dataclass(frozen=True)
class Example(Digested):
    id: str  # stable, unique: the annotation name or "<page stem>-<n>"
    name: str | None
    endpoint: str | None  # Endpoint.id, None when no endpoint matches
    path_values: tuple[tuple[str, str], ...]
    request: ExampleRequest
    response: ExampleResponse | None
    inferred: bool
    source: Source
    # the path as it was read to tie it, when not as written: through an alias or
    # another form of the URL (`generator.model.urlforms`); "" when as written
    read_as: str = ""


@dataclass(frozen=True)
class PathAlias:
    """`prefix` (`/me`) addresses what `target` (`/users/{id}`) does: declared, or
    inferred from the docs (see `generator.model.aliases`)."""

    prefix: str
    target: str


@dataclass(frozen=True)
class ApiModel:
    schema_version: int
    namespace: str
    base_urls: tuple[str, ...]
    pages: int
    resources: tuple[Resource, ...]
    enums: tuple[Enum, ...]
    endpoints: tuple[Endpoint, ...]
    examples: tuple[Example, ...]
    diagnostics: tuple[Diagnostic, ...]
    aliases: tuple[PathAlias, ...] = ()


V = TypeVar("V")


class Same:
    """One object for equal values (frozen, so shareable): a page's work is kept
    pickled in runs of pages, and a pickle writes an object it holds twice once, so
    the parameters, permissions and types pages repeat load as one object each
    (Graph v1.0: 18,431 parameters, 2,633 different)."""

    def __init__(self) -> None:
        self._values: dict[Any, Any] = {}

    def __call__(self, value: V) -> V:
        return self._values.setdefault(value, value)  # type: ignore[no-any-return]
