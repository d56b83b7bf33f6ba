"""`make bench`: the server stub's start-up time and its throughput over real HTTP.

`main(out_dir)` uses `out_dir/server` (a `docgen build` output; built from the
v1.0 corpus first when it is missing), then prints:

- start-up: a fresh process importing the package and calling `create_app()`
  (median of RUNS; FastAPI's own import shown apart);
- throughput: uvicorn serving the stub on 127.0.0.1, a second process sending
  one documented GET over CONNECTIONS keep-alive connections, bounded by
  REQUESTS and SECONDS, loopback only;
- the stateful twin (`--mode stateful`) with TWIN_ENTITIES groups added to its
  store: a GET by id and a filtered list (`$filter` over all of them), each as
  above, and the serving process's peak RSS. Figures are printed, never asserted.
"""

from __future__ import annotations

import json
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PY = sys.executable
RUNS = 5
REQUESTS = 20000
SECONDS = 20.0
CONNECTIONS = 8
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "graph-v1.0"

_STARTUP = """
import time
t0 = time.perf_counter()
import fastapi
t1 = time.perf_counter()
from {package} import create_app
app = create_app()
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""

# A small keep-alive HTTP/1.1 client on asyncio streams: light enough that the
# server, not the load generator, is what gets measured.
_LOAD = """
import asyncio, sys, time
host, port, path, limit, seconds, connections = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
request = f"GET {path} HTTP/1.1\\r\\nHost: {host}:{port}\\r\\n\\r\\n".encode()
done = errors = issued = 0
async def worker(deadline):
    global done, errors, issued
    reader, writer = await asyncio.open_connection(host, port)
    while issued < limit and time.perf_counter() < deadline:
        issued += 1
        writer.write(request)
        head = await reader.readuntil(b"\\r\\n\\r\\n")
        length = next(int(l.split(b":")[1]) for l in head.split(b"\\r\\n") if l.lower().startswith(b"content-length:"))
        await reader.readexactly(length)
        if head.startswith(b"HTTP/1.1 200"): done += 1
        else: errors += 1
    writer.close()
async def main():
    start = time.perf_counter()
    await asyncio.gather(*(worker(start + seconds) for _ in range(connections)))
    print(done, errors, time.perf_counter() - start)
