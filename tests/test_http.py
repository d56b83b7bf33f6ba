"""HTTP blocks: request/status lines, headers, bodies and the syntax block, with located diagnostics."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.diagnostics import Diagnostic
from generator.parse.facts import JsonBody
from generator.parse.http import (
    load_body,
    looks_like_request,
    looks_like_response,
    parse_request,
    parse_response,
    parse_syntax,
    strip_base_url,
)

F = "api/x.md"
BASES = ("https://graph.microsoft.com/v1.0", "https://graph.microsoft.com/beta", "/v1.0", "/beta")
CORPUS = Path(__file__).parents[1].parent / "shared/corpus/graph-v1.0"


def where(diags: list[Diagnostic]) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.col) for d in diags]


# -- request lines ---------------------------------------------------------------------------


def test_request_with_headers_and_json_body() -> None:
    # api/user-update.md
    text = (
        "PATCH https://graph.microsoft.com/v1.0/me\nContent-type: application/json\n\n"
        '{\n  "businessPhones": [\n    "+1 425 555 0109"\n  ],\n  "officeLocation": "18/2111"\n}'
    )
    request, diags = parse_request(text, file=F, first_line=10, base_urls=BASES)
    assert diags == []
    assert request is not None
    assert (request.method, request.url, request.line) == (
        "PATCH",
        "https://graph.microsoft.com/v1.0/me",
        10,
    )
    assert request.headers == (("Content-type", "application/json"),)
    assert request.body == JsonBody(
        text.split("\n\n", 1)[1],
        "application/json",
        13,
        True,
        {"businessPhones": ["+1 425 555 0109"], "officeLocation": "18/2111"},
    )


@pytest.mark.parametrize(
    ("line", "method", "url"),
    [
        ("GET /me/events", "GET", "/me/events"),
        ("get me/events", "GET", "me/events"),
        ("GET /v1.0/me HTTP/1.1", "GET", "/v1.0/me"),
        ("  delete   /users/{id}  ", "DELETE", "/users/{id}"),
        # api/alert-list.md: unencoded spaces inside $filter
        (
            "GET /security/alerts?$filter={property} eq '{property-value}'&$top=5",
            "GET",
            "/security/alerts?$filter={property} eq '{property-value}'&$top=5",
        ),
        (
            "OPTIONS https://graph.microsoft.com/beta/x",
            "OPTIONS",
            "https://graph.microsoft.com/beta/x",
        ),
    ],
)
def test_request_line_forms(line: str, method: str, url: str) -> None:
    request, diags = parse_request(line, file=F, first_line=1)
    assert request is not None and diags == []
    assert (request.method, request.url, request.body) == (method, url, None)


def test_leading_blank_lines_are_skipped() -> None:
    request, _ = parse_request("\n\n  GET /me\n", file=F, first_line=5)
    assert request is not None and request.line == 7


@pytest.mark.parametrize(
    ("text", "line", "col"),
    [
        ('Prefer: outlook.timezone="Eastern Standard Time"', 3, 1),  # api/event-get.md
        ("\n  /me/activities/recent?$top=2", 4, 3),
        ("FETCH /me", 3, 1),
        ("Delete the item", 3, 1),
        ("", 3, 1),
    ],
)
def test_not_a_request_line_is_h001_and_none(text: str, line: int, col: int) -> None:
    request, diags = parse_request(text, file=F, first_line=3)
    assert request is None
    assert where(diags) == [("H001", line, col)]


# -- headers -----------------------------------------------------------------------------------


def test_stray_blank_line_before_headers() -> None:
    # api/intune-apps-mobileapp-assign.md
    text = (
        "POST https://graph.microsoft.com/v1.0/deviceAppManagement/mobileApps/{mobileAppId}/assign\n"
        "\nContent-type: application/json\nContent-length: 461\n\n"
        '{\n  "mobileAppAssignments": []\n}'
    )
    request, diags = parse_request(text, file=F, first_line=62)
    assert request is not None and diags == []
    assert request.headers == (("Content-type", "application/json"), ("Content-length", "461"))
    assert request.body is not None and request.body.line == 67
    assert request.body.value == {"mobileAppAssignments": []}


def test_body_glued_to_the_request_line() -> None:
    # api/channel-post-tabs.md
    text = 'POST https://graph.microsoft.com/v1.0/teams/{id}/channels/{id}/tabs\n{\n  "a": 1\n}'
    request, diags = parse_request(text, file=F, first_line=61)
    assert request is not None and diags == []
    assert request.headers == ()
    assert request.body is not None and (request.body.line, request.body.value) == (62, {"a": 1})


def test_unparseable_header_line_is_h004() -> None:
    text = "GET /me\nAuthorization: Bearer {token}\nthis is not a header\nPrefer: x\n"
    request, diags = parse_request(text, file=F, first_line=20)
    assert request is not None
    assert request.headers == (("Authorization", "Bearer {token}"), ("Prefer", "x"))
    assert where(diags) == [("H004", 22, 1)]


@pytest.mark.parametrize(
    "body",
    [
        # api/attachment-get.md: a vCard and a MIME message after the blank line stay bodies
        "BEGIN:VCARD\nPROFILE:VCARD\nVERSION:3.0",
        "From: Megan Bowen <MeganB@contoso.OnMicrosoft.com>\nMessage-ID:\n\t<CY4PR@outlook.com>\n",
        "Note: this is text\nwith a second line",
    ],
)
def test_header_like_text_after_the_blank_line_stays_body(body: str) -> None:
    response, diags = parse_response("HTTP/1.1 200 OK\n\n" + body, file=F, first_line=1)
    assert diags == [] and response.headers == ()
    assert response.body is not None and response.body.text == body.strip()
    assert (response.body.line, response.body.is_json) == (3, False)


# -- responses ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "status", "reason"),
    [
        ("HTTP/1.1 200 OK", 200, "OK"),
        ("HTTP 201 Created", 201, "Created"),  # api/event-post-attachments.md
        ("400 Bad Request", 400, "Bad Request"),  # api/team-post.md
        ("HTTP/1.1 204 NO CONTENT", 204, "NO CONTENT"),
        ("HTTP/1.1 207 Multi-Status", 207, "Multi-Status"),
        ("HTTP/1.1 422", 422, None),
        ("HTTP/2 299 Whatever", 299, "Whatever"),  # unregistered code: nothing to compare
    ],
)
def test_status_lines(line: str, status: int, reason: str | None) -> None:
    response, diags = parse_response(line, file=F, first_line=4)
    assert diags == []
    assert (response.status, response.reason, response.line, response.body) == (
        status,
        reason,
        4,
        None,
    )


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("HTTP/1.1 201 OK", "OK"),  # api/invitation-post.md
        ("HTTP/1.1 202 Accpted", "Accpted"),  # api/post-post-attachments.md
        ("HTTP/1.1 200 Created", "Created"),
    ],
)
def test_reason_phrase_mismatch_is_h003_and_kept(line: str, reason: str) -> None:
    response, diags = parse_response(line, file=F, first_line=9)
    assert response.reason == reason
    assert where(diags) == [("H003", 9, 14)]


def test_missing_status_line_with_json_body_is_h002() -> None:
    response, diags = parse_response('\n{\n  "id": "1",\n}', file=F, first_line=30)
    assert (response.status, response.reason, response.line) == (None, None, 31)
    assert where(diags) == [("H002", 31, 1), ("J001", 32, 12)]
    assert response.body is not None and response.body.value == {"id": "1"}


def test_missing_status_line_starting_with_headers_is_h002() -> None:
    response, diags = parse_response("Content-Type: text/plain\n\n42", file=F, first_line=1)
    assert response.status is None and response.headers == (("Content-Type", "text/plain"),)
    assert where(diags) == [("H002", 1, 1)]
    assert response.body == JsonBody("42", "text/plain", 3)


def test_json_response_with_missing_comma_is_repaired_in_file_coordinates() -> None:
    # api/administrativeunit-get-members.md
    text = (
        "HTTP/1.1 200 OK\nContent-type: application/json\n\n{\n"
        '  "@odata.type":"#microsoft.graph.user",\n'
        '  "id":"492c5308-59fd-4740-9c83-4b3db07a6d70"\n'
        '  "accountEnabled":true\n}'
    )
    response, diags = parse_response(text, file=F, first_line=56)
    assert where(diags) == [("J001", 61, 46)]
    assert diags[0].severity == "info"
    assert response.body is not None and response.body.value["accountEnabled"] is True


def test_json_that_does_not_load_is_j002_and_kept_as_text() -> None:
    # api/directory-deleteditems-user-owned.md
    text = 'HTTP/1.1 200 OK\nContent-type: application/json\n\n{\n    "deletedDateTime": 2018-04-01T12:39:16Z\n}'
    response, diags = parse_response(text, file=F, first_line=90)
    assert where(diags) == [("J002", 94, 24)]
    body = response.body
    assert body is not None and (body.is_json, body.value, body.line) == (False, None, 93)
    assert body.text.startswith("{\n") and body.content_type == "application/json"


# -- bodies ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "content_type"),
    [
        ("893", "text/plain"),  # api/user-list.md
        ("42", None),
        ("Report Refresh Date,Send,Receive\n2017-09-01,1,2", "application/octet-stream"),
        ("<bytes 0-25 of the file>", None),
        ("--MyPartBoundary198374\nContent-Disposition:form-data", "multipart/form-data"),
        ("<note><to>x</to></note>", "application/xml"),
        ('{"looks": "like json"}', "text/plain"),
    ],
)
def test_non_json_bodies_are_kept_without_diagnostics(text: str, content_type: str | None) -> None:
    body, diags = load_body(text, content_type, file=F, first_line=1)
    assert diags == []
    assert body == JsonBody(text, content_type, 1)


@pytest.mark.parametrize(
    "content_type", [None, "application/json", "application/json;odata.metadata=minimal"]
)
def test_json_bodies_by_content_type_or_first_character(content_type: str | None) -> None:
    body, diags = load_body("[1, 2]", content_type, file=F, first_line=1)
    assert diags == [] and (body.is_json, body.value) == (True, [1, 2])


def test_body_is_trimmed_and_dedented_but_located_in_the_file() -> None:
    body, diags = load_body('\n\n    {\n      "a": 1,\n    }\n\n', None, file=F, first_line=10)
    assert (body.text, body.line, body.value) == ('{\n  "a": 1,\n}', 12, {"a": 1})
    assert where(diags) == [("J001", 13, 13)]


def test_empty_body_is_not_json() -> None:
    body, diags = load_body("\n \n", "application/json", file=F, first_line=5)
    assert diags == [] and body == JsonBody("", "application/json", 5)


# -- syntax block --------------------------------------------------------------------------------


def test_syntax_block_lines() -> None:
    text = (
        "GET /me/joinedTeams\nor\n\n"
        "GET /users/{id | user-principal-name}/joinedTeams\n"
        "workbook-session-id: {session-id}\n"
        "GET https://graph.microsoft.com/v1.0/sites/{site-id}/lists\n"
        "get policies/tokenIssuancePolicies HTTP/1.1\n"
    )
    found, diags = parse_syntax(text, file=F, first_line=30, base_urls=BASES)
    assert found == [
        ("GET", "/me/joinedTeams", 30),
        ("GET", "/users/{id | user-principal-name}/joinedTeams", 33),
        ("GET", "/sites/{site-id}/lists", 35),
        ("GET", "policies/tokenIssuancePolicies", 36),
    ]
    assert where(diags) == [("H005", 31, 1), ("H005", 34, 1)]


def test_syntax_block_without_base_urls_strips_only_the_origin() -> None:
    found, _ = parse_syntax("GET https://graph.microsoft.com/v1.0/me", file=F, first_line=1)
    assert found == [("GET", "/v1.0/me", 1)]


# -- recognising blocks --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("GET /me", True),
        ("POST https://bot.contoso.com/callback", True),
        ("patch users/{id}", True),
        ("GET", False),
        ("Delete the item", False),
        ("HTTP/1.1 200 OK", False),
        ("{", False),
    ],
)
def test_looks_like_request(line: str, expected: bool) -> None:
    assert looks_like_request(line) is expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("HTTP/1.1 200 OK", True),
        ("HTTP 201 Created", True),
        ("204 No Content", True),
        ("HTTP/1.1 422", True),
        ("HTTP/1.1", False),
        ("42", False),
        ("100 items left.", False),
        ("HTTP/1.1 2000 OK", False),
        ("GET /me", False),
    ],
)
def test_looks_like_response(line: str, expected: bool) -> None:
    assert looks_like_response(line) is expected


# -- base URLs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("https://graph.microsoft.com/v1.0/users/{id}?$select=x", "/users/{id}?$select=x"),
        ("https://graph.microsoft.com/beta/me", "/me"),
        ("https://graph.microsoft.com/V1.0/teams/{id}", "/teams/{id}"),
        ("/v1.0/me/events", "/me/events"),
        ("v1.0/me/events", "/me/events"),
        ("me/events", "/me/events"),
        ("/v1.0x/me", "/v1.0x/me"),
        ("https://graph.microsoft.com/v1.0", "/"),
        ("https://graph.microsoft.com/v1.0?$top=1", "/?$top=1"),
        ("https://bot.contoso.com/api/calls", "/api/calls"),
        ("  /users?$filter=a eq 'b c'  ", "/users?$filter=a eq 'b c'"),
    ],
)
def test_strip_base_url(url: str, path: str) -> None:
    assert strip_base_url(url, BASES) == path


def test_strip_base_url_prefers_the_longest_base() -> None:
    assert strip_base_url("/api/v2/x", ["/api", "/api/v2"]) == "/x"


# -- the real corpus -----------------------------------------------------------------------------


def _http_blocks(page: Path) -> Iterator[tuple[int, str]]:
    """(first content line, content) of each ```http fence; a quick line scan is enough here."""
    lines = page.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        fence = lines[i].strip()
        if fence.startswith("```") and fence[3:].strip().lower() in ("http", "msgraph-interactive"):
            end = i + 1
            while end < len(lines) and not lines[end].strip().startswith("```"):
                end += 1
            yield i + 2, "\n".join(lines[i + 1 : end])
            i = end
        i += 1


