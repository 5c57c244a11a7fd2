"""A binding root with a Greenplum (training), a uri-only PostgreSQL (inference), a binding
without a port, and bindings pgAdmin must skip (S3, untyped)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.catalog import write_binding

# `:` and `\` are the two characters pgpass escapes.
GP_PASSWORD = "tr:ain\\er"


@pytest.fixture
def binding_root(tmp_path: Path) -> Path:
    root = tmp_path / "bindings"
    write_binding(root, "gp-train", {
        "type": "greenplum", "provider": "vmware", "host": "gp.internal", "port": "5432",
        "database": "warehouse", "username": "trainer", "password": GP_PASSWORD,
        "sslmode": "require",
    })
    write_binding(root, "pg-infer", {
        "type": "postgres",
        "uri": "postgresql://svc:s3cret@pg.internal:5433/serving?sslmode=verify-full",
    })
    write_binding(root, "pg-noport", {
        "type": "postgresql", "host": "pg2.internal", "database": "features",
        "username": "reader", "password": "pw",
    })
    write_binding(root, "lake-s3", {"type": "s3", "bucket": "lake"})
    write_binding(root, "untyped", {"host": "nowhere"})
    return root
