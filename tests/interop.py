"""`make interop`: the OpenAPI document against well-known OpenAPI tools.

Both tools go into a throwaway venv (they are not docgen's dependencies):
- openapi-python-client generates a client from the document;
- schemathesis runs a bounded number of cases against the docgen server stub
  served on 127.0.0.1, checking that it never answers 5xx.
Prints the tools' summaries; exit status non-zero if either fails.
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
    return 0 if generated.returncode == 0 and "ST101" not in fuzz.stdout else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/corpus/graph-v1.0")))
