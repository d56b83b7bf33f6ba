"""Lenient JSON: strict text loads untouched; each repair is listed; failures are located."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.parse.lenient_json import JsonLoad, Repair, load_lenient


def repairs(load: JsonLoad) -> list[tuple[str, int, int]]:
    return [(r.kind, r.line, r.col) for r in load.repairs]


def test_strict_json_takes_the_fast_path() -> None:
    load = load_lenient('{"a": [1, 2.5, true, null], "b": "x"}')
    assert load == JsonLoad(True, {"a": [1, 2.5, True, None], "b": "x"}, (), None, 0, 0)


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n", "\u00a0"])
def test_empty_text_fails_with_empty(text: str) -> None:
    load = load_lenient(text)
    assert (load.ok, load.error) == (False, "empty")


def test_trailing_commas_in_objects_and_arrays() -> None:
    load = load_lenient('{\n  "a": [1, 2,],\n  "b": 3,\n}')
    assert load.ok and load.value == {"a": [1, 2], "b": 3}
    assert repairs(load) == [("trailing-comma", 2, 13), ("trailing-comma", 3, 9)]


def test_line_and_block_comments_outside_strings() -> None:
    text = '{\n  "url": "http://x//y", // note\n  /* gone */ "n": 1\n}'
    load = load_lenient(text)
    assert load.value == {"url": "http://x//y", "n": 1}
    assert repairs(load) == [("comment", 2, 25), ("comment", 3, 3)]


def test_comment_from_the_corpus() -> None:
    # api/call-unmute.md
    text = '{\n  "isMuted": false, // will be set to false on unmute\n  "isInLobby": false\n}'
    load = load_lenient(text)
    assert load.value == {"isMuted": False, "isInLobby": False}
    assert repairs(load) == [("comment", 2, 21)]


def test_raw_control_characters_in_strings_are_escaped_once_per_string() -> None:
    load = load_lenient('{"a": "one\ntwo\tthree", "b": "x\x01"}')
    assert load.value == {"a": "one\ntwo\tthree", "b": "x\x01"}
    assert repairs(load) == [("raw-control-char", 1, 11), ("raw-control-char", 2, 20)]


def test_single_quoted_strings() -> None:
    # api/page-update.md
    load = load_lenient(
        "[\n  {\n    'target':'#para-id',\n    'content':'<img alt=\"x\" />'\n  }\n]"
    )
    assert load.value == [{"target": "#para-id", "content": '<img alt="x" />'}]
    assert [r.kind for r in load.repairs] == ["single-quotes"] * 4
    assert load.repairs[0] == Repair("single-quotes", 3, 5)


def test_single_quoted_string_with_escaped_quote() -> None:
    load = load_lenient("{'a': 'it\\'s'}")
    assert load.value == {"a": "it's"}


@pytest.mark.parametrize(
    ("text", "value", "found"),
    [
        ("[1, 2, ...]", [1, 2], [("ellipsis", 1, 8)]),
        ("[1, …, 2]", [1, 2], [("ellipsis", 1, 5)]),
        ('{"a": 1, ...}', {"a": 1}, [("ellipsis", 1, 10)]),
        ('{\n "a": 1\n ...\n}', {"a": 1}, [("ellipsis", 3, 2)]),
        ('{"value": [{...}, ...]}', {"value": [{}]}, [("ellipsis", 1, 13), ("ellipsis", 1, 19)]),
        ('{"a": ..., "b": 2}', {"b": 2}, [("ellipsis-value", 1, 7)]),
    ],
)
def test_ellipses_are_dropped(text: str, value: object, found: list[tuple[str, int, int]]) -> None:
    load = load_lenient(text)
    assert (load.ok, load.value, repairs(load)) == (True, value, found)


def test_ellipsis_inside_a_string_is_content() -> None:
    assert load_lenient('{"a": "more..."}').repairs == ()


def test_no_break_spaces_used_as_indentation() -> None:
    load = load_lenient('{\n\u00a0\u00a0"a": 1,\n\u2003"b": "\u00a0"\n}')
    assert load.value == {"a": 1, "b": "\u00a0"}
    assert repairs(load) == [("nbsp", 2, 1), ("unicode-space", 3, 1)]


def test_missing_comma_between_members_on_separate_lines() -> None:
    # api/administrativeunit-get-members.md
    text = '{\n  "@odata.type":"#microsoft.graph.user",\n  "id":"492c"\n  "accountEnabled":true\n}'
    load = load_lenient(text)
    assert load.value == {
        "@odata.type": "#microsoft.graph.user",
        "id": "492c",
        "accountEnabled": True,
    }
    assert repairs(load) == [("missing-comma", 3, 14)]


def test_missing_comma_between_array_elements_on_separate_lines() -> None:
    load = load_lenient('[\n  {"a": 1}\n  {"a": 2}\n]')
    assert load.value == [{"a": 1}, {"a": 2}]
    assert repairs(load) == [("missing-comma", 2, 11)]


def test_leading_bom() -> None:
    load = load_lenient('\ufeff{"a": 1,}')
    assert load.value == {"a": 1}
    assert repairs(load) == [("bom", 1, 1), ("trailing-comma", 1, 9)]


def test_unquoted_key() -> None:
    load = load_lenient('{id: "x", "@odata.type": "y"}')
    assert load.value == {"id": "x", "@odata.type": "y"}
    assert repairs(load) == [("unquoted-key", 1, 2)]


def test_repairs_are_listed_in_text_order() -> None:
    load = load_lenient("{\n  'a': 1, // c\n  \"b\": [2,],\n}")
    assert [r.kind for r in load.repairs] == [
        "single-quotes",
        "comment",
        "trailing-comma",
        "trailing-comma",
    ]


@pytest.mark.parametrize(
    ("text", "error", "line", "col"),
    [
        ('{"a": 1', "unexpected end of text: '{' is never closed", 1, 8),
        ('{"a" 1}', "expected ':' after the property name, found '1'", 1, 6),
        ('{"a": [1 2]}', "expected ',' or ']', found '2'", 1, 10),
        ('{"a": 1 "b": 2}', "expected ',' or '}', found '\"b\"'", 1, 9),
        ('{"a": 1,, "b": 2}', "expected a property name, found ','", 1, 9),
        ('{"a": 1}}', "unexpected '}' after the JSON value", 1, 9),
        ('{"a": NaN}', "expected a value, found 'NaN'", 1, 7),
        ('{"a": 01}', "expected a value, found '01'", 1, 7),
        ('{"a": "x\\q"}', "invalid escape '\\q' in string", 1, 9),
        ('{"a": "x}', "unterminated string", 1, 7),
        ('{"a": 1 /* x', "unterminated /* comment", 1, 9),
        ('{\n  "d": 2018-04-01T12:39:16Z\n}', "expected a value, found '2018-04-01T12'", 2, 8),
    ],
)
def test_failures_are_located(text: str, error: str, line: int, col: int) -> None:
    load = load_lenient(text)
    assert (load.ok, load.value, load.error, load.line, load.col) == (False, None, error, line, col)


def test_nan_is_rejected_even_when_json_loads_would_accept_it() -> None:
    assert not load_lenient("[NaN]").ok
    assert not load_lenient("-Infinity").ok


def test_unclosed_multiline_string_hints_at_the_missing_quote() -> None:
    # api/userteamwork-delete-installedapps.md (page annotation)
    text = '{\n  "description": "User delete,\n  "keywords": "",\n  "tocPath": ""\n}'
    load = load_lenient(text)
    assert not load.ok
    assert load.error is not None and "line 2 col 18 spans lines" in load.error


@pytest.mark.parametrize("depth", [257, 300, 5000, 100_000])
def test_nesting_deeper_than_max_depth_fails_without_recursion_error(depth: int) -> None:
    load = load_lenient("[" * depth + "]" * depth)
    assert (load.ok, load.error) == (False, "nesting deeper than 256 levels")
    assert (load.line, load.col) == (1, 257)


def test_nesting_up_to_max_depth_loads() -> None:
    assert load_lenient("[" * 256 + "]" * 256).ok
    assert load_lenient('{"a": {"b": [1]}}', max_depth=3).ok
    assert not load_lenient('{"a": {"b": [1]}}', max_depth=2).ok
    assert not load_lenient('{"a": {"b": [1,]}}', max_depth=2).ok


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(json_values, st.sampled_from([None, 0, 2]))
def test_any_strict_json_loads_unchanged(value: object, indent: int | None) -> None:
    load = load_lenient(json.dumps(value, indent=indent, ensure_ascii=False))
    assert (load.ok, load.value, load.repairs) == (True, value, ())


@given(
    st.text(alphabet=st.sampled_from(list("{}[]:,\"'/*.…\\ \n\t\u00a0ab1-etrufnl")), max_size=40)
)
def test_arbitrary_text_never_raises(text: str) -> None:
    load = load_lenient(text)
    assert load.ok or (load.error and load.line >= 1 and load.col >= 1)
    if load.ok:
        assert json.loads(json.dumps(load.value)) == load.value
