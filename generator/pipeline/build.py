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
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from generator.config import DocSetConfig
from generator.emit.targets import BUILTIN, Target, Templates, find
from generator.model.types import ApiModel
from generator.pipeline import lock, output, update
from generator.pipeline.cache import PageCache, docgen_fingerprint
from generator.pipeline.rendering import render_and_stage, target_templates
from generator.pipeline.run import Laps, Progress, read_doc_set, resolve_doc_set
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
    # wall seconds of each phase, in order ("read", "load", "parse", "resolve", "render",
    # "commit"), and of each target rendered, in the process that rendered it (`--timings`)
    timings: dict[str, float] = field(default_factory=dict)
    target_timings: dict[str, float] = field(default_factory=dict)


@lru_cache(maxsize=8)
def _render_salt(
    targets: tuple[str, ...], settings: tuple[tuple[str, str], ...], extra: str = ""
) -> str:
    """What output depends on besides the model: docgen, black, Python, the options,
    and `extra` (`extra_key`: template overrides, plugins' code)."""
    from generator.emit.render import BLACK_VERSION

    versions = (sys.version, BLACK_VERSION)
    digest = hashlib.sha256(docgen_fingerprint().encode())
    digest.update(repr((versions, sorted(targets), settings)).encode())
    if extra:
        digest.update(f"\0{extra}".encode())
    return digest.hexdigest()


def extra_key(
    options: BuildOptions, targets: dict[str, Target], templates: Mapping[str, Templates]
) -> str:
    """What output depends on besides docgen, the docs and the options' values, by
    content (the same on every machine holding the same files): the templates of the
    targets built where the user overrides them, and each plugin target's code and
    templates (`templates`: each target's, as the build renders with them).
    "" when there are none (a build of built-in targets with no overrides)."""
    parts = []
    for name, target in sorted(targets.items()):
        if options.templates is not None and (options.templates / name).is_dir():
            parts.append(f"templates/{name}:{templates[name].digest}")
        if target not in BUILTIN:
            parts.append(f"target/{name}:{plugin_fingerprint(target, templates[name])}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest() if parts else ""


def override_warnings(folder: Path | None, targets: dict[str, Target]) -> list[str]:
    """A file in the template overrides that replaces no template of a target built
    (a typo, likely): one warning each. Overrides of built-in targets not built now
    are left alone."""
    if folder is None:
        return []
    warnings = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).parts
        if not path.is_file() or any(part.startswith(".") or part == "__pycache__" for part in rel):
            continue
        target = targets.get(rel[0])
        if len(rel) == 1:
            reason = "not in a target's folder (DIR/TARGET/NAME.jinja)"
        elif target is None:
            if any(rel[0] == ours.name for ours in BUILTIN):
                continue
            reason = f"no target named {rel[0]!r} in this build"
        elif target.templates is None:
            reason = f"target {rel[0]!r} has no templates"
        elif not target.templates.joinpath(*rel[1:]).is_file():
            builtin = target in BUILTIN
            reason = "no built-in template of that name" if builtin else "no template of that name"
        else:
            continue
        warnings.append(f"{path}: {reason}; ignored")
    return warnings


def plugin_fingerprint(target: Target, templates: Templates) -> str:
    """A plugin target's code and templates: every file of the top-level package its
    render function comes from (just the module, when that is not a package), and its
    `templates`."""
    module = sys.modules.get(getattr(target.render, "__module__", "") or "")
    top = sys.modules.get(module.__name__.partition(".")[0]) if module is not None else None
    code = getattr(top, "__file__", None)
    package = code is not None and os.path.basename(code) == "__init__.py"
    digest = hashlib.sha256()
    if code is not None and not package:
        with open(code, "rb") as handle:
            digest.update(handle.read())
    if code is not None and package:
        digest.update(Templates((Path(code).parent,)).digest.encode())
    digest.update(templates.digest.encode())
    return digest.hexdigest()[:32]


