"""Walk a JSON value against a resolved type, with inheritance; collect findings by JSON path.

What is checked: unknown properties (with a did-you-mean), JSON kinds, string
formats and integer ranges (`values`), enum members, collection vs single,
`@odata.type` naming this type or a derived one, null for a property that is
documented as not nullable, and (for complete examples) properties missing.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from generator.check.context import CheckContext
from generator.check.locate import JsonPath, show_path
from generator.check.values import (
    enum_problem,
    json_kind,
    named_like_url,
    primitive_problem,
    url_problem,
)
from generator.model.types import ENUM, PRIMITIVE, RESOURCE, Property, TypeRef


@dataclass(frozen=True)
class Finding:
    path: JsonPath
    code: str
    message: str


@dataclass(frozen=True)
class Expect:
    """What an example's annotation allows."""

    optional: frozenset[str] = frozenset()
    nullable: frozenset[str] = frozenset()
    complete: bool = False  # not `truncated`: properties of the type must all be shown


@dataclass
class BodyChecker:
    ctx: CheckContext
    expect: Expect
    findings: list[Finding] = field(default_factory=list)
    missing_reported: set[str] = field(default_factory=set)  # one B006 per type per body
    request: bool = False  # a request body: what it sends must say its derived type
    # (declared, sent) pairs reported as a base type the sent type's page may not state,
    # shared by every body checked: reported at the first example only
    unstated: set[tuple[str, str]] = field(default_factory=set)

    def add(self, path: JsonPath, code: str, message: str) -> None:
        self.findings.append(Finding(path, code, message))

    def value(self, value: Any, ref: TypeRef, path: JsonPath) -> None:
        """A property value (collection or single) against its declared type."""
        if value is None:
            return
        if self.placeholder(value, ref, path):
            return
        if ref.collection:
            if not isinstance(value, list):
                self.add(
                    path,
                    "B004",
                    f"{show_path(path)}: {json_kind(value)} where a collection of {ref.name} is declared",
                )
                return
            for i, item in enumerate(value):
                self.single(item, ref, (*path, i))
            return
        if isinstance(value, list) and self.shaped(ref):
            self.add(
                path, "B004", f"{show_path(path)}: array where a single {ref.name} is declared"
            )
            return
        self.single(value, ref, path)

    def placeholder(self, value: Any, ref: TypeRef, path: JsonPath) -> bool:
        """B010: a template's placeholder left where a typed value belongs (`"id-value"`,
        `"String"`, `"Boolean"`, `"controlStateUpdates-value"` for a collection): one
        finding that says so, instead of the wrong-kind or wrong-format one."""
        if not isinstance(value, str) or (ref.name == "Edm.String" and not ref.collection):
            return False
        words = value.strip()
        if not (_PLACEHOLDER.fullmatch(words) or words.casefold() in _TYPE_WORDS):
            return False
        enum = self.ctx.enum(ref.name) if ref.kind == ENUM else None
        if enum is not None and any(m.name.casefold() == words.casefold() for m in enum.members):
            return False  # a member in another case (`"String"` for `string`): B003's
        kind = f"a collection of {ref.name}" if ref.collection else ref.name
        self.add(path, "B010", f'{show_path(path)}: placeholder "{value}" where {kind} is declared')
        return True

    def shaped(self, ref: TypeRef) -> bool:
        """False for types that accept any JSON: Edm.Untyped, a type with no properties."""
        if ref.kind == PRIMITIVE:
            return ref.name not in ("Edm.Untyped", "Edm.Stream")
        return ref.kind != RESOURCE or bool(self.ctx.property_names(ref.name))

    def single(self, value: Any, ref: TypeRef, path: JsonPath) -> None:
        if value is None:
            return
        problem: tuple[str, str] | None = None
        strict = self.ctx.options.strict
        if ref.kind == PRIMITIVE:
            problem = primitive_problem(ref.name, value, strict)
            if problem is None and strict and ref.name == "Edm.String" and _url_property(path):
                problem = url_problem(value)
        elif ref.kind == ENUM:
            enum = self.ctx.enum(ref.name)
            if enum is not None:
                members = tuple(m.name for m in enum.members)
                problem = enum_problem(members, ref.name, enum.flags, value, strict)
        elif ref.kind == RESOURCE and self.ctx.property_names(ref.name):
            if isinstance(value, dict):
                self.object(value, ref.name, path)
            else:
                problem = "B002", f"{json_kind(value)} where {ref.name} (an object) is declared"
        if problem is not None:
            self.add(path, problem[0], f"{show_path(path)}: {problem[1]}")

    def actual_type(self, obj: dict[str, Any], declared: str, path: JsonPath) -> str:
        """The type an object says it is (`@odata.type`), if that is allowed here."""
        written = obj.get("@odata.type")
        if not isinstance(written, str) or not written.strip():
            return declared
        found = self.ctx.lookup(written)
        where = show_path((*path, "@odata.type"))
        if found is None:
            self.add(
                (*path, "@odata.type"),
                "B007",
                f'{where}: type "{written}" is not defined in the doc set',
            )
            return declared
        if found != declared and found not in self.ctx.descendants(declared):
            if self.base_unstated(declared, found):
                if (declared, found) not in self.unstated:
                    self.unstated.add((declared, found))
                    self.add((*path, "@odata.type"), "B005", _unstated(where, declared, found))
            else:
                self.add(
                    (*path, "@odata.type"),
                    "B005",
                    f"{where}: {found} is neither {declared} nor derived from it",
                )
            return declared
        return found

    def base_unstated(self, declared: str, sent: str) -> bool:
        """The sent type's page states no base type, and its properties include every
        property the declared type's table documents: it may well derive from it, and
        its page only fails to say so (the example is then right, the page wrong)."""
        chain = self.ctx.chain(declared)
        resource = self.ctx.resources.get(sent)
        if resource is None or sent in self.ctx.bases or not chain:
            return False
        # (a property only the JSON representation shows has the resource's own source)
        documented = {p.name for r in chain for p in r.properties if p.source != r.source}
        return bool(documented) and documented <= self.ctx.property_names(sent)

    def object(self, obj: dict[str, Any], declared: str, path: JsonPath, top: bool = False) -> None:
        name = self.actual_type(obj, declared, path)
        chain = self.ctx.chain(name)
        props: dict[str, Property] = {}
        for resource in chain:
            for p in resource.properties:
                props.setdefault(p.name, p)
        open_type = any(r.name in self.ctx.open_types for r in chain)
        keys = {r.key_property for r in chain if r.key_property}
        derived: list[str] = []  # properties only a derived type has
        for key, value in obj.items():
            prop = props.get(key)
            if "@" in key:
                continue  # instance annotations: @odata.*, name@odata.bind, ...
            if prop is None:
                if key in self.ctx.derived_property_names(name):
                    if value is not None:  # null sends nothing a derived type would need
                        derived.append(key)
                elif not open_type and key not in keys:  # a key missing from its type is R006
                    self.unknown(key, name, props, (*path, key))
            elif value is None:
                self.null(name, prop, (*path, key))
            else:
                self.value(value, prop.type, (*path, key))
        if derived and self.request and "@odata.type" not in obj:
            self.untyped(derived, name, path)
        if chain and self.expect.complete and (top or self.ctx.options.strict):
            self.missing(obj, name, props, path)

    def untyped(self, keys: list[str], name: str, path: JsonPath) -> None:
        """B009: a request body with properties only derived types have, and no
        `@odata.type` to say which (the service reads it as `name`)."""
        having = [
            child
            for child in sorted(self.ctx.descendants(name))
            if set(keys) <= self.ctx.property_names(child)
        ]
        which = f'"@odata.type": "#{having[0]}"' if len(having) == 1 else "its @odata.type"
        shown = ", ".join(f'"{k}"' for k in keys[:4]) + (" ..." if len(keys) > 4 else "")
        owners = f" ({', '.join(having[:3])}{', ...' if len(having) > 3 else ''})" if having else ""
        are = "is not a property" if len(keys) == 1 else "are not properties"
        self.add(
            path,
            "B009",
            f"{show_path(path)}: {shown} {are} of {name} but of types derived from it"
            f"{owners}: the body needs {which}",
        )

    def null(self, name: str, prop: Property, path: JsonPath) -> None:
        if prop.nullable is False and prop.name not in self.expect.nullable:
            self.add(
                path, "B008", f"{show_path(path)}: null, but {name}.{prop.name} is not nullable"
            )

    def unknown(self, key: str, name: str, props: dict[str, Property], path: JsonPath) -> None:
        hint = _suggest(key, list(props))
        suffix = f'; did you mean "{hint}"?' if hint else ""
        self.add(path, "B001", f'{show_path(path)}: {name} has no property "{key}"{suffix}')

    def unknown_parameter(self, key: str, endpoint: str, names: list[str], path: JsonPath) -> None:
        hint = _suggest(key, names)
        suffix = f'; did you mean "{hint}"?' if hint else ""
        self.add(
            path,
            "B001",
            f'{show_path(path)}: "{key}" is not a request body parameter of {endpoint}{suffix}',
        )

    def missing(
        self, obj: dict[str, Any], name: str, props: dict[str, Property], path: JsonPath
    ) -> None:
        optional = self.expect.optional | self.ctx.optional_properties(name)
        absent = [
            p
            for p, prop in props.items()
            if not prop.navigation and p not in obj and p not in optional
        ]
        if absent and name not in self.missing_reported:
            self.missing_reported.add(name)
            shown = ", ".join(absent[:5]) + (
                f" and {len(absent) - 5} more" if len(absent) > 5 else ""
            )
            self.add(
                path,
                "B006",
                f"{show_path(path)}: {name} shown without {shown} "
                "(mark the example truncated or list them in optionalProperties)",
            )


