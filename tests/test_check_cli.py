"""`docgen check` and `docgen rules` on the command line: formats, exit codes, --explain."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from generator.check.explain import EXAMPLES
from generator.check.formats import github, statistics, text
from generator.cli import main
from generator.diagnostics import RULES, Diagnostic, make
from tests.check_support import write

BROKEN = {
    "a.md": "# A\n\n[gone](gone.md)\n",
    "b.md": '# B\n\n<!-- { "blockType": "request" "x" } -->\n',
}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _findings() -> list[Diagnostic]:
    return [
        make("L001", "api/a.md", 3, 1, 'link "x.md": x.md does not exist'),
        make("A001", "b.md", 2, 5, "annotation is not JSON: bad, very"),
    ]


def test_text_format_is_path_line_col_code_message() -> None:
    out = click.unstyle(text(_findings(), "docs"))
    assert "\x1b[" in text(_findings(), "docs")  # styled; click strips it when not a TTY
    assert out.split("\n")[0] == 'docs/api/a.md:3:1: L001 link "x.md": x.md does not exist'


def test_github_annotations_escape_properties() -> None:
    out = github(_findings(), "docs").split("\n")
    assert out[0] == (
        "::warning file=docs/api/a.md,line=3,col=1,title=L001 link-target-missing::"
        'link "x.md": x.md does not exist'
    )
    assert out[1].startswith(
        "::error file=docs/b.md,line=2,col=5,title=A001 annotation-invalid-json::"
    )


def test_statistics_counts_by_code() -> None:
    out = statistics([*_findings(), _findings()[0]]).split("\n")
    assert out[0].split() == ["2", "L001", "warning", "link-target-missing"]
    assert out[-1].split() == ["3", "total"]


def test_cli_text_exit_one_on_error_findings(tmp_path: Path) -> None:
    write(tmp_path, BROKEN)
    code, out, err = run("check", str(tmp_path))
    assert code == 1
    assert f"{tmp_path}/a.md:3:1: L001 " in out and " A001 " in out
    assert "findings (1 error" in err


def test_cli_exit_zero_when_only_warnings(tmp_path: Path) -> None:
    write(tmp_path, {"a.md": BROKEN["a.md"]})
    code, out, _ = run("check", str(tmp_path))
    assert code == 0 and "L001" in out


def test_cli_exit_two_on_usage_and_io_errors(tmp_path: Path) -> None:
    assert run("check", str(tmp_path / "nope"))[0] == 2
    assert run("check", str(tmp_path), "--update-baseline")[0] == 2
    assert run("check", "--explain", "Z999")[0] == 2
    assert run("check", str(tmp_path), "--format", "xml")[0] == 2


def test_cli_json_and_sarif(tmp_path: Path) -> None:
    write(tmp_path, BROKEN)
    _, out, _ = run("check", str(tmp_path), "--format", "json", "--select", "L")
    items = json.loads(out)
    assert [(i["code"], i["file"], i["line"], i["column"]) for i in items] == [
        ("L001", "a.md", 3, 1)
    ]
    _, out, _ = run("check", str(tmp_path), "--format", "sarif")
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    results = log["runs"][0]["results"]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert {r["ruleId"] for r in results} == {"L001", "A001"}
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    location = results[0]["locations"][0]["physicalLocation"]
    assert location["region"]["startLine"] >= 1 and location["artifactLocation"]["uri"].endswith(
        ".md"
    )


def test_cli_statistics(tmp_path: Path) -> None:
    write(tmp_path, BROKEN)
    _, out, _ = run("check", str(tmp_path), "--statistics")
    assert [line.split()[1] for line in out.strip().split("\n")[:-1]] == ["A001", "L001"]


def test_cli_baseline_round_trip(tmp_path: Path) -> None:
    docs = write(tmp_path / "docs", BROKEN)
    file = tmp_path / "base.json"
    code, _, err = run("check", str(docs), "--baseline", str(file), "--update-baseline")
    assert code == 0 and "2 findings recorded" in err
    code, out, err = run("check", str(docs), "--baseline", str(file))
    assert code == 0 and out == "" and "2 in the baseline" in err


def test_explain_and_rules() -> None:
    code, out, _ = run("check", "--explain", "a005")
    assert code == 0 and out.startswith("A005 annotation-unknown-key (warning)")
    assert "optionalProperties" in out
    code, out, _ = run("rules")
    assert code == 0 and len(out.strip().split("\n")) == len(RULES)
    assert run("rules", "B001")[1].startswith("B001 body-property-unknown")


def test_every_rule_has_an_example() -> None:
    assert set(EXAMPLES) == set(RULES)


def test_sarif_uris_are_relative_to_where_it_ran_with_fingerprints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run from the repository, with the docs named by an absolute path (as a settings
    file names them): URIs relative to `%SRCROOT%` (the folder it ran in), and a
    fingerprint per result that an edit moving the finding down a line keeps."""
    docs = tmp_path / "repo" / "docs"
    write(docs, BROKEN)
    monkeypatch.chdir(tmp_path / "repo")

    def results() -> tuple[dict[str, object], list[dict[str, object]]]:
        log = json.loads(run("check", str(docs), "--format", "sarif", "--select", "L")[1])
        return log["runs"][0], log["runs"][0]["results"]

    the_run, (result,) = results()
    location = result["locations"][0]["physicalLocation"]  # type: ignore[index]
    assert location["artifactLocation"] == {"uri": "docs/a.md", "uriBaseId": "%SRCROOT%"}
    base = the_run["originalUriBaseIds"]["%SRCROOT%"]["uri"]  # type: ignore[index]
    assert base == (tmp_path / "repo").resolve().as_uri() + "/"
    (docs / "a.md").write_text("# A\n\nMoved.\n\n[gone](gone.md)\n", encoding="utf-8")
    _, (moved,) = results()
    assert moved["partialFingerprints"] == result["partialFingerprints"]
    assert moved["locations"][0]["physicalLocation"]["region"]["startLine"] == 5  # type: ignore[index]
    text = run("check", str(docs), "--select", "L")
    assert text[1].startswith("docs/a.md:5:1: L001")


