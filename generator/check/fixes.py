"""`docgen check --fix`: the findings whose repair is certain, repaired in the pages.

A fix is safe when the finding itself says what the text must be, and one place on
its line holds what it replaces: a link to a file spelled in another case (L002: the
file's own spelling), an example path written from the service root (X014: without
the `~`), an unknown `blockType` one letter or two from a known one (A003). Anything
else stays a finding for a person. Each page is rewritten whole or not at all; a line
that no longer holds the text (the page changed since) is left alone.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.diagnostics import Diagnostic
from generator.emit.writer import write_bytes_atomic
from generator.parse.annotations import KNOWN_BLOCK_TYPES


@dataclass(frozen=True)
class Edit:
    """On line `line` of `file` (relative to the doc set), `old` becomes `new`."""

    file: str
    line: int
    old: str
    new: str
    code: str


PASSES = 5  # runs of check and fix at most: a fix may let a page be read further
_L002 = re.compile(r'^link "(?P<href>[^"]*)": the file is spelled (?P<spelled>\S+);')
_A003 = re.compile(r'^unknown blockType "(?P<kind>[^"]*)"$')


def _link_case(d: Diagnostic) -> Edit | None:
    m = _L002.match(d.message)
    if m is None:
        return None
    href = m.group("href")
    path, hash_, anchor = href.partition("#")
    spelled = posixpath.relpath(m.group("spelled"), posixpath.dirname(d.file) or ".")
    if path.startswith("./") and not spelled.startswith("."):
        spelled = "./" + spelled
    return Edit(d.file, d.line, f"]({href}", f"]({spelled}{hash_}{anchor}", d.code)


def _from_root(d: Diagnostic) -> Edit | None:
    return Edit(d.file, d.line, "~/", "/", d.code)


def _block_type(d: Diagnostic) -> Edit | None:
    m = _A003.match(d.message)
    close = (
        difflib.get_close_matches(m.group("kind"), sorted(KNOWN_BLOCK_TYPES), 1, 0.8) if m else []
    )
    if m is None or not close:
        return None
    return Edit(d.file, d.line, f'"{m.group("kind")}"', f'"{close[0]}"', d.code)


FIXERS: dict[str, Callable[[Diagnostic], Edit | None]] = {
    "L002": _link_case,
    "X014": _from_root,
    "A003": _block_type,
}


def safe_edits(findings: Iterable[Diagnostic]) -> list[Edit]:
    """The edits that repair the findings that have a safe fix."""
    edits = []
    for d in findings:
        fixer = FIXERS.get(d.code)
        edit = fixer(d) if fixer is not None else None
        if edit is not None and edit.old != edit.new:
            edits.append(edit)
    return edits


def apply(root: Path, edits: Iterable[Edit]) -> dict[str, int]:
    """Apply the edits to the pages under `root`: per page, the number applied. An edit
    applies only where its line holds `old` exactly once."""
    by_file: dict[str, list[Edit]] = defaultdict(list)
    for edit in edits:
        by_file[edit.file].append(edit)
    done: dict[str, int] = {}
    inside = root.resolve()
    for rel, file_edits in sorted(by_file.items()):
        path = root / rel
        if not path.resolve().is_relative_to(inside):
            continue  # (a finding names a page of the doc set: never anything else)
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        lines = text.split("\n")
        applied = 0
        for edit in file_edits:
            at = edit.line - 1
            if 0 <= at < len(lines) and lines[at].count(edit.old) == 1:
                lines[at] = lines[at].replace(edit.old, edit.new)
                applied += 1
        if applied:
            write_bytes_atomic(path, "\n".join(lines).encode("utf-8"))
            done[rel] = applied
    return done
