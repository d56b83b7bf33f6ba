"""`docgen check --fix`: the findings whose repair is certain, repaired in the pages.

A fix is safe when the finding itself says what the text must be, and one place on
its line holds what it replaces:

- L002 a link to a file spelled in another case: the file's own spelling;
- X014 an example path written from the service root: without the `~`;
- A003 an unknown `blockType` one letter or two from a known one: the known one;
- J001, A002 JSON that was repaired: a trailing comma dropped, a missing comma at a
  line's end added, a bare key or a single-quoted string quoted, a no-break space made
  a space (comments, `...` and raw control characters stay: they are meant, or what
  they mean is not certain);
- H003 a status line's reason phrase: the code's own phrase (the code is what is read);
- X011 a JSON body with no Content-Type: the header, after the block's other headers;
- P003 a path placeholder written `<x>`: `{x}`;
- T005 a table row with more cells than its header because a `|` inside code or
  parentheses was read as a border: that `|` escaped;
- X001 an example recognised by its first line: the annotation it would have had.

Anything else stays a finding for a person. Edits are planned against the page as it
is now: an edit applies only where its line holds the text it replaces (at its
column, or once on the line), so a page changed since the check is left alone. Each
page is rewritten whole or not at all.
"""

from __future__ import annotations

import difflib
import json
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING

from generator.diagnostics import Diagnostic
from generator.emit.writer import write_bytes_atomic
from generator.parse.annotations import KNOWN_BLOCK_TYPES
from generator.parse.lenient_json import load_lenient
from generator.parse.tables import enclosed_pipes, row_cells

if TYPE_CHECKING:
    from generator.check.command import Outcome
    from generator.model.types import ApiModel


@dataclass(frozen=True)
class Edit:
    """On line `line` of `file` (relative to the doc set), `old` becomes `new`: at
    column `col` (1-based) when given, else where the line holds `old` once."""

    file: str
    line: int
    old: str
    new: str
    code: str
    col: int = 0


Lines = Sequence[str]  # the page's lines, as it is now
Fixer = Callable[[Diagnostic, Lines], list[Edit]]

PASSES = 5  # runs of check and fix at most: a fix may let a page be read further
_L002 = re.compile(r'^link "(?P<href>[^"]*)": the file is spelled (?P<spelled>\S+);')
_A003 = re.compile(r'^unknown blockType "(?P<kind>[^"]*)"$')
_REPAIRED = re.compile(r"^(?:JSON|annotation) repaired \((?P<kinds>[^)]*)\)$")
_H003 = re.compile(r"^reason phrase '(?P<reason>.*)' does not belong to (?P<code>\d{3}) ")
_P003 = re.compile(r"^path placeholder (?P<names>.*) is written <x>")
_X001 = re.compile(
    r'^un-annotated (?P<role>request|response) example .*?(?:docgen names it "(?P<name>[^"]+)")?$'
)
_T005 = re.compile(r"^table row has \d+ cells, its header (?P<width>\d+): a `\|`")
_X011_ID = re.compile(r'^(?:request|response) of example "')
_HEADER = re.compile(r"^\s*[A-Za-z0-9][A-Za-z0-9-]*\s*:")
_BARE_KEY = re.compile(r"[A-Za-z_$][\w$-]*(?=\s*:)")
_SINGLE_QUOTED = re.compile(r"'([^'\"\\\n]*)'")
_FENCE = re.compile(r"^(\s*)(```|~~~)")
_IN_LINE_FIXES = frozenset({"trailing-comma", "missing-comma", "unquoted-key", "single-quotes"})
SAFE_JSON_REPAIRS = _IN_LINE_FIXES | {"nbsp"}


def _line(lines: Lines, number: int) -> str:
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _link_case(d: Diagnostic, lines: Lines) -> list[Edit]:
    m = _L002.match(d.message)
    if m is None:
        return []
    href = m.group("href")
    path, hash_, anchor = href.partition("#")
    spelled = posixpath.relpath(m.group("spelled"), posixpath.dirname(d.file) or ".")
    if path.startswith("./") and not spelled.startswith("."):
        spelled = "./" + spelled
    return [Edit(d.file, d.line, f"]({href}", f"]({spelled}{hash_}{anchor}", d.code)]


