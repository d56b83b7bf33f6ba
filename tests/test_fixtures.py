"""The tests target: one fixture per documented example, skip reasons, the generated suite."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from generator.diagnostics import Diagnostic
from generator.emit import fixtures as tests_module
from generator.emit.server import server_target
from generator.model.types import ApiModel
from generator.pipeline.run import load_model
from tests.conftest import GROUPS, as_text
from tests.test_server import ROUTED, THING, _example, _model, _write

FIXTURE_NAME = re.compile(r"^[a-z_][a-z0-9_]*\.json$")


@pytest.fixture(scope="module")
def groups_model() -> ApiModel:
    return load_model(GROUPS)


def test_tests_files_snapshot(groups_model: ApiModel, snapshot: SnapshotAssertion) -> None:
    files = as_text(tests_module.tests_target(groups_model, {}))
    assert files == snapshot
    assert files == as_text(tests_module.tests_target(groups_model, {}))
    assert len([f for f in files if f.startswith("tests/fixtures/")]) == len(groups_model.examples)


def test_fixture_names_are_safe_unique_and_stable() -> None:
    ids = ["get-thing", "get_thing", "../get thing", "Get-Thing", "2fa", "ÿ"]
    examples = [_example(i, "GET /things/{thing-id}", "GET /things/1", {}) for i in ids]
    names = list(tests_module.fixtures(_model(ROUTED, examples)))
    assert len(set(names)) == len(ids) and all(FIXTURE_NAME.match(n) for n in names)
    assert names == list(tests_module.fixtures(_model(ROUTED, list(reversed(examples)))))


def _skips(model: ApiModel) -> dict[str, tuple[str | None, str | None]]:
    return {
        f["id"]: (f["skip"]["server"], f["skip"]["client"])
        for f in tests_module.fixtures(model).values()
    }


def test_examples_that_cannot_be_replayed_say_why() -> None:
    unknown = _example("unknown", None, "GET /nowhere", {})
    lost = _example("lost", "GET /things/{thing-id}", "GET /things/1", None)
    lost = dataclasses.replace(lost, response=None)
    broken = _example("broken", "POST /things", "POST /things", {}, request='{"id": }')
    broken = dataclasses.replace(
        broken, request=dataclasses.replace(broken.request, body_is_json=False)
    )
    moved = _example("moved", "GET /things/{thing-id}", "GET /things/2", None, status=302,
                     response_headers=(("Location", "https://elsewhere.test/x"),))  # fmt: skip
    counted = _example("counted", "GET /things/{thing-id}", "GET /things/$count", "3",
                       json=False, values=(("thing-id", "$count"),))  # fmt: skip
    odd = _example("odd", "GET /things/{thing-id}", "GET /things/3", {"size": "big"})
    odd = dataclasses.replace(odd, response=dataclasses.replace(odd.response, odata_type=THING))
    fine = _example("fine", "GET /things/{thing-id}", "GET /things/4", {"size": 4})
    diagnostics = (
        Diagnostic("api/x.md", 1, 1, "X006", "example GET /nowhere matches no documented endpoint"),
    )
    model = dataclasses.replace(
        _model(ROUTED, [unknown, lost, broken, moved, counted, odd, fine]), diagnostics=diagnostics
    )
    skips = _skips(model)
    assert skips["unknown"] == (diagnostics[0].format(),) * 2
    assert "no documented response" in str(skips["lost"][0])
    assert "not JSON" in str(skips["broken"][0])
    assert skips["moved"][0] is None and "https://elsewhere.test/x" in str(skips["moved"][1])
    assert skips["counted"][0] is None and "thing-id=$count" in str(skips["counted"][1])
    assert skips["odd"][0] is None and "body.size: expected an integer" in str(skips["odd"][1])
    assert skips["fine"] == (None, None)


def test_identical_requests_pick_their_example_with_prefer() -> None:
    first = _example("first", "GET /things/{thing-id}", "GET /things/1", {"n": 1})
    second = _example("second", "GET /things/{thing-id}", "GET /Things/1/", {"n": 2})
    other = _example("other", "GET /things/{thing-id}", "GET /things/1?$top=1", {"n": 3})
    found = {
        f["id"]: f for f in tests_module.fixtures(_model(ROUTED, [first, second, other])).values()
    }
    assert [found[i]["prefer"] for i in ("first", "second", "other")] == [
        None,
        "example=second",
        None,
    ]


def test_fixture_records_request_response_source_and_expectation(groups_model: ApiModel) -> None:
    fixture = tests_module.fixtures(groups_model)["delete_conversationthread.json"]
    assert fixture["request"]["method"] == "DELETE"
    assert fixture["request"]["source"] == "api/conversationthread-delete.md:53"
    assert fixture["expect"] == {"status": 204, "headers": [], "contentType": None, "empty": True}
    assert fixture["operation"] == {"area": "groups", "name": "delete_thread"}
    assert fixture["pathArgs"] == ["{id}", "{id}"]


def test_package_names_follow_the_settings(groups_model: ApiModel) -> None:
    files = as_text(
        tests_module.tests_target(groups_model, {"package": "contoso", "base_path": "/"})
    )
    helper = files["tests/docgen_replay.py"]
    assert 'SERVER_PACKAGE = "contoso_server"' in helper and 'CLIENT_PACKAGE = "contoso"' in helper
    assert 'BASE_PATH = ""' in helper


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_stub_answers_every_replayable_example(
    graph_model: ApiModel, tmp_path: Path
) -> None:
    """The v1.0 stub (no client) against every documented example: nothing fails."""
    model = graph_model
    _write(
        {**as_text(server_target(model, {})), **as_text(tests_module.tests_target(model, {}))},
        tmp_path,
    )
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", "tests"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    summary = result.stdout.strip().splitlines()[-1]
    print(f"{summary} ({time.perf_counter() - started:.1f} s)")
    assert result.returncode == 0, result.stdout[-5000:]
    counts = {word: int(n) for n, word in re.findall(r"(\d+) (passed|skipped|failed)", summary)}
    assert counts.get("passed", 0) > 2000 and "failed" not in counts
    fixtures = [json.loads(p.read_text()) for p in (tmp_path / "tests" / "fixtures").glob("*.json")]
    assert len(fixtures) == len(model.examples)
    unexplained = [
        f["id"]
        for f in fixtures
        if f["skip"]["server"] and not re.search(r":\d+", f["skip"]["server"])
    ]
    assert not unexplained, unexplained[:10]
