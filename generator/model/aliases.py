"""Path aliases: two paths that address the same entity (`/me` and `/users/{id}`).

A doc set states an alias by listing both forms together: one page's syntax
block has `GET /me/events` and `GET /users/{id}/events`, and `GET /me` and
`GET /users/{id}` both answer a user. An alias is inferred from exactly that:
paths listed together on a page with the same suffix, whose prefixes both
address one entity of the same type (a literal prefix, and one that ends in a
key), on two pages or more. Where a literal prefix is listed with several such forms, the one listed
with it on the most pages is its alias. A doc set may also declare aliases
(`DocSetConfig.aliases`: the config folder's schema-config.json, or the
project's settings); a declared one wins.

Examples tie through aliases: an example of `GET /me/plans` ties to a page that
documents only `GET /users/{id}/plans`, and the other way round.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from generator.diagnostics import Diagnostic, make
from generator.model.types import Endpoint

_PARAM = re.compile(r"^\{[^}]*\}$")
MIN_PAGES = 2  # an alias is inferred from two pages or more that list both forms


@dataclass(frozen=True, order=True)
class Alias:
    """`prefix` (literal segments, `/me`) stands for `target` (`/users/{id}`)."""

    prefix: str
    target: str
    pages: int = 0  # how many pages show it (0: declared)
    source: tuple[str, int] = ("", 0)  # the first page that shows it, and the line
    by_examples: bool = False  # shown by examples, not by syntax blocks listing both

    def rewrites(self, path: str) -> list[str]:
        """`path` with this alias applied either way (`/me/x` -> `/users/me/x`;
        `/users/42/x` -> `/me/x`), where it applies."""
        found = []
        if _starts_with(path, self.prefix):
            value = self.prefix.rstrip("/").rsplit("/", 1)[-1] or "alias"
            target = self.target.rstrip("/")
            head = target[: target.rfind("/") + 1] + value
            found.append(head + path[len(self.prefix.rstrip("/")) :])
        target_segments = _segments(self.target)
        segments = path.split("/")
        if len(segments) > len(target_segments):
            written = segments[1 : len(target_segments) + 1]
            if all(
                _PARAM.match(want) or want.casefold() == got.casefold()
                for want, got in zip(target_segments, written, strict=True)
            ):
                rest = "/".join(segments[len(target_segments) + 1 :])
                found.append(self.prefix.rstrip("/") + ("/" + rest if rest else ""))
        return found


def _starts_with(path: str, prefix: str) -> bool:
    """`path` goes on from `prefix` at a segment's end: `/`, or `:` where an item is
    addressed by its path below it (`/me/drive/root:/a.txt:`)."""
    prefix = prefix.rstrip("/").casefold()
    folded = path.casefold()
    return folded == prefix or folded.startswith((prefix + "/", prefix + ":"))


def _segments(path: str) -> list[str]:
    return [s for s in path.strip("/").split("/") if s]


def _shape(segment: str) -> str:
    return "{}" if _PARAM.match(segment) else segment.casefold()


Pair = tuple[str, str, tuple[str, ...], tuple[str, ...], int]
# (literal prefix, keyed prefix as written, the keyed prefix's shape, the literal's, line)


def listed_together(endpoints: Sequence[Endpoint]) -> tuple[Pair, ...]:
    """One page's prefix pairs: paths it lists with one method and the same suffix, one
    after a literal prefix, the other after a keyed one (kept with the page's work:
    they depend on the page alone)."""
    groups: dict[tuple[str, str], list[tuple[Endpoint, list[str]]]] = defaultdict(list)
    for e in endpoints:
        segments = _segments(e.path)
        if segments:
            groups[(e.method, _shape(segments[-1]))].append((e, segments))
    pairs: set[Pair] = set()
    for listed in groups.values():
        for a, a_segments in listed:
            for b, b_segments in listed:
                found = _prefixes(a_segments, b_segments) if a is not b else None
                if found is not None:
                    literal, keyed = found
                    pairs.add(
                        (
                            "/" + "/".join(literal),
                            "/" + "/".join(keyed),
                            tuple(map(_shape, keyed)),
                            tuple(map(_shape, literal)),
                            a.source.line,
                        )
                    )
    return tuple(sorted(pairs))


def infer_aliases(
    endpoints: Iterable[Endpoint], pairs: Mapping[str, Iterable[Pair]]
) -> tuple[Alias, ...]:
    """The aliases a doc set states by listing paths together (see the module), from
    each page's `listed_together` pairs."""
    entity_of: dict[tuple[str, ...], set[str]] = defaultdict(set)  # path shape -> types
    for e in endpoints:
        if e.method == "GET" and e.response.type is not None and not e.response.type.collection:
            entity_of[tuple(map(_shape, _segments(e.path)))].add(e.response.type.name)
    together: dict[tuple[str, tuple[str, ...]], set[str]] = defaultdict(set)
    written: dict[tuple[str, tuple[str, ...]], tuple[str, str, int]] = {}
    for page, listed in sorted(pairs.items()):
        for literal, keyed, shape, literal_shape, line in listed:
            if not entity_of.get(literal_shape, set()) & entity_of.get(shape, set()):
                continue  # the two prefixes do not address one entity type
            key = (literal, shape)
            together[key].add(page)
            written.setdefault(key, (keyed, page, line))
    best: dict[str, Alias] = {}
    for key, pages in sorted(together.items()):
        prefix, count = key[0], len(pages)
        current = best.get(prefix.casefold())
        if count >= MIN_PAGES and (current is None or count > current.pages):
            target, page, line = written[key]
            best[prefix.casefold()] = Alias(prefix, target, count, (page, line))
    return tuple(sorted(best.values()))


