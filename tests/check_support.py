"""Helpers for the check-stage tests: write small pages, run the real pipeline and the checks."""

from __future__ import annotations

import textwrap
from pathlib import Path

from generator.check.context import CheckOptions
from generator.check.runner import run_checks
from generator.diagnostics import Diagnostic
from generator.model.resolve import build_model
from generator.pipeline.run import parse_doc_set

FENCE = "```"


def write(root: Path, pages: dict[str, str]) -> Path:
    for rel, text in pages.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n").replace("~~~", FENCE), encoding="utf-8")
    return root


def check(root: Path, pages: dict[str, str], *, strict: bool = True) -> list[Diagnostic]:
    """Every finding (earlier stages and checks) on the pages written under `root`.

    `~~~` in page text stands for a code fence, so samples can sit in Python strings.
    """
    write(root, pages)
    parsed = parse_doc_set(root)
    model = build_model(parsed.pages, parsed.config)
    return run_checks(model, parsed.pages, parsed.config, CheckOptions(strict=strict, root=root))


def codes(findings: list[Diagnostic], code: str) -> list[Diagnostic]:
    return [d for d in findings if d.code == code]


def where(findings: list[Diagnostic], code: str) -> list[tuple[str, int]]:
    return [(d.file, d.line) for d in findings if d.code == code]


RESOURCE_PAGE = """
---
title: thing resource type
doc_type: resourcePageType
---
# thing resource type

Namespace: microsoft.graph

Inherits from [base](base.md).

## Properties
| Property | Type | Description |
|:---|:---|:---|
| id | String | Identifier. |
| size | Int32 | Size. |
| createdDateTime | DateTimeOffset | Created. |
| owner | Guid | Owner. |
| kind | thingKind | Kind. |
| tags | String collection | Tags. |
| label | String | Label. Not nullable. |
| webUrl | String | Where to see it. |
| child | [part](part.md) | A part. |

### thingKind values
| Member | Description |
|:---|:---|
| small | Small. |
| large | Large. |

## JSON representation
<!-- { "blockType": "resource", "@odata.type": "microsoft.graph.thing", "optionalProperties": ["owner"] } -->
~~~json
{
  "id": "String",
  "size": 1024,
  "createdDateTime": "String (timestamp)",
  "owner": "Guid",
  "kind": "String",
  "tags": ["String"],
  "label": "String",
  "webUrl": "String",
  "child": {"@odata.type": "microsoft.graph.part"}
}
~~~
"""

BASE_PAGE = """
# base resource type

## Properties
| Property | Type | Description |
|:---|:---|:---|
| note | String | A note. |

## JSON representation
<!-- { "blockType": "resource", "@odata.type": "microsoft.graph.base" } -->
~~~json
{ "note": "String" }
~~~
"""

PART_PAGE = """
# part resource type

## Properties
| Property | Type | Description |
|:---|:---|:---|
| name | String | Name. |

## JSON representation
<!-- { "blockType": "resource", "@odata.type": "microsoft.graph.part" } -->
~~~json
{ "name": "String" }
~~~
"""

SPECIAL_PART_PAGE = """
# specialPart resource type

A subclass of [part](part.md).

## Properties
| Property | Type | Description |
|:---|:---|:---|
| extra | String | Extra. |

## JSON representation
<!-- { "blockType": "resource", "@odata.type": "microsoft.graph.specialPart" } -->
~~~json
{ "extra": "String" }
~~~
"""

TYPES = {
    "resources/thing.md": RESOURCE_PAGE,
    "resources/base.md": BASE_PAGE,
    "resources/part.md": PART_PAGE,
    "resources/specialpart.md": SPECIAL_PART_PAGE,
}


def method_page(
    response_annotation: str,
    response: str,
    *,
    request: str = "GET https://graph.microsoft.com/v1.0/things/1",
    promise: str = "If successful, this method returns a `200 OK` response code.",
    syntax: str = "GET /things/{id}",
    request_body: str = "",
) -> str:
    """A method page about `things` with one request/response example."""
    return f"""
---
title: Get thing
doc_type: apiPageType
---
# Get thing

## Permissions
| Permission type | Permissions (from least to most privileged) |
|:---|:---|
| Application | Thing.Read.All |

## HTTP request
<!-- {{ "blockType": "ignored" }} -->
~~~http
{syntax}
~~~

## Request body
{request_body or "Do not supply a request body."}

## Response
{promise}

## Example
### Request
<!-- {{ "blockType": "request", "name": "get_thing" }} -->
~~~http
{request}
~~~

### Response
<!-- {response_annotation} -->
~~~http
{response}
~~~
"""
