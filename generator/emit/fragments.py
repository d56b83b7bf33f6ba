"""Pieces of output rendered at the last build, reused while what they were
rendered from is unchanged.

Resolve gives every model element a stamp, a digest of its content carried
between builds with the element (see `generator.model.resolve.stamp`). An
emitter asks for a piece by a key made of the stamps of what the piece is
rendered from, plus anything else it reads: an unchanged key is an unchanged
piece, so a one-page edit re-renders the pieces of the elements it changed
and joins the rest as they were. Pieces live per target in a sealed file of
the cache folder (see `generator.pipeline.sealed`), keyed by docgen's code and
the target's options; a build appends the pieces it made, and the store keeps
what the last build used (see `SealedLog`).

Emitters reach the store through `active()`, None outside a build with a cache:
then every piece is rendered, which is what a cold build does anyway.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from generator import jsontext
from generator.pipeline.sealed import SealedLog

T = TypeVar("T")
MAGIC = b"docgen-fragments\x01"


class Fragments:
    """One target's store for one build: the pieces the last build kept, and the ones
    this build uses (which become the store)."""

    def __init__(self, previous: Mapping[Hashable, Any]) -> None:
        self._previous = previous
        self.used: dict[Hashable, Any] = {}
        self.hits = 0
        self.misses = 0

    def stamp(self, element: object) -> str | None:
        """The element's stamp; None for anything that is not a model element."""
        digest = getattr(element, "digest", None)
        return digest if isinstance(digest, str) else None

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """The piece for `key`: the last build's, else `make()`."""
        if key in self.used:
            return self.used[key]  # type: ignore[no-any-return]
        if key in self._previous:
            value = self._previous[key]
            self.hits += 1
        else:
            value = make()
            self.misses += 1
        self.used[key] = value
        return value  # type: ignore[no-any-return]


_active: Fragments | None = None
# where the classes of stored pieces may come from (see `sealed`)
MODULES = (
    "generator.emit.client",
    "generator.emit.naming",
    "generator.emit.render",
    "generator.model.types",
)


def active() -> Fragments | None:
    return _active


def reuse(key: Hashable | None, make: Callable[[], T]) -> T:
    """The piece for `key` from the active store, else `make()` (also when the key is
    None: see `key`). (Big bytes are kept as views of the store's file: see `sealed`;
    `jsontext` takes those as they are, anything else gets bytes.)"""
    if _active is None or key is None:
        return make()
    return _plain(_active.get(key, make))


def reuse_bytes(key: Hashable | None, make: Callable[[], bytes]) -> bytes | jsontext.Chunks:
    """`reuse` for a file's bytes, written as they are: kept with their SHA-256 (the
    build need not hash them again), a view of the store's file (see `sealed`)."""
    if _active is None or key is None:
        return make()

    def kept() -> bytes:
        data = make()
        return hashlib.sha256(data).digest() + data

    value = memoryview(_active.get(key, kept))
    return jsontext.Chunks([value[32:]], value[:32].hex())


def json_piece(key: tuple[Hashable, ...] | None, make: Callable[[], Any]) -> Any:
    """A JSON value `jsontext` takes from the store by `key` (made only if not there);
    `make()` itself when the key is None."""
    return jsontext.Piece(key, make) if key is not None else make()


def keep(
    key: tuple[Hashable, ...] | None, make: Callable[[], tuple[T, Any]]
) -> tuple[Callable[[], T], Any]:
    """Like `reuse` for a `(value, extra)` piece whose value is seldom needed once its
    pieces of text exist: only `extra` is kept between builds. Gives back a getter
    for the value (made again, once, if it was not made in this build) and `extra`."""
    made: list[tuple[T, Any]] = []

    def value() -> T:
        if not made:
            made.append(make())
        return made[0][0]

    def extra() -> Any:
        value()
        return made[0][1]

    return value, (extra() if _active is None or key is None else _plain(_active.get(key, extra)))


def _plain(value: T) -> T:
    """Bytes for a view of the store's file (see `reuse`)."""
    return bytes(value) if isinstance(value, memoryview) else value  # type: ignore[return-value]


def stamp_of(element: object) -> str | None:
    """The element's stamp, for a key; None when no store is active (nothing reused)."""
    return _active.stamp(element) if _active is not None else None


def key(*parts: Hashable) -> tuple[Hashable, ...] | None:
    """A piece's key, or None (make it, do not store it) when a part is unknown:
    a stamp missing, here or in a tuple of stamps."""
    for part in parts:
        if part is None or (isinstance(part, tuple) and None in part):
            return None
    return parts


def digest(*parts: object) -> str:
    """A short key for what a piece reads besides its element: the `repr` of plain
    values (strings, numbers, tuples), hashed."""
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


@contextmanager
def collecting(folder: Path | None, target: str, key: str) -> Iterator[Fragments | None]:
    """Within: the target's emitters reuse pieces from `folder`; after a render that
    did not fail, the store holds the pieces it used. No folder: no store."""
    global _active
    if folder is None:
        yield None
        return
    log = SealedLog(folder / "fragments" / f"{target}.pieces", MAGIC, key, MODULES)
    _active = Fragments(log.load())
    try:
        yield _active
        log.save(_active.used)
    finally:
        _active = None
