"""The `catalog-sync-database` DataHub source: PostgreSQL / Greenplum databases reached through
service bindings (or one URL) -> tagged database and schema containers and their datasets."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from datahub.ingestion.api.common import PipelineContext
from datahub.ingestion.api.decorators import (
    SupportStatus,
    config_class,
    platform_name,
    support_status,
)

from catalog_sync.bindings import read_bindings
from catalog_sync.model import Asset, ContainerRef
from catalog_sync.sources.base import AssetSource, AssetSourceReport
from catalog_sync.sources.database.assets import DatabaseScope, table_asset
from catalog_sync.sources.database.config import DatabaseSourceConfig
from catalog_sync.sources.database.greenplum import Flavor
from catalog_sync.sources.database.introspect import Table, read_server, read_tables
from catalog_sync.sources.database.targets import (
    Target,
    binding_target,
    create_engine,
    safe_message,
    url_target,
)

logger = logging.getLogger(__name__)

# Faults of one database that must not stop the others: network, auth, timeouts, SQL errors.
DATABASE_ERRORS = (sa.exc.SQLAlchemyError, OSError)


@dataclass
class DatabaseSourceReport(AssetSourceReport):
    """Database counters: which databases were read, which failed, what was skipped."""

    databases: list[str] = field(default_factory=list)
    databases_failed: list[str] = field(default_factory=list)
    tables_skipped: int = 0


@platform_name("PostgreSQL")
@config_class(DatabaseSourceConfig)
@support_status(SupportStatus.BETA)
class DatabaseSource(AssetSource):
    """PostgreSQL, Greenplum 6/7 and Cloudberry catalogs read with a few bulk pg_catalog queries
    per database; a database that cannot be reached is reported and the rest still ingested."""

    config: DatabaseSourceConfig
    report: DatabaseSourceReport

    def __init__(self, config: DatabaseSourceConfig, ctx: PipelineContext) -> None:
        super().__init__(config, ctx)
        self.report = DatabaseSourceReport()
        self.targets = self._targets()

    @classmethod
    def create(cls, config_dict: dict[str, Any], ctx: PipelineContext) -> DatabaseSource:
        return cls(DatabaseSourceConfig.model_validate(config_dict), ctx)

    def _targets(self) -> list[Target]:
        config = self.config
        if config.url is not None:
            return [url_target(config.url.get_secret_value())]
        root = config.resolved_binding_root()
        assert root is not None  # the config validator refuses a missing root
        bindings = read_bindings(
            root,
            types=set(config.binding_types) or None,
            providers=set(config.binding_providers) or None,
            names=set(config.binding_names) or None,
            warn=lambda context, message: self.report.warning(
                title="Binding ignored", message=message, context=context
            ),
        )
        if not bindings:
            self.report.warning(
                title="No database bindings",
                message=f"no binding of type {', '.join(config.binding_types)} matched",
                context=str(root),
            )
        return [binding_target(b) for b in bindings]

    def assets(self) -> Iterable[Asset]:
        for target in self.targets:
            try:
                yield from self._database(target)
            except DATABASE_ERRORS as err:
                self.report.databases_failed.append(target.label)
                self.report.failure(
                    title="Database not ingested",
                    message=safe_message(err, target),
                    context=f"binding {target.label}" if target.binding else target.label,
                )

    def _database(self, target: Target) -> Iterator[Asset]:
        engine = create_engine(
            target,
            connect_timeout=self.config.connect_timeout,
            query_timeout=self.config.query_timeout,
        )
        try:
            with engine.connect() as conn:
                conn = conn.execution_options(
                    isolation_level="REPEATABLE READ", postgresql_readonly=True
                )
                with conn.begin():
                    server = read_server(conn)
                    self._check_type(target, server.flavor)
                    scope = DatabaseScope(
                        target=target,
                        server=server,
                        platform=self._platform(server.flavor.platform),
                        env=self.config.env,
                        instance=self.config.platform_instance,
                    )
                    tables = read_tables(conn, server, sizes=self.config.table_sizes)
                    yield from self._tables(scope, tables)
        finally:
            engine.dispose()
        self.report.databases.append(target.label)

    def _check_type(self, target: Target, flavor: Flavor) -> None:
        """A binding typed `greenplum` that reaches plain PostgreSQL (or the reverse) is
        catalogued as found, and said."""
        if target.binding is None or target.binding.type not in ("greenplum", "postgresql"):
            return
        if (target.binding.type == "greenplum") != flavor.is_greenplum:
            self.report.warning(
                title="Binding type differs from the server",
                message=f"binding type {target.binding.type!r}, server is {flavor.kind} "
                f"{flavor.version}",
                context=f"binding {target.label}",
            )

    def _platform(self, detected: str) -> str:
        return detected if self.config.platform == "auto" else self.config.platform

    def _tables(self, scope: DatabaseScope, tables: Iterable[Table]) -> Iterator[Asset]:
        database_ref = scope.database_container()
        # The database first, on its own: it is catalogued (and tagged) even with no tables.
        yield Asset(platform=scope.platform, name=scope.database, subtype="Database",
                    env=scope.env, instance=scope.instance, containers=(database_ref,),
                    containers_only=True)
        schema_refs: dict[str, ContainerRef] = {}
        for table in tables:
            rel = table.relation
            if not self._wanted(rel.schema_name, rel.table_name, rel.kind):
                continue
            schema_ref = schema_refs.get(rel.schema_name)
            if schema_ref is None:
                schema_ref = scope.schema_container(rel.schema_name, rel.schema_comment)
                schema_refs[rel.schema_name] = schema_ref
            asset = table_asset(scope, table, database_ref, schema_ref)
            if not rel.readable:
                # A revoked grant is not a dropped table: keep its entry as last catalogued.
                self.keep_asset(asset)
                self.report.tables_skipped += 1
                where = f"{scope.database}.{rel.schema_name}.{rel.table_name}"
                self.report.warning(
                    title="Table not readable",
                    message=f"skipped, catalog entry kept: user {scope.server.username!r} "
                    "may not read it",
                    context=f"{scope.target.label}: {where}",
                )
                continue
            yield asset

    def _wanted(self, schema: str, table: str, kind: str) -> bool:
        if kind in ("v", "m") and not self.config.include_views:
            return False
        return self.config.schema_pattern.allowed(schema) and self.config.table_pattern.allowed(
            f"{schema}.{table}"
        )
