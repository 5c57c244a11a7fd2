"""A dataset's keys, with those its partitions declare rolled up and deduplicated.

A partitioned table's partitions may each declare the same key (pagila declares `payment`'s
foreign keys on every monthly partition, never on `payment`): one dataset, so one key. Keys
are the same when kind, columns and target agree; the one declared on the dataset itself wins,
else the first by name. Partitions that disagree on a primary key give none: each of their
keys is then only unique within its partition, and recorded as a unique key.
"""

from __future__ import annotations

from dataclasses import dataclass

from catalog_sync.sources.database.queries import KeyRow

_Identity = tuple[str, tuple[str, ...], str | None, str | None, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Keys:
    """What a dataset's constraints say: its primary key, unique keys and foreign keys."""

    primary: tuple[str, ...]
    unique: tuple[tuple[str, ...], ...]
    foreign: tuple[KeyRow, ...]


def _identity(key: KeyRow) -> _Identity:
    return (key.kind, tuple(key.columns), key.target_schema, key.target_table,
            tuple(key.target_columns))


def _distinct(keys: list[KeyRow]) -> list[KeyRow]:
    """One key per identity: declared on the dataset first, then by name (the query's order)."""
    seen: dict[_Identity, KeyRow] = {}
    for key in sorted(keys, key=lambda k: (not k.on_root, k.name)):
        seen.setdefault(_identity(key), key)
    return sorted(seen.values(), key=lambda k: (k.kind, k.name))


def rolled_up(keys: list[KeyRow]) -> Keys:
    """The dataset's keys from its own constraints and its partitions'."""
    distinct = _distinct(keys)
    primaries = [k for k in distinct if k.kind == "p"]
    own = [k for k in primaries if k.on_root]
    chosen = own[0] if own else (primaries[0] if len(primaries) == 1 else None)
    unique = [tuple(k.columns) for k in distinct if k.kind == "u"]
    unique += [tuple(k.columns) for k in primaries if k is not chosen and not own]
    return Keys(
        primary=tuple(chosen.columns) if chosen else (),
        unique=tuple(dict.fromkeys(unique)),
        foreign=tuple(k for k in distinct if k.kind == "f" and k.target_table),
    )
