"""`model.json`: the model as JSON with camelCase keys and stable bytes."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from generator.model.types import ApiModel


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def to_data(value: Any) -> Any:
    """Dataclasses → dicts (camelCase keys, field order), tuples → lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {_camel(f.name): to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [to_data(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    return value


def model_to_json(model: ApiModel) -> str:
    return json.dumps(to_data(model), indent=1, ensure_ascii=False) + "\n"
