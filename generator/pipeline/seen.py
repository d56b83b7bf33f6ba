"""Pages as an earlier build read them: size, times and inode, with their digest.

A page whose stat is as recorded is not read again: its digest is the one taken
then (git's index trusts a file's stat the same way). A page changed less than
two seconds before the reading that saw it is not recorded: on a filesystem
with coarse timestamps a second edit in the same tick could leave the same
stat, so such a page is read again at the next build. An inode changes when an
editor saves by renaming, and the change time whenever the file is written, even
by a tool that puts the modification time back.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from generator.pipeline.sealed import read_sealed, seal, write_sealed

MAGIC = b"docgen-seen-pages\x01"
Stat = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
_RACY_NS = 2_000_000_000


def stat_of(st: os.stat_result) -> Stat:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class SeenPages:
    """The record for one doc set (by its folder) in a cache folder."""

    def __init__(self, cache_dir: Path, root: Path) -> None:
        self.path = cache_dir / "pages.seen"
        self.key = hashlib.sha256(
            str(root.absolute()).encode("utf-8", "surrogateescape")
        ).hexdigest()
        known = read_sealed(self.path, MAGIC, self.key, ())
        self._known: dict[str, tuple[Stat, bytes]] = known if isinstance(known, dict) else {}
        self._now: dict[str, tuple[Stat, bytes]] = {}
        self._since = time.time_ns()

    def digest(self, rel: str, stat: Stat) -> bytes | None:
        """The digest recorded for `rel` if its stat is `stat` still, else None: read it."""
        known = self._known.get(rel)
        if not isinstance(known, tuple) or len(known) != 2 or known[0] != stat:
            return None
        digest = known[1]
        if not isinstance(digest, bytes) or len(digest) != 32:
            return None
        self._now[rel] = (stat, digest)
        return digest

    def saw(self, rel: str, stat: Stat, digest: bytes) -> None:
        """`rel` was read with this stat (taken before reading) and digest."""
        if max(stat[1], stat[2]) < self._since - _RACY_NS:
            self._now[rel] = (stat, digest)

    def save(self) -> None:
        """Keep what this reading saw, when it differs from the record (pages gone
        are dropped with it)."""
        if self._now != self._known:
            write_sealed(self.path, seal(MAGIC, self.key, self._now))
            self._known = dict(self._now)
