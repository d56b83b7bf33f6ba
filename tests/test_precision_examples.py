"""Example rules (A006, X002-X006, X010, X012) that once reported documented examples as
mistakes: each with a page that must still be reported and one that must not."""

from __future__ import annotations

import json
from pathlib import Path

from generator.config import DEFAULT_BASE_URLS
from generator.model.aliases import Alias, alias_hints
from generator.model.examples import RecordingNames, other_host
from generator.model.paths import PathIndex, normalize_path, without_arguments
from generator.model.urlforms import forms
from tests.check_support import check, where

PAGE = "api/thing-get.md"


def _page(syntax: str, examples: str, table: str = "") -> dict[str, str]:
    return {PAGE: f"""
# Get thing

## HTTP request
<!-- {{ "blockType": "ignored" }} -->
~~~http
{syntax}
~~~
{table}
## Examples
{examples}
"""}


def _request(name: str, line: str) -> str:
    return f'<!-- {{ "blockType": "request", "name": "{name}" }} -->\n~~~http\n{line}\n~~~\n'


def _response(names: object, body: str = '{ "id": "1" }') -> str:
    note = json.dumps({"blockType": "response", "name": names})
    return f"<!-- {note} -->\n~~~http\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{body}\n~~~\n"


# -- X002: a request to another host needs no response ----------------------------------


def test_other_host_is_one_no_base_url_names() -> None:
    assert other_host("https://bot.contoso.com/api/calls", DEFAULT_BASE_URLS) == "bot.contoso.com"
    assert other_host("https://graph.microsoft.com/v1/me", DEFAULT_BASE_URLS) is None
    assert other_host("https://test.host/v1.0/things", DEFAULT_BASE_URLS) is None  # a base path
    assert other_host("/things/1", DEFAULT_BASE_URLS) is None


def test_a_notification_to_the_bot_needs_no_response(tmp_path: Path) -> None:
    examples = (
        "### Notification\n~~~http\nPOST https://bot.contoso.com/api/calls\n"
        "Content-Type: application/json\n~~~\n"
        + _request("lone", "GET https://graph.microsoft.com/v1.0/things/1")
    )
    found = check(tmp_path, _page("GET /things/{id}", examples))
    assert where(found, "X002") == [(PAGE, 16)]  # the Graph request, not the notification
    assert where(found, "X004") == [] and where(found, "X006") == []


# -- X002: a response that names several requests --------------------------------------


def test_a_response_naming_several_requests_answers_each(tmp_path: Path) -> None:
    examples = (
        _request("by-id", "GET /things/1")
        + _request("by-name", "GET /things/one")
        + _request("other", "GET /things/2")
        + _response(["by-id", "by-name"])
    )
    found = check(tmp_path, _page("GET /things/{id}", examples))
    assert where(found, "X002") == [(PAGE, 19)]  # "other" is not named
    assert where(found, "X003") == []


# -- X002: an ignored block between a request and its response --------------------------

_IGNORED_REQUEST = '<!-- { "blockType": "ignored" } -->\n~~~http\nGET /users/1/things/1\n~~~\n'
_PLAIN_RESPONSE = '<!-- { "blockType": "response" } -->\n~~~http\nHTTP/1.1 204 No Content\n~~~\n'


def test_a_request_pairs_with_its_response_past_an_ignored_request(tmp_path: Path) -> None:
    """The app-token variant of the call, annotated `ignored`, sits between them."""
    examples = _request("user-token", "GET /things/1") + _IGNORED_REQUEST + _PLAIN_RESPONSE
    found = check(tmp_path / "a", _page("GET /things/{id}", examples))
    assert where(found, "X002") == [] and where(found, "X003") == []
    # an ignored request's own ignored response stays its own: the request before has none
    ignored_response = '<!-- { "blockType": "ignored" } -->\n~~~http\nHTTP/1.1 200 OK\n~~~\n'
    examples = _request("lone", "GET /things/1") + _IGNORED_REQUEST + ignored_response
    found = check(tmp_path / "b", _page("GET /things/{id}", examples))
    assert where(found, "X002") == [(PAGE, 11)]
    # a request that is the next example still ends the window
    examples = (
        _request("lone", "GET /things/1") + _request("next", "GET /things/2") + _PLAIN_RESPONSE
    )
    found = check(tmp_path / "c", _page("GET /things/{id}", examples))
    assert where(found, "X002") == [(PAGE, 11)]


def test_a_response_the_page_marks_ignored_is_a_response(tmp_path: Path) -> None:
    """An un-annotated request answered by a block annotated `ignored`
    (`HTTP code: 204 No Content`): it has a response, not replayed."""
    request = "Request\n~~~\nDELETE https://graph.microsoft.com/v1.0/things/1\n~~~\n\n"
    answered = '<!-- { "blockType": "ignored" } -->\n~~~http\nHTTP code: 204 No Content\n~~~\n'
    found = check(tmp_path / "a", _page("DELETE /things/{id}", request + "Response\n" + answered))
    assert where(found, "X002") == []
    # an ignored block that is no response (a resource's JSON) answers nothing
    other = '<!-- { "blockType": "ignored" } -->\n~~~json\n{ "id": "1" }\n~~~\n'
    found = check(tmp_path / "b", _page("DELETE /things/{id}", request + other))
    assert where(found, "X002") == [(PAGE, 11)]


