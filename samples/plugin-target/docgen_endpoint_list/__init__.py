"""A docgen target: `endpoints.md`, a table of every endpoint's method, path and title."""

from pathlib import Path

from generator.emit.targets import Context, Files, Target
from generator.model.types import ApiModel


def render(model: ApiModel, context: Context) -> Files:
    """A pure function of the model: the same model, the same files."""
    base_url = context.settings.get("base_url") or next(iter(model.base_urls), "")
    endpoints = sorted(model.endpoints, key=lambda endpoint: (endpoint.path, endpoint.method))
    text = context.templates.render("endpoints.md.jinja", endpoints=endpoints, base_url=base_url)
    return {"endpoints.md": text}


target = Target(
    name="endpoint-list",  # the entry point's name in pyproject.toml
    render=render,
    templates=Path(__file__).parent / "templates",
    settings=("base_url",),
    summary="endpoints.md: every endpoint's method, path and title",
    ignores=frozenset({"description"}),  # an edit to descriptions alone keeps endpoints.md
)
