"""docs folder → page facts → model: the front half every command shares."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.config import DocSetConfig, load_config
from generator.diagnostics import Diagnostic
from generator.model.resolve import build_model
from generator.model.types import ApiModel
from generator.parse.facts import PageFacts
from generator.parse.page import parse_page
from generator.pipeline.sources import find_pages, read_page


@dataclass(frozen=True)
class ParsedDocSet:
    config: DocSetConfig
    pages: list[PageFacts]
    read_errors: list[Diagnostic]


def parse_doc_set(root: Path, config: DocSetConfig | None = None) -> ParsedDocSet:
    config = config or load_config(root)
    pages: list[PageFacts] = []
    errors: list[Diagnostic] = []
    for rel in find_pages(root, config):
        source, diags = read_page(root, rel)
        errors += diags
        if source is not None:
            pages.append(parse_page(source.path, source.text, config))
    return ParsedDocSet(config, pages, errors)


def load_model(root: Path, config: DocSetConfig | None = None) -> ApiModel:
    parsed = parse_doc_set(root, config)
    model = build_model(parsed.pages, parsed.config)
    if parsed.read_errors:
        from dataclasses import replace

        model = replace(
            model, diagnostics=tuple(sorted(set(model.diagnostics) | set(parsed.read_errors)))
        )
    return model
