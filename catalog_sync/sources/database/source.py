"""The `catalog-sync-database` DataHub source: PostgreSQL / Greenplum databases reached through
service bindings (or one URL) -> tagged database and schema containers and their datasets.

Nothing about one database ends the run: a malformed binding, a database that is down, or two
bindings that would write the same URNs are failures named by binding, and the rest is still
ingested (a failure also keeps stale removal from touching what the catalog holds).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa
from datahub.ingestion.api.common import PipelineContext
from datahub.ingestion.api.decorators import (
    SupportStatus,
    config_class,
    platform_name,
    support_status,
)

from catalog_sync.bindings import BindingError, read_bindings
from catalog_sync.errors import BadInputError
from catalog_sync.model import Asset, ContainerRef
from catalog_sync.sources.base import AssetSource, AssetSourceReport
from catalog_sync.sources.database.assets import DatabaseScope, table_asset
from catalog_sync.sources.database.config import DatabaseSourceConfig
from catalog_sync.sources.database.flavor import Flavor
from catalog_sync.sources.database.instances import clashes, instance_for
from catalog_sync.sources.database.introspect import read_schemas, read_server, read_tables
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
    per database; a database that cannot be read is reported and the rest still ingested."""

    config: DatabaseSourceConfig
    report: DatabaseSourceReport

    def __init__(self, config: DatabaseSourceConfig, ctx: PipelineContext) -> None:
        super().__init__(config, ctx)
        self.report = DatabaseSourceReport()
        self.targets = self._placed(self._targets())

    @classmethod
    def create(cls, config_dict: dict[str, Any], ctx: PipelineContext) -> DatabaseSource:
        return cls(DatabaseSourceConfig.model_validate(config_dict), ctx)

    def _fail(self, label: str, title: str, message: str, context: str) -> None:
        self.report.databases_failed.append(label)
        self.report.failure(title=title, message=message, context=context)

    def _binding_failed(self, err: BindingError) -> None:
        self._fail(err.name, "Binding not read", err.problem, f"binding {err.name}")

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
            types_by_name=config.binding_types_by_name,
            warn=lambda context, message: self.report.warning(
                title="Binding ignored", message=message, context=context
            ),
            disagree=lambda context, message: self.report.warning(
                title="Binding entries disagree", message=message, context=context
            ),
            on_error=self._binding_failed,
        )
        if not bindings and not self.report.databases_failed:
            self.report.warning(
                title="No database bindings",
                message=f"no binding of type {', '.join(config.binding_types)} matched",
                context=str(root),
            )
        return [binding_target(b) for b in bindings]

    def _placed(self, targets: list[Target]) -> list[Target]:
        """Each target with its platform instance (`platform_instance_by_name`, else the
        `platform_instance` template)."""
        placed = []
        for target in targets:
            try:
                instance = instance_for(target, self.config.platform_instance,
                                        self.config.platform_instance_by_name)
            except BadInputError as err:
                self._fail(target.label, "Binding not ingested", str(err), self._context(target))
                continue
            placed.append(replace(target, instance=instance))
        return placed

    @staticmethod
    def _context(target: Target) -> str:
        return f"binding {target.label}" if target.binding else target.label

    def assets(self) -> Iterable[Asset]:
        for target in self._apart(self.targets):
            try:
                yield from self._database(target)
            except DATABASE_ERRORS as err:
                self._fail(target.label, "Database not ingested", safe_message(err, target),
                           self._context(target))

    def _apart(self, targets: list[Target]) -> list[Target]:
        """The targets whose URNs are their own. Those that would share them (same platform,
        instance and database) fail together, before anything of theirs is read or written;
        only targets sharing an instance and a database name need a look at their server."""
        by_key: dict[tuple[str | None, str], list[Target]] = {}
        for target in targets:
            by_key.setdefault((target.instance, target.database), []).append(target)
        suspects = [t for group in by_key.values() if len(group) > 1 for t in group]
        if not suspects:
            return targets
        dropped: set[str] = set()
        placed: list[tuple[Target, str]] = []
        for target in suspects:
            platform = self._platform_of(target)
            if platform is None:
                dropped.add(target.label)
            else:
                placed.append((target, platform))
        for clash in clashes(placed):
            labels = [t.label for t in clash.targets]
            dropped.update(labels)
            self.report.databases_failed.extend(labels)
            self.report.failure(title="Bindings would share URNs", message=clash.message(),
                                context="bindings " + ", ".join(labels))
        return [t for t in targets if t.label not in dropped]

    def _platform_of(self, target: Target) -> str | None:
        """The DataHub platform the target's assets would have (the recipe's, or the server's
        own: one query); None, with the failure reported, when it cannot be reached."""
        if self.config.platform != "auto":
            return self.config.platform
        try:
            with self._snapshot(target) as conn:
                return read_server(conn).flavor.platform
        except DATABASE_ERRORS as err:
            self._fail(target.label, "Database not ingested", safe_message(err, target),
                       self._context(target))
            return None

    @contextmanager
    def _snapshot(self, target: Target) -> Iterator[sa.Connection]:
        """One connection in one read-only REPEATABLE READ transaction: every query of a
        database sees the same catalog."""
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
                    yield conn
        finally:
            engine.dispose()

    def _database(self, target: Target) -> Iterator[Asset]:
        with self._snapshot(target) as conn:
            server = read_server(conn)
            self._check_type(target, server.flavor)
            platform = server.flavor.platform
            scope = DatabaseScope(
                target=target,
                server=server,
                platform=platform if self.config.platform == "auto" else self.config.platform,
                env=self.config.env,
            )
            yield from self._catalog(conn, scope)
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

    def _catalog(self, conn: sa.Connection, scope: DatabaseScope) -> Iterator[Asset]:
        """The database, then every schema (empty ones too), then the datasets as they stream."""
        database_ref = scope.database_container()
        keyed: dict[str, Any] = {"platform": scope.platform, "env": scope.env,
                                 "instance": scope.instance}
        yield Asset(name=scope.database, subtype="Database", containers=(database_ref,),
                    containers_only=True, **keyed)
        schema_refs: dict[str, ContainerRef] = {}
        for schema in read_schemas(conn):
            if self.config.schema_pattern.allowed(schema.name):
                ref = scope.schema_container(schema.name, schema.comment)
                schema_refs[schema.name] = ref
                yield Asset(name=f"{scope.database}.{schema.name}", subtype="Schema",
                            containers=(database_ref, ref), containers_only=True, **keyed)
        for table in read_tables(conn, scope.server, sizes=self.config.table_sizes):
            rel = table.relation
            if not self._wanted(rel.schema_name, rel.table_name, rel.kind):
                continue
            schema_ref = schema_refs.get(rel.schema_name) or scope.schema_container(
                rel.schema_name)
            asset = table_asset(scope, table, database_ref, schema_ref)
            if not rel.readable:
                # A revoked grant is not a dropped table: keep its entry as last catalogued.
                self.keep_asset(asset)
                self.report.tables_skipped += 1
                self.report.warning(
                    title="Table not readable",
                    message=f"skipped, catalog entry kept: user {scope.server.username!r} "
                    "may not read it",
                    context=f"{scope.target.label}: {asset.name}",
                )
                continue
            yield asset

    def _wanted(self, schema: str, table: str, kind: str) -> bool:
        if kind in ("v", "m") and not self.config.include_views:
            return False
        return self.config.schema_pattern.allowed(schema) and self.config.table_pattern.allowed(
            f"{schema}.{table}"
        )
