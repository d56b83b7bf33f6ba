"""Project settings: `[tool.docgen]` in pyproject.toml, or a docgen.toml.

Found in the current folder or its parents (the docs repo's root, where a
Makefile target or a pre-commit hook runs). CLI flags override them. An
unknown key is an error that names the key and the file: a typo must not
silently change what gets generated.
"""

from __future__ import annotations

import tomllib
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
            known = ", ".join(sorted(k.replace("_", "-") for k in KNOWN_KEYS))
            raise SettingsError(f"{source}: unknown docgen setting {raw_key!r} (known: {known})")
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise SettingsError(
                f"{source}: docgen setting {raw_key!r} must be {expected.__name__}, not {type(value).__name__}"
            )
        if key == "aliases":
            _check_aliases(value, raw_key, source)
        values[key] = value
    return values


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
