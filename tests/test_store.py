"""The store (`generator.pipeline.store`): values by key, each checked with the machine key."""

from __future__ import annotations

import os
import pickle
import sqlite3
from pathlib import Path

from generator.pipeline.store import FILE, MISSING, Store


def _shelf(folder: Path, name: str = "s") -> object:
    store = Store.open(folder)
    assert store is not None
    return store.shelf(name)


def test_values_come_back_as_they_were_kept(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    assert store is not None
    shelf = store.shelf("pieces:a")
    values = {"b": b"\x00\xff", "t": "text \ud800", "p": ("a", 1, frozenset({"x"})), "n": None}
    shelf.keep(values)
    assert dict(shelf.items()) == values
    assert store.shelf("pieces:b").get("b") is MISSING  # shelves are apart
    assert (tmp_path / FILE).stat().st_mode & 0o777 == 0o600
    shelf.keep({"c": "new"}, live={"b"})  # what is not live goes
    assert dict(shelf.items()) == {"b": b"\x00\xff", "c": "new"}
    store.shelf("pieces:b").keep({"x": "y"})
    shelf.clear_others("pieces:")
    assert store.shelf("pieces:b").get("x") is MISSING and shelf.get("c") == "new"
    store.close()


def test_a_shelf_tells_its_bytes_read_or_not(tmp_path: Path) -> None:
    """`sizes`: what each value takes as kept, before and after the shelf's rows are
    read (a build that asked for none reads their lengths only)."""
    store = Store.open(tmp_path)
    assert store is not None
    store.shelf("s").keep({"a": b"x" * 100, "b": "y" * 10, "c": b""})
    for read in (False, True):
        shelf = store.shelf("s")
        if read:
            assert shelf.get("a") == b"x" * 100
        assert shelf.sizes() == {"a": 100, "b": 10, "c": 0}
    assert store.shelf("other").sizes() == {}
    store.close()


def test_a_row_not_tagged_here_is_a_miss(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    assert store is not None
    store.shelf("s").keep({"k": "kept", "j": "other"})
    store.close()
    db = sqlite3.connect(tmp_path / FILE)
    db.execute("UPDATE kept SET value = ? WHERE key = 'k'", (b"forged",))
    db.execute("UPDATE kept SET key = 'moved' WHERE key = 'j'")  # a tag binds its key
    db.execute("INSERT INTO kept VALUES ('s', 'p', 2, ?, ?)", (b"\0" * 32, pickle.dumps(print)))
    db.commit()
    db.close()
    shelf = Store.open(tmp_path).shelf("s")  # type: ignore[union-attr]
    assert shelf.get("k") is MISSING and shelf.get("moved") is MISSING
    assert shelf.get("p") is MISSING and dict(shelf.items()) == {}


def test_a_planted_pickle_with_a_valid_tag_still_runs_no_code(tmp_path: Path) -> None:
    """(Even a row tagged with this machine's key loads only builtins and the data
    classes of the modules its shelf names.)"""
    from generator.pipeline import store as module

    store = Store.open(tmp_path)
    assert store is not None
    payload = pickle.dumps(os.system)
    tag = module._tag("s", "k", 2, payload)
    store._db.execute("INSERT INTO kept VALUES ('s', 'k', 2, ?, ?)", (tag, payload))
    assert store.shelf("s").get("k") is MISSING


def test_a_damaged_or_foreign_file_is_replaced(tmp_path: Path) -> None:
    (tmp_path / FILE).write_bytes(b"garbage" * 1000)
    store = Store.open(tmp_path)
    assert store is not None and store.shelf("s").get("k") is MISSING
    store.shelf("s").keep({"k": "v"})
    store.close()
    other = tmp_path / "other"
    other.mkdir()
    db = sqlite3.connect(other / FILE)
    db.execute("CREATE TABLE kept (x)")
    db.execute("CREATE TRIGGER t AFTER INSERT ON kept BEGIN DELETE FROM kept; END")
    db.commit()
    db.close()
    store = Store.open(other)  # not docgen's schema: made again, the trigger gone
    assert store is not None
    store.shelf("s").keep({"k": "v"})
    assert store.shelf("s").get("k") == "v"


def test_a_link_in_place_of_the_store_is_not_followed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    target.write_text("keep me")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / FILE).symlink_to(target)
    assert Store.open(tmp_path / "cache") is None
    assert target.read_text() == "keep me"