def alias_findings(aliases: Iterable[Alias]) -> list[Diagnostic]:
    """An info finding for each inferred alias, where the docs first show it."""
    return [
        make(
            "X013",
            alias.source[0],
            alias.source[1],
            1,
            f"{alias.prefix} stands for {alias.target} ("
            + (
                f"examples on {alias.pages} pages write it where the syntax has that"
                if alias.by_examples
                else f"listed together on {alias.pages} pages"
            )
            + "): examples tie through it; declare it (schemaConfig.aliases in the config "
            "folder, or [tool.docgen] aliases) to say so",
        )
        for alias in aliases
        if alias.pages
    ]


Hint = tuple[str, str, int]  # (example's literal prefix, syntax's keyed prefix, line)


def alias_hints(
    syntax: Iterable[tuple[str, str]], examples: Iterable[tuple[str, str, int]]
) -> tuple[Hint, ...]:
    """What one page's examples suggest: an example path (method, path, line) that fits
    none of the page's syntax paths (method, template) as written, but would with its
    literal prefix read as a keyed prefix of one (`/me/plans` and `/users/{id}/plans`),
    or with the literal segments one starts with left out (`/drive/items/{id}` and
    `/me/drive/items/{id}`)."""
    templates = [(m.upper(), _segments(t)) for m, t in syntax]
    hints: set[Hint] = set()
    for method, path, line in examples:
        written = _segments(path)
        same = [t for m, t in templates if m == method.upper()]
        if any(_fits(written, t) for t in same):
            continue
        for template in same:
            found = _prefixes(written, template) or _shortened(written, template)
            if found is not None and _fits(written[len(found[0]) :], template[len(found[1]) :]):
                hints.add(("/" + "/".join(found[0]), "/" + "/".join(found[1]), line))
    return tuple(sorted(hints))


def _shortened(written: list[str], template: list[str]) -> tuple[list[str], list[str]] | None:
    """(first segment of `written`, the template up to it) when the template is
    `written` after literal segments it leaves out (`/drive/items/{id}` where the
    syntax has `/me/drive/items/{id}`); None otherwise."""
    extra = len(template) - len(written)
    if extra < 1 or not written or any(_PARAM.match(s) for s in template[: extra + 1]):
        return None
    if not _fits(written, template[extra:]):
        return None
    return written[:1], template[: extra + 1]


def _fits(path: list[str], template: list[str]) -> bool:
    return len(path) == len(template) and all(
        _PARAM.match(t) or t.casefold() == p.casefold() for p, t in zip(path, template, strict=True)
    )


def from_examples(hints: Mapping[str, Iterable[Hint]]) -> tuple[Alias, ...]:
    """Aliases the examples of two pages or more show, each prefix with one reading."""
    seen: dict[tuple[str, tuple[str, ...]], list[tuple[str, str, str, int]]] = defaultdict(list)
    for page, found in sorted(hints.items()):
        for prefix, target, line in found:
            shape = tuple(map(_shape, _segments(target)))
            seen[(prefix.casefold(), shape)].append((page, prefix, target, line))
    readings: dict[str, int] = defaultdict(int)
    for folded, _ in seen:
        readings[folded] += 1
    chosen = []
    for (folded, _), shown in sorted(seen.items()):
        pages = {first for first, _, _, _ in shown}
        if readings[folded] != 1 or len(pages) < MIN_PAGES:
            continue  # read more ways than one, or on one page only
        page, prefix, target, line = shown[0]
        chosen.append(Alias(prefix, target, len(pages), (page, line), by_examples=True))
    return tuple(chosen)


def _prefixes(a: list[str], b: list[str]) -> tuple[list[str], list[str]] | None:
    """(literal prefix of `a`, keyed prefix of `b`) when `a` and `b` go on alike after
    them (a suffix of one segment or more); None otherwise."""
    shared = 0
    while shared < min(len(a), len(b)) and _shape(a[-1 - shared]) == _shape(b[-1 - shared]):
        shared += 1
    head_a, head_b = a[: len(a) - shared], b[: len(b) - shared]
    if not shared or not head_a or not head_b or any(_PARAM.match(s) for s in head_a):
        return None
    if not _PARAM.match(head_b[-1]) or any(_PARAM.match(s) for s in head_b[:-1]):
        return None
    if [s.casefold() for s in head_b[: len(head_a)]] == [s.casefold() for s in head_a]:
        return None  # b goes on from a (`/me` and `/me/calendars/{id}`): not another name
    return head_a, head_b


def with_declared(
    inferred: Iterable[Alias], declared: Mapping[str, str], shown: Iterable[Alias] = ()
) -> tuple[Alias, ...]:
    """The inferred aliases (those syntax blocks list, over those examples show), those
    the doc set declares replacing any of the same prefix."""
    chosen = {a.prefix.casefold(): a for a in shown}
    chosen.update({a.prefix.casefold(): a for a in inferred})
    for prefix, target in declared.items():
        chosen[prefix.casefold()] = Alias(prefix, target, 0)
    return tuple(sorted(chosen.values()))
