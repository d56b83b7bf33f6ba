"""Other ways an example may write a documented path (`generator.model.urlforms`,
`PathIndex.match_within`), and examples tied through them."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.model.paths import PathIndex, normalize_path
from generator.model.urlforms import forms
from tests.test_aliases import USER, _method, _model


@pytest.mark.parametrize(
    ("path", "read"),
    [
        ("~/users", ["/users"]),
        ("/~/users", ["/users"]),
        ("/me/messages(id='AAMk')", ["/me/messages"]),  # a call, not a key
        (
            "/me/messages('AAMk')/extensions('Com.Contoso.Referral')",
            ["/me/messages/AAMk/extensions/Com.Contoso.Referral", "/me/messages/AAMk/extensions"],
        ),
        # a quoted key may hold `=` (base64 ids) and `''` (an escaped quote)
        (
            "/me/messages('AAMkAGE1M2_as77AACHsLrBBBA=')",
            ["/me/messages/AAMkAGE1M2_as77AACHsLrBBBA="],
        ),
        ("/users('O''Neil')/events", ["/users/O'Neil/events"]),
        ("/users('a','b')", ["/users"]),  # two values: no key
        ("/users/delta()", ["/users/delta"]),
        ("/me/drive/root/delta(token='12')", ["/me/drive/root/delta"]),
        (
            "/tables(3)/rows/itemAt(index=6)",
            ["/tables/3/rows/itemAt(index=6)", "/tables/3/rows/itemAt"],
        ),
        ("/users/{id}/memberOf/microsoft.graph.group/$count", ["/users/{id}/memberOf"]),
        ("/domains/contoso.com", []),  # a key with a dot is no type cast
        ("/users/{id}", []),
    ],
)
def test_forms_of_a_path(path: str, read: list[str]) -> None:
    assert forms(path) == read


def test_a_path_relative_to_an_entity_matches_the_end_of_a_template() -> None:
    templates = [
        ("GET", normalize_path("/me/drive/items/{id}/workbook/worksheets")[0], "list"),
        ("GET", normalize_path("/me/drive/items/{id}/workbook/worksheets/{name}")[0], "get"),
        ("GET", normalize_path("/workbooks")[0], "other"),
    ]
    index = PathIndex(templates)
    assert [p for p, _ in index.match_within("GET", "/workbook/worksheets")] == ["list"]
    assert index.match_within("GET", "/workbook/worksheets/Sheet1") == [
        ("get", {"item-id": "x", "worksheet-name": "Sheet1"})
    ]
    assert index.match_within("GET", "/worksheets") == []  # not after a parameter
    assert index.match_within("POST", "/workbook/worksheets") == []


def test_examples_tie_in_any_of_those_forms(tmp_path: Path) -> None:
    pages = {
        "resources/user.md": USER,
        "api/user-delta.md": _method(["GET /users/delta"], example="/users/delta()"),
        "api/user-get.md": _method(["GET /users/{id}"], example="/users('42')"),
        "api/user-get-b64.md": _method(["GET /users/{id}"], example="/users('QUJD=')"),
        "api/user-list.md": _method(["GET /users"], example="/~/users"),
        "api/user-count.md": _method(
            ["GET /groups/{id}/members"], example="/groups/1/members/$count"
        ),
    }
    model = _model(tmp_path, pages)
    ties = {x.request.path: (x.endpoint, x.path_values) for x in model.examples}
    assert ties == {
        "/users/delta()": ("GET /users/delta", ()),
        "/users('42')": ("GET /users/{user-id}", (("user-id", "42"),)),
        "/users('QUJD=')": ("GET /users/{user-id}", (("user-id", "QUJD="),)),
        "/~/users": ("GET /users", ()),
        "/groups/1/members/$count": ("GET /groups/{group-id}/members", (("group-id", "1"),)),
    }
    codes = [(d.code, d.file) for d in model.diagnostics if d.code.startswith("X")]
    assert codes == [("X014", "api/user-list.md")]
