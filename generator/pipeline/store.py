"""The store: what docgen keeps between builds, in one SQLite file of the cache folder.

A shelf is one namespace of the store: the work resolve kept for a doc set's
config, the pieces of one target under its options (see `pieces`). Every value
is tagged with an HMAC under the machine key (`generator.pipeline.trust`), bound to its
shelf and key: a value written by anyone without the key (a restored cache, a
planted row) is a miss. Values are text, bytes, plain data (tuples, lists, dicts,
sets, numbers and text, kept with `marshal`, which makes nothing else), or, on a
shelf that names modules (resolve's work), pickles that load only builtins and
docgen's own data classes from those modules (`sealed.loads`). A damaged or foreign file is replaced by an empty store: a
store that cannot be used costs speed, never correctness.

Each process opens its own connection (render processes are forked), and
builds that share a cache folder take turns (`lock.cache_held`); SQLite's own
locking orders the writes of one build's processes.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import pickle
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from generator.pipeline import trust
from generator.pipeline.sealed import loads

FILE = "store.sqlite"
_TABLE = (
    "CREATE TABLE kept (shelf TEXT NOT NULL, key TEXT NOT NULL, kind INTEGER NOT NULL, "
    "tag BLOB NOT NULL, value BLOB NOT NULL, PRIMARY KEY (shelf, key))"
)
_SCHEMA = {("table", "kept"), ("index", "sqlite_autoindex_kept_1")}
_BYTES, _TEXT, _PICKLE, _PLAIN = 0, 1, 2, 3
MISSING: Any = object()


class Store:
    """The store of a cache folder; every failure to read it is a miss."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    @classmethod
    def open(cls, folder: Path) -> Store | None:
        """The store in `folder` (made if missing; made again if not docgen's); None
        when it cannot be opened at all."""
        path = folder / FILE
        for _attempt in range(2):
            try:
                return cls(_connect(path))
            except OSError:
                return None  # a link, a folder, no room: no store (links: see `confine`)
            except sqlite3.DatabaseError:
                for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                    with contextlib.suppress(OSError):
                        stale.unlink()
        return None

    def shelf(self, name: str, modules: Iterable[str] = ()) -> Shelf:
        return Shelf(self._db, name, frozenset(modules))

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)  # never through a link
    os.close(fd)
    db = sqlite3.connect(path, timeout=120, isolation_level=None, check_same_thread=False)
    try:
        db.execute("PRAGMA trusted_schema = OFF")
        found = {(kind, name) for kind, name in db.execute("SELECT type, name FROM sqlite_master")}
        if not found:
            db.execute(_TABLE)
        elif found != _SCHEMA:
            raise sqlite3.DatabaseError("not docgen's store")
        db.execute("PRAGMA synchronous = OFF")  # a cache: a torn file is found and made again
    except BaseException:
        db.close()
        raise
    return db


def _tag(shelf: str, key: str, kind: int, value: bytes) -> bytes:
    return trust.tag(f"{shelf}\0{key}\0{kind}\0".encode("utf-8", "surrogatepass"), value)


def _encoded(value: Any, pickled: bool) -> tuple[int, bytes] | None:
    """A value as it is kept; None for one the shelf cannot keep (not plain data, on a
    shelf that takes no pickles: a piece whose value is not plain is made each time)."""
    if type(value) is bytes:
        return _BYTES, value
    if type(value) is str:
        return _TEXT, value.encode("utf-8", "surrogatepass")
    if pickled:
        return _PICKLE, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        return _PLAIN, marshal.dumps(value)
    except ValueError:
        return None


