"""What resolve derived from each page at the last build, kept in the cache folder.

A sealed log (see `sealed.SealedLog`), keyed by docgen's code and the doc
set's config: a build appends the work of the pages it re-resolved. A
different docgen or config, or a damaged file, means no previous work, and
the build resolves every page as a cold build does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

from generator.config import DocSetConfig
from generator.model.resolve import PageWork
from generator.pipeline.cache import docgen_fingerprint
from generator.sealed import SealedLog

MAGIC = b"docgen-resolve-state\x01"
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
        self.path = folder / "resolve.state"
        self._log = SealedLog(self.path, MAGIC, key, _MODULES)

    def load(self) -> dict[str, PageWork]:
        work = self._log.load()
        if not all(isinstance(k, str) and isinstance(w, PageWork) for k, w in work.items()):
            return {}
        return work

    def save(self, work: Mapping[str, PageWork]) -> None:
        """What changed since `load`, appended (see `SealedLog`)."""
        self._log.save(work)
