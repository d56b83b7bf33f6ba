"""Targets from plugins: the entry-point group `docgen.targets`.

In-process tests install small fake distributions (a dist-info folder and a
package) in a folder put on `sys.path`; one test installs docgen and
`samples/plugin-target` for real, into a new venv, and runs its `docgen`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.emit.targets import BUILTIN, TargetError, available, find
from tests.conftest import GROUPS, ROOT

PLUGIN = ROOT / "samples" / "plugin-target"

FAKE_PACKAGE = """
from pathlib import Path

from generator.emit.targets import Target


def render(model, context):
    return {"page.md": context.templates.render("page.md.jinja", count=len(model.endpoints))}


def fail(model, context):
    raise ValueError("no page\\nmore")


good = Target("good", render, Path(__file__).parent / "templates", (), "one page")
failing = Target("failing", fail)
not_a_target = 42
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def distribution(site: Path, name: str, entries: dict[str, str]) -> None:
    """A distribution `name` 1.0 declaring `entries` (name: object) as docgen targets."""
    info = site / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    lines = "".join(f"{key} = {value}\n" for key, value in entries.items())
    (info / "entry_points.txt").write_text(f"[docgen.targets]\n{lines}")


@pytest.fixture()
def plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Fake plugins on `sys.path` (their folder is yielded): `good` works, the others
    do not load, are no Target, clash with a built-in or with one another."""
    site = tmp_path / "site"
    package = site / "fake_targets"
    (package / "templates").mkdir(parents=True)
    (package / "__init__.py").write_text(FAKE_PACKAGE)
    (package / "templates" / "page.md.jinja").write_text("{{ count }} endpoints\n")
    (site / "fake_broken.py").write_text("raise RuntimeError('no database\\nsecond line')\n")
    entries = {
        "good": "fake_targets:good",
        "failing": "fake_targets:failing",
        "broken": "fake_broken:target",
        "missing": "fake_nowhere:target",
        "number": "fake_targets:not_a_target",
        "misnamed": "fake_targets:good",
        "client": "fake_targets:good",
        "twice": "fake_targets:good",
    }
    distribution(site, "fake-plugins", entries)
    distribution(site, "other-plugins", {"twice": "fake_targets:good"})
    monkeypatch.syspath_prepend(str(site))
    yield site
    for name in ("fake_targets", "fake_broken"):
        sys.modules.pop(name, None)


def test_builtin_names_never_read_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.emit import targets

    monkeypatch.setattr(targets, "_entry_points", lambda: pytest.fail("entry points read"))
    assert list(find(["openapi", "client", "client"])) == ["client", "openapi"]


def test_plugins_are_listed_and_broken_ones_explained(plugins: Path) -> None:
    problems: list[str] = []
    known = available(problems)
    assert [t.name for t in known.values()] == [*(t.name for t in BUILTIN), "failing", "good"]
    assert known["client"] in BUILTIN
    why = "\n".join(problems)
    assert len(problems) == 6 and all("\n" not in p for p in problems)
    assert "entry point 'broken' (fake_broken:target) of fake-plugins 1.0 does not load: " in why
    assert "RuntimeError: no database" in why and "second line" not in why
    assert "'missing' (fake_nowhere:target) of fake-plugins 1.0 does not load: Module" in why
    assert "'number' (fake_targets:not_a_target) of fake-plugins 1.0 is a int, not a" in why
    assert "'misnamed' (fake_targets:good) of fake-plugins 1.0 is the target named 'good'" in why
    assert "'client' (fake_targets:good) of fake-plugins 1.0: a built-in target has" in why
    assert "'twice' is declared twice (fake_targets:good of fake-plugins 1.0 and " in why

    code, out, err = run("targets")
    assert code == 0 and "Traceback" not in err
    assert "good     fake-plugins 1.0  one page" in out
    assert "client   built-in" in out and "(settings: package, base_url)" in out
    assert err.count("docgen: warning: ") == 6


def test_a_plugin_target_builds(plugins: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _, err = run("build", str(GROUPS), "-o", str(out), "-t", "good", "-t", "model")
    assert code == 0, err
    assert (out / "page.md").read_text() == "27 endpoints\n"
    assert (out / "model.json").is_file()
    assert "docgen: warning" not in err  # the plugins not asked for are not even loaded
    code, _, err = run("build", str(GROUPS), "-o", str(out), "-t", "good", "-t", "model")
    assert code == 0 and "up to date" in err

    # the plugin's code and templates are part of what OUT was built from
    (plugins / "fake_targets" / "templates" / "page.md.jinja").write_text("{{ count }} in all\n")
    code, _, err = run("build", str(GROUPS), "-o", str(out), "-t", "good", "-t", "model")
    assert code == 0 and "1 written" in err
    assert (out / "page.md").read_text() == "27 in all\n"


def test_plugin_targets_named_in_the_settings(plugins: Path, tmp_path: Path) -> None:
    Path("docgen.toml").write_text(f'docs = "{GROUPS}"\noutput = "out"\ntargets = ["good"]\n')
    code, _, err = run("build")
    assert code == 0, err
    assert sorted(p.name for p in Path("out").iterdir()) == [".docgen-manifest.json", "page.md"]
    Path("docgen.toml").write_text(f'docs = "{GROUPS}"\noutput = "out"\ntargets = ["broken"]\n')
    code, _, err = run("build")
    assert code == 2 and "Traceback" not in err
    assert "entry point 'broken' (fake_broken:target) of fake-plugins 1.0 does not load" in err


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("broken", "entry point 'broken' (fake_broken:target) of fake-plugins 1.0 does not"),
        ("number", "entry point 'number' (fake_targets:not_a_target) of fake-plugins 1.0 is a"),
        ("twice", "target 'twice' is declared twice (fake_targets:good of fake-plugins 1.0 and"),
        ("nope", "unknown target(s) in -t: nope (known: broken, client, failing, good,"),
    ],
)
def test_a_target_that_cannot_be_built_is_a_usage_error(
    plugins: Path, tmp_path: Path, name: str, says: str
) -> None:
    out = tmp_path / "out"
    code, _, err = run("build", str(GROUPS), "-o", str(out), "-t", "good", "-t", name)
    assert code == 2 and "Traceback" not in err
    assert says in err and err.count("\n") <= 4  # click's usage lines, then one line
    assert not out.exists()
    with pytest.raises(TargetError, match="known: .*good"):
        find(["good", name])


def test_a_plugin_failing_is_one_line(plugins: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for jobs in ("1", "2"):
        code, _, err = run(
            "build", str(GROUPS), "-o", str(out), "-t", "failing", "-t", "good", "-j", jobs
        )
        assert code == 2 and "Traceback" not in err  # docgen failed: exit 2
        assert (
            "Error: target 'failing' (fake-plugins 1.0) failed: ValueError: no page "
            "(DOCGEN_DEBUG=1 for the traceback)\n"
        ) in err


def test_build_help_lists_the_targets(plugins: Path) -> None:
    code, out, _ = run("build", "--help")
    assert code == 0
    assert "client, model, openapi, server, tests, failing, good" in " ".join(out.split())


def test_the_sample_plugin_installed_in_a_venv(tmp_path: Path) -> None:
    """docgen and samples/plugin-target installed as wheels (with docgen's dependencies,
    from the package index) into a new venv, nothing else: its `docgen` builds the
    plugin's target and knows it when a name is wrong."""
    started = time.monotonic()
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "-q"]
    installed = subprocess.run(
        [*pip, str(ROOT), str(PLUGIN)], env=env, capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stderr[-3000:]

    def docgen(*args: str) -> subprocess.CompletedProcess[str]:
        command = [str(env_dir / "bin" / "docgen"), *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, cwd=tmp_path)

    out = tmp_path / "out"
    built = docgen("build", str(GROUPS), "-o", str(out), "-t", "endpoint-list")
    assert built.returncode == 0, built.stderr
    assert sorted(p.name for p in out.iterdir()) == [".docgen-manifest.json", "endpoints.md"]
    text = (out / "endpoints.md").read_text()
    assert text.startswith("# Endpoints\n\n27 endpoints under `https://graph.microsoft.com/v1.0`")
    assert "| GET | `/groups/{group-id}` | Get group |\n" in text
    wrong = docgen("build", str(GROUPS), "-o", str(out), "-t", "endpoints")
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    assert "unknown target(s) in -t: endpoints (known: client, endpoint-list, model," in (
        wrong.stderr
    )
    listed = docgen("targets")
    assert "endpoint-list  docgen-endpoint-list 0.1.0  endpoints.md: " in listed.stdout
    assert time.monotonic() - started < 60, "keep this test fast: it runs in `make test`"


def test_the_sample_plugin_is_small() -> None:
    files = [p for p in PLUGIN.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert sum(len(p.read_text().splitlines()) for p in files) < 60
    assert 'license = { text = "MIT" }' in (PLUGIN / "pyproject.toml").read_text()
