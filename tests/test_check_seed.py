"""The seed page: each inconsistency the corpus README lists is reported at its line.

README: `<objectId>`/`<Id>` placeholders instead of `{id}`, PascalCase JSON
property names, a template header row (`X-Sample-Header`), an empty scopes line,
three alternative request paths, an example request whose path does not match
the syntax block, and links to a resource page that is not in the set.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.check.context import CheckOptions
from generator.check.runner import run_checks
from generator.diagnostics import Diagnostic
from generator.model.resolve import build_model
from generator.pipeline.run import parse_doc_set
from tests.conftest import GROUPS, SEED

PAGE = "create-thread.md"


def _check(root: Path) -> list[Diagnostic]:
    parsed = parse_doc_set(root)
    model = build_model(parsed.pages, parsed.config)
    found = run_checks(model, parsed.pages, parsed.config, CheckOptions(root=root))
    return [d for d in found if d.file == PAGE]


@pytest.fixture(scope="module")
def alone(tmp_path_factory: pytest.TempPathFactory) -> list[Diagnostic]:
    if not (SEED / PAGE).is_file():
        pytest.skip(f"seed page not present at {SEED}")
    root = tmp_path_factory.mktemp("seed")
    shutil.copy(SEED / PAGE, root / PAGE)
    return _check(root)


@pytest.fixture(scope="module")
def with_types(tmp_path_factory: pytest.TempPathFactory) -> list[Diagnostic]:
    """The seed page beside the bundled sample's resources, so its body can be typed."""
    if not (SEED / PAGE).is_file():
        pytest.skip(f"seed page not present at {SEED}")
    root = tmp_path_factory.mktemp("seed-typed")
    shutil.copy(SEED / PAGE, root / PAGE)
    shutil.copytree(GROUPS / "resources", root / "resources")
    return _check(root)


def _at(found: list[Diagnostic], code: str) -> list[int]:
    return sorted({d.line for d in found if d.code == code})


def test_empty_scopes_line(alone: list[Diagnostic]) -> None:
    assert _at(alone, "T004") == [5]


def test_angle_placeholders_in_every_path(alone: list[Diagnostic]) -> None:
    assert _at(alone, "P003") == [9, 10, 11, 34]
    assert "<objectId>, <Id>" in next(d.message for d in alone if d.code == "P003")


def test_three_alternative_paths_each_reported(alone: list[Diagnostic]) -> None:
    assert _at(alone, "P004") == [9, 10, 11]
    ten = next(d.message for d in alone if d.code == "P004" and d.line == 10)
    assert "JoinedGroups, Conversations, Threads" in ten


def test_template_header_row(alone: list[Diagnostic]) -> None:
    assert _at(alone, "T003") == [17]


def test_links_to_a_resource_page_not_in_the_set(alone: list[Diagnostic]) -> None:
    assert _at(alone, "R008") == [20, 24]
    assert _at(alone, "L005") == [36]  # `../resources/...` leaves the one-page doc set


def test_example_path_does_not_match_the_syntax_block(alone: list[Diagnostic]) -> None:
    assert _at(alone, "X004") == [34]
    message = next(d.message for d in alone if d.code == "X004")
    assert message.endswith("nearest: POST /groups/<objectId>/Conversations/<Id>/Threads (line 9)")
    assert _at(alone, "X006") == [34]


def test_response_type_not_in_the_set(alone: list[Diagnostic]) -> None:
    assert _at(alone, "B007") == [39]


def test_pascal_case_property_names(with_types: list[Diagnostic]) -> None:
    found = [d for d in with_types if d.code == "B001"]
    assert [d.line for d in found] == [50, 58, 59, 60, 61, 64, 72, 73, 74]
    assert all(d.col == 3 for d in found)
    assert (
        'ToRecipients: microsoft.graph.conversationThread has no property "ToRecipients"; did you mean "toRecipients"?'
        in found[0].message
    )
