"""PostgreSQL and Greenplum databases, reached through service bindings, as catalog assets.

`source.DatabaseSource` is the DataHub source `catalog-sync-database`; `introspect` reads a
database with a fixed handful of bulk queries (`queries`, `greenplum`); `assets` maps the rows.
"""
