"""What the source connects to: a service binding or one URL, turned into a SQLAlchemy engine,
and driver errors turned into one line that never carries the password."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from catalog_sync.bindings import Binding
from catalog_sync.errors import BadInputError
from catalog_sync.model import BindingRef

DRIVER = "postgresql+psycopg2"
_POSTGRES_SCHEMES = {"postgres", "postgresql", "greenplum", "postgresql+psycopg2"}


@dataclass(frozen=True, slots=True)
class Target:
    """One database to read. `url` holds the password; only `label` and `coordinates` are
    shown. `instance` is the DataHub platform instance its assets are catalogued under."""

    label: str
    url: sa.URL = field(repr=False)
    coordinates: dict[str, str]
    binding: BindingRef | None = None
    instance: str | None = None

    @property
    def database(self) -> str:
        """The database the connection opens (what `current_database()` will say)."""
        return self.url.database or "postgres"

    @property
    def password(self) -> str | None:
        return self.url.password if isinstance(self.url.password, str) else None


def binding_target(binding: Binding) -> Target:
    """A binding's entries as a connection; the database defaults to `postgres`."""
    url = sa.URL.create(
        DRIVER,
        username=binding.username,
        password=binding.password.get_secret_value() if binding.password else None,
        host=binding.host,
        port=binding.port,
        database=binding.database or "postgres",
        query={"sslmode": binding.sslmode} if binding.sslmode else {},
    )
    coordinates = binding.coordinates()
    coordinates.setdefault("database", url.database or "postgres")
    return Target(
        label=binding.name,
        url=url,
        coordinates=coordinates,
        binding=BindingRef(binding.name, binding.type, binding.provider),
    )


def url_target(text: str) -> Target:
    """A recipe's `url`; errors name the key, never the value (it may hold a password)."""
    try:
        url = sa.make_url(text.strip())
    except sa.exc.ArgumentError as err:
        raise BadInputError("url: not a SQLAlchemy URL") from err
    if url.drivername not in _POSTGRES_SCHEMES:
        raise BadInputError(f"url: scheme {url.drivername!r} is not PostgreSQL or Greenplum")
    url = url.set(drivername=DRIVER)
    sslmode = url.query.get("sslmode")
    facts = {
        "host": url.host,
        "port": str(url.port) if url.port else None,
        "database": url.database,
        "sslmode": sslmode if isinstance(sslmode, str) else None,
    }
    coordinates = {k: v for k, v in facts.items() if v}
    label = f"{url.host or 'localhost'}/{url.database or ''}"
    return Target(label=label, url=url, coordinates=coordinates)


def create_engine(target: Target, *, connect_timeout: int, query_timeout: int) -> sa.Engine:
    """No pool (one connection per database run); timeouts so a dead host fails fast."""
    connect_args: dict[str, object] = {
        "connect_timeout": connect_timeout,
        "application_name": "catalog-sync",
    }
    if query_timeout:
        connect_args["options"] = f"-c statement_timeout={query_timeout * 1000}"
    return sa.create_engine(
        target.url, poolclass=NullPool, connect_args=connect_args, hide_parameters=True
    )


def safe_message(err: BaseException, target: Target) -> str:
    """The driver's message (not SQLAlchemy's wrapper) on one line, the password masked anyway."""
    cause = getattr(err, "orig", None) or err
    text = " ".join(str(cause).split()) or type(cause).__name__
    password = target.password
    if password:
        text = text.replace(password, "***")
    return text[:500]
