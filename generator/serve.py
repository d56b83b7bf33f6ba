"""`docgen serve`: the server stub for a model, in-process, without a build step.

The app is the generated server's own runtime (`templates/server/runtime.py.jinja`
rendered, with `generator/emit/shapes.py`) fed the same data the server target
writes to `data/*.json`; only the per-endpoint `Handlers` class is left out
(every endpoint gets the documented answer, as the generated class does by default).
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
import types
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from generator.emit import odata, shapes, twin, values
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
        {
            RUNTIME_PACKAGE: package,
            f"{RUNTIME_PACKAGE}.shapes": shapes,
            f"{RUNTIME_PACKAGE}.odata": odata,
            f"{RUNTIME_PACKAGE}.values": values,
            f"{RUNTIME_PACKAGE}.twin": twin,
            name: module,
        }
    )
    source = (templates or server_templates()).render("runtime.py.jinja")
    exec(compile(source, "<docgen server runtime>", "exec"), module.__dict__)  # noqa: S102
    return module


def stub_app(
    model: ApiModel,
    base_path: str | None = None,
    templates: Templates | None = None,
    mode: str = "examples",
) -> Any:
    """A FastAPI app answering every endpoint of `model`: with its documented examples,
    or (`mode="stateful"`) as a local twin of the API that remembers what it is sent."""
    runtime = runtime_module(templates)
    path = default_base_path(model) if base_path is None else normalize_base_path(base_path)
    return runtime.build_app(server_data(model), runtime.BaseHandlers(), path, mode)


@dataclass
class Running:
    """A stub served in this process (see `running`): its URL, its base URL (with the
    base path, what a client is pointed at), and `reset()` for a stateful one."""

    url: str
    base_url: str
    app: Any

    def reset(self) -> None:
        """Forget every change a stateful twin was sent."""
        twin = self.app.state.stub.twin
        if twin is not None:
            twin.reset()


@contextlib.contextmanager
def running(
    model: ApiModel, mode: str = "stateful", base_path: str | None = None, host: str = "127.0.0.1"
) -> Iterator[Running]:
    """Serve `model` on a free port in a thread while the block runs (a pytest fixture's
    body: `with running(model) as twin: ...twin.base_url...`)."""
    import uvicorn

    app = stub_app(model, base_path, mode=mode)
    config = uvicorn.Config(app, host=host, port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the stub did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    url = f"http://{host}:{port}"
    try:
        yield Running(url, url + app.state.stub.base_path, app)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


class Swappable:
    """An ASGI app that hands each request (and connection) to the app it holds now:
    `docgen serve --reload` puts a stub made from the new model there, and the process,
    its socket and its open connections stay as they were."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


Reloads = Iterable[tuple[ApiModel, str]]  # each new model, and the line to say once it is served


def serve(
    model: ApiModel,
    host: str = "127.0.0.1",
    port: int = 8000,
    base_path: str | None = None,
    idle_timeout: float | None = None,
    templates: Templates | None = None,
    mode: str = "examples",
    reloads: Reloads | None = None,
    say: Callable[[str], None] = print,
) -> None:
    """Serve the stub for `model` with uvicorn as the generated server does (loopback unless
    `host` says otherwise; idle connections closed after `idle_timeout`, default the runtime's).
    Each model `reloads` gives (read in a thread of its own) replaces the one served."""
    import uvicorn

    runtime = runtime_module(templates)
    timeout = runtime.IDLE_TIMEOUT if idle_timeout is None else idle_timeout
    app = Swappable(stub_app(model, base_path, templates, mode))
    if reloads is not None:

        def follow() -> None:
            for new, line in reloads:
                app.app = stub_app(new, base_path, templates, mode)
                say(line)

        threading.Thread(target=follow, name="docgen-reload", daemon=True).start()
    http = runtime.idle_closing_protocol(timeout)
    config = uvicorn.Config(app, host=host, port=port, http=http)
    server = _announcing_server()(
        config, lambda url: say(banner(model, url + app.app.state.stub.base_path, mode))
    )
    # SystemExit: uvicorn's way to say it could not listen; KeyboardInterrupt: uvicorn,
    # stopped by Ctrl-C, raises it again once it has shut down (serving ends, exit 0)
    with contextlib.suppress(SystemExit, KeyboardInterrupt):
        server.run()
    if not server.started:
        raise ServeError(f"cannot serve on {host}:{port} (see uvicorn's message above)")


class ServeError(Exception):
    """The stub could not start (the address is in use, say)."""


def banner(model: ApiModel, base_url: str, mode: str) -> str:
    """The line to copy from: the full base URL (base path included) and a first
    request that answers, a GET with no parameter when the docs have one."""
    first = sorted(
        e.path
        for e in model.endpoints
        if e.method == "GET" and "{" not in e.path and "<" not in e.path
    )
    example = f" (try GET {base_url}{first[0]})" if first else ""
    return f"serving {len(model.endpoints)} endpoints ({mode}) at {base_url}/{example}"


def _announcing_server() -> type:
    import uvicorn

    class Announcing(uvicorn.Server):
        """uvicorn's server, saying docgen's banner once it listens (after uvicorn's own
        "running on" line, so the URL to copy is the last one, base path included)."""

        def __init__(self, config: Any, announce: Callable[[str], None]) -> None:
            super().__init__(config)
            self.announce = announce

        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if self.started and self.servers:
                host, port = self.servers[0].sockets[0].getsockname()[:2]
                shown = f"[{host}]" if ":" in host else host
                self.announce(f"http://{shown}:{port}")

    return Announcing
