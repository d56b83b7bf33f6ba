"""The output folder: a manifest of what docgen wrote, and all-or-nothing updates.

- Unchanged files keep their bytes and mtime; files docgen wrote before and
  no longer produces are removed; files docgen did not write are never touched.
- An update is a journal: every new file is first written to a staging
  folder outside OUT (in the cache folder, else a hidden sibling of OUT; on
  OUT's filesystem, so renames are atomic), then a journal naming the
  renames and removals is written (the commit point), then applied. A build
  stopped before the commit point, even by SIGKILL, leaves OUT exactly as it
  was (the next run sweeps the staging folder); one stopped while renaming
  is rolled forward by the next run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from generator.jsontext import Chunks

MANIFEST = ".docgen-manifest.json"
STAGING = ".docgen-tmp"  # inside OUT: only when no folder beside it shares its filesystem
JOURNAL = "JOURNAL.json"


class OutputError(Exception):
    """The output folder cannot be used (a file where a folder should be, no permission...)."""


@dataclass(frozen=True)
class Manifest:
    inputs: str = ""
    files: dict[str, str] = field(default_factory=dict)  # rel -> sha256
    stamps: dict[str, tuple[int, int]] = field(default_factory=dict)  # rel -> (size, mtime_ns)
    rendered: str = ""  # the model, docgen and options the files were rendered from


@dataclass(frozen=True)
class Staged:
    """One target's files compared with OUT: where they differ, they are staged."""

    digests: dict[str, str]  # rel -> sha256 of the new bytes
    changed: list[str]  # rels whose bytes differ from (or are missing in) OUT


@dataclass(frozen=True)
class Plan:
    write: list[str]  # staged, to be renamed into OUT
    remove: list[str]
    unchanged: list[str]
    digests: dict[str, str]  # every generated file -> sha256

    @property
    def empty(self) -> bool:
        return not self.write and not self.remove


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def safe_rel(rel: str) -> str:
    """Refuse any generated path that could leave the output folder."""
    parts = rel.split("/")
    if "" not in parts and "." not in parts and ".." not in parts and parts[0][:7] != ".docgen":
        return rel  # already plain: what the normalising below would give
    path = PurePosixPath(rel)
    if path.is_absolute() or ".." in path.parts or not path.parts or rel.startswith(".docgen"):
        raise OutputError(f"refusing to write outside the output folder: {rel!r}")
    return path.as_posix()


def read_manifest(out: Path) -> Manifest:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return Manifest(
            str(data.get("inputs", "")),
            {str(k): str(v) for k, v in data.get("files", {}).items()},
            {str(k): (int(v[0]), int(v[1])) for k, v in data.get("stamps", {}).items()},
            str(data.get("rendered", "")),
        )
    except (OSError, ValueError, TypeError, AttributeError, IndexError):
        return Manifest()


