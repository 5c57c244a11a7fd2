"""Sources: generators of `Asset` records, run inside DataHub's Source/Pipeline framework.

To add a source: subclass `AssetSource` (sources/base.py) with a config class that extends
`AssetSourceConfig`, implement `assets()` as a generator of `Asset`, and register it under the
entry point group `datahub.ingestion.source.plugins` in pyproject.toml with a `catalog-sync-<kind>`
name. Tagging, containers, hand-added-tag preservation and stale removal come from the base.
"""
