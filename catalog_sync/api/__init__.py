"""The discovery HTTP API (FastAPI): `create_app` builds it, `catalog-sync serve` runs it."""
