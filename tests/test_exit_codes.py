"""One exit-code table for every command (see `generator.cli`): 0 done, 1 findings or
changes, 2 the command could not do its work; each error one line, never a traceback."""

from __future__ import annotations

import shutil
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.conftest import GROUPS

COMMANDS = {
    "build": ["build", "{docs}", "-o", "{out}", "-t", "model"],
    "model": ["model", "{docs}"],
    "check": ["check", "{docs}"],
    "openapi": ["openapi", "{docs}"],
    "serve": ["serve", "{docs}", "--port", "1"],  # never listens: each case fails before
}


def _no_folder(root: Path) -> Path:
    return root / "nope"


def _empty_folder(root: Path) -> Path:
    (root / "empty").mkdir()
    return root / "empty"


def _no_markdown(root: Path) -> Path:
    (root / "notes").mkdir()
    (root / "notes" / "README.txt").write_text("not a page\n")
    (root / "notes" / "page.md.bak").write_text("# not a page either\n")
    return root / "notes"


def _a_file(root: Path) -> Path:
    (root / "page.md").write_text("# a page, not a folder\n")
    return root / "page.md"


def _docs_with_settings(text: str) -> Callable[[Path], Path]:
    def make(root: Path) -> Path:
        (root / "pyproject.toml").write_text(f"[project]\nname = 'docs'\n\n{text}")
        shutil.copytree(GROUPS, root / "docs")
        return root / "docs"

    return make


# error kind -> (make the docs folder under a temporary root, extra arguments, what stderr says)
ERRORS: dict[str, tuple[Callable[[Path], Path], list[str], str]] = {
    "missing folder": (_no_folder, [], "nope: no such folder"),
    "empty folder": (_empty_folder, [], "empty: no Markdown pages (*.md) to read"),
    "no markdown page": (_no_markdown, [], "notes: no Markdown pages (*.md) to read"),
    "a file, not a folder": (_a_file, [], "page.md: is a file"),
    "unknown option": (_docs_with_settings(""), ["--no-such-option"], "No such option"),
    "unreadable settings": (
        _docs_with_settings("[tool.docgen\n"),
        [],
        "pyproject.toml: cannot read settings",
    ),
    "unknown settings key": (
        _docs_with_settings('[tool.docgen]\ntaregts = ["model"]\n'),
        [],
        "pyproject.toml:5: unknown docgen setting 'taregts'; did you mean 'targets'?",
    ),
    "settings of the wrong type": (
        _docs_with_settings('[tool.docgen]\njobs = "2"\n'),
        [],
        "pyproject.toml:5: docgen setting 'jobs' must be int, not str",
    ),
}


