"""The server target: generated files, routing, documented answers, body checks, handlers."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import json
import os
import queue
import re
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from syrupy.assertion import SnapshotAssertion
from uvicorn.protocols.http.auto import AutoHTTPProtocol

from generator.cli import main as docgen
from generator.emit import fixtures as tests_module
from generator.emit.render import format_python
from generator.emit.server import server_data, server_target
from generator.emit.shapes import Types
from generator.model.types import (
    PRIMITIVE,
    RESOURCE,
    ApiModel,
    Endpoint,
    Example,
    ExampleRequest,
    ExampleResponse,
    Parameter,
    Property,
    Resource,
    ResponseSpec,
    Source,
    TypeRef,
)
from generator.pipeline.run import load_model
from generator.serve import runtime_module, serve, stub_app
from tests.conftest import GROUPS, as_text

SRC = Source("api/x.md", 1)
THING = "test.thing"


def _endpoint(method: str, path: str, status: int = 200, **kw: Any) -> Endpoint:
    response = ResponseSpec(status, kw.pop("response", TypeRef(THING, RESOURCE)))
    fields = {"parameters": (), "request_body": None, "permissions": (), "description": ""}
    fields |= {"title": "", "alternatives": (), "source": SRC, "raw_path": path, **kw}
    return Endpoint(id=f"{method} {path}", method=method, path=path, response=response, **fields)


def _example(eid: str, endpoint: str | None, url: str, body: Any, **kw: Any) -> Example:
    method, _, path = url.partition(" ")
    path, _, query = path.partition("?")
    request = ExampleRequest(
        method, url, path, query, kw.get("headers", ()), kw.get("request"), True, None, SRC
    )
    response = ExampleResponse(
        kw.get("status", 200), kw.get("response_headers", ()), body, kw.get("json", True),
        kw.get("content_type"), None, False, False, SRC,
    )  # fmt: skip
    return Example(eid, eid, endpoint, kw.get("values", ()), request, response, False, SRC)


def _thing() -> Resource:
    props = (
        Property("id", TypeRef("Edm.String", PRIMITIVE)),
        Property("size", TypeRef("Edm.Int32", PRIMITIVE)),
        Property("tags", TypeRef("Edm.String", PRIMITIVE, collection=True)),
    )
    return Resource(THING, "test", "thing", None, "id", False, False, "", props, SRC)


def _model(endpoints: list[Endpoint], examples: list[Example]) -> ApiModel:
    endpoints = sorted(endpoints, key=lambda e: e.id)
    return ApiModel(1, "test", ("https://api.test/v2",), 1, (_thing(),), (), tuple(endpoints),
                    tuple(examples), ())  # fmt: skip


async def _send(app: Any, method: str, url: str, **kw: Any) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        return await c.request(method, url, **kw)


def call(app: Any, method: str, url: str, **kw: Any) -> httpx.Response:
    return asyncio.run(_send(app, method, url, **kw))


ROUTED = [
    _endpoint("GET", "/things/{thing-id}"),
    _endpoint("GET", "/things/$count", response=TypeRef("Edm.Int32", PRIMITIVE)),
    _endpoint("GET", "/things/{thing-id}/$value", response=TypeRef("Edm.Stream", PRIMITIVE)),
    _endpoint("GET", "/reports/getUsage(period='{period}')"),
    _endpoint("GET", "/drive/root:/{item-path}:"),
    _endpoint("GET", "/drive/root:/{item-path}:/content"),
    _endpoint("GET", "/{owner}/things"),
    _endpoint("POST", "/things", 201, request_body=TypeRef(THING, RESOURCE)),
    _endpoint("POST", "/things/{thing-id}/tag", 204, response=None, parameters=(
        Parameter("tag", "body", TypeRef("Edm.String", PRIMITIVE)),)),
]  # fmt: skip


@pytest.fixture(scope="module")
def app() -> Any:
    examples = [
        _example("one", "GET /things/{thing-id}", "GET /things/1", {"id": "1"}),
        _example("big", "GET /things/{thing-id}", "GET /things/2?$select=size", {"size": 9}),
        _example("made", "POST /things", "POST /things", {"id": "n"}, status=201,
                 request={"id": "n", "size": "wrong"},
                 response_headers=(("Location", "https://api.test/v2/things/n"),
                                   ("Content-Length", "999"))),
        _example("again", "POST /things", "POST /things", {"id": "m"}, status=201,
                 request={"id": "n", "size": "wrong"}),
        _example("blob", "GET /things/{thing-id}/$value", "GET /things/1/$value", "raw bytes",
                 json=False, content_type="text/plain"),
        _example("gone", "POST /things/{thing-id}/tag", "POST /things/1/tag", {"ignored": 1},
                 status=204),
    ]  # fmt: skip
    return stub_app(_model(ROUTED, examples))


@pytest.mark.parametrize(
    ("url", "endpoint"),
    [
        ("/v2/things/abc", "GET /things/{thing-id}"),
        ("/v2/things/$count", "GET /things/$count"),
        ("/v2/Things/%24count/", "GET /things/$count"),
        ("/v2/things/a%2Fb/$value", "GET /things/{thing-id}/$value"),
        ("/v2/reports/getUsage(period='D7')", "GET /reports/getUsage(period='{period}')"),
        ("/v2/drive/root:/a/b/c.txt:", "GET /drive/root:/{item-path}:"),
        ("/v2/drive/root:/a/b/c.txt:/content", "GET /drive/root:/{item-path}:/content"),
        ("/v2/me/things", "GET /{owner}/things"),
    ],
)
def test_the_most_specific_template_answers(app: Any, url: str, endpoint: str) -> None:
    response = call(app, "GET", url)
    assert response.status_code == 200, response.text
    assert response.headers["x-docgen-endpoint"] == endpoint


def test_the_best_matching_example_answers_byte_for_byte(app: Any) -> None:
    assert call(app, "GET", "/v2/things/1").json() == {"id": "1"}
    picked = call(app, "GET", "/v2/things/7?%24select=size")
    assert picked.headers["x-docgen-example"] == "big"
    assert picked.content == json.dumps({"size": 9}, indent=2).encode()
    assert call(app, "GET", "/v2/things/1", headers={"Prefer": "example=big"}).json() == {"size": 9}


def test_documented_status_headers_and_non_json_bodies(app: Any) -> None:
    made = call(app, "POST", "/v2/things", json={"id": "n", "size": "wrong"})
    assert made.status_code == 201
    assert made.headers["location"] == "https://api.test/v2/things/n"
    assert made.headers["content-length"] == str(len(made.content))
    blob = call(app, "GET", "/v2/things/1/$value")
    assert (blob.content, blob.headers["content-type"]) == (
        b"raw bytes",
        "text/plain; charset=utf-8",
    )
    gone = call(app, "POST", "/v2/things/1/tag", json={"tag": "x"})
    assert (gone.status_code, gone.content) == (204, b"")


def test_an_endpoint_without_examples_answers_a_synthesised_valid_value(app: Any) -> None:
    response = call(app, "GET", "/v2/me/things")
    assert response.headers["x-docgen-synthesized"] == "true"
    assert response.json() == {"id": "string", "size": 0, "tags": ["string"]}
    types = Types(server_data(_model(ROUTED, []))["types"])
    assert types.check_response(response.json(), THING, False) is None
    count = call(app, "GET", "/v2/things/$count")
    assert count.json() == {"value": 0}


def _error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] == code and set(error) == {"code", "message"}
    return str(error["message"])


def test_bad_bodies_unknown_paths_and_methods_get_the_error_shape(app: Any) -> None:
    bad_json = call(
        app, "POST", "/v2/things", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert "line 1 column 2" in _error(bad_json, 400, "BadRequest")
    wrong = call(app, "POST", "/v2/things", json={"id": "x", "size": "big"})
    assert "body.size: expected an integer" in _error(wrong, 400, "BadRequest")
    wrong_param = call(app, "POST", "/v2/things/1/tag", json={"tag": 5})
    assert "body.tag" in _error(wrong_param, 400, "BadRequest")
    assert call(app, "POST", "/v2/things", json={"id": "x", "extra": [1]}).status_code == 201
    _error(call(app, "GET", "/v2/nothing/here/at/all"), 404, "NotFound")
    _error(call(app, "GET", "/elsewhere"), 404, "NotFound")
    not_allowed = call(app, "DELETE", "/v2/things")
    _error(not_allowed, 405, "MethodNotAllowed")
    assert not_allowed.headers["allow"] == "POST"
    huge = b'{"id": "' + b"x" * (16 * 1024 * 1024) + b'"}'
    too_big = call(
        app, "POST", "/v2/things", content=huge, headers={"content-type": "application/json"}
    )
    _error(too_big, 413, "RequestEntityTooLarge")


def test_a_body_the_docs_show_is_accepted_even_against_its_type(app: Any) -> None:
    made = call(app, "POST", "/v2/things", json={"id": "n", "size": "wrong"})
    assert made.headers["x-docgen-example"] == "made"  # the first of two identical requests
    again = call(app, "POST", "/v2/things", json={"id": "n", "size": "wrong"},
                 headers={"Prefer": 'return=minimal, example="again"'})  # fmt: skip
    assert again.json() == {"id": "m"}


def test_url_values_never_reach_files_and_errors_name_no_paths(app: Any) -> None:
    for url in ("/v2/things/..%2F..%2F..%2Fetc%2Fpasswd", "/v2/../../etc/passwd", "/v2/%00"):
        response = call(app, "GET", url)
        assert b"root:" not in response.content
        assert str(Path.cwd()) not in response.text and "/tmp" not in response.text


# ----- the generated package -------------------------------------------------------------------


@pytest.fixture(scope="module")
def groups_model() -> ApiModel:
    return load_model(GROUPS)


def _write(files: dict[str, str], root: Path) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def groups_root(groups_model: ApiModel, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated server for the sample, written out (in `server/`)."""
    root = tmp_path_factory.mktemp("groups")
    _write(as_text(server_target(groups_model, {})), root)
    return root


