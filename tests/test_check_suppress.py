"""Page suppressions, --select/--ignore, [tool.docgen] and baselines."""

from __future__ import annotations

import json
from pathlib import Path

from generator.check import baseline
from generator.check.command import make_request, run
from generator.check.suppress import Selection, page_suppressions, split_codes
from generator.diagnostics import make
from tests.check_support import write

PAGE = """
# Page

[one](missing-one.md)

[two](missing-two.md)

<!-- {{ "type": "#page.annotation", "suppressions": [{entries}] }} -->
"""


def _page(entries: str) -> dict[str, str]:
    return {"a.md": PAGE.format(entries=entries)}


def _run(root: Path, **options: object) -> list[str]:
    outcome = run(make_request(root, jobs=1, **options))  # type: ignore[arg-type]
    return [f"{d.line} {d.code} {d.message}" for d in outcome.findings]


def test_suppression_by_code_covers_the_page(tmp_path: Path) -> None:
    write(tmp_path, _page('"L001"'))
    assert not [f for f in _run(tmp_path) if "L001" in f]


def test_suppression_by_code_and_line_or_text(tmp_path: Path) -> None:
    write(tmp_path, _page('"L001: 3", "L001: missing-two"'))
    assert not [f for f in _run(tmp_path) if " L001 " in f]
    write(tmp_path, _page('"L001: 3"'))
    assert [f for f in _run(tmp_path) if " L001 " in f] == [
        '5 L001 link "missing-two.md": missing-two.md does not exist'
    ]


def test_unused_and_foreign_suppressions_are_reported(tmp_path: Path) -> None:
    write(tmp_path, _page('"X004: 12", "Warning: /api-reference/v1.0/a.md: something"'))
    findings = _run(tmp_path)
    assert '7 S001 suppression "X004: 12" matches no finding' in findings
    assert (
        "7 S002 1 suppression entry is not in docgen's CODE[: location] form and ignored"
        in findings
    )


def test_select_and_ignore_by_code_and_prefix() -> None:
    assert split_codes(["X004,b", " A005 "]) == ("X004", "B", "A005")
    only_b = Selection(select=("B",))
    assert only_b.wants("B001") and not only_b.wants("X004")
    assert not Selection(ignore=("X00",)).wants("X004")
    assert Selection(select=("ALL",), ignore=("B006",)).wants("B001")


def test_select_on_the_command(tmp_path: Path) -> None:
    write(tmp_path, _page(""))
    assert all(" L001 " in f for f in _run(tmp_path, select=("L",)))
    assert not [f for f in _run(tmp_path, ignore=("L001",)) if " L001 " in f]


