"""Pickles docgen keeps in its cache folder, sealed against corruption and planting.

Two shapes: a sealed file (one value) and a sealed log (a dict saved by
appending its changes, see `SealedLog`).

A sealed file is a header (magic, key), a tag and a pickle. The tag is an
HMAC of header and pickle under the machine's key (`generator.pipeline.trust`): a
truncated or damaged file, or one written by anyone without the key (a cache
restored from elsewhere, a planted or forged entry), is a miss. Unpickling
is restricted all the same to docgen's own data classes from the modules
named and plain builtins, so even a file that passed would run no code.
"""

from __future__ import annotations

import dataclasses
import enum
import gc
import io
import mmap
import os
import pickle
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generator.emit.writer import write_bytes_atomic
from generator.pipeline import trust

_ALLOWED_BUILTINS = frozenset(
    {"dict", "list", "tuple", "set", "frozenset", "str", "int", "float", "bool"}
)


class _Unpickler(pickle.Unpickler):
    def __init__(
        self, stream: Any, modules: frozenset[str], buffers: Iterable[Any] | None = None
    ) -> None:
        super().__init__(stream, buffers=buffers)
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


def loads(payload: bytes, modules: Iterable[str], default: Any = None) -> Any:
    """A pickle of docgen's own data (see `_Unpickler`), or `default` if it does not load."""
    try:
        return _Unpickler(io.BytesIO(payload), frozenset(modules)).load()
    except Exception:  # noqa: BLE001 - a broken pickle is no value
        return default


def seal(magic: bytes, key: str, value: Any) -> bytes:
    head = magic + key.encode() + b"\n"
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return head + trust.tag(head, payload) + payload


def unseal(magic: bytes, key: str, raw: bytes, modules: Iterable[str]) -> Any | None:
    """The value sealed under `key` on this machine, or None when anything is off."""
    head = magic + key.encode() + b"\n"
    end = len(head) + trust.TAG_BYTES
    if not raw.startswith(head) or len(raw) < end:
        return None
    payload = raw[end:]
    if not trust.vouches(raw[len(head) : end], head, payload):
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
# a record's length and tag (an HMAC under the machine's key, of the log's header and the
# record): a truncated, torn, damaged, planted or forged record ends the log
_RECORD_HEAD = _LENGTH + trust.TAG_BYTES


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
    keys removed), each with its length and tag (see `_RECORD_HEAD`).

    Saving appends only what changed since loading, so a build that changed one
    page writes a few kilobytes, not the whole store; the log is rewritten whole
    when it holds more than twice what is live. Loading applies records in order
    and stops at the first damaged one: what it returns is then an older state,
    and entries are only ever trusted by their own keys, so older is never wrong.

    The file is mapped, not read, and big bytes values (pieces of JSON output) are
    kept beside the pickle: they load as views of the mapping, checked by the
    record's tag but never copied (a build joins them straight into its output).
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
        raw = _mapped(self.path)
        if raw is None or raw[: len(self.head)] != self.head:
            return {}
        pos, state = len(self.head), dict[Any, Any]()
        view = memoryview(raw)  # records are read in place, big values never copied
        while pos + _RECORD_HEAD <= len(raw):
            size = int.from_bytes(view[pos : pos + _LENGTH], "big")
            start, end = pos + _RECORD_HEAD, pos + _RECORD_HEAD + size
            if end > len(raw) or not trust.vouches(
                view[pos + _LENGTH : start], self.head, view[start:end]
            ):
                break
            try:
                updates, removed = _unpickled(raw, view, start, end, self.modules)
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
            write_sealed(self.path, self.head + _record(self.head, dict(current), ()))
            self._stored, self._whole = len(current), True
        else:
            try:
                with self.path.open("ab") as handle:
                    handle.writelines(_record_parts(self.head, updates, removed))
            except OSError:
                self._whole = False
                return
            self._stored += len(updates)
        self._loaded = dict(current)


_MISSING = object()


def _record(head: bytes, updates: dict[Any, Any], removed: tuple[Any, ...]) -> bytes:
    return b"".join(_record_parts(head, updates, removed))


_OUT_OF_BAND = 1024  # bytes values this long are kept beside the pickle, read in place


def _record_parts(
    head: bytes, updates: dict[Any, Any], removed: tuple[Any, ...]
) -> list[bytes | memoryview]:
    """A record of the log with header `head`: its length and tag, then the number and
    lengths of its big bytes values, the pickle, and those values (out of band: a load
    maps them, not copies)."""
    buffers: list[pickle.PickleBuffer] = []
    wrapped = {
        k: (
            pickle.PickleBuffer(v)
            if isinstance(v, (bytes, memoryview)) and len(v) >= _OUT_OF_BAND
            else v
        )
        for k, v in updates.items()
    }
    stream = pickle.dumps((wrapped, removed), protocol=5, buffer_callback=buffers.append)
    views = [b.raw() for b in buffers]
    lengths = len(stream).to_bytes(_LENGTH, "big") + len(views).to_bytes(_LENGTH, "big")
    lengths += b"".join(len(v).to_bytes(_LENGTH, "big") for v in views)
    parts: list[bytes | memoryview] = [lengths, stream, *views]
    size = sum(len(part) for part in parts)
    return [size.to_bytes(_LENGTH, "big") + trust.tag(head, *parts), *parts]


def _unpickled(
    raw: Any, view: memoryview, start: int, end: int, modules: frozenset[str]
) -> tuple[dict[Any, Any], tuple[Any, ...]]:
    """A record's payload (see `_record_parts`): its big values are views of `view`."""
    size = int.from_bytes(view[start : start + _LENGTH], "big")
    count = int.from_bytes(view[start + _LENGTH : start + 2 * _LENGTH], "big")
    at = start + 2 * _LENGTH
    if at + count * _LENGTH > end:
        raise pickle.UnpicklingError("record lengths do not add up")
    lengths = [
        int.from_bytes(view[at + i * _LENGTH : at + (i + 1) * _LENGTH], "big") for i in range(count)
    ]
    at += count * _LENGTH
    stream_end = at + size
    buffers, offset = [], stream_end
    for length in lengths:
        buffers.append(view[offset : offset + length])
        offset += length
    if offset != end:
        raise pickle.UnpicklingError("record lengths do not add up")
    raw.seek(at)
    updates, removed = _Unpickler(raw, modules, buffers).load()
    if raw.tell() != stream_end:
        raise pickle.UnpicklingError("record pickle does not end where it says")
    return updates, removed


def _mapped(path: Path) -> mmap.mmap | None:
    """The file mapped read-only (docgen only ever appends to its logs or replaces them
    whole, never truncates one in place); None if missing, empty or unreadable."""
    try:
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size == 0:
                return None
            if not hasattr(mmap, "MAP_SHARED"):  # not a POSIX system
                return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
            flags = mmap.MAP_SHARED | getattr(mmap, "MAP_POPULATE", 0)
            return mmap.mmap(handle.fileno(), 0, flags=flags, prot=mmap.PROT_READ)
    except (OSError, ValueError):
        return None
