"""Translated doc sets: sections and tables known by what they hold when their words
are not English (`generator.parse.structure`). A pseudo-localised copy (every
heading and table-header word a token, `tests.pseudo_l10n`) must give the English
model's figures, and a page written in Chinese reads as its English twin."""

from __future__ import annotations

import shutil
from pathlib import Path
from textwrap import dedent

import pytest

from generator.config import load_config
from generator.model.resolve import build_model
from generator.model.types import ApiModel
from generator.parse.facts import Cell
from generator.parse.structure import column_roles, enum_subject, is_enum_table
from generator.pipeline.run import load_model, parse_doc_set
from tests.conftest import GROUPS
from tests.pseudo_l10n import counts, localise, localised_copy


def _model(root: Path) -> ApiModel:
    parsed = parse_doc_set(root, load_config(root))
    return build_model(parsed.pages, parsed.config)


def _shares(english: ApiModel, translated: ApiModel) -> dict[str, float]:
    mine, theirs = counts(english), counts(translated)
    return {key: theirs[key] / mine[key] for key in mine if mine[key]}


def _copy(pages: list[Path], root: Path, target: Path) -> Path:
    for page in pages:
        dest = target / page.relative_to(root)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(page, dest)
    return target


def test_pseudo_localisation_changes_only_words() -> None:
    page = "# Get group\n\n## HTTP request\n| Header | Value |\n|:--|:--|\n| Authorization | x |\n"
    out = localise(page)
    assert out.split("\n")[0] != "# Get group" and "HTTP" in out.split("\n")[2]
    assert "| Authorization | x |" in out and "```" not in out
    assert localise("### callType values").startswith("### callType ")


def test_the_sample_pseudo_localised_gives_the_english_model(tmp_path: Path) -> None:
    pages = [p for p in sorted(GROUPS.rglob("*.md")) if p.name != "NOTICE.md"]
    english = _model(_copy(pages, GROUPS, tmp_path / "en"))
    translated = _model(localised_copy(GROUPS, tmp_path / "xx", pages))
    shares = _shares(english, translated)
    assert all(share >= 0.97 for share in shares.values()), shares


@pytest.mark.corpus
def test_a_slice_of_the_corpus_pseudo_localised_gives_the_english_model(
    tmp_path: Path, graph_corpus: Path
) -> None:
    """Every 10th page (334 pages), without the doc set's config, as a translation has
    none. (`make bench` prints the figures for the whole corpus.)"""
    pages = sorted(graph_corpus.rglob("*.md"))[::10]
    english = _model(_copy(pages, graph_corpus, tmp_path / "en"))
    translated = _model(localised_copy(graph_corpus, tmp_path / "xx", pages))
    shares = _shares(english, translated)
    assert all(share >= 0.97 for share in shares.values()), shares
    t001 = sum(1 for d in translated.diagnostics if d.code == "T001")
    assert t001 <= 2 * sum(1 for d in english.diagnostics if d.code == "T001")


CHINESE = {
    "resources/widget.md": """
        # widget 资源类型

        命名空间：microsoft.graph

        ## 属性
        | 属性 | 类型 | 说明 |
        |:--|:--|:--|
        | id | String | 小部件的标识符。只读。 |
        | size | widgetSize | 大小。 |

        ### widgetSize 值
        | 成员 | 说明 |
        |:--|:--|
        | small | 小。 |
        | large | 大。 |

        ## JSON 表示形式
        <!-- { "blockType": "resource", "@odata.type": "microsoft.graph.widget" } -->
        ```json
        { "id": "string", "size": "string" }
        ```
        """,
    "api/widget-get.md": """
        ---
        doc_type: apiPageType
        ---
        # 获取 widget

        ## 权限
        | 权限类型 | 权限（从最低特权到最高特权） |
        |:--|:--|
        | 委派（工作或学校帐户） | Widget.Read.All, Widget.ReadWrite.All |
        | 委派（个人 Microsoft 帐户） | 不支持。 |
        | 应用程序 | Widget.Read.All |

        ## HTTP 请求
        ```http
        GET /widgets/{id}
        ```

        ## 可选的查询参数
        此方法支持 `$select` OData 查询参数。

        ## 请求标头
        | 名称 | 说明 |
        |:--|:--|
        | Authorization | Bearer {token}。必需。 |

        ## 响应
        如果成功，此方法在响应正文中返回 `200 OK` 响应代码和 [widget](../resources/widget.md) 对象。

        ## 示例
        ### 请求
        <!-- { "blockType": "request", "name": "get_widget" } -->
        ```http
        GET https://graph.microsoft.com/v1.0/widgets/1
        ```
        ### 响应
        <!-- { "blockType": "response", "@odata.type": "microsoft.graph.widget" } -->
        ```http
        HTTP/1.1 200 OK
        Content-type: application/json

        { "id": "1", "size": "small" }
        ```
        """,
}


def test_a_page_in_chinese_reads_as_its_english_twin(tmp_path: Path) -> None:
    for rel, text in CHINESE.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    model = load_model(tmp_path, load_config(tmp_path))
    (endpoint,) = model.endpoints
    assert endpoint.id == "GET /widgets/{widget-id}"
    assert endpoint.response.type is not None and endpoint.response.type.name.endswith(".widget")
    assert [p.scopes for p in endpoint.permissions][0] == (
        "Widget.Read.All",
        "Widget.ReadWrite.All",
    )
    assert {(p.name, p.location) for p in endpoint.parameters} >= {
        ("Authorization", "header"),
        ("$select", "query"),
    }
    (widget,) = model.resources
    assert {p.name: p.description for p in widget.properties}["size"] == "大小。"
    assert {p.name: p.type.name for p in widget.properties}["size"] == "microsoft.graph.widgetSize"
    (size,) = model.enums
    assert [m.name for m in size.members] == ["small", "large"]
    assert [x.endpoint for x in model.examples] == [endpoint.id]
    assert "T001" not in {d.code for d in model.diagnostics}


def test_columns_by_their_cells() -> None:
    rows = [
        (Cell("id"), Cell("String"), Cell("The id.")),
        (Cell("owner"), Cell("user", ("user.md",)), Cell("Who owns it, a longer text.")),
    ]
    assert column_roles("ParameterDefinition", ("a", "b", "c"), rows) == (
        "name",
        "type",
        "description",
    )
    members = [
        (Cell("small"), Cell("0"), Cell("Small.")),
        (Cell("large"), Cell("1"), Cell("Large.")),
    ]
    assert column_roles("EnumerationDefinition", ("a", "b", "c"), members) == (
        "memberName",
        "numericValue",
        "description",
    )
    assert is_enum_table(("a", "b", "c"), members) and not is_enum_table(("a", "b", "c"), rows)
    assert enum_subject("callType 值") == "callType"
    assert enum_subject("status 值", frozenset({"status"})) == "status"
    assert enum_subject("Werte") == "" and enum_subject("tone 值", enum_page=True) == "tone"
