"""HTTP blocks: split example and syntax text into method, URL, status, headers and body.

Docs write HTTP loosely: relative URLs, spaces inside `$filter`, missing or
odd status lines, a stray blank line before the headers, a body glued to the
start line. Each rule here tolerates one such habit; whatever it cannot place
becomes a Diagnostic pointing into the page (`first_line` is the file line of
the block's first content line). Nothing here raises on bad input.
"""

from __future__ import annotations

import string
import textwrap
from collections.abc import Sequence
from http import HTTPStatus

from generator.diagnostics import Diagnostic, make
from generator.parse.facts import HttpRequest, HttpResponse, JsonBody
from generator.parse.lenient_json import load_lenient

_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
_TCHARS = frozenset("!#$%&'*+-.^_`|~" + string.ascii_letters + string.digits)
_BODY_STARTS = frozenset('{["<')  # a line starting so is a body, even with no blank line before
_URL_ENDS = ("/", "?", "#")

Headers = list[tuple[str, str]]


def looks_like_request(first_line: str) -> bool:
    """`METHOD url` with a known method and something URL-shaped after it."""
    return _request_line(first_line) is not None


def looks_like_response(first_line: str) -> bool:
    """A status line: `HTTP/1.1 200 OK`, `HTTP 200 OK`, `200 OK` or `HTTP/1.1 200`."""
    return _status_line(first_line) is not None


def parse_request(
    text: str, *, file: str, first_line: int, base_urls: Sequence[str] = ()
) -> tuple[HttpRequest | None, list[Diagnostic]]:
    """Parse an example request; the URL is kept as written (see `strip_base_url`).

    `base_urls` is accepted so callers can pass the doc set's config; the URL
    is not rewritten here, so that diagnostics and fixtures show what the page says.
    """
    lines = _lines(text)
    i = _next_content(lines, 0)
    if i == len(lines):
        return None, [make("H001", file, first_line, 1, "empty request block")]
    start = _request_line(lines[i])
    if start is None:
        where = first_line + i, _indent(lines[i]) + 1
        return None, [make("H001", file, *where, f"not a request line: {_clip(lines[i])}")]
    headers, body_at, diags = _read_headers(lines, i + 1, file, first_line)
    body, body_diags = _body(lines, body_at, _content_type(headers), file, first_line)
    request = HttpRequest(start[0], start[1], first_line + i, tuple(headers), body)
    return request, diags + body_diags


def parse_response(
    text: str, *, file: str, first_line: int
) -> tuple[HttpResponse, list[Diagnostic]]:
    """Parse an example response; a missing status line gives status None and H002."""
    lines = _lines(text)
    i = _next_content(lines, 0)
    if i == len(lines):
        return HttpResponse(None, None, first_line), [
            make("H002", file, first_line, 1, "empty response block")
        ]
    status = _status_line(lines[i])
    if status is None:
        code, reason, head_at = None, None, i
        msg = f"no status line; the block starts with: {_clip(lines[i])}"
        diags = [make("H002", file, first_line + i, _indent(lines[i]) + 1, msg)]
    else:
        (code, reason), head_at = status, i + 1
        diags = _reason_check(lines[i], code, reason, file, first_line + i)
    headers, body_at, header_diags = _read_headers(lines, head_at, file, first_line)
    body, body_diags = _body(lines, body_at, _content_type(headers), file, first_line)
    response = HttpResponse(code, reason, first_line + i, tuple(headers), body)
    return response, diags + header_diags + body_diags


def parse_syntax(
    text: str, *, file: str, first_line: int, base_urls: Sequence[str] = ()
) -> tuple[list[tuple[str, str, int]], list[Diagnostic]]:
    """One (METHOD, path as written, line) per request line of an "HTTP request" block.

    Absolute URLs lose their origin and any base URL in `base_urls`; relative
    paths stay exactly as written. Other non-blank lines get H005.
    """
    found: list[tuple[str, str, int]] = []
    diags: list[Diagnostic] = []
    for index, line in enumerate(_lines(text)):
        if not line.strip():
            continue
        start = _request_line(line)
        if start is None:
            msg = f"not a request line: {_clip(line)}"
            diags.append(make("H005", file, first_line + index, _indent(line) + 1, msg))
            continue
        method, url = start
        path = strip_base_url(url, base_urls) if _origin_length(url) else url
        found.append((method, path, first_line + index))
    return found, diags


