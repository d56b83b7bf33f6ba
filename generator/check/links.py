"""Link rules: relative links to files that do not exist (L001), that exist only in
another letter case (L002), and `#anchor` links to headings that do not exist (L003).

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
from generator.parse.facts import Link, PageFacts

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
        if path == ".." or path.startswith("../"):
            return make(
                "L001",
                page.path,
                link.line,
                1,
                f'link "{link.href}": the target is outside the doc set',
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


CHECKS = (links,)
