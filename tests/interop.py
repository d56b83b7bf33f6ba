"""`make interop`: docgen's output against well-known tools and the API's own SDK.

The tools go into a throwaway venv (they are not docgen's dependencies):
- openapi-python-client generates a client from the OpenAPI document;
- schemathesis runs a bounded number of cases against the docgen server stub
  served on 127.0.0.1, in both modes, checking that it never answers 5xx;
- the official SDK (`msgraph-sdk`) runs everyday flows (`tests/sdk_flows.py`)
  against `docgen serve --mode stateful`, where every flow must pass, and
  against `--mode examples`, to show which flows need state;
- fifteen everyday tasks (`tests/everyday_tasks.py`), each written with docgen's generated
  client and with `msgraph-sdk`, run against `--mode stateful` (every task must pass on
  both sides), with each version's line count.
Prints the tools' summaries; exit status non-zero if any fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PORT = 8799
MODES = ("stateful", "examples")
FLOWS = Path(__file__).resolve().parent / "sdk_flows.py"
TASKS = Path(__file__).resolve().parent / "everyday_tasks.py"


def main(docs: Path) -> int:
    """Run every check in a folder of its own (a venv of the tools, the outputs: some
    70,000 files), removed at the end; `DOCGEN_KEEP=1` keeps it to look into."""
    work = Path(tempfile.mkdtemp(prefix="docgen-interop-"))
    try:
        return _checks(docs, work)
    finally:
        if os.environ.get("DOCGEN_KEEP"):
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def _checks(docs: Path, work: Path) -> int:
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    tools = ["openapi-python-client", "schemathesis", "msgraph-sdk"]
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", *tools], check=True)
    spec = work / "openapi.json"
    with spec.open("w") as handle:
        subprocess.run(
            [sys.executable, "-m", "generator", "openapi", str(docs)], stdout=handle, check=True
        )
    generated = subprocess.run(
        [str(venv / "bin" / "openapi-python-client"), "generate", "--path", str(spec)]
        + ["--output-path", str(work / "opc"), "--overwrite"],
        capture_output=True,
        text=True,
    )
    print(f"openapi-python-client: exit {generated.returncode}")
    print("\n".join(generated.stdout.splitlines()[-5:]))
    ok = generated.returncode == 0
    client = work / "out" / "client"  # docgen's own client, for the everyday tasks
    subprocess.run(
        [sys.executable, "-m", "generator", "build", str(docs), "-o", str(work / "out")]
        + ["-t", "client", "-q"],
        check=True,
    )
    for port, mode in enumerate(MODES, PORT):
        with served(docs, mode, port) as url:
            fuzzed = fuzz(venv, spec, url)
            print(
                f"schemathesis against --mode {mode} (server errors only; 'Serialization not "
                "possible' is the tool lacking a serializer for a documented media type):"
            )
            print("\n".join(fuzzed.splitlines()[-14:]))
            if mode == "stateful":  # what the fuzzing wrote, forgotten
                reset(url)
            flows = subprocess.run(
                [str(venv / "bin" / "python"), str(FLOWS), url],
                capture_output=True,
                text=True,
                timeout=600,
            )
            tasks, tasks_ok = everyday(venv, client, url) if mode == "stateful" else ("", True)
        print(f"msgraph-sdk flows against docgen serve --mode {mode} (exit {flows.returncode}):")
        print(flows.stdout.rstrip() or flows.stderr[-2000:])
        if tasks:
            print(tasks)
        ok = ok and "ST101" not in fuzzed and (mode != "stateful" or flows.returncode == 0)
        ok = ok and tasks_ok
    return 0 if ok else 1


def everyday(venv: Path, client: Path, url: str) -> tuple[str, bool]:
    """The everyday tasks, each half on a twin reset first: docgen's client (built at
    `client`) in this Python, the SDK in the tools' venv. Their report, and whether all passed."""
    report: list[str] = []
    ok = True
    halves = [
        ("docgen", sys.executable, {**os.environ, "PYTHONPATH": str(client)}),
        ("sdk", str(venv / "bin" / "python"), None),
    ]
    for side, python, env in halves:
        reset(url)
        run = subprocess.run(
            [python, str(TASKS), side, url], capture_output=True, text=True, timeout=600, env=env
        )
        report.append(f"everyday tasks, {side}, against docgen serve --mode stateful:")
        report.append(run.stdout.rstrip())
        if run.returncode != 0:
            report.append(f"(exit {run.returncode}) {run.stderr[-2000:]}".rstrip())
        ok = ok and run.returncode == 0
    counted = subprocess.run([sys.executable, str(TASKS), "lines"], capture_output=True, text=True)
    report += ["lines per task (non-blank lines of each version):", counted.stdout.rstrip()]
    return "\n".join(report), ok and counted.returncode == 0


def reset(url: str) -> None:
    """The stateful twin at `url` back to its seeded state."""
    request = urllib.request.Request(f"{url}/_docgen/reset", method="POST")
    urllib.request.urlopen(request, timeout=30).close()  # noqa: S310 (loopback)


@contextmanager
def served(docs: Path, mode: str, port: int) -> Iterator[str]:
    """`docgen serve DOCS --mode MODE` on 127.0.0.1 while the block runs: its base URL."""
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", str(docs), "--port", str(port)]
        + ["--mode", mode],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(8)
        yield f"http://127.0.0.1:{port}/v1.0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def fuzz(venv: Path, spec: Path, url: str) -> str:
    """schemathesis's report on a bounded run: server errors only."""
    return subprocess.run(
        [str(venv / "bin" / "schemathesis"), "run", str(spec), "--url", url]
        + ["--checks", "not_a_server_error", "--phases", "examples,fuzzing"]
        + ["--max-examples", "2", "--no-color"],
        capture_output=True,
        text=True,
        timeout=900,
    ).stdout


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/corpus/graph-v1.0")))
