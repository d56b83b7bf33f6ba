"""JSON shapes of the API's types: check a value's JSON kinds, synthesise a valid value.

Standard library only, no docgen imports: the server target ships this file
as it is (`server/<package>/shapes.py`), and docgen uses the same code to tell
which documented bodies contradict their own types. One checker, two users.

`types` is the server target's `types.json`: resources (base type, properties
as `[wire name, type, collection, navigation]`) and enums (members, flags).
The check is by JSON kind (string, number, boolean, object, array): unknown
properties and annotations (`@odata.type`, `x@odata.bind`) pass (types are
open, docs truncate), null passes (nullability is rarely documented), enum
members are not enforced (services add members), and a type the docs give no
properties at all constrains nothing (`Json`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MAX_DEPTH = 3
INTEGERS = frozenset({"Edm.Byte", "Edm.SByte", "Edm.Int16", "Edm.Int32", "Edm.Int64"})
NUMBERS = frozenset({"Edm.Single", "Edm.Double", "Edm.Decimal"})
STRINGS = {
    "Edm.String": "string",
    "Edm.Guid": "00000000-0000-0000-0000-000000000000",
    "Edm.DateTimeOffset": "2000-01-01T00:00:00Z",
    "Edm.Date": "2000-01-01",
    "Edm.TimeOfDay": "00:00:00",
    "Edm.Duration": "PT0S",
    "Edm.Binary": "",
}
SPECIAL_NUMBERS = frozenset({"NaN", "INF", "-INF"})
Property = tuple[str, bool, bool]  # type, collection, navigation


def kind(value: Any) -> str:
    kinds = {bool: "a boolean", str: "a string", list: "an array", dict: "an object"}
    return "null" if value is None else kinds.get(type(value), "a number")


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float) or (isinstance(value, str) and value in SPECIAL_NUMBERS):
        return True
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return isinstance(value, str)


def _primitive_problem(value: Any, typ: str, strict: bool = False) -> str | None:
    """What is wrong with `value` as a `typ` (None when right, or when `typ` takes anything).

    Lenient by default: OData's IEEE754Compatible form writes numbers as strings.
    `strict` wants JSON numbers, as a typed client returns them."""
    numeric = typ in INTEGERS or typ in NUMBERS
    if strict and numeric and isinstance(value, str) and _is_number(value):
        return f"expected a JSON number, got a number written as a string ({value!r})"
    if typ in STRINGS:
        ok, want = isinstance(value, str), "a string"
    elif typ == "Edm.Boolean":
        ok, want = isinstance(value, bool), "a boolean"
    elif typ in INTEGERS:
        whole = isinstance(value, int) and not isinstance(value, bool)
        ok, want = whole or (isinstance(value, str) and value.lstrip("-").isdigit()), "an integer"
    elif typ in NUMBERS:
        ok, want = _is_number(value), "a number"
    else:
        return None  # Edm.Stream, Edm.Untyped, names the docs never define
    return None if ok else f"expected {want}, got {kind(value)}"


class Types:
    """Resources (with inherited properties) and enums of the API."""

    def __init__(self, data: Mapping[str, Any], *, strict: bool = False) -> None:
        self.strict = strict
        self.resources: Mapping[str, Any] = data["resources"]
        self.enums: Mapping[str, Any] = data["enums"]
        self._folded = {name.casefold(): name for name in self.resources}
        self._properties: dict[str, dict[str, Property]] = {}

    def resource(self, name: Any) -> str | None:
        """The resource a type name (or `#`-led `@odata.type`) names, whatever its case."""
        if not isinstance(name, str) or not name:
            return None
        name = name.lstrip("#")
        return name if name in self.resources else self._folded.get(name.casefold())

    def _chain(self, name: str) -> list[str]:
        chain: list[str] = []
        current = self.resource(name)
        while current is not None and current not in chain:
            chain.append(current)
            current = self.resource(self.resources[current]["base"])
        return chain

    def properties(self, name: str) -> dict[str, Property]:
        """wire name -> (type, collection, navigation), the base types' first."""
        if name not in self._properties:
            self._properties[name] = {
                wire: (typ, bool(coll), bool(nav))
                for r in reversed(self._chain(name))
                for wire, typ, coll, nav in self.resources[r]["properties"]
            }
        return self._properties[name]

    def derives(self, name: str, base: str) -> bool:
        return self.resource(base) in self._chain(name)

    # ----- checks ------------------------------------------------------------------------------

    def check(self, value: Any, typ: str | None, collection: bool, where: str) -> str | None:
        """None when `value` has the JSON kinds of `typ`, else what is wrong and where."""
        if value is None or typ is None:
            return None
        if collection:
            if not isinstance(value, list):
                return f"{where}: expected an array, got {kind(value)}"
            for i, item in enumerate(value):
                problem = self.check(item, typ, False, f"{where}[{i}]")
                if problem:
                    return problem
            return None
        resource = self.resource(typ)
        if resource is not None:
            return self.check_object(value, resource, {}, where)
        if typ in self.enums:
            ok = isinstance(value, str)
            return None if ok else f"{where}: expected a string, got {kind(value)}"
        problem = _primitive_problem(value, typ, self.strict)
        return f"{where}: {problem}" if problem else None

    def check_object(
        self,
        value: Any,
        resource: str | None,
        fields: Mapping[str, tuple[str, bool]],
        where: str,
    ) -> str | None:
        """An object of `resource` (or of a derived type its `@odata.type` names) and `fields`."""
        if resource is not None and not fields and not self.properties(resource):
            return None  # a type documented without properties (`Json`): anything
        if not isinstance(value, dict):
            return f"{where}: expected an object, got {kind(value)}"
        derived = self.resource(value.get("@odata.type"))
        if derived is not None and (resource is None or self.derives(derived, resource)):
            resource = derived
        known = self.properties(resource) if resource is not None else {}
        for key, item in value.items():
            if "@" in key:
                continue  # an instance annotation (`@odata.type`, `members@odata.bind`)
            spec = fields.get(key) or known.get(key)
            problem = self.check(item, spec[0], spec[1], f"{where}.{key}") if spec else None
            if problem:
                return problem
        return None

    def check_body(self, shape: Mapping[str, Any] | None, body: Any) -> str | None:
        """A request body against its route's shape: documented type and body parameters."""
        if shape is None or body is None or isinstance(body, str | bytes):
            return None
        fields = {wire: (typ, bool(coll)) for wire, typ, coll in shape["fields"]}
        typ, collection = shape["type"], bool(shape["collection"])
        if collection and not fields:
            return self.check(body, typ, True, "body")
        resource = self.resource(typ)
        if fields or resource is not None:
            return self.check_object(body, resource, fields, "body")
        return self.check(body, typ, False, "body")

    def check_response(self, body: Any, typ: str, collection: bool) -> str | None:
        """A response body: a collection is an OData `{"value": [...]}` (or a bare array).

        A `{"value": [...]}` for a single resource without a `value` property is a
        collection too (the docs often leave `isCollection` out).
        """
        resource = self.resource(typ)
        wrapped = isinstance(body, dict) and isinstance(body.get("value"), list)
        if wrapped and resource is not None and "value" not in self.properties(resource):
            collection = True
        if collection and isinstance(body, dict) and "value" in body:
            return self.check(body["value"], typ, True, "body.value")
        if not collection and self.resource(typ) is None and isinstance(body, dict):
            return self.check(body.get("value"), typ, False, "body.value")  # `{"value": 42}`
        return self.check(body, typ, collection, "body")

    # ----- synthesis ---------------------------------------------------------------------------

    def sample(self, typ: str, collection: bool = False, depth: int = 0) -> Any:
        """A value valid for `typ`: every non-navigation property, nested to a small depth."""
        if collection:
            item = self.sample(typ, False, depth)
            return [] if item is None else [item]
        resource = self.resource(typ)
        if resource is not None:
            if depth >= MAX_DEPTH:
                return None
            return {
                wire: self.sample(t, coll, depth + 1)
                for wire, (t, coll, nav) in self.properties(resource).items()
                if not nav
            }
        if typ in self.enums:
            members = list(self.enums[typ]["members"])
            known = [m for m in members if m != "unknownFutureValue"]
            return (known or members or [None])[0]
        if typ == "Edm.Boolean":
            return False
        if typ in INTEGERS:
            return 0
        if typ in NUMBERS:
            return 0.0
        return STRINGS.get(typ)

    def response_sample(self, typ: str, collection: bool) -> Any:
        """A response body for `typ`: an object, `{"value": [...]}`, or `{"value": x}`."""
        if self.resource(typ) is None:
            return {"value": self.sample(typ, collection)}
        if collection:
            item = self.sample(typ)
            return {"value": [] if item is None else [item]}
        return self.sample(typ)
