"""Incremental resolve: reusing the last build's page work gives the model a cold
resolve gives, whatever the edits, and an edit re-resolves only what it must."""

from __future__ import annotations

import functools
import hashlib
import pickle
import random
import shutil
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from generator.config import DocSetConfig, load_config
from generator.model.resolve import M, PageInput, PageWork, Spread, build_model, resolve
from generator.model.serialize import model_to_json
from generator.model.types import ApiModel
from generator.parse.facts import PageFacts
from generator.parse.page import parse_page
from generator.pipeline.output import MANIFEST, read_manifest, sha
from generator.pipeline.state import ResolveState
from generator.pipeline.store import FILE
from tests.conftest import GROUPS
from tests.test_build import run

Docs = dict[str, str]


def _docs() -> Docs:
    return {
        p.relative_to(GROUPS).as_posix(): p.read_text("utf-8")
        for p in sorted(GROUPS.rglob("*.md"))
        if p.name not in ("NOTICE.md",)
    }


class Loads:
    """Pages resolve asked to load: the ones whose work it could not reuse."""

    def __init__(self, docs: Docs, config: DocSetConfig) -> None:
        self.docs, self.config, self.paths = docs, config, list[str]()

    def facts(self, path: str) -> PageFacts:
        self.paths.append(path)
        return parse_page(path, self.docs[path], self.config)

    def inputs(self) -> list[PageInput]:
        return [
            PageInput(path, hashlib.sha256(text.encode()).hexdigest(), self._loader(path))
            for path, text in self.docs.items()
        ]

    def _loader(self, path: str) -> Callable[[], PageFacts]:
        return lambda: self.facts(path)


def _cold(docs: Docs, config: DocSetConfig) -> ApiModel:
    return build_model([parse_page(p, t, config) for p, t in docs.items()], config)


def _incremental(
    docs: Docs, config: DocSetConfig, previous: dict[str, PageWork]
) -> tuple[ApiModel, dict[str, PageWork], list[str]]:
    loads = Loads(docs, config)
    # through a pickle, as between two builds: reuse must not rely on object identity
    resolution = resolve(loads.inputs(), config, pickle.loads(pickle.dumps(previous)))
    return resolution.model, resolution.work, loads.paths


def _sub(path: str, old: str, new: str, count: int = 1) -> Callable[[Docs], None]:
    def edit(docs: Docs) -> None:
        assert old in docs[path], (path, old)
        docs[path] = docs[path].replace(old, new, count)

    return edit


def _drop(path: str) -> Callable[[Docs], None]:
    return lambda docs: docs.pop(path, None) and None


def _add(path: str, text: str) -> Callable[[Docs], None]:
    def edit(docs: Docs) -> None:
        docs[path] = text

    return edit


def _copy(path: str, to: str) -> Callable[[Docs], None]:
    def edit(docs: Docs) -> None:
        docs[to] = docs[path]

    return edit


EDITS: dict[str, Callable[[Docs], None]] = {
    "method description": _sub(
        "api/group-get.md", "Get the properties", "Read the properties", count=-1
    ),
    "property type to another type": _sub(
        "resources/post.md", "[itemBody](itembody.md)", "[recipient](recipient.md)"
    ),
    "type renamed": _sub(
        "resources/itembody.md",
        '"@odata.type": "microsoft.graph.itemBody"',
        '"@odata.type": "microsoft.graph.itemText"',
    ),
    "example name taken by an earlier page": _sub(
        "api/post-get.md", '"name": "get_post"', '"name": "get_conversation"'
    ),
    "syntax path changed": _sub("api/post-get.md", "GET /groups/", "GET /teams/"),
    "page removed": _drop("resources/recipient.md"),
    "base type gains a property a derived type has": _sub(
        "resources/entity.md",
        "|id|String| Read-only.|",
        "|id|String| Read-only.|\n|topic|String| Topic.|",
    ),
    "a request body's type renames a parameter": _sub(
        "resources/group.md", "mailNickname", "mailAlias", count=-1
    ),
    "a new type takes an existing class name": _add(
        "resources/conversationthread-upper.md",
        "# ConversationThread resource type\n\n"
        '<!-- {\n  "blockType": "resource",\n  "@odata.type": "microsoft.graph.conversation-Thread"\n}-->\n'
        '```json\n{\n  "note": "string"\n}\n```\n',
    ),
    "a property's description names the type it is inherited from": _sub(
        "resources/emailaddress.md",
        "|The email address of the person or entity.|",
        "|The email address of the person or entity. Inherited from [recipient](recipient.md).|",
    ),
    "key property changed": _sub(
        "resources/entity.md", '"keyProperty": "id"', '"keyProperty": "topic"'
    ),
    "example borrows another page's path": _sub(
        "api/post-get.md",
        "GET https://graph.microsoft.com/v1.0/groups/{id}/threads/{id}/posts/{id}",
        "GET https://graph.microsoft.com/v1.0/groups/{id}/conversations/{id}",
    ),
    "that path moves": _sub(
        "api/conversation-get.md",
        "GET /groups/{id}/conversations/{id}\n",
        "GET /groups/{id}/discussions/{id}\n",
    ),
    "page added twice over": _copy("api/group-get.md", "api/group-get-copy.md"),
}


