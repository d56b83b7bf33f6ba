"""`jsontext` writes what `json.dumps(indent=n, ensure_ascii=False)` writes, byte for byte."""

from __future__ import annotations

import dataclasses
import json
import unittest.mock
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import jsontext
from generator.digest import Digested
from generator.emit.content import Piece, made_now
from generator.model.serialize import _fields, model_json_bytes
from generator.model.types import ApiModel

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
def test_the_corpus_model_json_is_the_stdlibs(graph_model: ApiModel) -> None:
    model = graph_model
    expected = _stdlib(model, 1, default=_fields).encode("utf-8", "surrogatepass")
    assert model_json_bytes(model) == expected


@dataclasses.dataclass(frozen=True)
class _Element(Digested):
    """A model element: encoded by the default hook, kept by its digest."""

    x_value: int
    label: str


def _x(point: _Element) -> Any:
    """A piece's function: pure, module-level."""
    return {"x": point.x_value}


class _Store:
    """`jsontext.Pieces` over a dict, as the build keeps them (`pipeline.pieces.Reuse`):
    elements by their digest, and the pieces the last encoding used."""

    def __init__(self, kept: dict[Any, bytes] | None = None) -> None:
        self.kept = kept or {}
        self.used: dict[Any, bytes] = {}
        self.made = 0

    def digest_of(self, element: object) -> str | None:
        digest = getattr(element, "digest", None)
        return digest if isinstance(digest, str) else None

    def get(self, key: Any, make: Any) -> bytes:
        if key not in self.kept:
            self.made += 1
        value = self.used[key] = self.kept[key] if key in self.kept else make()
        return value


def _made(value: Any) -> Any:
    """`value` with every piece made, as the stdlib is to see it."""
    if isinstance(value, Piece):
        return _made(made_now(value))
    if isinstance(value, dict):
        return {k: _made(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_made(v) for v in value]
    return value


def _pieces_value(points: list[_Element], extra: Any) -> Any:
    """Elements, pieces, dicts of them, and plain members mixed."""
    old = {f"p{i}": Piece(_x, p) for i, p in enumerate(points)}
    return {
        "points": points,
        "mixed": [*points[:3], extra, *points[3:]],
        "byName": old,
        "methods": {
            f"/{i}": {"get": old[f"p{i}"], "put": Piece(_x, p)} for i, p in enumerate(points)
        },
        "made": [Piece(_x, p) for p in points],
        "plain": extra,
    }


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(), st.text()), min_size=0, max_size=150),
    _values,
    st.integers(0, 3),
)
def test_pieces_give_the_same_text_made_or_kept(
    rows: list[tuple[int, str]], extra: Any, indent: int
) -> None:
    """Members taken from a store: the text is the stdlib's whether each is made or kept;
    kept, nothing is made again."""
    points = [_Element(x, label) for x, label in rows]
    value = _pieces_value(points, extra)
    made = _Store()
    text = jsontext.encode(value, indent, default=_fields, pieces=made)
    assert text.decode("utf-8", "surrogatepass") == _stdlib(_made(value), indent, default=_fields)
    kept = _Store(made.used)
    assert jsontext.encode(value, indent, default=_fields, pieces=kept) == text
    assert kept.made == 0


def test_a_member_added_or_changed_remakes_one_run() -> None:
    """3,000 elements are kept as runs of about `RUN`; one added, or one changed, is
    its own run made again (two, when it is one that ends a run), never the runs
    after it."""
    points = [_Element(i, f"n{i}") for i in range(3000)]
    first = _Store()
    jsontext.encode({"points": points}, 1, default=_fields, pieces=first)
    assert 3000 / jsontext.RUN / 2 < first.made < 3000 / jsontext.RUN * 2
    for edited in (
        [*points[:1500], _Element(-1, "added"), *points[1500:]],
        [*points[:1500], _Element(1500, "changed"), *points[1501:]],
        [*points[:1500], *points[1501:]],
    ):
        second = _Store(first.used)
        text = jsontext.encode({"points": edited}, 1, default=_fields, pieces=second)
        assert text == jsontext.encode({"points": edited}, 1, default=_fields)
        assert 1 <= second.made <= 2


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 50), st.text(max_size=3)), max_size=300),
    st.lists(st.tuples(st.integers(0, 299), st.sampled_from(["add", "drop", "edit"])), max_size=6),
    st.integers(0, 3),
)
def test_runs_kept_from_the_last_build_give_the_text_made_now(
    rows: list[tuple[int, str]], edits: list[tuple[int, str]], indent: int
) -> None:
    """Builds in a row, each taking the runs the last one kept: after members are added,
    dropped or changed anywhere (also in objects, also among plain members), the text is
    what encoding from nothing gives."""
    with unittest.mock.patch.object(jsontext, "RUN", 4):  # runs of ~4: many in a short list
        _build_after_edits([_Element(x, label) for x, label in rows], edits, indent)


def _build_after_edits(points: list[_Element], edits: list[tuple[int, str]], indent: int) -> None:
    kept: dict[Any, bytes] = {}
    for at, edit in [(0, "none"), *edits]:
        i = at % (len(points) + 1)
        if edit == "add":
            points.insert(i, _Element(-at, "added"))
        elif edit == "drop" and i < len(points):
            del points[i]
        elif edit == "edit" and i < len(points):
            points[i] = _Element(points[i].x_value, points[i].label + "!")
        value = {
            "points": points,
            "named": {f"k{n}": p for n, p in enumerate(points)},
            "mixed": [*points[: len(points) // 2], 1, "plain", *points[len(points) // 2 :]],
        }
        store = _Store(kept)
        text = jsontext.encode(value, indent, default=_fields, pieces=store)
        assert text == jsontext.encode(value, indent, default=_fields)
        kept = store.used
