"""Lake roots from object-storage bindings: each binding's bucket (and prefix) is a root, read
with that binding's endpoint, region and credentials, and nothing else's.

A binding that cannot be used (no bucket, an endpoint that does not answer, keys the server
refuses) is one failure naming the binding; the other bindings are still read. Its root, when
known, lets the source keep the datasets the catalog holds under it (nothing is removed).
Messages from pyarrow are scrubbed of the binding's secrets (`StoreOptions.scrub`) before
they go anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow.fs as pafs

from catalog_sync.bindings import BindingError, ObjectBinding, read_object_bindings
from catalog_sync.sources.lake.config import LakeSourceConfig
from catalog_sync.sources.lake.fs import GcsOptions, LakeRoot, S3Options, resolve_root
from catalog_sync.sources.lake.table_log import StoreOptions


@dataclass(frozen=True, slots=True)
class BoundRoot:
    """A reachable root and the storage options its binding gives (for Delta and Iceberg)."""

    root: LakeRoot
    store: StoreOptions


@dataclass(frozen=True, slots=True)
class BrokenBinding:
    """A binding that gave no root; `root` is set when its bucket is known."""

    name: str
    reason: str
    root: LakeRoot | None = None


def store_options(binding: ObjectBinding) -> StoreOptions:
    """The binding's coordinates and credentials in the lake source's own option types."""
    if binding.type == "s3":
        return StoreOptions(S3Options(
            endpoint_url=binding.endpoint, region=binding.region,
            access_key_id=binding.access_key_id, secret_access_key=binding.secret_access_key,
            session_token=binding.session_token,
        ), GcsOptions())
    anonymous = binding.access_token is None and binding.endpoint is not None
    return StoreOptions(S3Options(), GcsOptions(
        endpoint_url=binding.endpoint, project_id=binding.project_id,
        access_token=binding.access_token, anonymous=anonymous,
    ))


def bound_root(binding: ObjectBinding) -> LakeRoot:
    """The binding's root with a filesystem built from its own options, and its coordinates."""
    options = store_options(binding)
    root = resolve_root(binding.uri, options.s3, options.gcs)
    return LakeRoot(root.uri, root.scheme, root.bucket, root.path, root.filesystem,
                    binding=tuple(sorted(binding.coordinates().items())))


def binding_roots(config: LakeSourceConfig) -> tuple[list[BoundRoot], list[BrokenBinding]]:
    """Every selected binding as a reachable root, or as a failure naming it."""
    root_folder = config.resolved_binding_root()
    if not config.uses_bindings() or root_folder is None:
        return [], []
    broken: list[BrokenBinding] = []

    def failed(err: BindingError) -> None:
        broken.append(BrokenBinding(err.name, err.problem))

    bindings = read_object_bindings(
        root_folder, types=set(config.binding_types), names=set(config.binding_names) or None,
        providers=set(config.binding_providers) or None,
        types_by_name=config.binding_types_by_name, on_error=failed,
    )
    bound: list[BoundRoot] = []
    for binding in bindings:
        root = bound_root(binding)
        try:
            info = root.filesystem.get_file_info(root.path)
        except OSError as err:
            scrubbed = store_options(binding).scrub(str(err) or type(err).__name__)
            reason = f"cannot reach {binding.uri}: {scrubbed}"
            broken.append(BrokenBinding(binding.name, reason, root))
            continue
        if info.type != pafs.FileType.Directory:
            broken.append(BrokenBinding(binding.name, f"{binding.uri} not found", root))
            continue
        bound.append(BoundRoot(root, store_options(binding)))
    return bound, broken
