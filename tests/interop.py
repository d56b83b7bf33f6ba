"""`make interop`: docgen's output against well-known tools and the API's own SDK.

The tools go into a throwaway venv (they are not docgen's dependencies):
- openapi-python-client generates a client from the OpenAPI document;
- schemathesis runs a bounded number of cases against the docgen server stub
  served on 127.0.0.1, checking that it never answers 5xx;
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
from pathlib import Path

PORT = 8799


def main(docs: Path) -> int:
    work = Path(tempfile.mkdtemp(prefix="docgen-interop-"))
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "pip"), "install", "-q", "openapi-python-client", "schemathesis"]
    pip.append("msgraph-sdk")
    subprocess.run(pip, check=True)
    spec = work / "openapi.json"
    with spec.open("w") as handle:
        subprocess.run(
            [sys.executable, "-m", "generator", "openapi", str(docs)], stdout=handle, check=True
        )
    generated = subprocess.run(
        [
            str(venv / "bin" / "openapi-python-client"),
            "generate",
            "--path",
            str(spec),
            "--output-path",
            str(work / "opc"),
            "--overwrite",
        ],
        capture_output=True,
        text=True,
    )
    print(f"openapi-python-client: exit {generated.returncode}")
    print("\n".join(generated.stdout.splitlines()[-5:]))
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", str(docs), "--port", str(PORT)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(6)
        fuzz = subprocess.run(
            [
                str(venv / "bin" / "schemathesis"),
                "run",
                str(spec),
                "--url",
                f"http://127.0.0.1:{PORT}/v1.0",
                "--checks",
                "not_a_server_error",
                "--phases",
                "examples,fuzzing",
                "--max-examples",
                "2",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=900,
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(
        "schemathesis (server errors only; 'Serialization not possible' is the tool lacking a "
        "serializer for a documented media type):"
    )
    print("\n".join(fuzz.stdout.splitlines()[-14:]))
    sdk = {mode: sdk_flows(docs, venv, mode, port) for port, mode in enumerate(MODES, PORT + 1)}
    ok = generated.returncode == 0 and "ST101" not in fuzz.stdout
    return 0 if ok and sdk["stateful"] == 0 else 1


MODES = ("stateful", "examples")
FLOWS = Path(__file__).resolve().parent / "sdk_flows.py"


def sdk_flows(docs: Path, venv: Path, mode: str, port: int) -> int:
    """The SDK's flows against `docgen serve --mode MODE`: their exit status, printed."""
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", str(docs), "--port", str(port)]
        + ["--mode", mode],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(8)
        flows = subprocess.run(
            [str(venv / "bin" / "python"), str(FLOWS), f"http://127.0.0.1:{port}/v1.0"],
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"msgraph-sdk flows against docgen serve --mode {mode} (exit {flows.returncode}):")
    print(flows.stdout.rstrip() or flows.stderr[-2000:])
    return flows.returncode


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/corpus/graph-v1.0")))
