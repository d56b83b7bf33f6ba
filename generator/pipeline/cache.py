"""A persistent cache of per-page parse results, keyed by content hash.

The key covers everything a page's facts depend on: its bytes, its path,
docgen's version and parser source, and the doc set's config. Entries live on
one shelf of the store (`generator.pipeline.store`), each tagged with the machine
key: a damaged, foreign, planted or forged entry fails the check and is
rebuilt, never trusted; unpickling is restricted to docgen's own fact classes
and builtins all the same. Pages parsed in worker processes come back pickled,
and the process that runs the build keeps them in one transaction (`keep`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import generator
from generator.parse.facts import PageFacts
from generator.pipeline.store import Shelf, Store

_ALLOWED_MODULES = ("generator.parse.facts", "generator.diagnostics")
LEGACY_FOLDER = "pages"  # where docgen kept page facts before they moved to the store


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """docgen's version and the source of every module that shapes page facts."""
    digest = hashlib.sha256(generator.__version__.encode())
    root = Path(generator.__file__).parent
    for folder in ("parse", "."):
        for path in sorted((root / folder).glob("*.py")):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def docgen_fingerprint() -> str:
    """docgen's whole code and templates: a new docgen means new work and output.
    (Walked with `os.walk`: every build, even one with nothing to do, asks for it.)"""
    digest = hashlib.sha256(generator.__version__.encode())
    package = os.path.dirname(os.path.abspath(generator.__file__))
    roots = [package, os.path.join(package, "templates"), os.path.join(package, "..", "templates")]
    for root in roots:
        for rel, path in _code_files(root):
            digest.update(rel.encode())
            with open(path, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()


def _code_files(root: str) -> list[tuple[str, str]]:
    """(path relative to `root`, with slashes; full path) of code and templates, sorted."""
    found = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        for name in names:
            if name.endswith((".py", ".jinja", ".json", ".toml")):
                path = os.path.join(folder, name)
                found.append((os.path.relpath(path, root).replace(os.sep, "/"), path))
    return sorted(found)


class PageCache:
    """Reads and writes cached `PageFacts`; every failure is a miss."""

    @classmethod
    def at(cls, folder: Path | None, config_fingerprint: str) -> PageCache | None:
        """The cache in `folder` for a doc set's config; None (no folder): no cache.
        (Its lock held: the folder an older docgen kept one file per page in is removed.)"""
        if folder is None:
            return None
        legacy = folder / LEGACY_FOLDER
        if legacy.is_dir() and not legacy.is_symlink():
            shutil.rmtree(legacy, ignore_errors=True)
        return cls(folder, config_fingerprint)

    def __init__(self, folder: Path, salt: str) -> None:
        self.folder = folder
        self.salt = f"{salt}:{code_fingerprint()}"
        self.shelf_name = "pages:" + hashlib.sha256(self.salt.encode()).hexdigest()[:32]
        self.hits = 0
        self.misses = 0
        self._store: Store | None | bool = False  # False: not opened yet

    def key(self, page: bytes) -> str:
        """The cache key of a page, by its digest (`RawDocSet.digests`: path and bytes)."""
        return hashlib.sha256(self.salt.encode() + b"\0" + page).hexdigest()

    def _shelf(self) -> Shelf | None:
        if self._store is False:
            self._store = Store.open(self.folder)
        if not isinstance(self._store, Store):
            return None
        return self._store.shelf(self.shelf_name, _ALLOWED_MODULES)

    def get(self, key: str) -> PageFacts | None:
        shelf = self._shelf()
        facts = shelf.lookup(key) if shelf is not None else None
        if isinstance(facts, PageFacts):
            self.hits += 1
            return facts
        self.misses += 1
        return None

    def keep(self, pickled: Mapping[str, bytes]) -> None:
        """Keep pages' facts, given as their pickles (as worker processes send them)."""
        shelf = self._shelf()
        if shelf is not None and pickled:
            shelf.keep_pickles(pickled)

    def close(self) -> None:
        if isinstance(self._store, Store):
            self._store.close()
        self._store = False