def load_body(
    text: str, content_type: str | None, *, file: str, first_line: int
) -> tuple[JsonBody, list[Diagnostic]]:
    """Keep a body's text; load it as JSON when its content type (or first character) says so.

    JSON goes through `load_lenient` on the undedented text, so repair and
    error columns match the file; `JsonBody.text` is dedented for display.
    """
    lines = _lines(text)
    top = _next_content(lines, 0)
    bottom = len(lines)
    while bottom > top and not lines[bottom - 1].strip():
        bottom -= 1
    raw = "\n".join(lines[top:bottom])
    line = first_line + top if raw else first_line
    shown = textwrap.dedent(raw)
    if not raw or not _is_json(raw, content_type):
        return JsonBody(shown, content_type, line), []
    loaded = load_lenient(raw)
    if not loaded.ok:
        where = line + loaded.line - 1, loaded.col
        diag = make("J002", file, *where, f"JSON does not load: {loaded.error}")
        return JsonBody(shown, content_type, line), [diag]
    diags = [
        make("J001", file, line + r.line - 1, r.col, f"JSON repaired ({r.kind})")
        for r in loaded.repairs
    ]
    return JsonBody(shown, content_type, line, True, loaded.value), diags


def load_example(
    text: str, *, file: str, first_line: int
) -> tuple[JsonBody | None, list[Diagnostic]]:
    """The JSON of an `example` block. A block that starts with a request or status
    line is HTTP (a notification the service sends, say): its body is the JSON, read
    with the content type its headers give; any other block is the JSON itself."""
    lines = _lines(text)
    first = lines[_next_content(lines, 0)] if any(line.strip() for line in lines) else ""
    if looks_like_request(first):
        request, diags = parse_request(text, file=file, first_line=first_line)
        return (request.body if request is not None else None), diags
    if looks_like_response(first):
        response, diags = parse_response(text, file=file, first_line=first_line)
        return response.body, diags
    return load_body(text, "application/json", file=file, first_line=first_line)


def strip_base_url(url: str, base_urls: Sequence[str]) -> str:
    """`https://host/v1.0/users/{id}?$select=x` -> `/users/{id}?$select=x`.

    Drops scheme and host, then the longest base URL path (compared without
    case, on a segment boundary) from `base_urls`; always returns a leading `/`.
    """
    path = _ensure_slash(_drop_origin(url.strip()))
    bases = sorted({_ensure_slash(_drop_origin(b.strip())).rstrip("/") for b in base_urls}, key=len)
    for base in reversed(bases):
        if base and _has_prefix(path, base):
            return _ensure_slash(path[len(base) :])
    return path


# -- start lines ---------------------------------------------------------------------------


def _request_line(line: str) -> tuple[str, str] | None:
    """(METHOD, url) when `line` is a request line; the URL runs to the end of the line."""
    parts = line.strip().split(None, 1)
    if len(parts) != 2 or parts[0].upper() not in _METHODS:
        return None
    url = _drop_version(parts[1].strip())
    return (parts[0].upper(), url) if _url_like(url) else None


def _drop_version(url: str) -> str:
    head, _, tail = url.rpartition(" ")
    return head.rstrip() if head and tail.upper().startswith("HTTP/") else url


def _url_like(url: str) -> bool:
    """Separates `GET /me` and `GET me/events` from prose such as `Delete the item`."""
    word = url.split(None, 1)[0] if url else ""
    return url.startswith("/") or "/" in word or "?" in word


def _status_line(line: str) -> tuple[int, str | None] | None:
    """(code, reason as written) when `line` is a status line."""
    words = line.strip().split(None, 1)
    prefixed = bool(words) and (words[0].upper() == "HTTP" or words[0].upper().startswith("HTTP/"))
    rest = (words[1] if len(words) > 1 else "") if prefixed else line.strip()
    code, reason = (rest.split(None, 1) + ["", ""])[:2]
    if not (len(code) == 3 and code.isascii() and code.isdigit() and "100" <= code <= "599"):
        return None
    reason = reason.strip()
    if not prefixed and not all(c.isalpha() or c in " -'" for c in reason):
        return None  # a bare `200 OK` must not swallow a text body such as `100 items left.`
    return int(code), reason or None