def _from_root(d: Diagnostic, lines: Lines) -> list[Edit]:
    return [Edit(d.file, d.line, "~/", "/", d.code)]


def _block_type(d: Diagnostic, lines: Lines) -> list[Edit]:
    m = _A003.match(d.message)
    close = (
        difflib.get_close_matches(m.group("kind"), sorted(KNOWN_BLOCK_TYPES), 1, 0.8) if m else []
    )
    if m is None or not close:
        return []
    return [Edit(d.file, d.line, f'"{m.group("kind")}"', f'"{close[0]}"', d.code)]


def _json_repair(d: Diagnostic, lines: Lines, kind: str, line: int, col: int) -> Edit | None:
    """The edit that makes the text strict where the loader repaired `kind` at
    (`line`, `col`) of the page; None where that is not certain."""
    text = _line(lines, line)
    at = col - 1
    if kind == "trailing-comma" and text[at : at + 1] == "," and _closes(lines, line, col):
        return Edit(d.file, line, ",", "", d.code, col)
    if kind == "missing-comma" and at <= len(text) and not text[at:].strip():
        return Edit(d.file, line, "", ",", d.code, col)
    if kind == "unquoted-key" and (key := _BARE_KEY.match(text, at)) is not None:
        return Edit(d.file, line, key.group(), f'"{key.group()}"', d.code, col)
    if kind == "single-quotes" and (quoted := _SINGLE_QUOTED.match(text, at)) is not None:
        return Edit(d.file, line, quoted.group(), f'"{quoted.group(1)}"', d.code, col)
    if kind == "nbsp" and text[at : at + 1] == "\u00a0":
        run = len(text[at:]) - len(text[at:].lstrip("\u00a0"))
        return Edit(d.file, line, "\u00a0" * run, " " * run, d.code, col)
    return None


def _closes(lines: Lines, line: int, col: int) -> bool:
    """Whether the next text after (`line`, `col`) closes an object or array (a comma
    before a `...` that stands for more is the author's, not a slip)."""
    rest = _line(lines, line)[col:]
    while not rest.strip() and line < len(lines):
        line += 1
        rest = _line(lines, line)
    return rest.lstrip()[:1] in ("}", "]")


def _json_repaired(d: Diagnostic, lines: Lines) -> list[Edit]:
    """J001: one repair, at the finding."""
    m = _REPAIRED.match(d.message)
    if m is None or m.group("kinds") not in SAFE_JSON_REPAIRS:
        return []
    edit = _json_repair(d, lines, m.group("kinds"), d.line, d.col)
    return [edit] if edit is not None else []


def _annotation_repaired(d: Diagnostic, lines: Lines) -> list[Edit]:
    """A002: the finding names the first repair only; the comment is loaded again to
    place them all. Fixed only where every repair is a safe one."""
    m = _REPAIRED.match(d.message)
    kinds = set(m.group("kinds").split(", ")) if m else set()
    if not kinds or not kinds <= SAFE_JSON_REPAIRS:
        return []
    last = d.line
    while last < len(lines) and "-->" not in _line(lines, last):
        last += 1
    text = "\n".join(lines[d.line - 1 : last])
    begin, end = text.find("<!--"), text.rfind("-->")
    if begin < 0 or end < begin:
        return []
    body = text[begin + 4 : end]
    offset_col = begin + 4  # (the comment's JSON starts after `<!--` on its first line)
    edits = []
    for r in load_lenient(body).repairs:
        col = r.col + (offset_col if r.line == 1 else 0)
        edit = _json_repair(d, lines, r.kind, d.line + r.line - 1, col)
        if edit is None:
            return []
        edits.append(edit)
    return edits


