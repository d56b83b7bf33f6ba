"""The Jinja environment every code target renders with, and black for Python output.

Templates only lay text out: context builders compute every name and type.
Doc text reaches templates as data and is escaped where it lands: `pystr`
makes a Python string literal, `docstring` a body that is safe between `\"\"\"`.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Characters that str.splitlines() or the tokenizer treat as line ends, or
# that may not appear raw in source: always written as escapes.
_INVISIBLE = {chr(c) for c in (*range(0x20), 0x7F, 0x85, 0x2028, 0x2029)} - {"\n", "\t"}
_SURROGATES = "\ud800-\udfff"
# what `_escape_char` changes, so that text with none of it is copied, not rebuilt
_TO_ESCAPE = re.compile(
    "[" + re.escape("".join(sorted(set(_ESCAPES) | _INVISIBLE))) + _SURROGATES + "]"
)
_INVISIBLE_OR_SURROGATE = re.compile(
    "[" + re.escape("".join(sorted(_INVISIBLE))) + _SURROGATES + "]"
)
LINE_LENGTH = 100


T = TypeVar("T")


@functools.cache
def black_mode() -> Any:
    """black's mode for generated code (black is imported only when a file needs it)."""
    from black.mode import Mode, TargetVersion

    return Mode(line_length=LINE_LENGTH, target_versions={TargetVersion.PY311})


def width(text: str) -> int:
    """Columns, as black counts them: a wide character (CJK...) is two."""
    if text.isascii():
        return len(text)
    from black.strings import str_width

    return int(str_width(text))


def _black_version() -> str:
    """black's version, as its own `_black_version` module states it: found without
    importing black or `importlib.metadata` (30 ms at every build, for one string)."""
    spec = importlib.util.find_spec("_black_version")
    if spec is not None and spec.origin:
        try:
            with open(spec.origin, encoding="utf-8") as handle:
                found = re.search(r"""^version\s*=\s*["']([^"']+)["']""", handle.read(), re.M)
            if found:
                return found.group(1)
        except OSError:
            pass
    from importlib.metadata import version

    return version("black")


BLACK_VERSION = _black_version()