# -- X003: a response after an ignored request is no orphan ----------------------------


def test_a_response_after_an_ignored_request_is_no_orphan(tmp_path: Path) -> None:
    examples = (
        '### HTTP request\n<!-- { "blockType": "ignored" } -->\n~~~http\n'
        "GET https://graph.microsoft.com/v1.0/things/delta?$deltatoken=a\nPrefer: x\n~~~\n"
        "### Response\n~~~http\nHTTP/1.1 200 OK\n~~~\n"
    )
    assert where(check(tmp_path / "a", _page("GET /things/delta", examples)), "X003") == []
    lone = "### Response\n~~~http\nHTTP/1.1 200 OK\n~~~\n"
    assert where(check(tmp_path / "b", _page("GET /things/delta", lone)), "X003") == [(PAGE, 11)]


# -- X004: optional function arguments, items addressed by path ------------------------

_COUNT = """
## Function parameters
| Parameter | Type | Description |
|:--|:--|:--|
| count | Int32 | {} The number of rows. |
"""


def test_a_function_called_without_its_optional_arguments(tmp_path: Path) -> None:
    syntax = "GET /things/{id}/rowsBelow(count=n)"
    examples = _request("bare", "GET /things/1/rowsBelow") + _response("bare")
    optional = check(tmp_path / "a", _page(syntax, examples, _COUNT.format("Optional.")))
    assert where(optional, "X004") == [] and where(optional, "X006") == []
    required = check(tmp_path / "b", _page(syntax, examples, _COUNT.format("Required.")))
    assert where(required, "X004") == [(PAGE, 17)]


def test_without_arguments_leaves_out_only_named_parameters() -> None:
    assert without_arguments("/a/rowsBelow(count={count})") == ("/a/rowsBelow", ("count",))
    assert without_arguments("/a/range(address='{address}')/b") == ("/a/range/b", ("address",))
    assert without_arguments("/a/{id}/b") == ("/a/{id}/b", ())


def test_an_alias_applies_before_an_item_addressed_by_path() -> None:
    alias = Alias("/me/drive/root", "/me/drive/items/{item-id}")
    assert alias.rewrites("/me/drive/root:/A/B.txt:/content") == [
        "/me/drive/items/root:/A/B.txt:/content"
    ]
    assert alias.rewrites("/me/drive/rootfolder") == []
    template, _ = normalize_path("/me/drive/items/{parent-id}:/{filename}:/content")
    index = PathIndex([("PUT", template, "upload")])
    assert index.match("PUT", "/me/drive/items/root:/A/B.txt:/content") == [
        ("upload", {"parent-id": "root", "filename": "A/B.txt"})
    ]


# -- X006: path-based addressing, a prefix the examples leave out -----------------------


def test_an_item_addressed_by_path_reads_as_the_item() -> None:
    assert forms("/drives/{id}/root:/{path}:/children")[-1] == "/drives/{id}/root/children"
    assert forms("/drives/{id}/root:/a/b.txt:")[-1] == "/drives/{id}/root"
    assert forms("/users/{id}/events") == []


def test_examples_leaving_out_a_literal_prefix_hint_an_alias() -> None:
    syntax = [("GET", "/me/drive/items/{id}/comments")]
    assert alias_hints(syntax, [("GET", "/drive/items/{id}/comments", 9)]) == (
        ("/drive", "/me/drive", 9),
    )
    keyed = [("GET", "/users/{id}/drive/items/{id}/comments")]  # left out: a key, not literals
    assert alias_hints(keyed, [("GET", "/drive/items/{id}/comments", 9)]) == ()
    assert alias_hints(syntax, [("GET", "/drive/items/{id}/other", 9)]) == ()


_COMMENTS = """
# List {0}
## HTTP request
<!-- {{ "blockType": "ignored" }} -->
~~~http
GET /me/drive/items/{{id}}/workbook/{0}
~~~
## Example
<!-- {{ "blockType": "request", "name": "{0}" }} -->
~~~http
GET /drive/items/{{id}}/workbook/{0}
~~~
"""


def test_a_prefix_two_pages_leave_out_is_an_alias(tmp_path: Path) -> None:
    pages = {f"api/{n}.md": _COMMENTS.format(n) for n in ("comments", "names")}
    assert where(check(tmp_path / "a", pages), "X006") == []
    one = {"api/comments.md": _COMMENTS.format("comments")}
    assert where(check(tmp_path / "b", one), "X006") == [("api/comments.md", 10)]


# -- X010: a body in the JSON block right after the headers -----------------------------