@pytest.fixture(scope="module")
def config() -> DocSetConfig:
    return load_config(GROUPS)


@pytest.mark.parametrize("name", sorted(EDITS))
def test_each_edit_resolves_as_a_cold_build_would(name: str, config: DocSetConfig) -> None:
    docs = _docs()
    _, work, _ = _incremental(docs, config, {})
    EDITS[name](docs)
    model, _, _ = _incremental(docs, config, work)
    assert model_to_json(model) == model_to_json(_cold(docs, config))


def test_edits_in_any_order_resolve_as_cold_builds_would(config: DocSetConfig) -> None:
    for seed in range(4):
        docs, work = _docs(), dict[str, PageWork]()
        names = sorted(EDITS)
        random.Random(seed).shuffle(names)
        for name in names:
            EDITS[name](docs)
            model, work, _ = _incremental(docs, config, work)
            assert model_to_json(model) == model_to_json(_cold(docs, config)), (seed, name)


def test_a_prose_edit_loads_only_the_edited_page(config: DocSetConfig) -> None:
    docs = _docs()
    _, work, loaded = _incremental(docs, config, {})
    assert sorted(loaded) == sorted(docs)  # nothing to reuse: every page loads once
    EDITS["method description"](docs)
    _, new_work, loaded = _incremental(docs, config, work)
    assert loaded == ["api/group-get.md"]
    _, _, loaded = _incremental(docs, config, new_work)
    assert loaded == []


def test_a_renamed_type_re_resolves_every_page(config: DocSetConfig) -> None:
    """The type index changed: what every page resolved against it may change."""
    docs = _docs()
    _, work, _ = _incremental(docs, config, {})
    EDITS["type renamed"](docs)
    _, _, loaded = _incremental(docs, config, work)
    assert sorted(loaded) == sorted(docs)


def test_a_taken_example_name_re_resolves_the_page_that_took_it(
    config: DocSetConfig,
) -> None:
    docs = _docs()
    _, work, _ = _incremental(docs, config, {})
    # conversation-get.md (earlier) now takes post-get.md's name: post-get's ids change
    _sub("api/conversation-get.md", '"name": "get_conversation"', '"name": "get_post"')(docs)
    model, _, loaded = _incremental(docs, config, work)
    assert sorted(loaded) == ["api/conversation-get.md", "api/post-get.md"]
    assert model_to_json(model) == model_to_json(_cold(docs, config))


def test_an_example_matched_on_another_page_follows_that_page(config: DocSetConfig) -> None:
    docs = _docs()
    EDITS["example borrows another page's path"](docs)
    before, work, _ = _incremental(docs, config, {})
    borrowed = [x for x in before.examples if x.source.file == "api/post-get.md"]
    assert borrowed[0].endpoint == "GET /groups/{group-id}/conversations/{conversation-id}"
    EDITS["that path moves"](docs)
    after, _, loaded = _incremental(docs, config, work)
    assert "api/post-get.md" in loaded
    assert model_to_json(after) == model_to_json(_cold(docs, config))


def test_a_damaged_or_foreign_state_is_no_state(tmp_path: Path, config: DocSetConfig) -> None:
    state = ResolveState(tmp_path, "key")
    _, work, _ = _incremental(_docs(), config, {})
    state.save(work)
    assert ResolveState(tmp_path, "key").load().keys() == work.keys()
    assert ResolveState(tmp_path, "another docgen").load() == {}
    store = tmp_path / FILE
    db = sqlite3.connect(store)
    # a planted pickle, tagged as the store tags (but not with this machine's key)
    planted = pickle.dumps(print)
    db.execute("UPDATE kept SET value = ?, kind = 2", (planted,))
    db.commit()
    db.close()
    assert ResolveState(tmp_path, "key").load() == {}
    store.write_bytes(b"not a database" * 100)
    assert ResolveState(tmp_path, "key").load() == {}
    state = ResolveState(tmp_path, "key")
    state.load()
    state.save(work)  # made again
    assert ResolveState(tmp_path, "key").load().keys() == work.keys()


