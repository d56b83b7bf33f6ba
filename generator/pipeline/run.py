"""docs folder → page facts → model: the front half every command shares.

Pages parse alone, so they parse in a process pool (`jobs`) and come from
the page cache when their bytes have not changed. Results are ordered by
path, so the output does not depend on the number of workers.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from generator.config import DocSetConfig, load_config
from generator.diagnostics import Diagnostic
from generator.model.types import ApiModel
from generator.parse.facts import PageFacts
from generator.pipeline.cache import PageCache
from generator.pipeline.forked import shared_out
from generator.pipeline.seen import SeenPages, stat_of
from generator.pipeline.sources import (
    PageSource,
    SourceError,
    decode_page,
    find_pages,
    read_bytes,
)

if TYPE_CHECKING:
    from generator.model.resolve import PageWork, Resolution, Spread
    from generator.pipeline.state import ResolveState

Progress = Callable[[int], None]


class Laps:
    """How long each phase of one build took, wall seconds in order (`docgen build
    --timings`): `lap(phase)` gives the time since the last lap to `phase`."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.seconds[phase] = self.seconds.get(phase, 0.0) + now - self._last
        self._last = now


PICKLE = pickle.HIGHEST_PROTOCOL
_PARALLEL_MIN_PAGES = 64


@dataclass
class ParsedDocSet:
    config: DocSetConfig
    pages: list[PageFacts]
    read_errors: list[Diagnostic]
    fingerprint: str = ""  # hash of every page's path and bytes, with the config
    stats: dict[str, int] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # page -> content key (with a cache)


