"""A persistent cache of per-page parse results, keyed by content hash.

The key covers everything a page's facts depend on: its bytes, its path,
docgen's version and parser source, and the doc set's config. An entry is
sealed (see `generator.pipeline.sealed`): a header, a tag made with the machine key
(`generator.pipeline.trust`) and a pickle. A damaged, foreign, planted or forged entry
fails the check and is rebuilt, never trusted; unpickling is restricted to
docgen's own fact classes and builtins all the same.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

import generator
from generator.parse.facts import PageFacts
from generator.pipeline.sealed import read_sealed, seal, write_sealed

MAGIC = b"docgen-page-cache\x01"
_ALLOWED_MODULES = ("generator.parse.facts", "generator.diagnostics")


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
        """The cache in `folder` for a doc set's config; None (no folder): no cache."""
        return cls(folder, config_fingerprint) if folder is not None else None

    def __init__(self, folder: Path, salt: str) -> None:
        self.folder = folder / "pages"
        self.salt = f"{salt}:{code_fingerprint()}"
        self.hits = 0
        self.misses = 0

    def key(self, page: bytes) -> str:
        """The cache key of a page, by its digest (`RawDocSet.digests`: path and bytes)."""
        return hashlib.sha256(self.salt.encode() + b"\0" + page).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def has(self, key: str) -> bool:
        return os.path.exists(self._path(key))

    def get(self, key: str) -> PageFacts | None:
        facts = read_sealed(self._path(key), MAGIC, key, _ALLOWED_MODULES)
        if isinstance(facts, PageFacts):
            self.hits += 1
            return facts
        self.misses += 1
        return None

    def put(self, key: str, facts: PageFacts) -> None:
        write_sealed(self._path(key), seal(MAGIC, key, facts))
