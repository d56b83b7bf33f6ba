"""Work done in forked processes (`multiprocessing`'s fork context): a forked process
inherits what this one holds (the page facts, the model) rather than receiving it
pickled, and sends back only its result. Where there is no fork, the work is done
here, in order: the same result either way.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Iterable, Iterator, Sequence
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")
U = TypeVar("U")
K = TypeVar("K")
V = TypeVar("V")


def can_fork() -> bool:
    return "fork" in mp.get_all_start_methods()


def side_by_side(here: Callable[[], T], forked: Sequence[Callable[[], U]]) -> tuple[T, list[U]]:
    """`here()` in this process while each of `forked` runs in a forked process of its
    own: what each returned. Every forked process is waited for, whatever happened
    here; an exception raised here, else the first raised in a forked process, is
    raised (with where it was raised)."""
    others = [_Forked(work) for work in forked]
    try:
        mine = here()
    finally:
        outcomes = [other.outcome() for other in others]
    for ok, value in outcomes:
        if not ok:
            raise value
    return mine, [value for _, value in outcomes]


class _Forked:
    """`work()` running in a forked process."""

    def __init__(self, work: Callable[[], Any]) -> None:
        context = mp.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, args=(work, send), daemon=True)  # type: ignore[attr-defined]
        self._process.start()
        send.close()

    def outcome(self) -> tuple[bool, Any]:
        """(True, what `work()` returned) or (False, the exception it raised), once the
        process has ended."""
        try:
            outcome: tuple[bool, Any] = self._receive.recv()
        except EOFError:
            outcome = (False, None)
        self._receive.close()
        self._process.join()  # (it has sent all it had: a few ms while its memory is freed)
        if outcome == (False, None):
            ended = f"a forked process ended with no result (exit code {self._process.exitcode})"
            outcome = (False, RuntimeError(ended))
        return outcome


def _run(work: Callable[[], Any], results: Connection) -> None:
    """In the forked process: the result, or the exception, sent back."""
    try:
        outcome: tuple[bool, Any] = (True, work())
    except BaseException as error:  # noqa: BLE001 - sent to the caller, raised there
        outcome = (False, _with_origin(error))
    try:
        results.send(outcome)
    except Exception:  # noqa: BLE001 - an exception that does not pickle: its text does
        results.send((False, RuntimeError(f"{type(outcome[1]).__name__}: {outcome[1]}")))
    results.close()


def _with_origin(error: BaseException) -> BaseException:
    import traceback

    error.add_note("raised in a forked process:\n" + "".join(traceback.format_exception(error)))
    return error


def shared_out(
    items: Sequence[K],
    make: Callable[[Iterable[K]], dict[K, V]],
    jobs: int,
    least: int = 64,
) -> dict[K, V]:
    """`make` over `items`, shared among `jobs` processes (this one and forked ones) when
    there are at least `least` items a process and a fork: the items are cut in runs of
    `least`, in order, and each process takes the next run as soon as it is free (pages
    cost unevenly: fixed halves left one process waiting for the other), making the
    runs it takes in one call of `make`, in order. The results are joined in order. Each
    call is made as if its items were all the items: where what is made of an item
    depends on the items before it, the caller checks."""
    processes = min(jobs, len(items) // max(1, least)) if can_fork() else 1
    if processes <= 1:
        return make(items)
    runs = [items[i : i + least] for i in range(0, len(items), least)]
    taken = mp.get_context("fork").Value("i", 0)

    def take() -> Iterator[K]:
        """The items of the runs this process takes, as it comes to each."""
        while True:
            with taken.get_lock():
                index = taken.value
                taken.value += 1
            if index >= len(runs):
                return
            yield from runs[index]

    def share() -> dict[K, V]:
        return make(take())

    made, others = side_by_side(share, [share] * (processes - 1))
    for theirs in others:
        made.update(theirs)
    return {item: made[item] for item in items if item in made}  # (in order)
