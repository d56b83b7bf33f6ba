"""docgen lays Python out as black does, so a build need not run black (`needs_black`).

Every generated Python file of every target, for the sample and for the real
corpus, must need no black (else builds get slow) and be black-stable
(else the layout drifted from black's).
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import black
import pytest

from generator.emit.render import Wrap, black_mode, layout, needs_black
from generator.model.types import ApiModel
from generator.pipeline.run import load_model
from tests.conftest import GROUPS, render_target


def _python_files(model: ApiModel) -> dict[str, str]:
    files: dict[str, str] = {}
    for name in ("client", "server", "tests"):
        files.update(render_target(name, model))
    return {rel: text for rel, text in files.items() if rel.endswith(".py")}


def _changed_by_black(item: tuple[str, str]) -> str | None:
    rel, text = item
    return None if black.format_str(text, mode=black_mode()) == text else rel


def _check(files: dict[str, str], jobs: int) -> None:
    assert [rel for rel, text in files.items() if needs_black(text)] == []
    with ProcessPoolExecutor(jobs) as pool:
        assert [rel for rel in pool.map(_changed_by_black, files.items()) if rel] == []


def test_the_sample_needs_no_black() -> None:
    files = _python_files(load_model(GROUPS))
    assert len(files) > 15
    _check(files, 1)


@pytest.mark.corpus
@pytest.mark.slow
def test_the_corpus_needs_no_black(graph_model: ApiModel) -> None:
    files = _python_files(graph_model)
    assert len(files) > 60
    _check(files, 2)


@pytest.mark.parametrize("name", ["a" * 60, "\u3400" * 40, "\u3400" * 60, "e\u0301" * 40])
def test_wide_characters_count_as_black_counts_them(name: str) -> None:
    """black measures a line in columns (a wide character is two): so does `layout`,
    and `needs_black` agrees with black on whether a line is too long."""
    query = Wrap("query=", (f'"{name}": v',), brackets="{}", explode=True)
    call = Wrap("client._call", (f"_op_{name}", "(value,)", query, "**options"))
    source = f"def f():\n    return {layout(call, 4)}\n"
    assert black.format_str(source, mode=black_mode()) == source
    assert not needs_black(source)


@pytest.mark.parametrize("length", [80, 94, 95, 96, 97, 98, 120])
def test_an_operation_constant_with_a_long_name_is_laid_out_as_black_does(length: int) -> None:
    """`_op_<name> = Op(...)` as black lays it out whatever the name's length: split in the
    call, else the call in parentheses, else (a name too long even for `name = (`) left
    for no tool to split; `needs_black` knows black has nothing better for the last."""
    from generator.emit.client import MethodSpec

    args = ('"GET"', '"/deviceManagement/deviceCompliancePolicies/{0}/x"', "anything")
    spec = MethodSpec("e", "n", "_op_" + "x" * length, args, (), "Any", (), "", (), (), (), "")
    text = layout(spec.op_line) + "\n"
    assert black.format_str(text, mode=black_mode()) == text
    assert not needs_black(text)