def _unstated(where: str, declared: str, sent: str) -> str:
    short = sent.rsplit(".", 1)[-1]
    return (
        f"{where}: {sent} is not derived from {declared} as the docs stand, but its page "
        f"states no base type and it has every property {declared} documents: if {short} "
        f'derives from it, state "baseType" on its page (reported at the first example only)'
    )


_PLACEHOLDER = re.compile(r"[A-Za-z][\w.]*-value")
# what templates write for a value of a type (`"String"`, `"Boolean"`, `"DateTimeOffset"`)
_TYPE_WORDS = frozenset(
    {
        *("string", "boolean", "bool", "int16", "int32", "int64", "integer", "double"),
        *("single", "decimal", "float", "guid", "datetimeoffset", "datetime", "date"),
        *("timeofday", "duration", "binary"),
    }
)


def _suggest(key: str, names: list[str]) -> str | None:
    """The name `key` most likely meant: same letters in another case, else a close spelling."""
    folded = {n.casefold(): n for n in names}
    if key.casefold() in folded:
        return folded[key.casefold()]
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.8)
    return close[0] if close else None


def _url_property(path: JsonPath) -> bool:
    """The value sits under a property named like a URL (an array item: its property's name)."""
    key = next((part for part in reversed(path) if isinstance(part, str)), "")
    return named_like_url(key)
