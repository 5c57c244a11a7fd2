"""Lake datasets in the shapes readers want: JSON, pyarrow, fsspec, DuckDB, env.

Credentials come only from the live binding, and only when the caller passes `secrets=True`
(the `bindings:secrets` scope at the API edge): never from the server's own environment.
Without them every shape still names the location, endpoint and region, so a reader with
injected credentials (IRSA, a mounted binding) can use it as it is.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from catalog_sync.discovery.credentials import NO_BINDING_ROOT, SCOPE_REQUIRED
from catalog_sync.discovery.lake import LakeAccess
from catalog_sync.errors import BadInputError

NO_CREDENTIALS = "binding has no credentials"
NO_BINDING = "no binding: a local lake needs no credentials"


def credentials_status(access: LakeAccess, secrets: bool) -> tuple[bool, str | None]:
    """Whether a renderer called with `secrets` includes credentials, and if not, why."""
    if access.dataset.binding is None:
        return False, NO_BINDING
    if access.live is None:
        return False, NO_BINDING_ROOT
    if not secrets:
        return False, SCOPE_REQUIRED
    if not access.live.secrets():
        return False, NO_CREDENTIALS
    return True, None


def _value(secret: Any) -> str | None:
    return secret.get_secret_value() if secret is not None else None


def coordinates(access: LakeAccess, secrets: bool) -> dict[str, str]:
    """endpoint, region and, with `secrets`, the live binding's credentials (one spelling:
    the servicebinding.io convention's, snake-cased)."""
    live, dataset = access.live, access.dataset
    found = {"endpoint": (live.endpoint if live else None) or dataset.endpoint,
             "region": (live.region if live else None) or dataset.region,
             "project_id": live.project_id if live else None}
    if secrets and live is not None:
        found.update(access_key_id=_value(live.access_key_id),
                     secret_access_key=_value(live.secret_access_key),
                     session_token=_value(live.session_token),
                     service_account_key=_value(live.service_account_key),
                     access_token=_value(live.access_token))
    return {k: v for k, v in found.items() if v}


def _head(access: LakeAccess) -> dict[str, Any]:
    d = access.dataset
    return {"urn": d.urn, "name": d.name, "location": d.location, "format": d.format,
            "partition_keys": list(d.partition_keys)}


def as_json(access: LakeAccess, secrets: bool) -> dict[str, Any]:
    """Location, format, partition keys, binding, storage options; whether credentials are in."""
    d = access.dataset
    included, reason = credentials_status(access, secrets)
    binding = {"name": d.binding, "type": d.type, "provider": d.provider} if d.binding else None
    return {**_head(access), "binding": binding,
            "storage_options": coordinates(access, secrets),
            "credentials_included": included, "credentials_omitted_reason": reason}


def fs_path(location: str) -> str:
    """A location as a pyarrow filesystem path: `bucket/key`, or the local absolute path."""
    parts = urlsplit(location)
    return parts.path if parts.scheme in ("", "file") else f"{parts.netloc}{parts.path}"


def pyarrow_kwargs(access: LakeAccess, secrets: bool) -> tuple[str, dict[str, Any]]:
    """The `pyarrow.fs` class name and its keyword arguments."""
    c = coordinates(access, secrets)
    platform = access.dataset.platform
    if platform == "file":
        return "LocalFileSystem", {}
    kwargs: dict[str, Any] = {}
    if "endpoint" in c:
        parts = urlsplit(c["endpoint"])
        kwargs.update(endpoint_override=parts.netloc, scheme=parts.scheme)
    if platform == "gcs":
        if "project_id" in c:
            kwargs["project_id"] = c["project_id"]
        if "access_token" in c:
            # pyarrow wants an expiry beside a token (fs.gcs_filesystem gives the same one);
            # JSON has no datetime: ISO 8601, for datetime.fromisoformat.
            expiry = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
            kwargs.update(access_token=c["access_token"],
                          credential_token_expiration=expiry.isoformat())
        elif "endpoint" in c and "service_account_key" not in c:
            kwargs["anonymous"] = True
        return "GcsFileSystem", kwargs
    names = {"region": "region", "access_key_id": "access_key",
             "secret_access_key": "secret_key", "session_token": "session_token"}
    kwargs.update({names[k]: v for k, v in c.items() if k in names})
    return "S3FileSystem", kwargs


def as_pyarrow(access: LakeAccess, secrets: bool) -> dict[str, Any]:
    """`getattr(pyarrow.fs, filesystem)(**filesystem_kwargs)` and `path` open the table (a
    GCS token's `credential_token_expiration` is ISO 8601 text: `datetime.fromisoformat`)."""
    name, kwargs = pyarrow_kwargs(access, secrets)
    return {**_head(access), "filesystem": name, "filesystem_kwargs": kwargs,
            "path": fs_path(access.dataset.location),
            "partitioning": "hive" if access.dataset.partition_keys else None}


