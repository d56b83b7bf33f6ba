"""What resolve derived from each page at the last build, kept in the cache folder.

One sealed file (see `sealed`), keyed by docgen's code and the doc set's
config: a different docgen or config, or a damaged file, means no previous
work, and the build resolves every page as a cold build does.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from generator.model.resolve import PageWork
from generator.pipeline.sealed import read_sealed, seal, write_sealed

MAGIC = b"docgen-resolve-state\x01"
_MODULES = (
    "generator.model.resolve",
    "generator.model.types",
    "generator.model.endpoints",
    "generator.model.paths",
    "generator.diagnostics",
)


class ResolveState:
    def __init__(self, folder: Path, key: str) -> None:
        self.path = folder / "resolve.state"
        self.key = key

    def load(self) -> dict[str, PageWork]:
        work = read_sealed(self.path, MAGIC, self.key, _MODULES)
        if not isinstance(work, dict) or not all(isinstance(w, PageWork) for w in work.values()):
            return {}
        return work

    def save(self, work: Mapping[str, PageWork]) -> None:
        write_sealed(self.path, seal(MAGIC, self.key, dict(work)))
