"""Indented JSON, byte for byte what `json.dumps(value, indent=n, ensure_ascii=False)`
writes, made faster and lighter.

The stdlib encodes indented JSON in pure Python through nested generators (C
only without an indent), and `json.dumps` lists every chunk before joining
them; one character beyond U+FFFF then makes the whole text four bytes a
character. Here one recursive function appends to a list (strings still go
through the stdlib's C string encoder), and the list is turned into UTF-8 in
batches: about twice as fast, and the peak stays near the size of the bytes.
A test holds the output to the stdlib's on the corpus and on random values.

With `pieces` (see `generator.pipeline.pieces`), members kept from an earlier
build (model elements by their digest, pieces of `generator.emit.content` by
their key) join the output as the bytes they were encoded to. Consecutive
members of an array or object are kept and looked up as runs of about `RUN`,
cut where a member's digest says (content-defined, as rsync cuts files), so an
edit remakes the one run it touched and an inserted member shifts no other
run: model.json's 10,308 elements are 181 lookups instead of 10,308 (a one-page
method edit, runs alternated on one machine: 8,018 pages 3.12-3.31 -> 2.84-2.89
s; Graph v1.0 1.30-1.33 -> 1.21-1.25 s).
"""

from __future__ import annotations

import functools
import hashlib
import json.encoder
import zlib
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any, Protocol

from generator.emit.content import Piece
from generator.emit.content import made_args as _made_args
from generator.emit.content import made_now as _made_now

_BATCH = 1 << 16
_string = json.encoder.encode_basestring  # the C encoder when available
_float_repr = float.__repr__
_int_repr = int.__repr__
_INFINITY = float("inf")
_PLAIN = (str, int, float, list, tuple, dict, type(None))  # never a kept member


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
    """Encoded values kept between builds (see `generator.pipeline.pieces`)."""

    def digest_of(self, element: object) -> str | None: ...

    def get(self, key: Hashable, make: Callable[[], bytes]) -> bytes | memoryview: ...


def kept_key(digest: str, level: int) -> str:
    """The key of an element's or piece's bytes at `level` (text: a store hashes no
    text key again)."""
    return f"json:{level}:{digest}"


