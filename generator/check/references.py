"""References (`$ref`): what an example sends must match the kind of path it sends it to.

OData adds an existing entity to a relationship, or replaces a single one, by sending
a reference, `{"@odata.id": "<url of the entity>"}`, to the relationship's `/$ref`;
sending the same body to the relationship itself asks the service to create an
entity from it, and sending an entity to `/$ref` is not a reference at all.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.check.context import CheckContext
from generator.diagnostics import Diagnostic, make
from generator.model.types import Example

REFERENCE = "@odata.id"


def _is_reference(body: object) -> bool:
    """`{"@odata.id": ...}`, with annotations only beside it."""
    return isinstance(body, dict) and REFERENCE in body and all(k[:1] == "@" for k in body)


def _to_ref(example: Example) -> bool:
    return example.request.path.rstrip("/").endswith("/$ref")


def reference_bodies(ctx: CheckContext) -> Iterator[Diagnostic]:
    """X015: a reference sent to a path without `/$ref`; X016: a body that is no
    reference sent to a `/$ref` path (POST and PUT: the methods that send one)."""
    for example in ctx.model.examples:
        request = example.request
        if request.method not in ("POST", "PUT") or not request.body_is_json:
            continue
        where = request.source
        if _is_reference(request.body) and not _to_ref(example):
            yield make(
                "X015",
                where.file,
                where.line,
                1,
                f"{request.method} {request.path} sends a reference (@odata.id): "
                "a reference goes to the relationship's /$ref",
            )
        elif _to_ref(example) and not (
            isinstance(request.body, dict) and (REFERENCE in request.body or not request.body)
        ):  # (an empty `{}` is sent to unset a single-valued reference, as some pages document)
            yield make(
                "X016",
                where.file,
                where.line,
                1,
                f"{request.method} {request.path} sends no @odata.id: /$ref takes a reference "
                '({"@odata.id": "<url of the entity>"})',
            )


CHECKS = (reference_bodies,)
