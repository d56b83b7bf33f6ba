"""One docgen at a time per output folder and per cache folder.

Two builds into one OUT, or two commands sharing a cache, would race on the
same files (the staging area, the append-only logs). Each takes an advisory
lock (`flock`) first: on the output folder itself (no lock file in OUT), and
on `lock` in the cache folder. A second process waits for the first, saying
so after a second, or with `wait=False` fails at once (`Busy`). Locks are
taken in one order (cache, then OUT), so two processes never wait on each
other. The kernel drops a lock when its holder dies, even by SIGKILL.
Systems without `flock` (Windows) run without locks.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from generator.pipeline.confine import drop_links

try:
    import fcntl
except ImportError:  # pragma: no cover - not a POSIX system
    fcntl = None  # type: ignore[assignment]

_SAY_AFTER = 1.0  # seconds of waiting before a word to the user
_POLL = 0.05


class Busy(Exception):
    """Another docgen holds the lock and we were told not to wait."""


class CacheError(Exception):
    """The cache folder cannot be used as it is."""


@contextlib.contextmanager
def holding(
    path: Path,
    what: str,
    *,
    shared: bool = False,
    wait: bool = True,
    say: Callable[[str], None] = lambda message: None,
) -> Iterator[None]:
    """Hold the lock of `path` (a folder, or a lock file made if missing) while within.
    `what` names it in messages ("the output folder out/")."""
    if fcntl is None:
        yield
        return
    fd = _open(path)
    try:
        _acquire(fd, what, shared, wait, say)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)  # now, whatever forked children still hold it
    finally:
        os.close(fd)


def _open(path: Path) -> int:
    if path.is_dir():
        return os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)


def _acquire(fd: int, what: str, shared: bool, wait: bool, say: Callable[[str], None]) -> None:
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    started, said = time.monotonic(), False
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        if not wait:
            raise Busy(f"{what} is in use by another docgen process (--no-wait)")
        if not said and time.monotonic() - started >= _SAY_AFTER:
            say(f"waiting for another docgen process to finish with {what}...")
            said = True
        time.sleep(_POLL)


@contextlib.contextmanager
def cache_held(
    cache_dir: Path | None, *, wait: bool = True, say: Callable[[str], None] = lambda m: None
) -> Iterator[None]:
    """Hold the cache folder's lock while within (nothing without a cache folder). The
    folder may not be a link, and links found where docgen keeps its files are removed
    first (see `confine.drop_links`), so that nothing is written outside it."""
    if cache_dir is None:
        yield
        return
    if cache_dir.is_symlink():
        raise CacheError(
            f"{cache_dir}: the cache folder is a symbolic link; give the folder itself"
        )
    cache_dir.mkdir(parents=True, exist_ok=True)
    for link in drop_links(cache_dir):
        say(f"docgen: warning: {link}: a link in the cache folder (docgen makes none); removed")
    with holding(cache_dir / "lock", f"the cache folder {cache_dir}", wait=wait, say=say):
        yield
