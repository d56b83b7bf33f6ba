"""Reuse of what a target made at the last build, by the digests it was made from.

A target hands back its files as text, `Piece`s (a pure function on its
arguments) and `Json` values (see `generator.emit.content`). `Reuse` makes
them into bytes, one target at a time: a piece whose key (its function and
its arguments' digests) is among the values the last build kept is not made
again; nor is a model element or piece of a JSON file whose encoded bytes
were kept. What this build used is what the next one finds (`used`); the
store itself is `generator.pipeline.store`. A target that declares no pieces
is rendered whole each time: correct, just without reuse.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from generator import jsontext
from generator.emit.content import Content, Json, Piece, made_args, made_now
from generator.emit.targets import Context, Target
from generator.model.types import ApiModel

Made = bytes | jsontext.Chunks


class PieceError(Exception):
    """A target handed back something that is not a file's content."""


class Reuse:
    """One target's reuse for one build: the values the last build kept (`kept`), and
    the ones this build used (`used`, which the next build keeps)."""

    def __init__(self, kept: Mapping[str, Any]) -> None:
        self.kept = kept
        self.used: dict[str, Any] = {}
        self.hits = 0
        self.misses = 0

    def value(self, piece: Piece) -> Any:
        """`piece.fn(*args)`, or the value an earlier build made with the same key."""
        key = piece.digest
        if key is None:
            self.misses += 1
            return piece.fn(*(made_args(arg, self.value) for arg in piece.args))
        return self.get(key, lambda: piece.fn(*(made_args(arg, self.value) for arg in piece.args)))

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """The value kept under `key`, else `make()` (kept for the next build)."""
        name = key if type(key) is str else _hashed(key)
        if name in self.used:
            return self.used[name]
        if name in self.kept:
            found = self.kept[name]
            self.hits += 1
        else:
            found = make()
            self.misses += 1
        self.used[name] = found
        return found

    # `jsontext.Pieces`: elements by their digest
    def stamp(self, element: object) -> str | None:
        digest = getattr(element, "digest", None)
        return digest if isinstance(digest, str) else None

    def bytes_of(self, rel: str, content: Content) -> Made:
        """A file's bytes (text as UTF-8)."""
        return file_bytes(rel, content, self)


def file_bytes(rel: str, content: Content, reuse: Reuse | None = None) -> Made:
    """The bytes of file `rel`'s content, made with `reuse` when given."""
    if isinstance(content, Json):
        return jsontext.encode_chunks(
            content.value, content.indent, content.default, pieces=reuse, made=_valuer(reuse)
        )
    if isinstance(content, Piece):
        content = reuse.value(content) if reuse is not None else made_now(content)
    if isinstance(content, str):
        return content.encode("utf-8", "surrogatepass")
    if isinstance(content, (bytes, jsontext.Chunks)):
        return content
    raise PieceError(f"{rel}: a target gave {type(content).__name__}, not text, bytes or Json")


def _valuer(reuse: Reuse | None) -> Callable[[Piece], Any]:
    return reuse.value if reuse is not None else made_now


def _hashed(key: Hashable) -> str:
    return hashlib.sha256(repr(key).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def render(
    target: Target, model: ApiModel, context: Context, reuse: Reuse | None = None
) -> dict[str, Made]:
    """Every file of `target` as bytes (made with `reuse` when given)."""
    files = target.render(model, context)
    return {rel: file_bytes(rel, content, reuse) for rel, content in files.items()}
