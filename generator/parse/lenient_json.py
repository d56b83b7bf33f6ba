"""Lenient JSON: load the sloppy JSON that docs contain, repairing only the unambiguous.

Strict `json.loads` runs first, so clean text costs one C call. Text it rejects
goes through a character tokenizer (which tracks string state) and a stack-based
checker (no recursion) that drops or inserts punctuation, records every change
as a `Repair`, and hands strict JSON text back to `json.loads`. Whatever it
cannot repair fails with a 1-based line and column; nothing raises.

Repair kinds:
- ``bom``: a leading byte-order mark was dropped.
- ``comment``: a ``//`` or ``/* */`` comment outside strings was dropped.
- ``nbsp`` / ``unicode-space``: no-break or other non-JSON whitespace outside
  strings (one repair per run on a line) was dropped.
- ``raw-control-char``: raw newlines, tabs or control characters inside a
  string were escaped (one repair per string, at the first one).
- ``single-quotes``: a single-quoted string became a double-quoted one.
- ``unquoted-key``: a bare word followed by ``:`` was quoted as a property name.
- ``trailing-comma``: a comma before ``}`` or ``]`` was dropped.
- ``missing-comma``: a comma was inserted between two members or elements that
  sit on separate lines (on the same line it stays an error).
- ``ellipsis``: a ``...``/``…`` standing for more elements or properties was
  dropped; it may sit with or without commas around it.
- ``ellipsis-value``: a ``"key": ...`` member was dropped whole, because no
  value can be invented for it and keeping the key with a guessed ``null``
  would state something the docs do not say.

Not repaired (they fail): unquoted values, doubled quotes, invalid escapes,
``NaN``/``Infinity``, double commas, extra text after the value, nesting deeper
than ``max_depth``.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any, NamedTuple


@dataclass(frozen=True)
class Repair:
    kind: str
    line: int  # 1-based line in the text
    col: int  # 1-based


@dataclass(frozen=True)
class JsonLoad:
    ok: bool
    value: Any
    repairs: tuple[Repair, ...]
    error: str | None
    line: int  # 1-based location of the failure (0 when ok)
    col: int


_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_PUNCT = frozenset("{}[]:,")
_WORD_STOP = frozenset("{}[]:,\"' \t\r\n")
_ODD_SPACE = frozenset("\ufeff\u200b")  # used as whitespace, though not str.isspace()
_SIMPLE_ESCAPES = frozenset('"\\/bfnrt')
_HEX = frozenset("0123456789abcdefABCDEF")
_CONTROL = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\b": "\\b", "\f": "\\f"}
_LITERALS = frozenset({"true", "false", "null"})
_VALUE_KINDS = frozenset({"str", "num", "lit"})


def load_lenient(text: str, *, max_depth: int = 256) -> JsonLoad:
    """Load `text` as JSON, repairing unambiguous sloppiness and listing each repair."""
    if not text.strip():
        return JsonLoad(False, None, (), "empty", 1, 1)
    ok, value = _load_strict(text, max_depth)
    if ok:
        return JsonLoad(True, value, (), None, 0, 0)
    return _load_repaired(text, max_depth)


def _reject_constant(name: str) -> Any:
    """NaN and Infinity are not JSON; the strict path must not let them through."""
    raise ValueError(f"{name} is not JSON")


def _load_strict(text: str, max_depth: int) -> tuple[bool, Any]:
    """The fast path: plain `json.loads`, plus a depth check only when depth is possible."""
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return False, None
    if text.count("{") + text.count("[") > max_depth and _deeper_than(value, max_depth):
        return False, None
    return True, value


def _deeper_than(value: Any, max_depth: int) -> bool:
    """Walks containers iteratively so that deep values cannot overflow the stack."""
    todo: list[tuple[Any, int]] = [(value, 0)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            if depth >= max_depth:
                return True
            todo.extend((child, depth + 1) for child in item)
    return False


def _load_repaired(text: str, max_depth: int) -> JsonLoad:
    repairs: list[tuple[str, int]] = []
    where = _Positions(text)
    tokenizer = _Tokenizer(text, repairs)
    try:
        strict = _Checker(text, tokenizer.run(), max_depth, repairs).run()
        value = json.loads(strict)
    except _Fail as fail:
        line, col = where.at(fail.offset)
        message = fail.message + _quote_hint(where, tokenizer.multiline, fail.offset)
        return JsonLoad(False, None, where.repairs(repairs), message, line, col)
    except (ValueError, RecursionError) as exc:  # defensive: the checker emits strict JSON
        return JsonLoad(False, None, where.repairs(repairs), f"does not load: {exc}", 1, 1)
    return JsonLoad(True, value, where.repairs(repairs), None, 0, 0)


def _quote_hint(where: _Positions, multiline: int, failed_at: int) -> str:
    """A string spanning lines before a failure is most often a missing closing quote."""
    if not 0 <= multiline < failed_at:
        return ""
    line, col = where.at(multiline)
    return f" (the string at line {line} col {col} spans lines: is a closing quote missing?)"


class _Fail(Exception):
    """Internal only: carries a failure to `_load_repaired`, which turns it into a result."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class _Positions:
    """Maps character offsets to 1-based (line, col)."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        at = text.find("\n")
        while at >= 0:
            self.starts.append(at + 1)
            at = text.find("\n", at + 1)

    def at(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def repairs(self, found: list[tuple[str, int]]) -> tuple[Repair, ...]:
        ordered = sorted(found, key=lambda kind_offset: kind_offset[1])
        return tuple(Repair(kind, *self.at(offset)) for kind, offset in ordered)


class _Tok(NamedTuple):
    kind: str  # a punctuation character, "str", "num", "lit", "word", "ellipsis" or "eof"
    start: int
    end: int
    text: str  # strict JSON text for str/num/lit; the raw text otherwise


class _Tokenizer:
    """Splits text into tokens; comments and odd whitespace are dropped as repairs."""

    def __init__(self, text: str, repairs: list[tuple[str, int]]) -> None:
        self.text = text
        self.repairs = repairs
        self.tokens: list[_Tok] = []
        self.multiline = -1  # start of the first string holding a raw newline

    def run(self) -> list[_Tok]:
        i = 0
        if self.text.startswith("\ufeff"):
            self.repairs.append(("bom", 0))
            i = 1
        while i < len(self.text):
            i = self._step(i)
        end = len(self.text.rstrip())
        self.tokens.append(_Tok("eof", end, end, ""))
        return self.tokens

    def _step(self, i: int) -> int:
        c = self.text[i]
        if c in " \t\r\n":
            return i + 1
        if c in _PUNCT:
            self.tokens.append(_Tok(c, i, i + 1, c))
            return i + 1
        if c in "\"'":
            return self._string(i)
        if self._comment_at(i):
            return self._comment(i)
        if c.isspace() or c in _ODD_SPACE:
            return self._odd_space(i)
        return self._word(i)

    def _comment_at(self, i: int) -> bool:
        return self.text[i] == "/" and self.text[i + 1 : i + 2] in ("/", "*")

    def _comment(self, i: int) -> int:
        if self.text[i + 1] == "/":
            end = self.text.find("\n", i)
            end = len(self.text) if end < 0 else end
        else:
            end = self.text.find("*/", i + 2)
            if end < 0:
                raise _Fail("unterminated /* comment", i)
            end += 2
        self.repairs.append(("comment", i))
        return end

    def _odd_space(self, i: int) -> int:
        j, odd = i, set()
        while j < len(self.text) and self.text[j] != "\n" and self._is_space(self.text[j]):
            if self.text[j] not in " \t\r":
                odd.add(self.text[j])
            j += 1
        self.repairs.append(("nbsp" if odd == {"\u00a0"} else "unicode-space", i))
        return j

    @staticmethod
    def _is_space(c: str) -> bool:
        return c.isspace() or c in _ODD_SPACE

    def _word(self, i: int) -> int:
        j = i
        while j < len(self.text) and not self._word_ends(j):
            j += 1
        word = self.text[i:j]
        self.tokens.append(_Tok(_word_kind(word), i, j, word))
        return j

    def _word_ends(self, j: int) -> bool:
        c = self.text[j]
        return c in _WORD_STOP or self._is_space(c) or self._comment_at(j)

    def _string(self, start: int) -> int:
        text, quote = self.text, self.text[start]
        out, i, raw_control = ['"'], start + 1, -1
        while i < len(text) and text[i] != quote:
            c = text[i]
            if c == "\\":
                piece, i = self._escape(i, quote, start)
                out.append(piece)
                continue
            if c < " ":
                raw_control = i if raw_control < 0 else raw_control
                c = _CONTROL.get(c) or f"\\u{ord(c):04x}"
            out.append('\\"' if c == '"' else c)
            i += 1
        if i >= len(text):
            raise _Fail("unterminated string", start)
        if quote == "'":
            self.repairs.append(("single-quotes", start))
        if raw_control >= 0:
            self.repairs.append(("raw-control-char", raw_control))
            if self.multiline < 0 and "\n" in text[start:i]:
                self.multiline = start
        out.append('"')
        self.tokens.append(_Tok("str", start, i + 1, "".join(out)))
        return i + 1

    def _escape(self, i: int, quote: str, start: int) -> tuple[str, int]:
        e = self.text[i + 1 : i + 2]
        if not e:
            raise _Fail("unterminated string", start)
        if e in _SIMPLE_ESCAPES:
            return "\\" + e, i + 2
        if e == "u" and len(digits := self.text[i + 2 : i + 6]) == 4 and set(digits) <= _HEX:
            return self.text[i : i + 6], i + 6
        if e == "'" and quote == "'":
            return "'", i + 2
        raise _Fail(f"invalid escape '\\{e}' in string", i)


def _word_kind(word: str) -> str:
    if set(word) <= {".", "…"} and (len(word) >= 3 or "…" in word):
        return "ellipsis"
    if word in _LITERALS:
        return "lit"
    return "num" if _NUMBER.fullmatch(word) else "word"


@dataclass(slots=True)
class _Frame:
    closer: str  # "}" or "]"
    count: int = 0
    key: str = ""  # the pending property name, as JSON text


class _Checker:
    """Walks the tokens with an explicit stack, checking structure and emitting strict JSON.

    Separators are emitted by the checker itself (never copied from the
    source), so dropping an ellipsis or a trailing comma needs no back-patching.
    """

    def __init__(
        self, text: str, tokens: list[_Tok], max_depth: int, repairs: list[tuple[str, int]]
    ) -> None:
        self.text, self.tokens, self.max_depth, self.repairs = text, tokens, max_depth, repairs
        self.i = 0
        self.stack: list[_Frame] = []
        self.out: list[str] = []
        self.state = "value"
        self.comma = -1  # offset of the comma just consumed, or -1
        self.soft = False  # after a dropped ellipsis, the next item needs no comma
        self.prev_end = 0

    def run(self) -> str:
        handlers = {
            "value": self._value,
            "key": self._key,
            "colon": self._colon,
            "after": self._after,
            "end": self._end,
        }
        while self.state != "done":
            handlers[self.state](self.tokens[self.i])
        return "".join(self.out)

    def _take(self, tok: _Tok) -> None:
        self.i += 1
        self.prev_end = tok.end
        self.comma = -1

    def _value(self, tok: _Tok) -> None:
        if tok.kind in ("{", "["):
            self._open(tok)
        elif tok.kind in _VALUE_KINDS:
            self._emit(tok.text)
            self._take(tok)
            self._finish()
        elif tok.kind == "ellipsis" and self.stack:
            self._drop_ellipsis(tok)
        elif tok.kind == "]" and self.stack and self.stack[-1].closer == "]":
            self._close(tok)
        else:
            raise self._unexpected(tok, "a value")

    def _key(self, tok: _Tok) -> None:
        if tok.kind == "str" or self._bare_key(tok):
            self.stack[-1].key = tok.text if tok.kind == "str" else json.dumps(tok.text)
            if tok.kind != "str":
                self.repairs.append(("unquoted-key", tok.start))
            self._take(tok)
            self.state = "colon"
        elif tok.kind == "}":
            self._close(tok)
        elif tok.kind == "ellipsis":
            self._drop_ellipsis(tok)
        else:
            raise self._unexpected(tok, "a property name")

    def _colon(self, tok: _Tok) -> None:
        if tok.kind != ":":
            raise self._unexpected(tok, "':' after the property name")
        self._take(tok)
        self.state = "value"

    def _after(self, tok: _Tok) -> None:
        frame = self.stack[-1]
        if tok.kind == ",":
            self._take(tok)
            self.comma = tok.start
            self._expect_item(frame)
        elif tok.kind == frame.closer:
            self._close(tok)
        elif tok.kind == "ellipsis":
            self.repairs.append(("ellipsis", tok.start))
            self._take(tok)
            self.soft = True
        elif self._starts_item(tok, frame) and (self.soft or self._newline_before(tok)):
            if not self.soft:
                self.repairs.append(("missing-comma", self.prev_end))
            self._expect_item(frame)
        else:
            raise self._unexpected(tok, f"',' or '{frame.closer}'")

    def _end(self, tok: _Tok) -> None:
        if tok.kind != "eof":
            raise _Fail(f"unexpected {_describe(tok)} after the JSON value", tok.start)
        self.state = "done"

    def _expect_item(self, frame: _Frame) -> None:
        self.soft = False
        self.state = "key" if frame.closer == "}" else "value"

    def _open(self, tok: _Tok) -> None:
        if len(self.stack) >= self.max_depth:
            raise _Fail(f"nesting deeper than {self.max_depth} levels", tok.start)
        self._emit(tok.kind)
        self.stack.append(_Frame("}" if tok.kind == "{" else "]"))
        self._take(tok)
        self.state = "key" if tok.kind == "{" else "value"

    def _close(self, tok: _Tok) -> None:
        if self.comma >= 0:
            self.repairs.append(("trailing-comma", self.comma))
        self.stack.pop()
        self.out.append(tok.kind)
        self._take(tok)
        self._finish()

    def _finish(self) -> None:
        self.soft = False
        self.state = "after" if self.stack else "end"

    def _emit(self, text: str) -> None:
        """Writes a value into the innermost container, with its separator and key."""
        if self.stack:
            frame = self.stack[-1]
            self.out.append("," if frame.count else "")
            self.out.append(frame.key + ":" if frame.closer == "}" else "")
            frame.count += 1
        self.out.append(text)

    def _drop_ellipsis(self, tok: _Tok) -> None:
        """An ellipsis where a key or element goes is a phantom item; as a value it drops its member."""
        member = self.state == "value" and self.stack[-1].closer == "}"
        self.repairs.append(("ellipsis-value" if member else "ellipsis", tok.start))
        self._take(tok)
        self._finish()
        self.soft = not member

    def _bare_key(self, tok: _Tok) -> bool:
        return tok.kind == "word" and self.tokens[self.i + 1].kind == ":"

    def _starts_item(self, tok: _Tok, frame: _Frame) -> bool:
        if frame.closer == "}":
            return tok.kind == "str" or self._bare_key(tok)
        return tok.kind in _VALUE_KINDS or tok.kind in ("{", "[")

    def _newline_before(self, tok: _Tok) -> bool:
        return "\n" in self.text[self.prev_end : tok.start]

    def _unexpected(self, tok: _Tok, wanted: str) -> _Fail:
        if tok.kind == "eof" and self.stack:
            frame = self.stack[-1]
            opener = "{" if frame.closer == "}" else "["
            return _Fail(f"unexpected end of text: '{opener}' is never closed", tok.start)
        return _Fail(f"expected {wanted}, found {_describe(tok)}", tok.start)


def _describe(tok: _Tok) -> str:
    if tok.kind == "eof":
        return "end of text"
    raw = tok.text if tok.kind != "str" else tok.text[:30]
    return f"'{raw[:30]}'"