@pytest.fixture(scope="module")
def groups_package(groups_root: Path) -> Iterator[Any]:
    sys.path.insert(0, str(groups_root / "server"))
    try:
        yield importlib.import_module("microsoft_graph_server")
    finally:
        sys.path.remove(str(groups_root / "server"))
        for name in [n for n in sys.modules if n.startswith("microsoft_graph_server")]:
            del sys.modules[name]


def test_server_files_snapshot(groups_model: ApiModel, snapshot: SnapshotAssertion) -> None:
    files = as_text(server_target(groups_model, {}))
    assert files == snapshot
    assert files == as_text(server_target(groups_model, {}))  # same bytes every time
    for rel, text in files.items():
        if rel.endswith(".py"):
            compile(text, rel, "exec")


def test_hostile_doc_names_give_valid_black_python() -> None:
    hostile = [
        _endpoint("GET", "/class/{2fa}/$value", title='say """hi""" \\ {{ x }}'),
        _endpoint("GET", "/class/{self}/{call}", title="documented"),
        _endpoint("POST", "/import/{def}/documented", title="x\u2028y"),
        _endpoint("GET", "/2fa/things"),
    ]
    model = dataclasses.replace(_model(hostile, []), namespace="2fa.class")
    files = as_text(server_target(model, {"package": "import"}))
    assert "server/import_server/handlers.py" in files
    for rel, text in files.items():
        if rel.endswith(".py"):
            compile(text, rel, "exec")
            assert format_python(text) == text, rel


