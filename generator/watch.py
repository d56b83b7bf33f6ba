"""Waiting for the files a build reads to change (`docgen build --watch`, `docgen
serve --reload`), with watchfiles (the `watch` extra; `serve` brings it too).

Only the watching lives here: what to do on a change is the caller's. Changes are
batched as watchfiles batches them (an editor's save is one batch), and the
output and cache folders are never watched, so a rebuild does not trigger itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

READY_POLL_MS = 200  # how soon the first (empty) batch says the watcher is running


@dataclass(frozen=True)
class Changes:
    """One batch of changed paths (absolute)."""

    paths: frozenset[Path]

    def pages(self) -> int:
        """How many Markdown pages the batch touched (written, added or removed)."""
        return sum(1 for path in self.paths if path.suffix == ".md")


def changes(
    roots: Iterable[Path],
    ignore: Iterable[Path] = (),
    ready: Callable[[], None] = lambda: None,
    stop: threading.Event | None = None,
) -> Iterator[Changes]:
    """Each batch of changes under `roots` (folders or files) but for `ignore`, until
    `stop` is set (or Ctrl-C, which is raised). `ready` is called once the watcher
    runs: a change made after it is seen."""
    from watchfiles import DefaultFilter, watch

    watched = [path.resolve() for path in roots if path.exists()]
    skipped = [str(path.resolve()) for path in ignore]
    announced = False
    for batch in watch(
        *watched,
        watch_filter=DefaultFilter(ignore_paths=skipped),
        rust_timeout=READY_POLL_MS,
        yield_on_timeout=True,
        stop_event=stop,
    ):
        if not announced:
            announced = True
            ready()
        if batch:
            yield Changes(frozenset(Path(path) for _, path in batch))
