"""Baseline files: the findings a docs repo has accepted, so CI reports only new ones.

A baseline is a JSON list of `{"code", "file", "message"}` (plus `"count"` when
one finding occurs more than once). Entries are keyed without line numbers — a
message's "line 12" or "page.md:12" is compared as "line N" / "page.md:N" — so
edits above a finding do not break its entry.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.diagnostics import Diagnostic

Key = tuple[str, str, str]
_LINE_WORD = re.compile(r"\b(lines?) \d+")
_FILE_LINE = re.compile(r"(\.md):\d+(?::\d+)?")


class BaselineError(Exception):
    """The baseline file cannot be read or written; the message names it."""


def key(d: Diagnostic) -> Key:
    message = _FILE_LINE.sub(r"\1:N", _LINE_WORD.sub(r"\1 N", d.message))
    return d.code, d.file, message


def to_json(findings: Iterable[Diagnostic]) -> str:
    counts = Counter(key(d) for d in findings)
    entries: list[dict[str, str | int]] = []
    for (code, file, message), n in sorted(counts.items()):
        entry: dict[str, str | int] = {"code": code, "file": file, "message": message}
        if n > 1:
            entry["count"] = n
        entries.append(entry)
    return json.dumps(entries, indent=1, ensure_ascii=False) + "\n"


def load(path: Path) -> Counter[Key]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(
            f"{path}: no such baseline file (create it with --update-baseline)"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc}") from None
    if not isinstance(data, list):
        raise BaselineError(f"{path}: a baseline is a JSON list of findings")
    counts: Counter[Key] = Counter()
    for entry in data:
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), str) for k in ("code", "file", "message")
        ):
            raise BaselineError(f"{path}: each entry needs string code, file and message")
        count = entry.get("count", 1)
        counts[(entry["code"], entry["file"], entry["message"])] += (
            count if isinstance(count, int) else 1
        )
    return counts


@dataclass(frozen=True)
class Applied:
    kept: list[Diagnostic]  # findings the baseline does not know
    known: int  # findings it absorbed
    stale: list[Key]  # entries that matched nothing (fixed since)


def apply(findings: Iterable[Diagnostic], baseline: Counter[Key]) -> Applied:
    left = Counter(baseline)
    kept: list[Diagnostic] = []
    known = 0
    for d in findings:
        k = key(d)
        if left[k] > 0:
            left[k] -= 1
            known += 1
        else:
            kept.append(d)
    stale = sorted(k for k, n in left.items() for _ in range(n))
    return Applied(kept, known, stale)
