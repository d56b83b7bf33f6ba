"""The client target: the model → an installable, typed Python client package.

`OUT/client/` holds `pyproject.toml`, a README and the package: `models.py`
(one pydantic model per resource, one open `StrEnum` per enum), `client.py`
(`Client`, `AsyncClient`), `_areas/<area>.py` (the operations under one first
path segment, imported on first use) and the fixed runtime, `_base.py`
(pydantic) and `_http.py` (httpx). This module decides every name, type,
import and order; the templates under `templates/client/` lay them out, in
black's layout (black formats only what docgen could not lay out).

`client_files` is pure: the model and a `Context` give the files. What one
resource, enum or endpoint adds to a module is a `Piece` on that element (and
on the digests of the little it reads of the others: `_Types`), and so is
each file, on its pieces: a build makes again only what an edit changed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import textwrap
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from generator.emit.content import Piece, made_now
from generator.emit.naming import (
    NameAllocator,
    OperationName,
    attribute_name,
    constant_name,
    doc_set_namespace,
    operation_names,
    package_name,
    py_identifier,
)
from generator.emit.navigation import example_paths, shape
from generator.emit.render import (
    LINE_LENGTH,
    Wrap,
    annotated,
    format_python,
    pystr,
)
from generator.emit.targets import Context, available
from generator.emit.templates import Templates
from generator.model.types import (
    ENUM,
    PRIMITIVE,
    RESOURCE,
    ApiModel,
    Endpoint,
    Enum,
    Parameter,
    Property,
    Resource,
    TypeRef,
)

Files = dict[str, str | bytes]
Used = tuple[tuple[str, str], ...]  # (module, name) pairs a piece of a module imports


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


PRIMITIVES = {
    "Edm.String": "str",
    "Edm.Boolean": "bool",
    "Edm.Byte": "int",
    "Edm.SByte": "int",
    "Edm.Int16": "int",
    "Edm.Int32": "int",
    "Edm.Int64": "int",
    "Edm.Single": "float",
    "Edm.Double": "float",
    "Edm.Decimal": "float",
    "Edm.DateTimeOffset": "str",
    "Edm.Date": "str",
    "Edm.TimeOfDay": "str",
    "Edm.Duration": "str",
    "Edm.Guid": "str",
    "Edm.Binary": "str",
    "Edm.Stream": "str",
}
# A model field of these holds the Python value (`datetime`...), parsed tolerantly and
# written back as the text it was read from (the client's `_base.py`); arguments stay text.
TYPED_FIELDS = {
    "Edm.DateTimeOffset": "DateTime",
    "Edm.Date": "Date",
    "Edm.TimeOfDay": "TimeOfDay",
    "Edm.Duration": "Duration",
    "Edm.Guid": "Guid",
    "Edm.Binary": "Binary",
}
# Members of the models' base class (pydantic's BaseModel + ApiObject): a
# property of that name takes a `_` suffix, as do names annotations use.
MODEL_MEMBERS = _words("""
    construct copy dict from_orm json model_computed_fields model_config
    model_construct model_copy model_dump model_dump_json model_extra model_fields
    model_fields_set model_json_schema model_parametrized_name model_post_init
    model_rebuild model_validate model_validate_json model_validate_strings parse_file
    parse_obj parse_raw schema schema_json update_forward_refs validate odata_name
    odata_type to_wire
    """)
ANNOTATION_NAMES = frozenset({"str", "int", "float", "bool", "bytes", "list", "dict"})
# Names the generated modules import: no model class may take them.
IMPORTED_NAMES = _words("""
    Any ClassVar Literal Sequence TYPE_CHECKING Unpack ApiObject Open OpenEnum OpenFlagEnum
    Op Page RequestOptions Listed Ordered Expanded DateTime Date TimeOfDay Duration Guid Binary
    SyncApi AsyncApi
    """)
# Module names `models/` cannot give a type's module: what its index defines or imports.
INDEX_NAMES = _words("annotations importlib typing")
CLIENT_MEMBERS = _words("""
    base_url default_base_url max_retries max_retry_delay request next_page changes iterate
    batch close aclose
    """)
ARG_RESERVED = frozenset(
    {"self", "options", "body", "extra_query", "extra_headers", "extra_body", "timeout"}
    | {"consistency_level"}
)
LIST_OPTION = "str | Sequence[str]"
# `$select`, `$orderby` and `$expand` of a typed resource: its property names (`Literal`).
NAMED_OPTIONS = {"$select": "Listed", "$orderby": "Ordered", "$expand": "Expanded"}
QUERY_TYPES = {"$top": "int", "$skip": "int", "$count": "bool"} | dict.fromkeys(
    ("$select", "$expand", "$orderby"), LIST_OPTION
)
ENTITY_OPTIONS = ("$select", "$expand")
COLLECTION_OPTIONS = (*ENTITY_OPTIONS, "$filter", "$orderby", "$top", "$skip", "$count", "$search")
NO_BODY = frozenset({"GET", "DELETE", "HEAD", "OPTIONS"})
DOC_WIDTH = 88
FIELD_INDENT = 4
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_WIRE = re.compile(r"[$@]?[\w.\-]+")


# ----- the context: what the templates see ------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    name: str
    wire: str
    annotation: str
    doc: str

    @property
    def declaration(self) -> Wrap:
        """`name: T | None = wire("wireName")` (or `= None`), split where black splits it:
        in `wire(...)`, else around it, else around the annotation."""
        target = f"{self.name}: {self.annotation} = "
        if self.name == self.wire:
            return annotated(self.name, self.annotation, " = None")
        if FIELD_INDENT + len(target) + len("wire(") <= LINE_LENGTH:
            return Wrap(f"{target}wire", (pystr(self.wire),))
        value = f"wire({pystr(self.wire)})"
        if FIELD_INDENT + len(target) + 1 <= LINE_LENGTH:
            return Wrap(target, (value,), optional=True)
        return annotated(self.name, self.annotation, f" = {value}")


@dataclass(frozen=True)
class ModelSpec:
    name: str
    base: str
    odata_name: str
    doc: str
    fields: tuple[FieldSpec, ...]


@dataclass(frozen=True)
class MemberSpec:
    name: str
    value: str
    doc: str


@dataclass(frozen=True)
class EnumSpec:
    name: str
    base: str
    doc: str
    members: tuple[MemberSpec, ...]


@dataclass(frozen=True)
class ArgSpec:
    name: str  # the Python parameter
    wire: str  # the path placeholder, query option or body property it fills
    annotation: str
    required: bool = False


@dataclass(frozen=True)
class MethodSpec:
    endpoint: str  # Endpoint.id
    name: str
    constant: str  # the module-level `Op` the method sends
    op_args: tuple[str, ...]
    params: tuple[str | Wrap, ...]  # the signature
    returns: str
    call_args: tuple[str | Wrap, ...]  # the arguments of `_call(...)`
    doc: str
    path_args: tuple[ArgSpec, ...]
    query_args: tuple[ArgSpec, ...]
    body_args: tuple[ArgSpec, ...]
    body_kind: str  # "model", "fields", "content", "json" or "" (no body)

    @property
    def op_line(self) -> Wrap:
        """`_op_x = Op(...)`; where `_op_x = Op(` is too long (a long name) but `_op_x = (`
        and the call fit, black's `_op_x = (` / `Op(...)` / `)`."""
        call = Wrap("Op", self.op_args)
        head = f"{self.constant} = "
        if len(head + "Op(") > LINE_LENGTH >= len(head + "(") and 4 + len(call.text) <= LINE_LENGTH:
            return Wrap(head, (call,), optional=True)
        return Wrap(f"{self.constant} = Op", self.op_args)


