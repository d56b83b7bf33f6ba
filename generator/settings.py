"""Project settings: `[tool.docgen]` in pyproject.toml, or a docgen.toml.

Found in the current folder or its parents (the docs repo's root, where a
Makefile target or a pre-commit hook runs). CLI flags override them. An
unknown key is an error that names the key and the file: a typo must not
silently change what gets generated.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KNOWN_KEYS = {
    "docs": str,
    "output": str,
    "targets": list,
    "package": str,
    "base_url": str,
    "base_path": str,
    "jobs": int,
    "cache_dir": str,
    "config_dir": str,
    "select": list,
    "ignore": list,
    "baseline": str,
    "relaxed": bool,
    "force": bool,
    "templates": str,
    "aliases": dict,
    "metadata": str,
}


class SettingsError(Exception):
    """A settings file exists but is wrong; the message names file and key."""


@dataclass(frozen=True)
class Settings:
    values: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def where(self, key: str) -> str:
        """Where `key` is set, for a message: `FILE:LINE` (or `FILE`)."""
        return where(self.source, key) if self.source is not None else "the settings"

    def path(self, key: str) -> Path | None:
        """A path setting, relative to the settings file's folder."""
        value = self.values.get(key)
        if value is None:
            return None
        base = self.source.parent if self.source is not None else Path.cwd()
        return base / str(value)


def _validate(table: dict[str, Any], source: Path) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = raw_key.replace("-", "_")
        expected = KNOWN_KEYS.get(key)
        if expected is None:
            raise SettingsError(f"{where(source, raw_key)}: {_unknown_key(raw_key)}")
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise SettingsError(
                f"{where(source, raw_key)}: docgen setting {raw_key!r} must be "
                f"{expected.__name__}, not {type(value).__name__}"
            )
        if key == "aliases":
            _check_aliases(value, raw_key, source)
        values[key] = value
    return values


def _unknown_key(raw_key: str) -> str:
    """What to say of a key docgen does not know: the closest known one, when there is
    one (`outptu`: `output`), else every known key."""
    spelled = {k.replace("_", "-") for k in KNOWN_KEYS}
    close = did_you_mean(raw_key.replace("_", "-"), spelled)
    hint = close or f" (known: {', '.join(sorted(spelled))})"
    return f"unknown docgen setting {raw_key!r}{hint}"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """The hint for a misspelt `word`: `; did you mean 'x'?` naming the closest choice,
    or nothing when none is close."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def where(source: Path, key: str) -> str:
    """`source:LINE` where the settings file sets `key` (its first line that does, in
    the docgen table), else `source`: an error points at the line to fix."""
    line = _line_of(source, key)
    return f"{source}:{line}" if line else str(source)


def _line_of(source: Path, key: str) -> int | None:
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    in_table = source.name != "pyproject.toml"  # docgen.toml: the whole file is docgen's
    assignment = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, text in enumerate(lines, start=1):
        header = _TABLE.match(text)
        if header:
            in_table = header.group(1).replace(" ", "") in ("tool.docgen", '"tool".docgen')
        elif in_table and assignment.match(text):
            return number
    return None


_TABLE = re.compile(r"\s*\[([^\[\]]+)\]\s*(#.*)?$")


def _check_aliases(value: Any, raw_key: str, source: Path) -> None:
    """`aliases = {"/me" = "/users/{id}"}`: paths on both sides."""
    for prefix, target in value.items():
        if not (isinstance(target, str) and prefix.startswith("/") and target.startswith("/")):
            raise SettingsError(
                f"{source}: docgen setting {raw_key!r}: {prefix!r} = {target!r} is not a path "
                'alias (write "/me" = "/users/{id}")'
            )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read settings: {exc}") from exc


def load_settings(start: Path | None = None) -> Settings:
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / "docgen.toml"
        if own.is_file():
            return Settings(_validate(_read_toml(own), own), own)
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            table = _read_toml(pyproject).get("tool", {}).get("docgen")
            if isinstance(table, dict):
                return Settings(_validate(table, pyproject), pyproject)
    return Settings()


def default_cache_dir(settings: Settings) -> Path:
    """The page cache a command uses unless told otherwise: `cache_dir` from the
    settings, else `.docgen-cache` beside the settings' output (where `docgen build`
    keeps it), else in the current folder; so `check` and `model` reuse what `build`
    cached."""
    configured = settings.path("cache_dir")
    if configured is not None:
        return configured
    output = settings.path("output")
    return (output.parent if output is not None else Path(".")) / ".docgen-cache"
