"""Pure functions the server and tests targets make their pieces with.

A rendered template, black's layout of a generated module: each a module-level
function of its arguments alone, so the build keeps its result by their digests
(see `generator.emit.content`). Nothing here holds state between calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator import jsontext
from generator.emit.content import Files, Json, Piece, made_now
from generator.emit.render import format_python
from generator.emit.templates import Templates


def rendered(templates: Templates, name: str, context: Mapping[str, Any]) -> str:
    """Template `name` (relative to the target's folder) on plain data."""
    return templates.render(name, **context)


def rendered_python(templates: Templates, name: str, context: Mapping[str, Any]) -> str:
    """A generated module: template `name` rendered on `context`, then through `format_python`."""
    return format_python(rendered(templates, name, context))


def python(templates: Templates, name: str, context: Mapping[str, Any]) -> Piece:
    """`rendered_python` as a piece."""
    return Piece(rendered_python, templates, name, context)


def made_files(files: Files) -> dict[str, str | bytes]:
    """A target's files made now, nothing reused: text, or bytes for JSON (for tests
    and scripts that call an emitter directly)."""
    out: dict[str, str | bytes] = {}
    for rel, content in files.items():
        if isinstance(content, Piece):
            content = made_now(content)
        if isinstance(content, Json):
            content = jsontext.encode(content.value, content.indent, content.default)
        if not isinstance(content, (str, bytes)):
            raise TypeError(f"{rel}: {type(content).__name__} is not a file's content")
        out[rel] = content
    return out
