"""`make fuzz`: random edits of a real doc set; after each, a build with the cache must
write what a cold build of the same pages writes (`python -m tests.edit_fuzz DOCS
[--seed N] [--steps N]`). Minutes, not seconds: outside `make test`.

The unit tests hold incremental builds to cold ones for edits chosen by hand
(`test_incremental.EDITS`); this throws the edits a doc set's authors make at a whole
doc set, several at a time, in any order: a table row's type or description, a
page's examples, its syntax block, its base type, a page copied or deleted. Names
an edit writes come from the doc set itself (its own `@odata.type` values), so any
doc set of the format will do. Same seed, same edits.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tests.bench import set_aside

PY = sys.executable
_ODATA_TYPE = re.compile(r'"@odata\.type":\s*"#?([\w.]+)\.(\w+)"')
_SEPARATOR = set("|:- \t")


class Fuzz:
    """One doc set copy, edited at random (`rng`)."""

    def __init__(self, docs: Path, rng: random.Random) -> None:
        self.docs = docs
        self.rng = rng
        found = {m.group(2) for p in self.pages() for m in _ODATA_TYPE.finditer(_text(p))}
        self.types = sorted(found) or ["entity"]

    def pages(self) -> list[Path]:
        return sorted(self.docs.rglob("*.md"))

    def pick(self, wanted: Callable[[str], bool]) -> Path | None:
        found = [p for p in self.pages() if wanted(_text(p))]
        return self.rng.choice(found) if found else None

    def name(self, page: Path) -> str:
        return page.relative_to(self.docs).as_posix()

    # ----- edits: each returns what it did, for the log -----

    def table_cell(self) -> str:
        """A row of a table under a heading: its type, or its description (made optional
        or required, or said to be inherited from another type)."""
        heading = self.rng.choice(["properties", "relationships", "request body", "parameters"])
        page = self.pick(lambda t: f"## {heading}" in t.lower())
        if page is None:
            return f"table_cell: no {heading} table"
        lines = _text(page).split("\n")
        rows = _rows(lines, heading)
        if not rows:
            return f"table_cell {self.name(page)}: no row"
        i = self.rng.choice(rows)
        cells = lines[i].strip().strip("|").split("|")
        if len(cells) < 3:
            return f"table_cell {self.name(page)}: short row"
        kind = self.rng.choice(["type", "optional", "inherited", "collection"])
        if kind == "type":
            cells[1] = f" {self.rng.choice(['String', 'Int32', 'Boolean', *self.types[:50]])} "
        elif kind == "collection":
            cells[1] = (
                cells[1].replace(" collection", "")
                if "collection" in cells[1]
                else (cells[1].rstrip() + " collection ")
            )
        elif kind == "optional":
            text = cells[-1]
            swapped = text.replace("Optional", "Required") if "Optional" in text else None
            cells[-1] = swapped or (
                text.replace("Required", "Optional")
                if "Required" in text
                else text.rstrip() + " Optional. "
            )
        else:
            base = self.rng.choice(self.types)
            cells[-1] = cells[-1].rstrip() + f" Inherited from [{base}]({base.lower()}.md). "
        lines[i] = "|" + "|".join(cells) + "|"
        page.write_text("\n".join(lines), encoding="utf-8")
        return f"table_cell {kind} {self.name(page)}:{i + 1}"

    def table_rows(self) -> str:
        """Two rows of a Properties table swapped, or one removed."""
        page = self.pick(lambda t: "## properties" in t.lower())
        if page is None:
            return "table_rows: none"
        lines = _text(page).split("\n")
        rows = _rows(lines, "properties")
        if len(rows) < 2:
            return f"table_rows {self.name(page)}: too few"
        i = self.rng.choice(rows[:-1])
        if self.rng.random() < 0.5 and i + 1 in rows:
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
            what = "swapped"
        else:
            del lines[i]
            what = "removed"
        page.write_text("\n".join(lines), encoding="utf-8")
        return f"table_rows {what} {self.name(page)}:{i + 1}"

    def page_set(self) -> str:
        """A page deleted, or copied under a new name (a second definition of its types
        and endpoints)."""
        page = self.rng.choice(self.pages())
        if self.rng.random() < 0.5:
            page.unlink()
            return f"page deleted {self.name(page)}"
        copy = page.with_name(f"{page.stem}-copy{self.rng.randrange(1000)}.md")
        shutil.copy(page, copy)
        return f"page copied {self.name(page)} -> {copy.name}"

    def block(self) -> str:
        """A request's URL, a response's status or values, a resource's JSON
        representation, an `@odata.type`: inside one annotated block."""
        kind, pattern, repl = self.rng.choice(
            [
                ("request", r"(https?://\S+/)(\w+)", lambda m: f"{m.group(1)}{m.group(2)}x"),
                ("response", r'"(\w+)":\s*"[^"]*"', lambda m: f'"{m.group(1)}": 12'),
                ("response", r'\n\s*"\w+":\s*("[^"]*"|\d+|true|false|null),', lambda m: ""),
                ("response", r"HTTP/1.1 (200 OK|201 Created)", _status),
                ("resource", r'\n\s*"\w+":\s*[^\n]*,', lambda m: ""),
                ("resource", r'"(@odata\.type|baseType)":\s*"#?([\w.]+)\.(\w+)"', self._retyped),
            ]
        )
        page = self.pick(lambda t: f'"blockType": "{kind}"' in t)
        if page is None:
            return f"block {kind}: none"
        text = _text(page)
        starts = [m.end() for m in re.finditer(rf'"blockType":\s*"{kind}"', text)]
        start = self.rng.choice(starts)
        fence = text.find("```", start)
        end = text.find("```", fence + 3)
        if fence < 0 or end < 0:
            return f"block {kind} {self.name(page)}: no fence"
        body = text[fence:end]
        new = re.sub(pattern, repl, body, count=1)
        if new == body:
            return f"block {kind} {self.name(page)}: nothing to change"
        page.write_text(text[:fence] + new + text[end:], encoding="utf-8")
        return f"block {kind} {self.name(page)}"

    def _retyped(self, m: re.Match[str]) -> str:
        return f'"{m.group(1)}": "{m.group(2)}.{self.rng.choice(self.types)}"'

    def names(self) -> str:
        """An annotation's name, a heading, a front matter title, a path parameter's name."""
        choices = [
            (r'"name":\s*"([^"]+)"', "_r"),
            (r"\n##+ ([^\n]+)", " (edited)"),
            (r"\ntitle:\s*([^\n]+)", " x"),
            (r"\{([\w-]+)-id\}", "Fz"),
        ]
        pattern, suffix = self.rng.choice(choices)
        page = self.pick(lambda t: re.search(pattern, t) is not None)
        if page is None:
            return f"names {pattern}: none"
        text = _text(page)
        m = self.rng.choice(list(re.finditer(pattern, text)))
        page.write_text(text[: m.end(1)] + suffix + text[m.end(1) :], encoding="utf-8")
        return f"names {self.name(page)}: {m.group(1)[:40]!r} + {suffix!r}"

    def syntax(self) -> str:
        """A line added to, or the whole of, the HTTP request syntax block removed."""
        page = self.pick(lambda t: "## http request" in t.lower() and "```http" in t)
        if page is None:
            return "syntax: none"
        text = _text(page)
        m = re.search(
            r"## HTTP request[^\n]*\n(?:(?!```)[^\n]*\n)*?(```http\n.*?```\n)", text, re.I | re.S
        )
        if m is None:
            return f"syntax {self.name(page)}: no block"
        if self.rng.random() < 0.5:
            page.write_text(text[: m.start(1)] + text[m.end(1) :], encoding="utf-8")
            return f"syntax removed {self.name(page)}"
        at = m.start(1) + len("```http\n")
        line = f"{self.rng.choice(['GET', 'POST', 'DELETE'])} /fuzz/{{id}}/{self.rng.choice(self.types)}\n"
        page.write_text(text[:at] + line + text[at:], encoding="utf-8")
        return f"syntax line {self.name(page)}: {line.strip()}"

    def prose(self) -> str:
        """A sentence added to a line of prose."""
        page = self.rng.choice(self.pages())
        lines = _text(page).split("\n")
        prose = [i for i, line in enumerate(lines) if line[:1].isalpha()]
        if not prose:
            return f"prose {self.name(page)}: none"
        i = self.rng.choice(prose)
        lines[i] += " Edited."
        page.write_text("\n".join(lines), encoding="utf-8")
        return f"prose {self.name(page)}:{i + 1}"

    def edits(self) -> list[Callable[[], str]]:
        return [
            self.table_cell,
            self.table_cell,
            self.table_rows,
            self.page_set,
            self.block,
            self.block,
            self.names,
            self.syntax,
            self.prose,
        ]


def _text(page: Path) -> str:
    return page.read_text(encoding="utf-8", errors="replace")


def _status(m: re.Match[str]) -> str:
    return "HTTP/1.1 " + ("201 Created" if m.group(1).startswith("200") else "200 OK")


def _rows(lines: list[str], heading: str) -> list[int]:
    """The lines of the body rows of the tables under headings starting with `heading`."""
    rows: list[int] = []
    inside = False
    for i, line in enumerate(lines):
        s = line.strip()
        if s.startswith("#"):
            inside = s.lstrip("#").strip().lower().startswith(heading)
        elif inside and s.startswith("|") and i and lines[i - 1].strip().startswith("|"):
            above = lines[i - 1].strip()
            if set(above) <= _SEPARATOR or (rows and rows[-1] == i - 1):
                rows.append(i)
    return rows


def build(docs: Path, out: Path, cache: Path | None) -> tuple[int, str]:
    argv = [PY, "-m", "generator", "build", str(docs), "-o", str(out), "-q"]
    argv += ["--cache-dir", str(cache)] if cache is not None else ["--no-cache"]
    done = subprocess.run(argv, capture_output=True, text=True)
    return done.returncode, (done.stderr + done.stdout)[-1000:]


def differences(a: Path, b: Path) -> list[str]:
    """The files that differ between two output folders (or are in one only)."""
    files_a = {p.relative_to(a).as_posix(): p for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b).as_posix(): p for p in b.rglob("*") if p.is_file()}
    return sorted(
        rel
        for rel in files_a.keys() | files_b.keys()
        if rel not in files_a
        or rel not in files_b
        or files_a[rel].read_bytes() != files_b[rel].read_bytes()
    )


def run(docs: Path, seed: int, steps: int, work: Path) -> int:
    rng = random.Random(seed)
    copy = work / "docs"
    shutil.copytree(docs, copy)
    fuzz = Fuzz(copy, rng)
    out, cache = work / "out", work / "cache"
    code, said = build(copy, out, cache)
    print(f"seed {seed}: first build exit {code}", flush=True)
    failed = 0
    for step in range(steps):
        done = [edit() for edit in rng.sample(fuzz.edits(), rng.choice([1, 1, 2, 3]))]
        started = time.perf_counter()
        code, said = build(copy, out, cache)
        warm = time.perf_counter() - started
        cold = work / f"cold-{step}"
        cold_code, cold_said = build(copy, cold, None)
        differ = differences(out, cold)
        ok = not differ and code == cold_code
        print(
            f"step {step}: {warm:.2f} s, exit {code}/{cold_code}, "
            f"{'same' if ok else 'DIFFERENT'}: {'; '.join(done)}",
            flush=True,
        )
        if not ok:
            failed += 1
            print("  differ: " + ", ".join(differ[:20]), said, cold_said, sep="\n  ", flush=True)
            set_aside(out)  # go on from a cold build's output and cache
            set_aside(cache)
            build(copy, out, cache)
        set_aside(cold)
    print(f"seed {seed}: {steps} steps, {failed} with a difference")
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("docs", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="docgen-fuzz-"))
    try:
        failed = run(args.docs, args.seed, args.steps, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
