"""`docgen build`: docs → model → targets → output folder, as little work as possible.

The fast path: when the docs' bytes, the targets and options are what the
manifest recorded, docgen's code is what this machine's record of OUT says,
and every generated file is as docgen left it, nothing is parsed, rendered or
written. Otherwise pages come from the page cache where unchanged, and only
files whose bytes changed are written. One build at a time per OUT and per
cache folder (`lock`); what is read back from either is checked first
(`output.read_manifest`, `update.recover`).
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing as mp
import os
import pickle
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from generator.config import DocSetConfig
from generator.emit.targets import Context, Target, Templates, available
from generator.model.types import ApiModel
from generator.pipeline import lock, output, update
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
    force: bool = False  # replace files docgen did not write
    wait: bool = True  # for another build of the same OUT or cache to finish
    templates: Path | None = None  # the user's template overrides (see `emit.templates`)


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
    warnings: list[str] = field(default_factory=list)  # what was refused or kept, for the user
    manifest_written: bool = False  # the manifest changed (new inputs, files or docgen)


@lru_cache(maxsize=8)
def _render_salt(targets: tuple[str, ...], settings: tuple[tuple[str, str], ...]) -> str:
    """What output depends on besides the model: docgen, black, Python, the options."""
    from generator.emit.render import BLACK_VERSION

    versions = (sys.version, BLACK_VERSION)
    digest = hashlib.sha256(docgen_fingerprint().encode())
    digest.update(repr((versions, sorted(targets), settings)).encode())
    return digest.hexdigest()


def rendered_key(model: ApiModel, options: BuildOptions) -> str:
    """What the output files are a function of: the model (not the docs: an edit to
    prose no page fact keeps gives the same model, hence the same files), docgen,
    black, Python, and the options. The model by its elements' digests (see
    `generator.digest`): no need to hash it whole again."""

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
            digest.update(element.digest.encode())
    return digest.hexdigest()


def inputs_key(docs_fingerprint: str, options: BuildOptions) -> str:
    """The docs, targets and options: the same on every machine (it is committed, in
    the manifest, beside docgen's version)."""
    digest = hashlib.sha256(docs_fingerprint.encode())
    digest.update(repr((sorted(options.targets), options.settings)).encode())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def code_key() -> str:
    """docgen's code and Python on this machine (kept in the cache's record of OUT)."""
    return hashlib.sha256(f"{docgen_fingerprint()}\0{sys.version}".encode()).hexdigest()


@dataclass(frozen=True)
class _Render:
    """What a target renders from; forked render workers inherit it."""

    model: ApiModel
    options: BuildOptions
    salt: str
    pieces: Path | None  # the cache folder, where pieces of output are kept
    manifest: output.Manifest  # what OUT held when the build began
    record: output.Record | None  # and how this machine last saw it
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


def target_context(target: Target, options: BuildOptions, value: Any = None) -> Context:
    """What `target` renders with: the settings it declares, its templates."""
    chosen = dict(options.settings)
    settings = {key: chosen[key] for key in target.settings if chosen.get(key) is not None}
    templates = Templates.of(target.name, target.templates, options.templates)
    return Context(settings, templates, value) if value else Context(settings, templates)


def _render(name: str, out: Path, staging: Path | None) -> output.Staged:
    """Render one target and stage what changed, in the process that rendered it."""
    from generator.emit import fragments
    from generator.pipeline.pieces import Reuse
    from generator.sealed import SealedLog

    job = _RENDER
    assert job is not None
    target = available()[name]
    log = None
    if job.pieces is not None:
        log = SealedLog(job.pieces / "pieces" / f"{name}.log", b"docgen-pieces\x01", job.salt, ())
    reuse = Reuse(log.load() if log is not None else {})
    context = target_context(target, job.options, reuse.value)
    with fragments.collecting(job.pieces, name, job.salt):
        files = target.render(job.model, context)
        made = {rel: reuse.bytes_of(rel, content) for rel, content in files.items()}
    if log is not None:
        log.save(reuse.used)
    return output.stage(out, staging, made, job.manifest, job.record)


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
    meanwhile: Callable[[], None] = lambda: None,
    manifest: output.Manifest | None = None,
    record: output.Record | None = None,
) -> list[output.Staged]:
    """Every target, compared with `out` and staged where it differs (None: compare
    only). With `jobs` > 1, targets render side by side in this process and `jobs - 1`
    forked ones: they inherit the model, and send back digests, not files (this
    process renders too: it pays no copy-on-write for the model it reads). Same bytes
    either way. `meanwhile` is one more task, the last, for the first process free."""
    global _RENDER
    names = sorted(options.targets)
    parallel = options.jobs > 1 and len(names) > 1 and "fork" in mp.get_all_start_methods()
    salt = _render_salt(options.targets, options.settings)
    _RENDER = _Render(
        model,
        options,
        salt,
        options.cache_dir,
        manifest or output.Manifest(),
        record,
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
    say: Callable[[str], None] = lambda message: None,
) -> BuildResult:
    """Build `docs` into `out`, holding the locks of the cache folder and of OUT (`say`
    tells the user when waiting for another build)."""
    if out.is_symlink():
        raise output.OutputError(f"{out}: is a symbolic link; give the folder it points to")
    if out.exists() and not out.is_dir():
        raise output.OutputError(f"{out}: exists and is not a folder")
    with contextlib.ExitStack() as held:
        held.enter_context(lock.cache_held(options.cache_dir, wait=options.wait, say=say))
        made = not options.check and not out.exists()
        if made:  # the lock is the folder's own: it must exist (removed again on failure)
            out.mkdir(parents=True, exist_ok=True)
        if out.is_dir():
            where = f"the output folder {out}"
            held.enter_context(
                lock.holding(out, where, shared=options.check, wait=options.wait, say=say)
            )
        try:
            return _build(docs, out, config, options, progress)
        except BaseException:
            if made:
                with contextlib.suppress(OSError):
                    out.rmdir()  # only if still empty
            raise


