"""Parse the Type column of property and parameter tables into a `ParsedType`.

Cells arrive as plain text plus the link targets inside them. Doc writers spell
types in many ways ("String collection", "Collection(x)", "Edm.Int32", "int",
"x (read-only)", "[x](x.md) collection"), so the rules here are general
spelling rules; whether a non-primitive name exists is the resolver's call.

Choices (documented because the docs do not decide them):

* The written text names a non-primitive type, and case is kept as written
  ("WorkbookChartFill"); the cell's link is kept in `ParsedType.link` for the
  resolver. File stems are often not type names ("intune-mam-json.md",
  "enums.md#x-values"), so the link stem names the type only when the text
  does not (empty text, or text that is not a type spelling).
* A link is ignored when the text is clearly a primitive.
* "Json" is *not* a primitive: Graph-style doc sets define a `Json` complex
  type. "Object", "untyped", "Untyped JSON" map to `Edm.Untyped`.
* "DateTime" and "timestamp" map to `Edm.DateTimeOffset`; "number" to
  `Edm.Double`; "url"/"uri" to `Edm.String`. An unknown `Edm.X` stays `Edm.X`.
* Alternatives ("String or Int32", "a | b", "string/number") return None
  unless every alternative names the same type: picking one would be a guess.
  `named_alternatives` reads "[appHostedMediaConfig](…) or [serviceHostedMediaConfig](…)"
  as the types it names, so a resolver can tell the idiom for "one of these
  subtypes" (each a type the doc set defines) from a cell that is no type at all.
* A trailing "X object", "X resource", "X entity", "X type" means X.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

PRIMITIVES: dict[str, str] = {
    "string": "Edm.String",
    "str": "Edm.String",
    "url": "Edm.String",
    "uri": "Edm.String",
    "int32": "Edm.Int32",
    "int": "Edm.Int32",
    "integer": "Edm.Int32",
    "int64": "Edm.Int64",
    "long": "Edm.Int64",
    "int16": "Edm.Int16",
    "short": "Edm.Int16",
    "byte": "Edm.Byte",
    "sbyte": "Edm.SByte",
    "double": "Edm.Double",
    "number": "Edm.Double",
    "single": "Edm.Single",
    "float": "Edm.Single",
    "decimal": "Edm.Decimal",
    "boolean": "Edm.Boolean",
    "bool": "Edm.Boolean",
    "datetimeoffset": "Edm.DateTimeOffset",
    "datetime": "Edm.DateTimeOffset",
    "timestamp": "Edm.DateTimeOffset",
    "date": "Edm.Date",
    "timeofday": "Edm.TimeOfDay",
    "duration": "Edm.Duration",
    "timespan": "Edm.Duration",
    "guid": "Edm.Guid",
    "uuid": "Edm.Guid",
    "binary": "Edm.Binary",
    "stream": "Edm.Stream",
    "untyped": "Edm.Untyped",
    "untyped json": "Edm.Untyped",
    "object": "Edm.Untyped",
}
_EDM_NAMES: dict[str, str] = {v[4:].lower(): v for v in PRIMITIVES.values()}


@dataclass(frozen=True)
class ParsedType:
    name: str  # "Edm.String" for primitives, else as written: "recipient", "microsoft.graph.x"
    collection: bool
    primitive: bool
    link: str | None  # the link target that named the type, for the resolver
    read_only: bool  # "(read-only)" / "Read-only" in the cell
    nullable: bool | None  # None: the cell does not say
    notes: tuple[str, ...]  # other remarks as written, e.g. ("identifier",)


_MD_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)?")
_MD_REF = re.compile(r"\[([^\]]+)\](?:\[[^\]]*\])?")
_NOISE_CHARS = re.compile(r"[*`\\]")
_SPACES = re.compile(r"\s+")
_SENTENCE = re.compile(r"(?<=\w)[.;,]\s+|\s+-\s+")
_LEADING_NOTE = re.compile(r"^\(([^()]*)\)\s*(.*)$")
_TRAILING_NOTE = re.compile(r"^(.*?)\s*\(([^()]*)\)$")
_COLLECTIONS = (
    re.compile(r"^collection\s*\((.+)\)$", re.I),
    re.compile(r"^(?:collection|array|list|set)\s+of\s+(.+)$", re.I),
    re.compile(r"^(.+?)\s*\[\]$"),
    re.compile(r"^(.+?)\s+(?:collection|array)s?$", re.I),
)
_NOISE_SUFFIX = re.compile(r"^(.+?)\s+(?:object|resource|entity|complex type|type)$", re.I)
_ALTERNATIVES = re.compile(r"\s+or\s+|\s*[|/]\s*", re.I)
_IDENT = re.compile(r"^#?([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)$")
_READ_ONLY = re.compile(r"^read[- ]?only\.?$", re.I)
_NULLABLE = re.compile(r"^(?:(not|non)[- ]?)?nullable\.?$", re.I)
_MD_HREF = re.compile(r"^([^#?]*?)([^/#?]+)\.md(?:[#?].*)?$", re.I)


@lru_cache(maxsize=4096)
def type_name_from_link(href: str) -> str | None:
    """The file stem of a .md link: doc sets name a type's page after the type."""
    m = _MD_HREF.match(href.strip())
    return m.group(2) if m else None


