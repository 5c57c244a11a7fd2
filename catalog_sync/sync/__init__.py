"""Sync semantics of ingestion: stale-entity state, the fail-safe threshold and the run lock."""