def _reason_check(
    line: str, code: int, reason: str | None, file: str, line_no: int
) -> list[Diagnostic]:
    """H003 when the reason phrase is not the standard one (case and spaces ignored)."""
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        return []  # an unregistered code has no phrase to compare against
    if reason is None or _squash(reason) == _squash(phrase):
        return []
    col = len(line.rstrip()) - len(reason) + 1
    msg = f"reason phrase '{reason}' does not belong to {code} ('{phrase}')"
    return [make("H003", file, line_no, col, msg)]


def _squash(text: str) -> str:
    return "".join(text.split()).lower()


# -- headers and body ----------------------------------------------------------------------


def _read_headers(
    lines: list[str], start: int, file: str, first_line: int
) -> tuple[Headers, int, list[Diagnostic]]:
    """Headers from `start` to the blank line; returns them and where the body starts.

    A blank line followed by a paragraph made only of `Name: value` lines is a
    stray blank inside the headers, not the end of them (see `_header_paragraph`).
    """
    headers: Headers = []
    diags: list[Diagnostic] = []
    i = start
    while i < len(lines):
        stripped = lines[i].strip()
        if not stripped:
            after = _next_content(lines, i)
            if not _header_paragraph(lines, after):
                return headers, after, diags
            i = after
            continue
        if stripped[0] in _BODY_STARTS:
            return headers, i, diags
        header = _header(stripped)
        if header is None:
            msg = f"not a header line: {_clip(stripped)}"
            diags.append(make("H004", file, first_line + i, _indent(lines[i]) + 1, msg))
        else:
            headers.append(header)
        i += 1
    return headers, i, diags


def _header(line: str) -> tuple[str, str] | None:
    name, colon, value = line.partition(":")
    if not colon or not name or not set(name) <= _TCHARS:
        return None
    return name, value.strip()


def _header_paragraph(lines: list[str], start: int) -> bool:
    """True when every line up to the next blank (or body) is a `Name: value` header.

    The space after the colon is required, and one other line (or a folded,
    more indented continuation line) disqualifies the whole paragraph, so that
    vCard (`BEGIN:VCARD`), MIME messages and plain-text bodies stay bodies.
    """
    end = start
    while end < len(lines) and lines[end].strip():
        if _indent(lines[end]) > _indent(lines[start]):
            return False
        if lines[end].strip()[0] in _BODY_STARTS:
            break
        if not _strict_header(lines[end]):
            return False
        end += 1
    return end > start


def _strict_header(line: str) -> bool:
    stripped = line.strip()
    return _header(stripped) is not None and stripped.partition(":")[2][:1] in ("", " ", "\t")


def _content_type(headers: Headers) -> str | None:
    found = [value for name, value in headers if name.lower() == "content-type"]
    return found[-1] if found else None


def _is_json(raw: str, content_type: str | None) -> bool:
    if content_type is not None:
        return "json" in content_type.lower()
    return raw.lstrip()[:1] in ("{", "[")


def _body(
    lines: list[str], start: int, content_type: str | None, file: str, first_line: int
) -> tuple[JsonBody | None, list[Diagnostic]]:
    if start >= len(lines) or not any(line.strip() for line in lines[start:]):
        return None, []
    text = "\n".join(lines[start:])
    return load_body(text, content_type, file=file, first_line=first_line + start)


# -- small helpers -------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    """Split on newlines only, as Markdown does, so line numbers match the page."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def _next_content(lines: list[str], start: int) -> int:
    i = start
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _clip(text: str, limit: int = 60) -> str:
    text = text.strip()
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _origin_length(url: str) -> int:
    """Length of `scheme://host` at the start of `url`, or 0 when it has none."""
    scheme, sep, rest = url.partition("://")
    if not sep or not scheme.isascii() or not scheme.isalpha():
        return 0
    cuts = [at for at in (rest.find(c) for c in _URL_ENDS) if at >= 0]
    return len(scheme) + len(sep) + (min(cuts) if cuts else len(rest))


def _drop_origin(url: str) -> str:
    return url[_origin_length(url) :]


def _ensure_slash(path: str) -> str:
    return path if path.startswith("/") else "/" + path


def _has_prefix(path: str, base: str) -> bool:
    tail = path[len(base) : len(base) + 1]
    return path[: len(base)].lower() == base.lower() and (not tail or tail in _URL_ENDS)
