"""Where a target's Jinja templates come from: the user's folder first, then the target's.

`docgen build --templates DIR` (or `[tool.docgen] templates`): a file in DIR
replaces the template with the same relative path (`client/README.md.jinja`
replaces the client target's `README.md.jinja`); every other template comes
from the target's own folder (a Jinja `ChoiceLoader`). What the folders hold
is part of every piece's key (`digest`), so an edited template re-renders
what it makes, and nothing else. The folders are read once: the bytes keyed are
the bytes rendered, even when a template is edited while a build runs.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import generator

if TYPE_CHECKING:
    import jinja2


def templates_dir() -> Path:
    """`generator/templates` when installed (the wheel force-includes it), else the repo's."""
    installed = Path(generator.__file__).parent / "templates"
    return installed if installed.is_dir() else Path(generator.__file__).parent.parent / "templates"


@dataclass(frozen=True)
class Templates:
    """The folders a target's templates are looked up in, first match wins."""

    folders: tuple[Path, ...]

    @classmethod
    def of(cls, target: str, own: Path | None, overrides: Path | None) -> Templates:
        """A target's templates: `overrides/<target>/` before its own folder."""
        folders = [] if overrides is None else [overrides / target]
        return cls(tuple([*folders, *([own] if own is not None else [])]))

    @cached_property
    def environment(self) -> jinja2.Environment:
        import jinja2  # (not loaded by a build with nothing to do)

        from generator.emit import render

        env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(
                [
                    jinja2.FunctionLoader(functools.partial(self._source, position))
                    for position in range(len(self.folders))
                ]
            ),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # (`_source` reads no file)
        )
        env.filters["pystr"] = render.pystr
        env.filters["docstring"] = render.docstring
        env.globals["layout"] = render.layout
        env.globals["wrap"] = render.wrap
        env.globals["import_line"] = render.import_line
        env.globals["toml"] = json.dumps  # a TOML basic string is a JSON string
        return env

    def render(self, name: str, **context: Any) -> str:
        return self.environment.get_template(name).render(**context)

    def macro(self, name: str, macro: str) -> Callable[..., str]:
        """A macro of template `name`, as a function returning text."""
        found = getattr(self.environment.get_template(name).module, macro)
        return lambda *args, **kwargs: str(found(*args, **kwargs))

    @cached_property
    def _read(self) -> tuple[tuple[int, str, str, bytes], ...]:
        """(folder position, relative path, full path, bytes) of every file the folders
        hold, read once: the bytes `digest` keys are the bytes the templates render
        from, even when a file is edited while a build runs."""
        return tuple(
            (position, rel, path, _bytes(path))
            for position, folder in enumerate(self.folders)
            for rel, path in _files(folder)
        )

    def _source(self, position: int, name: str) -> tuple[str, str, Callable[[], bool]] | None:
        """Template `name` of the folder at `position`, as Jinja loads it (None: the folder
        has no such file)."""
        for at, rel, path, data in self._read:
            if at == position and rel == name:
                return data.decode("utf-8"), path, _unchanged
        return None

    @cached_property
    def digest(self) -> str:
        """Every file the folders hold, by folder order and relative path: what the
        text rendered with these templates may depend on."""
        sha = hashlib.sha256()
        for position, rel, _, data in self._read:
            sha.update(f"{position}\0{rel}\0".encode("utf-8", "surrogateescape"))
            sha.update(data)
            sha.update(b"\0")
        return sha.hexdigest()[:32]


def _bytes(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _unchanged() -> bool:
    return True


def _files(folder: Path) -> list[tuple[str, str]]:
    """(path relative to `folder`, with slashes; full path) of every file, sorted."""
    found = []
    for root, subfolders, names in os.walk(folder):
        subfolders[:] = sorted(s for s in subfolders if s != "__pycache__")
        for name in names:
            path = os.path.join(root, name)
            found.append((os.path.relpath(path, folder).replace(os.sep, "/"), path))
    return sorted(found)