def _build(
    docs: Path,
    out: Path,
    config: DocSetConfig,
    options: BuildOptions,
    progress: Progress | None,
) -> BuildResult:
    raw = read_doc_set(
        docs, config, SeenPages(options.cache_dir, docs) if options.cache_dir else None
    )
    key = inputs_key(raw.fingerprint, options)
    warnings = [] if options.check else update.recover(out, options.cache_dir)
    manifest, refused = output.read_manifest(out)
    warnings += refused
    record = output.read_record(options.cache_dir, out)
    if output.is_current(out, manifest, record, key, code_key()):
        return BuildResult(up_to_date=True, warnings=warnings)
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
    trash = update.trash_of(out, options.cache_dir)

    def remember() -> None:
        if state is not None:
            state.save(resolved.work)  # appends only what changed

    def meanwhile() -> None:  # while another process renders, when there is one
        remember()
        if not options.check:
            update.empty_trash(trash)  # the big files the last update replaced

    rendered = rendered_key(model, options)
    result = BuildResult(up_to_date=False, model=model, stats=stats, warnings=warnings)
    if (
        record is not None
        and record.rendered == rendered
        and output.is_current(out, manifest, record, manifest.inputs, code_key())
    ):  # the model is what OUT was rendered from: only the manifest's inputs may change
        remember()
        the_plan = output.Plan([], [], sorted(manifest.files), manifest.files)
        return _finish(out, options, the_plan, key, manifest, record, rendered, None, result)
    reap(wait=True)  # any an earlier build in this process left: long gone
    staging = None if options.check else update.begin(out, options.cache_dir)
    try:
        staged = render_and_stage(
            model,
            options,
            out,
            staging.files if staging is not None else None,
            meanwhile=meanwhile,
            manifest=manifest,
            record=record,
        )
        the_plan = output.plan(out, staged, manifest, options.force)
        return _finish(out, options, the_plan, key, manifest, record, rendered, staging, result)
    except BaseException:
        if staging is not None:
            update.discard(staging)
        raise
    finally:
        reap(wait=False)


def _finish(
    out: Path,
    options: BuildOptions,
    the_plan: output.Plan,
    inputs: str,
    manifest: output.Manifest,
    record: output.Record | None,
    rendered: str,
    staging: update.Staging | None,
    result: BuildResult,
) -> BuildResult:
    """Report (`--check`) or commit the plan, its manifest and this machine's record."""
    new_manifest = output.manifest_bytes(the_plan.digests, inputs)
    manifest_changed = output.sha(new_manifest) != manifest.digest
    result.up_to_date = the_plan.empty and not manifest_changed
    result.unchanged = len(the_plan.unchanged)
    result.removed = the_plan.remove
    if options.check:
        result.stale = [rel for rel in the_plan.write if os.path.lexists(out / rel)]
        result.missing = [rel for rel in the_plan.write if not os.path.lexists(out / rel)]
        if manifest_changed:
            (result.stale if manifest.digest else result.missing).append(output.MANIFEST)
        return result
    if the_plan.foreign:
        shown = ", ".join(str(out / rel) for rel in the_plan.foreign)
        raise output.Conflict(
            f"would replace {len(the_plan.foreign)} file(s) docgen did not write: {shown} "
            "(move them away, or use --force to replace them)",
            result.warnings,
        )
    result.warnings += [
        f"{out / rel}: no longer generated, but changed since docgen wrote it; kept "
        "(--force removes it)"
        for rel in the_plan.kept
    ]
    result.warnings += [
        f"{out / rel}: not removed: {out / blocker} on the way is not a folder docgen made "
        "(links are not followed)"
        for rel, blocker in the_plan.blocked.items()
    ]
    known = record.stamps if record is not None else {}
    stamps = {rel: known.get(rel) or output.stamp_of(out / rel) for rel in the_plan.unchanged}
    if not result.up_to_date:
        staging = staging or update.begin(out, options.cache_dir)
        stamps.update({rel: output.stamp_of(staging.files / rel) for rel in the_plan.write})
        update.commit(staging, the_plan, new_manifest)
    elif staging is not None:
        update.discard(staging)
    result.written = the_plan.write
    result.manifest_written = manifest_changed
    current = output.Record(
        output.sha(new_manifest),
        code_key(),
        rendered,
        {rel: stamp for rel, stamp in stamps.items() if stamp is not None},
    )
    output.write_record(options.cache_dir, out, current)
    return result