asyncio.run(main())
"""


TWIN_ENTITIES = 10_000
# The twin with TWIN_ENTITIES groups, served by uvicorn.
_TWIN = """
import sys, uvicorn
from {package} import create_app
from {package}.twin import Collection
app = create_app(mode="stateful")
twin = app.state.stub.twin
groups = twin.store.setdefault("/groups", Collection())
for i in range({count}):
    twin._put(groups, f"g{{i}}", {{"id": f"g{{i}}", "displayName": f"Group {{i}}", "mailEnabled": i % 2 == 0}})
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
"""


def twin_throughput(server: Path) -> list[tuple[str, float, int]]:
    """(request, requests/s, failed) for a GET by id and a filtered list on the twin; and
    its peak RSS as ("peak RSS MiB", mib, 0)."""
    port = _free_port()
    script = _TWIN.format(package=_package(server), count=TWIN_ENTITIES)
    twin = subprocess.Popen(
        [PY, "-c", script, str(port)], cwd=server, stdout=subprocess.PIPE, text=True
    )
    rows = []
    try:
        _wait_ready(f"http://127.0.0.1:{port}/v1.0/groups/g1")
        half = TWIN_ENTITIES // 2
        for path in (
            f"/v1.0/groups/g{half}",
            f"/v1.0/groups?$filter=displayName%20eq%20'Group%20{half}'",
        ):
            load = [PY, "-c", _LOAD, "127.0.0.1", str(port), path, str(REQUESTS), str(SECONDS / 2)]
            out = subprocess.check_output(
                [*load, str(CONNECTIONS)], text=True, timeout=SECONDS + 60
            )
            ok, errors, seconds = out.split()
            rows.append((path, int(ok) / float(seconds), int(errors)))
        mib = _peak_rss_mib(twin.pid)
    finally:
        twin.terminate()
        twin.wait(timeout=10)
    return [*rows, ("peak RSS MiB", mib, 0)]


def _peak_rss_mib(pid: int) -> float:
    """A live process's peak RSS (Linux's VmHWM; 0 where /proc has none)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    kib = next(
        (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0
    )
    return kib / 1024


def _package(server: Path) -> str:
    return next(p.parent.name for p in sorted(server.glob("*/app.py")))


def _build(out_dir: Path, corpus: Path) -> None:
    from generator.emit.server import server_target
    from generator.pipeline.run import load_model
    from tests.conftest import as_text

    for rel, text in as_text(server_target(load_model(corpus), {})).items():
        (out_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        (out_dir / rel).write_text(text, encoding="utf-8")


def documented_get(server: Path) -> str:
    """The URL path of a documented GET without path parameters that answers JSON 200."""
    package = server / _package(server)
    base = next(
        line.split("=", 1)[1].strip().strip('"')
        for line in (package / "app.py").read_text().splitlines()
        if line.startswith("BASE_PATH =")
    )
    routes = json.loads((package / "data" / "routes.json").read_text())["routes"]
    examples = json.loads((package / "data" / "examples.json").read_text())
    paths = [
        examples[route["examples"][0]]["request"]["path"]
        for route in routes
        if route["method"] == "GET" and not route["params"] and route["examples"]
        and examples[route["examples"][0]]["response"]["status"] == 200
        and examples[route["examples"][0]]["response"]["json"]
    ]  # fmt: skip
    if not paths:
        raise SystemExit("no documented GET without parameters")
    return base + min(paths, key=lambda p: (len(p), p))


def startup(server: Path) -> tuple[float, float]:
    """Median (FastAPI import, package import + create_app) seconds in fresh processes."""
    code = _STARTUP.format(package=_package(server))
    runs = [
        tuple(map(float, subprocess.check_output([PY, "-c", code], cwd=server, text=True).split()))
        for _ in range(RUNS)
    ]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(url: str, timeout: float = 60.0) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 (loopback)
                return time.perf_counter() - start
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"the stub did not answer {url} within {timeout} s")


def throughput(server: Path, path: str) -> tuple[int, int, float, float]:
    """(ok, errors, seconds, time to first answer) for the load against uvicorn on loopback."""
    port = _free_port()
    argv = [PY, "-m", "uvicorn", "--factory", f"{_package(server)}:create_app"]
    argv += [
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    uvicorn = subprocess.Popen(argv, cwd=server)
    try:
        ready = _wait_ready(f"http://127.0.0.1:{port}{path}")
        load = [PY, "-c", _LOAD, "127.0.0.1", str(port), path, str(REQUESTS), str(SECONDS)]
        out = subprocess.check_output([*load, str(CONNECTIONS)], text=True, timeout=SECONDS + 60)
        ok, errors, seconds = out.split()
        return int(ok), int(errors), float(seconds), ready
    finally:
        uvicorn.terminate()
        uvicorn.wait(timeout=10)


def main(out_dir: Path, corpus: Path = CORPUS) -> dict[str, float]:
    server = out_dir / "server"
    if not server.is_dir():
        _build(out_dir, corpus)
    fastapi_s, app_s = startup(server)
    path = documented_get(server)
    ok, errors, seconds, ready = throughput(server, path)
    figures = {
        "startup_fastapi_import_s": fastapi_s,
        "startup_package_and_create_app_s": app_s,
        "first_answer_after_spawn_s": ready,
        "requests_ok": ok,
        "requests_failed": errors,
        "requests_per_s": ok / seconds,
    }
    routes = len(json.loads(next(server.glob("*/data/routes.json")).read_text())["routes"])
    print(f"server stub ({routes} routes): start-up {fastapi_s + app_s:.3f} s ", end="")
    print(f"(FastAPI import {fastapi_s:.3f} s, package + create_app {app_s:.3f} s); ", end="")
    print(f"uvicorn answering after {ready:.2f} s")
    print(f"GET {path} on 127.0.0.1, {CONNECTIONS} keep-alive connections: ", end="")
    print(f"{ok / seconds:.0f} requests/s ({ok} ok, {errors} failed in {seconds:.1f} s)")
    print(f"stateful twin with {TWIN_ENTITIES} groups:")
    for what, figure, failed in twin_throughput(server):
        if what == "peak RSS MiB":
            print(f"  peak RSS of the serving process: {figure:.0f} MiB")
        else:
            print(f"  GET {what}: {figure:.0f} requests/s ({failed} failed)")
        figures[f"twin {what}"] = figure
    return figures


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out/v1.0"))
