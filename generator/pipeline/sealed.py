"""Pickles docgen keeps in its cache folder, sealed against corruption and planting.

A sealed file is a header (magic, key, SHA-256 of the payload) and a pickle.
Opening one checks the header and the payload's hash, and unpickles only
docgen's own data classes from the modules named and plain builtins: a
truncated, foreign or planted file is a miss, never trusted and never run.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_ALLOWED_BUILTINS = frozenset(
    {"dict", "list", "tuple", "set", "frozenset", "str", "int", "float", "bool"}
)


class _Unpickler(pickle.Unpickler):
    def __init__(self, data: bytes, modules: frozenset[str]) -> None:
        super().__init__(io.BytesIO(data))
        self.modules = modules

    def find_class(self, module: str, name: str) -> Any:
        if module in self.modules or (module == "builtins" and name in _ALLOWED_BUILTINS):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in docgen's cache")


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
    try:
        return _Unpickler(payload, frozenset(modules)).load()
    except Exception:  # noqa: BLE001 - any broken file is a miss
        return None


def read_sealed(path: Path, magic: bytes, key: str, modules: Iterable[str]) -> Any | None:
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    return unseal(magic, key, raw, modules)


def write_sealed(path: Path, data: bytes) -> None:
    """Atomically, or not at all: a cache that cannot be written only costs speed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