class Shelf:
    """One namespace of the store: values by key. Its rows are read in one query at the
    first `get` (a build asks for thousands; each is checked when asked for)."""

    def __init__(self, db: sqlite3.Connection, name: str, modules: frozenset[str]) -> None:
        self._db = db
        self.name = name
        self.modules = modules
        self._rows: dict[str, tuple[int, bytes, bytes]] | None = None

    def _decoded(self, key: str, kind: int, tag: bytes, value: bytes) -> Any:
        if not trust.vouches(tag, f"{self.name}\0{key}\0{kind}\0".encode(), value):
            return MISSING
        if kind == _BYTES:
            return bytes(value)
        if kind == _TEXT:
            return bytes(value).decode("utf-8", "surrogatepass")
        if kind == _PLAIN and not self.modules:
            try:
                return marshal.loads(value)
            except (ValueError, EOFError, TypeError):
                return MISSING
        if kind == _PICKLE and self.modules:
            return loads(bytes(value), self.modules, MISSING)
        return MISSING

    def _all(self) -> dict[str, tuple[int, bytes, bytes]]:
        if self._rows is None:
            try:
                self._rows = {
                    key: (kind, tag, value)
                    for key, kind, tag, value in self._db.execute(
                        "SELECT key, kind, tag, value FROM kept WHERE shelf = ?", (self.name,)
                    )
                }
            except sqlite3.Error:
                self._rows = {}
        return self._rows

    def get(self, key: str, default: Any = MISSING) -> Any:
        """The value kept under `key`, or `default`."""
        row = self._all().get(key)
        found = MISSING if row is None else self._decoded(key, *row)
        return default if found is MISSING else found

    def lookup(self, key: str, default: Any = MISSING) -> Any:
        """`get` for a shelf read a few keys at a time: the one row, not the shelf's."""
        if self._rows is not None:
            return self.get(key, default)
        try:
            row = self._db.execute(
                "SELECT kind, tag, value FROM kept WHERE shelf = ? AND key = ?", (self.name, key)
            ).fetchone()
        except sqlite3.Error:
            row = None
        found = MISSING if row is None else self._decoded(key, *row)
        return default if found is MISSING else found

    def items(self) -> Iterator[tuple[str, Any]]:
        """Every value on the shelf (those that pass their check)."""
        for key, (kind, tag, value) in self._all().items():
            found = self._decoded(key, kind, tag, value)
            if found is not MISSING:
                yield key, found

    def __len__(self) -> int:
        return len(self._rows) if self._rows is not None else len(self.keys())

    def sizes(self) -> dict[str, int]:
        """The bytes each value takes as kept, by key."""
        if self._rows is not None:
            return {key: len(value) for key, (_, _, value) in self._rows.items()}
        try:  # the values' lengths, not the values
            query = "SELECT key, length(value) FROM kept WHERE shelf = ?"
            return dict(self._db.execute(query, (self.name,)))
        except sqlite3.Error:
            return {}

    def keys(self) -> set[str]:
        if self._rows is not None:
            return set(self._rows)
        try:
            rows = self._db.execute("SELECT key FROM kept WHERE shelf = ?", (self.name,))
            return {key for (key,) in rows}
        except sqlite3.Error:
            return set()

    def keep(self, new: Mapping[str, Any], live: Iterable[str] | None = None) -> None:
        """Store `new`, and (given `live`) drop every other key not in `live`. One
        transaction: a build that stops half-way leaves the shelf as it was."""
        rows = []
        for key, value in new.items():
            encoded = _encoded(value, bool(self.modules))
            if encoded is not None:
                rows.append((key, *encoded))
        self._write(rows, set(new), live)

    def keep_pickles(self, new: Mapping[str, bytes], live: Iterable[str] | None = None) -> None:
        """`keep` for values pickled already (by another process, or to name them by
        their bytes), on a shelf that takes pickles."""
        if self.modules:
            self._write([(key, _PICKLE, data) for key, data in new.items()], set(new), live)

    def _write(
        self, encoded: list[tuple[str, int, bytes]], new: set[str], live: Iterable[str] | None
    ) -> None:
        try:
            rows = [
                (self.name, key, kind, _tag(self.name, key, kind, data), data)
                for key, kind, data in encoded
            ]
            stale: list[tuple[str, str]] = []
            if live is not None:
                keep = set(live) | new
                stale = [(self.name, key) for key in self.keys() - keep]
            if not rows and not stale:
                return
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany("INSERT OR REPLACE INTO kept VALUES (?, ?, ?, ?, ?)", rows)
                self._db.executemany("DELETE FROM kept WHERE shelf = ? AND key = ?", stale)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._rows = None  # read again when asked for
        except sqlite3.Error:
            return  # a store that cannot be written only costs speed

    def clear_others(self, prefix: str) -> None:
        """Drop the shelves named `prefix...` other than this one (a target's pieces
        under options no longer used)."""
        with contextlib.suppress(sqlite3.Error):
            self._db.execute(
                "DELETE FROM kept WHERE shelf >= ? AND shelf < ? AND shelf != ?",
                (prefix, prefix + "\uffff", self.name),
            )
