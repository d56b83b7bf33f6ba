"""Type-column parsing: real spellings from the Graph corpus, one row per dialect."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.model.typeref import PRIMITIVES, ParsedType, parse_type_cell, type_name_from_link

CORPUS = Path(__file__).resolve().parents[2] / "shared/corpus/graph-v1.0"


def pt(
    name: str,
    collection: bool = False,
    primitive: bool = True,
    link: str | None = None,
    read_only: bool = False,
    nullable: bool | None = None,
    notes: tuple[str, ...] = (),
) -> ParsedType:
    return ParsedType(name, collection, primitive, link, read_only, nullable, notes)


CASES: list[tuple[str, tuple[str, ...], ParsedType | None]] = [
    # primitives, any case, with or without the Edm namespace
    ("String", (), pt("Edm.String")),
    ("string", (), pt("Edm.String")),
    ("Edm.String", (), pt("Edm.String")),
    ("Int32", (), pt("Edm.Int32")),
    ("int", (), pt("Edm.Int32")),
    ("Integer", (), pt("Edm.Int32")),
    ("Edm.Int32", (), pt("Edm.Int32")),
    ("Int64", (), pt("Edm.Int64")),
    ("Int16", (), pt("Edm.Int16")),
    ("Byte", (), pt("Edm.Byte")),
    ("Double", (), pt("Edm.Double")),
    ("number", (), pt("Edm.Double")),
    ("Single", (), pt("Edm.Single")),
    ("Float", (), pt("Edm.Single")),
    ("Boolean", (), pt("Edm.Boolean")),
    ("bool", (), pt("Edm.Boolean")),
    ("DateTimeOffset", (), pt("Edm.DateTimeOffset")),
    ("dateTimeOffset", (), pt("Edm.DateTimeOffset")),
    ("DateTimeOffSet", (), pt("Edm.DateTimeOffset")),
    ("DateTime", (), pt("Edm.DateTimeOffset")),
    ("Timestamp", (), pt("Edm.DateTimeOffset")),
    ("Date", (), pt("Edm.Date")),
    ("TimeOfDay", (), pt("Edm.TimeOfDay")),
    ("Edm.TimeOfDay", (), pt("Edm.TimeOfDay")),
    ("Duration", (), pt("Edm.Duration")),
    ("Guid", (), pt("Edm.Guid")),
    ("GUID", (), pt("Edm.Guid")),
    ("Binary", (), pt("Edm.Binary")),
    ("Stream", (), pt("Edm.Stream")),
    ("Url", (), pt("Edm.String")),
    ("Object", (), pt("Edm.Untyped")),
    ("Untyped JSON object", (), pt("Edm.Untyped")),
    ("Edm.GeographyPoint", (), pt("Edm.GeographyPoint")),
    # collections in every spelling
    ("String collection", (), pt("Edm.String", collection=True)),
    ("Collection(String)", (), pt("Edm.String", collection=True)),
    ("collection(string)", (), pt("Edm.String", collection=True)),
    ("Collection of String", (), pt("Edm.String", collection=True)),
    ("String[]", (), pt("Edm.String", collection=True)),
    ("array of Int32", (), pt("Edm.Int32", collection=True)),
    ("Guid collection", (), pt("Edm.Guid", collection=True)),
    # named types: the text names them, the link is kept for the resolver
    ("recipient", (), pt("recipient", primitive=False)),
    ("recipient", ("recipient.md",), pt("recipient", primitive=False, link="recipient.md")),
    (
        "recipient collection",
        ("../resources/recipient.md",),
        pt("recipient", True, False, "../resources/recipient.md"),
    ),
    (
        "Collection(recipient)",
        ("recipient.md",),
        pt("recipient", True, False, "recipient.md"),
    ),
    (
        "WorkbookChartFill",
        ("chartfill.md",),
        pt("WorkbookChartFill", primitive=False, link="chartfill.md"),
    ),
    (
        "threatCategory",
        ("enums.md#threatcategory-values",),
        pt("threatCategory", primitive=False, link="enums.md#threatcategory-values"),
    ),
    ("ageGroup", ("#agegroup-values",), pt("ageGroup", primitive=False, link="#agegroup-values")),
    (
        "mimeContent",
        ("../resources/intune-shared-mimecontent.md",),
        pt("mimeContent", primitive=False, link="../resources/intune-shared-mimecontent.md"),
    ),
    (
        "microsoft.graph.callRecords.endpoint",
        ("callrecords-endpoint.md",),
        pt("microsoft.graph.callRecords.endpoint", primitive=False, link="callrecords-endpoint.md"),
    ),
    ("microsoft.graph.x", (), pt("microsoft.graph.x", primitive=False)),
    (
        "Json",
        ("../resources/intune-mam-json.md",),
        pt("Json", False, False, "../resources/intune-mam-json.md"),
    ),
    ("JSON object", (), pt("JSON", primitive=False)),
    (
        "itemAnalytics resource",
        ("itemanalytics.md",),
        pt("itemAnalytics", False, False, "itemanalytics.md"),
    ),
    ("error object", (), pt("error", primitive=False)),
    # a primitive wins over a link in the same cell
    ("String", ("https://example.com/docs",), pt("Edm.String")),
    ("String", ("x.md",), pt("Edm.String")),
    # notes, read-only and nullability markers
    ("Boolean (read-only)", (), pt("Edm.Boolean", read_only=True)),
    ("string (readonly)", (), pt("Edm.String", read_only=True)),
    ("String. Read-only.", (), pt("Edm.String", read_only=True)),
    ("String (identifier)", (), pt("Edm.String", notes=("identifier",))),
    ("string (url)", (), pt("Edm.String", notes=("url",))),
    ("String (enum)", (), pt("Edm.String", notes=("enum",))),
    ("(Optional) String", (), pt("Edm.String", notes=("Optional",))),
    ("Int32 (nullable)", (), pt("Edm.Int32", nullable=True)),
    ("Int32 (not nullable)", (), pt("Edm.Int32", nullable=False)),
    ("Collection(String) (read-only)", (), pt("Edm.String", True, read_only=True)),
    ("String (url) collection", (), pt("Edm.String", True, notes=("url",))),
    (
        "teamVisibilityType (optional)",
        ("../resources/teamvisibilitytype.md",),
        pt(
            "teamVisibilityType",
            False,
            False,
            "../resources/teamvisibilitytype.md",
            notes=("optional",),
        ),
    ),
    (
        "educationOutcome collection. Holds grades, feedback and/or rubrics",
        ("educationOutcome.md",),
        pt(
            "educationOutcome",
            True,
            False,
            "educationOutcome.md",
            notes=("Holds grades, feedback and/or rubrics",),
        ),
    ),
    # markdown the cell extractor did not render
    (
        "[invitedUserMessageInfo](invitedusermessageinfo.md",
        (),
        pt("invitedUserMessageInfo", False, False, "invitedusermessageinfo.md"),
    ),
    ("`String`", (), pt("Edm.String")),
    ("[driveItem][]", (), pt("driveItem", primitive=False)),
    ("[**site**][site]", (), pt("site", primitive=False)),
    ("Collection([drive][])", (), pt("drive", True, False)),
    ("[recipient] collection", (), pt("recipient", True, False)),
    # the link names the type when the text does not
    (
        "",
        ("../resources/recipient.md",),
        pt("recipient", False, False, "../resources/recipient.md"),
    ),
    # alternatives: pick only when they agree
    ("String or Int32", (), None),
    ("string/number", (), None),
    ("a | b", (), None),
    ("appHostedMediaConfig or serviceHostedMediaConfig", ("apphostedmediaconfig.md",), None),
    ("int or Int32", (), pt("Edm.Int32")),
    (
        "appHostedMediaConfig or serviceHostedMediaConfig",
        ("apphostedmediaconfig.md", "servicehostedmediaconfig.md"),
        None,
    ),
    # nothing to go on
    ("", (), None),
    ("   ", (), None),
    ("** Unknown Type microsoft.management.x.operation ** collection", (), None),
    ("see the description", (), None),
]


@pytest.mark.parametrize(("text", "links", "expected"), CASES)
def test_parse_type_cell(text: str, links: tuple[str, ...], expected: ParsedType | None) -> None:
    assert parse_type_cell(text, links) == expected


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("recipient.md", "recipient"),
        ("../resources/recipient.md#x", "recipient"),
        ("../resources/intune-mam-json.md", "intune-mam-json"),
        ("./emailAddress.md?view=graph", "emailAddress"),
        ("#agegroup-values", None),
        ("https://example.com/x", None),
        ("/graph/permissions-reference", None),
        ("", None),
    ],
)
def test_type_name_from_link(href: str, expected: str | None) -> None:
    assert type_name_from_link(href) == expected


def test_primitives_are_lower_case_keys_to_edm_names() -> None:
    assert all(k == k.lower() and v.startswith("Edm.") for k, v in PRIMITIVES.items())


_HEADING = re.compile(r"^#+\s*(.*?)\s*$")
_TABLE_SECTIONS = re.compile(r"propert|relationship|request body|parameter", re.I)
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")


def _type_cells(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Throw-away pipe-table reader: Type cells under property/parameter headings."""
    cells, section, type_col = [], "", None
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading:
            section, type_col = heading.group(1), None
            continue
        if not line.lstrip().startswith("|") or not _TABLE_SECTIONS.search(section):
            type_col = None if not line.strip().startswith("|") else type_col
            continue
        row = [c.strip() for c in line.strip().strip("|").split("|")]
        if type_col is None:
            lower = [c.lower() for c in row]
            type_col = lower.index("type") if "type" in lower else -1
        elif 0 <= type_col < len(row) and not set(row[type_col]) <= set(":- "):
            cell = row[type_col]
            cells.append((_LINK.sub(r"\1", cell), tuple(h for _, h in _LINK.findall(cell))))
    return cells


@pytest.mark.corpus
def test_corpus_type_cells_parse() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not present at {CORPUS}")
    cells = {
        c for page in sorted(CORPUS.glob("*/*.md")) for c in _type_cells(page.read_text("utf-8"))
    }
    failed = sorted(c for c in cells if parse_type_cell(*c) is None)
    print(
        f"\n{len(cells)} distinct Type cells, {len(cells) - len(failed)} parse; unparsed: {failed}"
    )
    assert len(failed) <= max(10, len(cells) // 100)
