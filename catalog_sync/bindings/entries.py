"""Operators' secrets -> the spec's entries: aliases, URIs, checks, and where they disagree.

The servicebinding.io spec names `username`, `host`, `port`, `uri`; operators write their own.
CloudNativePG puts `user` beside `username` and `dbname`; Crunchy PGO has only `user`, `dbname`
and a `jdbc-uri`; StackGres gives the database only inside `uri`. An entry under its spec name
wins over its alias, and both over what `uri` or `jdbc-uri` say; values that disagree are
reported by entry name. Nothing here ever puts a value into a message.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

from catalog_sync.bindings.folder import BindingError

COORDINATES = ("host", "port", "database", "username", "password", "sslmode")
ALIASES: dict[str, tuple[str, ...]] = {"username": ("user",), "database": ("dbname",)}
URI_ENTRIES = ("uri", "url", "jdbc-uri", "jdbc-url")
# Every entry a database binding is read for; anything else in the folder is never opened.
READ_ENTRIES = frozenset(
    {"type", "provider", *COORDINATES, *(a for names in ALIASES.values() for a in names),
     *URI_ENTRIES}
)
SSLMODES = frozenset({"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})
# libpq's names in a URI's query; JDBC's `user` and `password` are the same words.
_QUERY_KEYS = {"host": "host", "port": "port", "dbname": "database", "user": "username",
               "password": "password", "sslmode": "sslmode"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _query(text: str, *, form: bool) -> dict[str, str]:
    """A URI's query; JDBC URIs are form-encoded (`+` is a space), libpq's only percent-encoded."""
    if form:
        pairs = parse_qsl(text, keep_blank_values=True)
    else:
        pairs = [(unquote(k), unquote(v)) for k, _, v in (p.partition("=") for p in
                                                          text.split("&") if p)]
    return {_QUERY_KEYS[k]: v for k, v in pairs if k in _QUERY_KEYS and v}


def parse_uri(name: str, key: str, text: str) -> dict[str, str]:
    """`postgresql://user:pw@host:5432/db?sslmode=require` or `jdbc:postgresql://host/db?user=`
    -> the coordinates it gives. A URI that does not parse fails the binding."""
    raw = text.strip()
    jdbc = raw.lower().startswith("jdbc:")
    if jdbc:
        raw = raw[len("jdbc:"):]
    try:
        parts = urlsplit(raw)
        if not parts.scheme or not raw[len(parts.scheme):].startswith("://"):
            raise ValueError("no scheme")
        if "," in parts.netloc:
            raise BindingError(name, f"entry `{key}` names several hosts; give `host` and `port`")
        port = parts.port
        found = {
            "host": parts.hostname or "",
            "port": str(port) if port is not None else "",
            "database": unquote(parts.path.lstrip("/")),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
        }
    except ValueError as err:
        raise BindingError(name, f"entry `{key}` is not a valid URI") from err
    found.update(_query(parts.query, form=jdbc))
    return {k: v for k, v in found.items() if v}


def _same(coordinate: str, first: str, other: str) -> bool:
    """Hosts agree when one is the other qualified by a domain (CloudNativePG writes `host:
    pg-rw` and a `uri` on `pg-rw.namespace`); ports as numbers; the rest exactly."""
    if coordinate == "host":
        a, b = first.lower(), other.lower()
        return a == b or a.startswith(b + ".") or b.startswith(a + ".")
    if coordinate == "port":
        return first.lstrip("0") == other.lstrip("0")
    return first == other


def normalise(name: str, entries: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The coordinates under their spec names, and one message per coordinate whose sources
    disagree (naming the entries, never the values)."""
    given: dict[str, list[tuple[str, str]]] = {c: [] for c in COORDINATES}
    for coordinate in COORDINATES:
        for key in (coordinate, *ALIASES.get(coordinate, ())):
            if entries.get(key):
                given[coordinate].append((key, entries[key]))
    for key in URI_ENTRIES:
        if entries.get(key):
            for coordinate, value in parse_uri(name, key, entries[key]).items():
                given[coordinate].append((key, value))
    values: dict[str, str] = {}
    conflicts: list[str] = []
    for coordinate, sources in given.items():
        if not sources:
            continue
        (first_key, first), *rest = sources
        values[coordinate] = first
        disagree = sorted({key for key, value in rest if not _same(coordinate, first, value)})
        if disagree:
            named = ", ".join(f"`{key}`" for key in (first_key, *disagree))
            conflicts.append(f"entries {named} disagree on the {coordinate}; using `{first_key}`")
    check(name, values)
    return values, conflicts


def check(name: str, values: dict[str, str]) -> None:
    """Refuse what would only fail later with the value in the driver's message."""
    port = values.get("port")
    if port is not None and not (port.isdigit() and 0 < int(port) < 65536):
        raise BindingError(name, "entry `port` is not a port number (1-65535)")
    sslmode = values.get("sslmode")
    if sslmode is not None and sslmode not in SSLMODES:
        raise BindingError(name, f"entry `sslmode` is not one of {', '.join(sorted(SSLMODES))}")
    for coordinate in ("host", "database", "username"):
        value = values.get(coordinate)
        if value is not None and _CONTROL.search(value):
            raise BindingError(name, f"entry `{coordinate}` holds control characters")
    host = values.get("host")
    if host is not None and " " in host:
        raise BindingError(name, "entry `host` holds spaces")
