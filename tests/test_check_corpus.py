"""`docgen check` over the real Graph v1.0 corpus (skipped when it is absent): no crash,
every finding has a registered code and a place, counts by code printed (`pytest -s`)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from generator.check.context import CheckOptions
from generator.check.runner import run_checks
from generator.diagnostics import RULES
from generator.model.resolve import build_model
from generator.pipeline.run import ParsedDocSet

pytestmark = pytest.mark.corpus


def test_corpus_checks_run_and_every_finding_is_coded(
    graph_corpus: Path, graph_parsed: ParsedDocSet
) -> None:
    parsed = graph_parsed
    model = build_model(parsed.pages, parsed.config)
    found = run_checks(model, parsed.pages, parsed.config, CheckOptions(root=graph_corpus))
    counts = Counter(d.code for d in found)
    print("\ncheck findings on graph-v1.0 by code:")
    for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"{n:6}  {code}  {RULES[code].severity:<7}  {RULES[code].name}")
    assert set(counts) <= set(RULES)
    assert all(d.line >= 1 and d.col >= 1 and d.file.endswith(".md") for d in found)
    assert len(found) == len(set(found))
    # rules that must find what the corpus README and issue describe
    assert counts["L002"] >= 150 and counts["B001"] > 0 and counts["X008"] > 0
