"""What an edit changed in the model, by field name, told from resolve's work alone.

The model is made from each page's work (`PageWork`) and the config. When the work
of every page that was resolved again differs from the work OUT was rendered from
(`work_key`) only in fields of some names, and no page came or went, the model
differs from the one OUT was rendered from only in fields of those names: resolve
never moves what a field of one name holds into a field of another
(`tests/test_changes.py` holds it to that, on the samples and the corpus), except
through the texts its steps over the whole doc set read (`PROSE_READ`: a property
described as inherited from a type gives its resource a base): a change of such a
text is told as no name. A target
that declares it does not read those fields (`Target.ignores`) then has the files
it made last time.

`changed_fields` costs a comparison of the pages resolved again, not of the model.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from typing import Any

from generator.model.resolve import BOOKKEEPING, PROSE_READ, PageWork

_LEAVES = (str, int, float, bool, bytes, type(None))


def work_key(shelf: str, work: Mapping[str, PageWork]) -> str:
    """What a doc set's work is made from: the store's shelf for it (docgen's code and
    the config) and every page's key (its content). The same key, the same work: the
    record of OUT keeps the key of the work its files were rendered from, and the work
    a build loads is their baseline only under that key (a build that failed may have
    kept newer work than OUT shows)."""
    digest = hashlib.sha256(shelf.encode())
    for path in sorted(work):
        digest.update(f"\0{path}\0{work[path].key}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def changed_fields(
    previous: Mapping[str, PageWork], work: Mapping[str, PageWork]
) -> frozenset[str] | None:
    """The names of the fields in which `work` differs from `previous` (empty: none),
    or None when it cannot be told by name: a page came or went, or a value changed
    shape (another type, another number of items)."""
    if previous.keys() != work.keys():
        return None
    names: set[str] = set()
    for path, now in work.items():
        before = previous[path]
        if now is not before and not _differ(before, now, "", names):
            return None
    return frozenset(names)


def differing_fields(a: Any, b: Any) -> frozenset[str] | None:
    """The names of the fields in which `a` and `b` differ, or None if in shape."""
    names: set[str] = set()
    return frozenset(names) if _differ(a, b, "", names) else None


def _differ(a: Any, b: Any, name: str, names: set[str]) -> bool:
    """Add to `names` the fields in which `a` and `b` differ (a leaf by the name of the
    field that holds it, `name`); False when they differ in shape."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, _LEAVES):
        if a != b:
            said = PROSE_READ.get(name)
            if said is not None and isinstance(a, str) and (said(a) or said(b)):
                return False  # a text resolve reads across pages: told by no name
            names.add(name)
        return True
    if isinstance(a, (tuple, list)):
        if len(a) != len(b):
            return False
        return all(_differ(x, y, name, names) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        if a.keys() != b.keys():
            return False
        return all(_differ(a[k], b[k], name, names) for k in a)
    if dataclasses.is_dataclass(a):
        skip = BOOKKEEPING.get(type(a), frozenset())
        return all(
            _differ(getattr(a, f.name), getattr(b, f.name), f.name, names)
            for f in dataclasses.fields(a)
            if f.name not in skip
        )
    return bool(a == b)  # anything else: equal, or a change that cannot be named