def test_pyproject_settings_beside_or_above_docs(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write(docs, _page(""))
    (tmp_path / "pyproject.toml").write_text('[tool.docgen]\nignore = ["L001"]\n')
    assert not [f for f in _run(docs) if " L001 " in f]
    assert [f for f in _run(docs, select=("L001",)) if " L001 " in f]  # the flag wins


def test_page_suppression_parsing_keeps_location() -> None:
    from generator.parse.facts import Annotation, PageFacts

    note = Annotation({"type": "#page.annotation", "suppressions": ["B001: Size", "X"]}, 9)
    found = page_suppressions([PageFacts("a.md", "A", page_annotations=(note,))])
    assert [(s.code, s.location) for s in found.entries] == [("B001", "Size"), ("X", None)]


def test_baseline_keys_ignore_line_numbers() -> None:
    first = make("X008", "a.md", 10, 1, "responds 200, but the Response section (line 4) says 201")
    moved = make("X008", "a.md", 30, 1, "responds 200, but the Response section (line 24) says 201")
    assert baseline.key(first) == baseline.key(moved)
    other = make("R004", "b.md", 3, 1, "resource x is also defined at c.md:12")
    assert baseline.key(other)[2] == "resource x is also defined at c.md:N"


def test_baseline_update_then_only_new_findings(tmp_path: Path) -> None:
    write(tmp_path / "docs", _page(""))
    file = tmp_path / "baseline.json"
    docs = tmp_path / "docs"
    outcome = run(make_request(docs, jobs=1, baseline=file, update_baseline=True))
    from generator.check.command import write_baseline

    write_baseline(file, outcome.findings)
    entries = json.loads(file.read_text())
    assert {e["code"] for e in entries} == {"L001"} and all("line" not in e for e in entries)
    assert run(make_request(docs, jobs=1, baseline=file)).findings == []
    page = (
        (docs / "a.md")
        .read_text()
        .replace("# Page", "# Page\n\nNew text.\n\n[three](missing-3.md)")
    )
    (docs / "a.md").write_text(page)
    after = run(make_request(docs, jobs=1, baseline=file))
    assert [d.message for d in after.findings] == [
        'link "missing-3.md": missing-3.md does not exist'
    ]
    assert after.baselined == 2 and after.stale == []


def test_baseline_reports_stale_entries(tmp_path: Path) -> None:
    write(tmp_path / "docs", _page(""))
    file = tmp_path / "baseline.json"
    gone = make("L001", "a.md", 1, 1, 'link "old.md": old.md does not exist')
    file.write_text(baseline.to_json([gone]))
    outcome = run(make_request(tmp_path / "docs", jobs=1, baseline=file))
    assert outcome.stale == [baseline.key(gone)]


IGNORED = """
# Page

<!-- docgen-ignore-next-block L001 -->
[one](missing-one.md) and
[two](missing-two.md) on two lines of one paragraph

[three](missing-three.md)

<!-- docgen-ignore-next-line L -->
[four](missing-four.md)

[five](missing-five.md)

<!-- docgen-ignore-next-block X001 -->
Nothing here makes an X001.
"""


def test_ignore_comments_cover_the_next_block_or_line(tmp_path: Path) -> None:
    """`<!-- docgen-ignore-next-block CODES -->` covers the block below it (every line of
    it), `-next-line` the line below; codes may be prefixes; one that covers nothing is
    reported (S001) at its comment."""
    write(tmp_path, {"a.md": IGNORED})
    found = _run(tmp_path)
    links = [f.split(" ", 2)[2] for f in found if " L001 " in f]
    assert [m.split('"')[1] for m in links] == ["missing-three.md", "missing-five.md"]
    (unused,) = [f for f in found if " S001 " in f]
    assert unused.startswith("14 S001") and "X001" in unused


def test_ignore_comments_stand_before_an_annotated_block(tmp_path: Path) -> None:
    """Between the comment and its fenced block may stand the block's annotation."""
    page = (
        "# Page\n\n<!-- docgen-ignore-next-block A003 -->\n"
        '<!-- { "blockType": "reqest" } -->\n```http\nGET /me\n```\n\n'
        '<!-- { "blockType": "reqest" } -->\n```http\nGET /me\n```\n'
    )
    write(tmp_path, {"a.md": page})
    assert [f.split(" ", 2)[:2] for f in _run(tmp_path) if " A003 " in f] == [["9", "A003"]]


DISABLED = """
# Page

<!-- docgen-disable-next-block L001, X004 the targets are on another site -->
[one](missing-one.md)

<!-- docgen-disable L001 the migration moved these pages -->
[two](missing-two.md)

[three](missing-three.md)
<!-- docgen-enable -->

[four](missing-four.md)

<!-- docgen-disable L, B tracked in the docs backlog -->
[five](missing-five.md)
<!-- docgen-enable L -->
[six](missing-six.md)
"""


def test_disable_comments_take_a_reason_and_cover_a_range(tmp_path: Path) -> None:
    """`docgen-disable-next-block CODES reason` as `-ignore-` does; `docgen-disable CODES`
    up to `docgen-enable` (all codes, or the ones it names; else to the page's end); the
    words after the codes are the reason, never codes; an unused code is reported."""
    write(tmp_path, {"a.md": DISABLED})
    found = _run(tmp_path)
    links = [f.split(" ", 2)[2] for f in found if " L001 " in f]
    assert [m.split('"')[1] for m in links] == ["missing-four.md", "missing-six.md"]
    unused = sorted(f.split(" ", 2)[2] for f in found if " S001 " in f)
    assert len(unused) == 2 and "X004" in unused[0] + unused[1] and "B " in unused[0] + unused[1]


def test_a_reason_is_not_read_as_codes(tmp_path: Path) -> None:
    """A reason that starts with a letter-like word (`A known gap`) suppresses nothing more."""
    page = "# Page\n\n<!-- docgen-disable-next-line L001 A known gap -->\n[x](gone.md)\n\n[y](gone2.md)\n"
    write(tmp_path, {"a.md": page})
    found = _run(tmp_path)
    assert [f for f in found if " L001 " in f][0].split(" ")[0] == "6"
    assert not [f for f in found if " S001 " in f]
