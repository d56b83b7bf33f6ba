"""Reuse of what a target made at the last build, by the digests it was made from.

A target hands back its files as text, `Piece`s (a pure function on its
arguments) and `Json` values (see `generator.emit.content`). `Reuse` makes
them into bytes, one target at a time: a piece whose key (its function and
its arguments' digests) is among the values the last build kept is not made
again; nor is a model element or piece of a JSON file whose encoded bytes
were kept. What this build used is what the next one finds (`used`); the
store itself is `generator.pipeline.store`. A target that declares no pieces
is rendered whole each time: correct, just without reuse.

A file whose content has a key (`file_key`: a piece, or JSON of one piece) is
not made at all when OUT holds it as made from the same key (this machine's
record of OUT says so, see `output.vouched`): what it is made of is `held` on
the shelf, for the edit that changes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from typing import Any

from generator import jsontext
from generator.emit.content import Content, Json, Piece, function_name, made_args, made_now
from generator.emit.targets import Context, Target
from generator.model.types import ApiModel
from generator.pipeline.store import MISSING

Made = bytes | jsontext.Chunks


class PieceError(Exception):
    """A target handed back something that is not a file's content."""


class Reuse:
    """One target's reuse for one build: the values an earlier build kept (`kept`: a
    `store.Shelf`, or any mapping), and the ones this build used (`used`); `made`:
    the keys of those it had to make."""

    def __init__(self, kept: Any = None) -> None:
        self.kept = kept if kept is not None else {}
        self.used: dict[str, Any] = {}
        self.held: set[str] = set()  # the keys of files not made: OUT holds them
        self._inside = 0  # the pieces their arguments hold (their own arguments uncounted)
        self.made: set[str] = set()
        self.hits = 0
        self.misses = 0
        self._taken: list[Piece] = []  # pieces reused whole: what they were made of lives on

    def value(self, piece: Piece) -> Any:
        """`piece.fn(*args)`, or the value an earlier build made with the same key."""
        key = piece.digest
        if key is None:
            self.misses += 1
            return piece.fn(*(made_args(arg, self.value) for arg in piece.args))
        hits = self.hits
        found = self.get(key, lambda: piece.fn(*(made_args(arg, self.value) for arg in piece.args)))
        if self.hits > hits:
            self._taken.append(piece)
        return found

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """The value kept under `key`, else `make()` (kept for the next build)."""
        name = key if type(key) is str else _hashed(key)
        found = self.used.get(name, MISSING)
        if found is not MISSING:
            return found
        found = self.kept.get(name, MISSING)
        if found is not MISSING:
            self.hits += 1
        else:
            found = make()
            self.misses += 1
            self.made.add(name)
        self.used[name] = found
        return found

    def hold(self, content: Content) -> None:
        """What a file not made this build (`file_key`) is made of stays on the shelf."""
        piece = content.value if isinstance(content, Json) else content
        if type(piece) is Piece and piece.digest is not None:
            self.held.add(piece.digest if piece is content else jsontext.kept_key(piece.digest, 0))
            self._taken.append(piece)
            self._inside += sum(
                1 if type(arg) is Piece else sum(type(a) is Piece for a in arg)
                for arg in piece.args
                if type(arg) is Piece or type(arg) in (tuple, list)
            )

    def live(self) -> set[str]:
        """Every key this build's output is made of: those it used or held, and those inside
        the pieces it reused whole (the next edit of one of them needs the others)."""
        keys = set(self.used) | self.held
        pending = [arg for piece in self._taken for arg in piece.args]
        while pending:
            arg = pending.pop()
            if type(arg) is Piece:
                if arg.digest is not None:
                    keys.add(arg.digest)
                pending.extend(arg.args)
            elif type(arg) in (tuple, list):
                pending.extend(arg)
        return keys

    def known(self) -> set[str]:
        """The keys this build used or held (not those inside the pieces it reused whole)."""
        return set(self.used) | self.held

    def worth_pruning(self, kept: int, kept_bytes: int = 0, known_bytes: int = 0) -> bool:
        """Whether a shelf of `kept` values (`kept_bytes` in all) holds enough this build
        did not use to drop them now: more than a quarter again as many as it used or
        held (and the pieces directly inside those it held), or more bytes than twice
        those it used or held (`known_bytes`): a large piece made again at each edit (a
        module of 3,000 methods) leaves the last one's bytes behind each time, one value
        among thousands. Finding the ones still live walks every piece reused whole (a
        twentieth of an edit's render); a build that skips it leaves the shelf at most
        that much larger."""
        if kept > (len(self.used) + len(self.held) + self._inside) * 5 // 4:
            return True
        return kept_bytes > 2 * known_bytes

    def new(self) -> dict[str, Any]:
        """The values this build made: what the store lacks."""
        return {key: self.used[key] for key in self.made}

    # `jsontext.Pieces`: elements by their digest
    def digest_of(self, element: object) -> str | None:
        digest = getattr(element, "digest", None)
        return digest if isinstance(digest, str) else None


def file_key(content: Content) -> str | None:
    """What a file's bytes are made from, when that has a key: a piece's key; for JSON
    of one piece, that key with how it is encoded. None for any other content."""
    if type(content) is Piece:
        return content.digest
    if isinstance(content, Json) and type(content.value) is Piece:
        default = function_name(content.default) if content.default is not None else ""
        if content.value.digest is None or default is None:
            return None
        return f"json:{content.indent}:{default}:{content.value.digest}"
    return None


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
    if isinstance(content, (bytearray, memoryview)):
        return bytes(content)
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