@dataclass
class Imports:
    """The names one generated module uses, by the module they come from."""

    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def use(self, module: str, name: str) -> str:
        self.names[module].add(name)
        return name

    def used(self) -> Used:
        """The names used, as plain data (a piece's value)."""
        return tuple(sorted((m, n) for m, names in self.names.items() for n in names))

    def use_all(self, used: Iterable[tuple[str, str]]) -> None:
        names = self.names
        for module, name in used:
            names[module].add(name)

    def groups(self, depth: int, own: str = "") -> list[list[tuple[str, tuple[str, ...]]]]:
        """(module, names) for a module `depth` packages below the package root: the
        standard library first, then the package's own modules (`.x` names them); names
        in isort's order (constants, classes, the rest)."""
        groups: list[list[tuple[str, tuple[str, ...]]]] = [[], []]
        for module, names in sorted(self.names.items()):
            if module != own and names:
                local = module.startswith(".")
                source = "." * depth + module[1:] if local else module
                groups[local].append((source, tuple(sorted(names, key=_isort_key))))
        return [g for g in groups if g]


def _isort_key(name: str) -> tuple[int, str]:
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2), name


@dataclass(frozen=True)
class AreaTexts:
    """Each method's pieces of its area module (see `templates/client/pieces.jinja`)."""

    constants: tuple[str, ...]
    sync: tuple[str, ...]
    asynchronous: tuple[str, ...]


@dataclass(frozen=True)
class AreaModule:
    """What `area.py.jinja` lays out: an area's names and its methods' texts."""

    attr: str  # the client attribute
    module: str
    sync_class: str
    async_class: str
    doc: str
    texts: AreaTexts


@dataclass(frozen=True)
class _Area:
    """An area as the client is planned: its names, and its methods' names and endpoints."""

    attr: str
    module: str
    sync_class: str
    async_class: str
    doc: str
    methods: tuple[tuple[str, Endpoint], ...]  # (method name, endpoint), in module order

    @property
    def names(self) -> dict[str, str]:
        """What `client.py.jinja` reads of the area."""
        return {
            "attr": self.attr,
            "module": self.module,
            "sync_class": self.sync_class,
            "async_class": self.async_class,
        }


@dataclass(frozen=True)
class AreaSpec:
    attr: str  # the client attribute
    module: str
    sync_class: str
    async_class: str
    doc: str
    methods: tuple[MethodSpec, ...]


@dataclass(frozen=True)
class ClientContext:
    """Every name and method of the client, for callers that read them (the tests)."""

    package: str
    namespace: str
    base_url: str
    classes: Mapping[str, str]  # qualified type name -> class name
    areas: tuple[AreaSpec, ...]
    copies: Mapping[str, str]  # an endpoint documented twice -> the one its method is of

    def method(self, endpoint_id: str) -> tuple[AreaSpec, MethodSpec]:
        """The area and method of an endpoint."""
        endpoint_id = self.copies.get(endpoint_id, endpoint_id)
        return next((a, m) for a in self.areas for m in a.methods if m.endpoint == endpoint_id)


# ----- names and types ---------------------------------------------------------------


def class_names(model: ApiModel, value: Callable[[Piece], Any] = made_now) -> dict[str, str]:
    """A unique PascalCase class name per resource and enum (keyed by qualified name).

    Where two types share a short name, those outside the doc set's own
    namespace take their sub-namespace in (`CallRecordsMediaStream`); the
    allocator settles anything left, in sorted order. A piece on what it reads:
    every type's name, short name and namespace.
    """
    types: list[Resource | Enum] = [*model.resources, *model.enums]
    read = tuple((t.name, t.short_name, t.namespace) for t in types)
    return dict(value(Piece(_class_names, model.namespace, read)))


def _class_names(
    namespace: str, types: tuple[tuple[str, str, str], ...]
) -> tuple[tuple[str, str], ...]:
    """(qualified name, class name) of the types, each (name, short name, namespace)."""
    counts = Counter(py_identifier(short, style="pascal") for _, short, _ in types)
    desired: dict[str, str] = {}
    for qualified, short, own in types:
        name = py_identifier(short, style="pascal")
        if counts[name] > 1 and own != namespace:
            sub = own.removeprefix(namespace + ".")
            name = py_identifier(f"{sub}.{short}", style="pascal")
        desired.setdefault(qualified, name)
    allocator = NameAllocator(IMPORTED_NAMES)
    return tuple((key, allocator.allocate(desired[key])) for key in sorted(desired))