def _reason_phrase(d: Diagnostic, lines: Lines) -> list[Edit]:
    m = _H003.match(d.message)
    if m is None:
        return []
    phrase = HTTPStatus(int(m.group("code"))).phrase
    return [Edit(d.file, d.line, m.group("reason"), phrase, d.code, d.col)]


def _content_type(d: Diagnostic, lines: Lines) -> list[Edit]:
    """After the request or status line and its headers: where a blank line separates
    the body, or the body (`{`, `[`) follows at once (then with the blank line)."""
    first = _line(lines, d.line)
    if not _X011_ID.match(d.message) or not first.strip():
        return []
    last = d.line
    while _HEADER.match(_line(lines, last + 1)) and not _FENCE.match(_line(lines, last + 1)):
        last += 1
    if last + 1 > len(lines):
        return []
    after = _line(lines, last + 1).strip()
    if after and after[:1] not in ("{", "["):
        return []
    indent = first[: len(first) - len(first.lstrip())]
    spelled = "Content-type" if any("Content-type:" in line for line in lines) else "Content-Type"
    header = f"\n{indent}{spelled}: application/json" + ("\n" if after else "")
    return [Edit(d.file, last, "", header, d.code, len(_line(lines, last)) + 1)]


def _angle_placeholders(d: Diagnostic, lines: Lines) -> list[Edit]:
    m = _P003.match(d.message)
    if m is None:
        return []
    text = _line(lines, d.line).split("?", 1)[0]
    names = [n.strip() for n in m.group("names").split(",")]
    return [
        Edit(d.file, d.line, n, "{" + n[1:-1] + "}", d.code, found.start() + 1)
        for n in names
        for found in re.finditer(re.escape(n), text)
    ]


def _table_pipes(d: Diagnostic, lines: Lines) -> list[Edit]:
    """T005 where escaping the `|` inside code or parentheses gives the header's width."""
    m = _T005.match(d.message)
    text = _line(lines, d.line)
    if m is None:
        return []
    pipes = enclosed_pipes(text)
    escaped = "".join("\\|" if i in pipes else c for i, c in enumerate(text))
    if not pipes or row_cells(escaped) != int(m.group("width")):
        return []
    return [Edit(d.file, d.line, text, escaped, d.code, 1)]


def _named_so(d: Diagnostic, named: set[tuple[str, str]] | None) -> bool:
    """Whether the name an X001 finding gives is the model's id of an example on its page."""
    m = _X001.match(d.message)
    return named is None or m is None or not m.group("name") or (d.file, m.group("name")) in named


def _annotate(d: Diagnostic, lines: Lines) -> list[Edit]:
    """X001: the annotation an author writes, before the fence; a request is named as
    docgen names it (the finding says how), so the model keeps its example ids; a
    response is `truncated`, as an un-annotated one is read (B006 does not apply)."""
    m = _X001.match(d.message)
    fence = _line(lines, d.line)
    if m is None or not _FENCE.match(fence):
        return []
    data: dict[str, str | bool] = {"blockType": m.group("role")}
    if m.group("name"):
        data["name"] = m.group("name")
    if m.group("role") == "response":
        data["truncated"] = True  # (an annotation claims a complete body only when it says so)
    indent = fence[: len(fence) - len(fence.lstrip())]
    annotation = f"{indent}<!-- {json.dumps(data)} -->\n"
    return [Edit(d.file, d.line, "", annotation, d.code, 1)]


FIXERS: dict[str, Fixer] = {
    "L002": _link_case,
    "X014": _from_root,
    "A003": _block_type,
    "J001": _json_repaired,
    "A002": _annotation_repaired,
    "H003": _reason_phrase,
    "X011": _content_type,
    "P003": _angle_placeholders,
    "T005": _table_pipes,
    "X001": _annotate,
}


@dataclass(frozen=True)
class PageFix:
    """A page's text before and after its edits, and how many findings they fix."""

    file: str
    before: str
    after: str
    fixed: int


