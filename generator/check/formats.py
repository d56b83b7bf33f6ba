"""Output formats for findings: text for people, JSON, GitHub workflow annotations, SARIF 2.1.0.

Each formatter takes the findings and `prefix`, the docs folder relative to where
the command ran (`shown_root`), so that paths point at files from there.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import quote

import click

from generator import __version__
from generator.diagnostics import RULES, Diagnostic, Severity

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}
_GITHUB = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
_SARIF = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"  # SARIF's base for URIs relative to where the command ran


def shown_root(docs: Path) -> str:
    """The doc set's folder as findings name it: relative to the current folder when it
    is under it (as given on the command line, or absolute from a settings file), so
    that editors, CI annotations and SARIF viewers resolve it from the repository."""
    try:
        shown = docs.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (OSError, ValueError):
        shown = str(docs)
    return "" if shown == "." else shown.replace("\\", "/")


def fingerprint(d: Diagnostic) -> str:
    """What identifies a finding across edits that move it: code, file and message (as a
    baseline keys it), not its line."""
    return hashlib.sha256(f"{d.code}\0{d.file}\0{d.message}".encode()).hexdigest()[:32]


def path_of(prefix: str, d: Diagnostic) -> str:
    return posixpath.join(prefix, d.file) if prefix else d.file


def text(findings: Sequence[Diagnostic], prefix: str) -> str:
    """`path:line:col: CODE message`; styled, click strips the styles when not on a TTY."""
    lines = []
    for d in findings:
        where = click.style(f"{path_of(prefix, d)}:{d.line}:{d.col}:", bold=True)
        code = click.style(d.code, fg=_COLOURS[d.severity], bold=True)
        lines.append(f"{where} {code} {d.message}")
    return "\n".join(lines)


def _json_item(d: Diagnostic, prefix: str) -> dict[str, str | int]:
    rule = RULES.get(d.code)
    return {
        "code": d.code,
        "name": rule.name if rule else "",
        "severity": str(d.severity),
        "file": d.file,
        "path": path_of(prefix, d),
        "line": d.line,
        "column": d.col,
        "message": d.message,
    }


def as_json(findings: Sequence[Diagnostic], prefix: str) -> str:
    return json.dumps([_json_item(d, prefix) for d in findings], indent=1, ensure_ascii=False)


def _escape(value: str, prop: bool = False) -> str:
    out = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return out.replace(":", "%3A").replace(",", "%2C") if prop else out


def github(findings: Sequence[Diagnostic], prefix: str) -> str:
    """GitHub Actions workflow commands: `::warning file=...,line=...,col=...,title=...::message`."""
    lines = []
    for d in findings:
        rule = RULES.get(d.code)
        title = f"{d.code} {rule.name}" if rule else d.code
        props = f"file={_escape(path_of(prefix, d), True)},line={d.line},col={d.col},title={_escape(title, True)}"
        lines.append(f"::{_GITHUB[d.severity]} {props}::{_escape(d.message)}")
    return "\n".join(lines)


def sarif(findings: Sequence[Diagnostic], prefix: str) -> str:
    """One SARIF 2.1.0 run; every registry rule is listed so results can point at it."""
    codes = sorted(RULES)
    index = {code: i for i, code in enumerate(codes)}
    rules = [
        {
            "id": code,
            "name": RULES[code].name,
            "shortDescription": {"text": RULES[code].summary},
            "defaultConfiguration": {"level": _SARIF[RULES[code].severity]},
        }
        for code in codes
    ]
    relative = not posixpath.isabs(prefix) and not re.match(r"^[A-Za-z]:", prefix)
    base = {"uriBaseId": SRCROOT} if relative else {}
    results = [
        {
            "ruleId": d.code,
            "ruleIndex": index.get(d.code, -1),
            "level": _SARIF[d.severity],
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": quote(path_of(prefix, d)), **base},
                        "region": {"startLine": d.line, "startColumn": d.col},
                    }
                }
            ],
            "partialFingerprints": {"docgenFinding/v1": fingerprint(d)},
        }
        for d in findings
    ]
    root = {SRCROOT: {"uri": Path.cwd().resolve().as_uri() + "/"}} if relative else {}
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "docgen",
                        "version": __version__,
                        "rules": rules,
                    }
                },
                **({"originalUriBaseIds": root} if root else {}),
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=1, ensure_ascii=False)


FORMATS: dict[str, Callable[[Sequence[Diagnostic], str], str]] = {
    "text": text,
    "json": as_json,
    "github": github,
    "sarif": sarif,
}


def statistics(findings: Sequence[Diagnostic], as_json_list: bool = False) -> str:
    """Counts by code, most frequent first (`--statistics`)."""
    counts = Counter(d.code for d in findings)
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if as_json_list:
        return json.dumps(
            [{"code": c, "name": RULES[c].name if c in RULES else "", "count": n} for c, n in rows],
            indent=1,
        )
    width = max((len(str(n)) for _, n in rows), default=1)
    lines = [
        f"{n:>{width}}  {c}  {RULES[c].severity if c in RULES else '':<7}  {RULES[c].name if c in RULES else ''}"
        for c, n in rows
    ]
    return "\n".join([*lines, f"{sum(counts.values()):>{width}}  total"])
