"""`make bench`, the client's rows: what a user of the generated client waits for.

Builds the client of a doc set, compiles it (as `pip install` does), then times, each in
a fresh interpreter (median of 5): `from <package> import Client` and `Client()`; that
plus the first call of the smallest area (its first `get_` returning a model, answered
by an in-process transport with `{"id": "x"}`); and the same first call for the model
with the most properties. The official SDK's import (`from msgraph import
GraphServiceClient`) is timed beside it when an interpreter with `msgraph-sdk` is given
in `SDK_PYTHON` (`make interop` installs one) or the running one has it.
"""

from __future__ import annotations

import compileall
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

RUNS = 5
_CALL = """
import inspect, sys, time
t0 = time.perf_counter()
import {package} as package
from {package} import Client
import httpx
client = Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, json={{"id": "x"}})))
t1 = time.perf_counter()
area = getattr(client, {area!r})
method = getattr(area, {method!r})
positional = [p for p in inspect.signature(method).parameters.values()
              if p.kind is p.POSITIONAL_OR_KEYWORD]
result = method(*["x"] * len(positional))
t2 = time.perf_counter()
assert type(result).__name__ == {returns!r}, type(result)
loaded = sum(1 for name in sys.modules if name.startswith("{package}.models."))
print(t1 - t0, t2 - t0, loaded)
"""
_METHOD = re.compile(r"^    def (get_\w+)\(\n?(?:[^)]*?)\) -> (\w+):", re.MULTILINE)


def median_run(python: str, code: str, cwd: Path) -> list[float]:
    """The median of each figure `code` prints, over `RUNS` fresh interpreters."""
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    runs = []
    for _ in range(RUNS):
        done = subprocess.run(
            [python, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, check=True
        )
        runs.append([float(x) for x in done.stdout.split()])
    return [statistics.median(run[i] for run in runs) for i in range(len(runs[0]))]


def first_gets(package: Path) -> list[tuple[int, str, str, str]]:
    """(area module size, area, method, returned class) of each area's first `get_`
    returning a model, by size."""
    models = (package / "models" / "__init__.py").read_text(encoding="utf-8")
    found = []
    for module in sorted((package / "_areas").glob("*.py")):
        if module.name == "__init__.py":
            continue
        text = module.read_text(encoding="utf-8")
        for m in _METHOD.finditer(text):
            if f'"{m.group(2)}":' in models:
                attr = re.search(r"Reached as `Client\(\)\.(\w+)`", text)
                if attr:
                    found.append((len(text), attr.group(1), m.group(1), m.group(2)))
                break
    return sorted(found)


def biggest_model_get(package: Path, gets: list[tuple[int, str, str, str]]) -> tuple[str, ...]:
    """Among the areas' first gets, the one returning the model with the most fields."""

    def fields(cls: str) -> int:
        module = re.search(rf'"{cls}": "(\w+)"', (package / "models" / "__init__.py").read_text())
        if module is None:
            return 0
        text = (package / "models" / f"{module.group(1)}.py").read_text(encoding="utf-8")
        return text.count(" | None = ")

    return max(gets, key=lambda g: (fields(g[3]), g[1]))[1:]


def main(docs: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="docgen-bench-client-") as folder:
        out = Path(folder) / "out"
        subprocess.run(
            [sys.executable, "-m", "generator", "build", str(docs), "-o", str(out)]
            + ["-t", "client", "-q", "--no-cache"],
            check=True,
        )
        root = out / "client"
        package = next(p for p in root.iterdir() if (p / "_areas").is_dir())
        compileall.compile_dir(str(root), quiet=1)
        gets = first_gets(package)
        if not gets:
            raise SystemExit("no area with a get returning a model")
        small = gets[0][1:]
        big = biggest_model_get(package, gets)
        print(f"--- the generated client ({package.name}), fresh interpreter, median of {RUNS}")
        print(f"{'what':<72} {'seconds':>8} {'models':>7}")
        for label, (area, method, returns) in (("smallest area", small), ("largest model", big)):
            code = _CALL.format(package=package.name, area=area, method=method, returns=returns)
            imported, called, loaded = median_run(sys.executable, code, root)
            if label == "smallest area":
                print(f"{'import ' + package.name + ' + Client()':<72} {imported:8.3f}")
            what = f"  + first call, {label}: {area}.{method}()"
            print(f"{what:<72} {called:8.3f} {int(loaded):7d}")
        sdk = os.environ.get("SDK_PYTHON") or sys.executable
        probe = subprocess.run([sdk, "-c", "import msgraph"], capture_output=True, check=False)
        if probe.returncode == 0:
            code = (
                "import time\nt = time.perf_counter()\n"
                "from msgraph import GraphServiceClient\nprint(time.perf_counter() - t)\n"
            )
            (seconds,) = median_run(sdk, code, root)
            print(f"{'official SDK: from msgraph import GraphServiceClient':<72} {seconds:8.3f}")
        else:
            print("official SDK: not installed (SDK_PYTHON=<python with msgraph-sdk> to compare)")
        print("target: import + first call of a small area < 0.3 s")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/corpus/graph-v1.0"))
