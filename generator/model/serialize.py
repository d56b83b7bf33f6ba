"""`model.json`: the model as JSON with camelCase keys and stable bytes.

Encoded by streaming (`jsontext` with a hook for dataclasses), so no dict copy
of the whole model is ever built: memory stays flat on big doc sets. In a
build, each model element's bytes are reused by its digest (see `model_json`).
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import Any

from generator import jsontext
from generator.emit.content import Json
from generator.model.types import ApiModel


@lru_cache(maxsize=256)
def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@lru_cache(maxsize=256)
def _names(cls: type) -> tuple[tuple[str, str], ...] | None:
    """A dataclass's (camelCase key, field name) pairs, in field order; None for any
    other class."""
    if not dataclasses.is_dataclass(cls):
        return None
    return tuple((_camel(f.name), f.name) for f in dataclasses.fields(cls))


def _fields(value: Any) -> dict[str, Any]:
    """One dataclass as a dict of its fields (camelCase keys, field order)."""
    names = _names(value.__class__)
    if names is None:
        raise TypeError(f"cannot serialise {type(value).__name__}")
    return {key: getattr(value, name) for key, name in names}


def model_json(model: ApiModel) -> Json:
    """`model.json` for a build: the core encodes each element once and reuses its
    bytes while the element's digest holds."""
    return Json(model, 1, _fields)


def model_json_bytes(model: ApiModel | Any) -> bytes:
    """`model.json` as written: UTF-8."""
    return jsontext.encode(model, indent=1, default=_fields)


def model_to_json(model: ApiModel | Any) -> str:
    return model_json_bytes(model).decode("utf-8", "surrogatepass")
