"""Test support: real services started for the tests (PostgreSQL, S3, pgAdmin)."""
