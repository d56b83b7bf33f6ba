"""Property tests: no input makes the parse or resolve stage raise.

Generated pages mix annotations (valid, sloppy, truncated), fences (closed or
not, any info string), tables with missing or extra cells, headings in odd
orders, tables of thousands of rows, deep JSON, CRLF, BOM, tabs, NUL bytes,
long lines, and raw bytes that are not UTF-8. Every problem
must come back as a diagnostic with a location. `make fuzz` runs more cases.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.config import DEFAULT_RULES, DEFAULT_TABLES, build_config
from generator.model.resolve import build_model
from generator.parse.page import parse_page
from generator.pipeline.sources import decode_page

CONFIG = build_config(DEFAULT_TABLES, DEFAULT_RULES, None, "fuzz")
EXAMPLES = int(os.environ.get("DOCGEN_FUZZ_EXAMPLES", "60"))

_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40
)
_json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=12,
)


@st.composite
def annotation(draw: st.DrawFn) -> str:
    kind = draw(
        st.sampled_from(["request", "response", "resource", "ignored", "example", "odd", ""])
    )
    body = f'{{ "blockType": "{kind}", "name": "{draw(st.text("abc_", max_size=4))}"'
    if draw(st.booleans()):
        body += ', "@odata.type": "ns.t"'
    body += draw(st.sampled_from(["}", ",}", "", " ' }", "}}"]))
    return f"<!-- {body} -->"


@st.composite
def fence(draw: st.DrawFn) -> str:
    info = draw(st.sampled_from(["http", " http", "json", "", "msgraph-interactive", "```"]))
    first = draw(
        st.sampled_from(
            [
                "GET /a/{id}",
                "POST https://x/v1.0/a",
                "HTTP/1.1 200 OK",
                "HTTP 201 OK",
                "{",
                "",
                "PATCH",
            ]
        )
    )
    body = draw(st.sampled_from(["", "Content-Type: application/json", "\n"]))
    payload = draw(st.sampled_from(['{"a": 1,}', "{'x': ...}", "[" * 50, '{"a": "b\nc"}', ""]))
    close = draw(st.sampled_from(["```", "", "~~~"]))
    return f"```{info}\n{first}\n{body}\n\n{payload}\n{close}"


@st.composite
def table(draw: st.DrawFn) -> str:
    cols = draw(st.integers(1, 4))
    header = (
        "| "
        + " | ".join(
            draw(st.sampled_from(["Property", "Type", "Name", "Member", "x"])) for _ in range(cols)
        )
        + " |"
    )
    rows = [
        "| "
        + " | ".join(
            draw(st.sampled_from(["String", "a", "[t](t.md) collection", "", "`x`"]))
            for _ in range(draw(st.integers(0, 6)))
        )
        + " |"
        for _ in range(draw(st.integers(0, 4)))
    ]
    return "\n".join([header, "|" + "---|" * cols, *rows])


piece = st.one_of(
    annotation(),
    fence(),
    table(),
    st.builds(
        lambda n, t: "#" * n + " " + t,
        st.integers(1, 7),
        st.sampled_from(
            ["Properties", "HTTP request", "Example", "Response", "x values", "[HTTP](#tab/http)"]
        ),
    ),
    _text,
    st.just("[!INCLUDE [x](y.md)]"),
    st.just("> note"),
    st.just("---\ntitle: [x\n---"),
    st.just("\ufeff"),
    st.just("\x00"),
    st.just("x" * 5000),
    st.integers(0, 3000).map(
        lambda n: "## Properties\n| Property | Type | Description |\n|--|--|--|\n"
        + "\n".join(f"| p{i} | String | row {i} |" for i in range(n))
    ),
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(piece, max_size=12), st.sampled_from(["\n", "\r\n", "\r", "\n\n"]))
def test_random_pages_never_raise(pieces: list[str], newline: str) -> None:
    text = newline.join(pieces)
    facts = parse_page("api/fuzz.md", text.replace("\r\n", "\n").replace("\r", "\n"), CONFIG)
    other = parse_page("resources/t.md", text, CONFIG)
    model = build_model([facts, other], CONFIG)
    for diagnostic in model.diagnostics:
        assert diagnostic.file and diagnostic.line >= 1 and diagnostic.col >= 1 and diagnostic.code


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(piece.map(lambda p: p.encode()), st.binary(max_size=16)), max_size=8))
def test_random_bytes_never_raise(pieces: list[bytes]) -> None:
    """Pages as read from disk: invalid UTF-8, Latin-1, lone surrogates, empty files."""
    pages = []
    for i, data in enumerate([b"\n".join(pieces), b"", b"caf\xe9\n" + b"".join(pieces)]):
        source, problems = decode_page(f"api/p{i}.md", data)
        for diagnostic in problems:
            assert diagnostic.code == "F001" and diagnostic.line >= 1
        if source is not None:
            pages.append(parse_page(source.path, source.text, CONFIG))
    model = build_model(pages, CONFIG)
    for diagnostic in model.diagnostics:
        assert diagnostic.file and diagnostic.line >= 1 and diagnostic.col >= 1 and diagnostic.code


@settings(max_examples=EXAMPLES, deadline=None)
@given(_json_like, st.integers(0, 300))
def test_json_bodies_any_shape_and_depth(value: object, depth: int) -> None:
    import json

    body = "[" * depth + json.dumps(value) + "]" * depth
    text = f'## Example\n<!-- {{ "blockType": "response" }} -->\n```http\nHTTP/1.1 200 OK\n\n{body}\n```\n'
    facts = parse_page("api/x.md", text, CONFIG)
    assert facts.blocks[0].response is not None
