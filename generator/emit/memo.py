"""Results computed once per model and shared by every target of a build.

Operation names and example routes are pure functions of the model that the
client, server, OpenAPI and tests targets all need; computing them once
saves each target the work. Keyed by the model's identity (hashing a whole
model would cost more than it saves), one model at a time.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import TypeVar

from generator.model.types import ApiModel

R = TypeVar("R")


def per_model(fn: Callable[[ApiModel], R]) -> Callable[[ApiModel], R]:
    """Memoize `fn(model)` for the latest model. Callers must not mutate the result."""
    cache: dict[int, tuple[weakref.ref[ApiModel], R]] = {}

    @functools.wraps(fn)
    def wrapper(model: ApiModel) -> R:
        hit = cache.get(id(model))
        if hit is not None and hit[0]() is model:
            return hit[1]
        result = fn(model)
        cache.clear()
        cache[id(model)] = (weakref.ref(model), result)
        return result

    return wrapper


@per_model
def types_shape(model: ApiModel) -> str:
    """A digest of what a piece made from one type or endpoint may read of the others:
    every type's name, base, key and property names (not their descriptions)."""
    from generator.emit.fragments import digest

    return digest(
        [
            (r.name, r.base_type, r.key_property, [p.name for p in r.properties])
            for r in model.resources
        ],
        [e.name for e in model.enums],
    )
