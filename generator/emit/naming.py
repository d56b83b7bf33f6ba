"""All naming for generated code, in one place, used by every target.

Doc names are hostile to code (`class`, `@odata.type`, `$value`, `2fa`,
`../x`, names equal after snake_casing). Everything here is a pure function
of its input, so names are stable across runs; collisions are settled in a
sorted order, so they are stable across doc-set orderings too.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from generator.emit.content import Piece, made_now
from generator.model.types import ApiModel, Endpoint

_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+|[0-9]+")
_SEGMENT = re.compile(r"\{[^}]*\}")
_FUNCTION = re.compile(r"^([^(]*)\(")
_SPECIAL = re.compile(r"[{}:(.]")  # what a segment needs for more than its words
_SNAKE = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")  # what `snake_case` gives back unchanged
# Fixed lists, not the running interpreter's `keyword` module: the same docs must
# give the same names on every Python (3.12 made `type` a soft keyword).
KEYWORDS = frozenset(keyword.kwlist)
SOFT_KEYWORDS = frozenset({"_", "case", "match"})
RESERVED = KEYWORDS | SOFT_KEYWORDS | {"self", "cls"}


def _ascii(text: str) -> str:
    if text.isascii():  # most names: NFKD leaves ASCII as it is
        return text
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def words(name: str) -> list[str]:
    """Split any spelling into words: camelCase, kebab-case, dotted, `$value`, `@odata.type`."""
    return [w.lower() for w in _WORDS.findall(_ascii(name))]


def snake_case(name: str) -> str:
    return "_".join(_WORDS.findall(_ascii(name))).lower()


def pascal_case(name: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in words(name))


def py_identifier(name: str, *, style: str = "snake", fallback: str = "value") -> str:
    """A valid, keyword-safe Python identifier (suffix `_` only where needed)."""
    ident = pascal_case(name) if style == "pascal" else snake_case(name)
    if not ident:
        ident = pascal_case(fallback) if style == "pascal" else fallback
    if ident[0].isdigit():
        ident = f"_{ident}" if style == "snake" else f"N{ident}"
    if ident in RESERVED:
        ident += "_"
    return ident


def attribute_name(name: str, reserved: AbstractSet[str] = frozenset()) -> str:
    """A public attribute name: snake_case, keyword-safe, never `_`-led (`2fa` -> `field_2fa`).

    A leading underscore would make it private to pydantic and dataclasses, so a
    name that starts with a digit takes a `field_` prefix instead; a name in
    `reserved` (the owner class's own members) takes a `_` suffix.
    """
    ident = snake_case(name) or "value"
    if ident[0].isdigit():
        ident = f"field_{ident}"
    if ident in RESERVED or ident in reserved:
        ident += "_"
    return ident


def constant_name(name: str) -> str:
    """An UPPER_SNAKE constant (enum member) name: `unknownFutureValue` -> `UNKNOWN_FUTURE_VALUE`.

    Upper case cannot meet a keyword; a leading digit takes a `_` prefix.
    """
    ident = snake_case(name).upper() or "VALUE"
    return f"_{ident}" if ident[0].isdigit() else ident


def doc_set_namespace(model: ApiModel) -> str:
    """The namespace the doc set's own types are in (the most of them; on a tie, the
    model's): a doc set without a config declaring its namespace still names its
    packages after itself, not after the built-in default."""
    counts = Counter(r.namespace for r in model.resources if r.namespace)
    if not counts:
        return model.namespace
    top = max(counts.values())
    return (
        model.namespace
        if counts.get(model.namespace) == top
        else min(n for n, c in counts.items() if c == top)
    )


def package_name(namespace: str, suffix: str) -> str:
    """An importable package name for a doc set: `microsoft.graph` -> `microsoft_graph_client`."""
    return py_identifier("_".join(w for w in (snake_case(namespace), suffix) if w), fallback=suffix)


def safe_file_stem(name: str) -> str:
    """A file name that cannot leave its folder or clash by case: `../x` -> `x`."""
    stem = snake_case(name) or "unnamed"
    return stem if not stem[0].isdigit() else f"_{stem}"


class NameAllocator:
    """Hands out unique names; a clash gets `_2`, `_3`, ... in allocation order."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self._taken = {t.casefold() for t in taken}

    def allocate(self, desired: str) -> str:
        name, n = desired, 2
        while name.casefold() in self._taken:
            name = f"{desired}_{n}"
            n += 1
        self._taken.add(name.casefold())
        return name


@dataclass(frozen=True)
class OperationName:
    area: str  # the first path segment, as a module/attribute name: `groups`, `me`
    name: str  # unique within the area: `list_conversations`, `get_conversation`
    operation_id: str  # unique across the API: `groups.list_conversations`


Item = tuple[str, str, tuple[str, ...], tuple[str, ...]]  # (id, verb, words, qualifiers)


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _literal_words(segment: str) -> str:
    """A path segment's literal name: `getX(period='{p}')` -> `get_x`, `$value` -> `value`."""
    segment = segment.split(":", 1)[0]
    m = _FUNCTION.match(segment)
    if m is not None:
        segment = m.group(1)
    segment = segment.rsplit(".", 1)[-1] if segment.count(".") >= 2 else segment
    return snake_case(segment)


def _segments(path: str, known: dict[str, tuple[str, bool]]) -> list[tuple[str, bool]]:
    """(words, is_parameter) for each segment of a template (`known`: by segment, the
    ones split before)."""
    out: list[tuple[str, bool]] = []
    for raw in path.strip("/").split("/"):
        if raw:
            found = known.get(raw)
            if found is None:
                found = known[raw] = _segment(raw)
            out.append(found)
    return out


def _segment(raw: str) -> tuple[str, bool]:
    if _SPECIAL.search(raw) is None:  # most segments: `groups`, `mailFolders`
        literal = snake_case(raw)
    else:
        literal = "" if _SEGMENT.fullmatch(raw) else _literal_words(_SEGMENT.sub("", raw))
    return (literal, False) if literal else (snake_case(raw), True)


View = tuple[str, str, str, str]  # what naming reads of an endpoint: see `naming_view`


def naming_view(endpoint: Endpoint) -> View:
    """What naming reads of an endpoint, as text: its id, method and path, and its kind
    ("list": it returns a collection; "create": a 201, or the type it is sent). Naming's
    pieces are keyed by these, so an edit of anything else (a description) names
    nothing again."""
    returns = endpoint.response.type
    body = endpoint.request_body
    kind = ("list " if returns is not None and returns.collection else "") + (
        "create"
        if endpoint.response.status == 201
        or (body is not None and returns is not None and body.name == returns.name)
        else ""
    )
    return endpoint.id, endpoint.method, endpoint.path, kind


def _verb_and_core(view: View, segments: list[tuple[str, bool]]) -> tuple[str, list[str]]:
    """The operation's verb and its core words, from the method and the path's end."""
    literals = [w for w, is_param in segments if not is_param]
    last_word, last_is_param = segments[-1] if segments else ("root", False)
    noun = literals[-1] if literals else "root"
    _, method, path, kind = view
    collection = "list" in kind
    if path.endswith("/$ref") and len(literals) > 1:  # a reference, not an entity
        refs = {"POST": "add", "PUT": "set", "DELETE": "remove"}
        verb = refs.get(method) or ("list" if collection else "get")
        return verb, [f"{_singular(literals[-2]) if verb != 'list' else literals[-2]}_ref"]
    verbs = {"PATCH": "update", "PUT": "replace", "DELETE": "delete", "HEAD": "head"}
    if last_is_param:
        verb = {"GET": "get", "POST": "post"}.get(method, verbs.get(method, method.lower()))
        return verb, [_singular(noun)]
    if method == "GET":
        return ("list" if collection else "get"), [noun]
    if method == "POST":
        if "create" in kind:
            return "create", [_singular(noun)]
        return "", [last_word]
    return verbs.get(method, method.lower()), [noun]


def _area(segments: list[tuple[str, bool]]) -> str:
    first = next((w for w, is_param in segments[:1] if not is_param), "")
    return _joined_identifier([first or "root"])


def operation_names(
    model: ApiModel, value: Callable[[Piece], Any] = made_now
) -> dict[str, OperationName]:
    """A readable, unique name for every endpoint, grouped by area.

    The name is the verb and the path's last noun (`list_threads`); where two
    endpoints of one area would share it, each takes in more of its path, from
    the end (`list_conversation_threads`), and a numeric suffix is the last
    resort. Decided over endpoints in sorted id order: stable bytes.

    What naming reads of the endpoints under each first path segment, and each
    area's names, are pieces: `value` (a target's `Context.value`) makes them, or
    takes them from an earlier build.
    """
    by_segment: dict[str, list[Endpoint]] = defaultdict(list)
    for endpoint in sorted(model.endpoints, key=lambda e: e.id):
        by_segment[endpoint.path.strip("/").split("/", 1)[0]].append(endpoint)
    segments = [
        Piece(_items, tuple(map(naming_view, endpoints)))
        for _, endpoints in sorted(by_segment.items())
    ]
    counted: dict[str, int] = defaultdict(int)  # items of each area
    fed: dict[str, list[Piece]] = defaultdict(list)  # the segments with items of each area
    for segment in segments:
        for area, _ in value(segment):
            counted[area] += 1
            if not fed[area] or fed[area][-1] is not segment:
                fed[area].append(segment)
    result: dict[str, OperationName] = {}
    for area, spellings in sorted(_one_area_per_spelling(counted).items()):
        feeding = tuple(dict.fromkeys(s for spelling in spellings for s in fed[spelling]))
        for eid, name in value(Piece(_name_area, area, spellings, feeding)):
            result[eid] = OperationName(area, name, f"{area}.{name}")
    return result


def _one_area_per_spelling(counted: Mapping[str, int]) -> dict[str, tuple[str, ...]]:
    """Areas that differ only by case and underscores (`/directoryRoles` and
    `/directoryroles`: `directory_roles`, `directoryroles`) as one, named as the one
    with the most endpoints (`counted`; on a tie, with the most words): each name and
    the areas it takes in."""
    spellings: dict[str, list[str]] = defaultdict(list)
    for area in counted:
        spellings[area.replace("_", "").casefold()].append(area)
    merged: dict[str, tuple[str, ...]] = {}
    for areas in spellings.values():
        name = max(areas, key=lambda a: (counted[a], a.count("_"), a))
        merged[name] = tuple(areas)
    return merged


def _items(views: tuple[View, ...]) -> tuple[tuple[str, Item], ...]:
    """`_item` of each endpoint (by its `naming_view`): one piece for the endpoints under
    one path segment (one piece an endpoint would cost more to key than to make)."""
    known: dict[str, tuple[str, bool]] = {}  # segments repeat: `groups`, `{group-id}`...
    return tuple(_item(view, known) for view in views)


def _item(view: View, known: dict[str, tuple[str, bool]] | None = None) -> tuple[str, Item]:
    """(area, (id, verb, words, qualifiers)): what naming needs of one endpoint (`known`:
    segments already split). The qualifiers tell it from an endpoint of the same words,
    segment by segment (see `_qualifier`)."""
    eid, _, path, _ = view
    segments = _segments(path, {} if known is None else known)
    verb, core = _verb_and_core(view, segments)
    context = [_singular(w) for w, is_param in segments[1:-1] if not is_param]
    if core and context and context[-1] == _singular(core[0]).removesuffix("_ref"):
        context = context[:-1]
    if verb and (context + core)[:1] and (context + core)[0].split("_")[0] == verb:
        verb = ""  # `getEmailActivity(...)`: `get_email_activity`, not `get_get_...`
    qualifiers = tuple(_qualifier(raw) for raw in path.strip("/").split("/") if raw)
    return _area(segments), (eid, verb, tuple(context + core), qualifiers)


_ARGUMENT = re.compile(r"([A-Za-z_][\w.]*)\s*=")


def _qualifier(segment: str) -> str:
    """What a path segment adds to a name that would clash: a key's name (`by_user_id`),
    a function's argument names (`with_width_height`), a literal as it is spelled
    (`in_calendars`, where the name took `calendar`)."""
    call = segment.find("(")
    if call > 0:
        args = _ARGUMENT.findall(segment[call:])
        return _joined_identifier(["with", *map(snake_case, args)]) if args else ""
    params = _SEGMENT.findall(segment)
    if params:
        return _joined_identifier(["by", *(snake_case(p) for p in params)])
    return _joined_identifier(["in", snake_case(segment)])


def _name_area(
    area: str, spellings: tuple[str, ...], segments: tuple[tuple[tuple[str, Item], ...], ...]
) -> tuple[tuple[str, str], ...]:
    """(endpoint id, name) for the endpoints of one area (taking in the areas spelled
    as `spellings`), by their items (see `_item`) among `segments` (`_items` pieces: the
    piece is keyed by theirs, not by the items, a twentieth of the text to hash)."""
    taken = set(spellings)
    items = sorted(  # by id, as the endpoints are
        (item for segment in segments for where, item in segment if where in taken),
        key=lambda item: item[0],
    )
    return _named(tuple(items))


def _named(items: tuple[Item, ...]) -> tuple[tuple[str, str], ...]:
    """(endpoint id, name) for the endpoints of one area, by their items, in id order.

    Rounds: in every group of endpoints that share a candidate name, each endpoint
    with words left takes in one more. Only the groups that endpoints moved into can
    clash anew, so a round looks at those (an area has up to a thousand endpoints)."""
    depth = {eid: 0 for eid, _, _, _ in items}
    room = {eid: len(parts) - 1 for eid, _, parts, _ in items}
    of_id: dict[str, list[int]] = defaultdict(list)
    for i, (eid, _, _, _) in enumerate(items):
        of_id[eid].append(i)
    tried: dict[tuple[int, int], str] = {}  # (item, depth) -> candidate

    def candidate(i: int) -> str:
        eid, verb, parts, _ = items[i]
        k = depth[eid]
        found = tried.get((i, k))
        if found is None:
            core, context = parts[-1:], parts[:-1]
            chosen = context[len(context) - k :] if k else []
            found = tried[i, k] = _joined_identifier([verb, *chosen, *core])
        return found

    names = [candidate(i) for i in range(len(items))]
    groups: dict[str, set[int]] = defaultdict(set)
    for i, name in enumerate(names):
        groups[name].add(i)
    looked_at: Iterable[str] = list(groups)
    for _ in range(12):
        grown = [eid for name in looked_at for eid in _grown(groups[name], items, depth, room)]
        if not grown:
            break
        moved = sorted({i for eid in grown for i in of_id[eid]})
        for i in moved:
            groups[names[i]].discard(i)
            names[i] = candidate(i)
            groups[names[i]].add(i)
        looked_at = dict.fromkeys(names[i] for i in moved)
    names = _qualified(names, items)
    allocator = NameAllocator()  # (a last resort: qualifiers tell apart all but copies)
    return tuple((eid, allocator.allocate(names[i])) for i, (eid, _, _, _) in enumerate(items))


def _qualified(names: list[str], items: tuple[Item, ...]) -> list[str]:
    """Names still shared after the rounds, told apart: the endpoint with the shortest
    path (then the first id) keeps the name; each other takes the qualifier of its first
    segment, from the end, that differs from the keeper's at the same place
    (`get_user_by_users_id`, `get_chart_image_with_width_height`), then more such
    segments while the name is taken."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, name in enumerate(names):
        groups[name].append(i)
    taken = set(names)
    result = list(names)
    for name, members in groups.items():
        if len(members) < 2:
            continue
        members.sort(key=lambda i: (len(items[i][3]), items[i][0]))
        keeper = items[members[0]][3]
        for i in members[1:]:
            qualifiers = items[i][3]
            differing = [
                q
                for k, q in enumerate(reversed(qualifiers))
                if q and (k >= len(keeper) or keeper[-1 - k] != qualifiers[-1 - k])
            ]
            for n in range(1, len(differing) + 1):
                candidate = _joined_identifier([name, *reversed(differing[:n])])
                if candidate not in taken:
                    result[i] = candidate
                    taken.add(candidate)
                    break
    return result


def _grown(
    group: set[int],
    items: tuple[Item, ...],
    depth: dict[str, int],
    room: dict[str, int],
) -> list[str]:
    """The ids whose depth grows, for a group sharing a name: none unless it clashes."""
    grown = []
    if len(group) > 1:
        for i in group:
            eid = items[i][0]
            if depth[eid] < room[eid]:
                depth[eid] += 1
                grown.append(eid)
    return grown


def _joined_identifier(parts: Iterable[str]) -> str:
    """`py_identifier` of the parts joined by `_`. Parts are mostly snake_case already:
    then the joined text is its own snake_case, and only needs the identifier's rules
    (naming an area tries each of its candidates up to 12 times)."""
    joined = "_".join(filter(None, parts))
    if not _SNAKE.fullmatch(joined):
        return py_identifier(joined)
    if joined[0].isdigit():
        joined = f"_{joined}"
    return joined + "_" if joined in RESERVED else joined
