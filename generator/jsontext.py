"""Indented JSON, byte for byte what `json.dumps(value, indent=n, ensure_ascii=False)`
writes, made faster and lighter.

The stdlib encodes indented JSON in pure Python through nested generators (C
only without an indent), and `json.dumps` lists every chunk before joining
them; one character beyond U+FFFF then makes the whole text four bytes a
character. Here one recursive function appends to a list (strings still go
through the stdlib's C string encoder), and the list is turned into UTF-8 in
batches: about twice as fast, and the peak stays near the size of the bytes.
A test holds the output to the stdlib's on the corpus and on random values.

With `pieces` (see `generator.emit.fragments`), members kept from an earlier
build (model elements by their stamp, `Piece`s by their key) are taken in runs
of about eight: one lookup and one part per run, not per member, which is most
of what a build that changed one element spends here.
"""

from __future__ import annotations

import functools
import json.encoder
import zlib
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Protocol

from generator.emit.content import Piece as Deferred
from generator.emit.content import made_args as _made_args
from generator.emit.content import made_now as _made_now

_BATCH = 1 << 16
_string = json.encoder.encode_basestring  # the C encoder when available
_float_repr = float.__repr__
_int_repr = int.__repr__
_INFINITY = float("inf")


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return _float_repr(value)


def _key(key: Any) -> str:
    if isinstance(key, str):
        return _string(key)
    if isinstance(key, float):
        return _string(_float(key))
    if key is True:
        return '"true"'
    if key is False:
        return '"false"'
    if key is None:
        return '"null"'
    if isinstance(key, int):
        return _string(_int_repr(key))
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


class Pieces(Protocol):
    """Encoded values kept between builds (see `generator.emit.fragments`)."""

    def stamp(self, element: object) -> str | None: ...

    def get(self, key: Hashable, make: Callable[[], bytes]) -> bytes | memoryview: ...


class Piece:
    """A value made only when encoded, and taken from `Pieces` by `key` if there.
    The key must name everything the value is made from. (A plain class: a build
    makes tens of thousands, and a frozen dataclass is three times slower to make.)"""

    __slots__ = ("key", "make")

    def __init__(self, key: tuple[Hashable, ...], make: Callable[[], Any]) -> None:
        self.key = key
        self.make = make


_RUN_ENDS = 7  # a run ends after a member whose mark's CRC-32 has these bits clear
_RUN_MAX = 64


def _mark(key: Hashable) -> str:
    """What decides where a run ends after a member of an array: its stamp, else the
    first text of its piece's key after the kind (a stamp, a name)."""
    if isinstance(key, str):
        return key
    if isinstance(key, tuple):
        for part in key[1:]:
            if isinstance(part, str):
                return part
            if isinstance(part, tuple) and part and isinstance(part[0], str):
                return part[0]
    return repr(key)


def _deferred_key(piece: Deferred) -> Hashable | None:
    digest = piece.digest
    return None if digest is None else ("piece", digest)


def _dict_key(item: dict[Any, Any]) -> Hashable | None:
    """A small dict of `Piece`s (one per HTTP method, say) as one member: its names and
    their pieces' keys; None for any other dict."""
    if not item or len(item) > 8:
        return None
    keys: list[tuple[Any, Hashable]] = []
    for name, value in item.items():
        if type(value) is Piece:
            keys.append((name, value.key))
        elif type(value) is Deferred and (key := _deferred_key(value)) is not None:
            keys.append((name, key))
        else:
            return None
    return tuple(keys)


