"""What an edit changed in the model, by field name (`generator.pipeline.changes`), and
the two promises that let a build keep a target's files as the last build made them:
resolve moves nothing from a field of one name into a field of another, and a target
never reads the fields it declares it ignores (`Target.ignores`)."""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from pathlib import Path
from typing import Any

import pytest

from generator.config import DocSetConfig, load_config
from generator.emit.targets import BUILTIN, Target
from generator.model.resolve import IGNORABLE, PROSE_READ, PageInput, PageWork, given, resolve
from generator.model.types import ApiModel
from generator.parse.facts import PageFacts
from generator.pipeline.changes import changed_fields, differing_fields
from generator.pipeline.pieces import Reuse, render
from generator.pipeline.rendering import target_context, target_templates
from tests.conftest import GROUPS
from tests.test_build import run
from tests.test_incremental import EDITS, Loads, _docs, _files, _write

IGNORED = sorted({name for target in BUILTIN for name in target.ignores})


def _mutated(value: Any, names: frozenset[str]) -> Any:
    """`value` with every text field named in `names`, however deep, changed, but for the
    texts resolve reads across pages (`PROSE_READ`: a change of those is told by no
    name, see `test_an_edit_changes_the_fields_it_changes`)."""
    if isinstance(value, tuple):
        return tuple(_mutated(item, names) for item in value)
    if isinstance(value, list):
        return [_mutated(item, names) for item in value]
    if isinstance(value, dict):
        return {key: _mutated(item, names) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            read = PROSE_READ.get(f.name)
            if f.name in names and isinstance(item, str) and not (read and read(item)):
                changes[f.name] = f"changed {item[::-1]}"
            else:
                changes[f.name] = _mutated(item, names)
        return dataclasses.replace(value, **changes)
    return value


def _work(docs: dict[str, str], config: DocSetConfig) -> dict[str, PageWork]:
    return resolve(Loads(docs, config).inputs(), config, {}).work


def test_an_edit_changes_the_fields_it_changes(config: DocSetConfig) -> None:
    docs = _docs()
    before = _work(docs, config)
    loads = Loads(docs, config)
    assert changed_fields(before, resolve(loads.inputs(), config, before).work) == frozenset()
    for edit, expected in (
        ("method description", frozenset({"description"})),
        ("syntax path changed", None),  # another path: another endpoint, not a field
        ("page removed", None),
        # resolve reads it across pages (a base type implied): told by no name
        ("a property's description names the type it is inherited from", None),
    ):
        edited = dict(docs)
        EDITS[edit](edited)
        after = resolve(Loads(edited, config).inputs(), config, pickle.loads(pickle.dumps(before)))
        assert changed_fields(before, after.work) == expected, edit
    edited = dict(docs)
    EDITS["property type to another type"](edited)
    after = resolve(Loads(edited, config).inputs(), config, before)
    told = changed_fields(before, after.work)
    assert told is None or not told <= {"description"}  # a type: what every target reads


def test_what_example_matching_reads_of_another_page_re_matches_every_page(
    config: DocSetConfig,
) -> None:
    """Matching an example to another page's endpoint reads which of its parameters may
    be left out (required or not, described "Optional." or not): a page's edit of that
    matches every page's examples again (their context changes), as a cold build would
    match them."""
    docs = _docs()
    before = _work(docs, config)
    edited = dict(docs)
    page = "api/conversationthread-reply.md"
    edited[page] = edited[page].replace(
        "|The new post that is being replied with.|",
        "|Required. The new post that is being replied with.|",
    )
    assert edited[page] != docs[page]
    after = resolve(Loads(edited, config).inputs(), config, pickle.loads(pickle.dumps(before)))
    contexts = {w.examples.context for w in after.work.values() if w.examples is not None}
    assert contexts and contexts.isdisjoint(
        w.examples.context for w in before.values() if w.examples is not None
    )
    cold = resolve(Loads(edited, config).inputs(), config, {})
    assert after.model == cold.model


def _resolves_field_to_field(inputs: list[PageInput], config: DocSetConfig) -> None:
    first = resolve(inputs, config, {})
    for name in sorted(IGNORABLE):
        names = frozenset({name})
        mutated = {path: _mutated(work, names) for path, work in first.work.items()}
        assert changed_fields(first.work, mutated) == names  # the mutation changed something
        again = resolve(inputs, config, mutated)  # every page's work reused as mutated
        found = differing_fields(first.model, again.model)
        assert found is not None and found <= names, (name, found)
        assert found, name


def test_resolve_keeps_each_field_in_a_field_of_its_name(config: DocSetConfig) -> None:
    """What a page's work holds in a field named `description` (any name a target may
    ignore) ends in the model in fields of that name only: the promise `changed_fields`
    is told by. Checked by changing every such field of every page's work."""
    docs = _docs()
    _resolves_field_to_field(Loads(docs, config).inputs(), config)


def test_resolve_keeps_each_field_in_a_field_of_its_name_on_the_corpus(graph_parsed: Any) -> None:
    pages: list[PageFacts] = graph_parsed.pages
    inputs = [
        given(page.path, hashlib.sha256(page.path.encode()).hexdigest(), page) for page in pages
    ]
    _resolves_field_to_field(inputs, graph_parsed.config)


def _rendered(target: Target, model: ApiModel) -> dict[str, bytes]:
    reuse = Reuse({})
    templates = target_templates({target.name: target}, None)[target.name]
    context = dataclasses.replace(target_context(target, (), templates), value=reuse.value)
    files = render(target, model, context, reuse)
    return {rel: bytes(content) for rel, content in files.items()}


def _reads_nothing_it_ignores(model: ApiModel) -> None:
    for target in BUILTIN:
        if target.ignores:
            changed = _mutated(model, target.ignores)
            assert differing_fields(model, changed) == target.ignores
            assert _rendered(target, changed) == _rendered(target, model), target.name


def test_targets_read_no_field_they_ignore(config: DocSetConfig) -> None:
    """Every model field a target says it ignores changed, everywhere: the same files."""
    docs = _docs()
    _reads_nothing_it_ignores(resolve(Loads(docs, config).inputs(), config, {}).model)


def test_targets_read_no_field_they_ignore_on_the_corpus(graph_model: ApiModel) -> None:
    _reads_nothing_it_ignores(graph_model)


def test_a_target_keeps_its_files_only_for_fields_resolve_keeps_by_name() -> None:
    """`ignores` counts for the fields resolve is held to keep in fields of their own name
    (`IGNORABLE`, the ones the tests above mutate); docgen's targets declare no other."""
    from generator.pipeline.rendering import keeps

    assert set(IGNORED) <= IGNORABLE
    target = Target("plugin", lambda model, context: {}, ignores=frozenset({"title", *IGNORABLE}))
    assert keeps(target, frozenset({"description"}))
    assert keeps(target, frozenset())
    assert not keeps(target, frozenset({"title"}))  # not held to stay a title: rendered
    assert not keeps(target, frozenset({"description", "title"}))
    assert not keeps(target, None)
    assert not keeps(Target("other", target.render), frozenset({"description"}))


def _rendering(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The targets each build from now on renders (rather than keeps as made)."""
    from generator.pipeline import rendering

    rendered: list[str] = []
    render_target = rendering.render_target

    def counting(job: Any, name: str) -> Any:
        staged = render_target(job, name)
        if staged.changed or any(rel in staged.keys for rel in staged.digests):
            rendered.append(name)  # (kept as made: no file staged, nothing keyed anew)
        return staged

    monkeypatch.setattr(rendering, "render_target", counting)
    return rendered


def test_a_target_that_ignores_what_an_edit_changed_keeps_its_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit to descriptions alone: the tests and the server (which ignore them) are
    not rendered, and the output is a cold build's. A file of theirs changed in OUT, or
    an edit to anything else, and they are rendered again."""
    from generator.emit import fixtures, server

    folder, cache, out = tmp_path / "docs", tmp_path / "cache", tmp_path / "out"
    docs = _docs()
    _write(docs, folder)
    build = ("build", str(folder), "-o", str(out), "--cache-dir", str(cache), "-q", "-j", "1")
    assert run(*build)[0] == 0
    calls: list[str] = []
    for module, name in ((fixtures, "tests_files"), (server, "server_files")):
        made = getattr(module, name)
        monkeypatch.setattr(
            module, name, lambda *a, _m=made, _n=name: (calls.append(_n), _m(*a))[1]
        )

    def cold_equal() -> None:
        cold = tmp_path / "cold"
        assert run("build", str(folder), "-o", str(cold), "--no-cache", "-q")[0] == 0
        assert _files(out) == _files(cold)
        calls.clear()

    EDITS["method description"](docs)
    _write(docs, folder)
    assert run(*build)[0] == 0
    assert calls == []
    cold_equal()

    fixture = next((out / "tests" / "fixtures").glob("*.json"))
    fixture.write_text("{}", encoding="utf-8")
    docs["api/group-get.md"] = docs["api/group-get.md"].replace("Read the", "Reads the")
    _write(docs, folder)
    assert run(*build + ("--force",))[0] == 0
    assert calls == ["tests_files"]  # its file changed in OUT: rendered, and restored
    cold_equal()

    EDITS["syntax path changed"](docs)
    _write(docs, folder)
    assert run(*build)[0] == 0
    assert sorted(calls) == ["server_files", "tests_files"]
    cold_equal()

    docs["api/group-get.md"] = docs["api/group-get.md"].replace("Reads the", "Read the")
    _write(docs, folder)
    assert run(*build + ("--package", "other"))[0] == 0  # other settings: rendered
    assert sorted(calls) == ["server_files", "tests_files"]


@pytest.fixture(scope="module")
def config() -> DocSetConfig:
    return load_config(GROUPS)


def test_work_newer_than_out_is_no_baseline(tmp_path: Path) -> None:
    """`docgen check` or `model` (or a build that failed) may keep work newer than the
    files OUT holds: an edit is then told against nothing, and every target renders."""
    folder, cache, out = tmp_path / "docs", tmp_path / "cache", tmp_path / "out"
    docs = _docs()
    _write(docs, folder)
    build = ("build", str(folder), "-o", str(out), "--cache-dir", str(cache), "-q")
    assert run(*build)[0] == 0
    EDITS["method description"](docs)
    _write(docs, folder)
    assert run("model", str(folder), "--cache-dir", str(cache), "-o", str(tmp_path / "m"))[0] == 0
    assert run(*build)[0] == 0
    cold = tmp_path / "cold"
    assert run("build", str(folder), "-o", str(cold), "--no-cache", "-q")[0] == 0
    assert _files(out) == _files(cold)
