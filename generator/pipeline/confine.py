"""The one rule for paths docgen reads back from its output folder and cache.

A manifest or journal is input someone else may have written (OUT is committed
and reviewed through pull requests). A path read from one names a file in its
root only when it is plain: relative, `/`-separated, no empty, `.` or `..`
part, no backslash or NUL, not docgen's own bookkeeping (`.docgen*` at the
top). And a file is written, replaced, removed or read only when every folder
on the way to it is a real folder: a symbolic link inside OUT is never
followed out of it (`Tree.blocker`).

The cache folder's entries are named by docgen (digests), never read from it;
but a cache restored from elsewhere may hold links where docgen keeps its
folders and logs. docgen makes no links there, so `drop_links` removes any it
finds before the cache is used (the link, never what it points to).
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path


def unsafe(rel: object) -> str | None:
    """Why `rel` cannot name a file inside its root, or None when it can."""
    if not isinstance(rel, str) or not rel:
        return "not a path"
    if "\0" in rel or "\\" in rel:
        return "not a plain relative path"
    if rel.startswith("/") or rel[1:2] == ":":  # POSIX, or a drive
        return "an absolute path"
    parts = rel.split("/")
    if ".." in parts:
        return "leads out of the folder"
    if "" in parts or "." in parts:
        return "not a plain relative path"
    if parts[0].startswith(".docgen"):
        return "names docgen's own bookkeeping"
    return None


class Tree:
    """What lies at paths under `root`, looked at once each (`lstat`, links not
    followed). Made fresh for each use: what it remembers is only as new as the
    calls that told it (`made`, `gone`)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = os.fspath(root)
        self._kinds: dict[str, str] = {"": "folder"}

    def kind(self, rel: str) -> str:
        """ "folder", "file", "link", "missing" or "other" (a device, a socket...)."""
        found = self._kinds.get(rel)
        if found is None:
            found = self._kinds[rel] = _kind_at(os.path.join(self.root, rel))
        return found

    def blocker(self, rel: str) -> str | None:
        """The first folder on the way to `rel` that is not a real folder (a file, a
        link...), or None: `rel` can be reached without leaving the root."""
        prefix = ""
        for part in rel.split("/")[:-1]:
            prefix = f"{prefix}/{part}" if prefix else part
            kind = self.kind(prefix)
            if kind == "missing":
                return None
            if kind != "folder":
                return prefix
        return None

    def folders_to(self, rel: str) -> list[str]:
        """The folders on the way to `rel`, outermost first."""
        parts = rel.split("/")[:-1]
        return ["/".join(parts[: i + 1]) for i in range(len(parts))]

    def made(self, rel: str) -> None:
        self._kinds[rel] = "folder"

    def gone(self, rel: str) -> None:
        self._kinds[rel] = "missing"


def _kind_at(path: str) -> str:
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return "missing"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISREG(mode):
        return "file"
    return "link" if stat.S_ISLNK(mode) else "other"


def read_file(path: str | os.PathLike[str]) -> bytes:
    """A regular file's bytes; a link there is not followed (OSError, as for a folder)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise IsADirectoryError(f"{os.fspath(path)}: not a regular file")
        return handle.read()


def drop_links(root: Path, depth: int = 2) -> list[str]:
    """Remove the symbolic links in `root` and in its folders, `depth` levels down (the
    levels where docgen keeps folders and logs); what was removed, for a warning."""
    removed: list[str] = []
    pending = [(str(root), depth)]
    while pending:
        folder, left = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink():
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed.append(entry.path)
            elif left > 1 and entry.is_dir(follow_symlinks=False):
                pending.append((entry.path, left - 1))
    return sorted(removed)
