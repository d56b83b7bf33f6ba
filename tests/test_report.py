"""`docgen report`: what the report shows of a doc set, its examples' fates with and
without a run of the generated suite, same bytes for the same input, one-line errors,
and nothing written outside its folder."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from markupsafe import escape

from generator.check import command as check_command
from generator.cli import main
from generator.report.results import FAILED, PASSED, SKIPPED, ResultsError, read_results
from tests.conftest import GROUPS

SEED = "create-thread.md"
SEED_ENDPOINT = "/groups/{group-id}/Conversations/{conversation-id}/Threads"
UNTIED = "create_conversationthread_from_conversation-2"  # the seed page's example

WIDGET_PAGE = """\
# Get <script>alert(1)</script> widget

## HTTP request
<!-- { "blockType": "ignored" } -->
```http
GET /widgets/{id}
```

## Example
<!-- { "blockType": "request", "name": "get_widget" } -->
```http
GET https://graph.microsoft.com/v1.0/widgets/1?$filter=name eq '<script>alert(3)</script>'
```
<!-- { "blockType": "response", "truncated": true } -->
```http
HTTP/1.1 200 OK
Content-type: application/json

{"id": "1", "note": "</li><script>alert(2)</script>"}
```
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def report_of(docs: Path, out: Path, *extra: str) -> str:
    code, _, err = run("report", str(docs), "-o", str(out), "--no-cache", *extra)
    assert code == 0, err
    return (out / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def groups_report(tmp_path_factory: pytest.TempPathFactory) -> str:
    return report_of(GROUPS, tmp_path_factory.mktemp("report"))


def example_item(page: str, example_id: str) -> str:
    """The `<li>` of one example (up to the next example's)."""
    start = page.index(f'<code class="key">{escape(example_id)}</code>')
    start = page.rindex('<li class="item example">', 0, start)
    end = page.find('<li class="item example">', start + 1)
    return page[start : end if end > 0 else len(page)]


def test_the_seed_page_shows_its_endpoint_and_every_finding_check_reports(
    groups_report: str,
) -> None:
    assert f'<span class="page-name">{SEED}</span>' in groups_report
    assert f"<code>{html.escape(SEED_ENDPOINT)}</code>" in groups_report
    outcome = check_command.run(check_command.make_request(GROUPS, no_cache=True))
    seeds = [d for d in outcome.findings if d.file == SEED]
    assert {d.code for d in seeds} >= {"X006", "A006", "B001"}
    for d in seeds:  # at its line, with its code and message, by page and by code
        link = f'href="{_docs_link(groups_report)}/{SEED}#L{d.line}"'
        assert link in groups_report, d.format()
        assert str(escape(d.message)) in groups_report, d.format()
        assert f'id="code-{d.code}"' in groups_report


def _docs_link(page: str) -> str:
    """The doc set's folder as the report's links reach it (written in its note)."""
    marker = "which is <code>"
    start = page.index(marker) + len(marker)
    return page[start : page.index("</code>", start)]


def test_links_reach_the_pages_from_the_report_folder(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "er"
    page = report_of(GROUPS, out)
    assert (out / _docs_link(page) / SEED).resolve() == (GROUPS / SEED).resolve()


def test_fates_without_results_say_whether_the_suite_skips(groups_report: str) -> None:
    untied = example_item(groups_report, UNTIED)
    assert "not tied to an endpoint" in untied
    assert "skipped by the suite" in untied and "X006" in untied
    tied = example_item(groups_report, "get_conversation")
    assert "tied to <code>GET /groups/{group-id}/conversations/{conversation-id}</code>" in tied
    assert "replayable (no results given)" in tied
    assert "replayed green" not in groups_report


def junit(tmp_path: Path, cases: str) -> Path:
    path = tmp_path / "results.xml"
    path.write_text(f'<testsuites><testsuite name="pytest">{cases}</testsuite></testsuites>')
    return path


def test_fates_with_results_green_red_skipped_missing(tmp_path: Path) -> None:
    results = junit(
        tmp_path,
        '<testcase classname="tests.test_server_examples" name="t[get_conversation]"/>'
        '<testcase classname="tests.test_client_examples" name="t[get_conversation]"/>'
        '<testcase classname="tests.test_server_examples" name="t[get_group]">'
        '<failure message="AssertionError: 404 != 200">trace</failure></testcase>'
        f'<testcase classname="tests.test_server_examples" name="t[{UNTIED.replace("-", "_")}]">'
        '<skipped type="pytest.skip" message="create-thread.md:34:1: X006 no endpoint"/>'
        "</testcase>"
        '<testcase classname="tests.test_server_examples" name="t[not_an_example]"/>',
    )
    page = report_of(GROUPS, tmp_path / "out", "--results", str(results))
    green = example_item(page, "get_conversation")
    assert "replayed green" in green and "server: passed" in green and "client: passed" in green
    red = example_item(page, "get_group")
    assert "replayed red" in red and "AssertionError: 404 != 200" in red
    skipped = example_item(page, UNTIED)
    assert "skipped by the suite" in skipped and "X006 no endpoint" in skipped
    assert "not in the results" in example_item(page, "create_group")
    assert "1 naming no example of these docs" in page
    assert "endpoints replayed green" in page


def test_a_real_run_of_the_generated_suite_colours_the_examples(tmp_path: Path) -> None:
    out, xml = tmp_path / "out", tmp_path / "suite.xml"
    code, _, err = run("build", str(GROUPS), "-o", str(out), "--no-cache", "-q")
    assert code == 0, err
    suite = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(out / "tests")]
        + [f"--junitxml={xml}"],
        capture_output=True,
        text=True,
    )
    assert xml.is_file(), suite.stdout + suite.stderr
    counts = {
        outcome: sum(r.outcome == outcome for rs in read_results(xml).by_stem.values() for r in rs)
        for outcome in (PASSED, FAILED, SKIPPED)
    }
    page = report_of(GROUPS, tmp_path / "report", "--results", str(xml))
    assert page.count("outcome-passed") == counts[PASSED] > 0
    assert page.count("outcome-skipped") == counts[SKIPPED]
    assert "not in the results" not in page
    assert "replayed green" in example_item(page, "get_conversation")


