"""`make bench`: timings on the real corpus, and peak memory on hostile pages, printed,
never asserted (`python -m tests.bench --hostile`: the hostile pages alone).

Every figure comes from one run so that ratios hold on a noisy machine. Each
docgen command runs as a child process, so its peak RSS is its own (read
from a fresh probe process per run). Medians of RUNS runs.

Nothing is deleted until the last row is measured: an output folder or doc set
done with is moved aside (`set_aside`) and removed at the end. On ext4 without a
journal (this machine's disk), the kernel will not reuse an inode freed in the
last one to five minutes and, to find a free one, reads past every such inode of
the block group, each time a file is made: a cold build started right after
`rm -rf` of the last one's 3,900 files cost 1.2 s more (7.1 against 8.4 s),
which is the bench's doing, not docgen's.
"""

from __future__ import annotations

import math
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

RUNS = 3
CORPUS = Path("../shared/corpus/graph-v1.0")
PY = sys.executable
_REQUEST_LINE = re.compile(
    r"^(GET|POST|PUT|PATCH|DELETE|HEAD)(\s+)(https://graph\.microsoft\.com/v1\.0)?/",
    re.MULTILINE | re.IGNORECASE,
)

_PROBE = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "dt = time.perf_counter() - t\n"
    "sys.stderr.write(r.stderr.decode()[-2000:] if r.returncode not in (0, 1) else '')\n"
    "print(dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, r.returncode)\n"
)


def timed(argv: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of one child process."""
    done = subprocess.run([PY, "-c", _PROBE, *argv], capture_output=True, text=True, check=True)
    seconds, mib, code = done.stdout.split()
    if code not in ("0", "1"):
        raise SystemExit(f"benchmark command failed ({code}): {' '.join(argv)}\n{done.stderr}")
    return float(seconds), int(mib)


def median_of(
    argv: list[str], before: Callable[[], None] | None = None, runs_wanted: int = RUNS
) -> tuple[float, int]:
    runs = []
    for _ in range(runs_wanted):
        if before is not None:
            before()
        runs.append(timed(argv))
    return statistics.median(t for t, _ in runs), max(m for _, m in runs)


def floor_and(
    floor: list[str], argv: list[str], before: Callable[[], None]
) -> tuple[tuple[float, int], tuple[float, int]]:
    """The floor's runs and `argv`'s, taken in turn: a ratio of the two holds while the
    machine's speed drifts (on this VM, 20% within minutes)."""
    runs: tuple[list[tuple[float, int]], list[tuple[float, int]]] = ([], [])
    for _ in range(RUNS):
        runs[0].append(timed(floor))
        before()
        runs[1].append(timed(argv))
    return (
        (statistics.median(t for t, _ in runs[0]), max(m for _, m in runs[0])),
        (statistics.median(t for t, _ in runs[1]), max(m for _, m in runs[1])),
    )


def floor_argv(corpus: Path) -> list[str]:
    script = (
        "import pathlib\n"
        "from markdown_it import MarkdownIt\n"
        "md = MarkdownIt('commonmark', {'html': True}).enable('table')\n"
        f"for p in sorted(pathlib.Path({str(corpus)!r}).rglob('*.md')):\n"
        "    md.parse(p.read_text(encoding='utf-8', errors='replace'))\n"
    )
    return [PY, "-c", script]


def docgen(*args: str) -> list[str]:
    return [PY, "-m", "generator", *args]


def scaled_copy(corpus: Path, target: Path, times: float) -> Path:
    """The corpus `times` over (2.4: two whole copies and the first 40% of the pages
    again), each copy in its own folder with its own paths and namespace."""
    target.mkdir(parents=True)
    shutil.copytree(corpus / "config", target / "config")
    pages = sorted(corpus.rglob("*.md"))
    for i in range(math.ceil(times)):
        share = pages if i + 1 <= times else pages[: round(len(pages) * (times - i))]
        for page in share:
            rel = page.relative_to(corpus)
            text = page.read_text(encoding="utf-8")
            if i:
                text = _REQUEST_LINE.sub(lambda m, n=i: f"{m.group(1)}{m.group(2)}/copy{n}/", text)
                text = text.replace("microsoft.graph.", f"microsoft.graph{i}.")
            dest = target / f"copy{i}" / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text, encoding="utf-8")
    return target