def test_check_counts_findings_once(tmp_path: Path) -> None:
    """stderr: what the doc set holds, then the findings by severity (once: the model's
    own diagnostics are among the findings, not counted apart)."""
    write(tmp_path, BROKEN)
    _, _, err = run("check", str(tmp_path))
    summary, tally = err.strip().splitlines()[-2:]
    assert "pages," in summary and "diagnostics:" not in summary
    assert tally.startswith("2 findings (1 error, 1 warning")


FIXABLE = {
    "api/a.md": "# A\n\nSee [b](../Resources/B.md#one) and [c](missing.md).\n\n"
    '<!-- { "blockType": "reqest" } -->\n~~~http\nGET ~/things\n~~~\n\n'
    '<!-- { "blockType": "responze" } -->\n~~~http\nHTTP/1.1 200 OK\n~~~\n',
    "resources/b.md": "# B\n\n## One\n",
}


def test_fix_repairs_what_is_certain_and_reports_the_rest(tmp_path: Path) -> None:
    """`--fix`: a link's case (L002), a path from the root (X014), a misspelt blockType
    (A003) are repaired in the page; the missing link target (L001) is not; a second run
    has nothing left to fix and the page is unchanged by it."""
    write(tmp_path, FIXABLE)
    code, out, err = run("check", str(tmp_path), "--fix", "--no-cache")
    assert "fixed 4 findings in 1 pages" in err
    page = (tmp_path / "api/a.md").read_text(encoding="utf-8")
    assert "[b](../resources/b.md#one)" in page and "[c](missing.md)" in page
    assert '"blockType": "request"' in page and '"blockType": "response"' in page
    assert "GET /things" in page
    assert " L001 " in out and not any(f" {c} " in out for c in ("L002", "X014", "A003"))
    again = run("check", str(tmp_path), "--fix", "--no-cache")[2]
    assert "fixed 0 findings in 0 pages" in again
    assert (tmp_path / "api/a.md").read_text(encoding="utf-8") == page
