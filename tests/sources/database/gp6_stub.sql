-- Greenplum 6's partition catalog, derived from PostgreSQL's declarative partitions (load
-- gp_stub.sql first; put gp6_stub first on the search_path). In GP6 `pg_partition` holds one
-- row per partitioning level of a root (`parrelid` is always the root, `paratts` its key
-- columns) and `pg_partition_rule` one row per child at any level, pointing (`paroid`) at the
-- level that made it and (`parparentrule`) at the rule of the partition it subdivides.
CREATE SCHEMA gp6_stub;

CREATE VIEW gp6_stub.partition_levels AS
WITH RECURSIVE tree AS (
    SELECT pt.partrelid AS root, pt.partrelid AS relid, 0 AS depth
    FROM pg_partitioned_table pt JOIN pg_class c ON c.oid = pt.partrelid
    WHERE NOT c.relispartition
  UNION ALL
    SELECT t.root, i.inhrelid, t.depth + 1
    FROM tree t JOIN pg_inherits i ON i.inhparent = t.relid
)
SELECT root, relid, depth FROM tree;

CREATE VIEW gp6_stub.pg_partition AS
SELECT DISTINCT ON (l.root, l.depth)
       (l.root::int8 * 16 + l.depth)::oid AS oid,
       l.root AS parrelid,
       (CASE pt.partstrat WHEN 'l' THEN 'l' ELSE 'r' END)::"char" AS parkind,
       l.depth::smallint AS parlevel,
       false AS paristemplate,
       pt.partnatts AS parnatts,
       pt.partattrs AS paratts
FROM gp6_stub.partition_levels l
JOIN pg_partitioned_table pt ON pt.partrelid = l.relid
ORDER BY l.root, l.depth, l.relid;

-- A rule's oid is its child's here (any unique oid would do); `parparentrule` is the rule of
-- the partition the child subdivides, 0 under the root.
CREATE VIEW gp6_stub.pg_partition_rule AS
SELECT l.relid AS oid,
       (l.root::int8 * 16 + l.depth - 1)::oid AS paroid,
       l.relid AS parchildrelid,
       (CASE WHEN i.inhparent = l.root THEN 0 ELSE i.inhparent END)::oid AS parparentrule,
       c.relname AS parname
FROM gp6_stub.partition_levels l
JOIN pg_class c ON c.oid = l.relid
JOIN pg_inherits i ON i.inhrelid = l.relid
WHERE l.depth > 0;

-- GP6 keeps external tables (relkind 'r' there) in `pg_exttable`; here PostgreSQL's foreign
-- tables play them.
CREATE VIEW gp6_stub.pg_exttable AS
SELECT ft.ftrelid AS reloid FROM pg_foreign_table ft;