def fsspec_options(access: LakeAccess, secrets: bool) -> dict[str, Any]:
    """`storage_options` for s3fs or gcsfs (what pandas and polars pass on as they are)."""
    c = coordinates(access, secrets)
    if access.dataset.platform == "gcs":
        options: dict[str, Any] = {}
        if "endpoint" in c:
            options["endpoint_url"] = c["endpoint"]
        if "project_id" in c:
            options["project"] = c["project_id"]
        if "service_account_key" in c:
            options["token"] = json.loads(c["service_account_key"])
        elif "access_token" in c:
            options["token"] = c["access_token"]
        elif "endpoint" in c:
            options["token"] = "anon"
        return options
    if access.dataset.platform == "file":
        return {}
    names = {"access_key_id": "key", "secret_access_key": "secret", "session_token": "token",
             "endpoint": "endpoint_url"}
    options = {names[k]: v for k, v in c.items() if k in names}
    if "region" in c:
        options["client_kwargs"] = {"region_name": c["region"]}
    return options


def as_fsspec(access: LakeAccess, secrets: bool) -> dict[str, Any]:
    return {**_head(access), "url": access.dataset.location,
            "storage_options": fsspec_options(access, secrets)}


def _sql(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _secret_name(binding: str) -> str:
    return "cs_" + re.sub(r"\W", "_", binding)


def duckdb_secret(access: LakeAccess, secrets: bool) -> str:
    """A `CREATE OR REPLACE SECRET` scoped to the dataset's bucket (S3 or GCS HMAC keys)."""
    d = access.dataset
    c = coordinates(access, secrets)
    scheme = "gs" if d.platform == "gcs" else "s3"
    bucket = fs_path(d.location).split("/", 1)[0]
    options = [("TYPE", "gcs" if d.platform == "gcs" else "s3")]
    if "access_key_id" in c and "secret_access_key" in c:
        options += [("KEY_ID", _sql(c["access_key_id"])),
                    ("SECRET", _sql(c["secret_access_key"]))]
        if "session_token" in c:
            options.append(("SESSION_TOKEN", _sql(c["session_token"])))
    if "region" in c:
        options.append(("REGION", _sql(c["region"])))
    if "endpoint" in c:
        parts = urlsplit(c["endpoint"])
        options += [("ENDPOINT", _sql(parts.netloc)), ("URL_STYLE", "'path'"),
                    ("USE_SSL", "true" if parts.scheme == "https" else "false")]
    options.append(("SCOPE", _sql(f"{scheme}://{bucket}")))
    body = ", ".join(f"{k} {v}" for k, v in options)
    return f"CREATE OR REPLACE SECRET {_secret_name(d.binding or bucket)} ({body});"


def duckdb_query(access: LakeAccess) -> str:
    """`read_parquet('…/**/*.parquet', hive_partitioning = true)`, or the format's scan."""
    d = access.dataset
    where = fs_path(d.location) if d.platform == "file" else d.location
    if d.format == "delta":
        return f"SELECT * FROM delta_scan({_sql(where)});"
    if d.format == "iceberg":
        return f"SELECT * FROM iceberg_scan({_sql(where)});"
    return (f"SELECT * FROM read_parquet({_sql(where.rstrip('/') + '/**/*.parquet')}, "
            "hive_partitioning = true);")


def as_duckdb(accesses: Sequence[LakeAccess], secrets: bool) -> str:
    """One secret per binding (object stores only), then one query per dataset."""
    lines: list[str] = []
    seen: set[str] = set()
    for access in accesses:
        d = access.dataset
        if d.platform == "file" or (d.binding or d.location) in seen:
            continue
        seen.add(d.binding or d.location)
        included, reason = credentials_status(access, secrets)
        if not included:
            lines.append(f"-- credentials left out: {reason}")
        lines.append(duckdb_secret(access, secrets))
    for access in accesses:
        lines += [f"-- {access.dataset.name} ({access.dataset.urn})", duckdb_query(access)]
    return "\n".join(lines) + "\n"


_ENV = {"endpoint": "AWS_ENDPOINT_URL", "region": "AWS_REGION",
        "access_key_id": "AWS_ACCESS_KEY_ID", "secret_access_key": "AWS_SECRET_ACCESS_KEY",
        "session_token": "AWS_SESSION_TOKEN"}


def as_env(accesses: Sequence[LakeAccess], secrets: bool) -> str:
    """`AWS_*` lines of the one S3 binding the datasets share, their locations as comments."""
    bindings = sorted({a.dataset.binding or "-" for a in accesses})
    platforms = {a.dataset.platform for a in accesses}
    if platforms != {"s3"}:
        raise BadInputError("format 'env' gives AWS_* variables: S3 datasets only "
                            f"(these are on {', '.join(sorted(platforms))}); use --format json")
    if len(bindings) > 1:
        raise BadInputError(f"format 'env' needs one binding; the datasets use "
                            f"{', '.join(bindings)}: narrow with --binding")
    first = accesses[0]
    values = coordinates(first, secrets)
    lines = [f"{_ENV[k]}={shlex.quote(v)}" for k, v in values.items() if k in _ENV]
    included, reason = credentials_status(first, secrets)
    if not included:
        lines.append(f"# credentials left out: {reason}")
    lines += [f"# {a.dataset.name}: {a.dataset.location}" for a in accesses]
    return "\n".join(lines) + "\n"
