"""Link rules: relative links to files that do not exist (L001), that exist only in
another letter case (L002), `#anchor` links to headings that do not exist (L003), and
Type cells whose link text names one type and whose link leads to another's page (L004).

Links to other sites, site-absolute paths (`/graph/...`) and tab markers
(`#tab/http`) are not checked; a relative link that leaves the doc set is L001. Links to type
pages that the resolve stage already reported (R008) are not reported twice.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Iterator
from urllib.parse import unquote

from generator.check.context import CheckContext
from generator.diagnostics import Diagnostic, make
from generator.model.typeref import parse_type_cell
from generator.parse.facts import Cell, Link, PageFacts

_SCHEMES = ("http:", "https:", "mailto:", "ftp:", "data:", "tel:")


def anchors(page: PageFacts) -> frozenset[str]:
    """Heading anchors as renderers make them: a repeated heading gets `-1`, `-2`..."""
    seen: Counter[str] = Counter()
    out: set[str] = set()
    for heading in page.headings:
        slug = heading.anchor
        out.add(f"{slug}-{seen[slug]}" if seen[slug] else slug)
        seen[slug] += 1
    return frozenset(a.casefold() for a in out)


def _target(page: PageFacts, href: str) -> tuple[str | None, str]:
    """(path relative to the root — `../x` when it leaves the doc set — or None when
    the link is not checkable, anchor)."""
    href = href.strip().strip("<>")
    if not href or href.startswith(("/", "\\")) or href.lower().startswith(_SCHEMES):
        return None, ""
    if "://" in href or href.startswith("#tab/"):
        return None, ""
    path, _, anchor = href.partition("#")
    path = unquote(path.split("?", 1)[0])
    if not path:
        return page.path, anchor
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page.path), path))
    return joined, anchor


class LinkChecker:
    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.anchors: dict[str, frozenset[str]] = {}
        self.reported = {(d.file, d.line) for d in ctx.model.diagnostics if d.code == "R008"}

    def page_anchors(self, path: str) -> frozenset[str] | None:
        page = self.ctx.page.get(path)
        if page is None:
            return None
        if path not in self.anchors:
            self.anchors[path] = anchors(page)
        return self.anchors[path]

    def check(self, page: PageFacts, link: Link) -> Diagnostic | None:
        path, anchor = _target(page, link.href)
        if path is None or (page.path, link.line) in self.reported:
            return None
        if path == ".." or path.startswith("../"):  # (the doc set may sit in a bigger repo)
            return make(
                "L005",
                page.path,
                link.line,
                1,
                f'link "{link.href}": the target is outside the doc set; not checked',
            )
        files = self.ctx.files
        found = path if path in files.exact or path == page.path else None
        if found is None:
            spelled = files.folded.get(path.casefold())
            if spelled is None:
                return make(
                    "L001", page.path, link.line, 1, f'link "{link.href}": {path} does not exist'
                )
            return make(
                "L002",
                page.path,
                link.line,
                1,
                f'link "{link.href}": the file is spelled {spelled}; the link works only on a case-insensitive file system',
            )
        known = self.page_anchors(found) if anchor else None
        if known is not None and unquote(anchor).casefold() not in known:
            where = "this page" if found == page.path else found
            return make(
                "L003",
                page.path,
                link.line,
                1,
                f'link "{link.href}": {where} has no heading "#{anchor}"',
            )
        return None


def links(ctx: CheckContext) -> Iterator[Diagnostic]:
    """L001-L003 over every link of every page."""
    checker = LinkChecker(ctx)
    for page in ctx.pages:
        for link in page.links:
            found = checker.check(page, link)
            if found is not None:
                yield found


def type_links(ctx: CheckContext) -> Iterator[Diagnostic]:
    """L004 once at each Type cell whose text and link name two types of the doc set
    (`[invitationParticipantInfo](participantinfo.md)`), saying which one the model
    reads (`TypeIndex.read_link`): the examples that send the type the text names are
    then not reported one by one (B005)."""
    for page in ctx.pages:
        for table in page.tables:
            if "type" not in table.columns:
                continue
            column = table.columns.index("type")
            for row, line in zip(table.rows, table.row_lines, strict=False):
                found = _type_link(ctx, page.path, row[column]) if column < len(row) else None
                if found is not None:
                    yield make("L004", page.path, line, 1, found)


def _type_link(ctx: CheckContext, path: str, cell: Cell) -> str | None:
    parsed = parse_type_cell(cell.text, cell.links) if cell.links else None
    linked = ctx.index.linked_type(parsed, path) if parsed is not None else None
    if parsed is None or linked is None or parsed.link is None:
        return None
    named = ctx.index.text_names_other(parsed.name, linked)
    anchor = parsed.link.partition("#")[2].casefold().replace("-", "")
    if named is None or named.rsplit(".", 1)[-1].casefold() in anchor:
        return None  # (a link to the section of the page that describes the type)
    short = linked.rsplit(".", 1)[-1]
    if ctx.index.read_link(parsed.name, linked):
        reading = f"read as {short}, whose name the text shortens"
    else:
        reading = f"read as {named.rsplit('.', 1)[-1]}, as the text says"
    return (
        f'Type "{cell.text}": the link text names {named} but {parsed.link} defines '
        f"{linked}; {reading}: make the text and the link name one type"
    )


CHECKS = (links, type_links)
