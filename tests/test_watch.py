"""`docgen build --watch` and `docgen serve --reload`, as a user runs them: a process
that keeps running, a page edited under it, one line per rebuild, Ctrl-C to stop."""

from __future__ import annotations

import json
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import GROUPS

pytest.importorskip("watchfiles", reason="the watch extra is not installed")

PAGE = Path("api") / "group-get.md"
OLD, NEW = '"Library Assist"', '"Library Assistance"'  # in the page's response example


class Lines:
    """A process's stderr, line by line, read in a thread (a read never blocks a test)."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.seen: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        assert process.stderr is not None
        threading.Thread(target=self._read, args=(process.stderr,), daemon=True).start()

    def _read(self, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self._queue.put(line)

    def wait_for(self, wanted: Callable[[str], bool], timeout: float = 20) -> str:
        """The first line, seen already or within `timeout` seconds, that is `wanted`."""
        for line in self.seen:
            if wanted(line):
                return line
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.1)
            except queue.Empty:
                if self.process.poll() is not None and self._queue.empty():
                    break
                continue
            self.seen.append(line)
            if wanted(line):
                return line
        raise AssertionError(f"not seen in {timeout} s; stderr so far:\n{''.join(self.seen)}")


@pytest.fixture()
def docs(tmp_path: Path) -> Path:
    copy = tmp_path / "docs"
    shutil.copytree(GROUPS, copy)
    return copy


def _start(*args: str, cwd: Path) -> Iterator[Lines]:
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", *args], cwd=cwd, stderr=subprocess.PIPE, text=True
    )
    try:
        yield Lines(process)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def _edit(docs: Path) -> None:
    page = docs / PAGE
    text = page.read_text(encoding="utf-8")
    assert OLD in text
    page.write_text(text.replace(OLD, NEW), encoding="utf-8")


def test_build_watch_rebuilds_on_an_edit_and_stops_cleanly(docs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ("build", str(docs), "-o", str(out), "-t", "model", "-j", "1", "--watch", "--timings")
    for lines in _start(*args, cwd=tmp_path):
        lines.wait_for(lambda line: line.startswith("watching "))
        assert NEW not in (out / "model.json").read_text()
        _edit(docs)
        summary = lines.wait_for(lambda line: line.startswith("rebuilt:"), timeout=10)
        assert summary.startswith("rebuilt: 1 page changed, 1 file written, 0 removed, 0 errors, ")
        assert summary.rstrip().endswith(" s")
        start = len(lines.seen)  # (the first build's timings came before)
        timings = lines.wait_for(
            lambda line, seen=lines.seen, start=start: line.startswith("timings:")
            and len(seen) > start,
            timeout=5,
        )
        assert "parse" in timings and "render" in timings and "(model " in timings
        assert NEW in (out / "model.json").read_text()
        lines.process.send_signal(signal.SIGINT)
        assert lines.process.wait(timeout=10) == 0
        lines.wait_for(lambda line: line.startswith("stopped watching"), timeout=5)
        assert "Traceback" not in "".join(lines.seen)


def test_build_watch_says_an_error_and_goes_on(docs: Path, tmp_path: Path) -> None:
    """A rebuild that fails (here: every page removed) is one error line; the next
    change rebuilds again."""
    out = tmp_path / "out"
    args = ("build", str(docs), "-o", str(out), "-t", "model", "-j", "1", "--watch")
    for lines in _start(*args, cwd=tmp_path):
        lines.wait_for(lambda line: line.startswith("watching "))
        aside = tmp_path / "aside"
        aside.mkdir()
        pages = [
            p for p in docs.iterdir() if p.is_dir() and p.name != "config" or p.suffix == ".md"
        ]
        for page in pages:
            page.rename(aside / page.name)
        lines.wait_for(lambda line: "no Markdown pages" in line, timeout=10)
        for page in pages:
            (aside / page.name).rename(page)
        _edit(docs)
        lines.wait_for(lambda line: line.startswith("rebuilt:"), timeout=10)
        deadline = time.monotonic() + 10  # the pages back may be one rebuild, the edit another
        while NEW not in (out / "model.json").read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert NEW in (out / "model.json").read_text()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=5) as answer:
        return json.loads(answer.read())  # type: ignore[no-any-return]


def test_serve_reload_answers_with_the_edited_example(docs: Path, tmp_path: Path) -> None:
    port = _free_port()
    args = ("serve", str(docs), "--port", str(port), "--reload")
    url = f"http://127.0.0.1:{port}/v1.0/groups/b320ee12-b1cd-4cca-b648-a437be61c5cd"
    for lines in _start(*args, cwd=tmp_path):
        lines.wait_for(lambda line: line.startswith("serving "))
        lines.wait_for(lambda line: line.startswith("watching "))
        pid = lines.process.pid
        assert _get(url)["displayName"] == "Library Assist"
        _edit(docs)
        reloaded = lines.wait_for(lambda line: line.startswith("reloaded:"), timeout=10)
        assert reloaded.startswith("reloaded: 1 page changed, 27 endpoints, 0 errors, ")
        assert _get(url)["displayName"] == "Library Assistance"
        assert lines.process.pid == pid and lines.process.poll() is None  # no restart
        lines.process.send_signal(signal.SIGINT)
        assert lines.process.wait(timeout=10) == 0
