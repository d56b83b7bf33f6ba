"""Pickles docgen keeps in its cache folder, sealed against corruption and planting.

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
import io
import pickle
from collections.abc import Iterable
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
