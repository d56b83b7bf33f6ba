"""`docgen check --metadata FILE`: the docs against the service's CSDL metadata (M001-M007),
at the line of what the docs say; the metadata never changes the model."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.check import command as check_command
from generator.check.metadata import (
    ServiceMetadata,
    ServiceName,
    ServiceProperty,
    ServiceType,
    read_metadata,
)
from generator.check.service import service_findings
from generator.cli import main
from generator.model.serialize import model_json
from generator.model.types import ApiModel, Enum, EnumMember, Source
from generator.pipeline.run import load_model
from tests.conftest import GROUPS

EDM = "http://docs.oasis-open.org/odata/ns/edm"


def mirror(model: ApiModel) -> ServiceMetadata:
    """The metadata a service exactly as documented would publish."""
    types = {
        r.name: ServiceType(
            r.name,
            "entity",
            r.base_type,
            tuple(
                ServiceProperty(
                    p.name, p.type.name, p.type.collection, p.navigation, p.nullable is not False
                )
                for p in r.properties
            ),
        )
        for r in model.resources
    }
    enums = {e.name: tuple(m.name for m in e.members) for e in model.enums}
    return ServiceMetadata(types, enums)


def csdl(service: ServiceMetadata) -> str:
    """`service` as a CSDL document (one schema, aliased)."""
    body = []
    for t in service.types.values():
        base = f' BaseType="{t.base_type}"' if t.base_type else ""
        props = "".join(
            f'<Property Name="{p.name}" Type="{f"Collection({p.type})" if p.collection else p.type}"'
            + ("" if p.nullable else ' Nullable="false"')
            + "/>"
            for p in t.properties
        )
        body.append(f'<EntityType Name="{t.name.rsplit(".", 1)[1]}"{base}>{props}</EntityType>')
    return (
        f'<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx" Version="4.0">'
        f'<edmx:DataServices><Schema xmlns="{EDM}" Namespace="microsoft.graph">'
        + "".join(body)
        + "</Schema></edmx:DataServices></edmx:Edmx>"
    )


@pytest.fixture(scope="module")
def groups() -> ApiModel:
    return load_model(GROUPS)


def _changed(service: ServiceMetadata, name: str, **fields: object) -> ServiceMetadata:
    types = dict(service.types)
    types[name] = dataclasses.replace(types[name], **fields)  # type: ignore[arg-type]
    return ServiceMetadata(types, service.enums)


def test_the_docs_as_published_have_no_finding(groups: ApiModel) -> None:
    assert service_findings(groups, mirror(groups)) == []
    assert read_metadata  # (the reader is the yardstick's too)


def test_each_difference_is_one_finding_at_the_line_of_what_the_docs_say(
    groups: ApiModel,
) -> None:
    group = next(r for r in groups.resources if r.name == "microsoft.graph.group")
    row = next(p for p in group.properties if p.type.name == "Edm.String" and p.source)
    service = mirror(groups)
    theirs = service.types[group.name]
    props = {p.name: p for p in theirs.properties}
    props[row.name] = dataclasses.replace(props[row.name], type="Edm.Int32", collection=True)
    gone = next(p for p in group.properties if p.name != row.name and p.source)
    del props[gone.name]
    props["employeeCount"] = ServiceProperty("employeeCount", "Edm.Int32", False, False)
    service = _changed(service, group.name, properties=tuple(props.values()), base_type="x.base")
    found = {d.code: d for d in service_findings(groups, service)}
    assert sorted(found) == ["M001", "M002", "M003", "M004", "M005"]
    assert (found["M001"].file, found["M001"].line) == (row.source.file, row.source.line)  # type: ignore[union-attr]
    assert "documented as Edm.String; the service's metadata has Edm.Int32" in found["M001"].message
    assert (
        "documented as one value; the service's metadata has a collection" in found["M002"].message
    )
    assert found["M003"].line == gone.source.line and gone.name in found["M003"].message  # type: ignore[union-attr]
    assert found["M004"].message.endswith("gives it: employeeCount")
    assert found["M004"].line == group.source.line
    assert "states base type microsoft.graph.directoryObject" in found["M005"].message


def test_enum_members_and_types_the_service_does_not_have(groups: ApiModel) -> None:
    where = Source("resources/enums.md", 7)
    kind = Enum(
        "microsoft.graph.kind",
        "microsoft.graph",
        "kind",
        (EnumMember("low"), EnumMember("high")),
        False,
        "",
        where,
    )
    model = dataclasses.replace(groups, enums=(kind,))
    service = mirror(groups)
    service = ServiceMetadata(service.types, {"microsoft.graph.kind": ("low", "medium")})
    (finding,) = service_findings(model, service)
    assert (finding.code, finding.file, finding.line) == ("M006", "resources/enums.md", 7)
    assert "lacks medium" in finding.message and "lists high" in finding.message
    alone = ServiceMetadata({}, {})
    assert {d.code for d in service_findings(model, alone)} == {"M007"}


def test_nullability_where_the_docs_state_it(groups: ApiModel) -> None:
    group = next(r for r in groups.resources if r.name == "microsoft.graph.group")
    row = group.properties[0]
    stated = dataclasses.replace(row, nullable=row.nullable is False)
    model = dataclasses.replace(
        groups,
        resources=tuple(
            dataclasses.replace(r, properties=(stated, *r.properties[1:])) if r is group else r
            for r in groups.resources
        ),
    )
    (finding,) = service_findings(model, mirror(groups))
    assert finding.code == "M008" and "the service's metadata has it" in finding.message


def test_what_the_service_addresses_and_no_path_does(groups: ApiModel, tmp_path: Path) -> None:
    """An entity set no documented path starts with, an action no path names: `M009`, at
    the line of the metadata file that declares it."""
    service = mirror(groups)
    text = csdl(service).replace(
        "</Schema>",
        '<Action Name="archive" IsBound="true"><Parameter Name="b" Type="graph.group"/>'
        "</Action>\n"
        '<Action Name="reply" IsBound="true"/>\n'
        '<EntityContainer Name="c">\n<EntitySet Name="groups" EntityType="graph.group"/>\n'
        '<EntitySet Name="teams" EntityType="graph.team"/>\n</EntityContainer></Schema>',
    )
    xml = tmp_path / "metadata.xml"
    xml.write_text(text, "utf-8")
    found = [
        d for d in service_findings(groups, read_metadata(xml), "meta.xml") if d.code == "M009"
    ]
    assert [(d.code, d.file, d.line, d.message.split(" of ")[0]) for d in found] == [
        ("M009", "meta.xml", 1, "action archive"),
        ("M009", "meta.xml", 5, "entity set teams"),
    ]


def test_a_path_segment_that_names_nothing_the_service_has(groups: ApiModel) -> None:
    """`M010` at the endpoint's syntax line; a literal after a collection is a key."""
    service = mirror(groups)
    extra = ServiceProperty("threads", "microsoft.graph.conversationThread", True, True)
    group = service.types["microsoft.graph.group"]
    service = _changed(service, group.name, properties=(*group.properties, extra))
    renamed = ServiceMetadata(
        service.types,
        service.enums,
        (*service.names, *(ServiceName("entity set", n, 1) for n in ("groups", "users"))),
    )
    endpoint = next(e for e in groups.endpoints if e.path.endswith("/reply"))
    model = dataclasses.replace(
        groups,
        endpoints=(
            *groups.endpoints,
            dataclasses.replace(endpoint, id="x", path="/groups/{id}/threads/latest/archive"),
        ),
    )
    found = [d for d in service_findings(model, renamed) if d.code == "M010"]
    unknown = {d.message.split(": ", 1)[1] for d in found}
    assert "archive names nothing in the service's metadata" in unknown
    assert not any(m.startswith("latest") for m in unknown)  # a key of `threads`
    assert all(d.line == endpoint.source.line for d in found if "archive" in d.message)