def _stamp(path: Path | str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def is_current(out: Path, manifest: Manifest, inputs: str) -> bool:
    """The fast path: same inputs as last time and every file as docgen left it."""
    if not manifest.inputs or manifest.inputs != inputs:
        return False
    return files_intact(out, manifest)


def files_intact(out: Path, manifest: Manifest) -> bool:
    """Every file the manifest lists is as docgen left it (size and mtime, else bytes)."""
    for rel, digest in manifest.files.items():
        stamp = _stamp(out / rel)
        if stamp is None:
            return False
        if stamp != manifest.stamps.get(rel) and sha((out / rel).read_bytes()) != digest:
            return False
    return True


def stage(
    out: Path,
    staging: Path | None,
    files: Mapping[str, str | bytes | Chunks],
    manifest: Manifest | None = None,
) -> Staged:
    """Compare `files` with OUT; write those that differ under `staging` (None: only
    compare, for `--check`). Runs where the files were rendered, so no process ever
    holds every output at once. A file the manifest lists with the new bytes' digest,
    and whose size and mtime are as docgen left them, is not read again. JSON made of
    kept pieces (`Chunks`) is hashed and written part by part, never joined."""
    digests: dict[str, str] = {}
    changed: list[str] = []
    known = manifest or Manifest()
    root = str(out)  # paths as strings: thousands of files, a Path each costs
    for rel, content in files.items():
        rel = safe_rel(rel)
        if isinstance(content, Chunks):
            parts, size, digest = content.parts, content.size, content.digest
            if digest is None:
                hashed = hashlib.sha256()
                for part in parts:
                    hashed.update(part)
                digest = hashed.hexdigest()
        else:
            data = content if isinstance(content, bytes) else content.encode("utf-8")
            parts, size, digest = [data], len(data), sha(data)
        digests[rel] = digest
        target = os.path.join(root, rel)
        before = known.files.get(rel)
        as_left = before is not None and known.stamps.get(rel) == _stamp(target)
        if as_left and before == digest:
            continue
        if not as_left:  # as docgen left it, with other bytes: it differs, no need to read it
            try:
                with open(target, "rb") as handle:
                    if handle.read() == (parts[0] if len(parts) == 1 else b"".join(parts)):
                        continue
            except OSError:  # missing, a folder, unreadable: staged, and the rename tells
                pass
        changed.append(rel)
        if staging is not None:
            tmp = staging / "files" / rel
            tmp.parent.mkdir(parents=True, exist_ok=True)
            _write_staged(tmp, parts, size)
    return Staged(digests, changed)


def _write_staged(path: Path, parts: list[bytes | memoryview], size: int) -> None:
    """A big file's blocks are reserved before it is written: renaming a file whose
    blocks are not yet allocated over another makes some filesystems (ext4) flush
    it first, which would be the slowest step of an update."""
    with open(path, "wb") as handle:
        if size >= _ASIDE_MIN and hasattr(os, "posix_fallocate"):
            with contextlib.suppress(OSError):  # not supported here: written as it is
                os.posix_fallocate(handle.fileno(), 0, size)
        handle.writelines(parts)


def plan(out: Path, staged: Iterable[Staged], manifest: Manifest) -> Plan:
    digests: dict[str, str] = {}
    write: list[str] = []
    for part in staged:
        digests.update(part.digests)
        write += part.changed
    remove = sorted(rel for rel in manifest.files if rel not in digests and (out / rel).is_file())
    unchanged = sorted(set(digests) - set(write))
    return Plan(sorted(write), remove, unchanged, dict(sorted(digests.items())))


def _device(path: Path) -> int:
    """The filesystem `path` is (or would be, once created) on."""
    for folder in (path, *path.parents):
        try:
            return folder.stat().st_dev
        except OSError:
            continue
    return -1


def staging_dir(out: Path, cache_dir: Path | None = None) -> Path:
    """Where an update of `out` is prepared: outside it, on its filesystem."""
    out = out.absolute()
    key = sha(str(out).encode())[:16]
    candidates = [cache_dir.absolute() / "staging" / key] if cache_dir is not None else []
    candidates.append(out.parent / f".{out.name}.docgen-tmp")
    device = _device(out)
    for candidate in candidates:
        if _device(candidate) == device:
            return candidate
    return out / STAGING


def recover(out: Path, staging: Path | None = None) -> None:
    """Finish (journal present) or discard (no journal) an interrupted update."""
    for folder in dict.fromkeys([staging or staging_dir(out), out / STAGING]):
        _recover_from(out, folder)
    (out / (MANIFEST + ".tmp")).unlink(missing_ok=True)


def _recover_from(out: Path, staging: Path) -> None:
    if not staging.exists():
        return
    journal = staging / JOURNAL
    if journal.is_file():
        try:
            steps = json.loads(journal.read_text(encoding="utf-8"))
        except ValueError:
            steps = None
        if isinstance(steps, dict):
            _apply_steps(out, staging, steps)
    shutil.rmtree(staging, ignore_errors=True)


def _apply_steps(
    out: Path, staging: Path, steps: dict[str, list[str]], trash: Path | None = None
) -> None:
    for rel in steps.get("write", []):
        source = staging / "files" / rel
        if source.exists():
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            if trash is not None:
                _keep_aside(out / rel, trash)
            os.replace(source, out / rel)
    for rel in steps.get("remove", []):
        (out / rel).unlink(missing_ok=True)
        _prune_empty_dirs(out, (out / rel).parent)


_ASIDE_MIN = 1 << 20  # replaced files this big are freed by a later build (see `_keep_aside`)


def trash_dir(staging: Path, cache_dir: Path | None) -> Path | None:
    """Where big replaced files wait to be freed: beside the staging folder when that
    is in the cache folder (on OUT's filesystem); else nowhere, nothing waits."""
    if cache_dir is None or not staging.absolute().is_relative_to(cache_dir.absolute()):
        return None
    return staging.with_name(staging.name + ".old")


def _keep_aside(path: Path, trash: Path) -> None:
    """Give a big file about to be replaced a second name in `trash`, so that the
    rename frees nothing: freeing tens of megabytes of cached pages is the slowest
    part of an update, and `empty_trash` does it while a later build has a CPU idle."""
    try:
        st = os.stat(path)
        if st.st_size >= _ASIDE_MIN:
            trash.mkdir(parents=True, exist_ok=True)
            os.link(path, trash / str(st.st_ino))
    except OSError:  # none then: the rename frees it, as it would anyway
        pass


def empty_trash(trash: Path | None) -> None:
    if trash is not None:
        shutil.rmtree(trash, ignore_errors=True)


def _prune_empty_dirs(out: Path, folder: Path) -> None:
    while folder != out and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def apply(
    out: Path,
    the_plan: Plan,
    inputs: str,
    staging: Path,
    rendered: str = "",
    previous: Manifest | None = None,
    trash: Path | None = None,
) -> None:
    """Commit a plan whose files are staged: the journal, the renames, the manifest.
    Nothing in `out` changes before the commit point, not even its creation. (`build`
    has refused an `out` that is not a folder before rendering anything.) An unchanged
    file keeps the size and mtime `previous` recorded, when it recorded them. With
    `trash`, the big files replaced are left there to be freed later (`_keep_aside`)."""
    known = previous.stamps if previous is not None else {}
    written = set(the_plan.write)
    staged = staging / "files"
    # a staged file keeps its size and mtime when renamed: the manifest says them already
    stamps = {
        rel: (
            _stamp(os.path.join(staged, rel))
            if rel in written
            else known[rel] if rel in known else _stamp(out / rel)
        )
        for rel in the_plan.digests
    }
    try:
        manifest_data = _manifest_bytes(the_plan.digests, inputs, stamps, rendered)
        staged.mkdir(parents=True, exist_ok=True)
        (staged / MANIFEST).write_bytes(manifest_data)
        steps = {"write": [*the_plan.write, MANIFEST], "remove": the_plan.remove}
        journal_tmp = staging / (JOURNAL + ".tmp")
        journal_tmp.write_text(json.dumps(steps), encoding="utf-8")
        os.replace(journal_tmp, staging / JOURNAL)  # the commit point
    except BaseException:
        discard(staging)
        raise
    _apply_steps(out, staging, steps, trash)
    shutil.rmtree(staging, ignore_errors=True)


def discard(staging: Path) -> None:
    """Remove an update that did not reach its commit point."""
    if not (staging / JOURNAL).exists():
        shutil.rmtree(staging, ignore_errors=True)


def record_inputs(out: Path, manifest: Manifest, inputs: str) -> None:
    """New docs that render to the same files: only the manifest's inputs change."""
    stamps: dict[str, tuple[int, int] | None] = dict(manifest.stamps)
    _write_manifest(out, _manifest_bytes(manifest.files, inputs, stamps, manifest.rendered))


def _manifest_bytes(
    digests: dict[str, str],
    inputs: str,
    stamps: dict[str, tuple[int, int] | None],
    rendered: str,
) -> bytes:
    """JSON, one file per line (diffs stay readable where OUT is committed), written
    line by line: `json.dumps` with an indent runs in pure Python, slow for
    thousands of files."""
    quote = json.encoder.encode_basestring_ascii

    def members(lines: list[str]) -> str:
        return "{\n" + ",\n".join(lines) + "\n }" if lines else "{}"

    files = [f"  {quote(rel)}: {quote(d)}" for rel, d in sorted(digests.items())]
    kept = [f"  {quote(rel)}: [{s[0]}, {s[1]}]" for rel, s in sorted(stamps.items()) if s]
    return (
        f'{{\n "files": {members(files)},\n "inputs": {quote(inputs)},\n'
        f' "rendered": {quote(rendered)},\n "stamps": {members(kept)}\n}}\n'
    ).encode()


def _write_manifest(out: Path, data: bytes) -> None:
    """Replace the manifest at once: a reader sees the old one or the new one."""
    tmp = out / (MANIFEST + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, out / MANIFEST)
