"""The doc set's own parser configuration, with built-in Graph defaults.

Doc sets in this format carry `config/table-header-config.json` (which section
titles and column names mean which kind of table) and
`config/schema-config.json` (default namespace, base URLs, files to skip).
When a doc set has none, the defaults below — equal to the Graph ones — apply.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

DEFAULT_TABLES: list[dict[str, Any]] = [
    {"type": "AuthScopes", "titles": ["Permissions"], "parseAs": "AuthScopeDefinition"},
    {
        "type": "EnumerationValues",
        "titles": [
            "Enumerated Values",
            "{x} enumeration",
            "{x} enumeration values",
            "{x} members",
            "{x} values",
            "{x} flags",
            "Members",
        ],
        "parents": ["{x} enum type"],
        "parseAs": "EnumerationDefinition",
    },
    {"type": "ErrorCodes", "parseAs": "ErrorDefinition", "titles": ["Error Response"]},
    {
        "type": "HttpHeaders",
        "titles": ["Request Headers", "Response Headers", "Optional request headers"],
        "parseAs": "ParameterDefinition",
    },
    {
        "type": "PathParameters",
        "titles": ["Path Parameters", "Function Parameters"],
        "parseAs": "ParameterDefinition",
    },
    {
        "type": "QueryStringParameters",
        "titles": ["Query parameters", "Optional query parameters"],
        "parseAs": "ParameterDefinition",
    },
    {
        "type": "RequestObjectProperties",
        "titles": ["Request Body"],
        "parseAs": "ParameterDefinition",
    },
    {
        "type": "ResourceNavigationPropertyDescriptions",
        "titles": ["Relationships"],
        "parseAs": "ParameterDefinition",
    },
    {
        "type": "ResourcePropertyDescriptions",
        "titles": ["Properties", "Instance Attributes"],
        "parseAs": "ParameterDefinition",
    },
]

DEFAULT_RULES: list[dict[str, Any]] = [
    {
        "type": "ErrorDefinition",
        "columns": {
            "httpStatusCode": ["HTTP Code"],
            "httpStatusMessage": ["Http Error Message"],
            "errorCode": ["Error Code"],
            "description": ["Error Message"],
        },
    },
    {
        "type": "ParameterDefinition",
        "columns": {
            "name": [
                "Parameter Name",
                "Parameter",
                "Property Name",
                "Property",
                "Name",
                "Relationship name",
                "Relationship",
                "Header",
                "Query parameter",
                "Header Name",
            ],
            "type": ["Type", "Value"],
            "description": ["Description"],
            "required": ["Description"],
        },
    },
    {
        "type": "EnumerationDefinition",
        "columns": {
            "memberName": ["Member", "Name", "Value"],
            "numericValue": ["Numeric Value", "Value"],
            "description": ["Description"],
        },
    },
    {
        "type": "AuthScopeDefinition",
        "columns": {
            "scope": ["Permissions (from least to most privileged)"],
            "title": ["Permission type"],
            "description": ["Description"],
            "required": ["Required"],
        },
    },
]

DEFAULT_NAMESPACE = "microsoft.graph"
DEFAULT_BASE_URLS = (
    "https://graph.microsoft.com/v1.0",
    "https://graph.microsoft.com/beta",
    "/v1.0",
    "/beta",
)
DEFAULT_FOLDERS_TO_SKIP = ("templates", "includes")
DEFAULT_FILES_TO_SKIP = (
    "changelog.md",
    "contributing.md",
    "issue_template.md",
    "readme.md",
    "license.md",
    "index.md",
)


@dataclass(frozen=True)
class TitlePattern:
    """A configured table title such as "{x} values", compiled once."""

    kind: str
    parse_as: str
    regex: re.Pattern[str]

    def match(self, title: str) -> str | None:
        """Return the `{x}` part ("" when the pattern has none) or None."""
        m = self.regex.match(" ".join(title.split()))
        if m is None:
            return None
        return m.group("x") if "x" in m.groupdict() else ""


@dataclass(frozen=True)
class TableKind:
    kind: str
    parse_as: str
    titles: tuple[TitlePattern, ...]
    parents: tuple[TitlePattern, ...]


@dataclass(frozen=True)
class DocSetConfig:
    namespace: str = DEFAULT_NAMESPACE
    base_urls: tuple[str, ...] = DEFAULT_BASE_URLS
    folders_to_skip: tuple[str, ...] = DEFAULT_FOLDERS_TO_SKIP
    files_to_skip: tuple[str, ...] = DEFAULT_FILES_TO_SKIP
    required_front_matter: tuple[str, ...] = ()
    table_kinds: tuple[TableKind, ...] = ()
    # parseAs -> role -> header spellings (folded)
    column_rules: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    source: str = "built-in"
    # declared path aliases (`schemaConfig.aliases` in the config folder's
    # schema-config.json, then `[tool.docgen] aliases`): prefix -> what it stands for.
    # Not in the fingerprint: they change how examples tie (resolve), not page facts.
    aliases: tuple[tuple[str, str], ...] = ()

    def fingerprint(self) -> str:
        """A hash of everything that changes parse results (cache key part)."""
        payload = json.dumps(
            {
                "ns": self.namespace,
                "base": self.base_urls,
                "tables": [
                    (
                        k.kind,
                        k.parse_as,
                        [t.regex.pattern for t in k.titles],
                        [p.regex.pattern for p in k.parents],
                    )
                    for k in self.table_kinds
                ],
                "rules": {k: dict(v) for k, v in sorted(self.column_rules.items())},
            },
            sort_keys=True,
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def fold_title(text: str) -> str:
    return " ".join(text.split()).casefold()


def _compile_title(title: str, kind: str, parse_as: str) -> TitlePattern:
    parts = [re.escape(p) for p in " ".join(title.split()).split("{x}")]
    body = "(?P<x>.+?)".join(parts)
    # Case-insensitive match on the title as written, so `{x}` keeps its case.
    return TitlePattern(kind, parse_as, re.compile(f"^{body}$", re.IGNORECASE))


def build_config(
    tables: list[dict[str, Any]],
    rules: list[dict[str, Any]],
    schema: dict[str, Any] | None,
    source: str,
) -> DocSetConfig:
    kinds = tuple(
        TableKind(
            kind=str(t["type"]),
            parse_as=str(t.get("parseAs", "ParameterDefinition")),
            titles=tuple(
                _compile_title(x, t["type"], t.get("parseAs", "")) for x in t.get("titles", [])
            ),
            parents=tuple(
                _compile_title(x, t["type"], t.get("parseAs", "")) for x in t.get("parents", [])
            ),
        )
        for t in tables
    )
    column_rules = {
        str(r["type"]): {
            role: tuple(fold_title(s) for s in spellings)
            for role, spellings in r["columns"].items()
        }
        for r in rules
    }
    sc = schema or {}
    return DocSetConfig(
        namespace=str(sc.get("defaultNamespace", DEFAULT_NAMESPACE)),
        base_urls=tuple(sc.get("baseUrls", DEFAULT_BASE_URLS)),
        folders_to_skip=tuple(sc.get("foldersToSkip", DEFAULT_FOLDERS_TO_SKIP)),
        files_to_skip=tuple(s.casefold() for s in sc.get("filesToSkip", DEFAULT_FILES_TO_SKIP)),
        required_front_matter=tuple(sc.get("requiredYamlHeaders", ())),
        aliases=tuple(sorted(sc.get("aliases", {}).items())),
        table_kinds=kinds,
        column_rules=column_rules,
        source=source,
    )


class ConfigError(Exception):
    """A config file exists but cannot be used; the message names it."""


def _check_aliases(schema: Any, path: Path) -> None:
    """`"aliases": {"/me": "/users/{id}"}` in schemaConfig: paths on both sides."""
    aliases = schema.get("aliases", {}) if isinstance(schema, dict) else {}
    if not isinstance(aliases, dict):
        raise ConfigError(
            f'{path}: schemaConfig.aliases must be an object ("/me": "/users/{{id}}")'
        )
    for prefix, target in aliases.items():
        if not (isinstance(target, str) and prefix.startswith("/") and target.startswith("/")):
            raise ConfigError(
                f"{path}: schemaConfig.aliases: {prefix!r}: {target!r} is not a path alias "
                '(write "/me": "/users/{id}")'
            )


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: config must be a JSON object")
    return data


def find_config_dir(docs: Path) -> Path | None:
    """The doc set's `config/` folder: inside the docs folder or beside it."""
    for candidate in (docs / "config", docs.parent / "config"):
        if (candidate / "table-header-config.json").is_file() or (
            candidate / "schema-config.json"
        ).is_file():
            return candidate
    return None