def _escape_char(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    code = ord(ch)
    if ch in _INVISIBLE or 0xD800 <= code <= 0xDFFF:
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return ch


def pystr(value: object) -> str:
    """A Python string literal for any text, quoted as black would: double quotes unless
    single quotes need fewer escapes."""
    text = str(value)
    body = _TO_ESCAPE.sub(lambda m: _escape_char(m.group()), text)
    if text.count('"') > text.count("'"):
        return "'" + body.replace('\\"', '"').replace("'", "\\'") + "'"
    return '"' + body + '"'


def docstring(value: object, indent: int = 0) -> str:
    """Text safe inside a triple-quoted docstring, laid out as black lays it: no `\"\"\"`,
    backslashes and invisible line breaks escaped, a space between a quote mark and
    the docstring's own quotes. Lines after the first are indented by `indent`; a
    multi-line text ends on a line of its own, for the closing quotes."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip().replace("\\", "\\\\")
    text = text.replace('"""', '\\"\\"\\"')
    text = _INVISIBLE_OR_SURROGATE.sub(lambda m: _escape_char(m.group()), text)
    if text.startswith('"') or not text:
        text = " " + text
    if "\n" not in text:
        return text + " " if text.endswith('"') else text
    pad = " " * indent
    first, *rest = [line.rstrip() for line in text.split("\n")]
    # black expands tabs in a line's indentation, then moves the lines after the
    # first left together until the least indented one sits at the docstring's indent
    rest = [_expand_leading_tabs(pad + line) if line else "" for line in rest]
    common = min(len(line) - len(line.lstrip()) for line in rest if line)
    return "\n".join([first, *(pad + line[common:] if line else "" for line in rest), pad])


def _expand_leading_tabs(line: str) -> str:
    body = line.lstrip()
    head = line[: len(line) - len(body)]
    return head.expandtabs() + body if "\t" in head else line


@dataclass(frozen=True)
class Wrap:
    """`head(item, ...)tail`: a bracketed list for `layout` to break as black would.

    `explode`: once split, one item a line (black does so for literals and imports,
    not for calls and signatures). `optional`: black's invisible parentheses, shown
    only when split (`NAME = (` / `"long value"` / `)`).
    """

    head: str
    items: tuple[str | Wrap | Chain, ...]
    tail: str = ""
    brackets: str = "()"
    explode: bool = False
    optional: bool = False

    @functools.cached_property
    def text(self) -> str:
        """The list on one line (kept: `layout` asks again at each level it splits)."""
        inner = ", ".join(_flat(item) for item in self.items)
        if self.optional:
            return f"{self.head}{inner}{self.tail}"
        return f"{self.head}{self.brackets[0]}{inner}{self.brackets[1]}{self.tail}"


@dataclass(frozen=True)
class Chain:
    """`a | b | c`: when too long, one operand a line, each after the first led by the
    operator (black's split of a long annotation inside its parentheses)."""

    operands: tuple[str | Wrap, ...]
    op: str = "|"

    @property
    def items(self) -> tuple[str | Wrap, ...]:
        return self.operands

    @functools.cached_property
    def text(self) -> str:
        """The operands on one line (kept, as `Wrap.text`)."""
        return f" {self.op} ".join(_flat(operand) for operand in self.operands)


_SUBSCRIPT = re.compile(r"([\w.]+)\[(.*)\]")


def _top_level_split(text: str, sep: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    return [*parts, text[start:].strip()]


def union(annotation: str) -> str | Wrap | Chain:
    """A type annotation as black splits it when too long: a `Chain` of its top-level
    `|` operands, a subscript `Name[...]` split at its brackets, else the text."""
    if "'" in annotation or '"' in annotation:
        return annotation
    operands = _top_level_split(annotation, "|")
    if len(operands) > 1:
        return Chain(tuple(_subscript(operand) for operand in operands))
    return _subscript(annotation)


def _subscript(text: str) -> str | Wrap:
    match = _SUBSCRIPT.fullmatch(text)
    if not match or len(_top_level_split(match.group(2), ",")) > 1:
        return text
    return Wrap(match.group(1), (union(match.group(2)),), brackets="[]")


def annotated(name: str, annotation: str, tail: str = "") -> Wrap:
    """`name: annotation<tail>` as black splits it: a union inside parentheses, a
    subscript at its own brackets."""
    node = union(annotation)
    if isinstance(node, Wrap):
        return Wrap(f"{name}: {node.head}", node.items, tail, brackets=node.brackets)
    return Wrap(f"{name}: ", (node,), tail, optional=True)


def _flat(item: str | Wrap | Chain) -> str:
    return item if isinstance(item, str) else item.text


def layout(node: str | Wrap | Chain, indent: int = 0, after: str = "") -> str:
    """Lay `node` (then `after`) out at `indent` as black does: on one line if it fits; else
    split at its brackets, the items on one indented line if they fit and may, else one
    a line with a trailing comma (nested lists likewise). The first line is not indented.

    A head start only (black formats the result anyway), but black makes a second pass
    over any text its first pass changed: text already in its layout costs half.
    """
    one = _flat(node) + after
    if isinstance(node, str) or indent + width(one) <= LINE_LENGTH or not node.items:
        return one
    pad, inner = " " * indent, " " * (indent + 4)
    if isinstance(node, Chain):
        first, *rest = node.operands
        lines = [layout(first, indent), *(f"{pad}{node.op} {layout(o, indent)}" for o in rest)]
        return "\n".join(lines) + after
    opening = node.head + node.brackets[0]
    closing = pad + node.brackets[1] + node.tail + after
    if len(node.items) == 1:
        return f"{opening}\n{inner}{layout(node.items[0], indent + 4)}\n{closing}"
    joined = ", ".join(_flat(item) for item in node.items)
    if not node.explode and len(inner) + width(joined) <= LINE_LENGTH:
        return f"{opening}\n{inner}{joined}\n{closing}"
    lines = [inner + layout(item, indent + 4, ",") for item in node.items]
    return "\n".join([opening, *lines, closing])


def import_line(module: str, names: Iterable[str], indent: int = 0) -> str:
    """`from module import a, b` as black lays it out (split: one name a line, each with
    a comma, a lone one too)."""
    names = tuple(names)
    text = layout(Wrap(f"from {module} import ", names, explode=True, optional=True), indent)
    if len(names) == 1 and "\n" in text:
        opening, name, closing = text.split("\n")
        text = f"{opening}\n{name},\n{closing}"
    return text


def wrap(
    head: str,
    items: Iterable[str | Wrap | Chain],
    tail: str = "",
    *,
    explode: bool = False,
    optional: bool = False,
    brackets: str = "()",
) -> Wrap:
    return Wrap(head, tuple(items), tail, brackets, explode=explode, optional=optional)


def _black(text: str) -> str:
    import black

    return black.format_str(text, mode=black_mode())


_SINGLE_QUOTED = re.compile(r"'(?:[^'\\\n]|\\.)*'")
_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')
# what is left of a line black cannot split, once its strings are `""`: one atom, or a
# `key: value` / `name=value` pair of atoms, with an optional trailing comma; the
# opening line of a split `def`; a comment
_LONG_TARGET = re.compile(r"(\w+) = [\w.]+\(")
_UNSPLITTABLE = re.compile(r'(?:""|[\w.]+)(?:(?:: |=)(?:""|[\w.]+))?,?|(?:async )?def \w+\(|#.*')


def needs_black(text: str) -> bool:
    """Whether black could lay `text` out otherwise than docgen did.

    Every emitter lays its Python out as black does (`layout`, templates written in
    black's style; the tests hold each generated file, for every sample, the corpus and
    hostile names, to `black.format_str(text) == text`). Where that can fail is a line
    the docs made too long: a code line over the limit that black could still split.
    Only such files go through black, so a cold build does not pay black's parse of
    every generated line just to get the same bytes back.
    """
    in_docstring = False
    for line in text.split("\n"):
        # (no `"""` without three `"`: most lines are not searched for quoted text)
        quotes = _SINGLE_QUOTED.sub("", line).count('"""') if line.count('"') > 2 else 0
        if in_docstring or quotes:
            in_docstring ^= quotes % 2 == 1
            continue
        if width(line) > LINE_LENGTH and not _UNSPLITTABLE.fullmatch(
            _STRING.sub('""', line.strip())
        ):
            head = _LONG_TARGET.fullmatch(line)  # `name = f(` where even `name = (` is too long
            if head is None or width(head.group(1)) + 4 <= LINE_LENGTH:
                return True
    return False


def format_python(text: str) -> str:
    """`text` as black lays it out: through black only when `needs_black` says black
    could lay it out otherwise (a pure function: the build keeps its results as pieces)."""
    return _black(text) if needs_black(text) else text