def _clean(text: str, links: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """Strip emphasis and unrendered link syntax (`[x](x.md`, `[x][]`) a cell kept."""
    found = [m.group(2) for m in _MD_LINK.finditer(text)]
    text = _MD_REF.sub(r"\1", _MD_LINK.sub(r"\1", text))
    text = _SPACES.sub(" ", _NOISE_CHARS.sub("", text)).strip()
    return text, links + tuple(h for h in found if h not in links)


def _peel(text: str) -> tuple[str, list[str]]:
    """Split off prose sentences and leading/trailing parenthetical remarks."""
    parts = _SENTENCE.split(text.rstrip(". "), maxsplit=1)
    core, remarks = parts[0].strip(), [p for p in parts[1:] if p.strip()]
    while True:
        lead = _LEADING_NOTE.match(core)
        if lead:
            remarks.insert(0, lead.group(1))
            core = lead.group(2)
            continue
        trail = _TRAILING_NOTE.match(core)
        if trail and trail.group(1).strip().lower() not in ("", "collection"):
            remarks.insert(0, trail.group(2))
            core = trail.group(1)
            continue
        return core.strip(), remarks


def _read_remarks(remarks: list[str]) -> tuple[bool, bool | None, tuple[str, ...]]:
    """Turn read-only and nullability remarks into flags; keep the rest as written."""
    read_only, nullable, notes = False, None, []
    for remark in (r.strip() for r in remarks):
        null = _NULLABLE.match(remark)
        if _READ_ONLY.match(remark):
            read_only = True
        elif null:
            nullable = null.group(1) is None
        elif remark:
            notes.append(remark)
    return read_only, nullable, tuple(notes)


def _unwrap_collection(core: str) -> tuple[str, bool]:
    for pattern in _COLLECTIONS:
        m = pattern.match(core)
        if m:
            return m.group(1).strip(), True
    return core, False


def _single(word: str) -> tuple[str, bool] | None:
    """Resolve one type spelling to (name, primitive), or None when it is not one."""
    noise = _NOISE_SUFFIX.match(word)
    word = noise.group(1) if noise and word.lower() not in PRIMITIVES else word
    alternatives = _ALTERNATIVES.split(word)
    if len(alternatives) > 1:
        picked = {_single(a) for a in alternatives if a}
        return picked.pop() if len(picked) == 1 else None
    lower = word.lower()
    if lower in PRIMITIVES:
        return PRIMITIVES[lower], True
    if lower.startswith("edm.") and _IDENT.match(word):
        return _EDM_NAMES.get(lower[4:], word), True
    ident = _IDENT.match(word)
    return (ident.group(1), False) if ident else None


def _pick_link(links: tuple[str, ...], name: str) -> str | None:
    """The link naming `name`: same stem, else an anchor mentioning it, else the first page link."""
    short = name.rsplit(".", 1)[-1].lower()
    pages = [h for h in links if type_name_from_link(h) or h.startswith("#")]
    by_stem = [h for h in pages if (type_name_from_link(h) or "").lower() == short]
    by_anchor = [h for h in pages if short in h.partition("#")[2].lower()]
    best = by_stem or by_anchor or pages
    return best[0] if best else None


@lru_cache(maxsize=8192)
def parse_type_cell(text: str, links: tuple[str, ...] = ()) -> ParsedType | None:
    """Parse one Type cell; None means it does not parse (report it, never guess String)."""
    text, links = _clean(text, tuple(links))
    core, remarks = _peel(text)
    inner, collection = _unwrap_collection(core)
    inner, inner_remarks = _peel(inner)
    remarks += inner_remarks
    resolved = _single(inner) if inner else None
    if resolved is None and len(_ALTERNATIVES.split(inner)) == 1:
        stems = {s for s in map(type_name_from_link, links) if s}
        resolved = (stems.pop(), False) if len(stems) == 1 else None
    if resolved is None:
        return None
    name, primitive = resolved
    read_only, nullable, notes = _read_remarks(remarks)
    link = None if primitive else _pick_link(links, name)
    return ParsedType(name, collection, primitive, link, read_only, nullable, notes)


def _own_link(links: tuple[str, ...], name: str) -> str | None:
    """The link whose page stem is `name` (an alternative takes no other's link)."""
    short = name.rsplit(".", 1)[-1].lower()
    return next((h for h in links if (type_name_from_link(h) or "").lower() == short), None)


@lru_cache(maxsize=1024)
def named_alternatives(text: str, links: tuple[str, ...] = ()) -> tuple[ParsedType, ...]:
    """The non-primitive types a cell offers as alternatives ("[a](a.md) or [b](b.md)"),
    each with its own link; () unless the cell is two or more such names and nothing
    else (a primitive among them: "String or Int32" is no subtype idiom)."""
    text, links = _clean(text, tuple(links))
    core, remarks = _peel(text)
    inner, collection = _unwrap_collection(core)
    words = [w for w in _ALTERNATIVES.split(inner) if w]
    if len(words) < 2:
        return ()
    found = []
    read_only, nullable, notes = _read_remarks(remarks)
    for word in words:
        single = _single(word)
        if single is None or single[1]:
            return ()
        link = _own_link(links, single[0])
        found.append(ParsedType(single[0], collection, False, link, read_only, nullable, notes))
    return tuple(found)
