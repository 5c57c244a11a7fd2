"""Fixtures for the lake tests: a real S3 server (SeaweedFS) and a GCS emulator, each for the
whole session, started on first use."""

from __future__ import annotations

from tests.support.gcs import gcs_server
from tests.support.s3 import s3_server

__all__ = ["gcs_server", "s3_server"]
