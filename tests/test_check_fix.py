"""`docgen check --fix` and `--diff`: each safe fix on a page that needs it and one that
must be left alone, and the guarantees: nothing else on a page changes, a second run
changes nothing, the model after fixing is the model before but for what was fixed,
`--diff` shows the edits and writes nothing. On a copy of the corpus too."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.check import fixes
from generator.check.command import make_request, run
from generator.cli import main
from generator.diagnostics import Diagnostic
from generator.model.serialize import model_to_json
from generator.model.types import ApiModel
from tests.check_support import write

JSON_PAGE = """# Get thing

## HTTP request

<!-- { "blockType": "ignored" } -->
```http
GET /things/{id}
```

## Example

### Request

<!-- { "blockType": "request", "name": "get_thing", } -->
```http
POST https://graph.microsoft.com/v1.0/things
Content-type: application/json

{
  'name': 'one',
  size: 2,
  "tags": ["a", "b",],
  "more": {"x": 1}
  "last": true,
}
```

### Response

<!-- { "blockType": "response" } -->
```http
HTTP/1.1 201 OK
Content-type: application/json

{
  "kept": "a, b", // a comment stays
  "also": 1,
  ...
}
```
"""

SHAPES_PAGE = """# Things

## HTTP request

```http
GET /things/<thing-id>/parts/<part-id>
```

## Properties

| Property | Type | Description |
|:---|:---|:---|
| pattern | String | Matches `a|b` or (x | y). |
| loose | String | Either one | or the other. |

## Example

```http
PATCH https://graph.microsoft.com/v1.0/things/1/parts/2
{
  "pattern": "a|b"
}
```

