"""What resolve derived from each page at the last build (`PageWork`), kept in the store.

One shelf per docgen code and doc set config (see `store`); a build keeps the
work of the pages it re-resolved, and drops that of pages gone. A different
docgen or config, or a value that fails its check, means no previous work for
that page, and the build resolves it as a cold build does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

from generator.config import DocSetConfig
from generator.model.resolve import PageWork
from generator.pipeline.cache import docgen_fingerprint
from generator.pipeline.store import Store

_MODULES = (
    "generator.model.resolve",
    "generator.model.types",
    "generator.model.endpoints",
    "generator.model.paths",
    "generator.diagnostics",
)


def resolve_state(cache_dir: Path | None, config: DocSetConfig) -> ResolveState | None:
    """The state kept in `cache_dir` for a doc set's config; None: no cache."""
    if cache_dir is None:
        return None
    key = hashlib.sha256(f"{docgen_fingerprint()}:{config.fingerprint()}".encode()).hexdigest()
    return ResolveState(cache_dir, key)


class ResolveState:
    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder
        self.shelf_name = f"work:{key[:32]}"
        self._loaded: dict[str, PageWork] = {}

    def load(self) -> dict[str, PageWork]:
        store = Store.open(self.folder)
        if store is None:
            return {}
        try:
            shelf = store.shelf(self.shelf_name, _MODULES)
            self._loaded = {k: w for k, w in shelf.items() if isinstance(w, PageWork)}
        finally:
            store.close()
        return dict(self._loaded)

    def save(self, work: Mapping[str, PageWork]) -> None:
        """Keep the work that changed since `load`; drop that of pages gone."""
        new = {path: w for path, w in work.items() if self._loaded.get(path) is not w}
        if not new and len(work) == len(self._loaded):
            return
        store = Store.open(self.folder)
        if store is None:
            return
        try:
            shelf = store.shelf(self.shelf_name, _MODULES)
            shelf.keep(new, work.keys())
            shelf.clear_others("work:")
            self._loaded = dict(work)
        finally:
            store.close()
