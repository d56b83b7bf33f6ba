"""Template overrides: `--templates DIR` / `[tool.docgen] templates`. A file in DIR
replaces the target's template of the same relative path; overrides are part of
what OUT was built from."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import jinja2
import pytest

from generator.emit.targets import builtin
from generator.pipeline.build import BuildOptions, extra_key, inputs_key
from generator.pipeline.rendering import target_templates
from tests.conftest import GROUPS
from tests.test_targets import plugins, run

__all__ = ["plugins"]  # the fixture, for the tests here


def files_of(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != ".docgen-manifest.json"
    }


def build(out: Path, *args: str) -> str:
    code, _, err = run("build", str(GROUPS), "-o", str(out), *args)
    assert code == 0, err
    return err


def test_an_override_replaces_one_template(plugins: Path, tmp_path: Path) -> None:
    """The fake plugin `good` (see test_targets) renders page.md from its own template."""
    plain, out = tmp_path / "plain", tmp_path / "out"
    build(plain, "-t", "good", "-t", "model")
    overrides = tmp_path / "templates"
    (overrides / "good").mkdir(parents=True)
    override = overrides / "good" / "page.md.jinja"
    override.write_text("Endpoints: {{ count }}\n")
    options = ("-t", "good", "-t", "model", "--templates", str(overrides))
    err = build(out, *options)
    assert "docgen: warning" not in err
    assert (out / "page.md").read_text() == "Endpoints: 27\n"
    assert files_of(out) == {**files_of(plain), "page.md": b"Endpoints: 27\n"}
    assert "up to date" in build(out, *options)

    override.write_text("{{ count }} endpoints, overridden\n")  # same OUT, same cache
    assert "1 written" in build(out, *options)
    assert (out / "page.md").read_text() == "27 endpoints, overridden\n"

    override.unlink()
    assert "1 written" in build(out, *options)
    assert files_of(out) == files_of(plain)


def test_overriding_the_client_readme(tmp_path: Path) -> None:
    plain, out = tmp_path / "plain", tmp_path / "out"
    build(plain, "-t", "client")
    overrides = tmp_path / "templates"
    (overrides / "client").mkdir(parents=True)
    override = overrides / "client" / "README.md.jinja"
    override.write_text("# {{ package }}\n\nOur own README.\n")
    build(out, "-t", "client", "--templates", str(overrides))
    readme = (out / "client" / "README.md").read_text()
    assert readme.endswith("\n\nOur own README.\n") and readme != "# \n\nOur own README.\n"
    assert files_of(out) == {**files_of(plain), "client/README.md": readme.encode()}

    override.write_text("Edited.\n")
    err = build(out, "-t", "client", "--templates", str(overrides))
    assert "up to date" not in err and (out / "client" / "README.md").read_text() == "Edited.\n"

    override.unlink()
    build(out, "-t", "client", "--templates", str(overrides))
    assert files_of(out) == files_of(plain)


def test_a_file_that_overrides_nothing_is_a_warning(plugins: Path, tmp_path: Path) -> None:
    overrides = tmp_path / "templates"
    for rel in ("client/READMEE.md.jinja", "good/pgae.md.jinja", "nobody/x.jinja", "loose.jinja"):
        (overrides / rel).parent.mkdir(parents=True, exist_ok=True)
        (overrides / rel).write_text("typo\n")
    (overrides / "model").mkdir()
    (overrides / "model" / "model.json.jinja").write_text("{}\n")
    err = build(tmp_path / "out", "-t", "good", "-t", "model", "--templates", str(overrides))
    assert f"{overrides}/good/pgae.md.jinja: no template of that name; ignored" in err
    assert f"{overrides}/nobody/x.jinja: no target named 'nobody' in this build; ignored" in err
    assert f"{overrides}/loose.jinja: not in a target's folder" in err
    assert f"{overrides}/model/model.json.jinja: target 'model' has no templates; ignored" in err
    assert "READMEE" not in err  # the client is not built: its overrides are not looked at
    assert err.count("docgen: warning: ") == 4

    code, _, err = run("build", str(GROUPS), "-o", str(tmp_path / "c"), "-t", "client")
    assert code == 0
    _, _, err = run(  # out of date: the overrides are part of the inputs
        "build",
        str(GROUPS),
        "-o",
        str(tmp_path / "c"),
        "-t",
        "client",
        "--check",
        "--templates",
        str(overrides),
    )
    assert f"{overrides}/client/READMEE.md.jinja: no built-in template of that name; ignored" in (
        err
    )


def test_the_templates_folder_must_be_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _, err = run("build", str(GROUPS), "-o", str(out), "--templates", str(tmp_path / "no"))
    assert code == 2 and f"--templates: {tmp_path / 'no'} does not exist" in err
    (tmp_path / "file").write_text("")
    code, _, err = run("build", str(GROUPS), "-o", str(out), "--templates", str(tmp_path / "file"))
    assert code == 2 and f"--templates: {tmp_path / 'file'} is not a folder" in err
    assert not out.exists()


def test_templates_in_the_settings_are_relative_to_them(plugins: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "tpl" / "good").mkdir(parents=True)
    (project / "tpl" / "good" / "page.md.jinja").write_text("From the settings: {{ count }}\n")
    (project / "pyproject.toml").write_text(
        f'[tool.docgen]\ndocs = "{GROUPS}"\noutput = "out"\ntargets = ["good"]\n'
        'templates = "tpl"\n'
    )
    (project / "sub").mkdir()
    os.chdir(project / "sub")  # found above the current folder; paths relative to it
    code, _, err = run("build")
    assert code == 0, err
    assert (project / "out" / "page.md").read_text() == "From the settings: 27\n"
    (project / "pyproject.toml").write_text(
        f'[tool.docgen]\ndocs = "{GROUPS}"\noutput = "out"\ntemplates = "nowhere"\n'
    )
    code, _, err = run("build")
    assert code == 2 and f"templates in {project / 'pyproject.toml'}: " in err


def test_no_overrides_no_plugins_keep_the_keys_as_they_were() -> None:
    """A build of built-in targets without overrides keys its manifest as before: the
    output of existing docs repos stays up to date."""
    options = BuildOptions(targets=("client", "model"), settings=(("package", "p"),))
    targets = {n: t for n, t in builtin().items() if n in options.targets}
    assert extra_key(options, targets, target_templates(targets, None)) == ""
    before = hashlib.sha256(b"docs")
    before.update(repr((["client", "model"], (("package", "p"),))).encode())
    assert inputs_key("docs", options) == before.hexdigest()


def test_serve_renders_the_runtime_with_the_overrides(tmp_path: Path) -> None:
    import sys

    from generator.emit.targets import Templates
    from generator.serve import RUNTIME_PACKAGE, runtime_module

    server = builtin()["server"]
    assert server.templates is not None
    (tmp_path / "server").mkdir()
    runtime = (server.templates / "runtime.py.jinja").read_text()
    (tmp_path / "server" / "runtime.py.jinja").write_text(runtime + "\nOVERRIDDEN = True\n")
    names = (RUNTIME_PACKAGE, f"{RUNTIME_PACKAGE}.shapes", f"{RUNTIME_PACKAGE}.runtime")
    kept = {name: sys.modules.pop(name) for name in names if name in sys.modules}
    try:
        module = runtime_module(Templates.of("server", server.templates, tmp_path))
        assert module.OVERRIDDEN is True
    finally:
        for name in names:
            sys.modules.pop(name, None)
        sys.modules.update(kept)

    code, _, err = run("serve", str(GROUPS), "--templates", str(tmp_path / "nowhere"))
    assert code == 2 and "does not exist" in err


def test_server_and_tests_python_needs_no_black(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server's and the tests' templates are written as black lays them out: on the
    sample no file of theirs goes through black (a cold build would pay black's import
    and parse for nothing), and each is black-clean as it is."""
    import black

    from generator.emit import render

    through: list[str] = []
    real = render._black
    monkeypatch.setattr(render, "_black", lambda text: through.append(text) or real(text))
    out = tmp_path / "out"
    build(out, "-t", "server", "-t", "tests", "-j", "1")
    assert through == []
    python = {rel: text for rel, text in files_of(out).items() if rel.endswith(".py")}
    assert len(python) > 10
    for rel, data in python.items():
        text = data.decode()
        assert black.format_str(text, mode=render.black_mode()) == text, rel


