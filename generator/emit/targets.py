"""The registry of output targets: each maps the model to {relative path: text}.

A new target is one function here plus its template folder; nothing
upstream knows which targets exist.
"""

from __future__ import annotations

from collections.abc import Callable

from generator.model.serialize import model_to_json
from generator.model.types import ApiModel

Files = dict[str, str]
Target = Callable[[ApiModel], Files]


def model_target(model: ApiModel) -> Files:
    return {"model.json": model_to_json(model)}


TARGETS: dict[str, Target] = {
    "model": model_target,
}
