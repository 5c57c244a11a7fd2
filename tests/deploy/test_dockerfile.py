"""The Dockerfile's references, checked without building (no Docker engine here).

Parsed with `dockerfile-parse`: every COPY source exists and survives .dockerignore, the final
user is not root, the entrypoint is the project's console script, the default command is a real
CLI command, and the baked-in tags are where CATALOG_SYNC_TAGS_DIR says.
"""

from __future__ import annotations

import fnmatch
import json
import shlex
import tomllib
from pathlib import Path, PurePosixPath

import pytest
import typer.main
from dockerfile_parse import DockerfileParser

from catalog_sync.cli.main import app

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def dockerfile() -> DockerfileParser:
    return DockerfileParser(path=str(REPO / "Dockerfile"))


def _instructions(dockerfile: DockerfileParser, name: str, *, final: bool = False) -> list[str]:
    """Values of one instruction, for the whole file or only the final stage."""
    values: list[str] = []
    for item in dockerfile.structure:
        if item["instruction"] == "FROM" and final:
            values = []  # a new stage starts: forget the previous one's
        if item["instruction"] == name:
            values.append(item["value"])
    return values


def _ignored(path: str, patterns: list[str]) -> bool:
    parts = PurePosixPath(path).parts
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(fnmatch.fnmatch(p, pattern.lstrip("/").removeprefix("**/")) or
               fnmatch.fnmatch(p, pattern) for p in prefixes for pattern in patterns)


def test_copy_sources_exist_and_are_not_dockerignored(dockerfile: DockerfileParser) -> None:
    ignore = [line.strip() for line in (REPO / ".dockerignore").read_text().splitlines()
              if line.strip() and not line.startswith("#")]
    sources: list[str] = []
    for value in _instructions(dockerfile, "COPY"):
        words = shlex.split(value)
        if any(w.startswith("--from=") for w in words):
            continue
        sources += [w for w in words[:-1] if not w.startswith("--")]
    assert {"pyproject.toml", "catalog_sync", "recipes"} <= set(sources)
    for source in sources:
        assert (REPO / source).exists(), source
        assert not _ignored(source, ignore), f"{source} is excluded by .dockerignore"
    assert _ignored("tests/deploy/test_dockerfile.py", ignore)  # the matcher does match


def test_base_images_are_pinned_and_slim(dockerfile: DockerfileParser) -> None:
    for image in dockerfile.parent_images:
        name, _, tag = image.partition(":")
        assert tag and tag != "latest" and "slim" in tag, image


def test_runs_as_a_non_root_user(dockerfile: DockerfileParser) -> None:
    users = _instructions(dockerfile, "USER", final=True)
    assert users, "the final stage sets no USER (it would run as root)"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    run = " ".join(_instructions(dockerfile, "RUN", final=True))
    assert f"--uid {user}" in run  # the user exists in the image


def test_entrypoint_is_the_console_script_and_cmd_a_real_command(
    dockerfile: DockerfileParser,
) -> None:
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    entrypoint = json.loads(_instructions(dockerfile, "ENTRYPOINT")[-1])
    assert entrypoint == ["catalog-sync"] and "catalog-sync" in scripts
    cmd = json.loads(_instructions(dockerfile, "CMD")[-1])
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    assert cmd[0] == "serve" and "serve" in commands
    port = cmd[cmd.index("--port") + 1]
    assert _instructions(dockerfile, "EXPOSE") == [port]


def test_recipes_are_baked_in_and_tags_come_from_the_package(dockerfile: DockerfileParser) -> None:
    env = dockerfile.envs
    copies = _instructions(dockerfile, "COPY", final=True)
    assert "recipes ./recipes" in copies
    # no tags/ copied or pointed at: the packaged defaults apply, a mounted /app/tags replaces them
    assert "CATALOG_SYNC_TAGS_DIR" not in env
    assert not any(c.startswith("tags") for c in copies)
    assert _instructions(dockerfile, "WORKDIR", final=True)[-1] == "/app"
    state = PurePosixPath(env["CATALOG_SYNC_CATALOG"]).parent
    assert f'["{state}"]' in _instructions(dockerfile, "VOLUME")
    assert PurePosixPath(env["CATALOG_SYNC_TOKENS_FILE"]).parent == state
