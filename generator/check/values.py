"""JSON values against primitive (Edm) types: JSON kind, string format, integer range.

`primitive_problem` returns (code, message) or None: B002 for the wrong JSON
kind, B003 for a string or number that is not a valid value of its type. String
formats are checked only when `strict`.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

_INT_RANGES = {
    "Edm.Byte": (0, 255),
    "Edm.SByte": (-128, 127),
    "Edm.Int16": (-(2**15), 2**15 - 1),
    "Edm.Int32": (-(2**31), 2**31 - 1),
    "Edm.Int64": (-(2**63), 2**63 - 1),
}
_FLOATS = frozenset({"Edm.Double", "Edm.Single", "Edm.Decimal"})
_FLOAT_WORDS = frozenset({"NaN", "INF", "-INF", "Infinity", "-Infinity"})
_NUMERIC_STRING = re.compile(r"^-?\d+(\.\d+)?([eE][+-]?\d+)?$")
STRING_TYPES = frozenset(
    {
        "Edm.String",
        "Edm.Guid",
        "Edm.DateTimeOffset",
        "Edm.Date",
        "Edm.TimeOfDay",
        "Edm.Duration",
        "Edm.Binary",
    }
)
_DATETIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$", re.I
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^(\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?$")
_DURATION = re.compile(
    r"^-?P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$"
)
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_URL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|/|\{)")  # scheme:, a path, a {placeholder}
_URL_NAME = re.compile(r"(?:url|uri)s?$", re.IGNORECASE)
_BASE64 = re.compile(r"^[A-Za-z0-9+/_-]*={0,2}$")


def json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _valid_datetime(text: str) -> str | None:
    """Why `text` is not an Edm.DateTimeOffset, or None when it is one."""
    m = _DATETIME.match(text)
    if m is None:
        return "is not an ISO 8601 date and time"
    if m.group(4) is None:
        return "has no time zone offset (Z or +hh:mm)"
    try:
        date.fromisoformat(m.group(1))
        time.fromisoformat(m.group(2))
    except ValueError:
        return "is not a real date or time"
    return None


def _valid_date(text: str) -> str | None:
    if not _DATE.match(text):
        return "is not a date (YYYY-MM-DD)"
    try:
        date.fromisoformat(text)
    except ValueError:
        return "is not a real date"
    return None


def _valid_time(text: str) -> str | None:
    m = _TIME.match(text)
    if m is None:
        return "is not a time of day (hh:mm:ss)"
    try:
        time.fromisoformat(m.group(1))
    except ValueError:
        return "is not a real time of day"
    return None


def _format(pattern: re.Pattern[str], why: str) -> Any:
    return lambda text: None if pattern.match(text) else why


_STRING_FORMATS = {
    "Edm.DateTimeOffset": _valid_datetime,
    "Edm.Date": _valid_date,
    "Edm.TimeOfDay": _valid_time,
    "Edm.Duration": _format(_DURATION, "is not an ISO 8601 duration (PT1H30M)"),
    "Edm.Guid": _format(_GUID, "is not a GUID"),
    "Edm.Binary": _format(_BASE64, "is not base64"),
}


def _number_problem(name: str, value: Any) -> tuple[str, str] | None:
    if name in _INT_RANGES:
        if isinstance(value, str) and name == "Edm.Int64" and _NUMERIC_STRING.match(value):
            return None  # IEEE754Compatible writes Int64 as a string
        if not isinstance(value, int) or isinstance(value, bool):
            return "B002", f"{json_kind(value)} where {name} (an integer) is declared"
        low, high = _INT_RANGES[name]
        if not low <= value <= high:
            return "B003", f"{value} is out of the {name} range"
        return None
    if isinstance(value, str) and (value in _FLOAT_WORDS or _NUMERIC_STRING.match(value)):
        return None  # IEEE754Compatible / special values
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "B002", f"{json_kind(value)} where {name} (a number) is declared"
    return None


def named_like_url(key: str) -> bool:
    return bool(_URL_NAME.search(key))


def primitive_problem(name: str, value: Any, strict: bool) -> tuple[str, str] | None:
    """Check one non-null JSON value against an Edm type name."""
    if name in _INT_RANGES or name in _FLOATS:
        return _number_problem(name, value)
    if name == "Edm.Boolean":
        if isinstance(value, bool):
            return None
        return "B002", f"{json_kind(value)} where Edm.Boolean is declared"
    if name not in STRING_TYPES:
        return None  # Edm.Untyped, Edm.Stream, unknown Edm names: anything goes
    if not isinstance(value, str):
        return "B002", f"{json_kind(value)} where {name} (a string) is declared"
    check = _STRING_FORMATS.get(name)
    why = check(value) if strict and check is not None and value else None
    return None if why is None else ("B003", f'"{_clip(value)}" {why} ({name})')


def url_problem(value: Any) -> tuple[str, str] | None:
    """A string property named like a URL (`webUrl`, `contentUri`) must hold one."""
    if not isinstance(value, str) or not value or _URL.match(value):
        return None
    return "B003", f'"{_clip(value)}" is not a URL'


def enum_problem(
    members: tuple[str, ...], name: str, flags: bool, value: Any, strict: bool
) -> tuple[str, str] | None:
    """An enum value: a string naming a member (or, for flags, a comma-separated list)."""
    if not isinstance(value, str):
        return "B002", f"{json_kind(value)} where enum {name} (a string) is declared"
    if not strict or not members:
        return None
    parts = [p.strip() for p in value.split(",")] if flags else [value]
    known = set(members)
    bad = [p for p in parts if p not in known]
    if not bad:
        return None
    folded = {m.casefold(): m for m in members}
    hints = [f'"{folded[b.casefold()]}"' for b in bad if b.casefold() in folded]
    hint = f"; did you mean {', '.join(hints)}" if hints else ""
    return "B003", f'"{_clip(value)}" is not a member of enum {name}{hint}'


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
