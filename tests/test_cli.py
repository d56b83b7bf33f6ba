"""The command line: exit codes, one-line errors, outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
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
    assert code == 1
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
    assert (Path.cwd() / ".docgen-cache" / "pages").is_dir()
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
    assert (other / "pages").is_dir()
