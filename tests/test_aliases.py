"""Path aliases (`generator.model.aliases`): inferred where the docs list two forms
together, declared in the settings, and examples tied through them."""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.config import load_config
from generator.model.aliases import Alias
from generator.model.types import ApiModel
from generator.pipeline.run import load_model

USER = """
# user resource type
## Properties
| Property | Type | Description |
|:--|:--|:--|
| id | String | Id. |

<!-- { "blockType": "resource", "@odata.type": "ns.user" } -->
```json
{ "id": "string" }
```
"""


def _method(syntax: list[str], example: str | None = None, returns: str = "user") -> str:
    lines = "\n".join(syntax)
    text = f"""
# A method
## HTTP request
<!-- {{ "blockType": "ignored" }} -->
```http
{lines}
```
## Response
If successful, this method returns a `200 OK` response code and a
[{returns}](../resources/{returns}.md) object in the response body.
"""
    if example is not None:
        text += f"""
## Example
<!-- {{ "blockType": "request", "name": "{example.replace("/", "_").strip("_")}" }} -->
```http
GET https://graph.microsoft.com/v1.0{example}
```
<!-- {{ "blockType": "response", "@odata.type": "ns.{returns}" }} -->
```http
HTTP/1.1 200 OK
Content-type: application/json

{{ "id": "1" }}
```
"""
    return text


PAGES = {
    "resources/user.md": USER,
    "resources/group.md": USER.replace("user", "group"),
    "api/user-get.md": _method(["GET /me", "GET /users/{id}"]),
    "api/group-get.md": _method(["GET /groups/{id}"], returns="group"),
    "api/user-list-events.md": _method(["GET /me/events", "GET /users/{id}/events"]),
    "api/user-list-calendars.md": _method(["GET /me/calendars", "GET /users/{id}/calendars"]),
    "api/list-notes.md": _method(["GET /me/notes", "GET /groups/{id}/notes"]),
    "api/user-list-plans.md": _method(["GET /users/{id}/plans"], example="/me/plans"),
    "api/me-list-tasks.md": _method(["GET /me/tasks"], example="/users/42/tasks"),
}


def _model(root: Path, pages: dict[str, str], settings: str = "") -> ApiModel:
    for rel, text in pages.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    if settings:
        (root / "docgen.toml").write_text(settings, encoding="utf-8")
    return load_model(root, load_config(root, aliases=None))


def _ties(model: ApiModel) -> dict[str, str | None]:
    return {x.request.path: x.endpoint for x in model.examples}


def test_paths_listed_together_for_one_type_are_aliases(tmp_path: Path) -> None:
    model = _model(tmp_path, PAGES)
    assert _ties(model) == {
        "/me/plans": "GET /users/{user-id}/plans",
        "/users/42/tasks": "GET /me/tasks",
    }
    codes = [(d.code, d.file) for d in model.diagnostics if d.code in ("X004", "X006", "X013")]
    # /me and /groups/{id} are listed together too, but answer other types: no alias
    assert codes == [("X013", "api/user-list-calendars.md")]


def test_an_alias_needs_two_pages_and_one_type(tmp_path: Path) -> None:
    pages = {k: v for k, v in PAGES.items() if k != "api/user-list-calendars.md"}
    pages["api/user-list-events.md"] = _method(["GET /me/events"])
    model = _model(tmp_path, pages)
    assert _ties(model)["/me/plans"] is None
    assert {"X006", "X004"} <= {d.code for d in model.diagnostics}
    assert "X013" not in {d.code for d in model.diagnostics}


def test_declared_aliases_come_from_the_settings(tmp_path: Path) -> None:
    pages = {
        "resources/user.md": USER,
        "api/user-list-plans.md": _method(["GET /users/{id}/plans"], example="/me/plans"),
    }
    assert _ties(_model(tmp_path, pages))["/me/plans"] is None  # nothing to infer from
    (tmp_path / "docgen.toml").write_text('aliases = { "/me" = "/users/{id}" }\n')
    result = CliRunner().invoke(main, ["model", str(tmp_path), "--no-cache"])
    assert result.exit_code == 0, result.output
    (example,) = json.loads(result.stdout)["examples"]
    assert example["endpoint"] == "GET /users/{user-id}/plans"


