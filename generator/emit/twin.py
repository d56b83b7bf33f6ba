"""The stateful twin: the documented API as a store of entities, with OData queries.

Standard library only, no docgen imports: the server target ships this file as
it is (`server/<package>/twin.py`), and `docgen serve --mode stateful` runs it
in-process. The runtime (`runtime.py`) asks the twin first; what it does not
answer (`None`: functions, actions, `$ref`...) gets the documented answer.

What a route means comes from its template and types alone (`routes.json`),
and the doc set's aliases: `/me` leads to the entity of `/users` that the
documented `GET /me` answers with, so `/me/events` and `/users/{that id}/events`
are one collection.

- `.../{key}`: one entity of the collection before it (GET, PATCH, PUT, DELETE);
- a path that a GET lists a collection at: the collection (GET lists, with
  `$filter`, `$select`, `$orderby`, `$top`, `$skip`, `$skiptoken`, `$count`,
  `$search`, `$expand`; POST creates); `.../$count` counts it;
- a GET of one entity at a path without a key (`/me`, `/groups/{id}/drive`): a
  singleton, stored at that path once seeded or written;
- `.../delta`: every entity of the collection, then the changes since a token;
- `.../content` and `.../$value`: bytes, stored as PUT.

Collections are kept by their concrete path (literal segments case-folded), so
containment is the path itself: a thread created under one group is listed under
that group only. The store is seeded from the documented GET answers; a value
that does not fit its documented type (`"datetime-value"` where a DateTimeOffset
is documented) is replaced with a valid one and named in `X-Docgen-Repaired`.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

KEY = "id"  # the key of the API's entities (OData's `entity`)
PAGE_SIZE = 100  # entities a list answers at most without `$top`
REPAIRED_HEADER = "X-Docgen-Repaired"
SUPPORTED_OPTIONS = frozenset(
    {"$filter", "$select", "$orderby", "$top", "$skip", "$skiptoken", "$count", "$search"}
    | {"$expand", "$deltatoken", "$format"}
)
_STAMPED = ("createdDateTime", "lastModifiedDateTime")
UPLOAD_URL = "uploadUrl"  # the property that makes a type an upload session (resumable upload)
UPLOADS_PATH = "/_docgen/uploads/"  # where the twin takes the bytes of its upload sessions
BYTES = "application/octet-stream"
_CONTENT_RANGE = re.compile(
    r"^bytes\s+(\d+)-(\d+)/(\d+)$", re.IGNORECASE
)  # set by the twin when the type has them
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")
_DURATION = re.compile(
    r"^-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"
)
_INTEGERS = frozenset({"Edm.Byte", "Edm.SByte", "Edm.Int16", "Edm.Int32", "Edm.Int64"})
_NUMBERS = frozenset({"Edm.Single", "Edm.Double", "Edm.Decimal"})
MAX_REPAIR_DEPTH = 4


class ODataError(Exception):
    """A request the twin refuses: its status, the service's error code, a message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Answer:
    """What the twin answers: status, body (JSON data, bytes or None), headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str | None = "application/json"


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

    def repair(self, value: Any, typ: str | None, collection: bool, where: str) -> list[str]:
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

    def problem(self, body: Any, resource: str | None, partial: bool) -> str | None:
        """What is wrong with a body for `resource`: an unknown property, a value of the
        wrong type (None when fine). `partial`: a PATCH (any subset of properties)."""
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


# ----- OData queries -------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^']|'')*')
      | (?P<open>\() | (?P<close>\)) | (?P<comma>,)
      | (?P<word>[A-Za-z_@$][\w.@$/-]*(?::[\w/]*)?)
      | (?P<literal>[-+]?\d[\w:.+-]*)
    )""",
    re.VERBOSE,
)
_COMPARE = {"eq", "ne", "gt", "ge", "lt", "le"}
_FUNCTIONS = {"startswith", "endswith", "contains"}


def _tokens(text: str) -> list[tuple[str, str]]:
    found, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ODataError(400, "BadRequest", f"$filter: cannot read {text[pos:pos + 20]!r}")
        kind = m.lastgroup or ""
        found.append((kind, m.group(kind)))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return found


Predicate = Callable[[Mapping[str, Any]], bool]
Operand = Callable[[Mapping[str, Any]], Any]