def load_config(
    docs: Path, config_dir: Path | None = None, aliases: dict[str, str] | None = None
) -> DocSetConfig:
    """Load the doc set's config, falling back to the built-in Graph defaults per file;
    `aliases`: the path aliases the project declares (see `generator.model.aliases`),
    which win over those the config folder declares for the same prefix."""
    config = _load_config(docs, config_dir)
    declared = dict(config.aliases) | (aliases or {})
    return replace(config, aliases=tuple(sorted(declared.items())))


def _load_config(docs: Path, config_dir: Path | None) -> DocSetConfig:
    folder = config_dir or find_config_dir(docs)
    tables, rules, schema = DEFAULT_TABLES, DEFAULT_RULES, None
    sources = []
    if folder is not None:
        header_file = folder / "table-header-config.json"
        if header_file.is_file():
            data = _read_json(header_file).get("tableDefinitions", {})
            try:
                tables = list(data["tables"])
                rules = list(data["parsingRules"])
            except (KeyError, TypeError) as exc:
                raise ConfigError(f"{header_file}: missing tableDefinitions.{exc}") from exc
            sources.append(header_file.name)
        schema_file = folder / "schema-config.json"
        if schema_file.is_file():
            schema = _read_json(schema_file).get("schemaConfig", {})
            sources.append(schema_file.name)
            _check_aliases(schema, schema_file)
    try:
        return build_config(tables, rules, schema, "+".join(sources) or "built-in")
    except (KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(f"{folder}: malformed table config: {exc}") from exc