```http
HTTP/1.1 204 No Content
```
"""


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _codes(out: str) -> list[str]:
    return [line.split(" ")[1] for line in out.splitlines() if ": " in line]


def test_json_repairs_that_are_certain_are_made_and_the_others_kept(tmp_path: Path) -> None:
    """Trailing comma, missing comma at a line's end, bare key, single quotes (in a
    body: J001; in an annotation: A002) and a reason phrase (H003) are fixed; a comment
    and a comma before `...` stay, so the page still says what its author meant."""
    write(tmp_path, {"a.md": JSON_PAGE})
    code, out, err = cli("check", str(tmp_path), "--fix", "--no-cache")
    page = (tmp_path / "a.md").read_text(encoding="utf-8")
    assert '<!-- { "blockType": "request", "name": "get_thing" } -->' in page
    assert '  "name": "one",\n  "size": 2,\n  "tags": ["a", "b"],' in page
    assert '"more": {"x": 1},\n  "last": true\n}' in page
    assert "HTTP/1.1 201 Created" in page
    assert '"kept": "a, b", // a comment stays\n  "also": 1,\n  ...' in page
    assert [c for c in _codes(out) if c in ("J001", "A002", "H003")] == ["J001", "J001"]
    assert "fixed 8 findings in 1 pages" in err


def test_shapes_placeholders_content_type_and_annotations(tmp_path: Path) -> None:
    """`<x>` placeholders become `{x}` (P003), a `|` inside code or parentheses that
    split a table row is escaped (T005; a bare one stays a finding), a JSON body gets
    its Content-Type (X011), inferred examples their annotations (X001)."""
    write(tmp_path, {"a.md": SHAPES_PAGE})
    code, out, err = cli("check", str(tmp_path), "--fix", "--no-cache")
    page = (tmp_path / "a.md").read_text(encoding="utf-8")
    assert "GET /things/{thing-id}/parts/{part-id}" in page
    assert "| pattern | String | Matches `a\\|b` or (x \\| y). |" in page
    assert "| loose | String | Either one | or the other. |" in page
    request = (
        '<!-- {"blockType": "request", "name": "a-1"} -->\n```http\n'
        "PATCH https://graph.microsoft.com/v1.0/things/1/parts/2\n"
        "Content-Type: application/json\n\n{"
    )
    assert request in page
    assert '<!-- {"blockType": "response", "truncated": true} -->\n```http\nHTTP/1.1 204' in page
    assert _codes(out).count("T005") == 1
    assert not {"P003", "X011", "X001"} & set(_codes(out))


def _touched(before: str, after: str) -> tuple[set[int], bool]:
    """The lines of `before` an edit replaced, and whether any line was taken away."""
    a, b = before.split("\n"), after.split("\n")
    touched, lost = set(), False
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            touched.update(range(i1 + 1, i2 + 1))
            lost = lost or i2 - i1 > j2 - j1
    return touched, lost


def _fixable_lines(root: Path, findings: list[Diagnostic] | None = None) -> dict[str, set[int]]:
    """Per page, the lines of findings a fix may edit (an annotation's JSON: its lines)."""
    lines: dict[str, set[int]] = {}
    if findings is None:
        findings = run(make_request(root, jobs=1, no_cache=True)).findings
    for d in findings:
        if d.code in fixes.FIXERS:
            reach = 8 if d.code in ("A002", "X011") else 0  # (a comment's, a header's lines)
            lines.setdefault(d.file, set()).update(range(d.line, d.line + reach + 1))
    return lines


def test_nothing_else_changes_and_a_second_fix_changes_nothing(tmp_path: Path) -> None:
    """Byte for byte: each changed line is one an edit names; the rest of the page, its
    line endings and its last newline included, is as it was."""
    write(tmp_path, {"a.md": JSON_PAGE, "b.md": SHAPES_PAGE + "\n\n"})
    before = {p: (tmp_path / p).read_bytes() for p in ("a.md", "b.md")}
    allowed = _fixable_lines(tmp_path)
    cli("check", str(tmp_path), "--fix", "--no-cache")
    after = {p: (tmp_path / p).read_bytes() for p in ("a.md", "b.md")}
    for page in before:
        touched, lost = _touched(before[page].decode(), after[page].decode())
        assert touched and touched <= allowed[page] and not lost, (page, touched)
    assert after["b.md"].endswith(b"\n\n\n")
    again = cli("check", str(tmp_path), "--fix", "--no-cache")[2]
    assert "fixed 0 findings in 0 pages" in again
    assert {p: (tmp_path / p).read_bytes() for p in before} == after


def test_diff_shows_the_edits_and_writes_nothing(tmp_path: Path) -> None:
    write(tmp_path, {"a.md": JSON_PAGE})
    before = (tmp_path / "a.md").read_bytes()
    code, out, err = cli("check", str(tmp_path), "--diff", "--no-cache")
    assert (tmp_path / "a.md").read_bytes() == before
    assert "would fix" in err
    assert out.startswith(f"--- {tmp_path}/a.md\n+++ {tmp_path}/a.md\n@@ ")
    assert "-HTTP/1.1 201 OK\n+HTTP/1.1 201 Created\n" in out
    cli("check", str(tmp_path), "--fix", "--no-cache")
    fixed = (tmp_path / "a.md").read_text(encoding="utf-8")
    shown = [line[1:] for line in out.splitlines() if line.startswith("+") and line[1:3] != "++"]
    assert all(line in fixed.split("\n") for line in shown)


def test_an_edit_applies_only_where_the_page_still_holds_its_text(tmp_path: Path) -> None:
    """Findings planned against an older page: where its line no longer holds the text
    an edit replaces, that edit is dropped; the others still apply."""
    write(tmp_path, {"a.md": SHAPES_PAGE})
    findings = run(make_request(tmp_path, jobs=1, no_cache=True)).findings
    (tmp_path / "a.md").write_text(SHAPES_PAGE.replace("<thing-id>", "{thing-id}"))
    (planned,) = fixes.plan(tmp_path, [f for f in findings if f.code == "P003"])
    assert "GET /things/{thing-id}/parts/{part-id}\n" in planned.after
    (tmp_path / "a.md").write_text(SHAPES_PAGE.replace("<", "{").replace(">", "}"))
    assert fixes.plan(tmp_path, [f for f in findings if f.code == "P003"]) == []


# -- on a copy of the corpus --------------------------------------------------------------


def _model(model: ApiModel) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(model_to_json(model))
    data.pop("diagnostics", None)
    return data


def _line_map(before: str, after: str) -> dict[int, int]:
    """Old line -> new line, for the lines an edit kept or replaced in place."""
    a, b = before.split("\n"), after.split("\n")
    moved: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("equal", "replace") and i2 - i1 == j2 - j1:
            moved.update({i1 + k + 1: j1 + k + 1 for k in range(i2 - i1)})
    return moved


def _moved(value: Any, maps: dict[str, dict[int, int]]) -> Any:
    if isinstance(value, dict):
        if set(value) == {"file", "line"} and value["file"] in maps:
            return {"file": value["file"], "line": maps[value["file"]].get(value["line"], -1)}
        return {k: _moved(v, maps) for k, v in value.items()}
    if isinstance(value, list):
        return [_moved(v, maps) for v in value]
    return value


def _differences(a: Any, b: Any, at: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        return [d for k in a for d in _differences(a[k], b[k], f"{at}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for x, y in zip(a, b, strict=True) for d in _differences(x, y, f"{at}[]")]
    return [] if a == b else [at]


# what each fix changes in the model: X001 annotates (the example is named, no longer
# inferred, its response truncated as it was read), P003 rewrites `rawPath` (and an
# example's placeholders), X011 adds a header, T005 gives back a cell's lost text
EXPECTED = {
    ".examples[].name",
    ".examples[].inferred",
    ".examples[].response.truncated",
    ".endpoints[].rawPath",
    ".examples[].request.headers",
    ".examples[].request.contentType",
    ".examples[].response.headers",
    ".examples[].response.contentType",
    ".examples[].request.url",
    ".examples[].request.path",
    ".examples[].pathValues[][]",
    ".resources[].properties[].description",
    ".endpoints[].parameters[].description",
}


@pytest.mark.corpus
def test_fix_on_a_copy_of_the_corpus_keeps_its_guarantees(
    graph_corpus: Path, tmp_path: Path
) -> None:
    """Every page the fix changes is changed only on the lines its edits name; a second
    run fixes nothing; the model differs only where a fix says it does, and each fixed
    code is gone or left only where no safe fix exists."""
    docs = tmp_path / "docs"
    shutil.copytree(graph_corpus, docs)
    request = make_request(docs, cache_dir=tmp_path / "cache")
    outcome = run(request)
    before_model = _model(outcome.model)
    allowed = _fixable_lines(docs, outcome.findings)
    before_a006 = len([d for d in outcome.findings if d.code == "A006"])
    count, pages, after = fixes.fix(docs, outcome, lambda: run(request))
    print(f"\n--fix on graph-v1.0: {count} findings fixed in {len(pages)} pages")
    assert count > 1500 and len(pages) > 500 and pages <= set(allowed)
    maps = {}
    for page in sorted(pages):
        old = (graph_corpus / page).read_text(encoding="utf-8")
        new = (docs / page).read_text(encoding="utf-8")
        touched, lost = _touched(old, new)
        assert touched <= allowed[page] and not lost, (page, touched - allowed[page])
        maps[page] = _line_map(old, new)
    assert fixes.plan(docs, after.findings, after.model) == []  # a second run: nothing
    differences = set(_differences(_moved(before_model, maps), _model(after.model)))
    assert differences <= EXPECTED, differences - EXPECTED
    left = {d.code for d in after.findings}
    assert "H003" not in left
    assert len([d for d in after.findings if d.code == "A006"]) == before_a006  # no name reused


def test_an_inferred_example_whose_name_is_taken_is_not_annotated(tmp_path: Path) -> None:
    """The model names an inferred request `<page stem>-<n>` unless another example took
    that name; then an annotation with it would make a reused name (A006): no fix."""
    taker = SHAPES_PAGE.replace(
        "```http\nPATCH", '<!-- { "blockType": "request", "name": "b-1" } -->\n```http\nPATCH'
    )
    write(tmp_path, {"a.md": taker, "b.md": SHAPES_PAGE})
    code, out, err = cli("check", str(tmp_path), "--fix", "--no-cache")
    assert '"name": "b-1"}' not in (tmp_path / "b.md").read_text(encoding="utf-8")
    assert [line for line in out.splitlines() if " X001 " in line and "b.md" in line]
    assert " A006 " not in out
