"""A persistent cache of per-page parse results, keyed by content hash.

The key covers everything a page's facts depend on: its bytes, its path,
docgen's version and parser source, and the doc set's config. An entry is a
small header (magic, key, payload hash) and a pickle; a corrupt or foreign
entry fails the header check and is rebuilt, never trusted. Unpickling is
restricted to docgen's own fact classes and builtins, so a planted file
cannot run code.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import generator
from generator.parse.facts import PageFacts

MAGIC = b"docgen-page-cache\x01"
_ALLOWED_MODULES = ("generator.parse.facts", "generator.diagnostics")
_ALLOWED_BUILTINS = frozenset(
    {"dict", "list", "tuple", "set", "frozenset", "str", "int", "float", "bool"}
)


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


class _FactsUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module in _ALLOWED_MODULES or (module == "builtins" and name in _ALLOWED_BUILTINS):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the page cache")


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

    def key(self, rel: str, data: bytes) -> str:
        digest = hashlib.sha256(self.salt.encode())
        digest.update(rel.encode())
        digest.update(b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get(self, key: str) -> PageFacts | None:
        try:
            raw = self._path(key).read_bytes()
        except OSError:
            self.misses += 1
            return None
        facts = self._decode(key, raw)
        if facts is None:
            self.misses += 1
        else:
            self.hits += 1
        return facts

    def _decode(self, key: str, raw: bytes) -> PageFacts | None:
        head = MAGIC + key.encode() + b"\n"
        if not raw.startswith(head) or len(raw) < len(head) + 32:
            return None
        check, payload = raw[len(head) : len(head) + 32], raw[len(head) + 32 :]
        if hashlib.sha256(payload).digest() != check:
            return None
        try:
            value = _FactsUnpickler(io.BytesIO(payload)).load()
        except Exception:  # noqa: BLE001 - any broken entry is a miss
            return None
        return value if isinstance(value, PageFacts) else None

    def put(self, key: str, facts: PageFacts) -> None:
        payload = pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL)
        data = MAGIC + key.encode() + b"\n" + hashlib.sha256(payload).digest() + payload
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        except OSError:
            return  # a cache that cannot be written only costs speed
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
