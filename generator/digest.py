"""Content digests carried on the values they describe.

A model element (a resource, an endpoint, an example...) knows its own
digest: equal digests, equal content. What is made from an element can then
be kept between builds under its digest (see `generator.pipeline.pieces`).
The digest is kept on the element itself, computed on first use; an element
copied with `dataclasses.replace` is a new object and computes its own, so a
changed copy can never carry the digest of what it was copied from (`replaced`
gives such a copy one made from the original's and the change). Resolve
hands the digests it remembers from the last build to the elements it
rebuilds unchanged (`carry`), so they are not computed again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from typing import Any, TypeVar

_SLOT = "_digest"


class _Sink:
    """A file-like sink that only hashes what is written to it."""

    def __init__(self) -> None:
        self.sha = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        return len(data)


def content_digest(value: object) -> str:
    """A digest of a value's content: equal digests, equal values. Pickled in "fast"
    mode (no memo), so equal values give equal bytes whichever of their parts share
    an object (facts from the cache or freshly parsed)."""
    sink = _Sink()
    pickler = pickle.Pickler(sink, protocol=5)
    pickler.fast = True
    pickler.dump(value)
    return sink.sha.hexdigest()[:32]


class Digested:
    """A frozen dataclass that knows its content digest (`digest`). The digest is not
    part of the value: not pickled, compared, or shown."""

    @property
    def digest(self) -> str:
        found: str | None = self.__dict__.get(_SLOT)
        if found is None:
            found = self._content_digest()
            object.__setattr__(self, _SLOT, found)
        return found

    def _content_digest(self) -> str:
        return content_digest(self)

    def __getstate__(self) -> dict[str, Any]:
        state: dict[str, Any] = self.__dict__
        if _SLOT in state:
            state = {name: value for name, value in state.items() if name != _SLOT}
        return state


D = TypeVar("D", bound=Digested)


def replaced(element: D, **changes: Any) -> D:
    """`dataclasses.replace(element, **changes)`, its digest made from `element`'s and
    the changes' rather than from the copy's whole content: resolve makes hundreds of
    such copies at every build (an endpoint documented on two pages, a base type its
    docs imply), a few fields changed. Equal digests still mean equal content; an
    equal element made another way has another digest, which costs reuse, never bytes."""
    copy = dataclasses.replace(element, **changes)  # type: ignore[type-var]
    made = hashlib.sha256(b"replaced\0" + element.digest.encode())
    made.update(content_digest(tuple(sorted(changes.items()))).encode())
    carry(copy, made.hexdigest()[:32])
    return copy


def carry(element: Digested, digest: str) -> None:
    """Give `element` the digest a build took of an equal element (see the module)."""
    object.__setattr__(element, _SLOT, digest)
