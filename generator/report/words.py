"""The few words and links every part of the report writes the same way."""

from __future__ import annotations

from urllib.parse import quote

from generator.diagnostics import Severity

SEVERITIES = tuple(s.value for s in Severity)  # the most severe first
_UNCOUNTABLE = frozenset({"info"})


def href(docs: str, file: str, line: int | None = None) -> str:
    """A link from the report to a doc set file (`docs`: the doc set's folder as the
    report reaches it), at a line where one is given."""
    target = quote(f"{docs}/{file}" if docs not in ("", ".") else file)
    return target if line is None else f"{target}#L{line}"


def count(n: int, noun: str) -> str:
    """`3 endpoints`, `1 example`, `5 info`."""
    return f"{n} {noun}" if n == 1 or noun in _UNCOUNTABLE else f"{n} {noun}s"


def counted(*counts: tuple[int, str]) -> str:
    """`(3, "endpoint"), (1, "example"), (0, "type")` -> "3 endpoints, 1 example"."""
    return ", ".join(count(n, noun) for n, noun in counts if n)
