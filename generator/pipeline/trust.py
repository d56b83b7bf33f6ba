"""The key that vouches for what docgen keeps between builds.

Trust model. Whoever can write the cache folder could otherwise put any page
facts, resolve work, pieces of output or formatted code into the next build
(caches are restored from shared CI caches; folders are shared). So every
entry docgen keeps (the page cache, the record of pages read, the resolve
state, the pieces of output, black's results, the record of OUT's files) and
every journal of an update carries an HMAC-SHA256 made with a key that never
leaves the machine: an entry that does not verify is a miss, a journal that
does not verify is never replayed. A cache restored without its key is
simply cold.

The key is `$DOCGEN_CACHE_KEY` when set (a CI secret, so that runs of one
trust domain can share their caches), else 32 random bytes in
`$XDG_CACHE_HOME/docgen/cache-key` (`~/.cache/docgen/cache-key`), created
mode 0600 at first use. A key file others could read or write is not used;
when no key can be had, this process uses a key of its own: the cache then
works within one command only, and `warning` says why.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

KEY_ENV = "DOCGEN_CACHE_KEY"
_KEY_BYTES = 32
TAG_BYTES = 32  # an HMAC-SHA256


@dataclass(frozen=True)
class MachineKey:
    secret: bytes
    source: str  # where it came from, for messages
    warning: str | None = None  # set when the key is this process's own


def key_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "docgen" / "cache-key"


@lru_cache(maxsize=1)
def machine_key() -> MachineKey:
    """The key of this machine (or of `$DOCGEN_CACHE_KEY`); read once per process."""
    given = os.environ.get(KEY_ENV)
    if given:
        return MachineKey(
            hashlib.sha256(given.encode("utf-8", "surrogateescape")).digest(), KEY_ENV
        )
    path = key_file()
    try:
        return MachineKey(_read_or_create(path), str(path))
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return MachineKey(
            secrets.token_bytes(_KEY_BYTES),
            "this process",
            f"no cache key ({path}: {reason}); the cache is not reused by later builds "
            f"(set {KEY_ENV}, or fix the file)",
        )


def _read_or_create(path: Path) -> bytes:
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    secret = secrets.token_bytes(_KEY_BYTES)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:  # another docgen made it first: theirs is the key
        return _read_key(path)
    with os.fdopen(fd, "wb") as handle:
        handle.write(secret)
    return secret


def _read_key(path: Path) -> bytes:
    """The key in `path`, if it is a private file of this user holding a key."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(handle.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise ValueError("not a regular file")
        if hasattr(os, "getuid") and st.st_uid != os.getuid():
            raise ValueError("owned by another user")
        if st.st_mode & 0o077:
            raise ValueError(
                f"others may read or write it (mode {st.st_mode & 0o777:o}; chmod 600)"
            )
        secret = handle.read(_KEY_BYTES + 1)
    if len(secret) != _KEY_BYTES:
        raise ValueError(f"not a docgen key ({len(secret)} bytes)")
    return secret


def tag(*parts: bytes | memoryview) -> bytes:
    """The HMAC of `parts` (joined, with nothing between them) under the machine key."""
    return hmac.digest(machine_key().secret, b"".join(parts), "sha256")


def vouches(expected: bytes | memoryview, *parts: bytes | memoryview) -> bool:
    """Whether `expected` is the tag of `parts`: made here, with this machine's key."""
    return hmac.compare_digest(bytes(expected), tag(*parts))


def signed(purpose: bytes, payload: bytes) -> bytes:
    """`payload` with its tag in front (bound to `purpose`, so one kind of signed
    file never passes for another)."""
    return tag(purpose, b"\0", payload).hex().encode() + b"\n" + payload


def verified(purpose: bytes, raw: bytes) -> bytes | None:
    """The payload of a `signed` file, or None when it was not signed here for `purpose`."""
    head, sep, payload = raw.partition(b"\n")
    if not sep or len(head) != 2 * TAG_BYTES:
        return None
    try:
        expected = bytes.fromhex(head.decode("ascii"))
    except ValueError:
        return None
    return payload if vouches(expected, purpose, b"\0", payload) else None