def test_settings_name_the_package_and_the_base_path(groups_model: ApiModel) -> None:
    files = as_text(server_target(groups_model, {"package": "contoso", "base_path": "api/"}))
    assert 'BASE_PATH = "/api"' in files["server/contoso_server/app.py"]
    assert 'name = "contoso-server"' in files["server/pyproject.toml"]


def test_a_subclassed_handler_replaces_one_endpoint(groups_package: Any) -> None:
    class Mine(groups_package.Handlers):  # type: ignore[misc]
        def groups_get_group(self, call: Any, group_id: str) -> Any:
            return {"id": group_id, "params": dict(call.params)} if group_id == "mine" else None

        async def groups_list_groups(self, call: Any) -> Any:
            raise RuntimeError(str(Path.cwd()))

    app = groups_package.create_app(handlers=Mine())
    assert call(app, "GET", "/v1.0/groups/mine").json() == {
        "id": "mine",
        "params": {"group-id": "mine"},
    }
    assert call(app, "GET", "/v1.0/groups/other").status_code == 204
    failed = call(app, "GET", "/v1.0/groups")
    assert "RuntimeError" in _error(failed, 500, "InternalServerError")
    assert str(Path.cwd()) not in failed.text
    documented = call(app, "GET", "/v1.0/groups/b320ee12-b1cd-4cca-b648-a437be61c5cd/threads")
    assert documented.headers["x-docgen-example"] == "group_get_threads"


