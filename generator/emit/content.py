"""What a target's files are made of: text, bytes, and deferred pieces.

A target is a pure function of the model (see `generator.emit.targets`). It
may hand back a file as plain text, or as a `Piece`: a call of a pure
function on its arguments, made by the build only when nothing equal was made
before. A `Json` file is a JSON value whose members may be model elements and
pieces. Neither says anything about caches: the build decides what it can
reuse (`generator.pipeline.pieces`), by the arguments' digests.

What keys a piece: the function's module and name, and each argument's part:
model elements (and anything else with a `digest`) by their digest, pieces by
their own key, plain values (text, numbers, `None`, and tuples, lists, sets
and dicts of them) by their `repr`. A piece with any other argument, or whose
function is a lambda or a local function, is made at every build: correct,
just never reused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    from generator.jsontext import Chunks

_PLAIN = (str, int, float, bool, bytes, type(None))
_EXACT = frozenset(_PLAIN)  # checked first, by type


class Piece:
    """`fn(*args)`, made when the build needs it and has no equal one from before.
    `fn` must be pure: what it returns depends on its arguments alone. Arguments
    that are pieces (also inside tuples and lists) are made first and passed as
    their values. The value must be plain data (text, bytes, numbers, tuples...)
    to be kept between builds. (A plain class: a build makes tens of thousands.)"""

    __slots__ = ("fn", "args", "_key")

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        self.fn = fn
        self.args = args
        self._key: str | None | bool = False  # False: not computed yet

    @property
    def digest(self) -> str | None:
        """The piece's key (see the module), or None when it cannot have one."""
        if self._key is False:
            self._key = _piece_key(self.fn, self.args)
        return self._key  # type: ignore[return-value]

    def __repr__(self) -> str:
        return f"Piece({getattr(self.fn, '__qualname__', self.fn)!r}, {len(self.args)} args)"


class Json:
    """A JSON file: `value` encoded with `indent`, members that are not JSON values
    converted by `default` (a module-level function). Model elements and pieces
    among its members are encoded once and reused while their digest holds."""

    __slots__ = ("value", "indent", "default")

    def __init__(
        self, value: Any, indent: int = 1, default: Callable[[Any], Any] | None = None
    ) -> None:
        self.value = value
        self.indent = indent
        self.default = default


def made_now(piece: Piece) -> Any:
    """`piece`'s value, nothing reused: its argument pieces made first."""
    return piece.fn(*(made_args(arg, made_now) for arg in piece.args))


def made_args(arg: Any, value: Callable[[Piece], Any]) -> Any:
    """An argument as the function gets it: pieces (also in tuples, lists) by `value`."""
    if type(arg) is Piece:
        return value(arg)
    if type(arg) in (tuple, list) and any(type(item) is Piece for item in arg):
        return type(arg)(made_args(item, value) for item in arg)
    return arg


Content = Union[str, bytes, Piece, Json, "Chunks"]  # Chunks: JSON encoded as it was made
Files = Mapping[str, Content]


def function_name(fn: Callable[..., Any]) -> str | None:
    """`module:qualname` of a module-level function or method; None for a lambda or a
    local function (which may close over anything)."""
    qualname = getattr(fn, "__qualname__", None)
    module = getattr(fn, "__module__", None)
    if not isinstance(qualname, str) or not isinstance(module, str) or "<" in qualname:
        return None
    return f"{module}:{qualname}"


class _Unkeyed(Exception):
    """An argument with no part in a key (see the module)."""


def _part(value: Any) -> Any:
    """An argument as it goes into its piece's key: plain values as they are, tuples
    of plain text as they are (most arguments: checked first), anything with a
    digest by its digest as bytes (no text spells it), containers member by member.
    The key is then one `repr` of them all, however many there are."""
    kind = type(value)
    if kind in _EXACT:
        return value
    if kind is tuple and all(type(item) is str for item in value):
        return value
    digest = getattr(value, "digest", None)
    if isinstance(digest, str):
        return digest.encode()
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, (tuple, list)):
        return tuple(map(_part, value))
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted(map(repr, map(_part, value)))))
    if isinstance(value, Mapping):
        return ("map", tuple(sorted(repr((_part(k), _part(v))) for k, v in value.items())))
    raise _Unkeyed(type(value).__name__)


def _piece_key(fn: Callable[..., Any], args: tuple[Any, ...]) -> str | None:
    name = function_name(fn)
    if name is None:
        return None
    try:
        parts = tuple(map(_part, args))
    except _Unkeyed:
        return None
    text = repr((name, parts))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
