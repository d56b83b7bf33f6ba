"""What docgen reads back from OUT and from the cache is input someone else may have written.

Each attack of issue 15, tried through the command line: a manifest that names
paths outside OUT, journals planted wherever one can be read from, forged cache
entries, a user's file at a generated path, links inside OUT, two builds at
once, and a manifest that must be the same on every machine.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
import time
import unittest.mock
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.pipeline import lock, output, trust, update
from generator.pipeline.confine import Tree
from tests.conftest import GROUPS, folder_state


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def build(docs: Path, out: Path, *more: str) -> tuple[int, str, str]:
    return run("build", str(docs), "-o", str(out), "-t", "model", "-j", "1", *more)


def _edit(docs: Path) -> None:
    page = docs / "api" / "group-get.md"
    page.write_text(page.read_text().replace("Get the properties", "Read the properties"))


# --- the manifest ---------------------------------------------------------------------


def test_a_manifest_naming_paths_outside_out_touches_nothing_there(
    docs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert build(docs, out)[0] == 0
    victims = tmp_path / "victims"
    (victims / "deep").mkdir(parents=True)
    for name in ("a.txt", "deep/b.txt", "abs.txt"):
        (victims / name).write_text("keep me")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "c.txt").write_text("keep me")
    (out / "link").symlink_to(outside)  # a link inside OUT, to a folder outside it
    data = json.loads((out / output.MANIFEST).read_text())
    digest = output.sha(b"keep me")
    hostile = {
        "../victims/a.txt": digest,
        "sub/../../victims/deep/b.txt": digest,
        str(victims / "abs.txt"): digest,
        "link/c.txt": digest,
        "./model.json": digest,
        "model.json/": digest,
        "notes.txt": "not a digest",
    }
    data["files"].update(hostile)
    (out / output.MANIFEST).write_text(json.dumps(data, indent=1))
    _edit(docs)
    code, _, err = build(docs, out, "-v")
    assert code == 0
    assert {p.name for p in victims.rglob("*.txt")} == {"a.txt", "b.txt", "abs.txt"}
    assert (outside / "c.txt").read_text() == "keep me" and (out / "link").is_symlink()
    for entry in hostile:
        if entry != "link/c.txt":  # a plain path: refused where it meets the link
            assert f"entry {entry!r} refused" in err  # named, with the file and its line
    assert f"{out / output.MANIFEST}:" in err
    assert f"{out / 'link/c.txt'}: not removed: {out / 'link'} on the way" in err
    assert "removed " not in err
    assert "Read the properties" in (out / "model.json").read_text()
    manifest, warnings = output.read_manifest(out)
    assert set(manifest.files) == {"model.json"} and not warnings  # rewritten clean


def test_a_manifest_that_is_not_one_owns_nothing(docs: Path, tmp_path: Path) -> None:
    """docgen cannot tell which files it wrote: none is its own, none is replaced."""
    out = tmp_path / "out"
    assert build(docs, out)[0] == 0
    (out / output.MANIFEST).write_text("[not, json")
    _edit(docs)
    code, _, err = build(docs, out)
    assert code == 2 and "not a docgen manifest" in err and "model.json" in err
    assert "Read the properties" not in (out / "model.json").read_text()
    assert build(docs, out, "--force")[0] == 0
    assert "Read the properties" in (out / "model.json").read_text()


def test_the_manifest_is_the_same_on_every_machine(tmp_path: Path) -> None:
    """Two clean builds from different folders, caches, seeds and -j: the same bytes,
    manifest included; it holds no stat, path or time."""
    outs = []
    for name, seed, jobs in (("one", "1", "1"), ("two", "2", "3")):
        root = tmp_path / name
        shutil.copytree(GROUPS, root / "docs")
        env = dict(os.environ, PYTHONHASHSEED=seed)
        args = ["build", "docs", "-o", "out", "-j", jobs, "-q", "--cache-dir", f"c-{name}"]
        subprocess.run([sys.executable, "-m", "generator", *args], cwd=root, env=env, check=True)
        outs.append(folder_state(root / "out"))
    assert {k: v[0] for k, v in outs[0].items()} == {k: v[0] for k, v in outs[1].items()}
    data = json.loads(outs[0][output.MANIFEST][0])
    assert sorted(data) == ["docgen", "files", "inputs"]
    assert str(tmp_path) not in outs[0][output.MANIFEST][0].decode()


# --- journals -------------------------------------------------------------------------


def _plant(folder: Path, out: Path, build_id: str) -> None:
    """A staging folder as docgen lays one out, signed with another key than this
    machine's: a journal that writes outside OUT and removes a file outside it."""
    (folder / "files").mkdir(parents=True, exist_ok=True)
    (folder / "files" / "planted.txt").write_text("planted")
    (folder / "planted.txt").write_text("planted")
    identity = {"build": build_id, "out": str(out.absolute())}
    steps = {"clear": [], "write": ["../planted.txt"], "remove": ["../victim.txt"]}
    elsewhere = trust.MachineKey(b"k" * 32, "another machine")
    with unittest.mock.patch.object(trust, "machine_key", lambda: elsewhere):
        owner = json.dumps(identity, sort_keys=True).encode()
        journal = json.dumps({**steps, **identity}, sort_keys=True).encode()
        (folder / update.OWNER).write_bytes(trust.signed(update._OWNER_PURPOSE, owner))
        (folder / update.JOURNAL).write_bytes(trust.signed(update._JOURNAL_PURPOSE, journal))
    (folder / "JOURNAL.json").write_text(json.dumps({**steps, **identity}))


