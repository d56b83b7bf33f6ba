"""Paths the examples document that no syntax block lists, as endpoints of their own.

A page lists `GET /me/drive/items/{item-id}/children` and shows `GET
/me/drive/root/children`; the model ties that example to the listed endpoint (read
as `/me/drive/items/root/children`, see `generator.model.urlforms`). A client user
wants the path the example shows: this gives it, as a copy of the endpoint it is
tied to, at the example's path. A segment of the example is the endpoint's
placeholder again only where it stands where the placeholder does (after the same
literal): `root` after `drive` is a navigation, not an item id.
"""

from __future__ import annotations

import dataclasses
import re

from generator.model.types import ApiModel, Endpoint, Example

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# A segment of a path that names a navigation: a plain name or a placeholder (not a
# function call, a `$count`, a type cast or a key in parentheses, which mean otherwise).
_SEGMENT = re.compile(r"[A-Za-z][\w]*|\{[^{}/]+\}")


def shape(method: str, path: str) -> tuple[str, str]:
    """A method and path with the placeholders' names left out and the case folded
    (the service's paths are not case-sensitive): equal for one endpoint documented
    under other parameter names, or with a segment capitalised."""
    return method, _PLACEHOLDER.sub("{}", path).casefold()


def example_paths(model: ApiModel) -> tuple[Endpoint, ...]:
    """One endpoint per method and path that examples show and no syntax block lists,
    in the order of the examples' ids (the first example of a path gives its names)."""
    endpoints = {e.id: e for e in model.endpoints}
    known = {shape(e.method, e.path) for e in model.endpoints}
    found: dict[tuple[str, str], Endpoint] = {}
    for example in sorted(model.examples, key=lambda x: x.id):
        endpoint = endpoints.get(example.endpoint or "")
        if endpoint is None or not example.read_as:
            continue
        path = _template(example, endpoint)
        if path is None:
            continue
        key = shape(endpoint.method, path)
        if key not in known and key not in found:
            found[key] = dataclasses.replace(
                endpoint, id=f"{endpoint.method} {path}", path=path, source=example.source
            )
    return tuple(found.values())


def _template(example: Example, endpoint: Endpoint) -> str | None:
    """The example's path with its values put back as the endpoint's placeholders, where
    they stand as in the endpoint's path; None when a segment is not a navigation."""
    listed = endpoint.path.strip("/").split("/")
    after = {s[1:-1]: listed[i - 1] for i, s in enumerate(listed) if i and s[:1] == "{"}
    values = {value: name for name, value in example.path_values if value}
    segments = example.request.path.strip("/").split("/")
    out = []
    for i, segment in enumerate(segments):
        name = values.get(segment)
        if name is not None and i and after.get(name) == segments[i - 1]:
            segment = f"{{{name}}}"
        if not _SEGMENT.fullmatch(segment):
            return None
        out.append(segment)
    return "/" + "/".join(out)
