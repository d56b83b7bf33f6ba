"""Pages whose stat is as an earlier reading recorded are not read again: the same
digests and fingerprint as reading every page, and any write is seen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.config import load_config
from generator.pipeline import seen as seen_module
from generator.pipeline.run import RawDocSet, read_doc_set
from generator.pipeline.seen import SeenPages
from generator.pipeline.sources import SourceError


def _read(docs: Path, cache: Path) -> RawDocSet:
    return read_doc_set(docs, load_config(docs), SeenPages(cache, docs))


@pytest.fixture()
def cache(docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder where a first reading recorded every page: they were written just
    now, so the two seconds that make a page racy are waived."""
    monkeypatch.setattr(seen_module, "_RACY_NS", 0)
    folder = tmp_path / "cache"
    first = _read(docs, folder)
    assert len(first.contents) == len(first.pages) > 5  # nothing recorded before: all read
    return folder


def test_unchanged_pages_are_not_read_and_digest_the_same(docs: Path, cache: Path) -> None:
    again = _read(docs, cache)
    assert again.contents == {}  # all vouched for by their stat
    every = read_doc_set(docs, load_config(docs))
    assert (again.digests, again.fingerprint) == (every.digests, every.fingerprint)
    page = "api/group-get.md"
    assert again.data(page) == (docs / page).read_bytes()  # read when asked for


def test_a_write_is_seen_even_with_the_same_size_and_mtime(docs: Path, cache: Path) -> None:
    before = _read(docs, cache)
    page = docs / "api" / "group-get.md"
    st = page.stat()
    page.write_bytes(page.read_bytes().replace(b"Get the properties", b"Got the properties"))
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns))  # as `cp -p` or `touch -r` would
    assert page.stat().st_size == st.st_size and page.stat().st_mtime_ns == st.st_mtime_ns
    after = _read(docs, cache)
    assert list(after.contents) == ["api/group-get.md"]
    assert after.fingerprint != before.fingerprint
    assert after.fingerprint == read_doc_set(docs, load_config(docs)).fingerprint


def test_a_page_written_just_before_reading_is_read_again(docs: Path, tmp_path: Path) -> None:
    """Within two seconds of the reading, a stat could hide a second edit on a coarse
    clock: such a page is not vouched for."""
    _read(docs, tmp_path / "cache")
    again = _read(docs, tmp_path / "cache")
    assert len(again.contents) == len(again.pages)


def test_a_page_that_changes_once_digested_is_an_error(docs: Path, cache: Path) -> None:
    raw = _read(docs, cache)
    (docs / "api" / "group-get.md").write_text("# changed\n", encoding="utf-8")
    with pytest.raises(SourceError, match="api/group-get.md: changed while docgen was reading"):
        raw.data("api/group-get.md")


def test_a_damaged_record_is_no_record(docs: Path, cache: Path) -> None:
    record = cache / "pages.seen"
    record.write_bytes(record.read_bytes()[:-5])
    raw = _read(docs, cache)
    assert len(raw.contents) == len(raw.pages)
    assert _read(docs, cache).contents == {}  # written again whole
