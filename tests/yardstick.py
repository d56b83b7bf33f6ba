"""The model measured against the service's own metadata (a yardstick only: nothing
in the model comes from it). `python -m tests.yardstick [DOCS] [METADATA]` prints
the figures; `tests/test_corpus_yardstick.py` holds them."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

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


def main(docs: Path, metadata: Path) -> None:
    from generator.pipeline.run import load_model

    model = load_model(docs, jobs=2)
    for figure in figures(model, read_metadata(metadata)).values():
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
