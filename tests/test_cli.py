"""The command line: exit codes, one-line errors, outputs."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.emit.writer import write_text_atomic
from tests.conftest import GROUPS


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_model_writes_json_and_summary() -> None:
    code, out, err = run("model", str(GROUPS))
    assert code == 0
    data = json.loads(out)
    assert data["schemaVersion"] == 1
    assert "pages," in err and "endpoints" in err and "diagnostics:" in err


def test_model_to_file(tmp_path: Path) -> None:
    target = tmp_path / "m.json"
    code, out, _ = run("model", str(GROUPS), "-o", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text())["endpoints"]


def test_missing_folder_is_one_line_error(tmp_path: Path) -> None:
    code, _, err = run("model", str(tmp_path / "nope"))
    assert code == 2  # an input error, as from every command (tests/test_exit_codes.py)
    assert "no such folder" in err and "Traceback" not in err


def test_file_instead_of_folder(tmp_path: Path) -> None:
    page = tmp_path / "a.md"
    page.write_text("# x\n")
    code, _, err = run("check", str(page))
    assert code == 2 and "is a file" in err


def test_not_utf8_page_is_a_diagnostic(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_bytes(b"# title\n\n\xff\xfe broken\n")
    (tmp_path / "good.md").write_text("# good\n")
    code, out, _ = run("check", str(tmp_path))
    assert code == 1
    assert "bad.md:3:1: F001 not UTF-8 text" in out


def test_check_exit_zero_without_errors(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text("# good\n\nNothing to see.\n")
    code, out, _ = run("check", str(tmp_path))
    assert code == 0 and out == ""


def test_usage_error_exit_two() -> None:
    code, _, _ = run("model")
    assert code == 2


def test_rules_lists_codes() -> None:
    code, out, _ = run("rules")
    assert code == 0 and "X004" in out and "A002" in out


def test_check_and_model_reuse_the_page_cache_build_fills(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`.docgen-cache` in the current folder (where `build -o out` keeps it) by default."""
    assert run("build", str(GROUPS), "-o", "out", "-t", "model")[0] == 0
    assert (Path.cwd() / ".docgen-cache" / "store.sqlite").is_file()
    checked = run("check", str(GROUPS), "--statistics")

    def no_parsing(sources: list[object], *args: object) -> list[object]:
        assert not sources, "a cached page was parsed again"
        return []

    monkeypatch.setattr("generator.pipeline.run._parse_all", no_parsing)
    assert run("check", str(GROUPS), "--statistics") == checked
    code, text, _ = run("model", str(GROUPS))
    assert code == 0 and json.loads(text)["pages"] == 31
    monkeypatch.undo()
    other = tmp_path / "elsewhere"
    run("check", str(GROUPS), "--no-cache", "--cache-dir", str(other))
    assert not other.exists()
    run("check", str(GROUPS), "--cache-dir", str(other))
    assert (other / "store.sqlite").is_file()


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_written_files_and_folders_get_the_umasks_modes(umask: int, tmp_path: Path) -> None:
    """As any tool's output: 0o666 less the umask for files, 0o777 for folders, whether
    `model -o` writes the file or `build` does (never mkstemp's 0o600)."""
    previous = os.umask(umask)
    try:
        assert run("model", str(GROUPS), "-o", str(tmp_path / "m" / "model.json"))[0] == 0
        out = tmp_path / "out"
        assert run("build", str(GROUPS), "-o", str(out), "-t", "model", "-t", "server")[0] == 0
        write_text_atomic(tmp_path / "again.txt", "x")
        write_text_atomic(tmp_path / "again.txt", "y")  # replacing a file: the same
    finally:
        os.umask(previous)
    files = [tmp_path / "m" / "model.json", tmp_path / "again.txt", *out.rglob("*.json")]
    folders = [tmp_path / "m", out, *(p for p in out.rglob("*") if p.is_dir())]
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {oct(0o666 & ~umask)}
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in folders} == {oct(0o777 & ~umask)}


def test_serve_banner_gives_the_full_base_url_and_a_request_that_answers(
    tmp_path: Path,
) -> None:
    """The banner is the last line before requests, with the base path (`/v1.0/`), and
    the request it suggests answers 200."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", str(GROUPS), "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stderr is not None
        banner = ""
        deadline = time.monotonic() + 30
        while "serving" not in banner and time.monotonic() < deadline:
            banner = server.stderr.readline()
        base = f"http://127.0.0.1:{port}/v1.0/"
        assert banner.startswith(f"serving 27 endpoints (examples) at {base} (try GET {base}")
        suggested = banner.rsplit("(try GET ", 1)[1].rstrip(")\n")
        with urllib.request.urlopen(suggested, timeout=10) as answer:
            assert answer.status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
