"""HTML-comment annotations (`<!-- { "blockType": ... } -->`).

Real annotations are sloppy JSON; they go through the lenient loader, which
repairs what is unambiguous (reported as A002) and reports the rest (A001).
A comment that does not hold a JSON object (uuid stamps, notes) is no annotation.
"""

from __future__ import annotations

from generator.diagnostics import Diagnostic, make
from generator.parse.facts import Annotation
from generator.parse.lenient_json import load_lenient

KNOWN_BLOCK_TYPES = frozenset(
    {
        "request",
        "response",
        "resource",
        "ignored",
        "example",
        "samples",
        "simulatedResponse",
        "enum",
        "testParams",
        "ignore",
    }
)
PAGE_ANNOTATION = "#page.annotation"


def comment_body(html: str) -> tuple[str, int] | None:
    """The JSON-looking text inside an HTML comment, and its line offset.

    Returns None when the comment does not start with `{` (after optional
    whitespace): such comments are prose, not annotations.
    """
    text = html.strip()
    if not text.startswith("<!--"):
        return None
    inner = text[4:]
    end = inner.rfind("-->")
    if end >= 0:
        inner = inner[:end]
    stripped = inner.lstrip()
    if not stripped.startswith("{"):
        return None
    lead = inner[: len(inner) - len(stripped)]
    return stripped.rstrip(), lead.count("\n")


def parse_annotation(
    html: str, *, file: str, line: int
) -> tuple[Annotation | None, list[Diagnostic]]:
    """Parse one HTML comment; `line` is the file line where the comment starts."""
    body = comment_body(html)
    if body is None:
        return None, []
    text, offset = body
    start = line + offset
    loaded = load_lenient(text)
    if not loaded.ok:
        return None, [
            make(
                "A001",
                file,
                start + max(loaded.line, 1) - 1,
                loaded.col,
                f"annotation is not JSON: {loaded.error}",
            )
        ]
    if not isinstance(loaded.value, dict):
        return None, [make("A001", file, start, 1, "annotation is not a JSON object")]
    diags: list[Diagnostic] = []
    if loaded.repairs:
        kinds = ", ".join(sorted({r.kind for r in loaded.repairs}))
        first = loaded.repairs[0]
        diags.append(
            make("A002", file, start + first.line - 1, first.col, f"annotation repaired ({kinds})")
        )
    return Annotation(data=loaded.value, line=start, repaired=bool(loaded.repairs)), diags


def block_type(annotation: Annotation) -> str | None:
    value = annotation.data.get("blockType")
    return value if isinstance(value, str) else None


def is_page_annotation(annotation: Annotation) -> bool:
    return annotation.data.get("type") == PAGE_ANNOTATION
