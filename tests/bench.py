"""`make bench`: timings on the real corpus, printed, never asserted.

Every figure comes from the same run so that ratios hold on a noisy machine.
Each docgen command runs as a child process, so its peak RSS is measured
alone (the maximum over children, read after each run in a fresh probe).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 3


def _floor_script(corpus: Path) -> str:
    return (
        "import sys, pathlib\n"
        "from markdown_it import MarkdownIt\n"
        "md = MarkdownIt('commonmark', {'html': True}).enable('table')\n"
        f"root = pathlib.Path({str(corpus)!r})\n"
        "for p in sorted(root.rglob('*.md')):\n"
        "    md.parse(p.read_text(encoding='utf-8', errors='replace'))\n"
    )


def _timed(argv: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of one child process."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "dt = time.perf_counter() - t\n"
        "print(dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, r.returncode)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *argv], capture_output=True, text=True, check=True
    ).stdout.split()
    if out[2] not in ("0", "1"):
        raise SystemExit(f"benchmark command failed ({out[2]}): {' '.join(argv)}")
    return float(out[0]), int(out[1])


def measure(label: str, argv: list[str]) -> tuple[str, float, int]:
    runs = [_timed(argv) for _ in range(RUNS)]
    return label, statistics.median(t for t, _ in runs), max(m for _, m in runs)


def main(corpus: Path) -> None:
    if not (corpus / "api").is_dir():
        raise SystemExit(f"corpus not found at {corpus}")
    py = sys.executable
    rows = [
        measure("floor: markdown-it-py parse only", [py, "-c", _floor_script(corpus)]),
        measure("docgen model", [py, "-m", "generator", "model", str(corpus), "-o", "/dev/null"]),
        measure("docgen check", [py, "-m", "generator", "check", str(corpus)]),
    ]
    floor = rows[0][1]
    print(f"corpus: {corpus} ({sum(1 for _ in corpus.rglob('*.md'))} pages), median of {RUNS} runs")
    print(f"{'what':<40} {'seconds':>8} {'x floor':>8} {'peak MiB':>9}")
    for label, seconds, mib in rows:
        print(f"{label:<40} {seconds:8.2f} {seconds / floor:8.2f} {mib:9d}")
    sys.stdout.flush()
    time.sleep(0)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/corpus/graph-v1.0"))
