"""Which page owns a method and path documented on several (`resolve._choose_owners`)."""

from __future__ import annotations

from pathlib import Path

from tests.test_aliases import USER, _method, _model

PERMISSIONS = """
## Permissions
| Permission type | Permissions (from least to most privileged) |
|:--|:--|
| Application | {scopes} |
"""


def _with_permissions(page: str, scopes: str) -> str:
    return page.replace("## HTTP request", PERMISSIONS.format(scopes=scopes) + "## HTTP request")


def test_the_page_about_the_resource_owns_its_path(tmp_path: Path) -> None:
    """`GET /users` on `user-list.md` (answers users) and on an Intune page (answers
    nothing typed, other permissions): the first owns it, keeps the other, and the
    other is told it disagrees."""
    pages = {
        "resources/user.md": USER,
        "api/user-list.md": _with_permissions(_method(["GET /users"]), "User.Read.All"),
        "api/intune-devices-user-list.md": _with_permissions(
            _method(["GET /users"], returns="intuneUser"), "DeviceManagement.Read.All"
        ),
    }
    pages["api/user-list.md"] = pages["api/user-list.md"].replace(
        "[user](../resources/user.md) object", "collection of [user](../resources/user.md) objects"
    )
    model = _model(tmp_path, pages)
    (endpoint,) = model.endpoints
    assert endpoint.source.file == "api/user-list.md"
    assert endpoint.response.type is not None and endpoint.response.type.collection
    assert endpoint.also_on == ("api/intune-devices-user-list.md",)
    found = {(d.code, d.file) for d in model.diagnostics if d.code in ("P002", "P005")}
    assert found == {
        ("P002", "api/intune-devices-user-list.md"),
        ("P005", "api/intune-devices-user-list.md"),
    }
    (p005,) = [d for d in model.diagnostics if d.code == "P005"]
    assert "other permissions" in p005.message and "api/user-list.md" in p005.message


def test_a_get_by_key_is_owned_by_the_page_that_answers_one(tmp_path: Path) -> None:
    pages = {
        "resources/user.md": USER,
        "api/a-list.md": _method(["GET /users", "GET /users/{id}"]).replace(
            "[user](../resources/user.md) object",
            "collection of [user](../resources/user.md) objects",
        ),
        "api/b-get.md": _method(["GET /users/{id}"]),
    }
    model = _model(tmp_path, pages)
    owners = {e.id: e.source.file for e in model.endpoints}
    assert owners == {"GET /users": "api/a-list.md", "GET /users/{user-id}": "api/b-get.md"}


def test_a_derived_type_on_another_page_is_no_disagreement(tmp_path: Path) -> None:
    """`GET /mobileApps/{id}` answers a mobileApp on its page and a derived iosApp (or a
    sibling under the same base) on another: the path answers any of them."""
    app = USER.replace("user", "mobileApp")
    derived = app.replace(
        '"@odata.type": "ns.mobileApp"', '"baseType": "ns.mobileApp", "@odata.type": "ns.iosApp"'
    )
    sibling = derived.replace("ns.iosApp", "ns.androidApp")
    pages = {
        "resources/mobileapp.md": app,
        "resources/iosapp.md": derived.replace("mobileApp resource", "iosApp resource"),
        "resources/androidapp.md": sibling.replace("mobileApp resource", "androidApp resource"),
        "api/mobileapp-get.md": _method(["GET /mobileApps/{id}"], returns="mobileApp"),
        "api/iosapp-get.md": _method(["GET /mobileApps/{id}"], returns="iosApp"),
        "api/androidapp-get.md": _method(["GET /mobileApps/{id}"], returns="androidApp"),
        "api/user-get.md": _method(["GET /mobileApps/{id}"]),  # a user: not of the family
    }
    pages["resources/user.md"] = USER
    model = _model(tmp_path, pages)
    (endpoint,) = model.endpoints
    assert endpoint.source.file == "api/mobileapp-get.md"
    p005 = [d.file for d in model.diagnostics if d.code == "P005"]
    assert p005 == ["api/user-get.md"]
