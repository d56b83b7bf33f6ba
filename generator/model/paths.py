"""Normalise request-path syntax lines into templates, and match example URLs to them.

Syntax blocks write placeholders in many dialects (`{id}`, `<objectId>`,
`{id | userPrincipalName}`, `users('{id}')`, `f(period='{period_value}')`,
`root:/{item-path}:`), often repeating `{id}` within one path. A template gets
named, unique parameters so that clients, servers and OpenAPI can use them.

Naming rules:

* A generic placeholder (every alternative is one of id, key, objectId,
  identifier, guid, uuid, name, index, value) is named after the nearest
  preceding literal word, singularised simply, with a lower-case first letter:
  `/groups/{id}` -> `{group-id}`, `/JoinedGroups/<Id>` -> `{joinedGroup-id}`,
  `charts/{name}` -> `{chart-name}`, `worksheets/{id|name}` ->
  `{worksheet-id-or-name}`, `/users/{id | userPrincipalName}` ->
  `{user-id-or-userPrincipalName}`. Id-like words all become `id`.
* A descriptive placeholder keeps its name, sanitised to `[A-Za-z0-9_-]`:
  `{userId}`, `{tenant id}` -> `{tenant-id}`, `{user-id | upn}` -> `{user-id-or-upn}`.
* A function-call argument is named after its key, whatever its value
  (`delta(token='{token}')`, `image(width=640)` -> `image(width={width})`);
  an unnamed key (`users('{id}')`) follows the placeholder rules.
* A bare `(name)` segment, a GUID or a `=`-padded base64 segment is a parameter.
* Names are unique within a path: a repeat gets `-2`, `-3` (reported in notes).
* Literals keep their written case and separators; a trailing `/` is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from itertools import chain
from typing import Generic, Literal, TypeVar
from urllib.parse import unquote

T = TypeVar("T")


@dataclass(frozen=True)
class PathParam:
    name: str
    written: str


@dataclass(frozen=True)
class PathTemplate:
    raw: str
    template: str
    params: tuple[PathParam, ...]
    query: str


@dataclass(frozen=True)
class _Piece:
    """A literal run, or a parameter (`kind` "seg" or "arg") still to be named."""

    text: str
    kind: Literal["lit", "seg", "arg", "any"] = "lit"
    hint: str = ""  # arg key, or the placeholder text that names the parameter
    prefix: str = ""  # arg: typed-literal prefix, e.g. microsoft.graph.timeZoneStandard
    quote: str = ""
    keyed: bool = False  # arg named by its key rather than by `hint` as a placeholder


_ID_LIKE = frozenset({"id", "key", "objectid", "identifier", "guid", "uuid"})
_GENERIC = _ID_LIKE | {"name", "index", "value"}
_SCHEME_HOST = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?]*")
_PATH_END = re.compile(r"(?:[^?']|'[^']*'|')*")
_ALT_OUTSIDE = re.compile(r"\{([^{}]*)\}\s*\|\s*([^/{}()\s]+)")
_UNCLOSED = re.compile(r"\(([^()/]*)(?=/|$)")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|<[^<>]*>")
_CONCRETE = re.compile(
    r"^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9+_-]{8,}={1,2})$",
    re.I,
)
_BARE_PAREN = re.compile(r"^\(([^()'=,]+)\)$")
_CALL = re.compile(r"^(?P<head>[^(]*)\((?P<args>.*)\)(?P<tail>[^()]*)$")
_ARG = re.compile(r"^(\s*)(?:([\w.$@-]+)(\s*=\s*))?(.*?)(\s*)$")
_QUOTED = re.compile(r"^([\w.]*)(['\"])(.*)\2$")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ALTS = re.compile(r"\s*\|\s*|\s+or\s+", re.I)
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_SLASH_ESC = re.compile(r"%2f", re.I)
_WHOLE_PARAM = re.compile(r"\{[^{}]+\}")
_NOT_PLAIN = re.compile(r"[\s{}]")
_TPL_TOKEN = re.compile(
    r"(?P<any>/\.\.\.(?=/|$))"
    r"|(?<=[(=,])(?P<sp>\s*)(?:[\w.]+(?='))?'?\{(?P<arg>[^{}]+)\}'?(?=\s*[),])"
    r"|\{(?P<seg>[^{}]+)\}"
)


def _split_top(text: str, sep: str) -> list[str]:
    """Split on `sep` outside brackets and quotes (arguments may hold '/' or ',')."""
    parts, start, depth, quoted = [], 0, 0, False
    for i, ch in enumerate(text):
        if ch == "'":
            quoted = not quoted
        elif not quoted and ch in "({<":
            depth += 1
        elif not quoted and ch in ")}>":
            depth = max(0, depth - 1)
        elif ch == sep and not depth and not quoted:
            parts.append(text[start:i])
            start = i + 1
    return [*parts, text[start:]]


def _base_paths(base_urls: Iterable[str]) -> tuple[str, ...]:
    """Path parts of the base URLs, longest first, so `/v1.0` and a full URL both strip."""
    paths = {_SCHEME_HOST.sub("", b).rstrip("/") for b in base_urls}
    return tuple(sorted((p for p in paths if p), key=lambda p: (-len(p), p)))


def _strip_base(path: str, bases: tuple[str, ...]) -> str:
    path = _SCHEME_HOST.sub("", path)
    lower = path.lower()
    for base in bases:
        if lower.startswith(base.lower()) and lower[len(base) : len(base) + 1] in ("", "/"):
            return path[len(base) :]
    return path


def split_path_query(url: str, base_urls: Iterable[str] = ()) -> tuple[str, str]:
    """Split a URL into path and query (no '?'); drops scheme, host and any base URL."""
    url = url.strip()
    end = _PATH_END.match(url)
    cut = end.end() if end else len(url)
    return _strip_base(url[:cut], _base_paths(base_urls)), url[cut + 1 :]


def _singular(word: str) -> str:
    """Simple English singular: enough to name `conversations/{id}` `conversation-id`."""
    lower = word.lower()
    if lower.endswith("ies") and not lower.endswith(("eries", "ecies")):
        return word[:-3] + "y"
    if lower.endswith(("sses", "shes", "ches", "xes", "zes", "uses")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith(("ss", "us", "is", "series")):
        return word[:-1]
    return word


def _placeholder_name(text: str, context: str) -> str:
    """Name a placeholder: generic ones after `context`, descriptive ones as written."""
    alts = [_UNSAFE.sub("-", a).strip("-") for a in _ALTS.split(text.strip("{}<>'\" "))]
    alts = [a for a in alts if a]
    if not any(a.lower() in _GENERIC for a in alts):
        return "-or-".join(alts)
    words = [
        "id" if a.lower() in _ID_LIKE else a.lower() if a.lower() in _GENERIC else a for a in alts
    ]
    owner = _singular(context)
    owner = owner[:1].lower() + owner[1:]  # `JoinedGroups/<Id>` -> `joinedGroup-id`
    joined = "-or-".join(dict.fromkeys(words))
    return owner if joined == owner.lower() else f"{owner}-{joined}" if owner else joined


def _literal_pieces(text: str) -> list[_Piece]:
    """Literal text with `{x}` / `<x>` placeholders inside it."""
    pieces, pos = [], 0
    for m in _PLACEHOLDER.finditer(text):
        pieces += [_Piece(text[pos : m.start()]), _Piece(m.group(), "seg", m.group())]
        pos = m.end()
    return [*pieces, _Piece(text[pos:])]


def _arg_pieces(arg: str, notes: list[str]) -> list[_Piece]:
    """One function/key argument: `key=value` or a bare key value."""
    m = _ARG.match(arg)
    if not m or not (m[2] or m[4]):
        return [_Piece(arg)]
    lead, key, eq, value, trail = m[1], m[2] or "", m[3] or "", m[4], m[5]
    q = _QUOTED.match(value)
    prefix, quote, inner = (q[1], q[2], q[3]) if q else ("", "", value)
    placeholder = bool(_PLACEHOLDER.fullmatch(inner))
    if not placeholder and (quote or inner[:1].isdigit()):
        notes.append(f"argument '{arg.strip()}' has a concrete value; templated as a parameter")
    hint = key or (inner if placeholder else "id")
    arg_piece = _Piece(value, "arg", hint, prefix, quote, keyed=bool(key))
    return [_Piece(lead + key + eq), arg_piece, _Piece(trail)]


def _segment_pieces(seg: str, notes: list[str]) -> list[_Piece]:
    if seg == "...":
        return [_Piece(seg, "any")]
    if _CONCRETE.match(seg):
        notes.append(f"concrete value '{seg}' in the path templated as a parameter")
        return [_Piece(seg, "seg", "id")]
    bare = _BARE_PAREN.match(seg)
    if bare:
        return [_Piece(seg, "seg", bare.group(1))]
    call = _CALL.match(seg)
    if not call:
        return _literal_pieces(seg)
    args = [p for a in _split_top(call["args"], ",") for p in [*_arg_pieces(a, notes), _Piece(",")]]
    return [*_literal_pieces(call["head"] + "("), *args[:-1], _Piece(")" + call["tail"])]


def _repair(path: str, notes: list[str]) -> str:
    """Fix dialect slips that would otherwise split a parameter in two."""
    fixed = _ALT_OUTSIDE.sub(r"{\1 | \2}", path)
    if path.count("(") > path.count(")"):
        fixed = _UNCLOSED.sub(r"(\1)", fixed)
    if not fixed.startswith("/"):
        fixed = "/" + fixed
    if fixed != path:
        notes.append(f"path '{path}' repaired to '{fixed}'")
    return fixed


def _unique(base: str, used: set[str], written: str, notes: list[str]) -> str:
    """`base`, or `base-2`, `base-3`... when the path already uses it."""
    name, n = base, 1
    while name in used:
        n += 1
        name = f"{base}-{n}"
    if n > 1:
        notes.append(f"parameter '{written}' named '{name}': '{base}' is already used")
    used.add(name)
    return name


def _name_pieces(pieces: list[_Piece], notes: list[str]) -> list[tuple[_Piece, str]]:
    """Give every parameter a unique name; literals get ""."""
    named: list[tuple[_Piece, str]] = []
    used: set[str] = set()
    context = ""
    for piece in pieces:
        if piece.kind in ("lit", "any"):
            context = ([context, *_WORD.findall(piece.text)])[-1]
            named.append((piece, ""))
            continue
        keyed = _UNSAFE.sub("-", piece.hint)
        base = (keyed if piece.keyed else _placeholder_name(piece.hint, context)) or "param"
        named.append((piece, _unique(base, used, piece.text, notes)))
    return named


def _render(named: list[tuple[_Piece, str]]) -> str:
    out = []
    for piece, name in named:
        if piece.kind == "arg":
            out.append(f"{piece.prefix}{piece.quote}{{{name}}}{piece.quote}")
        else:
            out.append(f"{{{name}}}" if name else piece.text)
    return "".join(out)


@lru_cache(maxsize=8192)
def _normalize(raw: str, bases: tuple[str, ...]) -> tuple[PathTemplate, tuple[str, ...]]:
    notes: list[str] = []
    path, query = split_path_query(raw)
    path = _strip_base(path, bases)
    written = path
    path = _repair(path.rstrip("/") or "/", notes)
    segments = _split_top(path, "/")
    pieces: list[_Piece] = []
    for i, seg in enumerate(segments):
        pieces += [_Piece("/")] if i else []
        pieces += _segment_pieces(seg, notes)
    named = _name_pieces(pieces, notes)
    params = tuple(PathParam(name, p.text) for p, name in named if name)
    return PathTemplate(written, _render(named), params, query), tuple(notes)


def normalize_path(raw: str, base_urls: Iterable[str] = ()) -> tuple[PathTemplate, list[str]]:
    """Template for one syntax-line URL, plus notes about repairs and renames for diagnostics."""
    template, notes = _normalize(raw, _base_paths(base_urls))
    return template, list(notes)


_Rank = tuple[int, int, int, str]  # (-literal characters, parameters, "..." segments, template)


@dataclass(frozen=True)
class _Compiled:
    pattern: str
    names: tuple[str, ...]
    head: str  # first segment, lower-cased; "" when it holds a parameter
    slashes: int
    flexible: bool  # may span a varying number of '/'
    rank: _Rank  # most specific first
    # a fixed-shape template's segments: lower-cased ASCII literal, or None for a whole
    # segment that is a parameter; None when any segment is anything else
    shape: tuple[str | None, ...] | None

    def quick_match(self, segments: list[str]) -> tuple[str, ...] | None | Literal[True]:
        """Match without the regex (compiling it is the costly part) when the template
        is plain segments: the parameter values, or None for no match; True when
        only the regex can tell (a non-ASCII segment where a literal stands)."""
        assert self.shape is not None
        values = []
        for seg, literal in zip(segments, self.shape, strict=True):
            if literal is None:
                if not seg:
                    return None
                values.append(seg)
            elif not seg.isascii():
                return True
            elif seg.lower() != literal:
                return None
        return tuple(values)

    @cached_property
    def regex(self) -> re.Pattern[str]:
        """Compiled on first match: most templates of an index are never tried, and
        compiling every one was a quarter of the resolve stage."""
        return re.compile(self.pattern, re.I)


def _escape(literal: str) -> str:
    """Escape a literal; whitespace (`a, b`) matches any or none."""
    return r"\s*".join(re.escape(p) for p in re.split(r"\s+", literal))


def _token_regex(m: re.Match[str], i: int, spans: bool) -> str:
    """Regex for one template token; group `a{i}` (or `b{i}` unquoted) holds the value."""
    if m["any"]:
        return r"(?:/[^/]+)*"
    if m["arg"]:
        quoted = rf"(?:'(?P<a{i}>[^']*)'|(?P<b{i}>[^/,)']*))"
        return _escape(m["sp"]) + r"(?:[\w.]+(?='))?" + quoted
    return rf"(?P<a{i}>[^:]+)" if spans else rf"(?P<a{i}>[^/]+)"


@cache  # a doc set's templates: a bounded set, each analysed once
def _compile(template: str) -> _Compiled:
    """One anchored, case-insensitive regex per template (cached across methods)."""
    parts, names, literal, pos, flexible = ["^"], list[str](), 0, 0, False
    for m in _TPL_TOKEN.finditer(template):
        text = template[pos : m.start()]
        spans = template[: m.start()].endswith((":", ":/"))
        parts += [_escape(text), _token_regex(m, len(names), spans)]
        names += [m["arg"] or m["seg"]] if not m["any"] else []
        literal += len(text)
        flexible = flexible or spans or not m["seg"]
        pos = m.end()
    parts.append(_escape(template[pos:]) + "/?$")
    literal += len(template) - pos
    first = template.split("/", 2)[1] if template.count("/") else template
    head = "" if "{" in first or first == "..." else first.lower()
    slashes = _TPL_TOKEN.sub("", template).count("/")
    rank = (-literal, len(names), template.count("/..."), template)
    shape = None if flexible else _shape(template)
    return _Compiled("".join(parts), tuple(names), head, slashes, flexible, rank, shape)


def _shape(template: str) -> tuple[str | None, ...] | None:
    """Per segment: the literal the regex matches character for character (ASCII,
    no spaces, compared ignoring case), or None for a `{param}` segment."""
    shape: list[str | None] = []
    for seg in template.split("/"):
        if _WHOLE_PARAM.fullmatch(seg):
            shape.append(None)
        elif seg.isascii() and not _NOT_PLAIN.search(seg):
            shape.append(seg.lower())
        else:
            return None
    return tuple(shape)


@dataclass(frozen=True)
class _Entry(Generic[T]):
    compiled: _Compiled
    payload: T
    order: int


_FILLED = re.compile(r"\{[^}]*\}")  # a template's parameters, filled in to match a suffix
_AFTER_PARAM = re.compile(r"\}/(?=[^/{])")  # a literal segment right after a parameter


def _decode(path: str) -> str:
    """URL-decode, except an encoded '/', which must stay inside its segment."""
    return "%2F".join(unquote(p) for p in _SLASH_ESC.split(path))


class PathIndex(Generic[T]):
    """Templates indexed by (method, first segment, '/' count) so a match tries few regexes."""

    def __init__(
        self, templates: Iterable[tuple[str, PathTemplate, T]], base_urls: Iterable[str] = ()
    ) -> None:
        self._bases = _base_paths(base_urls)
        self._exact: dict[tuple[str, str, int], list[_Entry[T]]] = {}
        self._flexible: dict[tuple[str, str], list[_Entry[T]]] = {}
        methods: set[str] = set()
        self._entries: list[tuple[str, str, _Entry[T]]] = []  # method, template, entry
        for order, (method, template, payload) in enumerate(templates):
            c = _compile(template.template)
            entry = _Entry(c, payload, order)
            self._entries.append((method.upper(), template.template, entry))
            methods.add(method.upper())
            if c.flexible:
                self._flexible.setdefault((method.upper(), c.head), []).append(entry)
            else:
                self._exact.setdefault((method.upper(), c.head, c.slashes), []).append(entry)
        self._methods = tuple(sorted(methods))
        self.size = sum(map(len, chain(self._exact.values(), self._flexible.values())))

    def _prepare(self, url: str) -> str:
        path = _decode(split_path_query(url)[0])
        path = _strip_base(path, self._bases).rstrip("/")
        return path if path.startswith("/") else "/" + path

    def _hits(self, method: str, path: str) -> list[tuple[_Rank, int, T, dict[str, str]]]:
        first = path.split("/", 2)[1].lower() if path.count("/") else ""
        slashes = path.count("/")
        segments = path.split("/")
        hits = []
        for head in dict.fromkeys((first, "")):
            exact = self._exact.get((method, head, slashes), [])
            for entry in chain(exact, self._flexible.get((method, head), [])):
                compiled = entry.compiled
                quick = compiled.quick_match(segments) if compiled.shape is not None else True
                if quick is None:
                    continue
                if quick is not True:
                    params = dict(zip(compiled.names, quick, strict=True))
                    hits.append((compiled.rank, entry.order, entry.payload, params))
                    continue
                m = compiled.regex.match(path)
                if m:
                    hits.append((compiled.rank, entry.order, entry.payload, _params(entry, m)))
        return hits

    def match(self, method: str, path: str) -> list[tuple[T, dict[str, str]]]:
        """Templates that `path` (a URL; query ignored) fits, most specific first."""
        hits = sorted(self._hits(method.upper(), self._prepare(path)), key=lambda h: h[:2])
        return [(payload, params) for _, _, payload, params in hits]

    @cached_property
    def _within(self) -> dict[tuple[str, str], list[tuple[str, _Entry[T]]]]:
        """(method, a literal segment right after a parameter) -> (the template's part
        before it, parameters filled in; its entry). Made when first asked for."""
        found: dict[tuple[str, str], list[tuple[str, _Entry[T]]]] = {}
        for method, template, entry in self._entries:
            for at in (m.start() for m in _AFTER_PARAM.finditer(template)):
                segment = template[at + 2 :].split("/", 1)[0].casefold()
                prefix = _FILLED.sub("x", template[: at + 1])
                found.setdefault((method, segment), []).append((prefix, entry))
        return found

    def match_within(self, method: str, path: str) -> list[tuple[T, dict[str, str]]]:
        """Templates that `path` fits as written relative to an entity they address
        (`/workbook/worksheets` for `/me/drive/items/{id}/workbook/worksheets`): the
        template's part from the path's first segment on, after a parameter."""
        prepared = self._prepare(path)
        first = prepared.split("/", 2)[1].casefold() if prepared.count("/") else ""
        hits = []
        for prefix, entry in self._within.get((method.upper(), first), []):
            found = entry.compiled.regex.match(prefix + prepared)
            if found:
                hits.append(
                    (entry.compiled.rank, entry.order, entry.payload, _params(entry, found))
                )
        hits.sort(key=lambda h: h[:2])
        return [(payload, params) for _, _, payload, params in hits]

    @cached_property
    def _bare(self) -> PathIndex[tuple[T, tuple[str, ...]]]:
        """The templates that call functions, with the calls written bare (made when
        first asked for)."""
        bare = []
        for method, template, entry in self._entries:
            stripped, omitted = without_arguments(template)
            if omitted:
                written = PathTemplate(stripped, stripped, (), "")
                bare.append((method, written, (entry.payload, omitted)))
        return PathIndex(bare)

    def match_bare_calls(
        self, method: str, path: str
    ) -> list[tuple[T, dict[str, str], tuple[str, ...]]]:
        """Templates that `path` fits when it calls their functions by name alone
        (`rowsBelow` for `rowsBelow(count={count})`), with the arguments left out:
        whether they may be is for the caller to say."""
        found = self._bare.match(method, self._prepare(path))
        return [(payload, params, omitted) for (payload, omitted), params in found]

    def match_any_method(self, path: str) -> list[tuple[str, T, dict[str, str]]]:
        """Like `match`, across every method the index holds."""
        prepared = self._prepare(path)
        hits = [(h[0], h[1], m, h[2], h[3]) for m in self._methods for h in self._hits(m, prepared)]
        hits.sort(key=lambda h: h[:2])
        return [(method, payload, params) for _, _, method, payload, params in hits]


_CALL_SEGMENT = re.compile(r"^(?P<name>[^(){}/]+)\((?P<args>[^()]+)\)$")
_CALL_ARG = re.compile(r"^\s*[\w.$@-]+\s*=\s*[\w.]*'?\{(?P<param>[^{}]+)\}'?\s*$")


def without_arguments(template: str) -> tuple[str, tuple[str, ...]]:
    """`.../rowsBelow(count={count})` -> (`.../rowsBelow`, ("count",)): the template with
    each function call whose arguments are all named parameters written bare, and the
    parameters it leaves out (none: the template as it is)."""
    segments, omitted = [], []
    for segment in template.split("/"):
        call = _CALL_SEGMENT.match(segment)
        args = [_CALL_ARG.match(a) for a in call["args"].split(",")] if call else []
        if call and all(args):
            segments.append(call["name"])
            omitted += [a["param"] for a in args if a]
        else:
            segments.append(segment)
    return "/".join(segments), tuple(omitted)


def _params(entry: _Entry[T], m: re.Match[str]) -> dict[str, str]:
    groups = m.groupdict()
    return {
        name: groups.get(f"a{i}") or groups.get(f"b{i}") or ""
        for i, name in enumerate(entry.compiled.names)
    }
