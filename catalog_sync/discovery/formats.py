"""A Connection in the shapes pipelines want: JSON, libpq DSN, SQLAlchemy URL, JDBC URL, env.

The password is included only when the caller passes `secrets=True` (the `bindings:secrets`
scope at the API edge); every other shape is still complete enough to connect with a
`.pgpass` or an injected password.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from catalog_sync.errors import BadInputError

if TYPE_CHECKING:
    from catalog_sync.discovery.credentials import PasswordStatus
    from catalog_sync.discovery.resolve import Connection

# Binding type -> (SQLAlchemy driver, JDBC subprotocol). Greenplum speaks the PostgreSQL wire.
_DIALECTS = {
    "postgresql": ("postgresql+psycopg2", "postgresql"),
    "greenplum": ("postgresql+psycopg2", "postgresql"),
}


class Format(StrEnum):
    JSON = "json"
    DSN = "dsn"
    SQLALCHEMY = "sqlalchemy"
    JDBC = "jdbc"
    ENV = "env"
    # Lake datasets only (catalog_sync.discovery.lake_formats).
    PYARROW = "pyarrow"
    FSSPEC = "fsspec"
    DUCKDB = "duckdb"


def _password(conn: Connection, secrets: bool) -> str | None:
    return conn.password.get_secret_value() if secrets and conn.password else None


def as_json(conn: Connection, secrets: bool) -> dict[str, Any]:
    """host, port, database, user, sslmode, and the password only with `secrets`."""
    data: dict[str, Any] = {
        "binding": conn.binding, "type": conn.type, "provider": conn.provider,
        "host": conn.host, "port": conn.port, "database": conn.database,
        "user": conn.username, "sslmode": conn.sslmode,
    }
    password = _password(conn, secrets)
    if password is not None:
        data["password"] = password
    return data


def _dialect(conn: Connection, fmt: Format) -> tuple[str, str]:
    try:
        return _DIALECTS[conn.type]
    except KeyError:
        raise BadInputError(
            f"format {fmt.value!r} supports postgresql and greenplum bindings, not {conn.type!r} "
            f"(binding {conn.binding!r}); use --format json"
        ) from None


def _libpq_value(value: str) -> str:
    if value and not any(c in value for c in " '\\"):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _libpq_pairs(conn: Connection, secrets: bool) -> list[tuple[str, str]]:
    pairs = [("host", conn.host), ("port", str(conn.port) if conn.port else None),
             ("dbname", conn.database), ("user", conn.username),
             ("password", _password(conn, secrets)), ("sslmode", conn.sslmode)]
    return [(k, v) for k, v in pairs if v is not None]


def as_dsn(conn: Connection, secrets: bool) -> str:
    """libpq keyword/value string (`host=... port=... dbname=...`), quoted where needed."""
    _dialect(conn, Format.DSN)
    return " ".join(f"{k}={_libpq_value(v)}" for k, v in _libpq_pairs(conn, secrets))


def as_sqlalchemy(conn: Connection, secrets: bool) -> str:
    driver, _ = _dialect(conn, Format.SQLALCHEMY)
    from sqlalchemy.engine import URL  # lazy: SQLAlchemy costs every CLI start ~0.1 s
    url = URL.create(
        driver, username=conn.username, password=_password(conn, secrets), host=conn.host,
        port=conn.port, database=conn.database,
        query={"sslmode": conn.sslmode} if conn.sslmode else {},
    )
    return url.render_as_string(hide_password=False)


def as_jdbc(conn: Connection, secrets: bool) -> str:
    _, sub = _dialect(conn, Format.JDBC)
    params = [(k, v) for k, v in _libpq_pairs(conn, secrets) if k in ("user", "password",
                                                                         "sslmode")]
    host = f"[{conn.host}]" if conn.host and ":" in conn.host else (conn.host or "")
    port = f":{conn.port}" if conn.port else ""
    query = f"?{urlencode(params, quote_via=quote)}" if params else ""
    return f"jdbc:{sub}://{host}{port}/{quote(conn.database or '', safe='')}{query}"


_ENV_NAMES = {"host": "PGHOST", "port": "PGPORT", "dbname": "PGDATABASE", "user": "PGUSER",
              "password": "PGPASSWORD", "sslmode": "PGSSLMODE"}


def env_vars(conn: Connection, secrets: bool) -> dict[str, str]:
    """libpq's environment variables (PGHOST, PGPORT, PGDATABASE, PGUSER, ...)."""
    _dialect(conn, Format.ENV)
    return {_ENV_NAMES[k]: v for k, v in _libpq_pairs(conn, secrets)}


def as_env(conn: Connection, secrets: bool) -> str:
    """`NAME=value` lines, shell-quoted: `set -a; . ./file` or `eval` them."""
    return "".join(f"{k}={shlex.quote(v)}\n" for k, v in env_vars(conn, secrets).items())


_TEXT: dict[Format, Callable[[Connection, bool], str]] = {
    Format.DSN: as_dsn, Format.SQLALCHEMY: as_sqlalchemy, Format.JDBC: as_jdbc,
    Format.ENV: as_env,
}


def render(
    conn: Connection, fmt: Format, secrets: bool, status: PasswordStatus | None = None
) -> dict[str, Any] | str:
    """The JSON object for `json`, a string for every other format. With a `status`, JSON says
    `password_included` (and why not), and `env` ends with a comment line when it is not."""
    if fmt is Format.JSON:
        data = as_json(conn, secrets)
        if status is not None:
            data["password_included"] = status.included
            data["password_omitted_reason"] = status.reason
        return data
    if fmt not in _TEXT:
        raise BadInputError(f"format {fmt.value!r} is for lake datasets, not database binding "
                            f"{conn.binding!r}; use json, dsn, sqlalchemy, jdbc or env")
    text = _TEXT[fmt](conn, secrets)
    if fmt is Format.ENV and status is not None and not status.included:
        text += f"# PGPASSWORD not included: {status.reason}\n"
    return text
