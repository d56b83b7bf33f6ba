"""The redesign of the build core (issue 16) changed how output is made, not what:
a cold build with docgen as it was before (`BEFORE`, taken from git history) and
with docgen now give the same files, byte for byte, on the bundled sample and on
a slice of the real corpus; so does a build with a warm cache after an edit.

The model has grown since (issue 17): fields and findings added to it after
`BEFORE` (`ADDED`, `NEW_CODES`) are left out of model.json when comparing; any
other change fails. (Once the model changes what other files say, compare with
a later commit.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from io import BytesIO
from pathlib import Path

import pytest

from tests.conftest import GROUPS, ROOT

BEFORE = "f526d91"  # main before the redesign
ADDED = {"endpoints": ("alsoOn",)}  # model fields added since: element kind -> field names
NEW_CODES = {"P005", "R012", "X013"}  # findings added since


def _old_docgen(tmp_path: Path) -> Path:
    """docgen's code and templates at `BEFORE`, unpacked (skips outside a git checkout)."""
    try:
        archive = subprocess.run(
            ["git", "archive", BEFORE, "generator", "templates"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip(f"not a git checkout with commit {BEFORE}")
    folder = tmp_path / "before"
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def _build(code: Path, docs: Path, out: Path, *args: str) -> dict[str, bytes]:
    env = dict(os.environ, PYTHONPATH=str(code))
    subprocess.run(
        [sys.executable, "-m", "generator", "build", str(docs), "-o", str(out), "-q", *args],
        env=env,
        check=True,
        capture_output=True,
    )
    files = {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith(".docgen")
    }
    return {
        rel: _without_added(data) if rel == "model.json" else data for rel, data in files.items()
    }


def _without_added(data: bytes) -> bytes:
    model = json.loads(data)
    for kind, fields in ADDED.items():
        for element in model.get(kind, []):
            for name in fields:
                element.pop(name, None)
    model["diagnostics"] = [d for d in model["diagnostics"] if d["code"] not in NEW_CODES]
    return json.dumps(model, indent=1, ensure_ascii=False).encode()


def _compare(tmp_path: Path, docs: Path) -> None:
    old = _old_docgen(tmp_path)
    before = _build(old, docs, tmp_path / "before-out", "--no-cache")
    now = _build(ROOT, docs, tmp_path / "now-out", "--no-cache")
    assert before.keys() == now.keys()
    assert [rel for rel in before if before[rel] != now[rel]] == []
    cache, warm = tmp_path / "cache", tmp_path / "warm-out"
    assert _build(ROOT, docs, warm, "--cache-dir", str(cache)) == now
    page = next(p for p in sorted(docs.rglob("*.md")) if "## HTTP request" in p.read_text())
    page.write_text(page.read_text().replace("## HTTP request", "Edited.\n\n## HTTP request", 1))
    edited = _build(old, docs, tmp_path / "before-edited", "--no-cache")
    assert _build(ROOT, docs, warm, "--cache-dir", str(cache)) == edited


def test_the_sample_builds_as_before(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(GROUPS, docs)
    _compare(tmp_path, docs)


@pytest.mark.corpus
def test_a_slice_of_the_corpus_builds_as_before(tmp_path: Path, graph_corpus: Path) -> None:
    """Every 20th page of the corpus, with its config: about 170 pages."""
    docs = tmp_path / "docs"
    shutil.copytree(graph_corpus / "config", docs / "config")
    for i, page in enumerate(sorted(graph_corpus.rglob("*.md"))):
        if i % 20 == 0 and "config" not in page.relative_to(graph_corpus).parts:
            (docs / page.relative_to(graph_corpus)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(page, docs / page.relative_to(graph_corpus))
    _compare(tmp_path, docs)