class _Writer:
    def __init__(
        self,
        indent: int,
        default: Callable[[Any], Any] | None,
        sort_keys: bool,
        pieces: Pieces | None = None,
        batch: int = _BATCH,
        made: Callable[[Deferred], Any] | None = None,
    ):
        self.indent = " " * indent
        self.default = default
        self.sort_keys = sort_keys
        self.pieces = pieces
        self.made = made or _made_now
        self.batch = batch
        self.parts: list[bytes | memoryview] = []
        self.out: list[str] = []

    def piece(self, o: Any, level: int) -> bytes:
        """`o` encoded alone, as it would be at `level`."""
        alone = _Writer(len(self.indent), self.default, self.sort_keys, self.pieces, made=self.made)
        alone.value(o, level)
        alone.flush()
        return b"".join(alone.parts)

    def make(self, o: Deferred) -> Any:
        """A piece's value for bytes kept in `pieces`: made here, the value itself not
        kept (its bytes are); its argument pieces by `made`."""
        return o.fn(*(_made_args(arg, self.made) for arg in o.args))

    def flush(self) -> None:
        self.parts.append("".join(self.out).encode("utf-8", "surrogatepass"))
        self.out.clear()

    def take(self, key: Hashable, make: Callable[[], bytes], pieces: Pieces) -> None:
        """The piece for `key`, from `pieces` (made there if missing), appended."""
        self.flush()
        self.parts.append(pieces.get(key, make))

    def value(self, o: Any, level: int) -> None:
        out = self.out
        if isinstance(o, str):
            out.append(_string(o))
        elif o is None:
            out.append("null")
        elif o is True:
            out.append("true")
        elif o is False:
            out.append("false")
        elif isinstance(o, int):
            out.append(_int_repr(o))
        elif isinstance(o, float):
            out.append(_float(o))
        elif isinstance(o, (list, tuple)):
            self.array(o, level)
        elif isinstance(o, dict):
            self.object(o, level)
        elif type(o) is Deferred:
            digest = o.digest if self.pieces is not None else None
            if digest is None or self.pieces is None:
                self.value(self.made(o), level)
            else:
                self.flush()
                self.parts.append(
                    self.pieces.get(
                        ("json", digest, level), lambda: self.piece(self.make(o), level)
                    )
                )
        elif isinstance(o, Piece):
            if self.pieces is None:
                self.value(o.make(), level)
            else:
                self.flush()
                self.parts.append(
                    self.pieces.get((*o.key, level), lambda: self.piece(o.make(), level))
                )
        elif (default := self.default) is not None:
            stamp = self.pieces.stamp(o) if self.pieces is not None else None
            if stamp is None or self.pieces is None:
                self.value(default(o), level)
            else:
                # an element encoded at an earlier build: its bytes join the output as
                # they are, never decoded and encoded again
                self.flush()
                key = ("json", stamp, level)
                self.parts.append(self.pieces.get(key, lambda: self.piece(default(o), level)))
        else:
            raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")
        if len(out) >= self.batch:
            self.flush()

    def array(self, items: list[Any] | tuple[Any, ...], level: int) -> None:
        if self.pieces is not None and items and (keys := self.piece_keys(items)) is not None:
            self.runs("[]", None, items, keys, level)
        else:
            self.members("[]", ((None, item) for item in items) if items else (), level)

    def object(self, mapping: dict[Any, Any], level: int) -> None:
        pairs = sorted(mapping.items()) if self.sort_keys else mapping.items()
        if self.pieces is not None and mapping:
            items = [item for _, item in pairs]
            if (keys := self.piece_keys(items)) is not None:
                self.runs("{}", [_key(name) + ": " for name, _ in pairs], items, keys, level)
                return
        self.members("{}", pairs if mapping else (), level)

    def piece_keys(self, items: list[Any] | tuple[Any, ...]) -> list[Hashable | None] | None:
        """The key of each member taken from `pieces` (a `Piece`, an element with a stamp,
        a small dict of `Piece`s), None for one encoded here; None when none is taken."""
        assert self.pieces is not None
        first = items[0]
        keys: list[Hashable | None]
        if isinstance(first, (Piece, Deferred, dict)):
            keys = [
                (
                    item.key
                    if type(item) is Piece
                    else (
                        _deferred_key(item)
                        if type(item) is Deferred
                        else _dict_key(item) if type(item) is dict else None
                    )
                )
                for item in items
            ]
        elif isinstance(first, (str, int, float, list, tuple)) or first is None or not self.default:
            return None
        else:
            keys = list(map(self.pieces.stamp, items))
        return keys if any(key is not None for key in keys) else None

    def runs(
        self,
        brackets: str,
        names: list[str] | None,
        items: list[Any] | tuple[Any, ...],
        keys: list[Hashable | None],
        level: int,
    ) -> None:
        """Members in runs of about eight pieces: each run one piece, keyed by its
        members' names and keys (a member encoded here ends a run). A run ends after a
        member whose name (or key's mark) has a CRC-32 with three low bits clear, not at
        a count: a member added or removed changes the run it is in, not the ones after.
        (Eight: a run one edit changed is encoded again whole.)"""
        assert self.pieces is not None
        out, inner, pieces = self.out, "\n" + self.indent * (level + 1), self.pieces
        start, count = 0, len(items)
        while start < count:
            out.append(("," if start else brackets[0]) + inner)
            if keys[start] is None:
                out.append(names[start] if names is not None else "")
                self.value(items[start], level + 1)
                start += 1
                continue
            stop = start + 1
            while stop < count and stop - start < _RUN_MAX and keys[stop] is not None:
                mark = names[stop - 1] if names is not None else _mark(keys[stop - 1])
                if not zlib.crc32(mark.encode("utf-8", "surrogatepass")) & _RUN_ENDS:
                    break
                stop += 1
            run_names = tuple(names[start:stop]) if names is not None else None
            key = (
                "run",
                self.indent,
                self.sort_keys,
                level + 1,
                run_names,
                tuple(keys[start:stop]),
            )
            make = functools.partial(self.run_bytes, run_names, items[start:stop], inner, level + 1)
            self.take(key, make, pieces)
            start = stop
        out.append("\n" + self.indent * level + brackets[1])

    def run_bytes(self, names: tuple[str, ...] | None, items: Any, inner: str, level: int) -> bytes:
        """A run's members encoded here, as they would be in place."""
        alone = _Writer(len(self.indent), self.default, self.sort_keys, None, made=self.made)
        for i, item in enumerate(items):
            alone.out.append(("," + inner if i else "") + (names[i] if names is not None else ""))
            alone.value(self.member(item), level)
        alone.flush()
        return b"".join(alone.parts)

    def member(self, item: Any) -> Any:
        """A run's member as values `value` encodes (a dict's pieces are made then)."""
        if type(item) is Piece:
            return item.make()
        if type(item) is Deferred:
            return self.make(item)
        if type(item) is dict:
            return {
                name: self.make(v) if type(v) is Deferred else v.make() if type(v) is Piece else v
                for name, v in item.items()
            }
        if isinstance(item, dict) or self.default is None:
            return item
        return self.default(item)

    def members(self, brackets: str, pairs: Iterable[tuple[Any, Any]], level: int) -> None:
        """An array (keys None) or object, one member a line; empty as `[]` / `{}`."""
        out = self.out
        inner = "\n" + self.indent * (level + 1)
        opened = False
        for key, item in pairs:
            out.append(("," if opened else brackets[0]) + inner)
            opened = True
            if key is not None or brackets == "{}":
                out.append(_key(key) + ": ")
            self.value(item, level + 1)
        out.append("\n" + self.indent * level + brackets[1] if opened else brackets)