def plan(
    root: Path, findings: Iterable[Diagnostic], model: ApiModel | None = None
) -> list[PageFix]:
    """The pages under `root` that the safe fixes of `findings` change, as they would be.
    Given the model, an inferred example is annotated only under the id the model gave
    it, and only where no annotation writes that name (else it stays a finding rather
    than becoming a reused name, A006)."""
    named = None
    if model is not None:  # (an inferred example's id, unless an annotation writes it too)
        written = {x.name for x in model.examples if x.name}
        named = {(x.source.file, x.id) for x in model.examples if x.id not in written}
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in findings:
        if d.code in FIXERS and (d.code != "X001" or _named_so(d, named)):
            by_file[d.file].append(d)
    inside = root.resolve()
    fixes = []
    for rel, found in sorted(by_file.items()):
        path = root / rel
        if not path.resolve().is_relative_to(inside):
            continue  # (a finding names a page of the doc set: never anything else)
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        lines = text.split("\n")
        edits = [(n, e) for n, d in enumerate(found) for e in FIXERS[d.code](d, lines)]
        after, fixed = _applied(lines, [(n, e) for n, e in edits if e.old != e.new])
        if after != text:
            fixes.append(PageFix(rel, text, after, fixed))
    return fixes


def _applied(lines: list[str], edits: list[tuple[int, Edit]]) -> tuple[str, int]:
    """The page with the edits (each with its finding's number) that still fit it, and
    how many findings they fix. On one line, edits apply from the right, so a column
    before them still holds; one that overlaps another is dropped."""
    by_line: dict[int, list[tuple[int, int, Edit]]] = defaultdict(list)
    for finding, edit in edits:
        text = _line(lines, edit.line)
        at = edit.col - 1 if edit.col else text.find(edit.old)
        fits = (
            0 <= at <= len(text) and text[at : at + len(edit.old)] == edit.old
            if edit.col
            else edit.old != "" and text.count(edit.old) == 1
        )
        if fits and 0 < edit.line <= len(lines):
            by_line[edit.line].append((at, finding, edit))
    out = list(lines)
    fixed: set[int] = set()
    for number, placed in by_line.items():
        text, limit = out[number - 1], len(out[number - 1]) + 1
        done: set[tuple[int, str, str]] = set()
        for at, finding, edit in sorted(placed, key=lambda p: (-p[0], p[2].new, p[1])):
            if (at, edit.old, edit.new) in done:
                fixed.add(finding)  # (two findings, one repair: the same JSON twice)
                continue
            if at + len(edit.old) > limit:
                continue  # (overlaps an edit on its right)
            text = text[:at] + edit.new + text[at + len(edit.old) :]
            limit = at
            done.add((at, edit.old, edit.new))
            fixed.add(finding)
        out[number - 1] = text
    return "\n".join(out), len(fixed)


def write(root: Path, fixes: Iterable[PageFix]) -> None:
    """Each page whole or not at all."""
    for fix in fixes:
        write_bytes_atomic(root / fix.file, fix.after.encode("utf-8"))


def unified_diff(fixes: Iterable[PageFix], shown_root: str) -> str:
    """The edits as `diff -u` prints them, with paths as the findings show them."""
    out: list[str] = []
    for fix in fixes:
        name = posixpath.join(shown_root, fix.file) if shown_root else fix.file
        out.extend(
            difflib.unified_diff(
                fix.before.splitlines(keepends=True),
                fix.after.splitlines(keepends=True),
                name if name.startswith("/") else f"a/{name}",
                name if name.startswith("/") else f"b/{name}",
            )
        )
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)


def fix(
    root: Path, outcome: Outcome, check_again: Callable[[], Outcome]
) -> tuple[int, set[str], Outcome]:
    """Fix, check again, and again while a pass fixes something (a fix may let a page be
    read further: A003, then X014), at most `PASSES` times: the findings fixed, the
    pages changed, and the last check's outcome."""
    count, pages = 0, set[str]()
    for _ in range(PASSES):
        planned = plan(root, outcome.findings, outcome.model)
        if not planned:
            break
        write(root, planned)
        count, pages = count + sum(f.fixed for f in planned), pages | {f.file for f in planned}
        outcome = check_again()
    return count, pages, outcome
