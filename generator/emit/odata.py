"""OData query options over a list of entities: `$filter`, `$orderby`, `$select`,
`$search`, `$top`/`$skip`/`$skiptoken` paging, and the options that are not supported
(a 400 that names them). Standard library only: the stateful twin (`twin.py`) uses it,
and the server target ships it as it is (`server/<package>/odata.py`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

KEY = "id"  # the key of the API's entities (OData's `entity`)
PAGE_SIZE = 100  # entities a list answers at most without `$top`
SUPPORTED_OPTIONS = frozenset(
    {"$filter", "$select", "$orderby", "$top", "$skip", "$skiptoken", "$count", "$search"}
    | {"$expand", "$deltatoken", "$format"}
)


class ODataError(Exception):
    """A request the twin refuses: its status, the service's error code, a message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


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


def whole_number(name: str, text: str) -> int:
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
    skip = whole_number("$skip", options.get("$skip", "0"))
    if "$skiptoken" in options:
        skip = whole_number("$skiptoken", options["$skiptoken"])
    top = whole_number("$top", options["$top"]) if "$top" in options else None
    size = PAGE_SIZE if top is None else min(top, PAGE_SIZE)
    page = items[skip : skip + size]
    end = skip + len(page)
    # `$top` is the page size, as the service has it: more pages follow (`@odata.nextLink`,
    # which keeps `$top`), as the SDKs' page iterators expect
    return page, count, end if end < count else None