def test_the_command_reads_the_file_and_leaves_the_model_alone(
    groups: ApiModel, tmp_path: Path
) -> None:
    service = mirror(groups)
    group = service.types["microsoft.graph.group"]
    changed = [
        dataclasses.replace(p, type="Edm.Int64") if p.type == "Edm.Boolean" else p
        for p in group.properties
    ]
    xml = tmp_path / "metadata.xml"
    xml.write_text(csdl(_changed(service, group.name, properties=tuple(changed))), "utf-8")
    result = CliRunner().invoke(
        main, ["check", str(GROUPS), "--metadata", str(xml), "--select", "M", "--no-cache"]
    )
    lines = [line for line in result.stdout.splitlines() if ": M0" in line]
    booleans = sum(1 for p in group.properties if p.type == "Edm.Boolean")
    assert result.exit_code == 0 and len(lines) == booleans > 0, result.output
    assert all(": M001 " in line and "Edm.Int64" in line for line in lines)
    with_it = check_command.run(check_command.Request(GROUPS, metadata=xml))
    without = check_command.run(check_command.Request(GROUPS))
    assert model_json(with_it.model).value == model_json(without.model).value
    assert with_it.model == without.model


def test_a_metadata_file_that_is_not_csdl_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "metadata.xml"
    bad.write_text("<not closed", "utf-8")
    result = CliRunner().invoke(main, ["check", str(GROUPS), "--metadata", str(bad)])
    assert result.exit_code == 2 and str(bad) in result.stderr


