"""docker-compose.yml, checked without a Docker engine (none runs here).

The file is validated against the Compose specification's JSON schema (copied into
tests/deploy/schemas, source in SOURCES.md); then the things `docker compose up` would only find
out at run time: every mounted file exists, images are pinned, every dependency waits on a
health check or a finished job, and the binding folders agree with the databases they describe.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from catalog_sync.bindings.reader import read_bindings

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = Path(__file__).resolve().parent / "schemas"
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}")

EXPECTED_SERVICES = {
    "mysql", "search", "broker", "datahub-upgrade", "datahub-gms", "datahub-frontend",
    "inference-db", "training-db", "catalog-sync-ingest", "catalog-sync-api",
}


def interpolate(value: str) -> str:
    """`${VAR:-default}` -> default, as Compose does with VAR unset (`$$` is a literal `$`)."""
    return _VAR.sub(lambda m: m.group(2) or "", value).replace("$$", "$")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def _bind_sources(service: dict[str, Any]) -> list[str]:
    sources = []
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source = volume.split(":", 1)[0]
            if source.startswith((".", "/")):
                sources.append(source)
        elif volume.get("type") == "bind":
            sources.append(volume["source"])
    return sources


def _is_job(service: dict[str, Any]) -> bool:
    return service.get("restart") == "no"


def test_valid_against_the_compose_spec_schema(compose: dict[str, Any]) -> None:
    schema = json.loads((SCHEMAS / "compose-spec.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(compose), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def test_schema_catches_a_broken_file(compose: dict[str, Any]) -> None:
    """The schema check is not vacuous: a misspelt key and a bad condition are rejected."""
    schema = json.loads((SCHEMAS / "compose-spec.json").read_text())
    broken = json.loads(json.dumps(compose))
    broken["services"]["datahub-gms"]["helthcheck"] = {}
    broken["services"]["datahub-gms"]["depends_on"]["datahub-upgrade"]["condition"] = "done"
    messages = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(broken)]
    assert any("helthcheck" in m for m in messages)
    assert any("done" in m for m in messages)


def test_the_whole_stack_is_there(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) == EXPECTED_SERVICES


def test_every_mounted_or_referenced_file_exists(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    missing = []
    for name, service in services.items():
        for source in _bind_sources(service):
            if not (REPO / source).exists():
                missing.append(f"{name}: volume {source}")
        build = service.get("build")
        if build is not None:
            context = REPO / (build if isinstance(build, str) else build.get("context", "."))
            dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile",
                                                                               "Dockerfile")
            if not (context / dockerfile).is_file():
                missing.append(f"{name}: build {context / dockerfile}")
    for name, secret in compose.get("secrets", {}).items():
        if not (REPO / secret["file"]).is_file():
            missing.append(f"secret {name}: {secret['file']}")
    assert not missing


def test_images_are_pinned(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        if "build" in service:
            continue
        image = interpolate(service["image"])
        repo, _, tag = image.rpartition(":")
        assert repo and tag and tag != "latest" and "/" not in tag, f"{name}: {image}"
    assert interpolate(services["datahub-gms"]["image"]) == "acryldata/datahub-gms:v1.7.0"
    datahub = {interpolate(services[s]["image"]).rsplit(":", 1)[1]
               for s in ("datahub-upgrade", "datahub-gms", "datahub-frontend")}
    assert datahub == {"v1.7.0"}  # one DataHub version across its images


def test_services_have_health_checks_and_jobs_exit(services: dict[str, dict[str, Any]]) -> None:
    jobs = {name for name, s in services.items() if _is_job(s)}
    assert jobs == {"datahub-upgrade", "catalog-sync-ingest"}
    for name, service in services.items():
        if name not in jobs:
            assert service.get("healthcheck", {}).get("test"), f"{name}: no healthcheck"


def test_dependencies_wait_for_health_or_completion(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        depends = service.get("depends_on", {})
        assert isinstance(depends, dict), f"{name}: depends_on needs conditions"
        for target, rule in depends.items():
            assert target in services, f"{name} -> {target}"
            expected = ("service_completed_successfully" if _is_job(services[target])
                        else "service_healthy")
            assert rule["condition"] == expected, f"{name} -> {target}: {rule}"
    assert set(services["catalog-sync-ingest"]["depends_on"]) == {
        "datahub-gms", "inference-db", "training-db"}
    assert "datahub-gms" in services["catalog-sync-api"]["depends_on"]


def test_ingest_job_runs_every_recipe_against_gms(services: dict[str, dict[str, Any]]) -> None:
    job = services["catalog-sync-ingest"]
    script = interpolate(" ".join(job["command"]))
    recipes = [w for w in shlex.split(script) if w.startswith("recipes/")]
    assert recipes == ["recipes/lake.yml", "recipes/training.yml", "recipes/inference.yml"]
    for recipe in recipes:
        assert (REPO / recipe).is_file(), recipe
        # No sink of its own: DATAHUB_GMS_URL makes the sink GMS.
        assert "sink" not in yaml.safe_load((REPO / recipe).read_text())
    assert job["environment"]["DATAHUB_GMS_URL"] == "http://datahub-gms:8080"
    assert "catalog-sync doctor &&" in script


def test_api_serves_on_8000(services: dict[str, dict[str, Any]]) -> None:
    api = services["catalog-sync-api"]
    assert api["command"] == ["serve", "--host", "0.0.0.0", "--port", "8000"]
    assert interpolate(api["ports"][0]) == "8000:8000"
    assert "/healthz" in " ".join(api["healthcheck"]["test"])


@pytest.mark.parametrize("service", ["catalog-sync-ingest", "catalog-sync-api"])
def test_bindings_are_mounted_at_the_binding_root(
    services: dict[str, dict[str, Any]], service: str
) -> None:
    root = services[service]["environment"]["SERVICE_BINDING_ROOT"]
    assert f"./deploy/bindings:{root}:ro" in services[service]["volumes"]


def test_binding_folders_match_the_databases(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    bindings = {b.name: b for b in read_bindings(REPO / "deploy" / "bindings")}
    assert set(bindings) == {"inference-db", "training-db"}
    secrets = {name: REPO / s["file"] for name, s in compose["secrets"].items()}

    pg, pg_env = bindings["inference-db"], services["inference-db"]["environment"]
    assert (pg.type, pg.host, pg.port) == ("postgresql", "inference-db", 5432)
    assert (pg.database, pg.username) == (pg_env["POSTGRES_DB"], pg_env["POSTGRES_USER"])
    pg_secret = Path(pg_env["POSTGRES_PASSWORD_FILE"]).name
    assert pg.password is not None
    assert secrets[pg_secret].read_text() == pg.password.get_secret_value()

    gp, gp_env = bindings["training-db"], services["training-db"]["environment"]
    assert (gp.type, gp.host, gp.port) == ("greenplum", "training-db", 5432)
    assert (gp.database, gp.username) == (gp_env["CLOUDBERRY_DATABASE_NAME"], "gpadmin")
    gp_secret = Path(gp_env["CLOUDBERRY_PASSWORD_FILE"]).name
    assert gp.password is not None
    assert secrets[gp_secret].read_text() == gp.password.get_secret_value()


def test_no_password_is_written_into_the_compose_file() -> None:
    text = (REPO / "docker-compose.yml").read_text()
    for password in (REPO / "deploy" / "bindings").glob("*/password"):
        assert password.read_text() not in text


def test_hosts_named_in_the_environment_are_services(services: dict[str, dict[str, Any]]) -> None:
    """A typo in `broker:29092` or `http://datahub-gms:8080` would only show at run time."""
    names = set(services) | {s.get("hostname") for s in services.values()}
    host_keys = ("_HOST", "_URL", "_SERVER")
    checked = set()
    for service in services.values():
        for key, value in (service.get("environment") or {}).items():
            if not key.endswith(host_keys) or not isinstance(value, str):
                continue
            match = re.match(r"^(?:[a-z]+://)?([A-Za-z0-9.-]+)(?::\d+)?(?:/.*)?$", value)
            if match and not match.group(1).replace(".", "").isdigit():
                assert match.group(1) in names, f"{key}={value}"
                checked.add(match.group(1))
    assert {"datahub-gms", "mysql", "search", "broker"} <= checked