def default_jobs() -> int:
    return max(
        1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


Todo = list[tuple[PageSource, str]]  # pages to parse, with their keys in the page cache


def _parse_chunk(config: DocSetConfig, todo: Todo) -> list[bytes]:
    """Parse pages in a worker process: their facts, pickled (as the page cache keeps
    them, so the process that runs the build unpickles them and keeps them as they are)."""
    from generator.parse.page import parse_page  # a build with nothing to parse never loads it

    return [pickle.dumps(parse_page(s.path, s.text, config), PICKLE) for s, _ in todo]


def _chunks(items: Todo, size: int) -> Iterator[Todo]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _parse_all(
    todo: Todo,
    config: DocSetConfig,
    jobs: int,
    progress: Progress | None,
    cache: PageCache | None = None,
) -> list[PageFacts]:
    """Facts of the pages of `todo`, in order, kept in the page cache."""
    if not todo:
        return []
    if jobs <= 1 or len(todo) < _PARALLEL_MIN_PAGES:
        from generator.parse.page import parse_page

        results: list[PageFacts] = []
        for source, _ in todo:
            results.append(parse_page(source.path, source.text, config))
            if progress:
                progress(1)
        if cache is not None:
            keys = (key for _, key in todo)
            cache.keep({key: pickle.dumps(f, PICKLE) for key, f in zip(keys, results, strict=True)})
        return results
    size = max(8, len(todo) // (jobs * 8))
    results = []
    from concurrent.futures import ProcessPoolExecutor  # not loaded by a build of an edit

    with ProcessPoolExecutor(jobs) as pool:
        done = pool.map(functools.partial(_parse_chunk, config), _chunks(todo, size))
        for chunk, parsed in zip(_chunks(todo, size), done, strict=True):
            results += map(pickle.loads, parsed)  # from this build's own worker
            if cache is not None:  # as each chunk comes, while the workers parse the rest
                cache.keep({key: data for (_, key), data in zip(chunk, parsed, strict=True)})
            if progress:
                progress(len(chunk))
    return results


@dataclass(frozen=True)
class RawDocSet:
    """Every page's digest: enough to tell whether anything changed. A page's bytes
    are read once, and only when needed: a page `SeenPages` vouches for is not read
    to be digested."""

    root: str
    pages: list[str]  # the pages that could be read, in order
    errors: list[Diagnostic]
    fingerprint: str
    digests: dict[str, bytes]  # each page's SHA-256 (of its path and bytes): hashed once
    contents: dict[str, bytes]  # the bytes read so far

    def data(self, rel: str) -> bytes:
        found = self.contents.get(rel)
        if found is None:
            found, _ = read_bytes(self.root, rel)
            if found is None or _page_digest(rel, found) != self.digests[rel]:
                raise SourceError(f"{rel}: changed while docgen was reading it; run docgen again")
            self.contents[rel] = found
        return found


def _page_digest(rel: str, data: bytes) -> bytes:
    page = hashlib.sha256(rel.encode("utf-8", "surrogateescape") + b"\0")
    page.update(data)
    return page.digest()


def read_doc_set(root: Path, config: DocSetConfig, seen: SeenPages | None = None) -> RawDocSet:
    """Every page's digest; with `seen`, a page whose stat is as recorded there is not
    read (and what this reading saw is recorded)."""
    pages: list[str] = []
    digests: dict[str, bytes] = {}
    contents: dict[str, bytes] = {}
    digest = hashlib.sha256(config.fingerprint().encode())
    folder = str(root)
    found, errors = find_pages(root, config)
    for skipped in errors:  # pages not read still change what a build reports
        digest.update(f"{skipped.file}\0{skipped.message}\0".encode("utf-8", "surrogateescape"))
    for rel in found:
        stat, page = None, None
        if seen is not None:
            try:
                stat = stat_of(os.stat(os.path.join(folder, rel)))
            except OSError:
                stat = None
            page = seen.digest(rel, stat) if stat is not None else None
        if page is None:
            data, diags = read_bytes(folder, rel)
            errors += diags
            if data is not None:
                page = _page_digest(rel, data)
                contents[rel] = data
                if seen is not None and stat is not None:
                    seen.saw(rel, stat, page)
        if page is not None:
            pages.append(rel)
            digests[rel] = page
        digest.update((page or _page_digest(rel, b"")) + (b"+" if page is not None else b"-"))
    if seen is not None:
        seen.save()
    return RawDocSet(folder, pages, errors, digest.hexdigest(), digests, contents)


def _facts(
    raw: RawDocSet,
    config: DocSetConfig,
    jobs: int,
    cache: PageCache | None,
    progress: Progress | None,
    skip: frozenset[str] = frozenset(),
    known_keys: Mapping[str, str] | None = None,
) -> tuple[dict[str, PageFacts], dict[str, str], list[Diagnostic], dict[str, int]]:
    """Facts of every page not in `skip` (from the cache, else parsed), every page's
    content key, the read errors, and counts."""
    pages: dict[str, PageFacts] = {}
    keys: dict[str, str] = {}
    errors = list(raw.errors)
    todo: list[tuple[PageSource, str]] = []
    for rel in raw.pages:
        key = known_keys.get(rel) if known_keys else None
        if key is None:
            key = cache.key(raw.digests[rel]) if cache is not None else ""
        keys[rel] = key
        if rel in skip:
            if progress:
                progress(1)
            continue
        cached = cache.get(key) if cache is not None else None
        if cached is not None:
            pages[rel] = cached
            if progress:
                progress(1)
            continue
        source, diags = decode_page(rel, raw.data(rel))
        errors += diags
        if source is not None:
            todo.append((source, key))
        else:
            del keys[rel]
    parsed = _parse_all(todo, config, jobs, progress, cache)
    for (source, _), facts in zip(todo, parsed, strict=True):
        pages[source.path] = facts
    stats = {"parsed": len(todo), "cached": len(pages) - len(todo), "reused": len(skip)}
    return pages, keys, errors, stats


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
    try:
        pages, keys, errors, stats = _facts(raw, config, jobs, cache, progress)
    finally:
        if cache is not None:
            cache.close()
    del stats["reused"]
    ordered = [pages[k] for k in sorted(pages)]
    return ParsedDocSet(config, ordered, errors, raw.fingerprint, stats, keys)


def _spread(jobs: int) -> Spread:
    """Resolve's per-page work shared among `jobs` processes (see `forked.shared_out`)."""
    return functools.partial(shared_out, jobs=jobs)


def resolve_parsed(
    parsed: ParsedDocSet, previous: Mapping[str, PageWork], jobs: int = 1
) -> Resolution:
    """`build_model` for pages already parsed, reusing `previous` work where it holds
    (see `resolve`): for commands that read every page's facts anyway (`check`)."""
    from generator.model.resolve import given, resolve

    inputs = [given(p.path, parsed.keys.get(p.path, ""), p) for p in parsed.pages]
    return resolve(inputs, parsed.config, previous, _spread(jobs))


def _with_read_errors(model: ApiModel, errors: list[Diagnostic]) -> ApiModel:
    if not errors:
        return model
    return replace(model, diagnostics=tuple(sorted(set(model.diagnostics) | set(errors))))


def model_of(parsed: ParsedDocSet, jobs: int = 1) -> ApiModel:
    return _with_read_errors(resolve_parsed(parsed, {}, jobs).model, parsed.read_errors)


@dataclass
class Resolved:
    model: ApiModel
    work: dict[str, PageWork]
    stats: dict[str, int]


def _reload(
    cache: PageCache | None,
    config: DocSetConfig,
    stats: dict[str, int],
    raw: RawDocSet,
    rel: str,
    key: str,
) -> PageFacts:
    """Facts of a page whose remembered work cannot be reused after all."""
    from generator.parse.page import parse_page

    stats["reloaded"] += 1
    facts = cache.get(key) if cache is not None else None
    if facts is None:
        source, _ = decode_page(rel, raw.data(rel))
        assert source is not None  # it decoded when its work was remembered
        facts = parse_page(rel, source.text, config)
        if cache is not None:
            cache.keep({key: pickle.dumps(facts, PICKLE)})
    return facts


def resolve_doc_set(
    raw: RawDocSet,
    config: DocSetConfig,
    previous: Mapping[str, PageWork],
    *,
    jobs: int = 1,
    cache: PageCache | None = None,
    progress: Progress | None = None,
    laps: Laps | None = None,
) -> Resolved:
    """The model, reusing `previous` work for pages whose content key is unchanged:
    those pages are not parsed, and not even loaded from the page cache unless
    something they read from other pages changed (`laps`: "parse", then "resolve")."""
    from generator.model.resolve import PageInput, given, resolve

    keys = {rel: cache.key(raw.digests[rel]) for rel in raw.pages} if cache is not None else {}
    skip = frozenset(
        rel for rel, key in keys.items() if rel in previous and previous[rel].key == key
    )
    try:
        pages, keys, errors, stats = _facts(raw, config, jobs, cache, progress, skip, keys)
        if laps is not None:
            laps.lap("parse")
        stats["reloaded"] = 0
        reload = functools.partial(_reload, cache, config, stats, raw)
        inputs = [given(rel, keys[rel], facts) for rel, facts in pages.items()]
        inputs += [
            PageInput(rel, keys[rel], functools.partial(reload, rel, keys[rel])) for rel in skip
        ]
        resolution = resolve(inputs, config, previous, _spread(jobs))
    finally:
        if cache is not None:
            cache.close()
    model = _with_read_errors(resolution.model, errors)
    if laps is not None:
        laps.lap("resolve")
    return Resolved(model, resolution.work, stats)


def load_model(
    root: Path,
    config: DocSetConfig | None = None,
    *,
    jobs: int = 1,
    cache: PageCache | None = None,
    state: ResolveState | None = None,
    seen: SeenPages | None = None,
) -> ApiModel:
    """The doc set's model; with a `state`, reusing (and keeping) the work `build` keeps."""
    config = config or load_config(root)
    raw = read_doc_set(root, config, seen)
    if state is None:
        return model_of(parse_doc_set(root, config, jobs=jobs, cache=cache, raw=raw), jobs)
    previous = state.load()
    resolved = resolve_doc_set(raw, config, previous, jobs=jobs, cache=cache)
    state.save(resolved.work)  # appends only what changed
    return resolved.model