def module_names(classes: Iterable[str]) -> dict[str, str]:
    """A module of `models/` per class: its snake_case name, unique ignoring case (a
    package may land on a case-insensitive file system)."""
    allocator = NameAllocator(INDEX_NAMES)
    return {cls: allocator.allocate(py_identifier(cls)) for cls in sorted(classes)}


def property_aliases(classes: Iterable[str], resources: Iterable[str]) -> dict[str, str]:
    """Per resource class, the name of the `Literal` of its property names
    (`UserPropertyName`): no class's name, nor a name the modules import."""
    allocator = NameAllocator({*classes, *IMPORTED_NAMES})
    return {cls: allocator.allocate(f"{cls}PropertyName") for cls in sorted(resources)}


def free_form(model: ApiModel) -> set[str]:
    """Resources that declare nothing: no property, no base, no subclass (`Json`).

    The docs use them for free-form JSON; an empty class would reject the arrays,
    strings and numbers they carry, so values of these types are typed `Any`.
    """
    bases = {r.base_type for r in model.resources}
    return {r.name for r in model.resources if not (r.properties or r.base_type or r.name in bases)}


Shape = Mapping[str, tuple[str | None, tuple[str, ...]]]  # resource -> (base, property names)


def types_shape(model: ApiModel) -> dict[str, tuple[str | None, tuple[str, ...]]]:
    """What a piece made from one type or endpoint may read of the resources: each one's
    base and property names (not their descriptions)."""
    return {r.name: (r.base_type, tuple(p.name for p in r.properties)) for r in model.resources}


