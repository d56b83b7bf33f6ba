"""The edit fuzz of `make fuzz` (`tests.edit_fuzz`), kept working: a few steps on the
sample, and its comparison able to fail."""

from __future__ import annotations

import random
from pathlib import Path

from tests.conftest import GROUPS
from tests.edit_fuzz import Fuzz, differences, run


def test_a_few_random_edits_of_the_sample_build_as_cold_builds_do(tmp_path: Path) -> None:
    assert run(GROUPS, seed=5, steps=3, work=tmp_path) == 0


def test_the_edits_change_pages(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for page in GROUPS.rglob("*.md"):
        (docs / page.relative_to(GROUPS)).parent.mkdir(parents=True, exist_ok=True)
        (docs / page.relative_to(GROUPS)).write_bytes(page.read_bytes())
    before = {p: p.read_bytes() for p in docs.rglob("*.md")}
    fuzz = Fuzz(docs, random.Random(2))
    said = [edit() for edit in fuzz.edits() * 2]
    after = {p: p.read_bytes() for p in docs.rglob("*.md")}
    assert after != before, said
    assert fuzz.types  # names from the doc set's own `@odata.type` values


def test_differences_are_found(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        (folder / "sub").mkdir(parents=True)
        (folder / "same.json").write_text("{}")
    (a / "sub" / "x.py").write_text("1")
    (b / "sub" / "x.py").write_text("2")
    (a / "only-a.txt").write_text("")
    assert differences(a, b) == ["only-a.txt", "sub/x.py"]
    assert differences(a, a) == []
