"""Pickles docgen keeps in its cache folder, sealed against corruption and planting.

Two shapes: a sealed file (one value) and a sealed log (a dict saved by
appending its changes, see `SealedLog`).

A sealed file is a header (magic, key, SHA-256 of the payload) and a pickle.
Opening one checks the header and the payload's hash, and unpickles only
docgen's own data classes from the modules named and plain builtins: a
truncated, foreign or planted file is a miss, never trusted and never run.
"""

from __future__ import annotations

import dataclasses
import enum
import gc
import hashlib
import io
import pickle
import zlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generator.emit.writer import write_bytes_atomic

_ALLOWED_BUILTINS = frozenset(
    {"dict", "list", "tuple", "set", "frozenset", "str", "int", "float", "bool"}
)


class _Unpickler(pickle.Unpickler):
    def __init__(self, stream: io.BytesIO, modules: frozenset[str]) -> None:
        super().__init__(stream)
        self.modules = modules

    def find_class(self, module: str, name: str) -> Any:
        """Plain builtins, and docgen's own data classes (dataclasses and enums) from
        the modules named: never a function, which a planted pickle could call."""
        if module == "builtins" and name in _ALLOWED_BUILTINS:
            return super().find_class(module, name)
        if module in self.modules:
            found = super().find_class(module, name)
            if isinstance(found, type) and (
                dataclasses.is_dataclass(found) or issubclass(found, enum.Enum)
            ):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in docgen's cache")


def loads(payload: bytes, modules: Iterable[str]) -> Any | None:
    """A pickle of docgen's own data (see `_Unpickler`), or None if it does not load."""
    try:
        return _Unpickler(io.BytesIO(payload), frozenset(modules)).load()
    except Exception:  # noqa: BLE001 - a broken pickle is no value
        return None


def seal(magic: bytes, key: str, value: Any) -> bytes:
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return magic + key.encode() + b"\n" + hashlib.sha256(payload).digest() + payload


def unseal(magic: bytes, key: str, raw: bytes, modules: Iterable[str]) -> Any | None:
    """The value sealed under `key`, or None when anything is off."""
    head = magic + key.encode() + b"\n"
    if not raw.startswith(head) or len(raw) < len(head) + 32:
        return None
    check, payload = raw[len(head) : len(head) + 32], raw[len(head) + 32 :]
    if hashlib.sha256(payload).digest() != check:
        return None
    return loads(payload, modules)


def read_sealed(path: Path, magic: bytes, key: str, modules: Iterable[str]) -> Any | None:
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    return unseal(magic, key, raw, modules)


def write_sealed(path: Path, data: bytes) -> None:
    """Atomically, or not at all: a cache that cannot be written only costs speed."""
    try:
        write_bytes_atomic(path, data)
    except OSError:
        return


_LENGTH = 8
# a record's length and CRC-32: a check against damage (a truncated or torn write); what
# guards against a planted record is the unpickler, which runs no code (`_Unpickler`)
_RECORD_HEAD = _LENGTH + 4


_freeze = False


def freeze_what_loads() -> None:
    """For a process that ends with its command (the `docgen` CLI): what a store
    load makes lives until then, so it is moved out of the collector's sight
    (`gc.freeze`) instead of being scanned again and again for the rest of the
    build. Not for a long-lived caller: frozen objects are never collected."""
    global _freeze
    _freeze = True


@contextmanager
def _settled() -> Iterator[None]:
    """Unpickling a store makes many objects and no garbage: no collection while
    it runs (see also `freeze_what_loads`)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _freeze:
            gc.freeze()
        if enabled:
            gc.enable()


class SealedLog:
    """A dict kept as a sealed log: a header, then records of changes (entries set,
    keys removed), each with its length and CRC-32.

    Saving appends only what changed since loading, so a build that changed one
    page writes a few kilobytes, not the whole store; the log is rewritten whole
    when it holds more than twice what is live. Loading applies records in order
    and stops at the first damaged one: what it returns is then an older state,
    and entries are only ever trusted by their own keys, so older is never wrong.
    """

    def __init__(self, path: Path, magic: bytes, key: str, modules: Iterable[str]) -> None:
        self.path = path
        self.head = magic + key.encode() + b"\n"
        self.modules = frozenset(modules)
        self._loaded: dict[Any, Any] = {}
        self._stored = 0  # entries written in the log, live or not
        self._whole = False  # the file is this log, read to its end: it may be appended to

    def load(self) -> dict[Any, Any]:
        with _settled():
            return self._load()

    def _load(self) -> dict[Any, Any]:
        self._loaded, self._stored, self._whole = {}, 0, False
        try:
            raw = self.path.read_bytes()
        except OSError:
            return {}
        if not raw.startswith(self.head):
            return {}
        pos, state = len(self.head), dict[Any, Any]()
        view, stream = memoryview(raw), io.BytesIO(raw)  # records are read in place
        while pos + _RECORD_HEAD <= len(raw):
            size = int.from_bytes(view[pos : pos + _LENGTH], "big")
            check = int.from_bytes(view[pos + _LENGTH : pos + _RECORD_HEAD], "big")
            start, end = pos + _RECORD_HEAD, pos + _RECORD_HEAD + size
            if end > len(raw) or zlib.crc32(view[start:end]) != check:
                break
            stream.seek(start)
            try:
                updates, removed = _Unpickler(stream, self.modules).load()
                if stream.tell() != end:
                    break
                state.update(updates)
                for k in removed:
                    state.pop(k, None)
            except Exception:  # noqa: BLE001 - a damaged record ends the log
                break
            self._stored += len(updates)
            pos = end
        self._loaded, self._whole = state, pos == len(raw)
        return dict(state)

    def save(self, current: Mapping[Any, Any]) -> None:
        """Record `current`: the changes since `load` appended, or the log rewritten
        (when it was not read whole: missing, foreign, damaged; or mostly dead)."""
        updates = {k: v for k, v in current.items() if self._loaded.get(k, _MISSING) is not v}
        removed = tuple(k for k in self._loaded if k not in current)
        if not updates and not removed:
            return
        if not self._whole or self._stored + len(updates) > 2 * len(current) + 64:
            write_sealed(self.path, self.head + _record(dict(current), ()))
            self._stored, self._whole = len(current), True
        else:
            try:
                with self.path.open("ab") as handle:
                    handle.write(_record(updates, removed))
            except OSError:
                self._whole = False
                return
            self._stored += len(updates)
        self._loaded = dict(current)


_MISSING = object()


def _record(updates: dict[Any, Any], removed: tuple[Any, ...]) -> bytes:
    payload = pickle.dumps((updates, removed), protocol=pickle.HIGHEST_PROTOCOL)
    return len(payload).to_bytes(_LENGTH, "big") + zlib.crc32(payload).to_bytes(4, "big") + payload
