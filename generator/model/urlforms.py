"""Other ways an example may write a documented path (OData URL conventions).

An example URL that matches no syntax path as written may still be one of them:

- `~/users`: a path relative to the service root (`~` dropped);
- `/me/messages('AAMk...')`: a key in parentheses, the same as `/me/messages/AAMk...`
  (the key becomes the path value);
- `/users/delta()`, `/me/drive/root/delta(token='x')`: a function call where the
  syntax block writes the bare name (`/users/delta`);
- `/users/{id}/memberOf/microsoft.graph.group/$count`: a type cast and `$count`
  after a collection, where the syntax block documents the collection;
- `/drives/{id}/root:/{path}:/children`: an item addressed by its path below
  another (`:/{path}:`), read as that one (`/drives/{id}/root/children`): the
  doc set writes both forms (`items/{parent-id}:/{filename}:`), and what
  follows applies to an item whichever way it is addressed.

`forms` lists the readings in that order, each applied on top of the ones
before; the example builder tries them only when the path as written matches
nothing. A path written relative to an item (`/workbook/worksheets`) is matched
by `PathIndex.match_within`.
"""

from __future__ import annotations

import re

# One key value in parentheses: quoted (any characters, `''` an escaped quote: base64
# ids end in `=`), or bare without `=`, `,` or quotes (`delta(token='x')` is a call).
_KEY = re.compile(r"^(?P<name>[^()/]+)\((?P<key>'(?:[^']|'')*'|\"[^\"]*\"|[^'\"=(),]+)\)$")
_CALL = re.compile(r"^(?P<name>[^()/]+)\([^()]*\)$")
_BY_PATH = re.compile(r":/[^:]*:(?=/|$)")
_CAST = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*){2,}$")  # ns.sub.type, not contoso.com


def forms(path: str) -> list[str]:
    """Readings of `path` other than as written (see the module), most literal first."""
    found: list[str] = []
    current = path
    for rewrite in (_rooted, _keys, _calls, _casts, _unpathed):
        rewritten = rewrite(current)
        if rewritten != current:
            current = rewritten
            found.append(current)
    return found


def reshaped(path: str) -> bool:
    """Whether the path ends in a type cast or `$count`: its answer is not the shape of
    the documented collection's (a count, or only some of its items)."""
    return _casts(path) != path


def _rooted(path: str) -> str:
    """`~/users` -> `/users`."""
    if path.startswith("/~/"):
        return path[2:]
    return path[1:] if path.startswith("~/") else path


def _keys(path: str) -> str:
    """`/messages('AAMk')` -> `/messages/AAMk`."""
    out = []
    for segment in path.split("/"):
        m = _KEY.match(segment)
        out.append(f"{m['name']}/{_unquoted(m['key'])}" if m else segment)
    return "/".join(out)


def _unquoted(key: str) -> str:
    """`'O''Neil'` -> `O'Neil`; a bare key as it is."""
    if len(key) >= 2 and key[0] == key[-1] and key[0] in "'\"":
        return key[1:-1].replace(key[0] * 2, key[0])
    return key


def _calls(path: str) -> str:
    """`/delta()`, `/delta(token='x')` -> `/delta`."""
    return "/".join(m["name"] if (m := _CALL.match(s)) else s for s in path.split("/"))


def _casts(path: str) -> str:
    """`/memberOf/microsoft.graph.group/$count` -> `/memberOf`."""
    segments = path.split("/")
    while len(segments) > 2 and (segments[-1] == "$count" or _CAST.match(segments[-1])):
        segments.pop()
    return "/".join(segments)


def _unpathed(path: str) -> str:
    """`/root:/FolderA/b.txt:/content` -> `/root/content`."""
    return _BY_PATH.sub("", path)