class _Filter:
    """`$filter` as a predicate: comparisons (eq ne gt ge lt le), `in`, and or not,
    parentheses, startswith/endswith/contains, property paths (`a/b`)."""

    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.i = 0

    def parse(self) -> Predicate:
        predicate = self._or()
        if self.i != len(self.tokens):
            raise ODataError(400, "BadRequest", f"$filter: unexpected {self.tokens[self.i][1]!r}")
        return predicate

    def _peek(self) -> tuple[str, str]:
        return self.tokens[self.i] if self.i < len(self.tokens) else ("", "")

    def _next(self) -> tuple[str, str]:
        token = self._peek()
        if not token[0]:
            raise ODataError(400, "BadRequest", "$filter: ends too soon")
        self.i += 1
        return token

    def _word(self, *words: str) -> bool:
        kind, text = self._peek()
        if kind == "word" and text.lower() in words:
            self.i += 1
            return True
        return False

    def _or(self) -> Predicate:
        terms = [self._and()]
        while self._word("or"):
            terms.append(self._and())
        return terms[0] if len(terms) == 1 else lambda e: any(t(e) for t in terms)

    def _and(self) -> Predicate:
        terms = [self._not()]
        while self._word("and"):
            terms.append(self._not())
        return terms[0] if len(terms) == 1 else lambda e: all(t(e) for t in terms)

    def _not(self) -> Predicate:
        if self._word("not"):
            inner = self._not()
            return lambda e: not inner(e)
        return self._primary()

    def _primary(self) -> Predicate:
        kind, text = self._peek()
        if kind == "open":
            self.i += 1
            inner = self._or()
            if self._next()[0] != "close":
                raise ODataError(400, "BadRequest", "$filter: a parenthesis is not closed")
            return inner
        left = self._operand()
        op_kind, op = self._peek()
        if op_kind == "word" and op.lower() in _COMPARE:
            self.i += 1
            right = self._operand()
            return _comparison(op.lower(), left, right)
        if op_kind == "word" and op.lower() == "in":
            self.i += 1
            values = self._list()
            return lambda e: any(_equal(left(e), v) for v in values)
        if getattr(left, "boolean", False):
            return lambda e: bool(left(e))
        raise ODataError(400, "BadRequest", f"$filter: expected a comparison after {text!r}")

    def _list(self) -> list[Any]:
        if self._next()[0] != "open":
            raise ODataError(400, "BadRequest", "$filter: `in` takes a list in parentheses")
        values = []
        while True:
            values.append(self._operand()({}))
            kind, _ = self._next()
            if kind == "close":
                return values
            if kind != "comma":
                raise ODataError(400, "BadRequest", "$filter: a list is not closed")

    def _operand(self) -> Operand:
        kind, text = self._next()
        if kind == "string":
            value: Any = text[1:-1].replace("''", "'")
            return lambda e: value
        if kind == "literal":
            return _literal(text)
        if kind != "word":
            raise ODataError(400, "BadRequest", f"$filter: unexpected {text!r}")
        lowered = text.lower()
        if lowered in ("true", "false", "null"):
            constant = {"true": True, "false": False, "null": None}[lowered]
            return lambda e: constant
        if self._peek()[0] == "open":
            return self._call(lowered)
        if "/any(" in text or "/all(" in text or text.endswith(("/any", "/all")):
            raise ODataError(400, "BadRequest", "$filter: lambda operators are not supported")
        path = text.split("/")
        return lambda e: _walk(e, path)

    def _call(self, name: str) -> Operand:
        if name not in _FUNCTIONS:
            raise ODataError(400, "BadRequest", f"$filter: function {name}() is not supported")
        self._next()  # (
        args = [self._operand()]
        while self._peek()[0] == "comma":
            self.i += 1
            args.append(self._operand())
        if self._next()[0] != "close" or len(args) != 2:
            raise ODataError(400, "BadRequest", f"$filter: {name}() takes two arguments")
        test = {
            "startswith": str.startswith,
            "endswith": str.endswith,
            "contains": str.__contains__,
        }[name]
        a, b = args

        def call(e: Mapping[str, Any]) -> bool:
            x, y = a(e), b(e)
            return isinstance(x, str) and isinstance(y, str) and test(x.casefold(), y.casefold())

        call.boolean = True  # type: ignore[attr-defined]
        return call


def _literal(text: str) -> Operand:
    value: Any = text
    try:
        value = int(text)
    except ValueError:
        try:
            value = float(text)
        except ValueError:
            value = text  # a GUID, a date or date-time: compared as text
    return lambda e: value


def _walk(entity: Any, path: list[str]) -> Any:
    for part in path:
        if not isinstance(entity, Mapping):
            return None
        entity = entity.get(part)
    return entity


