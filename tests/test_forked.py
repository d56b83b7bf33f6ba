"""Work shared with forked processes (`generator.pipeline.forked`): the result made
in order, a failure raised where the work was asked for."""

from __future__ import annotations

import os
from collections.abc import Sequence

import pytest

from generator.pipeline.forked import can_fork, shared_out


def _where(items: Sequence[int]) -> dict[int, tuple[int, int]]:
    """Each item, with the process that made it and the first item of its run."""
    return {item: (os.getpid(), items[0]) for item in items}


def _fails_past_ten(items: Sequence[int]) -> dict[int, int]:
    if items[-1] > 10:
        raise ValueError(f"cannot make {items[-1]}")
    return {item: item for item in items}


def test_runs_are_made_in_order_and_joined_in_order() -> None:
    made = shared_out(list(range(20)), _where, jobs=3, least=5)
    assert list(made) == list(range(20))
    firsts = sorted({first for _, first in made.values()})
    assert firsts == [0, 7, 14]  # three runs, cut in order
    processes = {pid for pid, _ in made.values()}
    assert len(processes) == (3 if can_fork() else 1) and os.getpid() in processes


def test_too_few_items_are_made_here_in_one_run() -> None:
    made = shared_out(list(range(9)), _where, jobs=4, least=5)
    assert set(made.values()) == {(os.getpid(), 0)}
    assert shared_out([], _where, jobs=2) == {}


@pytest.mark.skipif(not can_fork(), reason="no fork on this system")
def test_a_failure_in_a_forked_run_is_raised_here_with_where_it_happened() -> None:
    with pytest.raises(ValueError, match="cannot make 19") as raised:
        shared_out(list(range(20)), _fails_past_ten, jobs=2, least=1)
    assert any("raised in a forked process" in note for note in raised.value.__notes__)
