"""The resolve stage's type index, rebuilt from the model for the checks."""

from __future__ import annotations

from collections.abc import Callable

from generator.model.typeindex import TypeIndex
from generator.model.types import ENUM, RESOURCE, ApiModel

Lookup = Callable[[str], str | None]


def type_index(model: ApiModel, pages: frozenset[str]) -> TypeIndex:
    """The resolve stage's type index, rebuilt from the model."""
    index = TypeIndex(model.namespace)
    index.set_pages(pages)
    for r in model.resources:
        index.add(r.name, RESOURCE, r.source.file)
    for e in model.enums:
        index.add(e.name, ENUM, e.source.file)
    return index
