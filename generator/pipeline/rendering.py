"""Targets → staged output: each target's files made (reusing pieces, see `pieces`),
compared with OUT, and what differs staged (see `output.stage`).

With `jobs` > 1, targets render side by side in this process and `jobs - 1`
forked ones (`multiprocessing`'s fork context): they inherit the model rather
than receive it pickled, and send back digests, not files. Each process takes
the next target as soon as it is free, so none waits while another has two to
go. Same bytes either way.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import multiprocessing as mp
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.emit.content import Files
from generator.emit.targets import BUILTIN, Context, Target, TargetFailed, Templates, origin
from generator.model.types import ApiModel
from generator.pipeline import output
from generator.pipeline.forked import can_fork, side_by_side
from generator.pipeline.pieces import Reuse, file_bytes, file_key
from generator.pipeline.store import Store

# The order targets are taken in. Two processes taking the next as each is free then end
# close together, for a cold build as for an edit: this one (which starts with the
# first) gets the client and OpenAPI, which read the most of the model and so cost a
# forked process the most (its pages of the model are copied as it reads them); the
# other gets model.json, the tests and the server. Other targets come after, by name.
ORDER = ("client", "model", "tests", "openapi", "server")


def target_templates(targets: Mapping[str, Target], overrides: Path | None) -> dict[str, Templates]:
    """Each target's templates, for one build: the same object names its shelf and renders
    its files, so both see the same bytes (see `Templates`)."""
    return {
        name: Templates.of(name, target.templates, overrides) for name, target in targets.items()
    }


def target_context(
    target: Target, settings: tuple[tuple[str, str], ...], templates: Templates
) -> Context:
    """What `target` renders with: the settings it declares, its templates."""
    chosen = dict(settings)
    declared = {key: chosen[key] for key in target.settings if chosen.get(key) is not None}
    return Context(declared, templates)


@dataclass(frozen=True)
class RenderJob:
    """What the processes that render share (forked ones inherit it)."""

    model: ApiModel
    targets: dict[str, Target]
    settings: tuple[tuple[str, str], ...]
    templates: Mapping[str, Templates]  # each target's (`target_templates`)
    salt: str  # docgen's code and the versions output depends on
    cache: Path | None  # where the store is
    out: Path
    staging: Path | None  # None: compare only (`--check`)
    manifest: output.Manifest  # what OUT held when the build began
    record: output.Record | None  # and how this machine last saw it
    changed: frozenset[str] | None  # the model's fields the edit changed (`changes`)
    tasks: tuple[str, ...]  # targets in the order they are taken; "" is `meanwhile`
    meanwhile: Callable[[], None]
    taken: Any  # a counter shared by the processes that render: the next task to take

    def take(self) -> str | None:
        with self.taken.get_lock():
            index = self.taken.value
            self.taken.value += 1
        return self.tasks[index] if index < len(self.tasks) else None


def render_target(job: RenderJob, name: str) -> output.Staged:
    """Render one target and stage what changed, in the process that rendered it, with
    how long that took."""
    started = time.perf_counter()
    staged = _render_target(job, name)
    return dataclasses.replace(staged, seconds=time.perf_counter() - started)


def _render_target(job: RenderJob, name: str) -> output.Staged:
    target = job.targets[name]
    context = target_context(target, job.settings, job.templates[name])
    shelf_name = _shelf_name(target, context, job.salt)
    as_made = _as_last_made(job, target, shelf_name)
    if as_made is not None:
        return as_made
    store = Store.open(job.cache) if job.cache is not None else None
    try:
        shelf = store.shelf(shelf_name) if store else None
        reuse = Reuse(shelf)
        # the same templates as named the shelf: the bytes its key read (`Templates`)
        context = dataclasses.replace(context, value=reuse.value)
        with _failures_named(target):
            files = target.render(job.model, context)
            keys = _file_keys(files, shelf.name if shelf is not None else None)
        known = output.vouched(job.out, keys, job.manifest, job.record)
        for rel in known:
            reuse.hold(files[rel])
        made = _made(target, {rel: c for rel, c in files.items() if rel not in known}, reuse)
        staged = output.stage(job.out, job.staging, made, job.manifest, job.record)
        del made  # staged: its bytes are not held while the store keeps what was made
        if shelf is not None:
            sizes = shelf.sizes()
            used = sum(sizes.get(key, 0) for key in reuse.known())
            prune = reuse.worth_pruning(len(shelf), sum(sizes.values()), used)
            shelf.keep(reuse.new(), reuse.live() if prune else None)
            shelf.clear_others(f"pieces:{target.name}:")
    finally:
        if store is not None:
            store.close()
    return output.Staged(
        {**known, **staged.digests}, staged.changed, keys, (target.name, shelf_name)
    )


def _as_last_made(job: RenderJob, target: Target, shelf_name: str) -> output.Staged | None:
    """`target`'s files as the last build made them, when they hold: the model changed
    only in fields the target ignores, the target renders as it did (the same shelf:
    docgen's code, its settings, its templates), and OUT holds its files as left."""
    if not keeps(target, job.changed) or job.record is None:
        return None
    last = job.record.targets.get(target.name)
    if not isinstance(last, tuple) or len(last) != 2 or last[0] != shelf_name:
        return None
    digests = output.intact(job.out, last[1], job.manifest, job.record)
    if digests is None:
        return None
    keys = {rel: job.record.keys[rel] for rel in digests if rel in job.record.keys}
    return output.Staged(digests, [], keys, (target.name, shelf_name))


def keeps(target: Target, changed: frozenset[str] | None) -> bool:
    """Whether the model's change (`changes`) leaves `target`'s files as they were: it
    changed only fields the target ignores, of those resolve is held to keep by name
    (`IGNORABLE`; any other name a target ignores is no reason to keep its files)."""
    from generator.model.resolve import IGNORABLE  # (not loaded by a build with nothing to do)

    return changed is not None and changed <= target.ignores & IGNORABLE


def _file_keys(files: Files, shelf: str | None) -> dict[str, str]:
    """What each file's bytes are made from, where that has a key (`file_key`), with
    what the target's shelf is named by: docgen's code, the settings, the templates."""
    if shelf is None:
        return {}
    keys = {}
    for rel, content in files.items():
        key = file_key(content)
        if key is not None:
            keys[rel] = hashlib.sha256(f"{shelf}\0{key}".encode()).hexdigest()[:32]
    return keys


def _made(target: Target, files: Files, reuse: Reuse) -> dict[str, Any]:
    """`files` as bytes."""
    with _failures_named(target):
        return {rel: file_bytes(rel, content, reuse) for rel, content in files.items()}


@contextlib.contextmanager
def _failures_named(target: Target) -> Iterator[None]:
    """A plugin's failure is one line naming it."""
    try:
        yield
    except Exception as error:
        if target in BUILTIN or os.environ.get("DOCGEN_DEBUG"):
            raise
        lines = str(error).strip().splitlines()
        why = f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
        raise TargetFailed(
            f"target {target.name!r} ({origin(target)}) failed: {why} "
            "(DOCGEN_DEBUG=1 for the traceback)"
        ) from None


def _shelf_name(target: Target, context: Context, salt: str) -> str:
    """Where a target's pieces are kept: by docgen's code, its settings, its templates."""
    chosen = repr(sorted(context.settings.items())).encode("utf-8", "surrogatepass")
    options = hashlib.sha256(f"{salt}\0{context.templates.digest}\0".encode() + chosen)
    return f"pieces:{target.name}:{options.hexdigest()[:32]}"


def _share(job: RenderJob) -> list[tuple[str, output.Staged]]:
    """Tasks taken one at a time until none is left."""
    done = []
    while (name := job.take()) is not None:
        if name:
            done.append((name, render_target(job, name)))
        else:
            job.meanwhile()
    return done


def render_and_stage(
    model: ApiModel,
    targets: dict[str, Target],
    settings: tuple[tuple[str, str], ...],
    templates: Mapping[str, Templates],
    salt: str,
    cache: Path | None,
    jobs: int,
    out: Path,
    staging: Path | None,
    manifest: output.Manifest,
    record: output.Record | None,
    meanwhile: Callable[[], None] = lambda: None,
    changed: frozenset[str] | None = None,
) -> list[output.Staged]:
    """Every target of `targets`, compared with `out` and staged where it differs (`staging`
    None: compare only). `meanwhile` is one more task, the last, for the first process
    free. `changed`: the model's fields changed since the last build, if known (a
    target that ignores them all keeps its files as that build made them)."""
    names = sorted(targets)
    parallel = jobs > 1 and len(names) > 1 and can_fork()
    context = mp.get_context("fork" if parallel else None)
    job = RenderJob(
        model,
        targets,
        settings,
        templates,
        salt,
        cache,
        out,
        staging,
        manifest,
        record,
        changed,
        (*sorted(names, key=_in_order), ""),
        meanwhile,
        context.Value("i", 0),
    )
    if not parallel:
        return [staged for _, staged in _share(job)]
    share = functools.partial(_share, job)
    mine, others = side_by_side(share, [share] * (min(jobs, len(names)) - 1))
    done = dict(mine)
    for theirs in others:
        done.update(theirs)
    return [done[n] for n in names]


def _in_order(name: str) -> tuple[int, str]:
    return (ORDER.index(name) if name in ORDER else len(ORDER), name)