class _Types:
    """TypeRef → annotation text, recording the classes it names in an `Imports`.

    Everything a piece reads of the model besides its own element: the class names,
    the free-form resources and the resources' shape. Its `digest` keys the pieces
    made with it (see `generator.emit.content`)."""

    def __init__(self, classes: Mapping[str, str], free_form: set[str], shape: Shape) -> None:
        self.named = classes
        self.classes = {**{k.casefold(): v for k, v in classes.items()}, **classes}
        self.free_form = free_form
        self.shape = shape
        self.modules = module_names(classes.values())
        self.aliases = property_aliases(
            classes.values(), (v for k, v in classes.items() if k in shape)
        )

    def module_of(self, cls: str) -> str:
        """Where `models/` defines a class (or its property-name alias): `.models.user`."""
        return f".models.{self.modules[cls]}"

    def property_names(self, resource: str) -> tuple[str, ...]:
        """The wire names of `resource`'s properties, its bases' first (not `@` annotations)."""
        chain: list[str] = []
        current: str | None = resource
        while current is not None and current in self.shape and current not in chain:
            chain.append(current)
            current = self.shape[current][0]
        names = (n for r in reversed(chain) for n in self.shape[r][1] if not n.startswith("@"))
        return tuple(dict.fromkeys(names))

    def property_alias(self, ref: TypeRef | None) -> str | None:
        """The `Literal` of a resource's property names (`UserPropertyName`), if it has any."""
        cls = self.class_of(ref)
        if cls is None or ref is None or ref.kind != RESOURCE:
            return None
        if not self.property_names(self.named_resource(ref)):
            return None
        return self.aliases[cls]

    def named_resource(self, ref: TypeRef) -> str:
        """`ref`'s resource as the model spells it (a type name may differ in case)."""
        if ref.name in self.shape:
            return ref.name
        folded = ref.name.casefold()
        return next((name for name in self.shape if name.casefold() == folded), ref.name)

    @cached_property
    def digest(self) -> str:
        read = (sorted(self.named.items()), sorted(self.free_form), sorted(self.shape.items()))
        return hashlib.sha256(repr(read).encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def class_of(self, ref: TypeRef | None) -> str | None:
        if ref is None or ref.kind not in (RESOURCE, ENUM) or ref.name in self.free_form:
            return None
        return self.classes.get(ref.name) or self.classes.get(ref.name.casefold())

    def scalar(self, ref: TypeRef | None, imports: Imports) -> str:
        cls = self.class_of(ref)
        if cls is not None:
            return imports.use(".models", cls)
        if ref is not None and ref.kind == PRIMITIVE and ref.name in PRIMITIVES:
            return PRIMITIVES[ref.name]
        return imports.use("typing", "Any")

    def field(self, ref: TypeRef, imports: Imports) -> str:
        """A model field's type: an enum's is `Open[X]` (see the client's `_base.py`: a
        constructor takes `"html"` as it takes `BodyType.HTML`, and reads give the enum)."""
        inner = self.scalar(ref, imports)
        if ref.kind == ENUM and inner != "Any":
            inner = f"{imports.use('._base', 'Open')}[{inner}]"
        elif ref.kind == PRIMITIVE and ref.name in TYPED_FIELDS:
            inner = imports.use("._base", TYPED_FIELDS[ref.name])
        return f"list[{inner}] | None" if ref.collection else f"{inner} | None"

    def argument(self, ref: TypeRef | None, imports: Imports) -> str:
        """A keyword argument's type: models also as dicts, enums also as plain strings."""
        inner = self.scalar(ref, imports)
        if ref is not None and ref.kind == RESOURCE and inner != "Any":
            inner = f"{inner} | {self.dict_type(imports)}"
        elif ref is not None and ref.kind == ENUM and inner != "Any":
            inner = f"{inner} | str"
        if ref is not None and ref.collection:
            inner = f"{imports.use('collections.abc', 'Sequence')}[{inner}]"
        return inner

    @staticmethod
    def dict_type(imports: Imports) -> str:
        return f"dict[str, {imports.use('typing', 'Any')}]"


_WRAP = textwrap.TextWrapper(DOC_WIDTH, break_long_words=False, break_on_hyphens=False)
_WRAP_ARG = textwrap.TextWrapper(DOC_WIDTH, subsequent_indent=" " * 8, break_long_words=False)


def _fill(text: str, arg: bool = False) -> str:
    """textwrap, for a text of single spaces: one that fits the width is its own fill
    (most are: `id`, `createdDateTime`...)."""
    if len(text) <= DOC_WIDTH:
        return text
    return (_WRAP_ARG if arg else _WRAP).fill(text)


def _doc(*paragraphs: str) -> str:
    """Doc text as wrapped paragraphs (escaped later, by the `docstring` filter)."""
    return "\n\n".join(_fill(" ".join(p.split())) for p in paragraphs if p and p.strip())


# ----- models ----------------------------------------------------------------------


def _bases(resources: Iterable[Resource]) -> dict[str, str | None]:
    """Each resource's base resource; None for roots, unknown bases and cycles."""
    by_name = {r.name: r for r in resources}
    bases: dict[str, str | None] = {}
    for r in by_name.values():
        seen = {r.name}
        base = r.base_type
        while base in by_name and base not in seen:
            seen.add(base)
            base = by_name[base].base_type
        bases[r.name] = r.base_type if r.base_type in by_name and base not in seen else None
    return bases


def _hierarchy_order(resources: list[Resource], classes: Mapping[str, str]) -> list[Resource]:
    """Resources by class name, each after its base."""
    by_name = {r.name: r for r in resources}
    bases = _bases(resources)
    done: set[str] = set()
    ordered: list[Resource] = []
    for r in sorted(resources, key=lambda r: (classes[r.name], r.name)):
        chain: list[Resource] = []
        name: str | None = r.name
        while name is not None and name not in done:
            chain.append(by_name[name])
            done.add(name)
            name = bases[name]
        ordered.extend(reversed(chain))
    return ordered


@dataclass(frozen=True)
class _Inherited:
    """What a model inherits: its bases' wire names and attribute names (with the base
    class's members). Its `digest` names the chain of resources they come from, all
    they are made of: a piece made with it is keyed by that, not by the names."""

    wires: frozenset[str]
    names: frozenset[str]
    digest: str

    def of(self, r: Resource, attributes: Iterable[str]) -> _Inherited:
        """What a subclass of `r` inherits: this, with `r`'s own properties."""
        wires = self.wires | frozenset(_own_properties(r, self.wires))
        chain = hashlib.sha256(f"{self.digest}\0{r.digest}".encode()).hexdigest()[:32]
        return _Inherited(wires, self.names | frozenset(attributes), chain)


_ROOT = _Inherited(frozenset({"@odata.type"}), MODEL_MEMBERS, "root")


def _own_properties(r: Resource, inherited_wires: frozenset[str]) -> dict[str, Property]:
    """The properties `r` declares, by wire name: not those a base declares already."""
    props: dict[str, Property] = {}
    for p in r.properties:
        if p.name not in inherited_wires:
            props.setdefault(p.name, p)
    return props


def _model_files(
    model: ApiModel, types: _Types, templates: Templates, value: Callable[[Piece], Any]
) -> dict[str, Piece]:
    """One module per resource, by class name, each a piece. A property its base already
    declares (same wire name) is inherited, not redeclared; attribute names are unique
    along the hierarchy: each resource's are named (`value`) before its subclasses'."""
    bases = _bases(model.resources)
    inherited: dict[str, _Inherited] = {}
    files: dict[str, Piece] = {}
    for r in _hierarchy_order(list(model.resources), types.classes):
        base = bases[r.name]
        own = inherited[base] if base else _ROOT
        files[types.classes[r.name]] = Piece(_model_module, r, base, own, types, templates)
        inherited[r.name] = own.of(r, value(Piece(_model_attributes, r, own)))
    return files


def _model_attributes(r: Resource, inherited: _Inherited) -> tuple[str, ...]:
    """The attribute names of a model's own properties (what its subclasses build on)."""
    props = _own_properties(r, inherited.wires)
    attrs = _attributes(sorted(props), inherited.names, inherited.wires | props.keys())
    return tuple(attrs[wire] for wire in props)


def _model_module(
    r: Resource, base: str | None, inherited: _Inherited, types: _Types, templates: Templates
) -> str:
    """A model's module."""
    imports = Imports()
    imports.use("typing", "ClassVar")
    spec = _model_spec(r, base, inherited, types, imports)
    text = templates.macro("pieces.jinja", "model_class")(spec)
    names = types.property_names(r.name)
    if names:
        imports.use("typing", "Literal")
        text += templates.macro("pieces.jinja", "property_alias")(types.aliases[spec.name], names)
    doc = f"`{spec.name}`: {r.name}. Generated by docgen; do not edit."
    base_class = types.classes[base] if base else None
    module = _type_module(types, imports, spec.name, base_class)
    return format_python(templates.render("type_module.py.jinja", doc=doc, text=text, **module))


def _type_module(types: _Types, imports: Imports, own: str, base: str | None) -> dict[str, Any]:
    """The imports of a module of `models/`. The models its annotations name are imported
    for type checkers only, and listed in `_REFERENCED`, which the client's `_base.py`
    resolves on first use: importing one model does not import all it reaches. Its base
    class is imported: its class statement needs it."""
    named = imports.names.pop(".models", set())
    referenced = sorted(named - {own, base})
    if base is not None:
        imports.use(f".models.{types.modules[base]}", base)
    if referenced:
        imports.use("typing", "TYPE_CHECKING")
    checking: dict[str, list[str]] = defaultdict(list)
    for name in referenced:
        checking[f".{types.modules[name]}"].append(name)
    groups = [
        [(source.replace("..models.", ".", 1), names) for source, names in group]
        for group in imports.groups(2)
    ]
    return {"imports": groups, "checking": sorted(checking.items()), "referenced": referenced}


def _model_spec(
    r: Resource, base: str | None, inherited: _Inherited, types: _Types, imports: Imports
) -> ModelSpec:
    props = _own_properties(r, inherited.wires)
    attrs = _attributes(sorted(props), inherited.names, inherited.wires | props.keys())
    return ModelSpec(
        name=types.classes[r.name],
        base=types.classes[base] if base else imports.use("._base", "ApiObject"),
        odata_name=r.name,
        doc=_doc(r.description or r.short_name, f"Source: {r.source.file}"),
        fields=tuple(_field_spec(attrs[p.name], p, types, imports) for p in props.values()),
    )


def _attributes(
    props: list[str], taken: AbstractSet[str], wires: AbstractSet[str]
) -> dict[str, str]:
    """Attribute names for the wire names `props`. A wire name that is a fine attribute
    keeps it; the others take names that no wire name of the hierarchy has: validated
    by name and by alias, an attribute named like another field's wire name would take
    that field's values too."""
    reserved = MODEL_MEMBERS | ANNOTATION_NAMES
    folded = {t.casefold() for t in taken}
    attrs = {w: w for w in props if attribute_name(w, reserved) == w and w not in folded}
    allocator = NameAllocator({*taken, *wires})
    for w in props:
        if w not in attrs:
            attrs[w] = allocator.allocate(attribute_name(w, reserved))
    return attrs


def _field_spec(attribute: str, prop: Property, types: _Types, imports: Imports) -> FieldSpec:
    if attribute != prop.name:
        imports.use("._base", "wire")
    return FieldSpec(attribute, prop.name, types.field(prop.type, imports), _doc(prop.description))


def _enum_module(e: Enum, name: str, templates: Templates) -> str:
    """An enum's module of `models/`."""
    imports = Imports()
    spec = _enum_spec(e, name, imports)
    text = templates.macro("pieces.jinja", "enum_class")(spec)
    doc = f"`{name}`: {e.name}. Generated by docgen; do not edit."
    module = {"imports": imports.groups(2), "checking": (), "referenced": ()}
    return format_python(templates.render("type_module.py.jinja", doc=doc, text=text, **module))


def _enum_spec(e: Enum, name: str, imports: Imports) -> EnumSpec:
    allocator = NameAllocator()
    members: dict[str, MemberSpec] = {}
    for m in e.members:
        if m.name and m.name not in members:
            member = allocator.allocate(constant_name(m.name))
            members[m.name] = MemberSpec(member, m.name, _doc(m.description))
    return EnumSpec(
        name=name,
        base=imports.use("._base", "OpenFlagEnum" if e.flags else "OpenEnum"),
        doc=_doc(e.description or e.short_name, f"Source: {e.source.file}"),
        members=tuple(members.values()),
    )


def _path_format(path: str) -> tuple[str, list[str], tuple[int, ...], tuple[int, ...]]:
    """`/a/{x}/b` → (`/a/{0}/b`, [x], arguments keeping `/`, arguments inside quotes)."""
    parts: list[str] = []
    params: list[str] = []
    keep_slash: list[int] = []
    quoted: list[int] = []
    pos = 0
    for i, m in enumerate(_PLACEHOLDER.finditer(path)):
        parts += [path[pos : m.start()].replace("{", "{{").replace("}", "}}"), f"{{{i}}}"]
        params.append(m.group(1))
        if path[: m.start()].endswith(":/"):
            keep_slash.append(i)
        if path[: m.start()].endswith("'"):
            quoted.append(i)
        pos = m.end()
    parts.append(path[pos:].replace("{", "{{").replace("}", "}}"))
    return "".join(parts), params, tuple(keep_slash), tuple(quoted)


def _is_binary_path(path: str) -> bool:
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return last in ("$value", "content") or last.endswith(":content")


def _unique_params(endpoint: Endpoint, location: str) -> list[tuple[str, Parameter]]:
    """(wire name, parameter) at `location`, first of each name: `$filter with any` → `$filter`."""
    seen: dict[str, tuple[str, Parameter]] = {}
    for p in endpoint.parameters:
        m = _WIRE.match(p.name.strip().strip("`")) if p.location == location else None
        if m is not None and m.group(0).casefold() not in seen:
            seen[m.group(0).casefold()] = (m.group(0), p)
    return list(seen.values())


def _declared_wires(resource: str, shape: Shape) -> set[str]:
    """The wire names (casefolded) `resource` and its bases declare."""
    wires: set[str] = set()
    seen: set[str] = set()
    current: str | None = resource
    while current is not None and current in shape and current not in seen:
        seen.add(current)
        base, properties = shape[current]
        wires |= {name.casefold() for name in properties}
        current = base
    return wires


def _is_model_ref(ref: TypeRef | None, types: _Types) -> bool:
    return (
        ref is not None
        and not ref.collection
        and ref.kind == RESOURCE
        and bool(types.class_of(ref))
    )


def _body_target(endpoint: Endpoint, types: _Types) -> TypeRef | None:
    """The resource the request body is: the page's request body type, or what a
    PATCH/PUT without one returns."""
    if _is_model_ref(endpoint.request_body, types):
        return endpoint.request_body
    if endpoint.request_body is None and endpoint.method in ("PATCH", "PUT"):
        ref = endpoint.response.type
        return ref if _is_model_ref(ref, types) else None
    return None


def _param(arg: ArgSpec) -> Wrap:
    """`name: annotation = None`; black parenthesizes a long annotation."""
    return annotated(arg.name, arg.annotation, "" if arg.required else " = None")


def _mapping(keyword: str, args: Iterable[ArgSpec]) -> Wrap:
    """`keyword={"wire": name, ...}`."""
    entries = tuple(f"{pystr(a.wire)}: {a.name}" for a in args)
    return Wrap(f"{keyword}=", entries, brackets="{}", explode=True)


def _tuple(names: tuple[str, ...]) -> str | Wrap:
    return f"({names[0]},)" if len(names) == 1 else Wrap("", names, explode=True)


class _Method:
    """One endpoint's method: arguments, request body, return type, docstring."""

    def __init__(self, endpoint: Endpoint, name: str, types: _Types) -> None:
        self.endpoint = endpoint
        self.name = name
        self.types = types
        self.args = NameAllocator(ARG_RESERVED)
        self.docs: list[tuple[str, str]] = []

    def spec(self, imports: Imports) -> MethodSpec:
        e = self.endpoint
        template, placeholders, keep_slash, quoted = _path_format(e.path)
        path_args = tuple(
            ArgSpec(self.args.allocate(py_identifier(p)), p, self._path_type(p), required=True)
            for p in placeholders
        )
        query_args = self._query(imports)
        body_kind, body_args = self._body(imports)
        returns, decoder = self._returns(imports)
        op_args = [pystr(e.method), pystr(template), decoder]
        op_args += [f"{k}={v}" for k, v in (("keep_slash", keep_slash), ("quoted", quoted)) if v]
        keyword_args = (*query_args, *body_args)
        params: list[str | Wrap] = ["self", *(_param(a) for a in path_args)]
        params += ["*", *(_param(a) for a in keyword_args)] if keyword_args else []
        params.append(f"**options: {imports.use('typing', 'Unpack')}[RequestOptions]")
        call: list[str | Wrap] = [f"_op_{self.name}"]
        call += [_tuple(tuple(a.name for a in path_args))] if path_args else []
        call += [_mapping("query", query_args)] if query_args else []
        call += [_body_argument(body_kind, body_args), "**options"] if body_kind else ["**options"]
        for name in ("Op", "RequestOptions"):
            imports.use("._http", name)
        return MethodSpec(
            endpoint=e.id,
            name=self.name,
            constant=f"_op_{self.name}",
            op_args=tuple(op_args),
            params=tuple(params),
            returns=returns,
            call_args=tuple(call),
            doc=self._docstring(),
            path_args=path_args,
            query_args=query_args,
            body_args=body_args,
            body_kind=body_kind,
        )

    def _path_type(self, placeholder: str) -> str:
        """`str`, or the documented number or boolean type (`image(width={w})`)."""
        for p in self.endpoint.parameters:
            if p.location == "path" and p.name == placeholder and p.type is not None:
                scalar = PRIMITIVES.get(p.type.name) if p.type.kind == PRIMITIVE else None
                return scalar if scalar in ("int", "float", "bool") else "str"
        return "str"

    def _query(self, imports: Imports) -> tuple[ArgSpec, ...]:
        """The documented query parameters, then the OData options a GET of a resource
        takes whether or not its page lists them (`select`, `expand`; on a collection
        also `filter`, `orderby`, `top`, `skip`, `count`, `search`)."""
        params = [
            (wire, p.type, p.description) for wire, p in _unique_params(self.endpoint, "query")
        ]
        listed = {wire.casefold() for wire, _, _ in params}
        params += [(wire, None, "") for wire in self._odata_options() if wire not in listed]
        args = []
        names = self.types.property_alias(self.endpoint.response.type)
        for wire, ref, description in params:
            annotation = QUERY_TYPES.get(wire.casefold())
            named = NAMED_OPTIONS.get(wire.casefold())
            if names is not None and named is not None:
                annotation = f"{imports.use('._http', named)}[{imports.use('.models', names)}]"
            elif annotation is None:
                annotation = self.types.argument(ref, imports) if ref else "str"
            elif annotation == LIST_OPTION:
                imports.use("collections.abc", "Sequence")
            name = self.args.allocate(py_identifier(wire))
            args.append(ArgSpec(name, wire, f"{annotation} | None"))
            self.docs.append((name, description))  # (the standard options: no text)
        return tuple(args)

    def _odata_options(self) -> tuple[str, ...]:
        e = self.endpoint
        ref = e.response.type
        if e.method != "GET" or self.types.class_of(ref) is None or ref is None:
            return ()
        return COLLECTION_OPTIONS if ref.collection else ENTITY_OPTIONS

    def _body(self, imports: Imports) -> tuple[str, tuple[ArgSpec, ...]]:
        """The request body: a model (or dict), the documented properties of an action as
        keyword arguments, bytes for an upload, or any JSON where nothing is documented."""
        e = self.endpoint
        if e.method in NO_BODY:
            return "", ()
        if _is_binary_path(e.path):
            return "content", (ArgSpec("body", "", "bytes", required=True),)
        if e.path.endswith("/$ref") and e.method in ("POST", "PUT"):
            name = self.args.allocate("odata_id")  # the URL of the entity referred to
            self.docs.append((name, "The URL of the entity to refer to (`@odata.id`)."))
            return "fields", (ArgSpec(name, "@odata.id", "str", required=True),)
        params = _unique_params(e, "body")
        target = _body_target(e, self.types)
        if target is not None and self._mostly_properties(params, target):
            annotation = f"{self.types.scalar(target, imports)} | {self.types.dict_type(imports)}"
            return "model", (ArgSpec("body", "", annotation, required=True),)
        if params:
            args = []
            for wire, p in params:
                name = self.args.allocate(py_identifier(wire))
                args.append(ArgSpec(name, wire, f"{self.types.argument(p.type, imports)} | None"))
                self.docs.append((name, p.description))
            return "fields", tuple(args)
        return "json", (ArgSpec("body", "", f"{self.types.dict_type(imports)} | None"),)

    def _mostly_properties(self, params: list[tuple[str, Parameter]], target: TypeRef) -> bool:
        """Whether the documented body parameters are (mostly) properties of `target`."""
        if not params:
            return True
        declared = _declared_wires(target.name, self.types.shape)
        return 2 * sum(w.split("@")[0].casefold() in declared for w, _ in params) >= len(params)

    def _returns(self, imports: Imports) -> tuple[str, str]:
        """(return annotation, decoder expression)."""
        e = self.endpoint
        ref, status = e.response.type, e.response.status
        cls = self.types.class_of(ref)
        rt = "._http"
        stream = ref is not None and ref.name == "Edm.Stream"
        if e.method == "GET" and (_is_binary_path(e.path) or status == 302 or stream):
            return "bytes", imports.use(rt, "content")
        if e.method == "DELETE" or status == 204 or (ref is None and status == 202):
            return "None", imports.use(rt, "nothing")
        if ref is None or cls is None:
            return imports.use("typing", "Any"), imports.use(rt, "anything")
        imports.use(".models", cls)
        if ref.collection:
            return f"{imports.use(rt, 'Page')}[{cls}]", f"{imports.use(rt, 'page')}({cls})"
        if e.method in ("GET", "POST"):
            return cls, f"{imports.use(rt, 'one')}({cls})"
        return f"{cls} | None", f"{imports.use(rt, 'maybe')}({cls})"  # PATCH/PUT: maybe 204

    def _docstring(self) -> str:
        e = self.endpoint
        text = _doc(e.title or self.name, e.description)
        text += f"\n\n`{e.method} {e.path}` ({e.source.file})"
        args = [f"{name}: {' '.join(doc.split())}" for name, doc in self.docs if doc.strip()]
        if args:
            text += "\n\nArgs:\n" + "\n".join("    " + _fill(a, arg=True) for a in args)
        return text


def _body_argument(kind: str, args: tuple[ArgSpec, ...]) -> str | Wrap:
    if kind == "fields":
        return _mapping("fields", args)
    return "content=body" if kind == "content" else "body=body"


_METHOD_MACROS = ("op_constant", "sync_method", "async_method")  # the order of AreaTexts


def _method_piece(
    endpoint: Endpoint, name: str, types: _Types, templates: Templates
) -> tuple[Used, bool, tuple[str, ...]]:
    """What the area module needs of a method, without its spec: the imports it uses,
    whether it is a plain list (for the README), and its texts (one piece for all
    three: one lookup a method when they are kept)."""
    imports = Imports()
    spec = _Method(endpoint, name, types).spec(imports)
    texts = tuple(templates.macro("pieces.jinja", macro)(spec) for macro in _METHOD_MACROS)
    return imports.used(), _plain_list(spec), texts


def _plain_list(spec: MethodSpec) -> bool:
    """A method that lists a collection and takes no path arguments."""
    return spec.returns.startswith("Page[") and not spec.path_args


def batching(model: ApiModel) -> bool:
    """Whether the docs describe JSON batching: a `POST /$batch` endpoint or example."""
    paths = [(e.method, e.path) for e in model.endpoints]
    paths += [(x.request.method, x.request.path) for x in model.examples]
    return any(m == "POST" and p.rstrip("/") == "/$batch" for m, p in paths)


def copies(model: ApiModel) -> dict[str, str]:
    """Endpoints documented twice, under other names for their path parameters
    (`/users/{user-id}` on one page, `/users/{usersId}` on another) or in another case
    (`/groups/{id}/Threads`), by id: the id of the one the client's method is made from
    (the one with a typed response, then the one whose segments are not capitalised,
    then the most parameters documented, then the first id). One method per endpoint."""
    same: dict[tuple[str, str], list[Endpoint]] = defaultdict(list)
    for e in model.endpoints:
        same[shape(e.method, e.path)].append(e)
    found: dict[str, str] = {}
    for group in same.values():
        if len(group) > 1:
            group.sort(
                key=lambda e: (
                    e.response.type is None,
                    any(s[:1].isupper() for s in e.path.split("/")),
                    -len(e.parameters),
                    e.id,
                )
            )
            found |= {e.id: group[0].id for e in group[1:]}
    return found


def _kept(model: ApiModel, copied: Mapping[str, str]) -> tuple[Endpoint, ...]:
    """The endpoints the client has a method for: one per endpoint documented twice
    (`copied`: `copies(model)`), and one per path only examples show."""
    return tuple(e for e in model.endpoints if e.id not in copied) + example_paths(model)


def method_names(
    model: ApiModel, value: Callable[[Piece], Any] = made_now
) -> dict[str, OperationName]:
    """The client's method for every endpoint id (a copy: its twin's), as `_areas` names
    them: what the generated tests call."""
    copied = copies(model)
    named = operation_names(dataclasses.replace(model, endpoints=_kept(model, copied)), value)
    return named | {eid: named[kept] for eid, kept in copied.items() if kept in named}


def _areas(model: ApiModel, types: _Types, value: Callable[[Piece], Any]) -> list[_Area]:
    """One area per first path segment (naming's `OperationName.area`), its methods
    named by `operation_names`: stable, and unique across the API."""
    kept = _kept(model, copies(model))
    endpoints = {e.id: e for e in kept}
    by_area: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for eid, op in operation_names(dataclasses.replace(model, endpoints=kept), value).items():
        by_area[op.area].append((op.name, eid))
    attrs = NameAllocator(CLIENT_MEMBERS)
    names = NameAllocator({*types.named.values(), *types.aliases.values(), *IMPORTED_NAMES})
    areas = []
    for area, ops in sorted(by_area.items()):
        method_names = NameAllocator({"_client"})
        methods = tuple(
            (method_names.allocate(op + "_" if op in ANNOTATION_NAMES else op), endpoints[eid])
            for op, eid in sorted(ops)
        )
        title = py_identifier(area, style="pascal", fallback="root")
        segment = min(endpoints[eid].path for _, eid in ops).strip("/").split("/")[0]
        areas.append(
            _Area(
                attr=attrs.allocate(attribute_name(area)),
                module=area,
                sync_class=names.allocate(f"{title}Api"),
                async_class=names.allocate(f"Async{title}Api"),
                doc=f"Operations under `/{segment}`.",
                methods=methods,
            )
        )
    return areas


# ----- the target --------------------------------------------------------------------


def client_files(model: ApiModel, context: Context) -> dict[str, str | Piece]:
    """`client/...` → content: the whole client package. Names that structure the files
    are made now (`context.value`); each file is a piece (an area's module of one piece
    a method)."""
    value, templates = context.value, context.templates
    plain = _plain(model, context.settings)
    types = _types(model, value)
    areas = _areas(model, types, value)
    methods = {area.module: _method_pieces(area, types, templates) for area in areas}
    pkg = plain["package"]
    files: dict[str, str | Piece] = {
        f"{pkg}/__init__.py": Piece(_python_file, templates, "__init__.py.jinja", plain),
        f"{pkg}/_base.py": Piece(_python_file, templates, "_base.py.jinja", plain),
        f"{pkg}/_http.py": Piece(_python_file, templates, "_http.py.jinja", plain),
        f"{pkg}/client.py": Piece(
            _python_file,
            templates,
            "client.py.jinja",
            {**plain, "areas": tuple(area.names for area in areas), "batch": batching(model)},
        ),
        f"{pkg}/models/__init__.py": Piece(
            _python_file, templates, "models_init.py.jinja", {**plain, **_index(model, types)}
        ),
        f"{pkg}/_areas/__init__.py": Piece(_python_file, templates, "_areas_init.py.jinja", plain),
        f"{pkg}/py.typed": "",
        "pyproject.toml": Piece(_text_file, templates, "pyproject.toml.jinja", plain),
        "README.md": Piece(
            _text_file,
            templates,
            "README.md.jinja",
            {**plain, "example": _example(areas, methods, value)},
        ),
    }
    for name, module in _model_files(model, types, templates, value).items():
        files[f"{pkg}/models/{types.modules[name]}.py"] = module
    for e in model.enums:
        name = types.classes[e.name]
        files[f"{pkg}/models/{types.modules[name]}.py"] = Piece(_enum_module, e, name, templates)
    for area in areas:
        head = (area.attr, area.module, area.sync_class, area.async_class, area.doc)
        files[f"{pkg}/_areas/{area.module}.py"] = Piece(
            _area_module, templates, plain, head, methods[area.module]
        )
    return {f"client/{rel}": content for rel, content in sorted(files.items())}


def _plain(model: ApiModel, settings: Mapping[str, str]) -> dict[str, str]:
    """What every file may read: plain text, the same at every build."""
    # The same rule as the tests target uses, so `--package my-api` stays importable.
    pkg = py_identifier(
        py_identifier(settings.get("package") or package_name(doc_set_namespace(model), "client"))
    )
    base_url = settings.get("base_url") or next(
        (u for u in model.base_urls if "://" in u), "http://localhost"
    )
    return {
        "package": pkg,
        "distribution": pkg.replace("_", "-"),
        "namespace": doc_set_namespace(model),
        "base_url": base_url,
    }


def _index(model: ApiModel, types: _Types) -> dict[str, tuple[tuple[str, Any], ...]]:
    """What `models/__init__.py` lists: each name it exports and the module defining it
    (a model's property-name alias is in the model's module), and each class by its
    OData type name (for payloads naming a subclass not imported yet)."""
    where = {cls: types.modules[cls] for cls in types.named.values()}
    where |= {
        types.aliases[cls]: types.modules[cls]
        for name, cls in types.named.items()
        if name in types.shape and types.property_names(name)
    }
    resources = {r.name for r in model.resources}
    odata = {name.casefold(): cls for name, cls in types.named.items() if name in resources}
    by_module: dict[str, list[str]] = defaultdict(list)
    for name, module in where.items():
        by_module[module].append(name)
    return {
        "index": tuple(sorted(where.items())),
        "modules": tuple((m, tuple(sorted(n))) for m, n in sorted(by_module.items())),
        "odata": tuple(sorted(odata.items())),
    }


def _types(model: ApiModel, value: Callable[[Piece], Any]) -> _Types:
    return _Types(class_names(model, value), free_form(model), types_shape(model))


def _method_pieces(area: _Area, types: _Types, templates: Templates) -> tuple[Piece, ...]:
    return tuple(
        Piece(_method_piece, endpoint, name, types, templates) for name, endpoint in area.methods
    )


def _example(
    areas: Iterable[_Area],
    methods: Mapping[str, tuple[Piece, ...]],
    value: Callable[[Piece], Any],
) -> dict[str, str]:
    """A call for the README: the first list operation without arguments, if any."""
    for area in areas:
        for (name, _), piece in zip(area.methods, methods[area.module], strict=True):
            if value(piece)[1]:
                return {"area": area.attr, "method": name}
    return {}


# ----- the files: pure functions of plain data and pieces ------------------------------


def _python_file(templates: Templates, name: str, context: Mapping[str, Any]) -> str:
    return format_python(templates.render(name, **context))


def _text_file(templates: Templates, name: str, context: Mapping[str, Any]) -> str:
    return templates.render(name, **context)


def _area_module(
    templates: Templates,
    plain: Mapping[str, str],
    head: tuple[str, str, str, str, str],
    methods: tuple[tuple[Used, bool, tuple[str, ...]], ...],
) -> str:
    """`_areas/<area>.py`: its methods' texts, and the names they import."""
    imports = Imports()
    for used, _, _ in methods:
        imports.use_all(used)
    imports.use("._http", "SyncApi")
    imports.use("._http", "AsyncApi")
    attr, module, sync_class, async_class, doc = head
    texts = AreaTexts(*(tuple(m[2][i] for m in methods) for i in range(len(_METHOD_MACROS))))
    area = AreaModule(attr, module, sync_class, async_class, doc, texts)
    return format_python(
        templates.render("area.py.jinja", **plain, area=area, imports=imports.groups(2))
    )


# ----- for callers that want names or text, not a build --------------------------------


def build_context(
    model: ApiModel, settings: Mapping[str, str] | None = None, *, package: str | None = None
) -> ClientContext:
    """Every name and method spec of the client, made now."""
    plain = _plain(model, _settings(settings, package))
    types = _types(model, made_now)
    areas = tuple(
        AreaSpec(
            area.attr,
            area.module,
            area.sync_class,
            area.async_class,
            area.doc,
            tuple(_Method(e, name, types).spec(Imports()) for name, e in area.methods),
        )
        for area in _areas(model, types, made_now)
    )
    return ClientContext(
        plain["package"], model.namespace, plain["base_url"], types.named, areas, copies(model)
    )


def client_target(
    model: ApiModel, settings: Mapping[str, str] | None = None, *, package: str | None = None
) -> dict[str, str]:
    """`client/...` → text: the whole client package, every piece made now."""
    own = available()["client"].templates
    context = Context(_settings(settings, package), Templates.of("client", own, None), made_now)
    return {
        rel: made_now(content) if isinstance(content, Piece) else content
        for rel, content in client_files(model, context).items()
    }


def _settings(settings: Mapping[str, str] | None, package: str | None) -> dict[str, str]:
    return {**(settings or {}), **({"package": package} if package else {})}
