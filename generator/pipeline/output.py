"""The output folder: what docgen wrote there, and what an update must change.

- The manifest (`OUT/.docgen-manifest.json`, committed with OUT) holds only
  what is the same on every machine: docgen's version, the digest of the
  inputs and every generated file's content digest. It is read as untrusted
  input: an entry whose path is not plain (see `confine.unsafe`) is refused
  with a warning naming the file, line and entry.
- What only this machine knows (each file's stat as docgen left it, docgen's
  code, the render key) is a `Record` kept in the cache folder, sealed.
- Unchanged files keep their bytes and mtime; files docgen wrote before and
  no longer makes are removed (unless changed since: then kept, with a word);
  files docgen did not write are never replaced unless forced (`Plan.foreign`).
- `generator.pipeline.update` applies a plan all-or-nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import generator
from generator.jsontext import Chunks
from generator.pipeline.confine import Tree, read_file, unsafe
from generator.pipeline.sealed import read_sealed, seal, write_sealed

MANIFEST = ".docgen-manifest.json"
Stat = tuple[int, int, int]  # size, mtime_ns, inode: the file as docgen left it


class OutputError(Exception):
    """The output folder cannot be used (a file where a folder should be, no permission...)."""


class Conflict(OutputError):
    """The update would replace what docgen did not write; the user must say so (--force)."""

    def __init__(self, message: str, warnings: list[str] | None = None) -> None:
        super().__init__(message)
        self.warnings = warnings or []  # what the build had to say before it stopped


@dataclass(frozen=True)
class Manifest:
    files: dict[str, str] = field(default_factory=dict)  # rel -> sha256
    inputs: str = ""
    docgen: str = ""  # the version that wrote it
    digest: str = ""  # sha256 of the manifest's bytes as read; "" when there was none


@dataclass(frozen=True)
class Record:
    """What this machine knows of OUT since its last build (kept in the cache)."""

    manifest: str  # the digest of the manifest it goes with
    code: str  # docgen's code and Python (see `build.code_key`)
    rendered: str  # the model and options the files were rendered from
    stats: dict[str, Stat]
    keys: dict[str, str] = field(default_factory=dict)  # rel -> what it was made from
    # target -> the shelf it rendered with (its code, settings, templates) and its files
    targets: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    work: str = ""  # the key of the doc set's work the files were rendered from


@dataclass(frozen=True)
class Staged:
    """One target's files compared with OUT: where they differ, they are staged."""

    digests: dict[str, str]  # rel -> sha256 of the new bytes
    changed: list[str]  # rels whose bytes differ from (or are missing in) OUT
    keys: dict[str, str] = field(default_factory=dict)  # rel -> what it is made from
    made_by: tuple[str, str] = ("", "")  # the target and the shelf it rendered with
    seconds: float = 0.0  # how long rendering and staging took (`docgen build --timings`)


@dataclass(frozen=True)
class Plan:
    write: list[str]  # staged, to be renamed into OUT
    remove: list[str]
    unchanged: list[str]
    digests: dict[str, str]  # every generated file -> sha256
    foreign: list[str] = field(default_factory=list)  # what docgen did not write, in the way
    clear: list[str] = field(default_factory=list)  # files or links to remove before writing
    kept: list[str] = field(default_factory=list)  # no longer made, but changed since: kept
    blocked: dict[str, str] = field(default_factory=dict)  # no longer made, behind a link: kept

    @property
    def empty(self) -> bool:
        return not self.write and not self.remove


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def safe_rel(rel: str) -> str:
    """A generated path, refused if it could leave the output folder."""
    problem = unsafe(rel)
    if problem is not None:
        raise OutputError(f"refusing to write {rel!r} in the output folder: {problem}")
    return rel


