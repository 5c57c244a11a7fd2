"""Fixtures for the lake tests: a real S3 server (SeaweedFS) for the whole session."""

from __future__ import annotations

from tests.support.s3 import s3_server

__all__ = ["s3_server"]