def test_same_input_same_bytes_whatever_the_hash_seed(tmp_path: Path) -> None:
    made = []
    for seed in ("1", "2"):
        out = tmp_path / f"r{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "generator", "report", str(GROUPS), "-o", str(out)]
            + ["--no-cache"],
            check=True,
            capture_output=True,
            env=env,
        )
        made.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert made[0] == made[1]
    assert sorted(made[0]) == ["index.html", "report.css", "report.js"]


def test_doc_text_is_escaped(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "widget-get.md").write_text(WIDGET_PAGE)
    page = report_of(docs, tmp_path / "out")
    assert "<script>alert" not in page
    assert "name eq &#39;&lt;script&gt;alert(3)&lt;/script&gt;&#39;" in page
    assert "<code>/widgets/{widget-id}</code>" in page and "1 tied example<" in page
    assert page.count("<script") == 1  # report.js


def test_no_network_and_no_absolute_paths(groups_report: str) -> None:
    for reference in ("http://", "https://", "//fonts", "@import", "url("):
        assert reference not in groups_report.replace("https://graph.microsoft.com", "")
    assert not re.search(r'(href|src)="(/|file:)', groups_report)
    assets = Path(__file__).resolve().parents[1] / "templates" / "report"
    for asset in ("report.css", "report.js"):
        text = (assets / asset).read_text()
        assert "http" not in text and "url(" not in text and "fetch(" not in text


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "nope", "no such folder"),
        (lambda tmp: tmp, "no Markdown page"),
    ],
    ids=["missing-folder", "no-markdown"],
)
def test_bad_docs_is_one_line_and_exit_2(tmp_path: Path, make: object, message: str) -> None:
    (tmp_path / "notes.txt").write_text("not markdown\n")
    docs = make(tmp_path)  # type: ignore[operator]
    code, _, err = run("report", str(docs), "-o", str(tmp_path / "out"), "--no-cache")
    assert code == 2, err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_output_that_is_a_file_is_an_error(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_text("mine\n")
    code, _, err = run("report", str(GROUPS), "-o", str(target), "--no-cache")
    assert code == 2 and "is not a folder" in err
    assert target.read_text() == "mine\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "cannot read"), ("not xml at all", "not a JUnit XML file"), ("<html/>", "<html>")],
    ids=["missing", "not-xml", "other-xml"],
)
def test_bad_results_file_is_one_line_and_exit_2(
    tmp_path: Path, content: str | None, message: str
) -> None:
    results = tmp_path / "results.xml"
    if content is not None:
        results.write_text(content)
    code, _, err = run(
        "report", str(GROUPS), "-o", str(tmp_path / "out"), "--no-cache", "--results", str(results)
    )
    assert code == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def tree(root: Path) -> dict[str, bytes | str]:
    """Every file and link under `root`, with its bytes (a link: where it points)."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[rel] = f"-> {os.readlink(path)}"
        elif path.is_file():
            found[rel] = path.read_bytes()
    return found


def test_writes_nothing_outside_its_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not even through a link planted where index.html goes: the link is replaced."""
    outside = tmp_path / "outside.html"
    outside.write_text("keep me\n")
    out = tmp_path / "work" / "report"
    out.mkdir(parents=True)
    (out / "index.html").symlink_to(outside)
    (out / "notes.txt").write_text("the user's\n")
    monkeypatch.chdir(tmp_path / "work")
    before = tree(tmp_path)
    code, _, err = run("report", str(GROUPS), "-o", "report", "--no-cache")
    assert code == 0, err
    after = tree(tmp_path)
    changed = {rel for rel in set(before) | set(after) if before.get(rel) != after.get(rel)}
    assert changed == {"work/report/index.html", "work/report/report.css", "work/report/report.js"}
    assert outside.read_text() == "keep me\n"
    assert not (out / "index.html").is_symlink()


def test_results_reader_maps_modules_to_checks(tmp_path: Path) -> None:
    results = read_results(
        junit(
            tmp_path,
            '<testcase classname="a.b.test_server_examples" name="t[x]"/>'
            '<testcase classname="test_live" name="t[x]"><error message="boom&#10;more"/></testcase>'
            '<testcase classname="test_other" name="t_plain"/>',
        )
    )
    assert results.cases == 3
    assert [(r.check, r.outcome, r.message) for r in results.by_stem["x"]] == [
        ("live", FAILED, "boom more"),
        ("server_examples", PASSED, ""),
    ]


def test_results_reader_rejects_a_file_that_is_no_xml(tmp_path: Path) -> None:
    path = tmp_path / "r.xml"
    path.write_text("<testsuites>")
    with pytest.raises(ResultsError, match="not a JUnit XML file"):
        read_results(path)