def _folded(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _equal(a: Any, b: Any) -> bool:
    return bool(_folded(a) == _folded(b))


def _comparison(op: str, left: Operand, right: Operand) -> Predicate:
    def compare(e: Mapping[str, Any]) -> bool:
        a, b = _folded(left(e)), _folded(right(e))
        if op == "eq":
            return bool(a == b)
        if op == "ne":
            return bool(a != b)
        if a is None or b is None:
            return False
        try:
            return bool(
                {"gt": a > b, "ge": a >= b, "lt": a < b, "le": a <= b}[op]  # type: ignore[operator]
            )
        except TypeError:
            return False

    return compare


def parse_filter(text: str) -> Predicate:
    return _Filter(text).parse()


def _order_key(path: list[str]) -> Callable[[Mapping[str, Any]], tuple[int, Any]]:
    def key(entity: Mapping[str, Any]) -> tuple[int, Any]:
        value = _folded(_walk(entity, path))
        return (
            (1, "") if value is None else (0, value if not isinstance(value, bool) else int(value))
        )

    return key


def order(items: list[dict[str, Any]], spec: str) -> list[dict[str, Any]]:
    """`$orderby=a desc,b`: stable sorts, the last key first; missing values last."""
    for part in reversed([p.strip() for p in spec.split(",") if p.strip()]):
        words = part.split()
        if len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise ODataError(400, "BadRequest", f"$orderby: cannot read {part!r}")
        descending = len(words) == 2 and words[1].lower() == "desc"
        key = _order_key(words[0].split("/"))
        try:
            present = [i for i in items if _walk(i, words[0].split("/")) is not None]
            absent = [i for i in items if _walk(i, words[0].split("/")) is None]
            items = sorted(present, key=key, reverse=descending) + absent
        except TypeError:
            raise ODataError(400, "BadRequest", f"$orderby: {words[0]} mixes types") from None
    return items


def select(entity: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """`$select`: the fields asked for, with the key and annotations."""
    wanted = {f.strip() for f in fields if f.strip()}
    return {k: v for k, v in entity.items() if k in wanted or k == KEY or k.startswith("@")}


def searched(entity: Mapping[str, Any], text: str) -> bool:
    """`$search="term"` or `"property:term"`: a case-insensitive substring match."""
    terms = [t.strip().strip('"') for t in re.split(r'"\s+(?:AND|OR)\s+"', text.strip())]
    for term in terms:
        name, _, wanted = term.rpartition(":")
        values = [entity.get(name)] if name else list(entity.values())
        if not any(isinstance(v, str) and wanted.casefold() in v.casefold() for v in values):
            return False
    return True


def _whole_number(name: str, text: str) -> int:
    if not text.isdigit():
        raise ODataError(400, "BadRequest", f"{name} must be a whole number, not {text!r}")
    return int(text)


def query_options(query: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The OData options of a query (`$`-led, any case); an unsupported one is a 400 that
    names it. Other parameters (a function's) are not options."""
    options: dict[str, str] = {}
    for name, value in query:
        if not name.startswith("$"):
            continue
        lowered = name.lower()
        if lowered not in SUPPORTED_OPTIONS:
            raise ODataError(400, "BadRequest", f"The query option {name} is not supported.")
        options[lowered] = value
    return options


def listed(
    items: list[dict[str, Any]], options: Mapping[str, str]
) -> tuple[list[dict[str, Any]], int, int | None]:
    """Items after `$filter`, `$search`, `$orderby` and paging: (page, count, next offset)."""
    if "$filter" in options:
        keep = parse_filter(options["$filter"])
        items = [i for i in items if keep(i)]
    if "$search" in options:
        items = [i for i in items if searched(i, options["$search"])]
    if "$orderby" in options:
        items = order(items, options["$orderby"])
    count = len(items)
    skip = _whole_number("$skip", options.get("$skip", "0"))
    if "$skiptoken" in options:
        skip = _whole_number("$skiptoken", options["$skiptoken"])
    top = _whole_number("$top", options["$top"]) if "$top" in options else None
    size = PAGE_SIZE if top is None else min(top, PAGE_SIZE)
    page = items[skip : skip + size]
    end = skip + len(page)
    more = end < count and (top is None or len(page) < top)
    return page, count, end if more else None


# ----- the store ------------------------------------------------------------------------------


@dataclass
class Collection:
    """The entities at one concrete path, by key, in the order they came; with the
    versions delta reads (a counter that only grows) and the keys removed."""

    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    repaired: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Upload:
    """An upload session: where its entity goes, the bytes so far, the name asked for."""

    place: str
    data: bytearray
    name: str | None


@dataclass(frozen=True)
class Shape:
    """What a route is to the twin (see the module)."""

    kind: str  # "item", "collection", "count", "singleton", "delta", "media", ""
    owner: tuple[int, ...]  # the template segments that make up the store path
    type: str | None  # the entity type


class Asked(NamedTuple):
    """A request as the twin's handlers read it."""

    method: str
    place: str  # the store path (see `Twin.place`)
    shape: Shape
    options: dict[str, str]  # the OData options
    body: Any
    link: Callable[[str, list[tuple[str, str]]], str]  # a URL on the twin
    route: Mapping[str, Any]


def _segments(path: str) -> list[str]:
    return [s for s in path.strip("/").split("/") if s]


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


class Twin:
    """The store and the answers (see the module). Thread-safe: one lock."""

    def __init__(
        self,
        routes: list[Mapping[str, Any]],
        examples: Mapping[str, Any],
        types: Any,
        aliases: Iterable[tuple[str, str]] | None = None,
    ):
        self.routes = routes
        # literal prefixes (`/me`) that stand for one entity of a collection (`/users/{id}`)
        self.aliases = [
            (prefix.casefold().rstrip("/"), target)
            for prefix, target in aliases or ()
            if "{" not in prefix and _segments(target) and _is_param(_segments(target)[-1])
        ]
        self.aliased: dict[str, str] = {}  # prefix -> the store path of its entity
        self.examples = examples
        self.types = types
        self.values = Values(types)
        self.lock = threading.Lock()
        self.listed_at = {
            r["template"].casefold()
            for r in routes
            if r["method"] == "GET" and r["response"] and r["response"]["collection"]
        }
        self._shapes: dict[str, Shape] = {}
        self._fit: dict[int, bool] = {}  # documented responses (kept in `examples`) that fit
        self.store: dict[str, Collection] = {}
        self.singletons: dict[str, dict[str, Any]] = {}
        self.media: dict[str, tuple[bytes, str]] = {}
        self.uploads: dict[str, Upload] = {}
        self.clock = 0
        self.repairs = 0  # documented entities with values repaired when seeding
        self.unfit = 0  # documented answers not seeded: not of their route's type
        self.reset()

    # ----- what a route is

    def shape(self, route: Mapping[str, Any]) -> Shape:
        key = str(route["endpoint"])
        if key not in self._shapes:
            self._shapes[key] = self._shape(route)
        return self._shapes[key]

    def _shape(self, route: Mapping[str, Any]) -> Shape:
        template = str(route["template"])
        segments = _segments(template)
        response = route.get("response") or {}
        typ = response.get("type")
        resource = self.types.resource(typ)
        if route["method"] == "POST" and resource and UPLOAD_URL in self.types.properties(resource):
            return Shape("session", (), typ)  # `createUploadSession`: see `upload`
        if route.get("flexible") or not segments or any("(" in s for s in segments):
            return Shape("", (), typ)
        last = segments[-1]
        everything = tuple(range(len(segments)))
        parent = "/" + "/".join(segments[:-1])
        if last.lower() == "$count" and parent.casefold() in self.listed_at:
            return Shape("count", everything[:-1], typ)
        if last.lower() in ("content", "$value"):
            return Shape("media", everything, typ)
        if last.lower() == "delta" and parent.casefold() in self.listed_at:
            return Shape("delta", everything[:-1], typ)
        if last.lower() == "$ref" and route["method"] in ("POST", "DELETE"):
            return Shape("ref", everything[:-1], typ)
        if last.startswith("$"):
            return Shape("", (), typ)
        if _is_param(last) and (self.types.resource(typ) or parent.casefold() in self.listed_at):
            return Shape("item", everything, typ)
        if template.casefold() in self.listed_at:
            return Shape("collection", everything, typ)
        single = self.types.resource(typ) is not None and not response.get("collection")
        if route["method"] in ("GET", "PATCH", "PUT") and single:
            return Shape("singleton", everything, typ)
        return Shape("", (), typ)

    @staticmethod
    def place(route: Mapping[str, Any], path: str, upto: int | None = None) -> str | None:
        """The store path of a concrete `path` under `route`: the template's literal
        segments case-folded, its parameters as sent (None when they do not line up)."""
        template = _segments(str(route["template"]))
        concrete = _segments(path)
        if len(template) != len(concrete):
            return None
        upto = len(template) if upto is None else upto
        parts = [
            c if _is_param(t) else t.casefold()
            for t, c in zip(template[:upto], concrete[:upto], strict=True)
        ]
        return "/" + "/".join(parts)

    # ----- seeding

    def reset(self) -> None:
        """Forget every change: the store as the documented examples seed it."""
        with self.lock:
            self.store, self.singletons, self.media, self.uploads = {}, {}, {}, {}
            self.clock, self.repairs, self.unfit = 0, 0, 0
            for route in self.routes:
                if route["method"] == "GET":
                    for example_id in route["examples"]:
                        self._seed(route, self.examples.get(example_id))
            self._seed_aliases()

    def _seed_aliases(self) -> None:
        """Each alias's entity (`/me`: the documented answer to `GET /me`) is also an
        entity of the target's collection (`/users`), and the alias leads to it there."""
        self.aliased = {}
        for prefix, target in self.aliases:
            entity = self.singletons.get(prefix)
            key = str(entity.get(KEY) or "") if entity is not None else ""
            if entity is None or not key:
                continue
            owner = "/" + "/".join(s.casefold() for s in _segments(target)[:-1])
            collection = self.store.setdefault(owner, Collection())
            if key not in collection.entities:
                self._put(collection, key, dict(entity))
            self.aliased[prefix] = f"{owner}/{key}"
        self.aliased = {prefix: self.unaliased(path) for prefix, path in self.aliased.items()}
        for place in [p for p in self.store if self.unaliased(p) != p]:
            moved = self.store.pop(place)
            kept = self.store.setdefault(self.unaliased(place), Collection())
            for key, entity in moved.entities.items():
                if key not in kept.entities:
                    self._put(kept, key, entity)
                    if key in moved.repaired:
                        kept.repaired[key] = moved.repaired[key]
        for place in [p for p in self.singletons if self.unaliased(p) != p]:
            self.singletons.setdefault(self.unaliased(place), self.singletons.pop(place))

    def unaliased(self, place: str) -> str:
        """The store path `place` stands for (`/me/events` -> `/users/<my id>/events`;
        an alias whose target holds another, `/me/calendar`, is followed through both)."""
        for _ in range(len(self.aliased)):
            longest = max(
                (p for p in self.aliased if place == p or place.startswith(p + "/")),
                key=len,
                default=None,
            )
            if longest is None:
                break
            place = self.aliased[longest] + place[len(longest) :]
        return place

    def _seed(self, route: Mapping[str, Any], example: Mapping[str, Any] | None) -> None:
        shape = self.shape(route)
        if example is None or shape.kind not in ("item", "collection", "singleton"):
            return
        response = example["response"]
        body = response["body"] if response["json"] else None
        place = self.place(route, str(example["request"]["path"]))
        if place is None or not isinstance(body, dict) or response["status"] >= 300:
            return
        if shape.kind == "collection":
            items = body.get("value")
            for item in items if isinstance(items, list) else []:
                self._seed_entity(place, item, shape.type)
        elif shape.kind == "item":
            self._seed_entity(place.rsplit("/", 1)[0], body, shape.type, place.rsplit("/", 1)[1])
        else:
            fitted = self._fitted(body, shape.type)
            if fitted is not None:
                self.singletons.setdefault(place, fitted[0])

    def _fitted(self, body: Any, typ: str | None) -> tuple[dict[str, Any], list[str]] | None:
        """A documented entity as the twin keeps it: values that do not fit repaired (and
        where), `{"value": {...}}` for one entity unwrapped; None when it is not one of
        `typ` even then (an entity of another type, kinds that still do not match)."""
        resource = self.types.resource(typ)
        if resource is None or not isinstance(body, dict):
            return None
        if "value" in body and "value" not in self.types.properties(resource):
            if not isinstance(body["value"], dict) or any(
                k[:1] != "@" for k in body if k != "value"
            ):
                self.unfit += 1
                return None
            body = body["value"]  # `{"value": {...}}` for one entity (Intune's pages)
        derived = self.types.resource(body.get("@odata.type"))
        if derived is not None and not self.types.derives(derived, resource):
            self.unfit += 1
            return None
        entity = _plain(copy.deepcopy(body))
        repaired = self.values.repair(entity, resource, False, "")
        if self.types.check(entity, resource, False, "body") is not None:
            self.unfit += 1
            return None
        self.repairs += bool(repaired)
        return entity, repaired

    def _seed_entity(self, place: str, body: Any, typ: str | None, key: str | None = None) -> None:
        key = str(body.get(KEY) or key or "") if isinstance(body, dict) else ""
        fitted = self._fitted(body, typ) if key else None
        if fitted is None:
            return
        entity, repaired = fitted
        collection = self.store.setdefault(place, Collection())
        if key not in collection.entities:
            entity.setdefault(KEY, key)
            self._put(collection, key, entity)
            if repaired:
                collection.repaired[key] = repaired

    def _put(
        self, collection: Collection, key: str, entity: dict[str, Any], written: bool = False
    ) -> None:
        """Keep `entity`; `written` (by a request): its ETag, if it has one, changes."""
        self.clock += 1
        if written and "@odata.etag" in entity:
            entity["@odata.etag"] = f'W/"{self.clock}"'
        if written and "eTag" in entity:
            entity["eTag"] = f'"{key},{self.clock}"'
        collection.entities[key] = entity
        collection.versions[key] = self.clock
        collection.removed.pop(key, None)

    # ----- answers

    def answer(
        self,
        route: Mapping[str, Any],
        path: str,
        query: list[tuple[str, str]],
        body: Any,
        link: Callable[[str, list[tuple[str, str]]], str],
    ) -> Answer | None:
        """The twin's answer to a request on `route`, None when it has none (the caller
        then gives the documented one). `link(path, query)`: a URL on the twin."""
        shape = self.shape(route)
        if not shape.kind:
            return None
        options = query_options(query)
        method = str(route["method"])
        place = self.place(route, path)
        if shape.kind == "session":  # (any path, `root:/a.txt:` forms too)
            place = "/" + "/".join(_segments(path.casefold()))
        if place is None:
            return None
        if shape.kind == "item" and place.endswith("/$count"):  # `/users/$count` as `/users/{id}`
            shape = Shape("count", shape.owner, shape.type)
        aliased = self.unaliased(place)
        if aliased != place and shape.kind == "singleton" and aliased in self.aliased.values():
            shape = Shape("item", shape.owner, shape.type)  # `/me`: an entity of `/users`
        place = aliased
        with self.lock:
            handler = getattr(self, f"_{shape.kind}")
            answer: Answer | None = handler(Asked(method, place, shape, options, body, link, route))
            return answer

    def _collection(self, asked: Asked) -> Answer | None:
        method, place, shape, options, body, link, route = asked
        if place not in self.store:
            self._parent_exists(place)
        collection = self.store.setdefault(place, Collection())
        if method == "POST":
            return self._create(place, collection, shape, body, link, route)
        if method != "GET":
            return None
        page, count, following = listed(list(collection.entities.values()), options)
        value = [self._shown(place, e, options) for e in page]
        answer: dict[str, Any] = {}
        if options.get("$count", "").lower() == "true":
            answer["@odata.count"] = count
        answer["value"] = value
        if following is not None:
            kept = [(k, v) for k, v in options.items() if k not in ("$skip", "$skiptoken")]
            answer["@odata.nextLink"] = link(place, [*kept, ("$skiptoken", str(following))])
        return Answer(200, answer, self._repaired_header(collection, [e.get(KEY) for e in page]))

    def _create(
        self,
        place: str,
        collection: Collection,
        shape: Shape,
        body: Any,
        link: Any,
        route: Mapping[str, Any],
    ) -> Answer:
        problem = self.values.problem(body, self.types.resource(shape.type), partial=False)
        if problem:
            raise ODataError(400, "BadRequest", f"Invalid object: {problem}")
        entity = _plain(copy.deepcopy(body))
        key = str(entity.get(KEY) or uuid.uuid4())
        if key in collection.entities:
            raise ODataError(409, "Conflict", f"An object with id {key} already exists.")
        entity[KEY] = key
        resource = self.types.resource(entity.get("@odata.type")) or self.types.resource(shape.type)
        known = self.types.properties(resource) if resource else {}
        stamp = now()
        for name in _STAMPED:
            if name in known and not entity.get(name):
                entity[name] = stamp
        if "eTag" in known:
            entity.setdefault("eTag", "")
        self._put(collection, key, entity, written=True)
        status = int(route["status"]) if int(route["status"]) in (200, 201) else 201
        headers = {"Location": link(f"{place}/{key}", []), **_etag(entity)}
        return Answer(status, dict(entity), headers)

    def _item(self, asked: Asked) -> Answer | None:
        method, place, shape, options, body, link, route = asked
        owner, _, key = place.rpartition("/")
        collection = self.store.get(owner)
        entity = collection.entities.get(key) if collection is not None else None
        if entity is None or collection is None:
            raise ODataError(404, "NotFound", f"Resource '{key}' does not exist.")
        status = int(route["status"])
        if method == "GET":
            shown = self._shown(place, entity, options)
            return Answer(200, shown, {**self._repaired_header(collection, [key]), **_etag(entity)})
        if method == "DELETE":
            del collection.entities[key]
            kept: dict[str, Any]
            for kept in (self.store, self.singletons, self.media):
                for below in [p for p in kept if p.startswith(place + "/")]:
                    del kept[below]
            self.clock += 1
            collection.removed[key] = self.clock
            collection.versions.pop(key, None)
            return Answer(204)
        if method in ("PATCH", "PUT"):
            resource = self.types.resource(entity.get("@odata.type")) or self.types.resource(
                shape.type
            )
            problem = self.values.problem(body, resource, partial=method == "PATCH")
            if problem:
                raise ODataError(400, "BadRequest", f"Invalid object: {problem}")
            updated = dict(entity) if method == "PATCH" else {KEY: key}
            updated.update(_plain(copy.deepcopy(body)))
            updated[KEY] = key
            if "lastModifiedDateTime" in (self.types.properties(resource) if resource else {}):
                updated["lastModifiedDateTime"] = now()
            self._put(collection, key, updated, written=True)
            collection.repaired.pop(key, None)
            if status in (204, 0) or status >= 300:
                return Answer(204)
            return Answer(200, dict(updated), _etag(updated))
        return None

    def _singleton(self, asked: Asked) -> Answer | None:
        method, place, shape, options, body, link, route = asked
        entity = self.singletons.get(place)
        if method == "GET":
            return None if entity is None else Answer(200, self._shown(place, entity, options))
        if method in ("PATCH", "PUT"):
            problem = self.values.problem(body, self.types.resource(shape.type), method == "PATCH")
            if problem:
                raise ODataError(400, "BadRequest", f"Invalid object: {problem}")
            updated = dict(entity or {}) if method == "PATCH" else {}
            updated.update(_plain(copy.deepcopy(body)))
            self.singletons[place] = updated
            return Answer(204) if int(route["status"]) in (204, 0) else Answer(200, dict(updated))
        return None

    def _count(self, asked: Asked) -> Answer | None:
        method, place, shape, options, body, link, route = asked
        owner = place.rsplit("/", 1)[0]
        if method != "GET" or owner not in self.store:
            return None
        _, count, _ = listed(list(self.store[owner].entities.values()), options)
        return Answer(200, str(count).encode(), media_type="text/plain")

    def _delta(self, asked: Asked) -> Answer | None:
        method, place, shape, options, body, link, route = asked
        owner = place.rsplit("/", 1)[0]
        if method != "GET":
            return None
        collection = self.store.setdefault(owner, Collection())
        since = (
            _whole_number("$deltatoken", options["$deltatoken"]) if "$deltatoken" in options else 0
        )
        changed = [
            dict(collection.entities[k]) for k, v in collection.versions.items() if v > since
        ]
        gone = [
            {KEY: k, "@removed": {"reason": "deleted"}}
            for k, v in collection.removed.items()
            if v > since
        ]
        fields = options.get("$select")
        value = [select(e, fields.split(",")) if fields else e for e in changed] + gone
        return Answer(
            200,
            {"value": value, "@odata.deltaLink": link(place, [("$deltatoken", str(self.clock))])},
        )

    def _ref(self, asked: Asked) -> Answer | None:
        """`POST .../members/$ref` with `{"@odata.id": ".../users/{id}"}` adds a reference
        to an entity the twin has; `DELETE .../members/{id}/$ref` removes one."""
        method, place, shape, options, body, link, route = asked
        place = place.rsplit("/", 1)[0]  # (without `/$ref`)
        if method == "DELETE":
            owner, _, key = place.rpartition("/")
            collection = self.store.get(owner)
            if collection is None or key not in collection.entities:
                raise ODataError(404, "NotFound", f"No reference to '{key}' here.")
            del collection.entities[key]
            self.clock += 1
            collection.removed[key] = self.clock
            collection.versions.pop(key, None)
            return Answer(204)
        target = body.get("@odata.id") if isinstance(body, dict) else None
        if not isinstance(target, str) or not target.strip("/"):
            raise ODataError(
                400, "BadRequest", 'A reference needs "@odata.id": the URL of an entity.'
            )
        entity = self._referenced(target)
        if entity is None:
            raise ODataError(404, "NotFound", f"No entity at {target}.")
        if place not in self.store:
            self._parent_exists(place)
        collection = self.store.setdefault(place, Collection())
        key = str(entity[KEY])
        if key in collection.entities:
            raise ODataError(400, "BadRequest", f"A reference to '{key}' is already there.")
        self._put(collection, key, dict(entity))
        return Answer(204)

    def _referenced(self, url: str) -> dict[str, Any] | None:
        """The entity an `@odata.id` names: its last segment is the key; the collection
        named by the segment before it first, else any top-level collection with it."""
        segments = _segments(url.split("://", 1)[-1].split("?", 1)[0])
        key = segments[-1]
        named = segments[-2].casefold() if len(segments) > 1 else ""
        top = sorted(
            (p for p in self.store if p.count("/") == 1),
            key=lambda p: p.rsplit("/", 1)[-1] != named,
        )
        for place in [*top, *(p for p in self.store if p.count("/") > 1)]:
            entity = self.store[place].entities.get(key)
            if entity is not None:
                return entity
        return None

    def _session(self, asked: Asked) -> Answer | None:
        """An upload session: its `uploadUrl` on the twin; the bytes PUT there (see
        `upload`) become an entity of the collection the session was asked of."""
        method, place, shape, options, body, link, route = asked
        token = uuid.uuid4().hex
        named = [v.get("name") for v in (body or {}).values() if isinstance(v, dict)]
        name = next((n for n in named if isinstance(n, str)), None)
        self.uploads[token] = Upload(place.rsplit("/", 1)[0], bytearray(), name)
        expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        session = {
            UPLOAD_URL: link(f"{UPLOADS_PATH}{token}", []),
            "expirationDateTime": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "nextExpectedRanges": ["0-"],
        }
        status = int(route["status"]) if int(route["status"]) in (200, 201) else 200
        return Answer(status, session)

    def upload(
        self, token: str, content_range: str, data: bytes, link: Callable[..., str]
    ) -> Answer:
        """A part of an upload (`Content-Range: bytes a-b/total`): 202 with the next
        range expected, or, with the last part, 201 and the entity made of it."""
        with self.lock:
            upload = self.uploads.get(token)
            if upload is None:
                raise ODataError(404, "NotFound", "No such upload session (it ended or was reset).")
            m = _CONTENT_RANGE.match(content_range.strip())
            if m is None:
                raise ODataError(400, "BadRequest", "Content-Range must be bytes FIRST-LAST/TOTAL.")
            first, last, total = (int(g) for g in m.groups())
            if first != len(upload.data) or last - first + 1 != len(data) or last >= total:
                expected = f"{len(upload.data)}-"
                raise ODataError(416, "InvalidRange", f"The next expected range is {expected}.")
            upload.data += data
            if len(upload.data) < total:
                return Answer(202, {"nextExpectedRanges": [f"{len(upload.data)}-"]})
            del self.uploads[token]
            key = str(uuid.uuid4())
            entity = {KEY: key, "name": upload.name or key, "size": total}
            collection = self.store.setdefault(upload.place, Collection())
            self._put(collection, key, entity, written=True)
            for media in ("content", "$value"):
                self.media[f"{upload.place}/{key}/{media}"] = (bytes(upload.data), BYTES)
            return Answer(201, dict(entity), {"Location": link(f"{upload.place}/{key}", [])})

    def cancel_upload(self, token: str) -> None:
        with self.lock:
            if self.uploads.pop(token, None) is None:
                raise ODataError(404, "NotFound", "No such upload session (it ended or was reset).")

    def _media(self, asked: Asked) -> Answer | None:
        method, place, shape, options, body, link, route = asked
        if method == "PUT":
            data = body if isinstance(body, bytes) else _as_bytes(body)
            self.media[place] = (data, BYTES)
            return None  # the documented answer (the item's metadata) follows
        if method == "GET":  # (nothing stored: no bytes, rather than the docs' bare 302)
            data, media_type = self.media.get(place, (b"", BYTES))
            return Answer(200, data, media_type=media_type)
        return None

    def fits(self, response: Mapping[str, Any], typ: str | None, collection: bool) -> bool:
        """Whether a documented response is of the documented type (by JSON kinds, once
        repaired): what a twin prefers to answer with."""
        if not response.get("json") or typ is None:
            return not response.get("json")
        known = self._fit.get(id(response))
        if known is None:
            body, _ = self.repaired(response.get("body"), typ, collection)
            known = self._fit[id(response)] = (
                self.types.check_response(body, typ, collection) is None
            )
        return known

    def repaired(self, body: Any, typ: str | None, collection: bool) -> tuple[Any, list[str]]:
        """A documented answer (`{"value": [...]}` for a collection) with the values that
        do not fit their type repaired, and where (the body is not changed)."""
        resource = self.types.resource(typ)
        if resource is None or not isinstance(body, dict):
            return body, []
        fixed = copy.deepcopy(body)
        items = fixed.get("value")
        if isinstance(items, list) and (
            collection or "value" not in self.types.properties(resource)
        ):
            places = [
                where
                for i, item in enumerate(items)
                for where in self.values.repair(item, typ, False, f"value[{i}]")
            ]
        else:
            places = self.values.repair(fixed, typ, False, "")
        return fixed, places

    # ----- helpers

    def _parent_exists(self, place: str) -> None:
        """A collection under an entity (`/groups/G/threads`) is made only while the
        entity is there: 404 when the twin knows the entity's collection but not the
        entity. (The documented collections are there from the start; a DELETE takes
        what is under the entity with it.)"""
        owner, _, _ = place.rpartition("/")
        grand, _, key = owner.rpartition("/")
        parent = self.store.get(grand)
        if parent is not None and key not in parent.entities:
            raise ODataError(404, "NotFound", f"Resource '{key}' does not exist.")

    def _shown(
        self, place: str, entity: Mapping[str, Any], options: Mapping[str, str]
    ) -> dict[str, Any]:
        shown = dict(entity)
        expand = [
            e.strip().split("(")[0] for e in options.get("$expand", "").split(",") if e.strip()
        ]
        for name in expand:
            if name == "*":
                continue
            key = entity.get(KEY)
            base = f"{place}/{key}" if key is not None and not place.endswith(f"/{key}") else place
            related = self.store.get(f"{base}/{name.casefold()}")
            if related is not None:
                shown[name] = list(related.entities.values())
            elif f"{base}/{name.casefold()}" in self.singletons:
                shown[name] = self.singletons[f"{base}/{name.casefold()}"]
        if "$select" in options:
            shown = select(shown, options["$select"].split(",") + expand)
        return shown

    @staticmethod
    def _repaired_header(collection: Collection, keys: Iterable[Any]) -> dict[str, str]:
        places = [
            f"{key}:{where}" for key in keys for where in collection.repaired.get(str(key), [])
        ]
        return {REPAIRED_HEADER: ", ".join(places)[:4000]} if places else {}


def _etag(entity: Mapping[str, Any]) -> dict[str, str]:
    """The `ETag` header of an entity that has one (`@odata.etag`, or an `eTag` property)."""
    tag = entity.get("@odata.etag") or entity.get("eTag")
    return {"ETag": tag} if isinstance(tag, str) and tag else {}


def _plain(value: Any) -> Any:
    """JSON data without the docs' `@odata.context` / `@odata.etag` of another service."""
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k not in ("@odata.context",)}
    return value


def _as_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    import json

    return json.dumps(body).encode("utf-8")