def touch_page(page: Path, original: str, n: list[int]) -> Callable[[], None]:
    """Append a paragraph at the end of the page: prose the model does not keep."""

    def edit() -> None:
        n[0] += 1
        page.write_text(original + f"\n\nEdited for the benchmark ({n[0]}).\n", encoding="utf-8")

    return edit


def edit_description(page: Path, original: str, n: list[int]) -> Callable[[], None]:
    """Change the page's description (the prose between its title and first section)
    and its first Properties row, if it has one: edits the model must follow."""

    def edit() -> None:
        n[0] += 1
        lines, where, row_done = original.split("\n"), "", False
        for i, line in enumerate(lines):
            stripped = line.strip()
            if stripped.startswith("# ") and not where:
                where = "intro"
            elif stripped.startswith("## "):
                where = "properties" if stripped.lower().startswith("## properties") else "other"
            elif where == "intro" and stripped and stripped[0].isalpha():
                lines[i] = f"{line} Edited ({n[0]})."
            elif where == "properties" and not row_done and stripped.startswith("|"):
                if set(stripped) <= set("|:- \t") or i + 1 >= len(lines):
                    continue
                if lines[i - 1].strip().startswith("|") and set(lines[i - 1].strip()) <= set(
                    "|:- \t"
                ):
                    lines[i] = line.rstrip().rstrip("|") + f" Edited ({n[0]}). |"
                    row_done = True
        page.write_text("\n".join(lines), encoding="utf-8")

    return edit


# Pages at the size limit whose every line makes many markdown-it tokens: the parse
# must stay under HOSTILE_MIB whatever the shape (the page is read up to the token budget)
HOSTILE_MIB = 200
HOSTILE_PAGES: dict[str, tuple[str, Callable[[int], str], str]] = {  # head, lines, tail
    "table rows": (
        "# T\n\n## Properties\n\n| Property | Type | Description |\n|---|---|---|\n",
        lambda i: f"|p{i}|S|d|\n",
        "",
    ),
    "list items": ("# T\n\n", lambda i: f"- item {i}\n", ""),
    "one paragraph of short lines": ("# T\n\n", lambda i: f"w {i}\n", ""),
    "many small paragraphs": ("# T\n\n", lambda i: f"p{i}\n\n", ""),
    "lines of a link, emphasis, code": ("# T\n\n", lambda i: f"[a](b{i}) *x* `c`\n", ""),
    "lines of emphasis only": ("# T\n\n", lambda i: "*a* " * 8 + "\n", ""),
    "blank lines": ("# T\n\n", lambda i: "\n", ""),
    "one fenced block of short lines": ("# T\n\n```\n", lambda i: "a\n", "```\n"),
    "front matter: a list of short items": ("---\nk:\n", lambda i: "- a\n", "---\n# T\n"),
    "front matter: aliases of aliases, 9 deep": (
        "---\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]\n" for n in range(1, 9)),
        lambda i: "",  # 500 bytes: 10^9 values once the aliases are expanded
        "---\n# T\n",
    ),
}


def hostile_page(head: str, line: Callable[[int], str], tail: str) -> str:
    """`head`, then lines up to the page size limit, then `tail`."""
    from generator.pipeline.sources import MAX_PAGE_BYTES

    parts, size, i = [head], len(head) + len(tail), 0
    while (text := line(i)) and size + len(text) <= MAX_PAGE_BYTES:
        parts.append(text)
        size, i = size + len(text), i + 1
    return "".join(parts) + tail


def run_hostile(work: Path) -> None:
    """Peak RSS of `docgen model` on a doc set of one hostile page, for each shape."""
    print(f"--- one page of {len(HOSTILE_PAGES)} hostile shapes, up to 4 MiB (1 run each) ---")
    print(f"{'docgen model, no page cache':<46} {'seconds':>8} {'peak MiB':>9}")
    worst = 0
    for n, (label, (head, line, tail)) in enumerate(HOSTILE_PAGES.items()):
        docs = work / f"hostile{n}"
        (docs / "api").mkdir(parents=True)
        (docs / "api" / "page.md").write_text(hostile_page(head, line, tail), encoding="utf-8")
        out = work / f"hostile{n}.json"
        seconds, mib = timed(docgen("model", str(docs), "--no-cache", "-o", str(out)))
        worst = max(worst, mib)
        print(f"{label:<46} {seconds:8.2f} {mib:9d}", flush=True)
    print(f"target: peak RSS <= {HOSTILE_MIB} MiB for any page (worst: {worst} MiB)")


