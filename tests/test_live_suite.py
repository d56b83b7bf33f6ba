"""The generated suite against a live service (`--base-url`): the stateful twin stands in
for the service, and a tiny fake server for one that contradicts its docs."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from generator.emit import fixtures as tests_module
from generator.emit.server import server_target
from generator.emit.shapes import Types
from generator.pipeline.run import load_model
from tests.conftest import GROUPS, as_text
from tests.test_server import _write

TOKEN_VAR = "DOCGEN_LIVE_TEST_TOKEN"
TOKEN = "s3cret-token-never-printed"
SERVER = "microsoft_graph_server"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`samples/groups` built into a folder: the server and tests targets."""
    model = load_model(GROUPS)
    root = tmp_path_factory.mktemp("live")
    _write(
        {**as_text(server_target(model, {})), **as_text(tests_module.tests_target(model, {}))}, root
    )
    return root


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        assert process.poll() is None, "the twin exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("the twin did not start")


@pytest.fixture
def twin(out: Path) -> Iterator[str]:
    """The generated server's stateful twin on a free port: its base URL."""
    port = _free_port()
    command = [sys.executable, "-m", SERVER, "--mode", "stateful", "--port", str(port)]
    process = subprocess.Popen(
        command, cwd=out / "server", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_for(port, process)
        yield f"http://127.0.0.1:{port}/v1.0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _suite(out: Path, base_url: str, *options: str) -> subprocess.CompletedProcess[str]:
    """The generated suite, live, in a subprocess (verbose, skip reasons shown)."""
    command = [sys.executable, "-m", "pytest", "tests", "-v", "-rs", "-p", "no:cacheprovider"]
    command += ["--base-url", base_url, "--token-env", TOKEN_VAR, *options]
    env = {**os.environ, TOKEN_VAR: TOKEN}
    return subprocess.run(command, cwd=out, env=env, capture_output=True, text=True, timeout=120)


def _outcomes(output: str) -> dict[str, str]:
    """Fixture stem -> PASSED / FAILED / SKIPPED, from `-v` output."""
    found = re.findall(
        r"test_service_answers_as_documented\[(\w+)\] (PASSED|FAILED|SKIPPED)", output
    )
    return dict(found)


def _fixture(out: Path, stem: str) -> dict[str, Any]:
    return dict(json.loads((out / "tests" / "fixtures" / f"{stem}.json").read_text()))


# ----- against the twin ----------------------------------------------------------------------

# The twin keeps one documented answer per entity: a `$select` of properties only
# another example shows comes back without them, which the live check rightly reports.
TWIN_SELECT_GAP = (
    "tests/test_live_service.py::test_service_answers_as_documented[get_group_non_default]"
)


def test_reads_pass_against_the_twin_and_writes_wait_for_allow_writes(out: Path, twin: str) -> None:
    result = _suite(out, twin, "--deselect", TWIN_SELECT_GAP)
    outcomes = _outcomes(result.stdout)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "test_server_examples.py" not in result.stdout  # the stub's checks are not run
    reads = {s for s, o in outcomes.items() if _fixture(out, s)["request"]["method"] == "GET"}
    assert {s for s in reads if outcomes[s] == "PASSED"} >= {
        "get_group",
        "get_groups",
        "get_count_only",
    }
    writes = {s for s in outcomes if s not in reads}
    assert writes and all(outcomes[s] == "SKIPPED" for s in writes)
    assert "a POST: replayed only with --allow-writes" in result.stdout
    # an id the twin cannot list under the first groups: skipped, naming the parameter
    assert re.search(
        r"no value for \{(conversation|thread)-id\}: GET /groups/\S+ lists", result.stdout
    )
    assert "docgen live report: " in result.stdout and " 0 mismatches" in result.stdout
    assert TOKEN not in result.stdout + result.stderr


def test_allow_writes_replays_writes_on_what_the_run_created(
    out: Path, twin: str, tmp_path: Path
) -> None:
    report = tmp_path / "live-report.txt"
    result = _suite(out, twin, "--allow-writes", "--live-report", str(report))
    outcomes = _outcomes(result.stdout)
    for stem in (
        "create_group",
        "create_conversationthread_from_group",
        "update_conversationthread",
        "delete_conversationthread",
    ):
        assert outcomes.get(stem) in ("PASSED", "FAILED"), (stem, result.stdout[-3000:])
    assert outcomes["delete_conversationthread"] == "PASSED"
    text = report.read_text()
    assert text.startswith("docgen live report: ") and TOKEN not in text
    for line in text.splitlines()[1:]:
        assert re.match(
            r"^(GET|POST|PUT|PATCH|DELETE) \S+: expected .+, got .+ \([\w/.-]+\.md:\d+\)$", line
        ) or line.startswith("notes ")
    assert f"written to {report}" in result.stdout
    assert TOKEN not in result.stdout + result.stderr


# ----- against a service that contradicts its docs --------------------------------------------


class _Fake(BaseHTTPRequestHandler):
    """Answers a GET of a documented path with its documented body (`answers`), else 404;
    records the Authorization headers it was sent."""

    answers: dict[str, tuple[int, Any]] = {}
    authorizations: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.authorizations.append(self.headers.get("Authorization", ""))
        status, body = self.answers.get(self.path, (404, {"error": {"code": "NotFound"}}))
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


def test_a_service_that_contradicts_its_docs_is_reported_with_the_doc_line(
    out: Path, tmp_path: Path
) -> None:
    groups, count = _fixture(out, "get_groups"), _fixture(out, "get_count_only")
    listed = json.loads(json.dumps(groups["response"]["body"]))
    listed["value"][0]["createdDateTime"] = 12  # a DateTimeOffset documented
    for item in listed["value"]:
        del item["displayName"]
    _Fake.answers = {"/v1.0/groups": (200, listed), "/v1.0/groups/$count": (500, {"error": {}})}
    _Fake.authorizations = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Fake)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    report = tmp_path / "report.txt"
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/v1.0"
        result = _suite(
            out, base, "-k", "get_groups or get_count_only", "--live-report", str(report)
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 1, result.stdout[-3000:]
    lines = report.read_text().splitlines()
    source = groups["response"]["source"]
    assert (
        f"GET /groups: expected body.value[0].createdDateTime a DateTimeOffset, got 12 ({source})"
        in lines
    )
    assert (
        f"GET /groups: expected body.value[*] to have displayName, got none in any item ({source})"
        in lines
    )
    assert (
        f"GET /groups/$count: expected status 200, got 500 ({count['response']['source']})" in lines
    )
    assert _Fake.authorizations and set(_Fake.authorizations) == {f"Bearer {TOKEN}"}
    assert TOKEN not in result.stdout + result.stderr + report.read_text()


# ----- the checks alone -----------------------------------------------------------------------

TYPES = {
    "resources": {
        "ns.event": {
            "base": None,
            "abstract": False,
            "properties": [
                ["id", "Edm.Guid", False, False],
                ["size", "Edm.Int32", False, False],
                ["start", "Edm.DateTimeOffset", False, False],
                ["tags", "Edm.String", True, False],
                ["place", "ns.place", False, False],
                ["kind", "ns.kind", False, False],
            ],
        },
        "ns.place": {
            "base": None,
            "abstract": False,
            "properties": [["room", "Edm.Int16", False, False]],
        },
    },
    "enums": {"ns.kind": {"members": ["a", "b"], "flags": False}},
}


def test_types_are_checked_recursively_and_additions_are_notes(out: Path) -> None:
    sys.path.insert(0, str(out / "tests"))
    try:
        import docgen_conformance as conformance
    finally:
        sys.path.remove(str(out / "tests"))
    documented = {
        "id": "x",
        "size": 1,
        "start": "s",
        "tags": ["t"],
        "place": {"room": 1},
        "note": "n",
    }
    answered = {
        "id": "not-a-guid",
        "size": 2**31,
        "start": "2024-01-02T03:04:05.1234567Z",
        "tags": "t",
        "place": {"room": "1", "extra": 1},
        "kind": "c",
        "note": 5,
    }
    example = {
        "expect": {"status": 200, "empty": False},
        "response": {
            "bodyIsJson": True,
            "body": documented,
            "type": {"name": "ns.event", "collection": False},
        },
    }
    body = json.dumps(answered).encode()
    found = conformance.check(example, Types(TYPES), None, 200, "application/json", body)
    said = {(f.where, f.expected, f.note) for f in found}
    assert said == {
        ("body.id", "a Guid", False),
        ("body.size", "an integer (Int32)", False),
        ("body.tags", "an array", False),
        ("body.place.room", "an integer (Int16)", False),
        ("body.place", "only documented keys", True),
        ("body.kind", "a member of ns.kind", True),
        ("body.note", "a string", False),  # untyped: the example's kind
    }
    assert (
        conformance.check(example, Types(TYPES), None, 404, "application/json", body)[0].line(
            "GET", "/events/1", "api/event-get.md:9"
        )
        == "GET /events/1: expected status 200, got 404 (api/event-get.md:9)"
    )
