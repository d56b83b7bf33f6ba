"""docgen: annotated REST reference Markdown → model, client, server stubs, fixtures, OpenAPI."""

__version__ = "0.1.0"