def test_declared_aliases_come_from_the_doc_sets_config_folder(tmp_path: Path) -> None:
    """`schemaConfig.aliases` in config/schema-config.json declares them for the doc
    set itself (every project that builds it); `[tool.docgen] aliases` wins for the same
    prefix."""
    pages = {
        "resources/user.md": USER,
        "api/user-list-plans.md": _method(["GET /users/{id}/plans"], example="/me/plans"),
    }
    (tmp_path / "config").mkdir()
    schema = {"schemaConfig": {"aliases": {"/me": "/users/{id}"}}}
    (tmp_path / "config" / "schema-config.json").write_text(json.dumps(schema))
    assert _ties(_model(tmp_path, pages))["/me/plans"] == "GET /users/{user-id}/plans"
    config = load_config(tmp_path, aliases={"/me": "/people/{id}", "/my": "/users/{id}"})
    assert config.aliases == (("/me", "/people/{id}"), ("/my", "/users/{id}"))


@pytest.mark.parametrize("aliases", [["/me"], {"me": "/users/{id}"}, {"/me": 3}])
def test_a_config_alias_that_is_not_a_path_is_an_error_naming_the_file(
    tmp_path: Path, aliases: object
) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "config").mkdir()
    schema = {"schemaConfig": {"aliases": aliases}}
    (tmp_path / "config" / "schema-config.json").write_text(json.dumps(schema))
    result = CliRunner().invoke(main, ["model", str(tmp_path), "--no-cache"])
    assert result.exit_code != 0 and "schema-config.json" in result.output
    assert "aliases" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("alias", ['{ "me" = "/users/{id}" }', '{ "/me" = 3 }'])
def test_an_alias_that_is_not_a_path_is_an_error_naming_the_file(
    tmp_path: Path, alias: str
) -> None:
    (tmp_path / "api").mkdir()
    (tmp_path / "docgen.toml").write_text(f"aliases = {alias}\n")
    result = CliRunner().invoke(main, ["model", str(tmp_path), "--no-cache"])
    assert result.exit_code != 0 and "docgen.toml" in result.output
    assert "Traceback" not in result.output


def test_an_alias_rewrites_either_way() -> None:
    alias = Alias("/me", "/users/{id}")
    assert alias.rewrites("/me/events") == ["/users/me/events"]
    assert alias.rewrites("/me") == ["/users/me"]
    assert alias.rewrites("/users/42/events") == ["/me/events"]
    assert alias.rewrites("/meetings") == []
    assert Alias("/me/drive", "/drives/{id}").rewrites("/me/drive/root") == ["/drives/drive/root"]


def test_examples_on_two_pages_that_write_another_prefix_show_an_alias(tmp_path: Path) -> None:
    """An older doc set lists only `/users/<id>/plans`, and its examples write
    `/me/plans`: on two pages or more, the examples say `/me` stands for `/users/{id}`
    (X013), and they tie."""
    pages = {
        "resources/user.md": USER,
        "api/user-list-plans.md": _method(["GET /users/<id>/plans"], example="/me/plans"),
        "api/user-list-notes.md": _method(["GET /users/<id>/notes"], example="/me/notes"),
    }
    model = _model(tmp_path, pages)
    assert all(x.endpoint is not None for x in model.examples)
    (finding,) = [d for d in model.diagnostics if d.code == "X013"]
    assert "/me stands for /users/" in finding.message and "examples on 2 pages" in finding.message
    one = {k: v for k, v in pages.items() if k != "api/user-list-notes.md"}
    alone = _model(tmp_path / "one", one)
    assert [x.endpoint for x in alone.examples] == [None]  # one page shows nothing