CONTAINMENT = {
    ("POST", "/groups/{id}/members"): "M012",
    ("POST", "/groups/{id}/members/$ref"): None,
    ("DELETE", "/groups/{id}/members/{member-id}"): "M012",
    ("DELETE", "/groups/{id}/members/{member-id}/$ref"): None,
    ("POST", "/groups/{id}/threads"): None,
    ("DELETE", "/groups/{id}/threads/{thread-id}"): None,
    ("DELETE", "/groups/{id}/threads/{thread-id}/$ref"): "M011",
    ("POST", "/groups/{id}/threads/$ref"): "M011",
    ("GET", "/groups/{id}/members"): None,
    ("DELETE", "/groups/{id}"): None,
    ("POST", "/groups/{id}/microsoft.graph.group/members"): "M012",
    ("POST", "/groups/{id}/threads/{thread-id}/reply"): None,
}


def _relationships(groups: ApiModel, *sets: ServiceName) -> ServiceMetadata:
    """The sample's metadata with a group's `members` (refers to directory objects) and
    `threads` (holds its conversation threads: ContainsTarget), and these entity sets."""
    service = mirror(groups)
    group = service.types["microsoft.graph.group"]
    navigation = (
        ServiceProperty("members", "microsoft.graph.directoryObject", True, True),
        ServiceProperty("threads", "microsoft.graph.conversationThread", True, True, True, True),
    )
    kept = tuple(p for p in group.properties if p.name not in ("members", "threads"))
    service = _changed(service, group.name, properties=(*kept, *navigation))
    return ServiceMetadata(service.types, service.enums, sets)


def _documenting(groups: ApiModel, paths: Iterable[tuple[str, str]]) -> ApiModel:
    """The sample's model with these endpoints only (on one page) and no examples."""
    endpoint = groups.endpoints[0]
    endpoints = tuple(
        dataclasses.replace(endpoint, id=f"e{n}", method=m, path=p)
        for n, (m, p) in enumerate(paths)
    )
    return dataclasses.replace(groups, endpoints=endpoints, examples=())


GROUPS_SET = ServiceName("entity set", "groups", 1, "microsoft.graph.group")


def test_ref_against_the_containment_the_metadata_declares(groups: ApiModel) -> None:
    """`M011`: `/$ref` on a relationship that holds its targets (ContainsTarget); `M012`:
    adding to or removing from one that does not, without `/$ref`. Reads, the entity's
    own delete, casts and actions are walked or left alone."""
    service = _relationships(groups, GROUPS_SET)
    model = _documenting(groups, CONTAINMENT)
    found = {
        (d.message.split(" ")[0], d.message.split(" ")[1].rstrip(":")): d.code
        for d in service_findings(model, service)
        if d.code in ("M011", "M012")
    }
    assert found == {k: v for k, v in CONTAINMENT.items() if v is not None}


def test_containment_rules_stay_quiet_where_the_docs_mean_what_they_say(
    groups: ApiModel,
) -> None:
    """No M012 on a page whose paths all delete the entity (no `/$ref` path of that
    navigation on it); no M011 where the contained type is also held elsewhere (an
    entity set of a type it derives from): a reference to it then means something."""
    threads = ServiceName("entity set", "threads", 1, "microsoft.graph.entity")
    service = _relationships(groups, GROUPS_SET, threads)
    paths = [("DELETE", "/groups/{id}/members/{member-id}"), ("POST", "/groups/{id}/threads/$ref")]
    model = _documenting(groups, paths)
    assert [d for d in service_findings(model, service) if d.code in ("M011", "M012")] == []
