"""Pseudo-localisation of a doc set, as i18n tests do: every word of every heading
and table header replaced by a token, the same token for the same word wherever it
stands (as a translation would), and no `config/` folder. Identifiers (`callType`,
words with capitals inside, code spans) and HTTP terms (`HTTP`, `OK`) stay as a
translation keeps them. The annotations, code blocks and table bodies stay byte for
byte. `python -m tests.pseudo_l10n DOCS OUT` writes a copy."""

from __future__ import annotations

import hashlib
import re
import shutil
import sys
from pathlib import Path
from typing import Any

_WORD = re.compile(r"`[^`]*`|\]\([^)]*\)|\b[A-Za-z][a-z]+\b")  # code and link targets stay
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def token(word: str, salt: str = "") -> str:
    """The stand-in for `word`: letters only, a word's own."""
    digest = hashlib.sha256(f"{salt}\0{word.casefold()}".encode()).digest()
    return "".join("qxzjkvwy"[b % 8] for b in digest[:6])


def _heading(text: str, salt: str) -> str:
    """A heading's words, but an enum's name before "values" (a translator keeps the
    identifier: "### status values" -> "### status <values>")."""
    head, values = re.match(r"^(.*?)(\s+values\s*)?$", text).groups()  # type: ignore[union-attr]
    if values and re.fullmatch(r"`?[A-Za-z_]\w*`?", head.strip()):
        return head + _words(values, salt)
    return _words(text, salt)


def _words(text: str, salt: str) -> str:
    return _WORD.sub(
        lambda m: m.group(0) if m.group(0)[0] in "`]" else token(m.group(0), salt), text
    )


def localise(text: str, salt: str = "") -> str:
    """A page with its headings and table headers pseudo-translated."""
    lines = text.split("\n")
    out = list(lines)
    fenced = False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        if re.match(r"^#{1,6}\s", line):
            hashes, _, rest = line.partition(" ")
            out[i] = f"{hashes} {_heading(rest, salt)}"
        elif _SEPARATOR.match(line) and i > 0 and "|" in lines[i - 1]:
            out[i - 1] = _words(lines[i - 1], salt)
    return "\n".join(out)


def localised_copy(
    docs: Path, target: Path, pages: list[Path] | None = None, salt: str = ""
) -> Path:
    """A pseudo-localised copy of `docs` (or of `pages` of it) in `target`, no config."""
    for page in pages if pages is not None else sorted(docs.rglob("*.md")):
        dest = target / page.relative_to(docs)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(localise(page.read_text(encoding="utf-8"), salt), encoding="utf-8")
    return target


def counts(model: Any) -> dict[str, int]:
    """What a translation must not lose: the figures the pseudo-localised model is held to."""
    props = [p for r in model.resources for p in r.properties]
    return {
        "endpoints": len(model.endpoints),
        "examples tied": sum(1 for x in model.examples if x.endpoint),
        "enums": len(model.enums),
        "enum members": sum(len(e.members) for e in model.enums),
        "properties": len(props),
        "properties with descriptions": sum(1 for p in props if p.description),
        "endpoints with permissions": sum(1 for e in model.endpoints if e.permissions),
        "endpoints with a typed response": sum(1 for e in model.endpoints if e.response.type),
        "parameters": sum(len(e.parameters) for e in model.endpoints),
    }


if __name__ == "__main__":
    shutil.rmtree(sys.argv[2], ignore_errors=True)
    localised_copy(Path(sys.argv[1]), Path(sys.argv[2]))
