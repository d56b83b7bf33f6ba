"""Diagnostics: the one way any stage reports a problem.

Every skipped, repaired or inconsistent thing becomes a `Diagnostic` with a
stable code from `RULES`; nothing is dropped without one. The registry is the
single source of codes, severities and one-line explanations (`docgen rules`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from generator.digest import Digested


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    name: str
    summary: str


@dataclass(frozen=True, order=True)
class Diagnostic(Digested):
    """A finding at `file:line:col` (1-based; file relative to the doc set root)."""

    file: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = Severity.WARNING

    def format(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.code} {self.message}"

    def _content_digest(self) -> str:
        """Small: its fields are its digest (cheaper than hashing a pickle)."""
        return repr((self.file, self.line, self.col, self.code, self.message, self.severity.value))


def _rules(*rules: tuple[str, Severity, str, str]) -> dict[str, Rule]:
    return {code: Rule(code, sev, name, summary) for code, sev, name, summary in rules}


E, W, INF = Severity.ERROR, Severity.WARNING, Severity.INFO

RULES: dict[str, Rule] = _rules(
    # Input files
    ("F001", E, "unreadable-file", "A file could not be read or is not UTF-8 text."),
    (
        "F002",
        W,
        "front-matter-invalid",
        "The YAML front matter does not parse, or is past the size limits, and was not read.",
    ),
    ("F003", W, "front-matter-key-missing", "A front-matter key the doc set requires is missing."),
    ("F004", W, "page-too-large", "A page is over the size limit and was skipped."),
    (
        "F005",
        W,
        "page-too-complex",
        "A page would make more Markdown tokens than the limit; it was read up to that line.",
    ),
    (
        "F006",
        W,
        "page-link-outside",
        "A page is a symbolic link to a file outside the doc set's folder and was not read.",
    ),
    (
        "F007",
        E,
        "markdown-parse-failed",
        "The Markdown parser failed on a page; the page was not read.",
    ),
    # Annotations
    (
        "A001",
        E,
        "annotation-invalid-json",
        "An annotation comment is not JSON and cannot be repaired.",
    ),
    (
        "A002",
        W,
        "annotation-repaired",
        "An annotation comment was not strict JSON and was repaired.",
    ),
    (
        "A003",
        W,
        "annotation-unknown-blocktype",
        "An annotation names a blockType docgen does not know.",
    ),
    ("A004", W, "annotation-without-block", "An annotation is not followed by a fenced block."),
    ("A005", W, "annotation-unknown-key", "An annotation has a key the format does not define."),
    ("A006", W, "annotation-name-reused", "An example name is used by more than one annotation."),
    ("A007", W, "page-annotation-misplaced", "A page annotation is not at the end of the page."),
    (
        "A008",
        W,
        "annotation-value-invalid",
        "An annotation key has a value of the wrong kind (a string for a flag, ...).",
    ),
    # HTTP blocks
    (
        "H001",
        E,
        "request-line-invalid",
        "An example request block does not start with a request line.",
    ),
    ("H002", W, "status-line-missing", "A response example has no HTTP status line."),
    (
        "H003",
        W,
        "reason-phrase-mismatch",
        "A status line's reason phrase does not belong to its code.",
    ),
    ("H004", W, "header-line-invalid", "A header line in an HTTP block does not parse."),
    (
        "H005",
        W,
        "syntax-path-invalid",
        "A line of the HTTP request syntax block is not a request line.",
    ),
    ("H006", W, "syntax-block-missing", "A method page has no HTTP request syntax block."),
    # JSON bodies
    ("J001", INF, "json-repaired", "A JSON body was not strict JSON and was repaired."),
    ("J002", W, "json-invalid", "A JSON body does not load even after repair; kept as text."),
    # Tables
    # info: most unclassified tables are prose tables (task lists, value lists), not
    # problems; 3 of 10 sampled on Graph v1.0 were real (issue 6 precision review).
    ("T001", INF, "table-unclassified", "A table's title and columns match no known table kind."),
    ("T002", W, "type-unparsable", "A Type cell does not name a known type."),
    ("T003", W, "placeholder-row", "A table row is template placeholder text."),
    ("T004", W, "permissions-empty", "A permissions table or scopes line is empty."),
    ("T005", W, "table-row-shape", "A table row has a different number of cells than its header."),
    ("T006", W, "table-too-long", "A table has more rows than the limit; the rest are ignored."),
    # Examples
    (
        "X001",
        INF,
        "example-inferred",
        "An un-annotated block was recognised as an example by its first line.",
    ),
    ("X002", W, "request-without-response", "An example request has no response."),
    ("X003", W, "response-without-request", "An example response has no request."),
    (
        "X004",
        W,
        "example-path-unmatched",
        "An example URL matches none of the page's syntax paths.",
    ),
    (
        "X005",
        W,
        "example-method-mismatch",
        "An example uses another HTTP method than the syntax block.",
    ),
    ("X006", W, "example-endpoint-unknown", "An example URL matches no endpoint of the doc set."),
    (
        "X007",
        INF,
        "request-in-syntax-section",
        "A request example stands where the syntax block belongs; its path is a syntax path too.",
    ),
    (
        "X008",
        W,
        "status-mismatch",
        "An example's status code is not the one the Response section promises.",
    ),
    ("X009", W, "empty-response-has-body", "A 204 or `isEmpty` response example has a body."),
    ("X010", W, "response-body-missing", "A 200 response example with a JSON type has no body."),
    ("X011", W, "content-type-missing", "An example with a JSON body has no Content-Type header."),
    ("X012", W, "response-duplicate", "A request example is followed by a second response."),
    (
        "X013",
        INF,
        "path-alias-inferred",
        "Two path prefixes the docs list together for one entity type are taken as aliases.",
    ),
    (
        "X014",
        INF,
        "example-path-from-root",
        "An example path is written from the service root (`~/users`); read without the `~`.",
    ),
    (
        "X015",
        W,
        "reference-without-ref",
        'An example sends a reference (`{"@odata.id": ...}`) to a path without `/$ref`.',
    ),
    (
        "X016",
        W,
        "ref-without-reference",
        "An example sends to a `/$ref` path a body that is not a reference (no `@odata.id`).",
    ),
    # Example bodies against the resolved types
    ("B001", W, "body-property-unknown", "A JSON body has a property its type does not define."),
    ("B002", W, "body-value-type", "A JSON value has the wrong JSON type for its property."),
    (
        "B003",
        W,
        "body-value-invalid",
        "A value is not valid for its declared type (date, GUID, URL, enum member, range).",
    ),
    (
        "B004",
        W,
        "body-shape-mismatch",
        "A JSON value is single where a collection is declared, or the other way round.",
    ),
    (
        "B005",
        W,
        "body-odata-type-mismatch",
        "An `@odata.type` in a body names a type that is not the declared one or derived from it.",
    ),
    (
        "B006",
        INF,
        "body-property-missing",
        "A complete (not `truncated`) example omits properties of its type.",
    ),
    (
        "B007",
        W,
        "body-type-unknown",
        "An example declares a body type the doc set does not define.",
    ),
    (
        "B008",
        W,
        "body-null-not-nullable",
        "A property documented as not nullable is null in an example.",
    ),
    (
        "B010",
        W,
        "body-placeholder",
        'A template\'s placeholder (`"id-value"`, `"String"`) stands where a typed value belongs.',
    ),
    (
        "B009",
        W,
        "body-derived-type-unnamed",
        "A request body sends properties only a derived type has, without `@odata.type`.",
    ),
    # Resources and types
    (
        "R001",
        W,
        "property-only-in-table",
        "A property is in the Properties table but not the JSON representation.",
    ),
    (
        "R002",
        W,
        "property-only-in-json",
        "A property is in the JSON representation but not the Properties table.",
    ),
    ("R003", W, "type-unresolved", "A type reference names no resource, enum or primitive type."),
    ("R004", W, "resource-duplicate", "A resource is defined on more than one page."),
    ("R005", W, "base-type-unknown", "A resource's base type is not defined in the doc set."),
    ("R006", W, "key-property-missing", "A resource's key property is not among its properties."),
    ("R007", W, "resource-json-invalid", "A resource block's JSON representation does not load."),
    (
        "R008",
        W,
        "link-unresolved",
        "A link to a type page points at a page that is not in the doc set.",
    ),
    ("R009", W, "enum-duplicate", "An enum is defined more than once."),
    (
        "R010",
        W,
        "property-type-conflict",
        "The table and the JSON representation give different types.",
    ),
    ("R011", W, "resource-unnamed", "A resource block's annotation names no @odata.type."),
    (
        "R012",
        INF,
        "base-type-implied",
        "No base type is stated, but the key, a path or an example implies one.",
    ),
    (
        "R013",
        W,
        "base-type-conflict",
        "A property is inherited from a type that is not among the stated base types.",
    ),
    (
        "R014",
        INF,
        "probable-enum",
        "A String property whose description lists its possible values: probably an enum.",
    ),
    # Endpoints
    (
        "P001",
        W,
        "path-param-renamed",
        "A path parameter name was repeated or unusable and was renamed.",
    ),
    # info: Graph documents one endpoint on a page per derived type (Intune) by design;
    # 2 of 10 sampled on v1.0 were real problems (issue 6 precision review).
    (
        "P002",
        INF,
        "endpoint-duplicate",
        "The same method and path are documented on more than one page.",
    ),
    (
        "P005",
        W,
        "endpoint-pages-disagree",
        "Pages that document the same method and path give other types or permissions.",
    ),
    (
        "P003",
        INF,
        "path-placeholder-style",
        "A path placeholder is written `<x>` where the format writes `{x}`.",
    ),
    (
        "P004",
        INF,
        "path-segment-case",
        "A syntax path segment is capitalised where the format's names are lowerCamel.",
    ),
    # Links
    ("L001", W, "link-target-missing", "A relative link points at a file that does not exist."),
    (
        "L002",
        W,
        "link-case-mismatch",
        "A relative link resolves only on a case-insensitive file system.",
    ),
    ("L003", W, "anchor-missing", "A `#anchor` link names no heading of its target page."),
    (
        "L004",
        W,
        "type-link-mismatch",
        "A Type cell's link text names one type of the doc set and the link leads to another's page.",
    ),
    (
        "L005",
        INF,
        "link-outside-doc-set",
        "A relative link leaves the doc set's folder (a shared include, another doc set); "
        "docgen does not check it.",
    ),
    # Pages
    ("G001", W, "permissions-missing", "A method page has no permissions table or scopes line."),
    # The service's published metadata (`--metadata FILE`): never input to the model
    (
        "M001",
        W,
        "metadata-property-type",
        "A documented property's type is not the one the service's metadata gives it.",
    ),
    (
        "M002",
        W,
        "metadata-property-collection",
        "A property is documented as one value where the service has a collection, or the "
        "other way round.",
    ),
    (
        "M003",
        W,
        "metadata-property-unknown",
        "A documented property is not in the service's metadata for its type.",
    ),
    (
        "M004",
        W,
        "metadata-property-undocumented",
        "The service's metadata gives a documented type a property its page does not document.",
    ),
    (
        "M005",
        W,
        "metadata-base-type",
        "A documented type's base type is not the one the service's metadata gives it.",
    ),
    (
        "M006",
        W,
        "metadata-enum-members",
        "A documented enum lists members the service does not have, or lacks some it has.",
    ),
    (
        "M007",
        INF,
        "metadata-type-unknown",
        "A documented type or enum is not in the service's metadata.",
    ),
    (
        "M008",
        W,
        "metadata-property-nullable",
        "A property documented as nullable (or not) is the other way round in the metadata.",
    ),
    (
        "M009",
        INF,
        "metadata-not-documented",
        "An entity set, singleton, action or function of the service's metadata that no "
        "documented path addresses.",
    ),
    (
        "M010",
        W,
        "metadata-path-unknown",
        "A documented path has a segment that names nothing in the service's metadata "
        "(no entity set, singleton, property, type, action or function).",
    ),
    (
        "M011",
        W,
        "metadata-ref-on-contained",
        "A path adds or removes a contained entity (ContainsTarget) through `/$ref`; it is "
        "created or deleted on the path itself.",
    ),
    (
        "M012",
        W,
        "metadata-ref-missing",
        "A path adds to or removes from a relationship that does not hold its targets "
        "without `/$ref`: it would create or delete the entity itself.",
    ),
    # Suppressions
    ("S001", W, "suppression-unused", "A page suppression matches no finding."),
    (
        "S002",
        INF,
        "suppression-foreign",
        "A page suppression is not in docgen's `CODE[: location]` form and is ignored.",
    ),
)


def make(code: str, file: str, line: int, col: int, message: str) -> Diagnostic:
    """Build a diagnostic whose severity comes from the registry."""
    return Diagnostic(file, max(line, 1), max(col, 1), code, message, RULES[code].severity)