def _split(between: str) -> str:
    return (
        _request("split", "GET /things/1")
        + '<!-- { "blockType": "response", "name": "split" } -->\n~~~http\n'
        + "HTTP/1.1 200 OK\nContent-Type: application/json\n~~~\n"
        + between
        + '~~~json\n{ "id": "1" }\n~~~\n'
    )


def test_a_body_in_the_next_json_block_is_the_responses(tmp_path: Path) -> None:
    joined = check(tmp_path / "a", _page("GET /things/{id}", _split("\n")))
    assert where(joined, "X010") == []
    apart = check(tmp_path / "b", _page("GET /things/{id}", _split("Some other JSON:\n\n")))
    assert where(apart, "X010") == [(PAGE, 16)]  # its status line


# -- A006: names of ignored blocks; where the first use is ------------------------------


def _ignored(name: str, line: str) -> str:
    return f'<!-- {{ "blockType": "ignored", "name": "{name}" }} -->\n~~~http\n{line}\n~~~\n'


def test_a_reused_name_says_where_it_was_first_used(tmp_path: Path) -> None:
    pages = {
        "api/a.md": _page("GET /things/{id}", _request("get_count", "GET /things/1"))[PAGE],
        "api/b.md": _page("GET /things/{id}", _request("get_count", "GET /things/2"))[PAGE],
    }
    found = [d for d in check(tmp_path, pages) if d.code == "A006"]
    assert [(d.file, d.line) for d in found] == [("api/b.md", 11)]
    assert found[0].message.endswith("is used before, at api/a.md:11")


def test_the_name_of_an_ignored_block_claims_nothing(tmp_path: Path) -> None:
    examples = (
        _ignored("get_count", "GET /things/1")
        + _request("get_count", "GET /things/2")
        + _ignored("get_count", "GET /things/3")
    )
    assert where(check(tmp_path, _page("GET /things/{id}", examples)), "A006") == []


def test_a_replay_sees_the_first_use_move() -> None:
    before = RecordingNames()
    before.claim("get_count", "api/a.md:11")
    before.log.clear()
    assert before.claim("get_count", "api/b.md:11") == "api/a.md:11"
    log = list(before.log)
    same, moved = RecordingNames(), RecordingNames()
    same.claim("get_count", "api/a.md:11")
    moved.claim("get_count", "api/a.md:12")
    assert same.replay(log) and not moved.replay(log)


# -- X012: alternative outcomes, a request under the wrong blockType ---------------------


def _status(code: str, note: str = "") -> str:
    annotation = '<!-- { "blockType": "response" } -->\n' if not note else ""
    return (
        f"{note}{annotation}~~~http\nHTTP/1.1 {code}\nContent-Type: application/json\n\n{{}}\n~~~\n"
    )


def _call(*responses: str) -> str:
    return _request("call", "GET /things/1") + "".join(responses)


def test_a_response_introduced_as_another_outcome_is_no_duplicate(tmp_path: Path) -> None:
    alternative = _call(
        _status("200 OK", "### Response\n\nIf successful:\n\n"),
        _status("207 Multi-Status", "If an error occurred, it returns:\n\n"),
        _status("200 OK", '#### Error response\n\nWith the status "failed":\n\n'),
    )
    found = check(tmp_path, _page("GET /things/{id}", alternative))
    assert where(found, "X012") == [] and where(found, "X003") == []


def test_a_copy_under_the_same_words_or_none_is_a_duplicate(tmp_path: Path) -> None:
    copies = _call(
        _status("200 OK", "### Response\n\n"),
        _status("200 OK"),
        _status("200 OK", "### Response\n\n"),
    )
    found = check(tmp_path, _page("GET /things/{id}", copies))
    assert where(found, "X012") == [(PAGE, 23), (PAGE, 31)]


def _mislabelled() -> str:
    return (
        "### Example 2\n\n"
        '<!-- { "blockType": "response" } -->\n~~~http\nPOST /things\n\n{ "a": 1 }\n~~~\n'
        "### Response\n\n" + _status("201 Created")
    )


def test_a_request_labelled_response_is_reported_once(tmp_path: Path) -> None:
    examples = _call(_status("200 OK")) + _mislabelled()
    found = [d for d in check(tmp_path, _page("GET /things/{id}", examples)) if d.code == "X012"]
    assert [(d.file, d.line) for d in found] == [(PAGE, 24)]  # not the response after it
    assert "annotate it as a request" in found[0].message


def test_a_response_after_a_request_annotated_otherwise_says_so(tmp_path: Path) -> None:
    other = (
        "### Example 2\n\n"
        '<!-- { "blockType": "example" } -->\n~~~http\nPOST /things\n\n{ "a": 1 }\n~~~\n'
        "### Response\n\n" + _status("201 Created")
    )
    found = check(tmp_path, _page("GET /things/{id}", _call(_status("200 OK")) + other))
    x012 = [d for d in found if d.code == "X012"]
    assert [(d.file, d.line) for d in x012] == [(PAGE, 32)]
    assert "answers the request at line 24" in x012[0].message
