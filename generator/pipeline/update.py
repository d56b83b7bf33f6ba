"""Updating the output folder all-or-nothing, through a journal only docgen can write.

An update is staged in a folder of its own outside OUT, named with a random
build id: in the cache folder (`staging/`), else beside OUT (a hidden
sibling). Its `OWNER` file, signed with the machine key (`generator.pipeline.trust`),
says which OUT and build it belongs to. New files are written there, then a
signed journal naming the renames and removals (the commit point), then the
journal is applied. A build stopped before the commit point, even by SIGKILL,
leaves OUT exactly as it was (the next run removes the staging folder); one
stopped while renaming is rolled forward by the next run.

Only a staging folder whose `OWNER` and journal were signed on this machine
for this OUT and build is replayed: anything else found there is not
docgen's own (removed when it is in the cache folder, docgen's; left alone
with a warning beside OUT). Every path a journal names passes the same rule as
the manifest's (`confine`); nothing outside OUT is written, renamed or
removed, and emptied folders are pruned up to OUT, never OUT itself.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.emit.writer import open_beside
from generator.pipeline import output, trust
from generator.pipeline.confine import Tree, unsafe
from generator.pipeline.output import MANIFEST, OutputError, Plan, absolute, sha

OWNER = "OWNER"
JOURNAL = "JOURNAL"
_OWNER_PURPOSE = b"docgen staging owner"
_JOURNAL_PURPOSE = b"docgen journal"
_BUILD_ID = re.compile(r"[0-9a-f]{16}")


@dataclass(frozen=True)
class Staging:
    """One build's staging folder for one OUT."""

    out: Path  # absolute
    folder: Path
    build: str
    trash: Path | None  # where big replaced files wait to be freed (in the cache only)

    @property
    def files(self) -> Path:
        return self.folder / "files"


def _root_and_prefix(out: Path, cache_dir: Path | None) -> tuple[Path, str]:
    """Where OUT's staging folders are made, and their name's prefix."""
    out = absolute(out)
    if cache_dir is not None:
        key = sha(str(out).encode("utf-8", "surrogateescape"))[:16]
        return absolute(cache_dir) / "staging", f"{key}-"
    return out.parent, f".{out.name}.docgen-"


def begin(out: Path, cache_dir: Path | None) -> Staging:
    """A new staging folder (private, never one that existed) for an update of `out`."""
    out = absolute(out)
    root, prefix = _root_and_prefix(out, cache_dir)
    root.mkdir(parents=True, exist_ok=True)
    while True:
        build = secrets.token_hex(8)
        folder = root / f"{prefix}{build}"
        try:
            os.mkdir(folder, 0o700)
            break
        except FileExistsError:
            continue
    try:
        (folder / OWNER).write_bytes(trust.signed(_OWNER_PURPOSE, _identity(out, build)))
        (folder / "files").mkdir()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Staging(out, folder, build, trash_of(out, cache_dir))


def trash_of(out: Path, cache_dir: Path | None) -> Path | None:
    """Where the big files an update of `out` replaced wait to be freed: in the cache
    folder; without one, nowhere (nothing waits)."""
    if cache_dir is None:
        return None
    root, prefix = _root_and_prefix(out, cache_dir)
    return root / f"{prefix}old"


def _identity(out: Path, build: str) -> bytes:
    return json.dumps({"build": build, "out": str(out)}, sort_keys=True).encode()


def discard(staging: Staging) -> None:
    """Remove an update that did not reach its commit point."""
    if not (staging.folder / JOURNAL).exists():
        shutil.rmtree(staging.folder, ignore_errors=True)


def commit(staging: Staging, the_plan: Plan, manifest: bytes) -> None:
    """Commit a plan whose files are staged: the journal, the renames, the manifest.
    Nothing in OUT changes before the commit point, not even its creation."""
    try:
        (staging.files / MANIFEST).write_bytes(manifest)
        steps = {
            "clear": the_plan.clear,
            "write": [*the_plan.write, MANIFEST],
            "remove": the_plan.remove,
        }
        identity = {"build": staging.build, "out": str(staging.out)}
        payload = json.dumps({**steps, **identity}, sort_keys=True).encode()
        journal_tmp = staging.folder / (JOURNAL + ".tmp")
        journal_tmp.write_bytes(trust.signed(_JOURNAL_PURPOSE, payload))
        os.replace(journal_tmp, staging.folder / JOURNAL)  # the commit point
    except BaseException:
        discard(staging)
        raise
    _apply(staging, steps)
    shutil.rmtree(staging.folder, ignore_errors=True)


def staging_folders(out: Path, cache_dir: Path | None) -> list[Path]:
    """Every entry named as a staging folder of `out` would be (docgen's or not): in
    the cache folder, and beside OUT (where builds without a cache stage theirs)."""
    places = [_root_and_prefix(out, None)]
    if cache_dir is not None:
        places.insert(0, _root_and_prefix(out, cache_dir))
    found = []
    for root, prefix in places:
        try:
            names = os.listdir(root)
        except OSError:
            continue
        found += sorted(
            root / name
            for name in names
            if name.startswith(prefix) and _BUILD_ID.fullmatch(name[len(prefix) :])
        )
    return found