class _Writer:
    def __init__(
        self,
        indent: int,
        default: Callable[[Any], Any] | None,
        sort_keys: bool,
        pieces: Pieces | None = None,
        batch: int = _BATCH,
        made: Callable[[Piece], Any] | None = None,
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
        """`o` encoded alone, as it would be at `level`: a member made now, whose own
        members are not looked up one by one (it is kept whole; inside it, pieces are
        taken by their values, `made`)."""
        alone = _Writer(len(self.indent), self.default, self.sort_keys, None, made=self.made)
        alone.value(o, level)
        alone.flush()
        return b"".join(alone.parts)

    def make(self, o: Piece) -> Any:
        """A piece's value for bytes kept in `pieces`: made here, the value itself not
        kept (its bytes are); its argument pieces by `made`."""
        return o.fn(*(_made_args(arg, self.made) for arg in o.args))

    def flush(self) -> None:
        self.parts.append("".join(self.out).encode("utf-8", "surrogatepass"))
        self.out.clear()

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
        elif type(o) is Piece:
            digest = o.digest if self.pieces is not None else None
            if digest is None or self.pieces is None:
                self.value(self.made(o), level)
            else:
                self.flush()
                self.parts.append(
                    self.pieces.get(
                        kept_key(digest, level), lambda: self.piece(self.make(o), level)
                    )
                )
        elif (default := self.default) is not None:
            digest = self.pieces.digest_of(o) if self.pieces is not None else None
            if digest is None or self.pieces is None:
                self.value(default(o), level)
            else:
                # an element encoded at an earlier build: its bytes join the output as
                # they are, never decoded and encoded again
                self.flush()
                key = kept_key(digest, level)
                self.parts.append(self.pieces.get(key, lambda: self.piece(default(o), level)))
        else:
            raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")
        if len(out) >= self.batch:
            self.flush()

    def array(self, items: list[Any] | tuple[Any, ...], level: int) -> None:
        self.members("[]", ((None, item) for item in items) if items else (), level)

    def object(self, mapping: dict[Any, Any], level: int) -> None:
        pairs = sorted(mapping.items()) if self.sort_keys else mapping.items()
        self.members("{}", pairs if mapping else (), level)

    def members(self, brackets: str, pairs: Iterable[tuple[Any, Any]], level: int) -> None:
        """An array (keys None) or object, one member a line; empty as `[]` / `{}`. With
        `pieces`, a run of members kept from an earlier build joins as its bytes."""
        out = self.out
        inner = "\n" + self.indent * (level + 1)
        named = brackets == "{}"
        first = lead = brackets[0] + inner  # what comes before a member: then a comma
        comma = "," + inner
        for part in self.runs(pairs) if self.pieces is not None else [pairs]:
            if isinstance(part, _Run):
                out.append(lead)
                lead = comma
                self.flush()
                self.parts.append(self.kept_run(part, named, level))
                continue
            for key, item in part:
                out.append(lead)
                lead = comma
                if key is not None or named:
                    out.append(_key(key) + ": ")
                if type(item) is str:  # most members: written here, not by `value`
                    out.append(_string(item))
                else:
                    self.value(item, level + 1)
        out.append(brackets if lead is first else "\n" + self.indent * level + brackets[1])
        if len(out) >= self.batch:
            self.flush()

    def kept_as(self, item: Any) -> str | None:
        """What a member's bytes are kept under: a piece's key, an element's digest."""
        if type(item) is Piece:
            return item.digest
        if self.default is None or self.pieces is None or isinstance(item, _PLAIN):
            return None
        return self.pieces.digest_of(item)

    def runs(self, pairs: Iterable[tuple[Any, Any]]) -> Iterator[_Run | list[tuple[Any, Any]]]:
        """`pairs` as runs of members kept by a digest (`_Run`), and lists of the others.
        A run ends after a member whose digest says so (`_ends_run`): one member
        changed, added or removed changes its own run, never the runs after it."""
        run: list[tuple[Any, Any, str]] = []
        for key, item in pairs:
            digest = self.kept_as(item)
            if digest is not None:
                run.append((key, item, digest))
                if not _ends_run(digest):
                    continue
            yield from _cut(run)
            run = []
            if digest is None:
                yield [(key, item)]
        yield from _cut(run)

    def kept_run(self, run: _Run, named: bool, level: int) -> bytes | memoryview:
        """A run's bytes, kept from an earlier build or made now (and kept)."""
        assert self.pieces is not None  # (`runs` are cut only with pieces)
        key = run.key(len(self.indent), level, named)
        return self.pieces.get(key, functools.partial(self.run_bytes, run, named, level))

    def run_bytes(self, run: _Run, named: bool, level: int) -> bytes:
        """A run's members as they are encoded at `level + 1`, with what stands between
        them (not before the first)."""
        parts = []
        for key, item, _ in run.members:
            value = self.make(item) if type(item) is Piece else self.converted(item)
            text = self.piece(value, level + 1)
            parts.append(
                _key(key).encode("utf-8", "surrogatepass") + b": " + text if named else text
            )
        return (",\n" + self.indent * (level + 1)).encode().join(parts)

    def converted(self, item: Any) -> Any:
        assert self.default is not None  # (`kept_as` keeps no element without it)
        return self.default(item)


RUN = 64  # members in a kept run, on average (see `_ends_run`)


def _ends_run(digest: str) -> bool:
    """Whether a run ends after a member: decided by its digest alone (content-defined
    chunking), so the same members end runs in every build."""
    return zlib.crc32(digest.encode("utf-8", "surrogatepass")) % RUN == 0


class _Run:
    """Members kept as one piece of bytes, named by their keys and digests."""

    __slots__ = ("members",)

    def __init__(self, members: list[tuple[Any, Any, str]]) -> None:
        self.members = members

    def key(self, indent: int, level: int, named: bool) -> str:
        text = repr((indent, level, named, [(key, digest) for key, _, digest in self.members]))
        return "json-run:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _cut(run: list[tuple[Any, Any, str]]) -> Iterator[_Run | list[tuple[Any, Any]]]:
    """Two members or more as a `_Run`; one as it is (looked up by itself)."""
    if len(run) > 1:
        yield _Run(run)
    elif run:
        yield [(run[0][0], run[0][1])]


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
    made: Callable[[Piece], Any] | None = None,
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
    With `pieces`, a value `default` converts is taken from them by its digest."""
    return b"".join(encode_chunks(value, indent, default, sort_keys, pieces).parts)


def dumps(
    value: Any, indent: int, default: Callable[[Any], Any] | None = None, sort_keys: bool = False
) -> str:
    """`encode`, as text."""
    return encode(value, indent, default, sort_keys).decode("utf-8", "surrogatepass")
