"""`docgen serve`: the server stub for a model, in-process, without a build step.

The app is the generated server's own runtime (`templates/server/runtime.py.jinja`
rendered, with `generator/emit/shapes.py`) fed the same data the server target
writes to `data/*.json`; only the per-endpoint `Handlers` class is left out
(every endpoint gets the documented answer, as the generated class does by default).
"""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING, Any

from generator.emit import shapes
from generator.emit.server import (
    default_base_path,
    normalize_base_path,
    server_data,
    server_templates,
)
from generator.model.types import ApiModel

if TYPE_CHECKING:
    from generator.emit.templates import Templates

RUNTIME_PACKAGE = "docgen_stub"


def runtime_module(templates: Templates | None = None) -> types.ModuleType:
    """The rendered stub runtime as the module `docgen_stub.runtime` (built once per
    process; `templates`: the server target's with the user's overrides, else built-in)."""
    name = f"{RUNTIME_PACKAGE}.runtime"
    if name in sys.modules:
        return sys.modules[name]
    package = types.ModuleType(RUNTIME_PACKAGE)
    package.__path__ = []
    module = types.ModuleType(name)
    module.__package__ = RUNTIME_PACKAGE
    sys.modules.update(
        {RUNTIME_PACKAGE: package, f"{RUNTIME_PACKAGE}.shapes": shapes, name: module}
    )
    source = (templates or server_templates()).render("runtime.py.jinja")
    exec(compile(source, "<docgen server runtime>", "exec"), module.__dict__)  # noqa: S102
    return module


def stub_app(
    model: ApiModel, base_path: str | None = None, templates: Templates | None = None
) -> Any:
    """A FastAPI app answering every endpoint of `model` with its documented examples."""
    runtime = runtime_module(templates)
    path = default_base_path(model) if base_path is None else normalize_base_path(base_path)
    return runtime.build_app(server_data(model), runtime.BaseHandlers(), path)


def serve(
    model: ApiModel,
    host: str = "127.0.0.1",
    port: int = 8000,
    base_path: str | None = None,
    idle_timeout: float | None = None,
    templates: Templates | None = None,
) -> None:
    """Serve the stub for `model` with uvicorn as the generated server does (loopback unless
    `host` says otherwise; idle connections closed after `idle_timeout`, default the runtime's)."""
    runtime = runtime_module(templates)
    timeout = runtime.IDLE_TIMEOUT if idle_timeout is None else idle_timeout
    runtime.serve(stub_app(model, base_path, templates), host=host, port=port, idle_timeout=timeout)
