"""A table whose files are all unchanged is not folded again: its finished rollup is kept.

The key is a digest of the table's file list (relative path, size, modification time) and of
the code that folds footers, so a new release never reuses an old fold. The rollup is stored as
tagged JSON built from its dataclass fields (never pickle); a value of a kind this module does
not know makes the table simply not memoised.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.fs as pafs

from catalog_sync.sources.lake import footer, footer_cache, footer_stats, rollup
from catalog_sync.sources.lake.footer_cache import Unencodable, dec_value, enc_value

# The only classes a memo may rebuild: a stored name outside this map is refused.
_CLASSES: dict[str, type] = {
    cls.__name__: cls for cls in (rollup.TableRollup, rollup._FieldSeen, rollup._StatsSeen)
}
_CODE = hashlib.sha256(
    b"".join(Path(m.__file__ or "").read_bytes() for m in (footer, footer_cache, footer_stats, rollup))
).hexdigest()


def files_digest(table_path: str, files: Sequence[pafs.FileInfo]) -> str:
    """What the fold of a table depends on: its files as listed, and the folding code."""
    digest = hashlib.sha256(_CODE.encode())
    start = len(table_path)
    for info in files:
        digest.update(f"{info.path[start:]}\0{info.size}\0{info.mtime_ns}\n".encode())
    return digest.hexdigest()


def _enc(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and type(value).__name__ in _CLASSES:
        return {"@": type(value).__name__} | {
            f.name: _enc(getattr(value, f.name)) for f in dataclasses.fields(value)
        }
    if isinstance(value, pa.Field):
        return ["F", base64.b64encode(pa.schema([value]).serialize().to_pybytes()).decode()]
    if isinstance(value, set | frozenset):
        return ["S", [_enc(v) for v in sorted(value)]]
    if isinstance(value, dict):
        return ["M", [[key, _enc(v)] for key, v in value.items()]]
    return enc_value(value)


def _dec(value: Any) -> Any:
    if isinstance(value, dict):
        cls = _CLASSES[value["@"]]
        return cls(**{k: _dec(v) for k, v in value.items() if k != "@"})
    if isinstance(value, list) and value and value[0] == "F":
        return pa.ipc.read_schema(pa.py_buffer(base64.b64decode(value[1]))).field(0)
    if isinstance(value, list) and value and value[0] == "S":
        return {_dec(v) for v in value[1]}
    if isinstance(value, list) and value and value[0] == "M":
        return {key: _dec(v) for key, v in value[1]}
    return dec_value(value)


def encode_rollup(table: rollup.TableRollup) -> str | None:
    """The rollup as JSON, or None when it holds a value this module cannot store faithfully."""
    try:
        return json.dumps(_enc(table), separators=(",", ":"))
    except (Unencodable, TypeError, KeyError):
        return None


def decode_rollup(text: str) -> rollup.TableRollup:
    table = _dec(json.loads(text))
    if not isinstance(table, rollup.TableRollup):
        raise TypeError("a table memo that is not a TableRollup")
    return table
