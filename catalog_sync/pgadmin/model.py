"""The records behind pgAdmin's server-import file: a database to list, a server entry, and
the options (suffix, role -> group names, default SSL mode) checked before anything is read."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from catalog_sync.discovery import Connection
from catalog_sync.errors import BadInputError, CatalogSyncError
from catalog_sync.templates import TemplateError, fill, placeholders

DEFAULT_PORT = 5432
DEFAULT_SSLMODE = "prefer"
DEFAULT_MAINTENANCE_DB = "postgres"
# libpq's sslmode values; pgAdmin stores whatever it is given, so a typo would only fail later.
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
# Binding types pgAdmin can open: PostgreSQL and the PostgreSQL-wire databases built on it.
PG_WIRE_TYPES = frozenset({"postgresql", "greenplum", "cloudberry"})
DEFAULT_GROUPS: Mapping[str, str] = {
    "training": "Server Group Training {suffix}",
    "inference": "Server Group Inference {suffix}",
}
# pgAdmin's server group and server names are VARCHAR(128) in its configuration database.
PGADMIN_NAME_MAX = 128
_SUFFIX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
DEFAULT_CONNECT_TIMEOUT = 10
# Which tags pgAdmin shows on a server: those of these groups in the tag definitions (the role
# and the cloud), each with its definition's colour (else TAG_COLOUR).
PGADMIN_TAG_GROUPS = ("role", "cloud")
TAG_COLOUR = "#7F7F7F"
# ASCII whitespace spelt out: the API publishes this pattern, and JSON Schema's \s differs.
EMAIL_PATTERN = r"^[^@\t\n\x0b\x0c\r /]+@[^@\t\n\x0b\x0c\r /]+$"
_EMAIL = re.compile(EMAIL_PATTERN)

Warn = Callable[[str, str], None]


class NoServersError(CatalogSyncError):
    """Nothing to list: no binding or asset matched a role with a server group (exit 1)."""

    def __init__(self, where: str, roles: Sequence[str]) -> None:
        super().__init__(
            f"no PostgreSQL/Greenplum databases with a role tag ({', '.join(roles)}) "
            f"found in {where}"
        )
        self.where = where


def check_suffix(suffix: str) -> str:
    """The suffix ends every group name (a namespace, an environment): short and printable."""
    if not _SUFFIX.match(suffix):
        raise BadInputError(
            f"invalid suffix {suffix!r}: use 1-63 letters, digits, '.', '_', '-', "
            "starting with a letter or digit"
        )
    return suffix


def check_server_mode_email(email: str) -> str:
    """pgAdmin server mode keeps each user's files under `<STORAGE_DIR>/<email, @ as _>/`."""
    if not _EMAIL.match(email):
        raise BadInputError(f"--server-mode {email!r}: expected the pgAdmin user's email, "
                            "e.g. admin@example.com")
    return email


ASCII_BLANKS = " \t\n\x0b\x0c\r"


def storage_folder_name(email: str) -> str:
    """The user's folder under pgAdmin's STORAGE_DIR in server mode."""
    return email.replace("@", "_")


def check_sslmode(value: str, where: str) -> str:
    if value not in SSL_MODES:
        raise BadInputError(f"{where}: sslmode {value!r} is not one of {', '.join(SSL_MODES)}")
    return value


def parse_group(option: str) -> tuple[str, str]:
    """`training=Server Group Training {suffix}` -> (role tag, group name template)."""
    role, sep, template = option.partition("=")
    # ASCII blanks only, as the API's GroupOption pattern: str.strip() would also drop
    # U+001C-U+001F and U+0085, leaving a schema-valid group name empty.
    role, template = role.strip(ASCII_BLANKS), template.strip(ASCII_BLANKS)
    if not sep or not role or not template:
        raise BadInputError(f"--group {option!r}: expected ROLE=GROUP NAME, e.g. "
                            "training='Server Group Training {suffix}'")
    try:
        placeholders(template, allowed=("suffix",))
    except TemplateError as err:
        raise BadInputError(f"--group {option[:200]!r}: {err}") from err
    return role, template


def group_names(
    suffix: str, overrides: Sequence[str] = (), defaults: Mapping[str, str] = DEFAULT_GROUPS
) -> dict[str, str]:
    """Role tag -> group name, defaults first, `--group` options adding or replacing roles."""
    templates = dict(defaults)
    templates.update(parse_group(option) for option in overrides)
    check_suffix(suffix)
    names: dict[str, str] = {}
    for role, template in templates.items():
        name = fill(template, {"suffix": suffix}) or template
        if len(name) > PGADMIN_NAME_MAX:
            raise BadInputError(f"group {name[:60]!r}...: {len(name)} characters, pgAdmin keeps "
                                f"at most {PGADMIN_NAME_MAX} (role {role!r})")
        names[role] = name
    return names


@dataclass(frozen=True, slots=True)
class ServerTarget:
    """One database pgAdmin should list: its connection (from the binding), its role tag, and
    every tag the binding or its assets carry (pgAdmin shows the role and cloud ones)."""

    connection: Connection
    database: str
    role: str
    tags: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """Unique and stable: binding names cannot hold `/`, so the pair reads back unambiguous."""
        return f"{self.connection.binding}/{self.database}"


@dataclass(frozen=True, slots=True)
class PgAdminTag:
    """pgAdmin 8.14+ server tag: a label with a colour."""

    text: str
    color: str


@dataclass(frozen=True, slots=True)
class PgAdminServer:
    """One entry of `servers.json`, in the keys pgAdmin 7+ `load-servers` reads: connection
    settings in `ConnectionParameters` (pgAdmin ignores top-level `SSLMode`/`PassFile` whenever
    that is present), `Tags` as `{color, text}`, `Shared` only when set."""

    name: str
    group: str
    host: str
    port: int
    maintenance_db: str
    username: str
    sslmode: str
    passfile: str | None = None
    sslrootcert: str | None = None
    connect_timeout: int | None = None
    comment: str | None = None
    tags: tuple[PgAdminTag, ...] = ()
    shared: bool = False

    def connection_parameters(self) -> dict[str, Any]:
        params: dict[str, Any] = {"sslmode": self.sslmode}
        if self.passfile:
            params["passfile"] = self.passfile
        if self.sslrootcert:
            params["sslrootcert"] = self.sslrootcert
        if self.connect_timeout is not None:
            params["connect_timeout"] = self.connect_timeout
        return params

    def to_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "Name": self.name,
            "Group": self.group,
            "Host": self.host,
            "Port": self.port,
            "MaintenanceDB": self.maintenance_db,
            "Username": self.username,
        }
        if self.shared:
            entry["Shared"] = True
        if self.comment:
            entry["Comment"] = self.comment
        if self.tags:
            entry["Tags"] = [{"color": t.color, "text": t.text} for t in self.tags]
        entry["ConnectionParameters"] = self.connection_parameters()
        return entry
