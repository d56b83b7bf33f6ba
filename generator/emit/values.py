"""Values against their documented types: what does not fit (`"datetime-value"` for
a DateTimeOffset, `"Boolean"`, `"id-value"` for a GUID, a member no enum has) found,
and repaired with a valid value. Standard library only: the stateful twin
(`twin.py`) uses it, and the server target ships it as it is (`server/<package>/values.py`)."""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Callable
from typing import Any

_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")
_DURATION = re.compile(
    r"^-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"
)
_INTEGERS = frozenset({"Edm.Byte", "Edm.SByte", "Edm.Int16", "Edm.Int32", "Edm.Int64"})
_NUMBERS = frozenset({"Edm.Single", "Edm.Double", "Edm.Decimal"})
MAX_REPAIR_DEPTH = 4


# ----- values: valid for their type, repaired where not -------------------------------------


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _valid_primitive(value: Any, typ: str) -> bool:
    """Whether `value` is what the wire carries for the primitive `typ` (strings as OData
    writes them; numbers also as strings, IEEE754Compatible)."""
    if typ == "Edm.Boolean":
        return isinstance(value, bool)
    if typ in _INTEGERS:
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, str) and value.lstrip("-").isdigit()
        )
    if typ in _NUMBERS:
        if isinstance(value, bool):
            return False
        if isinstance(value, int | float):
            return True
        try:
            float(value)
        except (TypeError, ValueError):
            return False
        return True
    if not isinstance(value, str):
        return typ not in _STRING_CHECKS  # (other types: anything)
    check = _STRING_CHECKS.get(typ)
    return check is None or check(value)


def _is_datetime(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return False
    return "T" in text or " " in text


def _is_base64(text: str) -> bool:
    try:
        base64.b64decode(text, validate=True)
    except ValueError:
        return False
    return True


_STRING_CHECKS: dict[str, Callable[[str], bool]] = {
    "Edm.Guid": lambda s: bool(_GUID.match(s)),
    "Edm.DateTimeOffset": _is_datetime,
    "Edm.Date": lambda s: bool(_DATE.match(s)),
    "Edm.TimeOfDay": lambda s: bool(_TIME.match(s)),
    "Edm.Duration": lambda s: bool(_DURATION.match(s)),
    "Edm.Binary": _is_base64,
}


class Values:
    """Values checked against the API's types (`shapes.Types`), and repaired."""

    def __init__(self, types: Any) -> None:
        self.types = types

    def _enum_ok(self, value: Any, typ: str) -> bool:
        members = set(self.types.enums[typ]["members"])
        if not isinstance(value, str):
            return False
        if not members:
            return True
        parts = [p.strip() for p in value.split(",")] if self.types.enums[typ]["flags"] else [value]
        return all(p in members for p in parts)

    def repair(self, value: Any, typ: str | None, where: str) -> list[str]:
        """Replace in place (inside `value`, a dict or list) what does not fit; the
        repaired places, as `property.sub[2]`."""
        repaired: list[str] = []
        self._repair_object(value, typ, where, repaired, 0)
        return repaired

    def _fits(self, value: Any, typ: str) -> bool:
        if value is None:
            return True
        if typ in self.types.enums:
            return self._enum_ok(value, typ)
        return _valid_primitive(value, typ)

    def _repair_object(
        self, value: Any, typ: str | None, where: str, repaired: list[str], depth: int
    ) -> None:
        if not isinstance(value, dict) or typ is None or depth > MAX_REPAIR_DEPTH:
            return
        resource = self.types.resource(value.get("@odata.type")) or self.types.resource(typ)
        if resource is None:
            return
        for name, (ptype, coll, _nav) in self.types.properties(resource).items():
            if name not in value:
                continue
            here = f"{where}.{name}" if where else name
            item = value[name]
            if self.types.resource(ptype) is not None:
                items = item if coll and isinstance(item, list) else [item]
                for sub in items:
                    self._repair_object(sub, ptype, here, repaired, depth + 1)
                continue
            if coll:
                if isinstance(item, list):
                    for i, sub in enumerate(item):
                        if not self._fits(sub, ptype):
                            item[i] = self.types.sample(ptype)
                            repaired.append(f"{here}[{i}]")
                continue
            if not self._fits(item, ptype):
                value[name] = self.types.sample(ptype)
                repaired.append(here)

    def problem(self, body: Any, resource: str | None) -> str | None:
        """What is wrong with a body for `resource`: an unknown property, a value of the
        wrong type (None when fine)."""
        if not isinstance(body, dict):
            return "the body is not a JSON object"
        if resource is None:
            return None
        derived = self.types.resource(body.get("@odata.type"))
        if derived is not None and self.types.derives(derived, resource):
            resource = derived
        known = self.types.properties(resource)
        for name, item in body.items():
            if "@" in name or not known:
                continue
            if name not in known:
                return f"{name!r} is not a property of {resource}"
            ptype, coll, _nav = known[name]
            kind_problem: str | None = self.types.check(item, ptype, coll, name)
            if kind_problem:
                return kind_problem
            if not coll and self.types.resource(ptype) is None and not self._fits(item, ptype):
                return f"{name}: {item!r} is not a valid {ptype}"
        return None
