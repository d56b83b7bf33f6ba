"""A `Report` -> the report's files: `index.html` from its template, the assets as they are.

Unlike the code targets, HTML escapes everything it is given (`autoescape`): doc text
is data wherever it lands. The assets are copied, not rendered, so they may hold any
text.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from generator.emit.templates import templates_dir
from generator.report.rows import Report

INDEX = "index.html"
ASSETS = ("report.css", "report.js")


def folder() -> Path:
    return templates_dir() / "report"


@cache
def _environment(where: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(where)),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def report_files(report: Report, where: Path | None = None) -> dict[str, str]:
    """File name -> text: the assets, then `index.html` (the order to write them in, so
    that a page never names an asset not yet there)."""
    where = where or folder()
    files = {name: (where / name).read_text(encoding="utf-8") for name in ASSETS}
    files[INDEX] = _environment(where).get_template(f"{INDEX}.jinja").render(report=report)
    return files
