"""`make interop`: docgen's output against well-known tools and the API's own SDK.

The tools go into a throwaway venv (they are not docgen's dependencies):
- openapi-python-client generates a client from the OpenAPI document;
- schemathesis runs a bounded number of cases against the docgen server stub
  served on 127.0.0.1, in both modes, checking that it never answers 5xx;
- the official SDK (`msgraph-sdk`) runs everyday flows (`tests/sdk_flows.py`)
  against `docgen serve --mode stateful`, where every flow must pass, and
  against `--mode examples`, to show which flows need state.
Prints the tools' summaries; exit status non-zero if any fails.
"""

from __future__ import annotations

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


def main(docs: Path) -> int:
    work = Path(tempfile.mkdtemp(prefix="docgen-interop-"))
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
    for port, mode in enumerate(MODES, PORT):
        with served(docs, mode, port) as url:
            fuzzed = fuzz(venv, spec, url)
            print(
                f"schemathesis against --mode {mode} (server errors only; 'Serialization not "
                "possible' is the tool lacking a serializer for a documented media type):"
            )
            print("\n".join(fuzzed.splitlines()[-14:]))
            if mode == "stateful":  # what the fuzzing wrote, forgotten
                reset = urllib.request.Request(f"{url}/_docgen/reset", method="POST")
                urllib.request.urlopen(reset, timeout=30).close()  # noqa: S310 (loopback)
            flows = subprocess.run(
                [str(venv / "bin" / "python"), str(FLOWS), url],
                capture_output=True,
                text=True,
                timeout=600,
            )
        print(f"msgraph-sdk flows against docgen serve --mode {mode} (exit {flows.returncode}):")
        print(flows.stdout.rstrip() or flows.stderr[-2000:])
        ok = ok and "ST101" not in fuzzed and (mode != "stateful" or flows.returncode == 0)
    return 0 if ok else 1


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
