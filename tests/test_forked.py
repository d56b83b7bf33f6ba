"""Work shared with forked processes (`generator.pipeline.forked`): the result made
in order, a failure raised where the work was asked for."""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Iterable

import pytest

from generator.pipeline.forked import can_fork, shared_out


def _where(items: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Each item, with the process that made it and the order it came in there."""
    made = {}
    for order, item in enumerate(items):
        time.sleep(0.01)  # (slow enough that every process takes some)
        made[item] = (os.getpid(), order)
    return made


def _fails_in_another_process(parent: int, items: Iterable[int]) -> dict[int, int]:
    made = {}
    for item in items:
        time.sleep(0.01)
        if os.getpid() != parent:
            raise ValueError(f"cannot make {item}")
        made[item] = item
    return made


def test_runs_are_taken_in_turn_made_in_order_and_joined_in_order() -> None:
    made = shared_out(list(range(80)), _where, jobs=3, least=5)  # (0.8 s: every fork takes some)
    assert list(made) == list(range(80))
    by_process: dict[int, list[int]] = {}
    for item, (pid, order) in made.items():
        by_process.setdefault(pid, []).append(item)
        assert order == len(by_process[pid]) - 1  # each process's items came in order
    assert os.getpid() in by_process and len(by_process) == (3 if can_fork() else 1)
    for items in by_process.values():  # whole runs of 5, cut in order
        assert all(item // 5 * 5 in items and item // 5 * 5 + 4 in items for item in items)


def test_too_few_items_are_made_here_in_one_run() -> None:
    made = shared_out(list(range(9)), _where, jobs=4, least=5)
    assert {pid for pid, _ in made.values()} == {os.getpid()}
    assert [order for _, order in made.values()] == list(range(9))
    assert shared_out([], _where, jobs=2) == {}


@pytest.mark.skipif(not can_fork(), reason="no fork on this system")
def test_a_failure_in_a_forked_run_is_raised_here_with_where_it_happened() -> None:
    fails = functools.partial(_fails_in_another_process, os.getpid())
    with pytest.raises(ValueError, match="cannot make") as raised:
        shared_out(list(range(80)), fails, jobs=2, least=1)  # (the fork takes some)
    assert any("raised in a forked process" in note for note in raised.value.__notes__)
