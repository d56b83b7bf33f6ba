"""The docs-repo workflow of the README: `[tool.docgen]` settings, a Makefile rule that
regenerates OUT only when the docs changed, and the pre-commit hooks of
`.pre-commit-hooks.yaml`, in a temporary git repository."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import GROUPS, ROOT, folder_state

# The README's snippet: OUT is the target. docgen sets OUT's mtime to the start of every
# build that succeeds (written files or not), so OUT is newer than every page it read;
# `find` lists folders too, so a page removed or renamed (its folder's mtime) counts.
MAKEFILE = """\
DOCS := docs
OUT := generated

$(OUT): $(shell find $(DOCS)) pyproject.toml
\tdocgen build
"""

SETTINGS = """\
[project]
name = "our-docs"
version = "1"

[tool.docgen]
docs = "docs"
output = "generated"
targets = ["model", "openapi"]
jobs = 1
"""

pytestmark = pytest.mark.skipif(
    shutil.which("make") is None or shutil.which("git") is None,
    reason="needs make and git on PATH",
)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "our-docs"
    shutil.copytree(GROUPS, root / "docs")
    (root / "pyproject.toml").write_text(SETTINGS)
    (root / "Makefile").write_text(MAKEFILE)
    (root / ".gitignore").write_text(".docgen-cache/\n")
    git(root, "init", "-q")
    return root


def environment() -> dict[str, str]:
    """`docgen` on PATH, as installed (the venv running the tests); git needs no config."""
    scripts = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PATH": f"{scripts}{os.pathsep}{os.environ.get('PATH', '')}",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=root, env=environment(), capture_output=True, text=True, check=True
    )
    return done.stdout


def make(root: Path) -> str:
    done = subprocess.run(
        ["make"], cwd=root, env=environment(), capture_output=True, text=True, check=True
    )
    return done.stdout + done.stderr


def hook(root: Path, hook_id: str) -> subprocess.CompletedProcess[str]:
    """Run a hook of this repository's `.pre-commit-hooks.yaml` as pre-commit runs it
    (its `entry`, no file names, in the docs repo's root)."""
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    entry = next(h["entry"] for h in hooks if h["id"] == hook_id)
    assert not next(h for h in hooks if h["id"] == hook_id).get("pass_filenames", True)
    return subprocess.run(
        shlex.split(entry), cwd=root, env=environment(), capture_output=True, text=True
    )


def edit_page(root: Path) -> None:
    page = root / "docs" / "api" / "group-get.md"
    page.write_text(page.read_text().replace('"Library Assist"', '"Library Assistance"'))


def test_make_runs_docgen_only_when_the_docs_changed(repo: Path) -> None:
    first = make(repo)
    assert "docgen build" in first and (repo / "generated" / "model.json").is_file()
    assert "docgen build" not in make(repo)  # "make: 'generated' is up to date."
    assert "docgen build" not in make(repo)

    edit_page(repo)
    assert "docgen build" in make(repo)
    assert "Library Assistance" in (repo / "generated" / "model.json").read_text()
    assert "docgen build" not in make(repo)

    # A page newer with the same bytes (touched, a branch checked out and back): docgen
    # writes nothing, OUT is current; before, every later `make` ran docgen again.
    os.utime(repo / "docs" / "api" / "group-get.md")
    before = folder_state(repo / "generated")
    assert "docgen build" in make(repo)
    assert folder_state(repo / "generated") == before
    assert "docgen build" not in make(repo)

    (repo / "docs" / "api" / "post-reply.md").unlink()  # a page removed: its folder changed
    assert "docgen build" in make(repo)
    assert "docgen build" not in make(repo)


def test_the_mark_for_make_changes_nothing_git_or_check_sees(repo: Path) -> None:
    make(repo)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "docs and what docgen made of them")
    manifest = (repo / "generated" / ".docgen-manifest.json").read_bytes()
    edit_page(repo)
    (repo / "docs" / "api" / "group-get.md").write_text(
        (repo / "docs" / "api" / "group-get.md").read_text().replace("Assistance", "Assist")
    )  # edited back: the same docs, a newer page
    assert "docgen build" in make(repo)
    assert git(repo, "status", "--porcelain") == ""  # OUT's mtime is no change to git
    assert (repo / "generated" / ".docgen-manifest.json").read_bytes() == manifest
    assert not any(p.name.startswith(".docgen-stamp") for p in (repo / "generated").iterdir())
    checked = subprocess.run(
        ["docgen", "build", "--check"], cwd=repo, env=environment(), capture_output=True, text=True
    )
    assert checked.returncode == 0 and checked.stdout == ""


def test_pre_commit_hook_fails_when_the_output_is_stale(repo: Path) -> None:
    make(repo)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "docs and what docgen made of them")
    assert hook(repo, "docgen").returncode == 0
    assert hook(repo, "docgen-check").returncode == 0  # warnings only in the sample

    edit_page(repo)  # a page changed, the output not regenerated: stale
    stale = subprocess.run(
        ["docgen", "build", "--check"], cwd=repo, env=environment(), capture_output=True, text=True
    )
    assert stale.returncode == 1 and f"stale: {repo / 'generated' / 'model.json'}" in stale.stdout
    failed = hook(repo, "docgen")
    assert failed.returncode == 1  # it regenerated: the commit must add the new output
    assert "Library Assistance" in (repo / "generated" / "model.json").read_text()
    assert hook(repo, "docgen").returncode == 0  # once regenerated, the hook passes
    assert "docgen build" not in make(repo)  # and make knows the output is current
