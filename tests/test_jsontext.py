"""`jsontext` writes what `json.dumps(indent=n, ensure_ascii=False)` writes, byte for byte."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import jsontext
from generator.model.serialize import _fields, model_json_bytes
from generator.pipeline.run import load_model

_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
_keys = st.text() | st.integers() | st.floats() | st.booleans() | st.none()
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4)
    | st.lists(inner, max_size=3).map(tuple)
    | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=25,
)


def _stdlib(value: Any, indent: int, **kwargs: Any) -> str:
    return json.dumps(value, indent=indent, ensure_ascii=False, **kwargs) + "\n"


@settings(max_examples=300, deadline=None)
@given(_values, st.integers(0, 3), st.booleans())
def test_same_text_as_the_stdlib(value: Any, indent: int, sort_keys: bool) -> None:
    try:
        expected = _stdlib(value, indent, sort_keys=sort_keys)
    except TypeError:  # sort_keys over keys of mixed types: both refuse
        with pytest.raises(TypeError):
            jsontext.dumps(value, indent, sort_keys=sort_keys)
        return
    assert jsontext.dumps(value, indent, sort_keys=sort_keys) == expected


@dataclasses.dataclass(frozen=True)
class _Point:
    x_value: int
    label: str


def test_dataclasses_through_the_default_hook_and_unknown_types_refused() -> None:
    value = {"points": (_Point(1, "a"), _Point(2, "é\U0001f600"))}
    assert jsontext.dumps(value, 1, default=_fields) == _stdlib(value, 1, default=_fields)
    with pytest.raises(TypeError):
        jsontext.encode(object(), 1)


@pytest.mark.corpus
@pytest.mark.slow
def test_the_corpus_model_json_is_the_stdlibs(graph_corpus: Path) -> None:
    model = load_model(graph_corpus, jobs=2)
    expected = _stdlib(model, 1, default=_fields).encode("utf-8", "surrogatepass")
    assert model_json_bytes(model) == expected
