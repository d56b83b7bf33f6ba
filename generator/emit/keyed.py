"""Piece arguments and JSON members keyed in one `repr`, for the thousands a build makes.

A `Piece`'s key takes a part per argument, and per member of a tuple argument:
right for a few arguments, costly for tens of thousands of pieces or a tuple of
thousands of paths. `Plain` is plain data as one argument keyed by one `repr`
of it; `Entry` a member of a `Json` file keyed the same way. Neither module here
imports template machinery.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from generator.emit.content import function_name


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode("utf-8", "surrogatepass")).hexdigest()[:32]


class Plain:
    """Plain data (text, numbers, None, and tuples of them: what `repr` spells the
    same at every build) as one argument of a piece, keyed by one `repr`."""

    __slots__ = ("value", "digest")

    def __init__(self, value: Any) -> None:
        self.value = value
        self.digest = _digest(value)


class Entry:
    """A member of a `Json` file made by `fn(*args)` only when the file is encoded, and
    converted by the file's `default` (`entry_value`): the build keeps its encoded
    bytes, by its `digest`, not its value. A build keys some ten thousand entries,
    so the key is made in one `repr` (`entry_key`), not a `Piece`'s parts."""

    __slots__ = ("fn", "args", "_digest")

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        self.fn = fn
        self.args = args
        self._digest: str | None | bool = False  # False: not computed yet

    @property
    def digest(self) -> str | None:
        if self._digest is False:
            self._digest = entry_key(self.fn, self.args)
        return self._digest  # type: ignore[return-value]


_FLAT = frozenset({str, int, float, bool, type(None)})


def entry_key(fn: Callable[..., Any], args: tuple[Any, ...]) -> str | None:
    """The function's name and each argument: text, numbers, None and tuples of text
    as they are, anything else by its digest (as bytes: no text can spell it); None
    (made at every build) for a local function or an argument with neither."""
    name = function_name(fn)
    if name is None:
        return None
    parts: list[Any] = []
    for arg in args:
        kind = type(arg)
        if kind in _FLAT or (kind is tuple and all(type(item) is str for item in arg)):
            parts.append(arg)
            continue
        digest = getattr(arg, "digest", None)
        if not isinstance(digest, str):
            return None
        parts.append(digest.encode())
    return _digest((name, parts))


def entry_value(entry: Entry) -> Any:
    """`Json` default: an `Entry`'s value."""
    if type(entry) is not Entry:
        raise TypeError(f"Object of type {type(entry).__name__} is not JSON serializable")
    return entry.fn(*entry.args)
