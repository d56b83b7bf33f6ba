"""What resolve derived from each page at the last build (`PageWork`), kept in the store.

One shelf per docgen code and doc set config (see `store`). The work is kept in
runs of about `RUN` pages (in path order, cut where a page's path says, as
`generator.jsontext` cuts JSON members), one pickle per run: a build re-keeps
the runs holding pages it re-resolved, added or dropped, and an added page
shifts no other run. One pickle per page cost a third more to load (Graph v1.0,
3,341 pages: 0.24-0.26 s against 0.15-0.18 s for runs of 64), and an edit loads
every page's work. A different docgen or config, or a value that fails its
check, means no previous work for those pages, and the build resolves them as
a cold build does.
"""

from __future__ import annotations

import hashlib
import pickle
import zlib
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
RUN = 64  # pages in a kept run, on average (see `_ends_run`)


def resolve_state(cache_dir: Path | None, config: DocSetConfig) -> ResolveState | None:
    """The state kept in `cache_dir` for a doc set's config; None: no cache."""
    if cache_dir is None:
        return None
    key = hashlib.sha256(f"{docgen_fingerprint()}:{config.fingerprint()}".encode()).hexdigest()
    return ResolveState(cache_dir, key)


def _ends_run(path: str) -> bool:
    """Whether a run ends after a page: decided by its path alone."""
    return zlib.crc32(path.encode("utf-8", "surrogatepass")) % RUN == 0


def runs_of(paths: list[str]) -> list[tuple[str, ...]]:
    """`paths` (sorted) cut into runs (see `_ends_run`)."""
    runs: list[tuple[str, ...]] = []
    start = 0
    for i, path in enumerate(paths):
        if _ends_run(path):
            runs.append(tuple(paths[start : i + 1]))
            start = i + 1
    if start < len(paths):
        runs.append(tuple(paths[start:]))
    return runs


def _run_work(value: object) -> dict[str, PageWork] | None:
    """A run as loaded, if it is one: pages' paths to their work."""
    if not isinstance(value, dict):
        return None
    if all(type(k) is str and isinstance(w, PageWork) for k, w in value.items()):
        return value
    return None


class ResolveState:
    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder
        self.shelf_name = f"work:{key[:32]}"
        self._loaded: dict[str, PageWork] = {}
        self._runs: dict[tuple[str, ...], str] = {}  # the loaded runs' pages -> their keys

    def load(self) -> dict[str, PageWork]:
        store = Store.open(self.folder)
        if store is None:
            return {}
        try:
            shelf = store.shelf(self.shelf_name, _MODULES)
            for key, value in shelf.items():
                run = _run_work(value)
                if run is not None:
                    self._loaded.update(run)
                    self._runs[tuple(run)] = key
        finally:
            store.close()
        return dict(self._loaded)

    def save(self, work: Mapping[str, PageWork]) -> None:
        """Keep the runs that changed since `load`; drop those of pages gone."""
        runs = runs_of(sorted(work))
        keys: list[str] = []
        new: dict[str, bytes] = {}
        for run in runs:
            kept = self._runs.get(run)
            if kept is not None and all(self._loaded.get(p) is work[p] for p in run):
                keys.append(kept)
                continue
            data = pickle.dumps({p: work[p] for p in run}, protocol=pickle.HIGHEST_PROTOCOL)
            key = hashlib.sha256(data).hexdigest()[:32]
            keys.append(key)
            new[key] = data
        if not new and set(keys) == set(self._runs.values()):
            return
        store = Store.open(self.folder)
        if store is None:
            return
        try:
            shelf = store.shelf(self.shelf_name, _MODULES)
            shelf.keep_pickles(new, keys)
            shelf.clear_others("work:")
            self._loaded = dict(work)
            self._runs = dict(zip(runs, keys, strict=True))
        finally:
            store.close()