def read_manifest(out: Path) -> tuple[Manifest, list[str]]:
    """The manifest, with a warning for each entry refused (and for a manifest that
    is not one: then docgen cannot tell which files it wrote, and none is its own)."""
    path = out / MANIFEST
    try:
        raw = read_file(path)
    except FileNotFoundError:
        return Manifest(), []
    except OSError as exc:
        return Manifest(), [f"{path}: cannot read ({exc.strerror or exc}); ignored"]
    digest = sha(raw)
    sides, merged = _sides(raw)
    if sides is None:
        return Manifest(digest=digest), [f"{path}: not a docgen manifest; ignored"]
    warnings = []
    if merged:
        warnings.append(f"{path}: has merge conflicts; the files either side lists are docgen's")
    files: dict[str, str] = {}
    for side in reversed(sides):  # ours last: where both list a file, our digest
        for rel, file_digest in side["files"].items():
            problem = unsafe(rel) or (None if _is_sha256(file_digest) else "no SHA-256 digest")
            if problem is None:
                files[rel] = file_digest
            else:
                line = _line_of(raw, json.dumps(rel))
                warnings.append(f"{path}:{line}: entry {rel!r} refused ({problem}); ignored")
    inputs, version = sides[0].get("inputs"), sides[0].get("docgen")
    return (
        Manifest(
            files,
            inputs if isinstance(inputs, str) and not merged else "",
            version if isinstance(version, str) else "",
            digest,
        ),
        list(dict.fromkeys(warnings)),
    )


def _sides(raw: bytes) -> tuple[list[dict[str, Any]] | None, bool]:
    """The manifest's JSON object, or the two a merge conflict holds (OUT is committed:
    branches that both regenerated it conflict there); None when it is neither. And
    whether it was a merge conflict."""
    whole = _json_object(raw)
    merged = whole is None and (raw.startswith(b"<<<<<<<") or b"\n<<<<<<<" in raw)
    found = [_json_object(side) for side in _merge_sides(raw)] if merged else [whole]
    sides = [side for side in found if side is not None and isinstance(side.get("files"), dict)]
    return (sides if len(sides) == len(found) else None), merged