def _kept_runs(folder: Path) -> dict[str, bytes]:
    db = sqlite3.connect(folder / FILE)
    try:
        return dict(db.execute("SELECT key, value FROM kept WHERE shelf LIKE 'work:%'"))
    finally:
        db.close()


def test_the_state_keeps_runs_of_pages_and_rewrites_only_those_that_changed(
    tmp_path: Path, config: DocSetConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("generator.pipeline.state.RUN", 3)  # a small doc set, several runs
    docs = _docs()
    _, work, _ = _incremental(docs, config, {})
    state = ResolveState(tmp_path, "key")
    state.load()
    state.save(work)
    first = _kept_runs(tmp_path)
    assert 1 < len(first) < len(work)
    # one page's work redone: its run is kept again, no other
    state = ResolveState(tmp_path, "key")
    loaded = state.load()
    assert loaded.keys() == work.keys()
    edited = sorted(work)[len(work) // 2]
    state.save({**loaded, edited: pickle.loads(pickle.dumps(loaded[edited]))})
    second = _kept_runs(tmp_path)
    assert len(second.keys() - first.keys()) == 1 and len(first.keys() - second.keys()) == 1
    # a page gone: only its run changes (or its run and the next, when it ended one)
    state = ResolveState(tmp_path, "key")
    loaded = state.load()
    del loaded[edited]
    state.save(loaded)
    third = _kept_runs(tmp_path)
    assert len(third.keys() - second.keys()) == 1 and len(second.keys() - third.keys()) in (1, 2)
    assert ResolveState(tmp_path, "key").load().keys() == work.keys() - {edited}


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _write(docs: Docs, folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(GROUPS, folder)
    for p in folder.rglob("*.md"):
        if p.name != "NOTICE.md":
            p.unlink()
    for rel, text in docs.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")


def test_builds_after_edits_give_what_cold_builds_give(tmp_path: Path) -> None:
    """The CLI path, every target: each edit built with the last build's remembered
    work and pieces of output, then built from nothing. Same files, byte for byte."""
    folder, warm, cold, cache = (tmp_path / n for n in ("docs", "warm", "cold", "cache"))
    docs = _docs()
    _write(docs, folder)
    assert run("build", str(folder), "-o", str(warm), "--cache-dir", str(cache))[0] == 0
    assert (cache / FILE).is_file()
    for i, name in enumerate(sorted(EDITS)):
        EDITS[name](docs)
        _write(docs, folder)
        jobs = str(1 + i % 2)  # rendered in this process, and in forked ones
        assert (
            run("build", str(folder), "-o", str(warm), "--cache-dir", str(cache), "-j", jobs)[0]
            == 0
        )
        assert run("build", str(folder), "-o", str(cold), "--no-cache")[0] == 0
        warm_files, cold_files = _files(warm), _files(cold)
        assert warm_files.keys() == cold_files.keys(), name
        for rel, data in cold_files.items():
            assert warm_files[rel] == data, (name, rel)
        # the digests the manifest records (some kept with their pieces) are the files'
        digests = read_manifest(warm)[0].files
        assert digests == read_manifest(cold)[0].files, name
        files = {rel: data for rel, data in warm_files.items() if rel != MANIFEST}
        assert all(sha(data) == digests[rel] for rel, data in files.items()), name


def test_checks_and_models_after_edits_are_what_cold_ones_are(tmp_path: Path) -> None:
    """`docgen check` and `docgen model` reuse the work `build` keeps: the same findings
    and model as from nothing."""
    folder, cache = tmp_path / "docs", tmp_path / "cache"
    docs = _docs()
    _write(docs, folder)
    assert run("build", str(folder), "-o", str(tmp_path / "out"), "--cache-dir", str(cache))[0] == 0
    for name in sorted(EDITS):
        EDITS[name](docs)
        _write(docs, folder)
        warm = run("check", str(folder), "--cache-dir", str(cache))
        cold = run("check", str(folder), "--no-cache")
        assert warm == cold, name
        warm = run("model", str(folder), "--cache-dir", str(cache))
        cold = run("model", str(folder), "--no-cache")
        assert warm == cold, name


def _in_runs(*cuts: int) -> Spread:
    """A spread that makes the pages in runs cut at `cuts`, each run as if alone (as
    forked processes make them), in this process."""

    def spread(paths: Sequence[str], make: Callable[[Sequence[str]], dict[str, M]]) -> dict[str, M]:
        made: dict[str, M] = {}
        for start, end in zip((0, *cuts), (*cuts, len(paths)), strict=True):
            made.update(make(paths[start:end]))
        return made

    return spread


def test_work_shared_out_makes_the_model_made_in_order(
    tmp_path: Path, config: DocSetConfig
) -> None:
    """Resolve's per-page work may be shared among processes (`spread`): each run of
    pages is made alone, so a page's example ids and names are checked again against
    the pages before it in other runs (the same replay an incremental build does),
    and the model is the one made in order, wherever the runs are cut. Pages here
    reuse each other's example names (A006, ids numbered -2, -3)."""
    from generator.pipeline.forked import shared_out

    docs = _docs()
    docs["a-copy.md"] = docs["api/group-post-groups.md"]
    docs["api/post-get-again.md"] = docs["api/post-get.md"]
    docs["zz/group-post-groups.md"] = docs["api/group-post-groups.md"]
    docs = dict(sorted(docs.items()))
    cold = _cold(docs, config)
    assert sum(d.code == "A006" for d in cold.diagnostics) >= 8
    assert any(e.id.endswith("-2") for e in cold.examples)
    inputs = Loads(docs, config).inputs()
    for cuts in [(1,), (len(docs) // 2,), (len(docs) - 1,), (3, 9, 17), (1, 2, 3, 4, 5)]:
        shared = resolve(inputs, config, {}, _in_runs(*cuts)).model
        assert model_to_json(shared) == model_to_json(cold), cuts
    forked = functools.partial(shared_out, jobs=3, least=1)  # really forked, where there is fork
    assert model_to_json(resolve(inputs, config, {}, forked).model) == model_to_json(cold)
    # and with last build's work, after an edit that changes every page's examples' context
    first = resolve(inputs, config, {})
    EDITS["method description"](docs)
    docs["api/group-list.md"] = docs["api/group-list.md"].replace("GET /groups", "GET /groupz", 1)
    edited = resolve(Loads(docs, config).inputs(), config, first.work, _in_runs(5, 11))
    assert model_to_json(edited.model) == model_to_json(_cold(docs, config))


def test_renders_take_unchanged_pieces_from_the_store(tmp_path: Path, config: DocSetConfig) -> None:
    """The point of the pieces: a render with nothing changed makes none (and keeps
    every one it used), and after an edit of one page only the pieces of what it
    changed are made again. Generic over targets: the core reuses what a target
    declares as pieces (`generator.emit.content`), by its arguments' digests."""
    from generator.emit.targets import available
    from generator.pipeline.pieces import Reuse
    from tests.conftest import render_target

    docs = _docs()
    first = resolve(Loads(docs, config).inputs(), config, {})
    EDITS["method description"](docs)
    edited = resolve(Loads(docs, config).inputs(), config, pickle.loads(pickle.dumps(first.work)))
    declared = 0
    for name in sorted(available()):
        made = Reuse({})
        files = render_target(name, first.model, reuse=made)
        assert files == render_target(name, first.model), name  # reuse changes no byte
        kept = Reuse(pickle.loads(pickle.dumps(made.used)))
        assert render_target(name, first.model, reuse=kept) == files, name
        assert kept.misses == 0 and kept.live() == set(made.used), name  # nothing lost
        after = Reuse(pickle.loads(pickle.dumps(made.used)))
        again = render_target(name, edited.model, reuse=after)
        assert again == render_target(name, edited.model), name
        if made.misses:  # a target that declares pieces: an edit makes few again (a JSON
            # run holds about 64 members: on this sample, a quarter of model.json)
            declared += 1
            assert 0 < after.misses <= made.misses / 4, (name, after.misses, made.misses)
    assert declared == len(available())  # every built-in target declares its pieces


def _piece_rows(cache: Path) -> dict[str, int]:
    db = sqlite3.connect(cache / FILE)
    try:
        rows = db.execute("SELECT shelf, count(*) FROM kept WHERE shelf LIKE 'pieces:%' GROUP BY 1")
        return {shelf.split(":")[1]: count for shelf, count in rows}
    finally:
        db.close()


def test_shelves_drop_what_builds_no_longer_use_once_it_is_a_quarter_more(tmp_path: Path) -> None:
    """Edits leave each target's shelf at most a quarter larger than what a build uses
    (plus a few), and a build that uses much less than the shelf holds drops the rest."""
    folder, cache, out = tmp_path / "docs", tmp_path / "cache", tmp_path / "out"
    docs = _docs()
    _write(docs, folder)
    build = ("build", str(folder), "-o", str(out), "--cache-dir", str(cache), "-q")
    assert run(*build)[0] == 0
    first = _piece_rows(cache)
    page = docs["api/group-get.md"]
    for i in range(12):  # each edit makes new pieces; their older values become unused
        docs["api/group-get.md"] = page.replace("the properties", f"the {i} properties")
        _write(docs, folder)
        assert run(*build)[0] == 0
        rows = _piece_rows(cache)
        assert all(rows[t] <= first[t] * 5 // 4 + 8 for t in first), (i, rows, first)
    grown = _piece_rows(cache)
    assert any(grown[t] > first[t] for t in first)  # edits did leave values unused
    for path in docs:
        if path.startswith("api/"):
            (folder / path).unlink()
    assert run(*build)[0] == 0
    assert _piece_rows(cache)["tests"] < first["tests"] // 2  # the examples gone: dropped
    assert run("build", str(folder), "-o", str(tmp_path / "cold"), "--no-cache", "-q")[0] == 0
    assert _files(out) == _files(tmp_path / "cold")


def test_builds_weigh_shelves_by_bytes_and_after_a_prune_give_what_cold_builds_give(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build asks whether to prune with its shelf's bytes as kept and those of the
    values it used or held; every build here then prunes (in this process and in
    forked ones), and each gives what a cold build gives."""
    from generator.pipeline.pieces import Reuse

    asked: list[tuple[str, int, int, set[str]]] = []

    def always(self: Reuse, kept: int, kept_bytes: int = 0, known_bytes: int = 0) -> bool:
        asked.append((self.kept.name.split(":")[1], kept_bytes, known_bytes, self.known()))
        return True

    monkeypatch.setattr(Reuse, "worth_pruning", always)
    folder, warm, cache = tmp_path / "docs", tmp_path / "warm", tmp_path / "cache"
    docs = _docs()
    _write(docs, folder)
    build = ("build", str(folder), "-o", str(warm), "--cache-dir", str(cache), "-q")
    assert run(*build)[0] == 0
    for i, name in enumerate(sorted(EDITS)):
        before = _piece_sizes(cache)
        EDITS[name](docs)
        _write(docs, folder)
        asked.clear()
        assert run(*build, "-j", "1" if i % 2 else "2")[0] == 0
        for target, kept_bytes, known_bytes, known in asked:  # (this process's targets)
            assert kept_bytes == sum(before[target].values()), (name, target)
            assert known_bytes == sum(before[target].get(key, 0) for key in known), name
        cold = tmp_path / f"cold{i}"
        assert run("build", str(folder), "-o", str(cold), "--no-cache", "-q")[0] == 0
        assert _files(warm) == _files(cold), name
    assert any(known_bytes for _, _, known_bytes, _ in asked)


def _piece_sizes(cache: Path) -> dict[str, dict[str, int]]:
    """Each target's shelf: its values' sizes by key."""
    db = sqlite3.connect(cache / FILE)
    try:
        query = "SELECT shelf, key, length(value) FROM kept WHERE shelf LIKE 'pieces:%'"
        sizes: dict[str, dict[str, int]] = {}
        for shelf, key, size in db.execute(query):
            sizes.setdefault(shelf.split(":")[1], {})[key] = size
        return sizes
    finally:
        db.close()


def _made_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files each build from now on makes (rather than knows unchanged)."""
    from generator.pipeline import rendering

    made: list[str] = []
    file_bytes = rendering.file_bytes

    def counting(rel: str, *args: Any) -> Any:
        made.append(rel)
        return file_bytes(rel, *args)

    monkeypatch.setattr(rendering, "file_bytes", counting)
    return made


def test_files_out_holds_as_made_from_the_same_key_are_not_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an edit, a file whose key (its piece's) is what this machine's record says
    OUT's copy was made from, and whose copy is as docgen left it, is not made at all:
    one method edited, one area module made again and no model module. A copy changed
    since, or a record that goes with another manifest, vouches for nothing."""
    folder, cache, out = tmp_path / "docs", tmp_path / "cache", tmp_path / "out"
    docs = _docs()
    _write(docs, folder)
    build = ("build", str(folder), "-o", str(out), "--cache-dir", str(cache), "-q", "-j", "1")
    assert run(*build)[0] == 0
    made = _made_files(monkeypatch)
    EDITS["method description"](docs)
    _write(docs, folder)
    assert run(*build)[0] == 0
    assert len([rel for rel in made if "/_areas/" in rel]) == 1
    assert not [rel for rel in made if "/models/" in rel]

    group = next((out / "client").rglob("models/group.py"))
    group.write_text(group.read_text(encoding="utf-8") + "# mine\n", encoding="utf-8")
    made.clear()
    docs["api/group-get.md"] = docs["api/group-get.md"].replace("Read the", "Reads the")
    _write(docs, folder)  # a method again: no model module's key changes
    assert run(*build + ("--force",))[0] == 0
    assert "# mine" not in group.read_text(encoding="utf-8")  # made, since changed in OUT
    assert [rel for rel in made if "/models/" in rel] == [group.relative_to(out).as_posix()]

    manifest = out / MANIFEST
    manifest.write_bytes(manifest.read_bytes().replace(b'"inputs"', b'"inputs" '))
    docs["api/group-get.md"] = docs["api/group-get.md"].replace("Reads the", "Read the")
    _write(docs, folder)
    made.clear()
    assert run(*build)[0] == 0
    assert sorted(made) == sorted(read_manifest(out)[0].files)  # every file
    assert run("build", str(folder), "-o", str(tmp_path / "cold"), "--no-cache", "-q")[0] == 0
    assert _files(out) == _files(tmp_path / "cold")


def test_naming_is_made_again_only_when_what_it_reads_changes(config: DocSetConfig) -> None:
    """Operation names are pieces keyed by what naming reads of each endpoint (its
    `naming_view`): a description edited names nothing again; a path changed does."""
    from generator.emit.naming import operation_names
    from generator.pipeline.pieces import Reuse

    docs = _docs()
    first = resolve(Loads(docs, config).inputs(), config, {}).model
    made = Reuse({})
    operation_names(first, made.value)
    for edit, remade in (("method description", False), ("syntax path changed", True)):
        edited = _docs()
        EDITS[edit](edited)
        model = resolve(Loads(edited, config).inputs(), config, {}).model
        assert model.endpoints != first.endpoints  # the endpoints' digests differ
        again = Reuse(dict(made.used))
        assert operation_names(model, again.value) == operation_names(model), edit
        assert (again.misses > 0) == remade, edit


def test_a_file_not_made_holds_its_pieces_without_a_prune() -> None:
    """A file OUT holds (not made) keeps the pieces it is made of on the shelf, and
    counts them: a build that makes nothing else is no reason to prune the shelf."""
    from generator.emit.content import Piece
    from generator.pipeline.pieces import Reuse

    methods = tuple(Piece(_method, f"m{i}") for i in range(40))
    area = Piece(_joined, methods)
    reuse = Reuse({})
    reuse.hold(area)
    shelf = 1 + len(methods)  # what the last build kept: the file and its pieces
    assert not reuse.worth_pruning(shelf)
    assert reuse.live() == {area.digest, *(m.digest for m in methods)}
    assert reuse.worth_pruning(shelf * 2)  # what no build uses any longer: pruned


def test_a_shelf_grown_by_bytes_is_pruned() -> None:
    """A piece made again at each edit (a large module) leaves its last value behind: one
    value among thousands, but as many bytes each time. More bytes kept than twice those
    the build used or held is a prune, whatever the count."""
    from generator.emit.content import Piece
    from generator.pipeline.pieces import Reuse

    methods = tuple(Piece(_method, f"m{i}") for i in range(40))
    reuse = Reuse({})
    reuse.hold(Piece(_joined, methods))
    shelf = 1 + len(methods)
    assert reuse.known() == {Piece(_joined, methods).digest}
    assert not reuse.worth_pruning(shelf, kept_bytes=2_000, known_bytes=1_000)
    assert reuse.worth_pruning(shelf, kept_bytes=2_001, known_bytes=1_000)
    assert reuse.worth_pruning(shelf * 2, kept_bytes=1_000, known_bytes=1_000)  # by count


def _joined(texts: tuple[str, ...]) -> str:
    return "\n".join(texts)


def _method(name: str) -> str:
    return f"def {name}(): ..."