def row(label: str, seconds: float, mib: int, base: float, cold: float | None) -> str:
    pct = f"{100 * seconds / cold:6.1f}%" if cold else "       "
    return f"{label:<46} {seconds:8.2f} {seconds / base:8.2f}x {pct} {mib:9d}"


def main(corpus: Path) -> None:
    if not (corpus / "api").is_dir():
        raise SystemExit(f"corpus not found at {corpus}")
    work = Path(tempfile.mkdtemp(prefix="docgen-bench-"))
    try:
        run_all(corpus, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def set_aside(folder: Path) -> None:
    """Move `folder` into the work folder's graveyard (see the module's docstring)."""
    if folder.exists():
        grave = folder.parent / "graveyard"
        grave.mkdir(exist_ok=True)
        folder.rename(grave / f"{folder.name}-{sum(1 for _ in grave.iterdir())}")


def run_all(corpus: Path, work: Path) -> None:
    docs = work / "docs"
    shutil.copytree(corpus, docs)
    out, cache = work / "out", work / "cache"
    build = docgen("build", str(docs), "-o", str(out), "--cache-dir", str(cache), "-q")

    def clean() -> None:
        set_aside(out)
        set_aside(cache)

    (floor, floor_mib), cold = floor_and(floor_argv(docs), build, clean)
    results: list[tuple[str, float, int]] = [
        ("floor: markdown-it-py parse, 1 process", floor, floor_mib)
    ]
    print(f"corpus: {corpus}; median of {RUNS} runs (scaling rows: 1 run each)")
    print(f"{'what':<46} {'seconds':>8} {'x floor':>9} {'% cold':>7} {'peak MiB':>9}")
    print(row(results[0][0], floor, floor_mib, floor, None), flush=True)

    def add(entry: tuple[str, float, int]) -> None:
        results.append(entry)
        print(row(*entry, floor, None), flush=True)

    model = docgen("model", str(docs), "-o", "/dev/null", "--cache-dir", str(cache))
    check = docgen("check", str(docs), "--cache-dir", str(cache))
    add(("docgen model, no page cache", *median_of([*model, "--no-cache"])))
    add(("docgen check, no page cache", *median_of([*check, "--no-cache"])))
    subprocess.run(check, capture_output=True, check=False)  # fills the cache
    add(("docgen check, page cache warm", *median_of(check)))
    add(("build: cold, all targets, empty cache", *cold))  # measured with the floor
    add(("build: warm no-op", *median_of(build)))
    method = docs / "api" / "group-get.md"
    resource = docs / "resources" / "entity.md"
    counter = [0]
    for label, page in (("method page", method), ("resource page (entity)", resource)):
        original = page.read_text(encoding="utf-8")
        add(
            (
                f"build: edit one {label}",
                *median_of(build, before=edit_description(page, original, counter)),
            )
        )
        add(
            (
                f"build: edit one {label}, model unchanged",
                *median_of(build, before=touch_page(page, original, counter)),
            )
        )
    subprocess.run(build, check=True)
    add(("build --check, up to date", *median_of([*build, "--check"])))
    add(("build: cold, -j 1", *median_of([*build, "-j", "1"], before=clean)))
    add(("build: cold, -j 2", *median_of([*build, "-j", "2"], before=clean)))
    scale: list[tuple[str, float, int]] = []
    for times in (1, 2, 4):
        big = scaled_copy(corpus, work / f"x{times}", times)
        big_out = work / f"x{times}-out"
        argv = docgen("build", str(big), "-o", str(big_out), "--no-cache", "-q")
        seconds, mib = median_of(argv, before=lambda o=big_out: set_aside(o))
        scale.append((f"build: cold, corpus x{times}", seconds, mib))
        set_aside(big)
    results += scale
    large = run_large(corpus, work)
    run_hostile(work)
    run_translated(corpus, work)

    cold_s = cold[0]
    print("--- summary ---")
    for label, seconds, mib in results:
        print(row(label, seconds, mib, floor, cold_s if label.startswith("build") else None))
    big_floor, big_cold = large[0][1], large[1][1]
    for label, seconds, mib in large:
        print(row(label, seconds, mib, big_floor, big_cold if "edit" in label else None))
    method_edit = next(s for label, s, _ in results if label == "build: edit one method page")
    print(
        f"targets: cold <= 1.5x floor ({cold_s / floor:.2f}x); no-op <= 3% cold; one-page "
        f"method edit <= 1.0 s ({method_edit:.2f} s); --check <= 10% cold; x4 <= 4.5x the "
        f"time of x1 (x4 / x1 = {scale[2][1] / scale[0][1]:.2f}); 8,000 pages: cold <= 2.0x "
        f"its floor ({big_cold / big_floor:.2f}x), peak RSS <= 600 MiB "
        f"({max(m for _, _, m in large[1:])} MiB), one-page edit <= 5% of its cold "
        f"({100 * large[2][1] / big_cold:.1f}%)"
    )


LARGE_TIMES = 2.4  # the largest real doc sets of this format: about 8,000 pages


def run_large(corpus: Path, work: Path) -> list[tuple[str, float, int]]:
    """A doc set of 8,000 pages: its floor, a cold build of every target with an empty
    cache, and a build after an edit of one method page."""
    big = scaled_copy(corpus, work / "large", LARGE_TIMES)
    pages = sum(1 for _ in big.rglob("*.md"))
    out, cache = work / "large-out", work / "large-cache"
    build = docgen("build", str(big), "-o", str(out), "--cache-dir", str(cache), "-q")

    def clean() -> None:
        set_aside(out)
        set_aside(cache)

    print(f"--- {pages} pages (the corpus x{LARGE_TIMES}) ---")
    big_floor, big_cold = floor_and(floor_argv(big), build, clean)
    rows = [(f"{pages} pages: floor, markdown-it-py", *big_floor)]
    print(row(*rows[0], rows[0][1], None), flush=True)
    rows.append((f"{pages} pages: build cold, empty cache", *big_cold))
    print(row(*rows[1], rows[0][1], None), flush=True)
    page = big / "copy1" / "api" / "group-get.md"
    edit = edit_description(page, page.read_text(encoding="utf-8"), [0])
    rows.append((f"{pages} pages: build, edit one method page", *median_of(build, before=edit)))
    print(row(*rows[2], rows[0][1], rows[1][1]), flush=True)
    set_aside(big)
    return rows


def run_translated(corpus: Path, work: Path) -> None:
    """The model of the corpus and of its pseudo-localised copy (`tests.pseudo_l10n`:
    every heading and table-header word a token, no config), side by side: what a
    translated doc set keeps of the figures."""
    from generator.config import load_config
    from generator.model.resolve import build_model
    from generator.pipeline.run import parse_doc_set
    from tests.pseudo_l10n import counts, localised_copy

    def model_of(root: Path) -> object:
        parsed = parse_doc_set(root, load_config(root), jobs=2)
        return build_model(parsed.pages, parsed.config)

    english = counts(model_of(corpus))
    translated = counts(model_of(localised_copy(corpus, work / "translated")))
    print("--- the corpus pseudo-localised (no config), against the corpus ---")
    print(f"{'figure':<34} {'English':>8} {'copy':>8} {'share':>7}")
    for key, value in english.items():
        share = 100 * translated[key] / value if value else 100.0
        print(f"{key:<34} {value:8d} {translated[key]:8d} {share:6.1f}%")
    print("target: every share >= 97%")


def main_hostile() -> None:
    work = Path(tempfile.mkdtemp(prefix="docgen-bench-"))
    try:
        run_hostile(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["--hostile"]:  # only the hostile pages: no corpus needed
        main_hostile()
    elif sys.argv[1:2] == ["--translated"]:  # only the translated copy's figures
        with tempfile.TemporaryDirectory(prefix="docgen-bench-") as folder:
            run_translated(Path(sys.argv[2]) if len(sys.argv) > 2 else CORPUS, Path(folder))
    else:
        main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/corpus/graph-v1.0"))
