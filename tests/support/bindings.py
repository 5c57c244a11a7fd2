"""Binding folders as Kubernetes projects them, and the secrets real operators write.

Kubernetes' atomic writer puts a Secret's keys in a timestamped hidden folder, points `..data`
at it and links each key through `..data`; values are written byte for byte (no newline). The
operator functions build the Secret's data exactly as each operator's code does (sources noted
per function), with the host overridable so a test can reach a local server.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlencode

K8S_PAYLOAD = "..2026_11_30_05_00_00.123456789"


def project_secret(root: Path, name: str, data: dict[str, str | bytes]) -> Path:
    """`root/name` laid out as a kubelet projects a Secret volume."""
    folder = root / name
    payload = folder / K8S_PAYLOAD
    payload.mkdir(parents=True)
    (folder / "..data").symlink_to(K8S_PAYLOAD)
    for key, value in data.items():
        (payload / key).write_bytes(value.encode() if isinstance(value, str) else value)
        (folder / key).symlink_to(f"..data/{key}")
    return folder


def _userinfo(user: str, password: str) -> str:
    """Go's url.UserPassword, as the operators' Go code encodes it."""
    return f"{quote(user, safe='')}:{quote(password, safe='')}"


def _jdbc(host_port: str, dbname: str, query: dict[str, str]) -> str:
    """Go's url.Values.Encode: keys sorted, form-encoded."""
    return f"jdbc:postgresql://{host_port}/{dbname}?{urlencode(sorted(query.items()))}"


def cloudnativepg_app(cluster: str, namespace: str, dbname: str, username: str, password: str,
                      *, host: str | None = None, port: int = 5432) -> dict[str, str | bytes]:
    """CloudNativePG's `<cluster>-app` Secret (pkg/specs/secrets.go, CreateSecret): type
    kubernetes.io/basic-auth, no `type` entry; `host` is the `-rw` service, the URIs name it
    qualified by the namespace (and the cluster domain for the fqdn-* ones)."""
    hostname = host or f"{cluster}-rw"
    namespaced = f"{hostname}.{namespace}:{port}"
    fqdn = f"{hostname}.{namespace}.svc.cluster.local:{port}"
    userinfo = _userinfo(username, password)
    credentials = {"user": username, "password": password}
    return {
        "username": username,
        "user": username,
        "password": password,
        "dbname": dbname,
        "host": hostname,
        "port": str(port),
        "pgpass": f"{hostname}:{port}:{dbname}:{username}:{password}\n",
        "uri": f"postgresql://{userinfo}@{namespaced}/{dbname}",
        "jdbc-uri": _jdbc(namespaced, dbname, credentials),
        "fqdn-uri": f"postgresql://{userinfo}@{fqdn}/{dbname}",
        "fqdn-jdbc-uri": _jdbc(fqdn, dbname, credentials),
    }


def crunchy_pgo_user(cluster: str, namespace: str, user: str, password: str, dbname: str, *,
                     host: str | None = None, port: int = 5432) -> dict[str, str | bytes]:
    """Crunchy PGO v5's `<cluster>-pguser-<user>` Secret (internal/controller/postgrescluster/
    postgres.go, generatePostgresUserSecret) with PgBouncer on: `user` (no `username`),
    `dbname`, a SCRAM `verifier`, URIs, and `pgbouncer-*`; no `type` entry."""
    hostname = host or f"{cluster}-primary.{namespace}.svc"
    bouncer = f"{cluster}-pgbouncer.{namespace}.svc"
    userinfo = _userinfo(user, password)
    return {
        "host": hostname,
        "port": str(port),
        "user": user,
        "password": password,
        "verifier": "SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0$c3RvcmVka2V5:c2VydmVya2V5",
        "dbname": dbname,
        "uri": f"postgresql://{userinfo}@{hostname}:{port}/{dbname}",
        "jdbc-uri": _jdbc(f"{hostname}:{port}", dbname, {"user": user, "password": password}),
        "pgbouncer-host": bouncer,
        "pgbouncer-port": "5432",
        "pgbouncer-uri": f"postgresql://{userinfo}@{bouncer}:5432/{dbname}",
        "pgbouncer-jdbc-uri": _jdbc(f"{bouncer}:5432", dbname, {
            "user": user, "password": password, "prepareThreshold": "0"}),
    }


def bitnami_service_binding(release: str, username: str, password: str, database: str, *,
                            host: str | None = None, port: int = 5432) -> dict[str, str | bytes]:
    """Bitnami's PostgreSQL chart with `serviceBindings.enabled` (templates/secrets.yaml, the
    `-svcbind-custom-user` Secret, type servicebinding.io/postgresql); its `uri` embeds the
    password unescaped (a printf)."""
    hostname = host or f"{release}-postgresql"
    return {
        "provider": "bitnami",
        "type": "postgresql",
        "host": hostname,
        "port": str(port),
        "username": username,
        "password": password,
        "database": database,
        "uri": f"postgresql://{username}:{password}@{hostname}:{port}/{database}",
    }


def stackgres_binding(cluster: str, namespace: str, username: str, password: str,
                      database: str | None, *, host: str | None = None, port: int = 5432
                      ) -> dict[str, str | bytes]:
    """StackGres' `<cluster>-binding` Secret (ServiceBindingSecret.java): no `database` entry,
    the database only in `uri` (and left out of it when the cluster names none)."""
    hostname = host or f"{cluster}.{namespace}"
    uri = f"postgresql://{username}:{password}@{hostname}:{port}"
    return {
        "type": "postgresql",
        "provider": "stackgres",
        "host": hostname,
        "port": str(port),
        "username": username,
        "password": password,
        "uri": f"{uri}/{database}" if database else uri,
    }


def s3_kebab_binding(bucket: str, endpoint: str, access_key: str, secret_key: str, *,
                     prefix: str = "", region: str = "us-east-1", provider: str = "minio"
                     ) -> dict[str, str | bytes]:
    """An object-storage binding in the servicebinding.io convention (kebab-case keys)."""
    data: dict[str, str | bytes] = {
        "type": "s3", "provider": provider, "endpoint": endpoint, "bucket": bucket,
        "region": region, "access-key-id": access_key, "secret-access-key": secret_key,
    }
    if prefix:
        data["prefix"] = prefix
    return data


def rook_obc(bucket: str, host: str, port: int, access_key: str, secret_key: str, *,
             region: str = "us-east-1") -> dict[str, str | bytes]:
    """A Rook/Ceph ObjectBucketClaim's ConfigMap and Secret projected into one folder (Rook's
    Documentation/Storage-Configuration/Object-Storage-RGW/ceph-object-bucket-claim.md): the
    ConfigMap's BUCKET_HOST, BUCKET_PORT, BUCKET_NAME, BUCKET_REGION, BUCKET_SUBREGION and
    the Secret's AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY; no `type`, no `provider`."""
    return {
        "BUCKET_HOST": host, "BUCKET_PORT": str(port), "BUCKET_NAME": bucket,
        "BUCKET_REGION": region, "BUCKET_SUBREGION": "",
        "AWS_ACCESS_KEY_ID": access_key, "AWS_SECRET_ACCESS_KEY": secret_key,
    }
