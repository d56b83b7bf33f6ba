"""docs folder → page facts → model: the front half every command shares.

Pages parse alone, so they parse in a process pool (`jobs`) and come from
the page cache when their bytes have not changed. Results are ordered by
path, so the output does not depend on the number of workers.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.config import DocSetConfig, load_config
from generator.diagnostics import Diagnostic
from generator.model.types import ApiModel
from generator.parse.facts import PageFacts
from generator.pipeline.cache import PageCache
from generator.pipeline.sources import PageSource, decode_page, find_pages, read_bytes

Progress = Callable[[int], None]
_PARALLEL_MIN_PAGES = 64


@dataclass
class ParsedDocSet:
    config: DocSetConfig
    pages: list[PageFacts]
    read_errors: list[Diagnostic]
    fingerprint: str = ""  # hash of every page's path and bytes, with the config
    stats: dict[str, int] = field(default_factory=dict)


def default_jobs() -> int:
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


_WORKER_CONFIG: DocSetConfig | None = None


def _init_worker(config: DocSetConfig) -> None:
    global _WORKER_CONFIG
    _WORKER_CONFIG = config


def _parse_chunk(sources: list[PageSource]) -> list[PageFacts]:
    from generator.parse.page import parse_page

    assert _WORKER_CONFIG is not None
    return [parse_page(s.path, s.text, _WORKER_CONFIG) for s in sources]


def _chunks(items: list[PageSource], size: int) -> Iterator[list[PageSource]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _parse_all(
    sources: list[PageSource], config: DocSetConfig, jobs: int, progress: Progress | None
) -> list[PageFacts]:
    # imported here, not above: a build with nothing to do never loads the parser
    from generator.parse.page import parse_page

    if jobs <= 1 or len(sources) < _PARALLEL_MIN_PAGES:
        out = []
        for s in sources:
            out.append(parse_page(s.path, s.text, config))
            if progress:
                progress(1)
        return out
    size = max(8, len(sources) // (jobs * 8))
    results: list[PageFacts] = []
    with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(config,)) as pool:
        for chunk in pool.map(_parse_chunk, _chunks(sources, size)):
            results.extend(chunk)
            if progress:
                progress(len(chunk))
    return results


@dataclass(frozen=True)
class RawDocSet:
    """Every page's bytes, read once: enough to tell whether anything changed."""

    files: list[tuple[str, bytes]]
    errors: list[Diagnostic]
    fingerprint: str


def read_doc_set(root: Path, config: DocSetConfig) -> RawDocSet:
    files: list[tuple[str, bytes]] = []
    errors: list[Diagnostic] = []
    digest = hashlib.sha256(config.fingerprint().encode())
    for rel in find_pages(root, config):
        data, diags = read_bytes(root, rel)
        errors += diags
        digest.update(rel.encode() + b"\0" + (data or b"") + b"\0")
        if data is not None:
            files.append((rel, data))
    return RawDocSet(files, errors, digest.hexdigest())


def parse_doc_set(
    root: Path,
    config: DocSetConfig | None = None,
    *,
    jobs: int = 1,
    cache: PageCache | None = None,
    progress: Progress | None = None,
    raw: RawDocSet | None = None,
) -> ParsedDocSet:
    """Read and parse every page of the doc set (cached pages are not re-parsed)."""
    config = config or load_config(root)
    raw = raw or read_doc_set(root, config)
    pages: dict[str, PageFacts] = {}
    errors = list(raw.errors)
    todo: list[tuple[PageSource, str]] = []
    for rel, data in raw.files:
        key = cache.key(rel, data) if cache is not None else ""
        cached = cache.get(key) if cache is not None else None
        if cached is not None:
            pages[rel] = cached
            if progress:
                progress(1)
            continue
        source, diags = decode_page(rel, data)
        errors += diags
        if source is not None:
            todo.append((source, key))
    parsed = _parse_all([s for s, _ in todo], config, jobs, progress)
    for (source, key), facts in zip(todo, parsed, strict=True):
        pages[source.path] = facts
        if cache is not None:
            cache.put(key, facts)
    stats = {"parsed": len(todo), "cached": len(pages) - len(todo)}
    ordered = [pages[k] for k in sorted(pages)]
    return ParsedDocSet(config, ordered, errors, raw.fingerprint, stats)


def model_of(parsed: ParsedDocSet) -> ApiModel:
    from generator.model.resolve import build_model

    model = build_model(parsed.pages, parsed.config)
    if parsed.read_errors:
        merged = tuple(sorted(set(model.diagnostics) | set(parsed.read_errors)))
        model = replace(model, diagnostics=merged)
    return model


def load_model(
    root: Path, config: DocSetConfig | None = None, *, jobs: int = 1, cache: PageCache | None = None
) -> ApiModel:
    return model_of(parse_doc_set(root, config, jobs=jobs, cache=cache))
