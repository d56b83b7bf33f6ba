"""`docgen build`: incremental writes, manifest, --check, atomic updates, cache, settings."""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.config import load_config
from generator.emit.targets import available
from generator.pipeline import output, update
from generator.pipeline.build import code_key
from generator.pipeline.cache import PageCache
from generator.pipeline.run import parse_doc_set
from tests.conftest import folder_state


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_noop_build_touches_nothing(docs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("build", str(docs), "-o", str(out), "-t", "model")[0] == 0
    before = folder_state(out)
    code, _, err = run("build", str(docs), "-o", str(out), "-t", "model")
    assert code == 0 and "up to date" in err
    assert folder_state(out) == before


def test_timings_name_each_phase_and_target(docs: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    build = ("build", str(docs), "-o", str(out), "--cache-dir", str(cache), "-q", "--timings")
    code, _, err = run(*build, "-t", "model", "-t", "openapi")
    line = err.strip().splitlines()[-1]
    phases = r"read [\d.]+ s, load [\d.]+ s, parse [\d.]+ s, resolve [\d.]+ s"
    each = r"render [\d.]+ s \(model [\d.]+, openapi [\d.]+\), commit [\d.]+ s"
    assert code == 0 and re.fullmatch(rf"timings: {phases}, {each}; build [\d.]+ s", line), line
    code, _, err = run(*build, "-t", "model", "-t", "openapi")  # nothing to do
    assert code == 0 and re.fullmatch(r"timings: read [\d.]+ s; build [\d.]+ s", err.strip())
    code, _, err = run(*build[:-1], "-t", "model", "-t", "openapi")
    assert code == 0 and "timings" not in err


def test_noop_build_loads_no_parser_templates_or_formatter(docs: Path, tmp_path: Path) -> None:
    """A build with nothing to do (a pre-commit hook's common case) never imports
    markdown-it, Jinja or black: they cost a no-op build a tenth of its time."""
    import subprocess
    import sys

    out, cache = tmp_path / "out", tmp_path / "cache"
    build = ["build", str(docs), "-o", str(out), "--cache-dir", str(cache), "-q"]
    assert run(*build)[0] == 0
    script = (
        "import sys\n"
        "from generator.cli import main\n"
        "try:\n"
        f"    main({build!r})\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
        "heavy = ('markdown_it', 'jinja2', 'black')\n"
        "print(sorted(m for m in sys.modules if m.partition('.')[0] in heavy))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_edit_rewrites_only_what_changed_and_keeps_user_files(docs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run("build", str(docs), "-o", str(out), "-t", "model")
    (out / "notes.txt").write_text("mine")
    page = docs / "api" / "group-get.md"
    page.write_text(page.read_text().replace("Get the properties", "Read the properties"))
    code, _, err = run("build", str(docs), "-o", str(out), "-t", "model")
    assert code == 0 and "1 written" in err
    assert (out / "notes.txt").read_text() == "mine"
    assert "Read the properties" in (out / "model.json").read_text()


def test_replaced_big_files_are_freed_by_the_next_build_never_left_in_out(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big file an update replaces keeps a second name in the cache (freeing it is
    slow, so the next build does it while a CPU is idle): never inside OUT, never
    without a cache. The manifest written with the update vouches for the new files
    at once: the next build with nothing to do reads none of them."""
    monkeypatch.setattr(output, "ASIDE_MIN", 0)  # every file is big here
    out, cache = tmp_path / "out", tmp_path / "cache"
    build = ("build", str(docs), "-o", str(out), "--cache-dir", str(cache), "-t", "model")
    assert run(*build)[0] == 0
    old = (out / "model.json").read_bytes()
    page = docs / "api" / "group-get.md"
    page.write_text(page.read_text().replace("Get the properties", "Read the properties"))
    assert run(*build)[0] == 0
    trash = update.trash_of(out, cache)
    assert trash is not None and old in {p.read_bytes() for p in trash.iterdir()}
    assert set(folder_state(out)) == {"model.json", output.MANIFEST}
    middle = (out / "model.json").read_bytes()
    manifest, _ = output.read_manifest(out)
    record = output.read_record(cache, out)
    assert record is not None
    assert record.stats == {"model.json": output.stat_of(out / "model.json")}
    monkeypatch.setattr(output, "read_file", lambda path: pytest.fail(f"read {path}"))
    assert output.is_current(out, manifest, record, manifest.inputs, code_key())  # by stats
    monkeypatch.undo()
    monkeypatch.setattr(output, "ASIDE_MIN", 0)
    page.write_text(page.read_text().replace("Read the properties", "See the properties"))
    assert run(*build)[0] == 0
    aside = {p.read_bytes() for p in trash.iterdir()}
    assert old not in aside  # freed by this build
    assert middle in aside  # the one this build replaced
    plain = tmp_path / "plain"
    assert run("build", str(docs), "-o", str(plain), "-t", "model", "--no-cache")[0] == 0
    assert run("build", str(docs), "-o", str(plain), "-t", "model", "--no-cache")[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "docs", "out", "plain"]


def test_an_edit_that_leaves_the_model_alone_renders_nothing(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Prose no page fact keeps (a trailing paragraph) gives the same model, so the
    same files: nothing renders, and the next build takes the no-work fast path."""
    out = tmp_path / "out"
    run("build", str(docs), "-o", str(out), "-t", "model", "-t", "client")
    before, inputs = folder_state(out), output.read_manifest(out)[0].inputs
    page = docs / "api" / "group-get.md"
    page.write_text(page.read_text() + "\nA closing remark.\n")
    from generator.pipeline import build as build_module

    rendered: list[object] = []
    real_render = build_module.render_and_stage
    monkeypatch.setattr(
        build_module, "render_and_stage", lambda *a, **k: rendered.append(a) or real_render(*a, **k)  # type: ignore[func-returns-value]
    )
    code, _, err = run("build", str(docs), "-o", str(out), "-t", "model", "-t", "client")
    assert code == 0 and "0 written" in err and not rendered
    after = folder_state(out)
    assert {k: v for k, v in after.items() if k != output.MANIFEST} == {
        k: v for k, v in before.items() if k != output.MANIFEST
    }
    assert output.read_manifest(out)[0].inputs != inputs  # the new docs are recorded
    monkeypatch.setattr(build_module, "resolve_doc_set", lambda *a, **k: pytest.fail("parsed"))
    assert run("build", str(docs), "-o", str(out), "-t", "model", "-t", "client")[0] == 0
    monkeypatch.undo()
    page.write_text(page.read_text().replace("Get the properties", "Read the properties"))
    run("build", str(docs), "-o", str(out), "-t", "model", "-t", "client")
    assert "Read the properties" in (out / "model.json").read_text()


def test_files_no_longer_generated_are_removed(docs: Path, tmp_path: Path) -> None:
    """Removed when as docgen wrote them; kept, with a warning, when changed since."""
    out = tmp_path / "out"
    (out / "gone" / "deeper").mkdir(parents=True)
    (out / "gone" / "deeper" / "old.py").write_text("x")
    (out / "changed.py").write_text("mine now")
    text = (
        f'{{"inputs": "old", "files": {{"gone/deeper/old.py": "{output.sha(b"x")}", '
        f'"changed.py": "{output.sha(b"y")}"}}}}'
    )
    (out / output.MANIFEST).write_text(text, encoding="utf-8")
    manifest, warnings = output.read_manifest(out)
    assert manifest.files == {
        "gone/deeper/old.py": output.sha(b"x"),
        "changed.py": output.sha(b"y"),
    }
    assert manifest.inputs == "old" and not warnings
    code, _, err = run("build", str(docs), "-o", str(out), "-t", "model")
    assert code == 0 and not (out / "gone").exists() and (out / "model.json").is_file()
    assert (out / "changed.py").read_text() == "mine now"
    assert "changed.py: no longer generated, but changed since docgen wrote it; kept" in err
    assert "changed.py" not in output.read_manifest(out)[0].files  # the user's file now


def test_check_reports_stale_missing_and_extra(docs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, _ = run("build", str(docs), "-o", str(out), "-t", "model", "--check")
    assert code == 1 and "missing:" in stdout and not out.exists()
    run("build", str(docs), "-o", str(out), "-t", "model")
    assert run("build", str(docs), "-o", str(out), "-t", "model", "--check")[0] == 0
    (out / "model.json").write_text("{}")
    code, stdout, _ = run("build", str(docs), "-o", str(out), "-t", "model", "--check")
    assert code == 1 and "stale:" in stdout and (out / "model.json").read_text() == "{}"


def test_failure_before_commit_leaves_previous_output(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    run("build", str(docs), "-o", str(out), "-t", "model")
    before = folder_state(out)
    page = docs / "api" / "group-get.md"
    page.write_text(page.read_text() + "\nMore text.\n")

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("injected")

    monkeypatch.setattr(output, "manifest_bytes", boom)
    code, _, _ = run("build", str(docs), "-o", str(out), "-t", "model")
    assert code != 0
    assert folder_state(out) == before
    assert update.staging_folders(out, tmp_path / ".docgen-cache") == []


@pytest.mark.parametrize("cached", [True, False])
def test_journal_is_rolled_forward(
    cached: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An update interrupted after its commit point is finished by `recover`."""
    out, cache = tmp_path / "out", (tmp_path / "cache" if cached else None)
    out.mkdir()
    (out / "a.txt").write_text("old")
    (out / "b.txt").write_text("b")
    staging = update.begin(out, cache)
    (staging.files / "a.txt").write_text("new")
    digests = {"a.txt": output.sha(b"new")}
    the_plan = output.Plan(["a.txt"], ["b.txt"], [], digests)

    def killed(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(update, "_apply", killed)
    with pytest.raises(KeyboardInterrupt):
        update.commit(staging, the_plan, output.manifest_bytes(digests, "x"))
    monkeypatch.undo()
    assert (out / "a.txt").read_text() == "old" and update.staging_folders(out, cache)
    assert update.recover(out, cache) == []
    assert (out / "a.txt").read_text() == "new" and not (out / "b.txt").exists()
    assert output.read_manifest(out)[0].files == digests
    assert update.staging_folders(out, cache) == []


def test_paths_outside_the_output_are_refused() -> None:
    for bad in ("../x", "/etc/x", "a/../../x", ".docgen-manifest.json", "a//b", "./a", "a\\b"):
        with pytest.raises(output.OutputError):
            output.safe_rel(bad)


def test_jobs_do_not_change_bytes(docs: Path, tmp_path: Path) -> None:
    run("build", str(docs), "-o", str(tmp_path / "a"), "-t", "model", "-j", "1", "--no-cache")
    run("build", str(docs), "-o", str(tmp_path / "b"), "-t", "model", "-j", "2", "--no-cache")
    assert (tmp_path / "a" / "model.json").read_bytes() == (
        tmp_path / "b" / "model.json"
    ).read_bytes()
    # all targets, rendered by this process and two forked ones
    run("build", str(docs), "-o", str(tmp_path / "c"), "-j", "1", "--no-cache")
    run("build", str(docs), "-o", str(tmp_path / "d"), "-j", "3", "--no-cache")
    c, d = folder_state(tmp_path / "c"), folder_state(tmp_path / "d")
    assert len(c) > 20 and c.keys() == d.keys()
    assert all(c[rel][0] == d[rel][0] for rel in c if rel != output.MANIFEST)


def test_render_processes_are_collected(docs: Path, tmp_path: Path) -> None:
    """The processes a build forks to render are gone when it returns (none is left
    to exit, or as a zombie, for a long-lived caller)."""
    import multiprocessing

    for name in ("a", "b"):
        run("build", str(docs), "-o", str(tmp_path / name), "-j", "3", "--no-cache")
        assert multiprocessing.active_children() == []


def test_a_target_failing_in_any_process_leaves_previous_output(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Targets render in this process and forked ones: a failure in either is an
    error, and OUT stays as it was. (The edit changes a title, which every target reads:
    one to descriptions alone renders no target that ignores them.)"""
    out = tmp_path / "out"
    assert run("build", str(docs), "-o", str(out))[0] == 0
    before = folder_state(out)
    page = docs / "api" / "group-get.md"
    text = page.read_text().replace("Get the properties", "Read the properties")
    page.write_text(text.replace('title: "Get group"', 'title: "Read group"'))

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("injected")

    from generator import cli as cli_module

    targets = available()
    for failing in sorted(targets):  # the first is taken by a forked process
        with monkeypatch.context() as patch:
            broken = {**targets, failing: replace(targets[failing], render=boom)}
            patch.setattr(
                cli_module, "find", lambda names, *_, broken=broken: {n: broken[n] for n in names}
            )
            code, _, err = run("build", str(docs), "-o", str(out), "-j", "3")
        assert code == 2 and "injected" in err, failing  # docgen failed: exit 2, not 1
        assert folder_state(out) == before
    assert run("build", str(docs), "-o", str(out), "-j", "3")[0] == 0
    assert "Read the properties" in (out / "model.json").read_text()


def test_corrupt_cache_entries_are_rebuilt(docs: Path, tmp_path: Path) -> None:
    config = load_config(docs)
    cache = PageCache(tmp_path / "cache", config.fingerprint())
    cold = parse_doc_set(docs, config, cache=cache)
    with sqlite3.connect(tmp_path / "cache" / "store.sqlite") as db:
        entries = [key for (key,) in db.execute("SELECT key FROM kept WHERE shelf LIKE 'pages:%'")]
        assert len(entries) == len(cold.pages)
        db.execute("UPDATE kept SET value = x'00' WHERE key = ?", (entries[0],))
        db.execute("UPDATE kept SET value = substr(value, 1, 10) WHERE key = ?", (entries[1],))
    warm_cache = PageCache(tmp_path / "cache", config.fingerprint())
    warm = parse_doc_set(docs, config, cache=warm_cache)
    assert warm.stats == {"parsed": 2, "cached": len(cold.pages) - 2}
    assert warm.pages == cold.pages


def test_pages_parsed_in_workers_are_kept_by_the_build(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker processes send each page's facts pickled; the process that runs the build
    keeps them (one row per page) and they read back equal to a parse in one process."""
    monkeypatch.setattr("generator.pipeline.run._PARALLEL_MIN_PAGES", 1)
    config = load_config(docs)
    alone = parse_doc_set(docs, config)
    pooled = parse_doc_set(docs, config, jobs=2, cache=PageCache(tmp_path, config.fingerprint()))
    assert pooled.pages == alone.pages and pooled.stats["parsed"] == len(alone.pages)
    with contextlib.closing(sqlite3.connect(tmp_path / "store.sqlite")) as db:
        (rows,) = db.execute("SELECT count(*) FROM kept WHERE shelf LIKE 'pages:%'").fetchone()
    assert rows == len(alone.pages) and not (tmp_path / "pages").exists()
    again = parse_doc_set(docs, config, jobs=2, cache=PageCache(tmp_path, config.fingerprint()))
    assert again.stats == {"parsed": 0, "cached": len(alone.pages)} and again.pages == alone.pages


def test_settings_from_pyproject(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.docgen]\ndocs = "docs"\noutput = "gen"\ntargets = ["model"]\njobs = 1\n'
    )
    monkeypatch.chdir(tmp_path)
    code, _, _ = run("build")
    assert code == 0 and (tmp_path / "gen" / "model.json").is_file()


def test_unknown_setting_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "docgen.toml").write_text('docs = "d"\noutptu = "x"\n')
    monkeypatch.chdir(tmp_path)
    code, _, err = run("build")
    assert code == 2 and "outptu" in err and "docgen.toml:2:" in err and "'output'?" in err


def test_pre_commit_hook_in_a_git_repo(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run the hook's entry as pre-commit would, in a fresh git repo."""
    import shlex
    import subprocess

    import yaml

    hooks = yaml.safe_load((Path(__file__).parents[1] / ".pre-commit-hooks.yaml").read_text())
    entry = shlex.split(next(h["entry"] for h in hooks if h["id"] == "docgen"))
    assert entry[0] == "docgen"
    repo = tmp_path
    (repo / "pyproject.toml").write_text(
        '[tool.docgen]\ndocs = "docs"\noutput = "generated"\ntargets = ["model"]\n'
    )
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    monkeypatch.chdir(repo)
    assert run(*entry[1:])[0] == 1  # first run writes the output: the commit must be redone
    subprocess.run(["git", "add", "-A"], check=True)
    assert run(*entry[1:])[0] == 0  # nothing stale now
    page = docs / "api" / "group-get.md"
    page.write_text(page.read_text().replace("Get the properties", "Read the properties"))
    assert run(*entry[1:])[0] == 1  # docs changed, output regenerated: hook fails once
    status = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True)
    assert "generated/model.json" in status.stdout


def test_crash_after_the_commit_point_is_rolled_forward(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process that dies while renaming leaves a journal; the next run finishes it."""
    out = tmp_path / "out"
    run("build", str(docs), "-o", str(out), "-t", "model", "-t", "openapi")
    page = docs / "api" / "group-get.md"
    page.write_text(page.read_text().replace("Get the properties", "Read the properties"))
    real_replace = output.os.replace
    calls = {"n": 0}

    def dying_replace(src: object, dst: object) -> None:
        if str(dst).endswith(".json") and Path(str(dst)).parent == out:
            calls["n"] += 1
            if calls["n"] == 2:
                raise KeyboardInterrupt("killed")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(output.os, "replace", dying_replace)
    run("build", str(docs), "-o", str(out), "-t", "model", "-t", "openapi")
    monkeypatch.setattr(output.os, "replace", real_replace)
    cache = tmp_path / ".docgen-cache"
    (staging,) = update.staging_folders(out, cache)
    assert (staging / update.JOURNAL).exists()  # interrupted mid-way
    code, _, _ = run("build", str(docs), "-o", str(out), "-t", "model", "-t", "openapi", "--check")
    assert code == 1  # --check writes nothing, not even the recovery
    assert run("build", str(docs), "-o", str(out), "-t", "model", "-t", "openapi")[0] == 0
    assert update.staging_folders(out, cache) == []
    assert "Read the properties" in (out / "model.json").read_text()
    assert "Read the properties" in (out / "openapi.json").read_text()
    assert (
        run("build", str(docs), "-o", str(out), "-t", "model", "-t", "openapi", "--check")[0] == 0
    )


def test_find_pages_walks_as_rglob_would(tmp_path: Path) -> None:
    """Pages are found by scandir; which ones is what `rglob("*.md")` gave."""
    from generator.config import load_config
    from generator.pipeline.sources import find_pages

    root = tmp_path / "docs"
    for rel in ("a.md", "api/b.md", ".hidden/c.md", "config/d.md", "api/e.MD", "x/.f.md"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("# t\n")
    (root / "dir.md").mkdir()
    (root / "linked").symlink_to(root / "api")  # a link to a folder: not followed
    (root / "g.md").symlink_to(root / "a.md")  # a link to a page: a page
    (root / "broken.md").symlink_to(root / "nowhere.md")
    assert find_pages(root, load_config(root)) == (["a.md", "api/b.md", "g.md", "x/.f.md"], [])


def _doc_set_with_links(tmp_path: Path) -> tuple[Path, Path]:
    """A doc set whose pages link to a page inside it (by a relative and an absolute
    path, one through a folder link) and to files outside it (directly, by a chain of
    links, and through a link to the folder that holds it)."""
    root, elsewhere = tmp_path / "docs", tmp_path / "elsewhere"
    (root / "api").mkdir(parents=True)
    elsewhere.mkdir()
    (root / "api" / "a.md").write_text("# Page a\n\nInside.\n")
    (elsewhere / "secret.md").write_text("# Secret\n\nOutside the doc set.\n")
    (root / "api" / "b.md").symlink_to("a.md")
    (root / "c.md").symlink_to(root / "api" / "a.md")
    (tmp_path / "via").symlink_to(root)
    (root / "d.md").symlink_to(tmp_path / "via" / "api" / "a.md")
    (root / "api" / "out.md").symlink_to(elsewhere / "secret.md")
    (root / "api" / "chain.md").symlink_to("b.md")  # inside: b.md is inside
    (root / "hop.md").symlink_to(root / "api" / "out.md")  # to a link to outside
    (root / "api" / "dotdot.md").symlink_to("../../elsewhere/secret.md")
    return root, elsewhere


def test_a_page_linking_outside_the_doc_set_is_not_read(tmp_path: Path) -> None:
    """The doc set is what its folder holds: a page that is a link to a file outside it
    (the real paths compared, every link resolved) is not read, and says so (F006)."""
    from generator.pipeline.sources import find_pages

    root, _ = _doc_set_with_links(tmp_path)
    pages, skipped = find_pages(root, load_config(root))
    assert pages == ["api/a.md", "api/b.md", "api/chain.md", "c.md", "d.md"]
    assert [(d.code, d.file, d.line, d.col) for d in skipped] == [
        ("F006", "api/dotdot.md", 1, 1),
        ("F006", "api/out.md", 1, 1),
        ("F006", "hop.md", 1, 1),
    ]
    assert skipped[0].message == "page is a symbolic link to a file outside the doc set; not read"
    # the same through a link to the doc set's folder: its real path is the root's
    assert find_pages(tmp_path / "via", load_config(root)) == (pages, skipped)


def test_model_and_check_report_a_page_linking_outside(tmp_path: Path) -> None:
    root, _ = _doc_set_with_links(tmp_path)
    code, out, err = run("model", str(root), "--no-cache")
    assert code == 0 and err.startswith("5 pages,")
    assert "Outside the doc set" not in out
    model = json.loads(out)
    assert [d["file"] for d in model["diagnostics"] if d["code"] == "F006"] == [
        "api/dotdot.md",
        "api/out.md",
        "hop.md",
    ]
    code, out, _ = run("check", str(root), "--no-cache")
    assert f"{root}/api/out.md:1:1: F006 page is a symbolic link to a file outside" in out


def test_a_new_link_outside_makes_the_next_build_report_it(tmp_path: Path) -> None:
    """A page not read still changes what the build reports: not "up to date"."""
    root, out = tmp_path / "docs", tmp_path / "out"
    root.mkdir()
    (root / "a.md").write_text("# A\n")
    (tmp_path / "secret.md").write_text("# Secret\n")
    build = ("build", str(root), "-o", str(out), "-t", "model")
    assert run(*build)[0] == 0
    (root / "s.md").symlink_to(tmp_path / "secret.md")
    code, _, err = run(*build)
    assert code == 0 and "up to date" not in err
    assert '"F006"' in (out / "model.json").read_text()
