"""Hostile models through every target: generated code always compiles, is
black-clean, stays inside the output folder; builds are deterministic across
hash seeds and worker counts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import black
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.emit.targets import available
from generator.model.types import (
    ApiModel,
    Endpoint,
    Enum,
    EnumMember,
    Example,
    ExampleRequest,
    ExampleResponse,
    Parameter,
    Property,
    Resource,
    ResponseSpec,
    Source,
    TypeRef,
)
from generator.pipeline.output import safe_rel
from tests.conftest import GROUPS, render_target

EXAMPLES = int(os.environ.get("DOCGEN_FUZZ_EXAMPLES", "8"))
HOSTILE = [
    "class", "from", "self", "type", "match", "None", "list", "str", "json", "model_config",
    "@odata.type", "$value", "2fa", "../x", "../../etc/passwd", "a.b.c", "x-y", "x/y", "ünï",
    "displayName", "display_name", "DisplayName", "", "_", "__init__", "{{ x }}", "{% if %}",
    '"""', "'''", "\\", "`rm -rf`", "<script>", "import os",
]  # fmt: skip
names = st.one_of(st.sampled_from(HOSTILE), st.text(min_size=1, max_size=12))
text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))


def _src() -> Source:
    return Source("api/x.md", 1)


@st.composite
def models(draw: st.DrawFn) -> ApiModel:
    res_names = draw(st.lists(names, min_size=1, max_size=4, unique=True))
    qualified = [f"ns.{n}" for n in res_names]
    enum_name = f"ns.{draw(names)}e"
    resources = tuple(
        Resource(
            name=q,
            namespace="ns",
            short_name=q[3:],
            base_type=draw(st.sampled_from([None, *qualified])),
            key_property=None,
            open_type=draw(st.booleans()),
            abstract=False,
            description=draw(text),
            properties=tuple(
                Property(
                    name=p,
                    type=draw(
                        st.sampled_from(
                            [
                                TypeRef("Edm.String", "primitive"),
                                TypeRef("Edm.Int32", "primitive", True),
                                TypeRef(enum_name, "enum"),
                                *[TypeRef(o, "resource", draw(st.booleans())) for o in qualified],
                                TypeRef("ns.missing", "unresolved"),
                            ]
                        )
                    ),
                    description=draw(text),
                )
                for p in draw(st.lists(names, max_size=4, unique=True))
            ),
            source=_src(),
        )
        for q in qualified
    )
    enums = (
        Enum(
            enum_name,
            "ns",
            enum_name[3:],
            tuple(
                EnumMember(m, None, draw(text))
                for m in draw(st.lists(names, min_size=1, max_size=3, unique=True))
            ),
            False,
            "",
            _src(),
        ),
    )
    endpoints = []
    for i, seg in enumerate(draw(st.lists(names, min_size=1, max_size=4))):
        param = draw(names)
        method = draw(st.sampled_from(["GET", "POST", "PATCH", "DELETE"]))
        path = f"/{seg or 'x'}{i}/{{{param or 'p'}}}".replace(" ", "")
        endpoints.append(
            Endpoint(
                id=f"{method} {path}",
                method=method,
                path=path,
                raw_path=path,
                parameters=(
                    Parameter(param or "p", "path", TypeRef("Edm.String", "primitive"), True),
                    Parameter(draw(names), "query", TypeRef("Edm.String", "primitive")),
                ),
                request_body=TypeRef(qualified[0], "resource") if method != "GET" else None,
                response=ResponseSpec(200, TypeRef(qualified[-1], "resource", draw(st.booleans()))),
                permissions=(),
                title=draw(text),
                description=draw(text),
                alternatives=(),
                source=_src(),
            )
        )
    unique = {e.id: e for e in endpoints}
    examples = tuple(
        Example(
            id=f"{draw(names)}-{n}",
            name=None,
            endpoint=e.id,
            path_values=(),
            request=ExampleRequest(e.method, e.path, e.path, "", (), None, False, None, _src()),
            response=ExampleResponse(
                200,
                (),
                {"@odata.type": draw(text)},
                True,
                "application/json",
                None,
                False,
                True,
                _src(),
            ),
            inferred=False,
            source=_src(),
        )
        for n, e in enumerate(unique.values())
    )
    return ApiModel(
        1,
        "ns",
        ("https://api.example.test/v1",),
        1,
        resources,
        enums,
        tuple(unique.values()),
        examples,
        (),
    )


MODE = black.Mode(line_length=100, target_versions={black.TargetVersion.PY311})


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_every_target_emits_valid_safe_code(model: ApiModel) -> None:
    for name in sorted(available()):
        files = render_target(name, model)
        for rel, content in files.items():
            assert safe_rel(rel) == rel, (name, rel)
            if rel.endswith(".py"):
                compile(content, rel, "exec")
                assert black.format_str(content, mode=MODE) == content, (name, rel)
            elif rel.endswith(".json"):
                json.loads(content)


def _build(out: Path, seed: str, jobs: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "build",
            str(GROUPS),
            "-o",
            str(out),
            "-j",
            jobs,
            "--no-cache",
            "-q",
        ],
        check=True,
        env=env,
    )
    return json.loads((out / ".docgen-manifest.json").read_text())["files"]


def test_same_bytes_across_hash_seeds_and_jobs(tmp_path: Path) -> None:
    first = _build(tmp_path / "a", "0", "1")
    assert first == _build(tmp_path / "b", "12345", "2")