class Chunks:
    """Encoded JSON as the parts it was made of, never joined in memory: written and
    hashed part by part (a big file's kept pieces are views of the store's file)."""

    __slots__ = ("parts", "size", "digest")

    def __init__(self, parts: list[bytes | memoryview], digest: str | None = None) -> None:
        self.parts = parts
        self.size = sum(map(len, parts))
        self.digest = digest  # the SHA-256 of the bytes, when known already

    def __bytes__(self) -> bytes:
        return b"".join(self.parts)

    def __len__(self) -> int:
        return self.size

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Chunks):
            other = bytes(other)
        return isinstance(other, bytes | bytearray | memoryview) and bytes(self) == other

    __hash__ = None  # type: ignore[assignment]


def encode_chunks(
    value: Any,
    indent: int,
    default: Callable[[Any], Any] | None = None,
    sort_keys: bool = False,
    pieces: Pieces | None = None,
    made: Callable[[Deferred], Any] | None = None,
) -> Chunks:
    """`encode`, as its parts (for a file written as it is made: see `Chunks`). `made`
    gives a `Piece`'s value (by default: its function on its arguments)."""
    writer = _Writer(indent, default, sort_keys, pieces, made=made)
    writer.value(value, 0)
    writer.out.append("\n")
    writer.flush()
    return Chunks(writer.parts)


def encoded(
    value: Any,
    indent: int,
    default: Callable[[Any], Any] | None = None,
    pieces: Pieces | None = None,
) -> bytes | Chunks:
    """A file's JSON: its parts with `pieces` (a build writes them as they are, see
    `Chunks`), else plain bytes."""
    if pieces is None:
        return encode(value, indent, default)
    return encode_chunks(value, indent, default, pieces=pieces)


def encode(
    value: Any,
    indent: int,
    default: Callable[[Any], Any] | None = None,
    sort_keys: bool = False,
    pieces: Pieces | None = None,
) -> bytes:
    """`json.dumps(value, indent=indent, ensure_ascii=False, ...)` and a newline, as UTF-8.
    With `pieces`, a value `default` converts is taken from them by its stamp."""
    return b"".join(encode_chunks(value, indent, default, sort_keys, pieces).parts)


def dumps(
    value: Any, indent: int, default: Callable[[Any], Any] | None = None, sort_keys: bool = False
) -> str:
    """`encode`, as text."""
    return encode(value, indent, default, sort_keys).decode("utf-8", "surrogatepass")
