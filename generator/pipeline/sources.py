"""Finding and reading the pages of a doc set.

Errors the user must act on (missing folder, nothing to read) raise
`SourceError` with one clear line; a single unreadable or non-UTF-8 page is a
diagnostic (F001), so one bad file never hides the rest of the doc set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from generator.config import DocSetConfig
from generator.diagnostics import Diagnostic, make

MAX_PAGE_BYTES = 4 * 1024 * 1024


class SourceError(Exception):
    """The doc set cannot be read at all."""


@dataclass(frozen=True)
class PageSource:
    path: str  # relative, posix
    text: str


def find_pages(root: Path, config: DocSetConfig) -> tuple[list[str], list[Diagnostic]]:
    """Markdown files under `root`, minus the folders and files the config skips; and a
    diagnostic (F006) for each page that is a link to a file outside `root`, which is
    not read: the doc set is what its folder holds, not whatever a link reaches."""
    if not root.exists():
        raise SourceError(f"{root}: no such folder")
    if root.is_file():
        raise SourceError(f"{root}: is a file; docgen reads a folder of Markdown pages")
    skip_dirs = {d.casefold() for d in config.folders_to_skip} | {"config"}
    found: list[str] = []
    outside: list[Diagnostic] = []
    real_root = os.path.realpath(root)
    # scandir, not rglob: the type of each entry comes with the listing (no stat per
    # page), and skipped folders are never entered. Like rglob, links to folders are
    # not followed; links to files are, and a broken link is no page.
    pending = [("", str(root))]
    while pending:
        prefix, folder = pending.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    folded = name.casefold()
                    if folded not in skip_dirs and not folded.startswith("."):
                        pending.append((f"{prefix}{name}/", entry.path))
                elif (
                    name.endswith(".md")
                    and name.casefold() not in config.files_to_skip
                    and entry.is_file()
                ):
                    if entry.is_symlink() and not _inside(entry.path, real_root):
                        outside.append(_link_outside(prefix + name))
                    else:
                        found.append(prefix + name)
            except OSError:
                continue
    if not found:  # an empty model would build "successfully": an empty client, server...
        raise SourceError(f"{root}: no Markdown pages (*.md) to read in this folder")
    return sorted(found), sorted(outside)


def _inside(path: str, real_root: str) -> bool:
    """Whether `path`, every link on the way resolved, is in the folder `real_root`."""
    return os.path.commonpath([os.path.realpath(path), real_root]) == real_root


def _link_outside(rel: str) -> Diagnostic:
    """(Not where the link points: that is a path on the author's machine, and the
    model must be the same on every machine.)"""
    return make(
        "F006", rel, 1, 1, "page is a symbolic link to a file outside the doc set; not read"
    )


def read_bytes(root: Path | str, rel: str) -> tuple[bytes | None, list[Diagnostic]]:
    try:
        with open(os.path.join(root, rel), "rb") as handle:  # no Path per page: 3x faster
            data = handle.read()
    except OSError as exc:
        return None, [make("F001", rel, 1, 1, f"cannot read file: {exc.strerror or exc}")]
    if len(data) > MAX_PAGE_BYTES:
        return None, [
            make(
                "F004",
                rel,
                1,
                1,
                f"page is {len(data)} bytes, over the {MAX_PAGE_BYTES}-byte limit",
            )
        ]
    return data, []


def decode_page(rel: str, data: bytes) -> tuple[PageSource | None, list[Diagnostic]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [
            make("F001", rel, line, 1, f"not UTF-8 text (byte {exc.start}): {exc.reason}")
        ]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return PageSource(rel, text), []
