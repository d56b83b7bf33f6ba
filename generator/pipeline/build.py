"""`docgen build`: docs → model → targets → output folder, as little work as possible.

The fast path: when the docs' bytes, docgen's code, the targets and options
are what the manifest recorded, and every generated file is as docgen left
it, nothing is parsed, rendered or written. Otherwise pages come from the
page cache where unchanged, and only files whose bytes changed are written.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing as mp
import os
import pickle
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from generator.config import DocSetConfig
from generator.emit import output
from generator.emit.targets import TARGETS, prepare
from generator.model.types import ApiModel
from generator.pipeline.cache import PageCache, docgen_fingerprint
from generator.pipeline.run import Progress, kept_work, read_doc_set, resolve_doc_set
from generator.pipeline.seen import SeenPages


@dataclass(frozen=True)
class BuildOptions:
    targets: tuple[str, ...]
    jobs: int = 1
    cache_dir: Path | None = None
    check: bool = False
    settings: tuple[tuple[str, str], ...] = ()  # target settings (package name, base path...)


@dataclass
class BuildResult:
    up_to_date: bool
    model: ApiModel | None = None
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    stale: list[str] = field(default_factory=list)  # --check: files that differ
    missing: list[str] = field(default_factory=list)  # --check: files not there
    stats: dict[str, int] = field(default_factory=dict)


@lru_cache(maxsize=8)
def _render_salt(targets: tuple[str, ...], settings: tuple[tuple[str, str], ...]) -> str:
    """What output depends on besides the model: docgen, black, Python, the options."""
    from generator.emit.render import BLACK_VERSION

    versions = (sys.version, BLACK_VERSION)
    digest = hashlib.sha256(docgen_fingerprint().encode())
    digest.update(repr((versions, sorted(targets), settings)).encode())
    return digest.hexdigest()


def rendered_key(model: ApiModel, stamps: Mapping[int, str], options: BuildOptions) -> str:
    """What the output files are a function of: the model (not the docs: an edit to
    prose no page fact keeps gives the same model, hence the same files), docgen,
    black, Python, and the options. The model by its elements' stamps (see
    `resolve.stamp`): no need to hash it whole again."""
    from generator.model.resolve import stamp

    digest = hashlib.sha256(_render_salt(options.targets, options.settings).encode())
    digest.update(repr((model.schema_version, model.namespace, model.base_urls)).encode())
    digest.update(repr(model.pages).encode())
    for group in (
        model.resources,
        model.enums,
        model.endpoints,
        model.examples,
        model.diagnostics,
    ):
        digest.update(b"\0")
        for element in group:
            digest.update((stamps.get(id(element)) or stamp(element)).encode())
    return digest.hexdigest()


def inputs_key(docs_fingerprint: str, options: BuildOptions) -> str:
    digest = hashlib.sha256(docs_fingerprint.encode())
    digest.update(docgen_fingerprint().encode())
    digest.update(repr((sorted(options.targets), options.settings)).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class _Render:
    """What a target renders from; forked render workers inherit it."""

    model: ApiModel
    stamps: Mapping[int, str]
    settings: dict[str, str]
    salt: str
    pieces: Path | None  # the cache folder, where pieces of output are kept
    manifest: output.Manifest  # what OUT held when the build began
    tasks: tuple[str, ...]  # targets in the order they are taken; "" is `meanwhile`
    meanwhile: Callable[[], None]
    taken: Any  # a counter shared by the processes that render: the next task to take

    def take(self) -> str | None:
        with self.taken.get_lock():
            index = self.taken.value
            self.taken.value += 1
        return self.tasks[index] if index < len(self.tasks) else None


# The order targets are taken in. Two processes taking the next as each is free then end
# close together, for a cold build as for an edit: this one (which starts with the
# first) gets the client and OpenAPI, which read the most of the model and so cost a
# forked process the most (its pages of the model are copied as it reads them); the
# other gets model.json, the tests and the server. Other targets come after, by name.
_ORDER = ("client", "model", "tests", "openapi", "server")


_RENDER: _Render | None = None


def _in_order(name: str) -> tuple[int, str]:
    return (_ORDER.index(name) if name in _ORDER else len(_ORDER), name)


def _render(name: str, out: Path, staging: Path | None) -> output.Staged:
    """Render one target and stage what changed, in the process that rendered it."""
    from generator.emit import fragments

    job = _RENDER
    assert job is not None
    with fragments.collecting(job.pieces, name, job.salt, job.stamps):
        files = TARGETS[name](job.model, job.settings)
    return output.stage(out, staging, files, job.manifest)


def _render_share(out: Path, staging: Path | None) -> list[tuple[str, output.Staged]]:
    """Tasks taken one at a time until none is left: each process that renders takes
    the next as soon as it is free, so none waits while another has two to go."""
    job = _RENDER
    assert job is not None
    done = []
    while (name := job.take()) is not None:
        if name:
            done.append((name, _render(name, out, staging)))
        else:
            job.meanwhile()
    return done


def _render_share_in_worker(out: Path, staging: Path | None) -> list[tuple[str, output.Staged]]:
    from generator.emit import render as render_module

    render_module.set_format_cache(render_module.format_cache_folder(), 1)  # no nested pools
    return _render_share(out, staging)


class _Forked:
    """A function run in a forked process, its result (or exception) sent back pickled.
    (A process pool costs more to start than the render of an edit can spare.)"""

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the worker: never returns into the caller's code
            os.close(read)
            try:
                payload = pickle.dumps((True, function(*args)))
            except BaseException as error:  # noqa: BLE001 - sent to the caller, raised there
                payload = _pickled_error(error)
            with os.fdopen(write, "wb") as pipe:
                pipe.write(payload)
            os._exit(0)
        os.close(write)
        self.read = read

    def outcome(self) -> tuple[bool, Any]:
        """(True, the result) or (False, the exception), once the process has sent it.
        It is collected later (`reap`): nothing needs to wait while its memory is freed."""
        with os.fdopen(self.read, "rb") as pipe:
            payload = pipe.read()
        if not payload:
            _, status = os.waitpid(self.pid, 0)
            return False, RuntimeError(f"a render process ended with no result ({status})")
        _EXITING.append(self.pid)
        ok, value = pickle.loads(payload)
        return ok, value


_EXITING: list[int] = []  # render processes that sent their result


def reap(wait: bool) -> None:
    """Collect the render processes that sent their results (`wait`: every one; else
    those already gone; a command that ends leaves the rest to the system)."""
    for pid in list(_EXITING):
        with contextlib.suppress(ChildProcessError):
            if os.waitpid(pid, 0 if wait else os.WNOHANG)[0] == 0:
                continue  # still exiting
        _EXITING.remove(pid)


def _pickled_error(error: BaseException) -> bytes:
    """The exception, with where it was raised in the render process as a note."""
    import traceback

    error.add_note("raised in a render process:\n" + "".join(traceback.format_exception(error)))
    try:
        return pickle.dumps((False, error))
    except Exception:  # noqa: BLE001 - an exception that does not pickle: its text does
        return pickle.dumps((False, RuntimeError(f"{type(error).__name__}: {error}")))


def render_and_stage(
    model: ApiModel,
    options: BuildOptions,
    out: Path,
    staging: Path | None,
    stamps: Mapping[int, str] | None = None,
    meanwhile: Callable[[], None] = lambda: None,
    manifest: output.Manifest | None = None,
) -> list[output.Staged]:
    """Every target, compared with `out` and staged where it differs (None: compare
    only). With `jobs` > 1, targets render side by side in this process and `jobs - 1`
    forked ones: they inherit the model, and send back digests, not files (this
    process renders too: it pays no copy-on-write for the model it reads). Same bytes
    either way. `meanwhile` is one more task, the last, for the first process free."""
    global _RENDER
    from generator.emit import fragments

    names = sorted(options.targets)
    parallel = options.jobs > 1 and len(names) > 1 and "fork" in mp.get_all_start_methods()
    salt = _render_salt(options.targets, options.settings)
    with fragments.collecting(options.cache_dir, "shared", salt, stamps or {}):
        prepare(model)
    _RENDER = _Render(
        model,
        stamps or {},
        dict(options.settings),
        salt,
        options.cache_dir,
        manifest or output.Manifest(),
        (*sorted(names, key=_in_order), ""),
        meanwhile,
        mp.get_context("fork" if parallel else None).Value("i", 0),
    )
    try:
        if not parallel:
            return [staged for _, staged in _render_share(out, staging)]
        workers = [
            _Forked(_render_share_in_worker, out, staging)
            for _ in range(min(options.jobs, len(names)) - 1)
        ]
        try:
            done = dict(_render_share(out, staging))
        finally:  # every worker waited for, whatever happened here (and that is raised)
            outcomes = [worker.outcome() for worker in workers]
        for ok, value in outcomes:
            if not ok:
                raise value
            done.update(value)
        return [done[n] for n in names]
    finally:
        _RENDER = None


def build(
    docs: Path,
    out: Path,
    config: DocSetConfig,
    options: BuildOptions,
    progress: Progress | None = None,
) -> BuildResult:
    raw = read_doc_set(
        docs, config, SeenPages(options.cache_dir, docs) if options.cache_dir else None
    )
    key = inputs_key(raw.fingerprint, options)
    staging = output.staging_dir(out, options.cache_dir)
    trash = output.trash_dir(staging, options.cache_dir)
    if not options.check:
        output.recover(out, staging)
    manifest = output.read_manifest(out)
    if output.is_current(out, manifest, key):
        return BuildResult(up_to_date=True)
    cache = PageCache.at(options.cache_dir, config.fingerprint())
    from generator.emit import render as render_module

    render_module.set_format_cache(
        options.cache_dir / "black" if options.cache_dir else None, options.jobs
    )
    from generator.pipeline.state import resolve_state  # not loaded by a build with nothing to do

    state = resolve_state(options.cache_dir, config)
    resolved = resolve_doc_set(
        raw,
        config,
        kept_work(state, raw, config, cache, options.jobs) if state is not None else {},
        jobs=options.jobs,
        cache=cache,
        progress=progress,
    )
    stats, model = resolved.stats, resolved.model
    del raw  # page bytes are not needed past the model: free them

    def remember() -> None:
        if state is not None:
            state.save(resolved.work)  # appends only what changed

    def meanwhile() -> None:  # while another process renders, when there is one
        remember()
        if not options.check:
            output.empty_trash(trash)  # the big files the last update replaced

    rendered = rendered_key(model, resolved.stamps, options)
    if manifest.rendered == rendered and output.files_intact(out, manifest):
        remember()
        if not options.check:
            output.record_inputs(out, manifest, key)
        return BuildResult(up_to_date=True, model=model, unchanged=len(manifest.files), stats=stats)
    if out.exists() and not out.is_dir():
        raise output.OutputError(f"{out}: exists and is not a folder")
    reap(wait=True)  # any an earlier build in this process left: long gone
    try:
        staged = render_and_stage(
            model,
            options,
            out,
            None if options.check else staging,
            stamps=resolved.stamps,
            meanwhile=meanwhile,
            manifest=manifest,
        )
        the_plan = output.plan(out, staged, manifest)
        result = BuildResult(
            up_to_date=the_plan.empty,
            model=model,
            unchanged=len(the_plan.unchanged),
            stats=stats,
        )
        if options.check:
            result.stale = [rel for rel in the_plan.write if (out / rel).exists()]
            result.missing = [rel for rel in the_plan.write if not (out / rel).exists()]
            result.removed = the_plan.remove
            return result
        if the_plan.empty and manifest.inputs == key:
            output.discard(staging)
            return result
        output.apply(out, the_plan, key, staging, rendered, manifest, trash)
    except BaseException:
        if not options.check:
            output.discard(staging)
        raise
    finally:
        reap(wait=False)
    result.written = the_plan.write
    result.removed = the_plan.remove
    return result
