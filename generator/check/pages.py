"""Page rules: required front-matter keys (F003), permissions missing (G001) or an
empty permissions table (T004), `<x>` path placeholders (P003) and capitalised path
segments (P004), a method page
without a syntax block (H006).

Placeholder table rows (T003), an empty scopes line (T004) and reason phrases
(H003) are reported by the earlier stages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.check.context import CheckContext
from generator.diagnostics import Diagnostic, make
from generator.parse.facts import PageFacts, Table

_CAPITALISED = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_ANGLE = re.compile(r"<[^<>/\s]+>")
_PERMISSIONS = re.compile(r"permission|prerequisite", re.IGNORECASE)
_NO_SCOPE = re.compile(r"^\s*(not (supported|applicable)\.?)?\s*$", re.IGNORECASE)
# a permission scope's name: `User.ReadWrite`, `Group.ReadWrite.All`
_SCOPE_NAME = re.compile(r"(?<![\w.])[A-Z][A-Za-z]*(?:\.[A-Z][A-Za-z]*)+(?![\w.]*\w)")


def front_matter(ctx: CheckContext) -> Iterator[Diagnostic]:
    """F003: each front-matter key the doc set's schema config requires."""
    required = ctx.config.required_front_matter
    for page in ctx.pages if required else ():
        missing = [key for key in required if key not in page.front_matter]
        if missing:
            line = 2 if page.front_matter else 1
            what = "no front matter" if not page.front_matter else "front matter"
            yield make("F003", page.path, line, 1, f"{what}: missing {', '.join(missing)}")


def _scope_cells(table: Table) -> list[str]:
    return [
        cell.text
        for row in table.rows
        for cell, role in zip(row, table.columns, strict=False)
        if role == "scope"
    ]


def permissions(ctx: CheckContext) -> Iterator[Diagnostic]:
    """G001: a method page documents no permissions; T004: its permissions table is empty."""
    empty_lines = {(d.file, d.line) for d in ctx.model.diagnostics if d.code == "T004"}
    for page in ctx.pages:
        endpoint = ctx.page_endpoint(page.path)
        if endpoint is None:
            continue
        for table in page.tables:
            cells = _scope_cells(table) if table.kind == "AuthScopes" else []
            if cells and all(_NO_SCOPE.match(text) for text in cells):
                yield make(
                    "T004", page.path, table.line, 1, "the permissions table names no permission"
                )
        tables = [t for t in page.tables if t.kind == "AuthScopes" or _PERMISSIONS.search(t.title)]
        said = any(file == page.path for file, _ in empty_lines) or _names_scopes(page)
        if _is_method_page(page) and not tables and not endpoint.permissions and not said:
            yield make(
                "G001",
                page.path,
                _syntax_line(page),
                1,
                f"method page for {endpoint.id} has no permissions table",
            )


def _names_scopes(page: PageFacts) -> bool:
    """A permissions section that names scopes in its text, a list of them for each
    resource (`- Photo of a **group** - Group.ReadWrite.All`) or a sentence, documents
    them even without a table."""
    return any(
        _SCOPE_NAME.search(text) for section, text, _ in page.prose if _PERMISSIONS.search(section)
    )


def _is_method_page(page: PageFacts) -> bool:
    doc_type = str(page.front_matter.get("doc_type", "")).lower()
    return doc_type.startswith("api") or not doc_type


def _syntax_line(page: PageFacts) -> int:
    return next((b.line for b in page.blocks if b.syntax), 1)


def path_style(ctx: CheckContext) -> Iterator[Diagnostic]:
    """P003: `<objectId>` in a syntax path or example URL, where the format writes `{id}`;
    P004: a capitalised segment (`/Conversations`) in a syntax path."""
    for page in ctx.pages:
        for block in page.blocks:
            for _, raw, line in block.syntax:
                yield from _angles(page, raw, line)
                yield from _capitals(page, raw, line)
            if block.request is not None and not block.syntax:
                yield from _angles(page, block.request.url, block.request.line)


def _capitals(page: PageFacts, path: str, line: int) -> Iterator[Diagnostic]:
    words = [seg.split("(", 1)[0] for seg in path.split("?", 1)[0].split("/")]
    found = [w for w in words if _CAPITALISED.match(w)]
    if found:
        unique = list(dict.fromkeys(found))
        what = f"segments {', '.join(unique)} are" if len(unique) > 1 else f"segment {unique[0]} is"
        yield make(
            "P004",
            page.path,
            line,
            1,
            f"path {what} capitalised; the format's names are lowerCamel",
        )


def _angles(page: PageFacts, url: str, line: int) -> Iterator[Diagnostic]:
    found = _ANGLE.findall(url.split("?", 1)[0])
    if found:
        names = ", ".join(dict.fromkeys(found))
        yield make(
            "P003",
            page.path,
            line,
            1,
            f"path placeholder {names} is written <x>; the format writes {{x}}",
        )


def syntax_block(ctx: CheckContext) -> Iterator[Diagnostic]:
    """H006: a page its front matter calls a method page has no HTTP request syntax block."""
    for page in ctx.pages:
        doc_type = str(page.front_matter.get("doc_type", "")).lower()
        if doc_type.startswith("api") and not any(b.syntax for b in page.blocks):
            heading = next(
                (h.line for h in page.headings if h.text.lower().startswith("http request")), 1
            )
            why = (
                f"doc_type is {page.front_matter['doc_type']} but the page defines a resource"
                if any(b.role == "resource" for b in page.blocks)
                else "method page"
            )
            yield make("H006", page.path, heading, 1, f"{why}; it has no HTTP request syntax block")


CHECKS = (front_matter, permissions, path_style, syntax_block)