def rendered_key(model: ApiModel, options: BuildOptions, extra: str = "") -> str:
    """What the output files are a function of: the model (not the docs: an edit to
    prose no page fact keeps gives the same model, hence the same files), docgen,
    black, Python, the options and `extra` (`extra_key`). The model by its elements'
    digests (see `generator.digest`): no need to hash it whole again."""

    digest = hashlib.sha256(_render_salt(options.targets, options.settings, extra).encode())
    digest.update(repr((model.schema_version, model.namespace, model.base_urls)).encode())
    digest.update(repr((model.pages, model.aliases)).encode())
    for group in (
        model.resources,
        model.enums,
        model.endpoints,
        model.examples,
        model.diagnostics,
    ):
        digest.update(b"\0" + "".join([element.digest for element in group]).encode())
    return digest.hexdigest()


def inputs_key(docs_fingerprint: str, options: BuildOptions, extra: str = "") -> str:
    """The docs, targets, options and `extra` (`extra_key`): the same on every machine
    (it is committed, in the manifest, beside docgen's version)."""
    digest = hashlib.sha256(docs_fingerprint.encode())
    digest.update(repr((sorted(options.targets), options.settings)).encode())
    if extra:
        digest.update(f"\0{extra}".encode())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def code_key() -> str:
    """docgen's code and Python on this machine (kept in the cache's record of OUT)."""
    return hashlib.sha256(f"{docgen_fingerprint()}\0{sys.version}".encode()).hexdigest()


def build(
    docs: Path,
    out: Path,
    config: DocSetConfig,
    options: BuildOptions,
    progress: Progress | None = None,
    say: Callable[[str], None] = lambda message: None,
    targets: dict[str, Target] | None = None,
) -> BuildResult:
    """Build `docs` into `out`, holding the locks of the cache folder and of OUT (`say`
    tells the user when waiting for another build; `targets`: `find(options.targets)`,
    when the caller has it). Raises `TargetError` (before anything is touched) when a
    target named cannot be built."""
    targets = targets if targets is not None else find(options.targets)
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
            return _build(docs, out, config, options, targets, progress)
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
    targets: dict[str, Target],
    progress: Progress | None,
) -> BuildResult:
    laps = Laps()
    raw = read_doc_set(
        docs, config, SeenPages(options.cache_dir, docs) if options.cache_dir else None
    )
    templates = target_templates(targets, options.templates)
    extra = extra_key(options, targets, templates)
    key = inputs_key(raw.fingerprint, options, extra)
    warnings = override_warnings(options.templates, targets)
    warnings += [] if options.check else update.recover(out, options.cache_dir)
    manifest, refused = output.read_manifest(out)
    warnings += refused
    record = output.read_record(options.cache_dir, out)
    if output.is_current(out, manifest, record, key, code_key()):
        laps.lap("read")
        return BuildResult(up_to_date=True, warnings=warnings, timings=laps.seconds)
    laps.lap("read")
    cache = PageCache.at(options.cache_dir, config.fingerprint())
    # not loaded by a build with nothing to do
    from generator.pipeline.changes import changed_fields, work_key
    from generator.pipeline.state import resolve_state

    state = resolve_state(options.cache_dir, config)
    previous = state.load() if state is not None else {}
    laps.lap("load")
    resolved = resolve_doc_set(
        raw, config, previous, jobs=options.jobs, cache=cache, progress=progress, laps=laps
    )
    stats, model = resolved.stats, resolved.model
    # the model's change since OUT was rendered, by field, when that can be told: from
    # the work OUT was rendered from (pages read in error add to the model what no
    # page's work holds)
    work = work_key(state.shelf_name, resolved.work) if state is not None else ""
    baseline = (
        record is not None
        and state is not None
        and record.work == work_key(state.shelf_name, previous)
    )
    changed = changed_fields(previous, resolved.work) if baseline and not raw.errors else None
    del previous
    del raw  # page bytes are not needed past the model: free them
    trash = update.trash_of(out, options.cache_dir)

    def remember() -> None:
        if state is not None:
            state.save(resolved.work)  # appends only what changed

    def meanwhile() -> None:  # while another process renders, when there is one
        remember()
        if not options.check:
            update.empty_trash(trash)  # the big files the last update replaced

    rendered = rendered_key(model, options, extra)
    laps.lap("resolve")  # (what the edit changed, the model's key)
    result = BuildResult(
        up_to_date=False, model=model, stats=stats, warnings=warnings, timings=laps.seconds
    )
    if (
        record is not None
        and record.rendered == rendered
        and output.is_current(out, manifest, record, manifest.inputs, code_key())
    ):  # the model is what OUT was rendered from: only the manifest's inputs may change
        remember()
        the_plan = output.Plan([], [], sorted(manifest.files), manifest.files)
        kept = Rendering(rendered, record.keys, record.targets, work)
        laps.lap("render")
        return _finish(out, options, the_plan, key, manifest, record, None, result, kept, laps)
    staging = None if options.check else update.begin(out, options.cache_dir)
    try:
        staged = render_and_stage(
            model,
            targets,
            options.settings,
            templates,
            _render_salt((), (), extra),  # a target's pieces: its own settings are in its shelf
            options.cache_dir,
            options.jobs,
            out,
            staging.files if staging is not None else None,
            manifest,
            record,
            meanwhile,
            changed,
        )
        the_plan = output.plan(out, staged, manifest, options.force)
        keys = {rel: k for part in staged for rel, k in part.keys.items()}
        made_by = {
            part.made_by[0]: (part.made_by[1], tuple(sorted(part.digests))) for part in staged
        }
        made = Rendering(rendered, keys, made_by, work)
        result.target_timings = {part.made_by[0]: part.seconds for part in staged}
        laps.lap("render")
        return _finish(out, options, the_plan, key, manifest, record, staging, result, made, laps)
    except BaseException:
        if staging is not None:
            update.discard(staging)
        raise


