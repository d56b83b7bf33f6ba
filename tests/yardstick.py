"""The model, and the Python client generated from it, measured against the service's
own metadata (a yardstick only: nothing in docgen comes from it). `python -m
tests.yardstick [DOCS] [METADATA]` prints the figures; `tests/test_corpus.py` holds them."""

from __future__ import annotations

import datetime
import decimal
import importlib
import shutil
import sys
import tempfile
import types
import typing
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.check.metadata import ServiceMetadata, read_metadata
from generator.model.types import ApiModel


@dataclass(frozen=True)
class Figure:
    label: str
    right: int
    of: int

    @property
    def share(self) -> float:
        return self.right / self.of if self.of else 1.0

    def __str__(self) -> str:
        return f"{self.label}: {self.right} of {self.of} ({100 * self.share:.1f}%)"


def figures(model: ApiModel, service: ServiceMetadata) -> dict[str, Figure]:
    """Types the metadata knows, their base types, their properties, enum members."""
    known = [r for r in model.resources if r.name in service.types]
    base = sum(1 for r in known if r.base_type == service.types[r.name].base_type)
    props = found = 0
    for r in known:
        theirs = {p.name for p in service.inherited(r.name)}
        props += len(r.properties)
        found += sum(1 for p in r.properties if p.name in theirs)
    enums = [e for e in model.enums if e.name in service.enums]
    members = sum(len(service.enums[e.name]) for e in enums)
    ours = sum(len({m.name for m in e.members} & set(service.enums[e.name])) for e in enums)
    return {
        "types": Figure("types the metadata knows", len(known), len(model.resources)),
        "base": Figure("base types as the metadata has them", base, len(known)),
        "properties": Figure("properties the metadata has", found, props),
        "enums": Figure("enums the metadata knows", len(enums), len(model.enums)),
        "members": Figure("the metadata's members of those enums", ours, members),
    }


# The Python type a field of each primitive type should have.
PYTHON = {
    **dict.fromkeys(("Edm.Int16", "Edm.Int32", "Edm.Int64", "Edm.Byte", "Edm.SByte"), (int,)),
    "Edm.String": (str,),
    "Edm.Boolean": (bool,),
    "Edm.Double": (float,),
    "Edm.Single": (float,),
    "Edm.Decimal": (float, decimal.Decimal),
    "Edm.DateTimeOffset": (datetime.datetime,),
    "Edm.Date": (datetime.date,),
    "Edm.TimeOfDay": (datetime.time,),
    "Edm.Duration": (datetime.timedelta,),
    "Edm.Guid": (uuid.UUID,),
    "Edm.Binary": (bytes,),
    "Edm.Stream": (str, bytes),
}


def _python_type(annotation: Any) -> tuple[bool, Any]:
    """(a list?, the class) of a field's annotation: `Optional`, `Annotated` and the
    `Open[...]` of enums taken off."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _python_type(args[0])
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None) and a is not str] or [str]
        return _python_type(inner[0])
    if origin is list:
        return True, _python_type(args[0])[1]
    return False, annotation


def client_figures(model: ApiModel, service: ServiceMetadata) -> dict[str, Figure]:
    """The generated client's classes against the metadata: their base classes, and their
    fields' Python types (a list where the metadata has a collection)."""
    root = Path(tempfile.mkdtemp(prefix="docgen-yardstick-"))
    try:
        return _client_figures(model, service, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)  # (1,400 files a run, else left in /tmp)


def _client_figures(model: ApiModel, service: ServiceMetadata, root: Path) -> dict[str, Figure]:
    from generator.emit.client import build_context, client_target

    context = build_context(model, package="yardstick_client")
    for rel, text in client_target(model, package="yardstick_client").items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    sys.path.insert(0, str(root / "client"))
    try:
        models = importlib.import_module("yardstick_client.models")
    finally:
        sys.path.remove(str(root / "client"))
    classes = {name: getattr(models, cls, None) for name, cls in context.classes.items()}
    by_class = {cls: name for name, cls in classes.items() if cls is not None}
    known = [r for r in model.resources if r.name in service.types and classes.get(r.name)]
    bases = sum(
        1
        for r in known
        if by_class.get(classes[r.name].__bases__[0]) == service.types[r.name].base_type
    )
    right = total = 0
    for r in known:
        cls = classes[r.name]
        cls.model_rebuild()
        fields = {str(f.validation_alias or n): f for n, f in cls.model_fields.items()}
        for prop in service.inherited(r.name):
            field = fields.get(prop.name)
            if field is None or prop.name not in {p.name for p in r.properties}:
                continue
            total += 1
            listed, found = _python_type(field.annotation)
            wanted = PYTHON.get(prop.type) or (classes.get(prop.type),)
            right += listed == prop.collection and found in wanted
    return {
        "client bases": Figure("client classes with the metadata's base class", bases, len(known)),
        "client fields": Figure("client fields with the metadata's Python type", right, total),
    }


def main(docs: Path, metadata: Path) -> None:
    from generator.pipeline.run import load_model

    model = load_model(docs, jobs=2)
    service = read_metadata(metadata)
    for figure in [*figures(model, service).values(), *client_figures(model, service).values()]:
        print(figure)


if __name__ == "__main__":
    corpus = Path("../shared/corpus")
    main(
        Path(sys.argv[1]) if len(sys.argv) > 1 else corpus / "graph-v1.0",
        (
            Path(sys.argv[2])
            if len(sys.argv) > 2
            else corpus / "graph-v1.0-metadata/v1.0_metadata.xml"
        ),
    )
