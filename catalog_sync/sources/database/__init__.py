"""PostgreSQL and Greenplum databases, reached through service bindings, as catalog assets.

`source.DatabaseSource` is the DataHub source `catalog-sync-database`. `introspect` reads one
database with a fixed handful of bulk queries (`queries/`, and `greenplum` for Greenplum's extra
catalog), streamed in dataset-oid order; `flavor` tells which server answered; `assets` maps the
rows to assets (`fieldtypes` for column types, `keys` for keys rolled up from partitions);
`instances` gives each binding its platform instance and refuses bindings that would share URNs.
"""