def test_templates_render_the_bytes_their_digest_keys(tmp_path: Path) -> None:
    """A build keys its pieces by its templates' digest, taken first: a template edited
    while it runs, before or after its first use, is not read half-way (the pieces
    would be kept under the digest of another text)."""
    from generator.emit.templates import Templates

    page = tmp_path / "page.md.jinja"
    page.write_text("first {{ n }}\n")
    templates = Templates((tmp_path,))
    digest = templates.digest
    page.write_text("second {{ n }}\n")  # before its first use
    assert templates.render("page.md.jinja", n=1) == "first 1\n"
    page.write_text("third {{ n }}\n")  # and after
    os.utime(page, (1, 1))  # another modification time, surely
    assert templates.render("page.md.jinja", n=2) == "first 2\n"
    assert templates.digest == digest
    again = Templates((tmp_path,))
    assert again.render("page.md.jinja", n=3) == "third 3\n"
    assert again.digest != digest


def test_the_first_folder_holding_a_template_gives_it(tmp_path: Path) -> None:
    from generator.emit.templates import Templates

    mine, own = tmp_path / "mine", tmp_path / "own"
    (mine / "sub").mkdir(parents=True)
    (own / "sub").mkdir(parents=True)
    (mine / "sub" / "a.jinja").write_text("mine {% include 'b.jinja' %}")
    (own / "sub" / "a.jinja").write_text("own")
    (own / "b.jinja").write_text("own b")
    templates = Templates((mine, own))
    assert templates.render("sub/a.jinja") == "mine own b"
    assert Templates((own, mine)).render("sub/a.jinja") == "own"
    with pytest.raises(jinja2.TemplateNotFound):
        templates.render("../own/b.jinja")


def test_a_build_reads_each_template_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The templates that key a build (the manifest's inputs, with the user's overrides;
    a target's shelf) are the ones it renders with: one reading of each file per build,
    not one for a key and another for the text."""
    from generator.config import load_config
    from generator.emit import templates as module
    from generator.pipeline.build import build as build_in_process

    overrides = tmp_path / "templates"
    (overrides / "client").mkdir(parents=True)
    readme = builtin()["client"].templates / "README.md.jinja"  # type: ignore[operator]
    (overrides / "client" / "README.md.jinja").write_text(readme.read_text() + "Overridden.\n")
    reads: list[str] = []
    real = module._bytes

    def counted(path: str) -> bytes:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(module, "_bytes", counted)
    options = BuildOptions(
        targets=("client", "tests"), cache_dir=tmp_path / "cache", templates=overrides
    )
    build_in_process(GROUPS, tmp_path / "out", load_config(GROUPS), options)
    assert str(overrides / "client" / "README.md.jinja") in reads
    assert len(reads) == len(set(reads))
    assert (tmp_path / "out" / "client" / "README.md").read_text().endswith("Overridden.\n")
