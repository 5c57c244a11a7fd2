"""catalog-sync as a user gets it: the wheel built from the project's files, installed into a
fresh virtualenv, run from an empty folder with no repo, no `tags/` and no settings.

The wheel is installed with `--no-deps`; its dependencies come from the project's own
virtualenv through a plain path entry (not its `.pth` files, so its editable catalog_sync is
invisible). That keeps the test offline and fast while checking what matters here: the
package's own files (tag defaults, SQL) and its default paths. The test asserts that the
catalog_sync it runs is the installed one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.support.catalog import write_binding

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def _project_files(target: Path) -> Path:
    """What a clone holds: tracked files plus new ones not ignored (the work in progress)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, capture_output=True, check=True, timeout=60,
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_symlink() or not source.is_file():
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the catalog-sync wheel installed; its bin folder."""
    base = tmp_path_factory.mktemp("wheel")
    source = _project_files(base / "src")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "--wheel-dir", str(base / "dist"), str(source)],
                   check=True, timeout=600, capture_output=True)
    wheels = list((base / "dist").glob("catalog_sync-*.whl"))
    assert len(wheels) == 1
    venv = base / "venv"
    python = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=300)
    fresh_site = Path(subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True, text=True, check=True, timeout=60).stdout.strip())
    (fresh_site / "project_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-deps",
                    "--no-index", str(wheels[0])], check=True, timeout=300, capture_output=True)
    return venv / "bin"


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CATALOG_SYNC_", "DATAHUB_", "PYTHON")) and k not in (
               "SERVICE_BINDING_ROOT", "VIRTUAL_ENV")}
    return {**env, "HOME": str(home), "DATAHUB_TELEMETRY_ENABLED": "false"}


def _run(bin_dir: Path, cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(bin_dir / "catalog-sync"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_the_installed_wheel_runs_from_an_empty_folder(installed: Path, tmp_path: Path) -> None:
    work = tmp_path / "anywhere"
    work.mkdir()
    env = _env(tmp_path / "home")
    where = subprocess.run([str(installed / "python"), "-c",
                            "import catalog_sync; print(catalog_sync.__file__)"], cwd=work,
                           env=env, capture_output=True, text=True, check=True, timeout=60)
    assert where.stdout.startswith(str(installed.parent)), where.stdout

    sample = _run(installed, work, env, "sample", "lake")
    assert sample.returncode == 0, sample.stderr
    ingested = _run(installed, work, env, "ingest", str(REPO / "recipes" / "lake.yml"), "--json")
    assert ingested.returncode == 0, ingested.stderr
    assert json.loads(ingested.stdout)["datasets"] == 4
    listed = _run(installed, work, env, "assets", "--tag", "data lake", "--json")
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == 4
    assert (work / ".catalog-sync" / "catalog.db").is_file()

    bindings = tmp_path / "bindings"
    write_binding(bindings, "gp-train", {"type": "greenplum", "host": "gp", "port": "5432",
                                         "database": "warehouse", "username": "u",
                                         "password": "p"})
    exported = _run(installed, work, env, "pgadmin", "--suffix", "t", "--from-bindings",
                    "--binding-root", str(bindings))
    assert exported.returncode == 0, exported.stderr
    servers = json.loads((work / "servers.json").read_text())["Servers"]
    assert [s["Group"] for s in servers.values()] == ["Server Group Training t"]


def test_a_missing_tags_folder_names_the_variable_and_full_path(
    installed: Path, tmp_path: Path
) -> None:
    work = tmp_path / "anywhere"
    work.mkdir()
    env = {**_env(tmp_path / "home"), "CATALOG_SYNC_TAGS_DIR": "no-such-tags"}
    (work / "r.yml").write_text("source: {type: catalog-sync-lake, config: {paths: [.]}}\n")
    done = _run(installed, work, env, "ingest", "r.yml", "--json")
    assert done.returncode == 2
    line = done.stderr.strip()
    assert len(line.splitlines()) == 1
    assert str(work / "no-such-tags") in line and "CATALOG_SYNC_TAGS_DIR" in line
    assert json.loads(done.stdout)["error"]["message"] in line