def test_the_readme_example_runs(groups_model: ApiModel, groups_package: Any) -> None:
    readme = as_text(server_target(groups_model, {}))["server/README.md"]
    code = readme.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102
    app = namespace["app"]
    mine = call(app, "GET", "/v1.0/groups/g1?$top=2").json()
    assert mine == {"note": "made by MyHandlers", "query": {"$top": "2"}}
    assert call(app, "GET", "/v1.0/groups/g1").headers["x-docgen-example"] == "get_group"


def test_serve_runs_the_same_stub_on_loopback(
    groups_model: ApiModel, groups_package: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def run(server: Any, sockets: Any = None) -> None:  # what serve gives uvicorn's server
        config = server.config
        seen.update(host=config.host, port=config.port, http=config.http, app=config.app)
        server.started = True

    monkeypatch.setattr("uvicorn.Server.run", run)
    serve(groups_model, port=8123)
    assert (seen["host"], seen["port"]) == ("127.0.0.1", 8123)
    assert issubclass(seen["http"], AutoHTTPProtocol) and seen["http"].idle_timeout == 60
    built = groups_package.create_app()
    for url in ("/v1.0/groups", "/v1.0/groups/$count", "/v1.0/groups/x/threads/y/posts"):
        ours, theirs = call(seen["app"], "GET", url), call(built, "GET", url)
        assert (ours.status_code, ours.content) == (theirs.status_code, theirs.content)


def test_generated_suite_passes_for_groups(groups_model: ApiModel, tmp_path: Path) -> None:
    files = {
        **as_text(server_target(groups_model, {})),
        **as_text(tests_module.tests_target(groups_model, {})),
    }
    try:
        from generator.emit.client import client_target
    except ImportError:  # the client target is not there yet
        pass
    else:
        files.update(client_target(groups_model, {}))
    _write(files, tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path / "tests")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " failed" not in result.stdout and " passed" in result.stdout


def test_numbers_check_any_json_value_without_raising() -> None:
    """Found by schemathesis: an object or array where a number is declared raised TypeError."""
    from generator.emit.shapes import _primitive_problem

    assert _primitive_problem({"a": 1}, "Edm.Double") == "expected a number, got an object"
    assert _primitive_problem([1], "Edm.Double") is not None
    assert _primitive_problem("NaN", "Edm.Double") is None


# ----- limits: deeply nested bodies, idle connections -------------------------------------------

JSON = {"content-type": "application/json"}


def _nested(depth: int, kind: str) -> bytes:
    """JSON arrays (`[[...]]`) or objects (`{"a": {"a": ... 1}}`) nested `depth` deep."""
    if kind == "array":
        return b"[" * depth + b"]" * depth
    return b'{"a":' * depth + b"1" + b"}" * depth


@pytest.fixture(scope="module", params=["generated", "serve"])
def groups_app(request: pytest.FixtureRequest, groups_model: ApiModel, groups_package: Any) -> Any:
    """The sample's stub twice: the generated package's app and `docgen serve`'s in-process one."""
    if request.param == "generated":
        return groups_package.create_app()
    return stub_app(groups_model)


@pytest.mark.parametrize("kind", ["array", "object"])
@pytest.mark.parametrize(
    ("method", "url"),
    [("POST", "/v1.0/groups"), ("PATCH", "/v1.0/groups/g/threads/t"), ("GET", "/v1.0/groups")],
)
def test_a_body_nested_too_deeply_gets_400_in_the_error_shape(
    groups_app: Any, kind: str, method: str, url: str
) -> None:
    """5,000 deep made json.loads raise RecursionError (a plain-text 500); 900 deep parsed but
    could overflow whatever recursed through it next (examples, type checks, handlers)."""
    limit = runtime_module().MAX_BODY_DEPTH
    for depth in (5000, 900, limit + 1):
        for headers in (JSON, {}):  # declared JSON, or sniffed as JSON
            response = call(groups_app, method, url, content=_nested(depth, kind), headers=headers)
            message = _error(response, 400, "BadRequest")
            assert message == f"The request body is nested too deeply (over {limit} levels)."


def test_a_body_just_under_the_depth_limit_is_answered_as_before(groups_app: Any) -> None:
    limit = runtime_module().MAX_BODY_DEPTH
    arrays = call(groups_app, "POST", "/v1.0/groups", content=_nested(limit, "array"), headers=JSON)
    assert "body: expected an object, got an array" in _error(arrays, 400, "BadRequest")
    objects = call(groups_app, "POST", "/v1.0/groups", content=_nested(limit, "object"))
    assert objects.status_code == 201 and objects.headers["x-docgen-example"]


def test_a_handler_gets_a_body_just_under_the_depth_limit(groups_package: Any) -> None:
    class Echo(groups_package.Handlers):  # type: ignore[misc]
        def groups_create_group(self, call: Any) -> Any:
            return {"body": call.body}

    app = groups_package.create_app(handlers=Echo())
    body = _nested(groups_package.runtime.MAX_BODY_DEPTH, "object")
    assert call(app, "POST", "/v1.0/groups", content=body).json() == {"body": json.loads(body)}


def test_nesting_depth_is_measured_without_recursion() -> None:
    nested_over = runtime_module().nested_over
    assert not nested_over(1, 0) and not nested_over([], 1) and nested_over([], 0)
    assert nested_over({"a": [1, {"b": {}}]}, 4) is False  # object, array, object, object
    assert nested_over({"a": [1, {"b": {}}]}, 3) is True
    deep: list[Any] = []
    for _ in range(100_000):  # far past the recursion limit: built, not parsed
        deep = [deep]
    assert nested_over(deep, 64) and not nested_over(deep, 100_001)
    assert not nested_over([[0] * 1000] * 1000, 2)


def _listening_port(process: subprocess.Popen[str]) -> int:
    """The port uvicorn says it listens on (started with `--port 0`), read from its log."""
    stderr = process.stderr
    assert stderr is not None
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:  # to the end, so that the pipe never fills
        for line in stderr:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            seen.append(lines.get(timeout=1))
        except queue.Empty:
            continue
        found = re.search(r"running on http://127\.0\.0\.1:(\d+)", seen[-1])
        if found:
            return int(found.group(1))
    raise AssertionError("the server did not start:\n" + "".join(seen))


@pytest.fixture(scope="module")
def run_server(groups_root: Path) -> Iterator[Any]:
    """Starts the generated server (`python -m` or a script) on a free port; stops it after."""
    processes: list[subprocess.Popen[str]] = []
    env = {**os.environ, "PYTHONPATH": str(groups_root / "server")}

    def start(*args: str) -> int:
        process = subprocess.Popen(
            [sys.executable, *args],
            cwd=groups_root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        processes.append(process)
        return _listening_port(process)

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def idle_server(run_server: Any) -> int:
    """`python -m microsoft_graph_server --idle-timeout 1`: its port."""
    return int(run_server("-m", "microsoft_graph_server", "--port", "0", "--idle-timeout", "1"))


def _until_closed(port: int, data: bytes) -> bytes:
    """What the server sends after `data` until it closes the connection (10 s at most)."""
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except TimeoutError:
            raise AssertionError(f"still open after 10 s; received {received[:200]!r}") from None
    return received


@pytest.mark.parametrize(
    "sent",
    [
        b"",
        b"GET /v1.0/gro",
        b"GET /v1.0/groups HTTP/1.1\r\nHost: stub\r\nAccept: appl",
        b'POST /v1.0/groups HTTP/1.1\r\nHost: stub\r\nContent-Length: 10\r\n\r\n{"a',
    ],
    ids=["nothing", "half a request line", "half the headers", "half the body"],
)
def test_the_server_closes_an_idle_connection(idle_server: int, sent: bytes) -> None:
    """uvicorn alone arms its keep-alive timer only after a response: these stayed open for ever."""
    assert _until_closed(idle_server, sent) == b""


def test_a_request_on_a_connection_still_gets_its_answer(idle_server: int) -> None:
    answer = _until_closed(idle_server, b"GET /v1.0/groups HTTP/1.1\r\nHost: stub\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200 ") and b'"value"' in answer


SLOW_SERVER = """
import asyncio

from microsoft_graph_server import Handlers, create_app
from microsoft_graph_server.runtime import serve


class Slow(Handlers):
    async def groups_list_groups(self, call):
        await asyncio.sleep(3)  # three idle timeouts with nothing received
        return self.documented(call)


serve(create_app(handlers=Slow()), port=0, idle_timeout=1)
"""


def test_a_request_answered_for_longer_than_the_idle_timeout_gets_its_answer(
    run_server: Any, groups_root: Path
) -> None:
    script = groups_root / "slow_server.py"
    script.write_text(textwrap.dedent(SLOW_SERVER), encoding="utf-8")
    port = run_server(str(script))
    answer = _until_closed(port, b"GET /v1.0/groups HTTP/1.1\r\nHost: stub\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200 ") and b'"value"' in answer


def test_the_idle_timeout_is_60_seconds_unless_told(
    groups_package: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = importlib.import_module("microsoft_graph_server.__main__")
    seen: list[float] = []
    monkeypatch.setattr(entry, "serve", lambda app, **kw: seen.append(kw["idle_timeout"]))
    entry.main([])
    entry.main(["--idle-timeout", "2.5"])
    for wrong in ("0", "-1", "soon", "nan"):
        with pytest.raises(SystemExit):
            entry.main(["--idle-timeout", wrong])
    monkeypatch.setattr(
        "generator.serve.serve", lambda model, **kw: seen.append(kw["idle_timeout"])
    )
    for args in ([], ["--idle-timeout", "2.5"]):
        result = CliRunner().invoke(docgen, ["serve", str(GROUPS), *args])
        assert result.exit_code == 0, result.output
    assert CliRunner().invoke(docgen, ["serve", str(GROUPS), "--idle-timeout", "0"]).exit_code == 2
    assert seen == [60, 2.5, 60, 2.5]


def test_the_generated_package_runs_the_stateful_twin(groups_package: Any) -> None:
    """`create_app(mode="stateful")` of the written-out package (its own `twin.py`,
    `odata.py`, `values.py`; no docgen import): what it is sent, it remembers."""
    from fastapi.testclient import TestClient

    client = TestClient(groups_package.create_app(mode="stateful"))
    made = client.post("/v1.0/groups", json={"displayName": "Packaged"})
    assert made.status_code == 201
    assert client.get(f"/v1.0/groups/{made.json()['id']}").json()["displayName"] == "Packaged"
    for part in ("twin", "odata", "values"):
        module = sys.modules[f"microsoft_graph_server.{part}"]
        assert Path(str(module.__file__)).parent == Path(groups_package.__file__).parent
