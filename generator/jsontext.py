"""Indented JSON without the memory spike of `json.dumps(indent=...)`.

`json.dumps` with an indent lists every chunk the encoder yields (millions of
small strings for a big model) before joining them, and one character beyond
U+FFFF makes the whole text four bytes a character. `encode` joins in batches
and turns each batch into UTF-8 at once: the peak stays near the size of the
bytes written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

_BATCH = 1 << 16


def encode(
    value: Any, indent: int, default: Callable[[Any], Any] | None = None, sort_keys: bool = False
) -> bytes:
    """`json.dumps(value, indent=indent, ensure_ascii=False, ...)` and a newline, as UTF-8."""
    encoder = json.JSONEncoder(
        indent=indent, ensure_ascii=False, default=default, sort_keys=sort_keys
    )
    parts: list[bytes] = []
    batch: list[str] = []
    for chunk in encoder.iterencode(value):
        batch.append(chunk)
        if len(batch) >= _BATCH:
            parts.append("".join(batch).encode("utf-8", "surrogatepass"))
            batch.clear()
    batch.append("\n")
    parts.append("".join(batch).encode("utf-8", "surrogatepass"))
    return b"".join(parts)


def dumps(
    value: Any, indent: int, default: Callable[[Any], Any] | None = None, sort_keys: bool = False
) -> str:
    """`encode`, as text."""
    return encode(value, indent, default, sort_keys).decode("utf-8", "surrogatepass")