@pytest.mark.parametrize("cached", [True, False])
def test_planted_journals_are_never_replayed(cached: bool, docs: Path, tmp_path: Path) -> None:
    """Wherever a journal can be read from (the cache's staging area, the folder beside
    OUT, the staging folder older docgens kept inside OUT): nothing outside OUT changes."""
    out, cache = tmp_path / "out", tmp_path / ".docgen-cache"
    flags = () if cached else ("--no-cache",)
    assert build(docs, out, *flags)[0] == 0
    (tmp_path / "victim.txt").write_text("keep me")
    build_id = "0123456789abcdef"
    root = cache / "staging" if cached else tmp_path
    prefix = (
        output.sha(str(out.absolute()).encode())[:16] + "-" if cached else f".{out.name}.docgen-"
    )
    planted = [root / f"{prefix}{build_id}", out / ".docgen-tmp"]
    for folder in planted:
        _plant(folder, out, build_id)
    assert update.staging_folders(out, cache if cached else None) == [planted[0]]
    _edit(docs)
    code, _, err = build(docs, out, *flags)
    assert code == 0
    assert (tmp_path / "victim.txt").read_text() == "keep me"
    assert not (tmp_path / "planted.txt").exists()
    assert "not a staging folder docgen wrote here" in err
    assert planted[0].exists() is (not cached)  # removed from the cache; left alone beside OUT
    assert "Read the properties" in (out / "model.json").read_text()


