"""Which findings to show: `--select`/`--ignore` (and their `[tool.docgen]` settings),
and the doc set's own page suppressions.

A comment `<!-- docgen-disable-next-block CODES reason -->` suppresses those codes (or
prefixes) on the block below it (from the comment to the block's last line, annotations
between included), `<!-- docgen-disable-next-line CODES reason -->` on the line below
it, and `<!-- docgen-disable CODES reason -->` up to `<!-- docgen-enable -->` (or
`docgen-enable CODES`, or the page's end). `docgen-ignore-...` is read the same way.
A page suppresses findings on itself in its page annotation's `suppressions`
list, each entry `CODE` (every such finding on the page) or `CODE: location`,
where the location is a line number or text the finding's message contains
(an example name, a property, a link target). Codes may be prefixes (`B`,
`X00`). Entries in another tool's form ("Warning: /path: message") are not
docgen's and are reported once (S002); entries that match nothing, S001.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.diagnostics import RULES, Diagnostic, make
from generator.parse.facts import PageFacts

_ENTRY = re.compile(r"^\s*([A-Z]+[0-9]*)\s*(?::\s*(.*?))?\s*$")


def split_codes(values: Iterable[str]) -> tuple[str, ...]:
    """`("X004,B", "A005")` -> `("X004", "B", "A005")`."""
    return tuple(c.strip().upper() for v in values for c in v.split(",") if c.strip())


def matches(code: str, patterns: Iterable[str]) -> bool:
    """A code matches `ALL`, itself, or a prefix of it (`B`, `X00`)."""
    return any(p == "ALL" or code.startswith(p) for p in patterns)


@dataclass(frozen=True)
class Selection:
    select: tuple[str, ...] = ()  # empty: every code
    ignore: tuple[str, ...] = ()

    def wants(self, code: str) -> bool:
        return (not self.select or matches(code, self.select)) and not matches(code, self.ignore)


@dataclass
class Suppression:
    file: str
    line: int  # the page annotation's line
    entry: str
    code: str
    location: str | None
    used: int = 0
    last: int | None = None  # an ignore comment's: it covers lines `line` to `last`

    def covers(self, d: Diagnostic) -> bool:
        if d.file != self.file or not d.code.startswith(self.code):
            return False
        if self.last is not None:
            return self.line <= d.line <= self.last
        if self.location is None:
            return True
        if self.location.isdigit():
            return d.line == int(self.location)
        return self.location in d.message


@dataclass
class PageSuppressions:
    entries: list[Suppression] = field(default_factory=list)
    foreign: list[Diagnostic] = field(default_factory=list)

    def filter(self, findings: Iterable[Diagnostic]) -> tuple[list[Diagnostic], int]:
        """(findings no entry covers, how many were covered)."""
        by_file: dict[str, list[Suppression]] = {}
        for s in self.entries:
            by_file.setdefault(s.file, []).append(s)
        kept: list[Diagnostic] = []
        covered = 0
        for d in findings:
            hit = next((s for s in by_file.get(d.file, ()) if s.covers(d)), None)
            if hit is None:
                kept.append(d)
            else:
                hit.used += 1
                covered += 1
        return kept, covered

    def unused(self) -> Iterator[Diagnostic]:
        for s in self.entries:
            if not s.used:
                yield make("S001", s.file, s.line, 1, f'suppression "{s.entry}" matches no finding')


def _entries(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def page_suppressions(pages: Sequence[PageFacts]) -> PageSuppressions:
    found = PageSuppressions()
    for page in pages:
        for ignore in page.ignores:  # `<!-- docgen-disable-next-block CODES -->`, ...
            for code in ignore.codes:
                entry = f"docgen-disable {code} (lines {ignore.line}-{ignore.last})"
                found.entries.append(
                    Suppression(page.path, ignore.line, entry, code, None, last=ignore.last)
                )
        foreign = 0
        for annotation in page.page_annotations:
            for entry in _entries(annotation.data.get("suppressions")):
                m = _ENTRY.match(entry)
                if m is None or (m.group(1) not in RULES and not _is_prefix(m.group(1))):
                    foreign += 1
                    continue
                found.entries.append(
                    Suppression(page.path, annotation.line, entry, m.group(1), m.group(2) or None)
                )
            if foreign:
                found.foreign.append(
                    make(
                        "S002",
                        page.path,
                        annotation.line,
                        1,
                        f"{foreign} suppression entr{'y is' if foreign == 1 else 'ies are'} "
                        "not in docgen's CODE[: location] form and ignored",
                    )
                )
                foreign = 0
    return found


def _is_prefix(code: str) -> bool:
    return any(c.startswith(code) for c in RULES) and len(code) < 4
