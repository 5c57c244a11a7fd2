"""deploy/k8s, checked without a cluster.

Built-in kinds are validated (strict: unknown fields fail) against the Kubernetes schemas that
the `kubernetes-validate` package ships, offline. ServiceBinding and ClusterWorkloadResourceMapping
are validated against the openAPIV3Schema of the servicebinding.io spec's exemplar CRDs (copied
into tests/deploy/schemas). Then the wiring the project relies on: bindings point at Secrets and
workloads that exist, are projected under SERVICE_BINDING_ROOT, and the token file comes from a
Secret.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path, PurePosixPath
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import typer.main
import yaml
from kubernetes_validate.utils import latest_version

from catalog_sync.bindings.model import Binding, normalize_type
from catalog_sync.cli.main import app

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
CRDS = {
    "ServiceBinding": "servicebinding.io_servicebindings.yaml",
    "ClusterWorkloadResourceMapping": "servicebinding.io_clusterworkloadresourcemappings.yaml",
}
BINDING_NAME = re.compile(r"^[a-z0-9\-.]{1,253}$")  # the spec's rule for binding names


@pytest.fixture(scope="module")
def docs() -> list[dict[str, Any]]:
    found = []
    for path in sorted(K8S.glob("*.yaml")):
        found += [d for d in yaml.safe_load_all(path.read_text()) if d]
    return found


def _of_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


def _crd_schema(kind: str) -> dict[str, Any]:
    crd = yaml.safe_load((SCHEMAS / CRDS[kind]).read_text())
    (version,) = [v for v in crd["spec"]["versions"] if v["name"] == "v1"]
    return dict(version["schema"]["openAPIV3Schema"])


def _pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    spec = workload["spec"]
    job = spec.get("jobTemplate", {}).get("spec")  # a CronJob nests its pod template deeper
    template = (job or spec)["template"]
    return dict(template["spec"])


def test_the_examples_are_all_there(docs: list[dict[str, Any]]) -> None:
    kinds = sorted({d["kind"] for d in docs})
    assert kinds == ["ClusterWorkloadResourceMapping", "CronJob", "Deployment",
                     "PersistentVolumeClaim", "Secret", "Service", "ServiceBinding"]


def test_scheduled_runs_keep_their_state_between_runs(docs: list[dict[str, Any]]) -> None:
    """The footer cache and the write-ahead URN journal live beside the catalog path
    (CATALOG_SYNC_CATALOG, under the image's state folder): an emptyDir would lose both."""
    (cronjob,) = _of_kind(docs, "CronJob").values()
    pod = _pod_spec(cronjob)
    (container,) = pod["containers"]
    dockerfile = (REPO / "Dockerfile").read_text()
    catalog = re.search(r"CATALOG_SYNC_CATALOG=(\S+)", dockerfile)
    assert catalog is not None
    mount = next(m for m in container["volumeMounts"]
                 if PurePosixPath(catalog.group(1)).parent == PurePosixPath(m["mountPath"]))
    volume = next(v for v in pod["volumes"] if v["name"] == mount["name"])
    claim = volume["persistentVolumeClaim"]["claimName"]
    assert claim in _of_kind(docs, "PersistentVolumeClaim")
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"


def test_builtin_kinds_valid_against_kubernetes_schemas(docs: list[dict[str, Any]]) -> None:
    version = latest_version()
    for doc in docs:
        if doc["kind"] in CRDS:
            continue
        kubernetes_validate.validate(doc, version, strict=True)


def test_kubernetes_validation_is_not_vacuous(docs: list[dict[str, Any]]) -> None:
    deployment = dict(_of_kind(docs, "Deployment")["catalog-sync-api"])
    broken = {**deployment, "spec": {**deployment["spec"], "replica": 2}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, latest_version(), strict=True)


@pytest.mark.parametrize("kind", sorted(CRDS))
def test_servicebinding_resources_valid_against_the_spec_crds(
    docs: list[dict[str, Any]], kind: str
) -> None:
    schema = _crd_schema(kind)
    resources = _of_kind(docs, kind)
    assert resources
    for resource in resources.values():
        assert resource["apiVersion"] == "servicebinding.io/v1"
        jsonschema.validate(resource, schema)
    with pytest.raises(jsonschema.ValidationError):  # the CRD schema does bite
        jsonschema.validate({**resource, "spec": {"versions": "x", "service": 1}}, schema)


def test_bindings_reference_existing_secrets_and_workloads(docs: list[dict[str, Any]]) -> None:
    secrets = _of_kind(docs, "Secret")
    workloads = {(d["kind"], d["metadata"]["name"]) for d in docs
                 if d["kind"] in ("Deployment", "CronJob")}
    bound: dict[tuple[str, str], set[str]] = {}
    for sb in _of_kind(docs, "ServiceBinding").values():
        spec = sb["spec"]
        assert BINDING_NAME.match(spec["name"])
        service, workload = spec["service"], spec["workload"]
        assert (service["apiVersion"], service["kind"]) == ("v1", "Secret")  # direct reference
        entries = secrets[service["name"]]["stringData"]
        assert secrets[service["name"]]["type"] == f"servicebinding.io/{entries['type']}"
        assert (spec["type"], spec["provider"]) == (entries["type"], entries["provider"])
        key = (workload["kind"], workload["name"])
        assert key in workloads, key
        bound.setdefault(key, set()).add(spec["name"])
    # each workload sees both databases
    assert bound == {("Deployment", "catalog-sync-api"): {"training-db", "inference-db"},
                     ("CronJob", "catalog-sync-ingest"): {"training-db", "inference-db"}}
    mappings = _of_kind(docs, "ClusterWorkloadResourceMapping")
    assert "cronjobs.batch" in mappings  # CronJob is not PodSpec-able at .spec.template


def test_binding_secrets_read_as_catalog_sync_bindings(docs: list[dict[str, Any]]) -> None:
    types = set()
    for name, secret in _of_kind(docs, "Secret").items():
        binding = Binding.from_entries(name, secret["stringData"])
        types.add(binding.type)
        assert binding.port == 5432 and binding.sslmode == "require"
        assert "password" not in str(binding.coordinates())
    assert types == {normalize_type("postgresql"), "greenplum"}


def test_workloads_run_real_commands_as_the_image_user(docs: list[dict[str, Any]]) -> None:
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    dockerfile_user = next(line.split()[1] for line in (REPO / "Dockerfile").read_text()
                           .splitlines() if line.startswith("USER "))
    for kind in ("Deployment", "CronJob"):
        for workload in _of_kind(docs, kind).values():
            pod = _pod_spec(workload)
            security = pod["securityContext"]
            assert security["runAsNonRoot"] is True
            assert f"{security['runAsUser']}:{security['runAsGroup']}" == dockerfile_user
            volumes = {v["name"] for v in pod["volumes"]}
            for container in pod["containers"]:
                assert container["args"][0] in commands
                assert {m["name"] for m in container["volumeMounts"]} <= volumes
                for arg in container["args"]:
                    if arg.startswith("recipes/"):
                        assert (REPO / arg).is_file(), arg
                image_tag = container["image"].rsplit(":", 1)[1]
                version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
                assert image_tag == version
                env = {e["name"]: e for e in container["env"]}
                assert env["SERVICE_BINDING_ROOT"]["value"] == "/bindings"
                assert env["DATAHUB_GMS_URL"]["value"].startswith("http")
                assert "secretKeyRef" in env["DATAHUB_GMS_TOKEN"]["valueFrom"]


def test_api_token_file_comes_from_a_secret_and_service_matches(
    docs: list[dict[str, Any]],
) -> None:
    deployment = _of_kind(docs, "Deployment")["catalog-sync-api"]
    pod = _pod_spec(deployment)
    (container,) = pod["containers"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    tokens_file = PurePosixPath(env["CATALOG_SYNC_TOKENS_FILE"])
    mounts = {m["mountPath"]: m for m in container["volumeMounts"]}
    mount = mounts[str(tokens_file.parent)]
    assert mount["readOnly"] is True
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes[mount["name"]]["secret"]["secretName"] == "catalog-sync-tokens"
    assert {p["httpGet"]["path"] for p in (container["readinessProbe"],
                                           container["livenessProbe"])} == {"/readyz", "/healthz"}
    service = _of_kind(docs, "Service")["catalog-sync-api"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    port_names = {p["name"] for p in container["ports"]}
    assert {p["targetPort"] for p in service["spec"]["ports"]} <= port_names