def test_a_journal_docgen_signed_still_stays_inside_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Paths in a journal pass the manifest's rule again when it is replayed."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    out.mkdir()
    (tmp_path / "victim.txt").write_text("keep me")
    staging = update.begin(out, cache)
    (staging.files / "ok.txt").write_text("ok")
    (staging.folder / "escape.txt").write_text("escaped")
    the_plan = output.Plan(["ok.txt", "../escape.txt"], ["../victim.txt"], [], {})

    def killed(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(update, "_apply", killed)
    with pytest.raises(KeyboardInterrupt):
        update.commit(staging, the_plan, b"{}")
    monkeypatch.undo()
    update.recover(out, cache)
    assert (out / "ok.txt").read_text() == "ok"
    assert (tmp_path / "victim.txt").exists() and not (tmp_path / "escape.txt").exists()


def test_a_journal_of_another_out_is_not_replayed_here(tmp_path: Path) -> None:
    out, other, cache = tmp_path / "out", tmp_path / "other", tmp_path / "cache"
    out.mkdir()
    staging = update.begin(other, cache)
    (staging.files / "x.txt").write_text("x")
    journal_of_other = staging.folder
    mine = update.begin(out, cache)
    shutil.rmtree(mine.folder)
    shutil.copytree(journal_of_other, mine.folder)  # other's signed OWNER, under out's name
    assert update.recover(out, cache)  # refused, with a warning
    assert not mine.folder.exists() and not (out / "x.txt").exists()


def test_pruning_stops_at_out(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "a" / "b").mkdir(parents=True)
    update._prune_empty_folders(Tree(out), "a/b/gone.txt")
    assert out.is_dir() and not (out / "a").exists()


# --- the cache ------------------------------------------------------------------------


def test_a_forged_page_cache_entry_is_a_miss(docs: Path, tmp_path: Path) -> None:
    """An entry edited and sealed again as a planter could (SHA-256 recomputed) is not
    trusted: the page is parsed again."""
    out, cache = tmp_path / "out", tmp_path / ".docgen-cache"
    assert build(docs, out)[0] == 0
    forged = 0
    with contextlib.closing(sqlite3.connect(cache / "store.sqlite")) as db, db:
        pages = db.execute("SELECT shelf, key, value FROM kept WHERE shelf LIKE 'pages:%'")
        for shelf, key, value in pages.fetchall():
            if b"Get the properties" in value:
                value = value.replace(b"Get the properties", b"FORGED the propertie")
                db.execute(
                    "UPDATE kept SET tag = ?, value = ? WHERE shelf = ? AND key = ?",
                    (hashlib.sha256(value).digest(), value, shelf, key),
                )
                forged += 1
        # the work kept beside the pages goes too: only the pages are left
        db.execute("DELETE FROM kept WHERE shelf NOT LIKE 'pages:%'")
    assert forged
    shutil.rmtree(out)
    (cache / "pages.seen").unlink(missing_ok=True)  # (pages just written are not recorded)
    shutil.rmtree(cache / "outputs")
    assert build(docs, out)[0] == 0
    assert "FORGED" not in (out / "model.json").read_text()


def _pickle_forgery(path: Path) -> None:
    """Replace a sealed file's value with a planted one, tagged with a wrong key."""
    raw = path.read_bytes()
    head = raw[: raw.index(b"\n") + 1]
    payload = pickle.dumps({"planted": True})
    path.write_bytes(head + b"\0" * trust.TAG_BYTES + payload)


def test_a_cache_without_its_key_is_simply_cold(docs: Path, tmp_path: Path) -> None:
    """Every store in the cache is sealed with the machine key: the same cache used with
    another key (restored on another machine, or every entry forged) is a cold cache,
    and the build gives the bytes a build from nothing gives."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    args = ["build", "docs", "-o", "out", "--cache-dir", "cache", "-q"]
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "machine-a"))
    subprocess.run([sys.executable, "-m", "generator", *args], cwd=tmp_path, env=env, check=True)
    assert (tmp_path / "machine-a" / "docgen" / "cache-key").stat().st_mode & 0o777 == 0o600
    stores = sorted(p.relative_to(cache).parts[0] for p in cache.rglob("*") if p.is_file())
    assert {"store.sqlite", "outputs"} <= set(stores)
    fresh = folder_state(out)
    shutil.rmtree(out)
    code = (
        "import sys; from generator.pipeline import run as r; real = r._parse_all\n"
        "def counted(sources, *a, **k):\n"
        "    print('parsed', len(sources), file=sys.stderr); return real(sources, *a, **k)\n"
        "r._parse_all = counted\n"
        "from generator.cli import main; main(sys.argv[1:])\n"
    )
    env_b = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "machine-b"))
    done = subprocess.run(
        [sys.executable, "-c", code, *args, "-j", "1"],
        cwd=tmp_path,
        env=env_b,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "parsed 31" in done.stderr  # every page: no entry was trusted
    assert {k: v[0] for k, v in folder_state(out).items()} == {k: v[0] for k, v in fresh.items()}


def test_a_shared_key_shares_the_cache(docs: Path, tmp_path: Path) -> None:
    """`DOCGEN_CACHE_KEY` (a CI secret): two machines with it share their cache."""
    args = [sys.executable, "-m", "generator", "build", "docs", "-o", "out", "-j", "1"]
    outcomes = []
    for machine in ("a", "b"):
        env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / machine), DOCGEN_CACHE_KEY="s3cret")
        done = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True)
        outcomes.append(done.stderr)
    assert "written" in outcomes[0]
    assert outcomes[1].strip().endswith("out: up to date")  # b trusts a's record of OUT
    assert not (tmp_path / "b" / "docgen").exists()  # the key came from the environment


def test_a_key_file_others_can_read_is_not_used(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    trust.machine_key.cache_clear()
    try:
        first = trust.machine_key()
        assert first.warning is None and trust.key_file().stat().st_mode & 0o777 == 0o600
        trust.machine_key.cache_clear()
        assert trust.machine_key().secret == first.secret  # read back, the same
        trust.key_file().chmod(0o644)
        trust.machine_key.cache_clear()
        code, _, err = build(docs, tmp_path / "out")
        assert code == 0 and "others may read or write it" in err
        assert trust.machine_key().secret != first.secret
    finally:
        trust.machine_key.cache_clear()


def test_links_in_a_restored_cache_are_not_written_through(docs: Path, tmp_path: Path) -> None:
    """A cache tarball may hold links where docgen keeps its folders and logs."""
    out, cache, outside = tmp_path / "out", tmp_path / ".docgen-cache", tmp_path / "outside"
    assert build(docs, out)[0] == 0
    outside.mkdir()
    (outside / "kept.txt").write_text("keep me")
    for name in ("outputs", "staging"):
        shutil.rmtree(cache / name, ignore_errors=True)
        (cache / name).symlink_to(outside)
    (cache / "store.sqlite").unlink()
    (cache / "store.sqlite").symlink_to(outside / "kept.txt")
    _edit(docs)
    code, _, err = build(docs, out)
    assert code == 0 and "a link in the cache folder (docgen makes none); removed" in err
    assert [p.name for p in outside.iterdir()] == ["kept.txt"]
    assert (outside / "kept.txt").read_text() == "keep me"
    assert "Read the properties" in (out / "model.json").read_text()
    shutil.rmtree(cache)
    cache.symlink_to(outside)
    code, _, err = build(docs, out)
    assert code == 2 and "the cache folder is a symbolic link" in err
    assert [p.name for p in outside.iterdir()] == ["kept.txt"]


def test_planted_sealed_files_are_misses(tmp_path: Path) -> None:
    from generator.pipeline.sealed import read_sealed, seal, write_sealed

    path = tmp_path / "entry"
    write_sealed(path, seal(b"magic", "key", {"ok": 1}))
    assert read_sealed(path, b"magic", "key", ()) == {"ok": 1}
    _pickle_forgery(path)
    assert read_sealed(path, b"magic", "key", ()) is None


# --- files docgen did not write -------------------------------------------------------


def test_a_users_file_at_a_generated_path_is_not_replaced(docs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "model.json").write_text("my own")
    (out / "notes.txt").write_text("mine")
    before = folder_state(out)
    code, _, err = build(docs, out)
    assert code == 2 and str(out / "model.json") in err and "--force" in err
    assert len(err.strip().splitlines()) == 1
    assert folder_state(out) == before
    assert build(docs, out, "--force")[0] == 0
    assert (out / "model.json").read_text() != "my own" and (out / "notes.txt").exists()
    assert build(docs, out)[0] == 0  # docgen's own now


def test_force_from_the_settings(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "docgen.toml").write_text('docs = "docs"\noutput = "gen"\nforce = true\n')
    (tmp_path / "gen").mkdir()
    (tmp_path / "gen" / "model.json").write_text("my own")
    monkeypatch.chdir(tmp_path)
    assert run("build", "-t", "model", "-j", "1")[0] == 0
    assert (tmp_path / "gen" / "model.json").read_text() != "my own"


def test_links_inside_out_are_not_followed_out_of_it(docs: Path, tmp_path: Path) -> None:
    """A link at a generated file's path, or at a folder on the way to one."""
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    assert run("build", str(docs), "-o", str(out), "-t", "model", "-t", "server")[0] == 0
    elsewhere.mkdir()
    (elsewhere / "model.json").write_text("elsewhere")
    (out / "model.json").unlink()
    (out / "model.json").symlink_to(elsewhere / "model.json")
    shutil.rmtree(out / "server")
    (out / "server").symlink_to(elsewhere)
    code, _, err = run("build", str(docs), "-o", str(out), "-t", "model", "-t", "server")
    assert code == 2 and str(out / "server") in err
    assert sorted(p.name for p in elsewhere.iterdir()) == ["model.json"]
    assert (elsewhere / "model.json").read_text() == "elsewhere"
    code, _, _ = run("build", str(docs), "-o", str(out), "-t", "model", "-t", "server", "--force")
    assert code == 0
    assert sorted(p.name for p in elsewhere.iterdir()) == ["model.json"]
    assert (elsewhere / "model.json").read_text() == "elsewhere"
    assert not (out / "server").is_symlink() and (out / "server").is_dir()
    assert not (out / "model.json").is_symlink()


def test_out_itself_a_link_is_refused(docs: Path, tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "out").symlink_to(tmp_path / "real")
    code, _, err = build(docs, tmp_path / "out")
    assert code == 2 and "symbolic link" in err and not any((tmp_path / "real").iterdir())


# --- one build at a time --------------------------------------------------------------


def test_two_builds_at_once_both_succeed(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(GROUPS, docs)
    args = [sys.executable, "-m", "generator", "build", "docs", "-o", "out", "-q", "-t", "model"]
    for attempt in range(10):
        shutil.rmtree(tmp_path / "out", ignore_errors=True)
        shutil.rmtree(tmp_path / ".docgen-cache", ignore_errors=True)
        if attempt % 2:
            _edit(docs)
        both = [
            subprocess.Popen([*args, "-t", "openapi"], cwd=tmp_path, stderr=subprocess.PIPE)
            for _ in range(2)
        ]
        for child in both:
            _, err = child.communicate()
            assert child.returncode == 0, err.decode()
    assert update.staging_folders(tmp_path / "out", tmp_path / ".docgen-cache") == []


def test_a_second_build_waits_and_says_so(docs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert build(docs, out)[0] == 0
    _edit(docs)
    argv = [sys.executable, "-m", "generator", "build", str(docs), "-o", str(out), "-t", "model"]
    with lock.holding(out, "OUT"):
        refused = subprocess.run([*argv, "--no-wait"], capture_output=True, text=True)
        assert refused.returncode == 2 and "in use by another docgen process" in refused.stderr
        waiting = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True)
        time.sleep(2.5)
        assert waiting.poll() is None  # still waiting
    _, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0
    assert f"waiting for another docgen process to finish with the output folder {out}" in err
    assert "Read the properties" in (out / "model.json").read_text()


# --- a full disk ----------------------------------------------------------------------

_LIMITED = (
    "import resource, signal, sys\n"
    "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
    "limit = int(sys.argv.pop(1))\n"
    "resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))\n"
    "from generator.cli import run\n"
    "sys.argv[0] = 'docgen'\n"
    "run()\n"
)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="resource limits are POSIX")
def test_after_writes_fail_the_next_build_succeeds(tmp_path: Path) -> None:
    """Writes fail part way (a file-size limit stands in for a full disk: every write
    past it fails): the build fails with one line, or succeeds without its cache; the
    next build, with room again, gives what a build from nothing gives, with no cache
    removed by hand."""
    docs = tmp_path / "docs"
    docgen = [sys.executable, "-m", "generator"]
    args = ["build", "docs", "-o", "out", "-q", "-t", "model", "-t", "openapi", "-t", "client"]
    for limit in (300, 20_000, 200_000):
        for name in ("docs", "out", ".docgen-cache"):
            shutil.rmtree(tmp_path / name, ignore_errors=True)
        shutil.copytree(GROUPS, docs)
        subprocess.run([*docgen, *args], cwd=tmp_path, check=True)
        _edit(docs)
        failed = subprocess.run(
            [sys.executable, "-c", _LIMITED, str(limit), *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert "Traceback" not in failed.stderr
        if limit == 300:
            assert failed.returncode == 2 and "Error: " in failed.stderr
        subprocess.run([*docgen, *args], cwd=tmp_path, check=True)
        subprocess.run([*docgen, *args, "-o", "fresh", "--no-cache"], cwd=tmp_path, check=True)
        fresh = {k: v[0] for k, v in folder_state(tmp_path / "fresh").items()}
        assert {k: v[0] for k, v in folder_state(tmp_path / "out").items()} == fresh, limit
        assert update.staging_folders(tmp_path / "out", tmp_path / ".docgen-cache") == []


# --- committed output in a team -------------------------------------------------------


def test_branches_that_both_regenerated_merge(tmp_path: Path) -> None:
    """Two branches edit different pages and commit what docgen made; after the merge,
    whatever git could not merge in OUT (the manifest's lines among it), one build
    puts right: the files either side of the manifest lists are docgen's."""
    repo = tmp_path / "repo"
    shutil.copytree(GROUPS, repo / "docs")
    (repo / "docgen.toml").write_text(
        'docs = "docs"\noutput = "generated"\ntargets = ["model", "openapi"]\njobs = 1\n'
    )

    def git(*args: str) -> int:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
        return done.returncode

    def build_and_commit(message: str) -> None:
        code, _, err = run("build")
        assert code == 0, err
        git("add", "-A")
        assert git("commit", "-q", "-m", message) == 0

    os.chdir(repo)
    git("init", "-q", "-b", "main")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    build_and_commit("base")
    for branch, page, old, new in (  # lines far apart in the page, next to each other in OUT
        ("a", "api/group-get.md", "\nGet the properties", "\nRead the properties"),
        ("b", "api/group-get.md", 'title: "Get group"', 'title: "Get a group"'),
    ):
        git("checkout", "-q", "-b", branch, "main")
        path = repo / "docs" / page
        path.write_text(path.read_text().replace(old, new))
        build_and_commit(branch)
    assert git("merge", "-q", "a") != 0  # the docs merge; what docgen made conflicts
    assert b"<<<<<<<" not in (repo / "docs" / "api" / "group-get.md").read_bytes()
    for name in (output.MANIFEST, "model.json"):
        assert b"<<<<<<<" in (repo / "generated" / name).read_bytes()
    code, _, err = run("build")
    assert code == 0 and "has merge conflicts" in err
    fresh = tmp_path / "fresh"
    assert run("build", "docs", "-o", str(fresh), "-t", "model", "-t", "openapi")[0] == 0
    assert {k: v[0] for k, v in folder_state(repo / "generated").items()} == {
        k: v[0] for k, v in folder_state(fresh).items()
    }
    model = (repo / "generated" / "model.json").read_text()
    assert "Read the properties" in model and "Get a group" in model


def test_the_old_page_cache_folder_is_removed(docs: Path, tmp_path: Path) -> None:
    """Page facts moved from one file each under `pages/` into the store: a cache an
    older docgen filled loses that folder (and only that) at the next build that parses."""
    out, cache = tmp_path / "out", tmp_path / ".docgen-cache"
    (cache / "pages" / "ab").mkdir(parents=True)
    (cache / "pages" / "ab" / "ab12").write_bytes(b"an old sealed entry")
    (cache / "kept.txt").write_text("not docgen's")
    assert build(docs, out)[0] == 0
    assert not (cache / "pages").exists() and (cache / "kept.txt").read_text() == "not docgen's"
