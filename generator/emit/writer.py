"""Writing files atomically: a temporary file beside the target, then rename.

An interrupted write never leaves a half-written file where a whole one was. The
temporary file is created with mode 0o666 and the kernel applies the umask, as for
any file a tool writes (`tempfile.mkstemp` would make it 0o600, and the rename
would keep that: a generated file nobody else could read).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

FILE_MODE = 0o666  # less the umask, applied by the kernel


def write_text_atomic(path: Path, text: str) -> bool:
    """Write `text` to `path` unless it already holds those bytes; True if written."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_bytes_atomic(path, data)
    return True


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """`data` in `path`, whole or not at all (raises OSError when it cannot be written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = open_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def open_beside(path: Path, prefix: str | None = None) -> tuple[int, Path]:
    """A new file in `path`'s folder, open for writing (never one that existed, never
    through a link), with the umask's mode: its descriptor and its path."""
    stem = prefix if prefix is not None else f".{path.name}."
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    while True:
        tmp = path.parent / f"{stem}{secrets.token_hex(6)}.tmp"
        try:
            return os.open(tmp, flags, FILE_MODE), tmp
        except FileExistsError:
            continue