def recover(out: Path, cache_dir: Path | None) -> list[str]:
    """Finish (signed journal) or remove (none) the interrupted updates of `out`;
    what is not docgen's own is never replayed. Warnings for what was refused."""
    out = absolute(out)
    cache = absolute(cache_dir) if cache_dir is not None else None
    warnings = []
    for folder in staging_folders(out, cache_dir):
        staging = Staging(out, folder, folder.name[-16:], None)
        if not folder.is_symlink() and _owned(staging):
            steps = _journal(staging)
            if steps is not None:
                _apply(staging, steps)
            shutil.rmtree(folder, ignore_errors=True)
        elif cache is not None and folder.is_relative_to(cache):  # docgen's own folder
            _remove_entry(folder)
            warnings.append(
                f"{folder}: not a staging folder docgen wrote here; removed, not replayed"
            )
        else:
            warnings.append(f"{folder}: not a staging folder docgen wrote here; left alone")
    return warnings


def _remove_entry(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def _signed_file(path: Path, purpose: bytes) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as handle:
            return trust.verified(purpose, handle.read(1 << 24))
    except OSError:
        return None


def _owned(staging: Staging) -> bool:
    return _signed_file(staging.folder / OWNER, _OWNER_PURPOSE) == _identity(
        staging.out, staging.build
    )


def _journal(staging: Staging) -> dict[str, list[str]] | None:
    payload = _signed_file(staging.folder / JOURNAL, _JOURNAL_PURPOSE)
    if payload is None:
        return None
    try:
        steps = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(steps, dict) or (steps.get("build"), steps.get("out")) != (
        staging.build,
        str(staging.out),
    ):
        return None
    lists = {name: steps.get(name, []) for name in ("clear", "write", "remove")}
    if not all(isinstance(v, list) and all(isinstance(r, str) for r in v) for v in lists.values()):
        return None
    return lists


def _apply(staging: Staging, steps: dict[str, list[str]]) -> None:
    """Carry out a journal's steps; each path is confined to OUT (`confine`) again,
    whoever wrote the journal."""
    out = staging.out
    out.mkdir(parents=True, exist_ok=True)
    tree = Tree(out)
    for rel in _plain(steps["clear"]):
        if tree.blocker(rel) is None and tree.kind(rel) in ("file", "link"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(out / rel)
            tree.gone(rel)
    for rel in _plain(steps["write"]):
        source = staging.files / rel
        if not os.path.lexists(source):
            continue  # renamed into place before an interruption
        _make_folders(tree, rel)
        if staging.trash is not None:
            _keep_aside(out / rel, staging.trash)
        _move(source, out / rel)
    for rel in _plain(steps["remove"]):
        if tree.blocker(rel) is None and tree.kind(rel) in ("file", "link"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(out / rel)
            tree.gone(rel)
            _prune_empty_folders(tree, rel)


def _plain(rels: Sequence[str]) -> list[str]:
    return [rel for rel in rels if rel == MANIFEST or unsafe(rel) is None]


def _make_folders(tree: Tree, rel: str) -> None:
    for folder in tree.folders_to(rel):
        kind = tree.kind(folder)
        if kind == "missing":
            os.mkdir(os.path.join(tree.root, folder))
            tree.made(folder)
        elif kind != "folder":
            raise OutputError(f"{os.path.join(tree.root, folder)}: not a folder; docgen stops here")


def _move(source: Path, target: Path) -> None:
    """Rename `source` over `target`; across filesystems (a cache elsewhere), copy it
    beside `target` first, so that the last step is still one rename."""
    try:
        os.replace(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        fd, tmp = open_beside(target, ".docgen-")  # the umask's mode, as a rename keeps
        try:
            with os.fdopen(fd, "wb") as handle, open(source, "rb") as staged:
                shutil.copyfileobj(staged, handle)
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        source.unlink()


def _prune_empty_folders(tree: Tree, rel: str) -> None:
    """Remove the folders that held `rel` once empty, innermost first, up to OUT."""
    for folder in reversed(tree.folders_to(rel)):
        if tree.kind(folder) != "folder":
            return
        try:
            os.rmdir(os.path.join(tree.root, folder))
        except OSError:  # not empty (or not ours to remove): the folders above are not either
            return
        tree.gone(folder)


def _keep_aside(path: Path, trash: Path) -> None:
    """Give a big file about to be replaced a second name in `trash`, so that the
    rename frees nothing: freeing tens of megabytes of cached pages is the slowest
    part of an update, and `empty_trash` does it while a later build has a CPU idle."""
    try:
        st = os.lstat(path)
        if st.st_size >= output.ASIDE_MIN and not os.path.islink(path):
            trash.mkdir(parents=True, exist_ok=True)
            os.link(path, trash / str(st.st_ino), follow_symlinks=False)
    except OSError:  # none then: the rename frees it, as it would anyway
        pass


def empty_trash(trash: Path | None) -> None:
    if trash is not None:
        shutil.rmtree(trash, ignore_errors=True)
