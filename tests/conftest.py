"""Shared test fixtures: the bundled sample and the real corpus (when present)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
GROUPS = SAMPLES / "groups"
CORPUS_ROOT = ROOT.parent / "shared" / "corpus"
GRAPH = CORPUS_ROOT / "graph-v1.0"
SEED = CORPUS_ROOT / "seed"


@pytest.fixture(scope="session")
def graph_corpus() -> Path:
    if not (GRAPH / "api").is_dir():
        pytest.skip(f"corpus not present at {GRAPH}")
    return GRAPH


@pytest.fixture(scope="session")
def graph_parsed(graph_corpus: Path) -> Any:
    """The corpus's pages as parse reads them, once for the tests that only read them."""
    from generator.pipeline.run import parse_doc_set

    return parse_doc_set(graph_corpus, jobs=2)


@pytest.fixture(scope="session")
def graph_model(graph_corpus: Path) -> Any:
    """The corpus's model, read once for the tests that only read it (it is frozen)."""
    from generator.pipeline.run import load_model

    return load_model(graph_corpus, jobs=2)


@pytest.fixture()
def docs(tmp_path: Path) -> Path:
    """A copy of the bundled sample, to edit."""
    target = tmp_path / "docs"
    shutil.copytree(GROUPS, target)
    return target


@pytest.fixture(autouse=True, scope="session")
def _a_cache_key_of_the_tests(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The machine key (`generator.pipeline.trust`) of this test session, never the user's own;
    commands the tests start inherit it through the environment."""
    from generator.pipeline import trust

    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    os.environ.pop(trust.KEY_ENV, None)
    trust.machine_key.cache_clear()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("XDG_CACHE_HOME", None)
        else:
            os.environ["XDG_CACHE_HOME"] = previous
        trust.machine_key.cache_clear()


@pytest.fixture(autouse=True)
def _run_in_a_scratch_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Commands default their page cache to the current folder: keep it out of the repo."""
    previous = Path.cwd()
    os.chdir(tmp_path_factory.mktemp("cwd"))
    try:
        yield
    finally:
        os.chdir(previous)


def folder_state(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below `folder`: its bytes and mtime, to show nothing was touched."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def as_text(files: Mapping[str, str | bytes]) -> dict[str, str]:
    """A target's files as text (JSON data comes as UTF-8 bytes, encoded as it is made)."""
    return {rel: v.decode("utf-8") if isinstance(v, bytes) else v for rel, v in files.items()}


def render_target(
    name: str, model: Any, settings: dict[str, str] | None = None, reuse: Any = None
) -> dict[str, str]:
    """A built-in target's files as text, rendered as a build renders it (`reuse`: a
    `pieces.Reuse` to take kept pieces from)."""
    from generator.emit.targets import Context, Templates, available
    from generator.pipeline.pieces import render

    target = available()[name]
    context = Context(
        settings or {},
        Templates.of(name, target.templates, None),
        *([reuse.value] if reuse is not None else []),
    )
    return {
        rel: bytes(data).decode("utf-8", "surrogatepass")
        for rel, data in render(target, model, context, reuse).items()
    }
