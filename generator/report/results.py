"""What a run of the generated suite said about each example: a pytest `--junitxml` file.

The generated tests are parametrised by fixture file stem (`test_x[<stem>]`, see
`templates/tests/conftest.py.jinja`), one test module per check; so a test case names
its example by the bracketed id and its check by its module. The file is the user's:
read defensively, and any problem is one `ResultsError` line.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
_PARAMETER = re.compile(r"\[(?P<id>[^\[\]]+)\]$")
MESSAGE_LIMIT = 300  # a failure's message is a hint, its traceback is in the file


class ResultsError(Exception):
    """The results file cannot be read as JUnit XML."""


@dataclass(frozen=True, order=True)
class Replay:
    """One test of one example: which check (the test module), and how it went."""

    check: str
    outcome: str  # passed | failed | skipped
    message: str = ""


@dataclass(frozen=True)
class Results:
    by_stem: dict[str, tuple[Replay, ...]]  # fixture file stem -> its tests, sorted
    cases: int  # test cases read, parametrised by an example or not


def read_results(path: Path) -> Results:
    """Every parametrised test case of the file, by the id in its brackets."""
    try:
        root = ElementTree.parse(path).getroot()
    except OSError as exc:
        raise ResultsError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ElementTree.ParseError as exc:
        raise ResultsError(f"{path}: not a JUnit XML file: {exc}") from None
    if root.tag not in ("testsuites", "testsuite"):
        raise ResultsError(f"{path}: not a JUnit XML file: its root is <{root.tag}>")
    found: dict[str, list[Replay]] = defaultdict(list)
    cases = 0
    for case in root.iter("testcase"):
        cases += 1
        matched = _PARAMETER.search(case.get("name", ""))
        if matched is not None:
            found[matched.group("id")].append(_replay(case))
    return Results({stem: tuple(sorted(r)) for stem, r in sorted(found.items())}, cases)


def _replay(case: ElementTree.Element) -> Replay:
    check = _check_name(case.get("classname", ""))
    for tag, outcome in (("failure", FAILED), ("error", FAILED), ("skipped", SKIPPED)):
        child = case.find(tag)
        if child is not None:
            return Replay(check, outcome, _one_line(child.get("message") or child.text or tag))
    return Replay(check, PASSED)


def _check_name(classname: str) -> str:
    """`tests.test_server_examples` -> `server_examples`: the module is the check."""
    module = classname.rsplit(".", 1)[-1]
    return module.removeprefix("test_") or module or "test"


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= MESSAGE_LIMIT else line[: MESSAGE_LIMIT - 1] + "…"
