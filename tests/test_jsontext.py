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


class _Store:
    """`jsontext.Pieces` over a dict, as `fragments` keeps them: stamps by id, and the
    pieces the last encoding used."""

    def __init__(self, stamps: dict[int, str], kept: dict[Any, bytes] | None = None) -> None:
        self.stamps = stamps
        self.kept = kept or {}
        self.used: dict[Any, bytes] = {}
        self.made = 0

    def stamp(self, element: object) -> str | None:
        return self.stamps.get(id(element))

    def get(self, key: Any, make: Any) -> bytes:
        if key not in self.kept:
            self.made += 1
        value = self.used[key] = self.kept[key] if key in self.kept else make()
        return value


def _made(value: Any) -> Any:
    """`value` with every `Piece` made, as the stdlib is to see it."""
    if isinstance(value, jsontext.Piece):
        return _made(value.make())
    if isinstance(value, dict):
        return {k: _made(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_made(v) for v in value]
    return value


def _pieces_value(points: list[_Point], extra: Any) -> Any:
    """Elements with stamps, `Piece`s, dicts of them, and plain members mixed."""
    pieces = {
        f"p{i}": jsontext.Piece(("point", p.label, i), lambda p=p: {"x": p.x_value})
        for i, p in enumerate(points)
    }
    return {
        "points": points,
        "mixed": [*points[:3], extra, *points[3:]],
        "byName": pieces,
        "methods": {f"/{i}": {"get": pieces[f"p{i}"]} for i in range(len(points))},
        "plain": extra,
    }


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(), st.text()), min_size=0, max_size=150),
    _values,
    st.integers(0, 3),
)
def test_runs_of_pieces_give_the_same_text_made_or_kept(
    rows: list[tuple[int, str]], extra: Any, indent: int
) -> None:
    """Members taken from a store go in runs: the text is the stdlib's whether each run is
    made or kept; kept, nothing is made again."""
    points = [_Point(x, label) for x, label in rows]
    stamps = {id(p): f"s{i}:{p.x_value}:{p.label}" for i, p in enumerate(points)}
    value = _pieces_value(points, extra)
    made = _Store(stamps)
    text = jsontext.encode(value, indent, default=_fields, pieces=made)
    assert text.decode("utf-8", "surrogatepass") == _stdlib(_made(value), indent, default=_fields)
    kept = _Store(stamps, made.used)
    assert jsontext.encode(value, indent, default=_fields, pieces=kept) == text
    assert kept.made == 0


def test_a_member_added_remakes_the_run_it_joins_not_the_ones_after() -> None:
    """Runs end where their members' keys say, not at a count: one element added in the
    middle of 3,000 makes one run again (two, if it ends one), not every run after it."""
    points = [_Point(i, f"n{i}") for i in range(3000)]
    stamps = {id(p): f"stamp-{p.x_value}" for p in points}
    first = _Store(stamps)
    jsontext.encode({"points": points}, 1, default=_fields, pieces=first)
    assert 3000 / 64 <= first.made < 3000 / 2  # runs, not one piece a member
    added = _Point(-1, "added")
    stamps[id(added)] = "stamp-added"
    second = _Store(stamps, first.used)
    grown = [*points[:1500], added, *points[1500:]]
    text = jsontext.encode({"points": grown}, 1, default=_fields, pieces=second)
    assert text == jsontext.encode({"points": grown}, 1, default=_fields)
    assert 1 <= second.made <= 2
