"""A build killed at a chosen point of its update: SIGKILL (no cleanup runs) or SIGTERM.

The child process pauses right after the new manifest is staged (the last
write before the commit point), or right after the first file is renamed
into place, and the test kills it there: before the commit point OUT must be
exactly as it was (bytes, mtimes, no new files); after it, the next build
must finish the update, to the bytes a build from nothing gives (manifest
included).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.pipeline import update
from tests.conftest import GROUPS, folder_state

_CHILD = r"""
import os, sys, time
from pathlib import Path
from generator.pipeline import output
from generator.cli import main

marker, phase, staging, out = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]

def pause():
    marker.write_text("paused")
    time.sleep(120)  # the parent kills the process here

real_write, real_replace = Path.write_bytes, os.replace

def write_bytes(self, data):
    result = real_write(self, data)
    if phase == "staging" and str(self).startswith(staging) and self.name == output.MANIFEST:
        pause()
    return result

def replace(src, dst):
    real_replace(src, dst)
    if phase == "renaming" and str(Path(dst).parent) == out:
        pause()

Path.write_bytes = write_bytes
output.os.replace = replace
sys.argv = ["docgen", "build", *sys.argv[5:]]
main()
"""


def _build(docs: Path, out: Path) -> None:
    args = [sys.executable, "-m", "generator", "build", str(docs), "-o", str(out), "-q"]
    subprocess.run([*args, "-t", "model", "-t", "openapi"], check=True)


@pytest.mark.parametrize(
    ("phase", "sig"),
    [("staging", signal.SIGKILL), ("renaming", signal.SIGKILL), ("staging", signal.SIGTERM)],
)
def test_a_build_killed_mid_update(phase: str, sig: int, tmp_path: Path) -> None:
    docs, out = tmp_path / "docs", tmp_path / "out"
    shutil.copytree(GROUPS, docs)
    _build(docs, out)
    before = folder_state(out)
    page = docs / "api" / "group-get.md"
    page.write_text(page.read_text().replace("Get the properties", "Read the properties"))

    cache = tmp_path / ".docgen-cache"
    staging = cache / "staging"
    marker = tmp_path / "paused"
    args = [str(docs), "-o", str(out), "-t", "model", "-t", "openapi", "-j", "1"]
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(marker), phase, str(staging), str(out), *args]
    )
    deadline = time.monotonic() + 60
    while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the child never reached the pause point"
    os.kill(child.pid, sig)
    assert child.wait() != 0

    if phase == "staging":
        assert folder_state(out) == before  # same files, same bytes, same mtimes; nothing new
    if sig == signal.SIGTERM:  # SIGTERM unwinds: the staged files are removed
        assert update.staging_folders(out, cache) == []
    else:
        assert len(update.staging_folders(out, cache)) == 1
    _build(docs, out)  # the next run sweeps (staging) or finishes (renaming) the update
    assert update.staging_folders(out, cache) == []
    fresh = tmp_path / "fresh"
    _build(docs, fresh)
    assert {k: v[0] for k, v in folder_state(out).items()} == {
        k: v[0] for k, v in folder_state(fresh).items()
    }
    assert "Read the properties" in (out / "model.json").read_text()