def _parse_block(file: str, first: int, text: str) -> tuple[JsonBody | None, list[Diagnostic]]:
    lines = [line for line in text.split("\n") if line.strip()]
    head = lines[0] if lines else ""
    if looks_like_response(head):
        response, diags = parse_response(text, file=file, first_line=first)
        return response.body, diags
    if lines and len(lines) > 1 and all(looks_like_request(line) for line in lines):
        return None, parse_syntax(text, file=file, first_line=first, base_urls=BASES)[1]
    request, diags = parse_request(text, file=file, first_line=first, base_urls=BASES)
    if request is None:
        response, more = parse_response(text, file=file, first_line=first)
        return response.body, diags + more
    return request.body, diags


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not present at {CORPUS}")
def test_every_http_block_of_the_corpus_parses() -> None:
    counts: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    for page in sorted((CORPUS / "api").glob("*.md")):
        for first, text in _http_blocks(page):
            counts["blocks"] += 1
            body, diags = _parse_block(page.name, first, text)
            codes.update(d.code for d in diags)
            assert all(d.line >= first for d in diags)
            if body is None:
                continue
            repaired = any(d.code == "J001" for d in diags)
            failed = any(d.code == "J002" for d in diags)
            kind = "not-json" if not body.is_json and not failed else "failed" if failed else ""
            counts[kind or ("repaired" if repaired else "strict")] += 1
    print(f"\nhttp blocks: {dict(counts)}\ndiagnostics: {dict(sorted(codes.items()))}")
    assert counts["blocks"] > 1000 and counts["strict"] > counts["repaired"] > counts["failed"]