@dataclass(frozen=True)
class Rendering:
    """What OUT's files were rendered from, as this machine's record keeps it."""

    model: str  # the model and options (`rendered_key`)
    keys: dict[str, str]  # each file's key, where it has one (`pieces.file_key`)
    targets: dict[str, tuple[str, tuple[str, ...]]]  # each target's shelf and files
    work: str  # the key of the work the model was made from (`changes.work_key`)


def _finish(
    out: Path,
    options: BuildOptions,
    the_plan: output.Plan,
    inputs: str,
    manifest: output.Manifest,
    record: output.Record | None,
    staging: update.Staging | None,
    result: BuildResult,
    made: Rendering,
    laps: Laps,
) -> BuildResult:
    """Report (`--check`) or commit the plan, its manifest and this machine's record (with
    what `made` says the files were rendered from); `laps` times it ("commit")."""
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
        laps.lap("commit")
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
    known = record.stats if record is not None else {}
    stats = {rel: known.get(rel) or output.stat_of(out / rel) for rel in the_plan.unchanged}
    if not result.up_to_date:
        staging = staging or update.begin(out, options.cache_dir)
        stats.update({rel: output.stat_of(staging.files / rel) for rel in the_plan.write})
        update.commit(staging, the_plan, new_manifest)
    elif staging is not None:
        update.discard(staging)
    result.written = the_plan.write
    result.manifest_written = manifest_changed
    current = output.Record(
        output.sha(new_manifest),
        code_key(),
        made.model,
        {rel: stat for rel, stat in stats.items() if stat is not None},
        {rel: key for rel, key in made.keys.items() if rel in the_plan.digests},
        made.targets,
        made.work,
    )
    output.write_record(options.cache_dir, out, current)
    laps.lap("commit")
    return result