def run(root: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("kind", sorted(ERRORS))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_exits_2_on_the_same_error(
    command: str, kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make, extra, says = ERRORS[kind]
    docs = make(tmp_path)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    args = [a.format(docs=docs, out=out) for a in COMMANDS[command]] + extra
    code, stdout, err = run(tmp_path, *args)
    assert code == 2, (err, stdout)
    assert says in err and "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("Error: ")
    assert not out.exists()  # nothing written, not even the output folder


def _stale_output(tmp_path: Path) -> list[str]:
    out = tmp_path / "out"
    assert run(tmp_path, "build", str(GROUPS), "-o", str(out), "-t", "model")[0] == 0
    (out / "model.json").write_text("{}")
    return ["build", str(GROUPS), "-o", str(out), "-t", "model", "--check"]


def _error_finding(tmp_path: Path) -> list[str]:
    (tmp_path / "b.md").write_text('# B\n\n<!-- { "blockType": "request" "x" } -->\n')
    return ["check", str(tmp_path)]


def _a_change(tmp_path: Path) -> list[str]:
    out = tmp_path / "out"
    return ["build", str(GROUPS), "-o", str(out), "-t", "model", "--exit-non-zero-on-change"]


def _up_to_date(tmp_path: Path) -> list[str]:
    out = tmp_path / "out"
    assert run(tmp_path, "build", str(GROUPS), "-o", str(out), "-t", "model")[0] == 0
    return ["build", str(GROUPS), "-o", str(out), "-t", "model", "--check"]


def _taken_output(tmp_path: Path) -> list[str]:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "model.json").write_text("mine")
    return ["build", str(GROUPS), "-o", str(tmp_path / "out"), "-t", "model"]


def _output_is_a_file(tmp_path: Path) -> list[str]:
    (tmp_path / "out").write_text("a file")
    return ["build", str(GROUPS), "-o", str(tmp_path / "out"), "-t", "model"]


def _model_into_a_file(tmp_path: Path) -> list[str]:
    (tmp_path / "file").write_text("a file")
    return ["model", str(GROUPS), "-o", str(tmp_path / "file" / "model.json")]


def _unknown_settings_target(tmp_path: Path) -> list[str]:
    (tmp_path / "docgen.toml").write_text('docs = "docs"\noutput = "out"\ntargets = ["clinet"]\n')
    shutil.copytree(GROUPS, tmp_path / "docs")
    return ["build"]


# case -> (its arguments, made under a temporary folder; the exit code; what stderr says)
CASES: dict[str, tuple[Callable[[Path], list[str]], int, str]] = {
    "build: done": (lambda tmp: ["build", str(GROUPS), "-o", str(tmp / "out")], 0, "written"),
    "model: done": (lambda tmp: ["model", str(GROUPS)], 0, "pages"),
    "openapi: done": (lambda tmp: ["openapi", str(GROUPS)], 0, ""),
    "check: no finding at the failing level": (lambda tmp: ["check", str(GROUPS)], 0, ""),
    "build --check: up to date": (_up_to_date, 0, "up to date"),
    "targets: done": (lambda tmp: ["targets"], 0, ""),
    "rules: done": (lambda tmp: ["rules"], 0, ""),
    "check: an error finding": (_error_finding, 1, "1 error"),
    "build --check: stale output": (_stale_output, 1, "out of date"),
    "build --exit-non-zero-on-change: files written": (_a_change, 1, "written"),
    "build: unknown target on the command line": (
        lambda tmp: ["build", str(GROUPS), "-o", str(tmp / "out"), "-t", "clinet"],
        2,
        "unknown target(s) in -t: clinet (known: client, model, openapi, server, tests); "
        "did you mean 'client'?",
    ),
    "build: unknown target in the settings": (
        _unknown_settings_target,
        2,
        "docgen.toml:3: unknown target(s) in [tool.docgen] targets: clinet (known: client, "
        "model, openapi, server, tests); did you mean 'client'?",
    ),
    "build: no DOCS and no settings": (lambda tmp: ["build"], 2, "give DOCS and -o OUTPUT"),
    "build: files docgen did not write in the way": (_taken_output, 2, "did not write"),
    "build: output is a file": (_output_is_a_file, 2, "is a file"),
    "build: template folder that is none": (
        lambda tmp: ["build", str(GROUPS), "-o", str(tmp / "o"), "--templates", str(tmp / "t")],
        2,
        "does not exist",
    ),
    "model: cannot write the output": (_model_into_a_file, 2, "cannot write"),
    "check: unknown rule code": (lambda tmp: ["check", "--explain", "Z999"], 2, "Z999"),
    "rules: unknown rule code": (lambda tmp: ["rules", "Z999"], 2, "Z999"),
    "unknown command": (lambda tmp: ["biuld"], 2, "No such command"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_exit_code_table(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make, expected, says = CASES[case]
    monkeypatch.chdir(tmp_path)
    args = make(tmp_path)
    code, stdout, err = run(tmp_path, *args)
    assert code == expected, (err, stdout)
    assert says in err and "Traceback" not in err


def test_serve_without_its_extra_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # `import uvicorn` fails, as uninstalled
    code, _, err = run(Path("."), "serve", str(GROUPS))
    assert code == 2 and "Traceback" not in err and "internal error" not in err
    assert err.strip() == (
        "Error: docgen serve needs uvicorn, which the 'serve' extra installs: "
        "pip install 'docgen[serve]'"
    )


def test_watch_without_its_extra_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "watchfiles", None)
    code, _, err = run(tmp_path, "build", str(GROUPS), "-o", str(tmp_path / "out"), "--watch")
    assert code == 2 and "pip install 'docgen[watch]'" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()  # said before building


def test_a_misspelt_key_far_from_any_lists_them_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "docgen.toml").write_text('docs = "d"\n\nzzzz = 1\n')
    monkeypatch.chdir(tmp_path)
    code, _, err = run(tmp_path, "build")
    assert code == 2
    assert f"{tmp_path / 'docgen.toml'}:3: unknown docgen setting 'zzzz' (known: aliases," in err
    assert "did you mean" not in err


def test_help_shows_the_table() -> None:
    code, stdout, _ = run(Path("."), "--help")
    assert code == 0 and "Exit codes (every command):" in stdout
    assert "1    findings or changes" in stdout and "2    usage or input errors" in stdout


def test_ctrl_c_is_130_and_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import cli

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "build", interrupted)
    code, _, err = run(tmp_path, "build", str(GROUPS), "-o", str(tmp_path / "out"))
    assert code == 130 and err == "docgen: interrupted\n"


def test_serve_on_a_port_in_use_is_2(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = run(tmp_path, "serve", str(GROUPS), "--port", str(port))
    assert code == 2 and f"cannot serve on 127.0.0.1:{port}" in err and "Traceback" not in err