def _json_object(raw: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _merge_sides(raw: bytes) -> tuple[bytes, bytes]:
    """The two versions git's conflict markers hold, ours first (a diff3 base part is
    left out)."""
    ours: list[bytes] = []
    theirs: list[bytes] = []
    keep: tuple[list[bytes], ...] = (ours, theirs)
    for line in raw.splitlines(keepends=True):
        marker = line[:8]
        if marker in (b"<<<<<<< ", b"<<<<<<<\n"):
            keep = (ours,)
        elif marker in (b"||||||| ", b"|||||||\n"):
            keep = ()
        elif marker in (b"=======\n", b"=======\r"):
            keep = (theirs,)
        elif marker in (b">>>>>>> ", b">>>>>>>\n"):
            keep = (ours, theirs)
        else:
            for side in keep:
                side.append(line)
    return b"".join(ours), b"".join(theirs)


_SHA256 = re.compile(r"[0-9a-f]{64}")


def _is_sha256(value: object) -> bool:
    return isinstance(value, str) and _SHA256.fullmatch(value) is not None


def _line_of(raw: bytes, needle: str) -> int:
    at = raw.find(needle.encode("utf-8", "surrogateescape"))
    return raw.count(b"\n", 0, at) + 1 if at >= 0 else 1


def manifest_bytes(digests: Mapping[str, str], inputs: str) -> bytes:
    """JSON, one file per line (diffs stay readable where OUT is committed), written
    line by line: `json.dumps` with an indent runs in pure Python, slow for
    thousands of files. Nothing in it depends on the machine or the build."""
    quote = json.encoder.encode_basestring_ascii
    lines = [f"  {quote(rel)}: {quote(d)}" for rel, d in sorted(digests.items())]
    files = "{\n" + ",\n".join(lines) + "\n }" if lines else "{}"
    return (
        f'{{\n "docgen": {quote(generator.__version__)},\n "files": {files},\n'
        f' "inputs": {quote(inputs)}\n}}\n'
    ).encode()


# --- the record of OUT kept in the cache ---------------------------------------------

_RECORD_MAGIC = b"docgen-output-record\x03"
_RECORD_MODULES = ("generator.pipeline.output",)


def absolute(path: Path) -> Path:
    """`path` made absolute, `..` resolved by name (links are not followed): one
    spelling of a folder, for the keys of its record and staging folders."""
    return Path(os.path.abspath(path))


def _record_path(cache_dir: Path, out: Path) -> tuple[Path, str]:
    key = sha(str(absolute(out)).encode("utf-8", "surrogateescape"))
    return cache_dir / "outputs" / key[:32], key


def read_record(cache_dir: Path | None, out: Path) -> Record | None:
    if cache_dir is None:
        return None
    path, key = _record_path(cache_dir, out)
    record = read_sealed(path, _RECORD_MAGIC, key, _RECORD_MODULES)
    if not isinstance(record, Record):
        return None
    parts = (record.stats, record.keys, record.targets)
    return record if all(isinstance(part, dict) for part in parts) else None


def write_record(cache_dir: Path | None, out: Path, record: Record) -> None:
    if cache_dir is not None:
        path, key = _record_path(cache_dir, out)
        write_sealed(path, seal(_RECORD_MAGIC, key, record))


def stat_of(path: str | os.PathLike[str]) -> Stat | None:
    """The stat of what is at `path` (a link is not followed), or None."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


def is_current(
    out: Path, manifest: Manifest, record: Record | None, inputs: str, code: str
) -> bool:
    """The fast path: same inputs and docgen as the manifest says, and every file
    as docgen left it on this machine."""
    if not manifest.inputs or manifest.inputs != inputs:
        return False
    if manifest.docgen != generator.__version__ or record is None:
        return False
    if record.code != code or record.manifest != manifest.digest:
        return False
    return files_intact(out, manifest, record)


def files_intact(out: Path, manifest: Manifest, record: Record) -> bool:
    """Every file the manifest lists is as docgen left it (by its stat, else its bytes)."""
    root = str(out)
    for rel, digest in manifest.files.items():
        path = os.path.join(root, rel)
        if stat_of(path) == record.stats.get(rel):
            continue
        try:
            if sha(read_file(path)) != digest:
                return False
        except OSError:
            return False
    return True


def vouched(
    out: Path, keys: Mapping[str, str], manifest: Manifest, record: Record | None
) -> dict[str, str]:
    """The files of `keys` (rel -> what its bytes are made from) OUT holds as made from
    the same key: the last build on this machine made them so (`record`, which goes
    with this manifest), and each is as docgen left it (its stat). Each one's digest,
    from the manifest (whose paths are plain, see `read_manifest`): such a file need
    not be made to be known unchanged."""
    if record is None or not _goes_with(manifest, record):
        return {}
    root = str(out)
    found: dict[str, str] = {}
    for rel, key in keys.items():
        if record.keys.get(rel) == key and (digest := _as_left(root, rel, manifest, record)):
            found[rel] = digest
    return found


def intact(
    out: Path, rels: Iterable[str], manifest: Manifest, record: Record | None
) -> dict[str, str] | None:
    """The digest of each of `rels`, if OUT holds every one as the last build on this
    machine left it (`record`, which goes with this manifest); else None."""
    if record is None or not _goes_with(manifest, record):
        return None
    root = str(out)
    found: dict[str, str] = {}
    for rel in rels:
        digest = _as_left(root, rel, manifest, record)
        if digest is None:
            return None
        found[rel] = digest
    return found


def _goes_with(manifest: Manifest, record: Record) -> bool:
    """Whether `record` is this machine's record of the build that wrote `manifest`."""
    return bool(manifest.digest) and record.manifest == manifest.digest


def _as_left(root: str, rel: str, manifest: Manifest, record: Record) -> str | None:
    """The manifest's digest of `rel`, if its stat is the one docgen left it with."""
    digest = manifest.files.get(rel)
    stat = record.stats.get(rel)
    if digest is None or stat is None or stat_of(os.path.join(root, rel)) != stat:
        return None
    return digest


# --- comparing new files with OUT ----------------------------------------------------


def stage(
    out: Path,
    staging: Path | None,
    files: Mapping[str, str | bytes | Chunks],
    manifest: Manifest | None = None,
    record: Record | None = None,
) -> Staged:
    """Compare `files` with OUT; write those that differ under `staging` (None: only
    compare, for `--check`). Runs where the files were rendered, so no process ever
    holds every output at once. A file the manifest lists with the new bytes' digest,
    and whose stat is as `record` says docgen left it, is not read again. Nothing is
    read through a link. JSON made of kept pieces (`Chunks`) is hashed and written
    part by part, never joined."""
    digests: dict[str, str] = {}
    changed: list[str] = []
    known = manifest.files if manifest is not None else {}
    stats = record.stats if record is not None else {}
    tree = Tree(out)
    root = str(out)  # paths as strings: thousands of files, a Path each costs
    folders: set[Path] = set()  # made under `staging` already
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
        if _same_in_out(root, tree, rel, parts, digest, known.get(rel), stats.get(rel)):
            continue
        changed.append(rel)
        if staging is not None:
            tmp = staging / rel
            if tmp.parent not in folders:
                tmp.parent.mkdir(parents=True, exist_ok=True)
                folders.add(tmp.parent)
            _write_staged(tmp, parts, size)
    return Staged(digests, changed)


def _same_in_out(
    root: str,
    tree: Tree,
    rel: str,
    parts: list[bytes | memoryview],
    digest: str,
    before: str | None,
    stat: Stat | None,
) -> bool:
    """Whether OUT holds these bytes at `rel` already."""
    if tree.blocker(rel) is not None or tree.kind(rel.rpartition("/")[0]) != "folder":
        return False  # a link or file on the way (never read through it), or no folder
    target = os.path.join(root, rel)
    as_left = before is not None and stat is not None and stat == stat_of(target)
    if as_left:  # as docgen left it: its digest tells, no need to read it
        return before == digest
    try:
        return read_file(target) == (parts[0] if len(parts) == 1 else b"".join(parts))
    except OSError:  # missing, a folder, a link, unreadable: staged, and the plan tells
        return False


ASIDE_MIN = 1 << 20  # files this big are written with their blocks reserved, and freed late


def _write_staged(path: Path, parts: list[bytes | memoryview], size: int) -> None:
    """A big file's blocks are reserved before it is written: renaming a file whose
    blocks are not yet allocated over another makes some filesystems (ext4) flush
    it first, which would be the slowest step of an update."""
    with open(path, "wb") as handle:
        if size >= ASIDE_MIN and hasattr(os, "posix_fallocate"):
            with contextlib.suppress(OSError):  # not supported here: written as it is
                os.posix_fallocate(handle.fileno(), 0, size)
        handle.writelines(parts)


def plan(out: Path, staged: Iterable[Staged], manifest: Manifest, force: bool = False) -> Plan:
    """What an update must do, and what stands in its way: a file or link docgen did
    not write at a path it writes, or on the way to one (`foreign`; cleared only
    when `force`); a folder where a file goes (never cleared)."""
    digests: dict[str, str] = {}
    write: list[str] = []
    for part in staged:
        digests.update(part.digests)
        write += part.changed
    write.sort()
    tree = Tree(out)
    foreign: set[str] = set()
    clear: set[str] = set()
    for rel in write:
        for folder in tree.folders_to(rel):
            kind = tree.kind(folder)
            if kind == "missing":
                break
            if kind != "folder":
                (clear if folder in manifest.files or force else foreign).add(folder)
                break
        else:
            kind = tree.kind(rel)
            if kind in ("folder", "other"):
                raise Conflict(
                    f"{out / rel}: a {kind} docgen did not make is where it writes a file"
                )
            if kind != "missing" and rel not in manifest.files and not force:
                foreign.add(rel)
    remove, kept, blocked = _obsolete(out, tree, manifest, digests, force)
    unchanged = sorted(set(digests) - set(write))
    return Plan(
        write,
        remove,
        unchanged,
        dict(sorted(digests.items())),
        sorted(foreign),
        sorted(clear),
        kept,
        blocked,
    )


def _obsolete(
    out: Path, tree: Tree, manifest: Manifest, digests: Mapping[str, str], force: bool
) -> tuple[list[str], list[str], dict[str, str]]:
    """Files docgen wrote and no longer makes: to remove, or kept when changed since
    docgen wrote them (unless `force`), or behind a link or file on the way to them
    (never removed: rel -> what is in the way)."""
    remove: list[str] = []
    kept: list[str] = []
    blocked: dict[str, str] = {}
    for rel, digest in sorted(manifest.files.items()):
        if rel in digests:
            continue
        blocker = tree.blocker(rel)
        if blocker is not None:
            blocked[rel] = blocker
            continue
        kind = tree.kind(rel)
        if kind == "link":
            remove.append(rel)
        elif kind == "file":
            try:
                same = sha(read_file(out / rel)) == digest
            except OSError:
                same = False
            (remove if same or force else kept).append(rel)
    return remove, kept, blocked
