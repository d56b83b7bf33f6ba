"""Finding and reading the pages of a doc set.

Errors the user must act on (missing folder, nothing to read) raise
`SourceError` with one clear line; a single unreadable or non-UTF-8 page is a
diagnostic (F001), so one bad file never hides the rest of the doc set.
"""

from __future__ import annotations

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


def find_pages(root: Path, config: DocSetConfig) -> list[str]:
    """Markdown files under `root`, minus the folders and files the config skips."""
    if not root.exists():
        raise SourceError(f"{root}: no such folder")
    if root.is_file():
        raise SourceError(f"{root}: is a file; docgen reads a folder of Markdown pages")
    skip_dirs = {d.casefold() for d in config.folders_to_skip} | {"config"}
    found: list[str] = []
    for path in root.rglob("*.md"):
        rel = path.relative_to(root)
        parts = [p.casefold() for p in rel.parts[:-1]]
        if any(p in skip_dirs or p.startswith(".") for p in parts):
            continue
        if rel.name.casefold() in config.files_to_skip or not path.is_file():
            continue
        found.append(rel.as_posix())
    return sorted(found)


def read_bytes(root: Path, rel: str) -> tuple[bytes | None, list[Diagnostic]]:
    try:
        data = (root / rel).read_bytes()
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
