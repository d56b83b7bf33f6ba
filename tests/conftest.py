"""Shared test fixtures: the bundled sample and the real corpus (when present)."""

from __future__ import annotations

from pathlib import Path

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
