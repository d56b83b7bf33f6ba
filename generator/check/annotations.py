"""Annotation rules: unknown keys (with a did-you-mean), values of the wrong kind,
page annotations that are not at the end of their page (A005, A007, A008).

Invalid and repaired JSON (A001, A002), unknown blockTypes (A003) and reused
example names (A006) are reported by the earlier stages.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from generator.check.context import CheckContext, all_annotations
from generator.diagnostics import Diagnostic, make
from generator.parse.annotations import is_page_annotation
from generator.parse.facts import Annotation, PageFacts

FLAG = "flag"
TEXT = "text"
NAMES = "names"
TEXT_OR_NAMES = "text-or-names"
ANY = "any"

# The keys the annotation format defines for block annotations, with the kind of value.
BLOCK_KEYS: dict[str, str] = {
    "blockType": TEXT,
    "name": TEXT_OR_NAMES,
    "@odata.type": TEXT,
    "@type": TEXT,
    "@type.aka": TEXT,
    "@property.aka": TEXT,
    "@odata.annotations": ANY,
    "isCollection": FLAG,
    "collectionProperty": TEXT,
    "truncated": FLAG,
    "optionalProperties": NAMES,
    "nullableProperties": NAMES,
    "expectError": FLAG,
    "isEmpty": FLAG,
    "keyProperty": TEXT,
    "baseType": ANY,  # a name, or null for "none"
    "openType": FLAG,
    "abstract": FLAG,
    "isComposable": FLAG,
    "isMediaEntity": FLAG,
    "idempotent": FLAG,
    "opaqueUrl": FLAG,
    "sampleKeys": NAMES,
    "scopes": TEXT,
    "apiVersions": TEXT,
    "tags": TEXT,
    "target": TEXT,
    "longRunningResponseType": TEXT,
    "disabled": FLAG,
    "isPageLevel": FLAG,
}

# Page annotations may carry extra data; only likely typos of these are reported.
PAGE_KEYS: dict[str, str] = {
    "type": TEXT,
    "title": TEXT,
    "description": TEXT,
    "keywords": TEXT,
    "canonicalUrl": TEXT,
    "section": TEXT,
    "tocPath": TEXT,
    "tocIndex": ANY,
    "tocBookmarks": ANY,
    "headerAdditions": NAMES,
    "footerAdditions": NAMES,
    "suppressions": NAMES,
    "namespace": TEXT,
}


def _suggest(key: str, known: dict[str, str]) -> str | None:
    folded = {k.casefold(): k for k in known}
    if key.casefold() in folded:
        return folded[key.casefold()]
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.75)
    return close[0] if close else None


def _kind_ok(kind: str, value: Any) -> bool:
    if kind == FLAG:
        return isinstance(value, bool)
    if kind == TEXT:
        return isinstance(value, str)
    names = isinstance(value, list) and all(isinstance(v, str) for v in value)
    return names or (kind == TEXT_OR_NAMES and isinstance(value, str)) or kind == ANY


def _what(kind: str) -> str:
    return {
        FLAG: "true or false",
        TEXT: "a string",
        NAMES: "a list of strings",
        TEXT_OR_NAMES: "a string or a list of strings",
    }.get(kind, "any value")


def _key_findings(page: PageFacts, annotation: Annotation) -> Iterator[Diagnostic]:
    page_level = is_page_annotation(annotation)
    known = PAGE_KEYS if page_level else BLOCK_KEYS
    for key, value in annotation.data.items():
        kind = known.get(key)
        if kind is None:
            hint = _suggest(key, known)
            if page_level and hint is None:
                continue  # page annotations may carry data of their own
            where = "page annotation" if page_level else "annotation"
            suffix = f'; did you mean "{hint}"?' if hint else ""
            yield make(
                "A005",
                page.path,
                annotation.line,
                1,
                f'{where} key "{key}" is not defined by the format{suffix}',
            )
        elif not _kind_ok(kind, value):
            shown = type(value).__name__ if value is not None else "null"
            yield make(
                "A008",
                page.path,
                annotation.line,
                1,
                f'annotation key "{key}" should be {_what(kind)}, not {shown}',
            )


def annotation_keys(ctx: CheckContext) -> Iterator[Diagnostic]:
    """A005 unknown keys, A008 values of the wrong kind."""
    for page in ctx.pages:
        for annotation in all_annotations(page):
            yield from _key_findings(page, annotation)


def _content_lines(page: PageFacts) -> Iterator[int]:
    yield from (h.line for h in page.headings)
    yield from (b.line for b in page.blocks)
    yield from (t.line for t in page.tables)
    yield from (line for _, _, line in page.prose)


def page_annotation_place(ctx: CheckContext) -> Iterator[Diagnostic]:
    """A007: the page annotation closes its page; content after it, or a second one, is misplaced."""
    for page in ctx.pages:
        if not page.page_annotations:
            continue
        last = max(_content_lines(page), default=0)
        first = page.page_annotations[0]
        for extra in page.page_annotations[1:]:
            yield make(
                "A007",
                page.path,
                extra.line,
                1,
                f"a second page annotation (the first is at line {first.line})",
            )
        if first.line < last:
            yield make(
                "A007",
                page.path,
                first.line,
                1,
                f"page annotation is followed by page content (up to line {last})",
            )


CHECKS = (annotation_keys, page_annotation_place)
