"""Container hierarchy (bucket, folder, database, schema) as DataHub container aspects.

Keys are DataHub's own key classes, filled as DataHub's sources fill them (`ContainerRef.
env_as_instance` for its SQL sources), so the URNs are the ones those sources mint.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from datahub.emitter.mce_builder import make_dataplatform_instance_urn
from datahub.emitter.mcp import MetadataChangeProposalWrapper
from datahub.emitter.mcp_builder import (
    BucketKey,
    ContainerKey,
    DatabaseKey,
    FolderKey,
    SchemaKey,
    gen_containers,
)
from datahub.ingestion.api.workunit import MetadataWorkUnit
from datahub.metadata.schema_classes import BrowsePathEntryClass, BrowsePathsV2Class

from catalog_sync.emit.tags import global_tags_aspect
from catalog_sync.model import ContainerRef

_KEY_CLASSES: dict[str, type[ContainerKey]] = {
    "bucket": BucketKey,
    "folder": FolderKey,
    "database": DatabaseKey,
    "schema": SchemaKey,
}

_SUBTYPES: dict[str, str] = {
    "bucket": "S3 bucket",
    "folder": "Folder",
    "database": "Database",
    "schema": "Schema",
}


def _subtype(kind: str, platform: str) -> str:
    """DataHub's subtype names; a bucket is an "S3 bucket" or a "GCS bucket" by platform."""
    if kind == "bucket" and platform == "gcs":
        return "GCS bucket"
    return _SUBTYPES.get(kind, kind.title())


def container_key(
    ref: ContainerRef, *, platform: str, instance: str | None, env: str
) -> ContainerKey:
    """DataHub's key for one container level, with the fields DataHub's own sources fill."""
    key_class = _KEY_CLASSES[ref.kind]
    return key_class.model_validate(
        {"platform": platform, "instance": instance, "env": env, **dict(ref.key),
         "backcompat_env_as_instance": ref.env_as_instance}
    )


def container_workunits(
    refs: Sequence[ContainerRef],
    *,
    platform: str,
    instance: str | None,
    env: str,
    tag_origins: dict[str, dict[str, str]] | None = None,
    existing_tags: Mapping[str, list[object]] | None = None,
) -> Iterable[MetadataWorkUnit]:
    """Every level of `refs` (outermost first), each pointing at its parent.

    `tag_origins` maps a container's URN (or name, when names are unique) to the tags (and
    their rule) that belong on it.
    """
    parent: ContainerKey | None = None
    ancestors: list[str] = []
    for ref in refs:
        key = container_key(ref, platform=platform, instance=instance, env=env)
        yield from gen_containers(
            container_key=key,
            name=ref.name,
            sub_types=[_subtype(ref.kind, platform)],
            parent_container_key=parent,
            extra_properties=dict(ref.properties) or None,
            description=ref.description,
        )
        urn = key.as_urn()
        path = browse_path(ancestors, platform=platform, instance=instance)
        yield MetadataChangeProposalWrapper(entityUrn=urn, aspect=path).as_workunit()
        ancestors.append(urn)
        origins = (tag_origins or {}).get(urn, (tag_origins or {}).get(ref.name))
        if origins is not None:
            aspect = global_tags_aspect(origins, (existing_tags or {}).get(urn, []))
            yield MetadataChangeProposalWrapper(entityUrn=urn, aspect=aspect).as_workunit()
        parent = key


def browse_path(
    container_urns: Sequence[str], *, platform: str, instance: str | None
) -> BrowsePathsV2Class:
    """The path DataHub's AutoBrowsePathV2Processor would derive from the container chain
    (the platform instance first, if any), emitted by catalog-sync itself so a dataset's path
    can travel in its snapshot (catalog_sync.sources.processors)."""
    entries = [BrowsePathEntryClass(id=urn, urn=urn) for urn in container_urns]
    if instance:
        instance_urn = make_dataplatform_instance_urn(platform, instance)
        entries.insert(0, BrowsePathEntryClass(id=instance_urn, urn=instance_urn))
    return BrowsePathsV2Class(path=entries)


def parent_container_urn(
    refs: Sequence[ContainerRef], *, platform: str, instance: str | None, env: str
) -> str | None:
    """URN of the innermost container, the one a dataset sits in."""
    if not refs:
        return None
    return container_key(refs[-1], platform=platform, instance=instance, env=env).as_urn()
