-- Greenplum's extra catalog, re-created over PostgreSQL's own so PostgreSQL can parse, plan and
-- run the Greenplum queries. Names, column names and types follow Greenplum 6/7; the content is
-- derived from PostgreSQL's declarative partitions. Put `gp_stub` first on the search_path.
CREATE SCHEMA gp_stub;

CREATE VIEW gp_stub.gp_segment_configuration AS
SELECT content::smallint AS content, role::"char" AS role
FROM (VALUES (-1, 'p'), (0, 'p'), (1, 'p'), (0, 'm'), (1, 'm')) AS s(content, role);

-- customers HASH(id), products REPLICATED, everything else RANDOMLY.
CREATE VIEW gp_stub.gp_distribution_policy AS
SELECT c.oid AS localoid,
       (CASE WHEN c.relname = 'products' THEN 'r' ELSE 'p' END)::"char" AS policytype,
       2 AS numsegments,
       (CASE WHEN c.relname = 'customers' THEN '1' ELSE '' END)::int2vector AS distkey
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname IN ('sales', 'inventory', 'hidden') AND c.relkind IN ('r', 'p', 'm');

-- GP6 partitioning: pg_partition (one row per partitioned level), pg_partition_rule (one per
-- child), and the pg_partitions / pg_partition_columns views.
CREATE VIEW gp_stub.pg_partition AS
SELECT pt.partrelid AS parrelid, 'r'::"char" AS parkind, 0::smallint AS parlevel,
       false AS paristemplate, pt.partnatts AS parnatts, pt.partattrs AS paratts
FROM pg_partitioned_table pt;

CREATE VIEW gp_stub.pg_partition_rule AS
SELECT i.inhrelid AS parchildrelid, i.inhparent AS parparentrule
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relispartition;

CREATE VIEW gp_stub.pg_partitions AS
SELECT pn.nspname AS schemaname, p.relname AS tablename,
       cn.nspname AS partitionschemaname, ch.relname AS partitiontablename,
       'range'::text AS partitiontype, 0::smallint AS partitionlevel
FROM pg_inherits i
JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
JOIN pg_class ch ON ch.oid = i.inhrelid JOIN pg_namespace cn ON cn.oid = ch.relnamespace
WHERE ch.relispartition;

CREATE VIEW gp_stub.pg_partition_columns AS
SELECT pn.nspname AS schemaname, p.relname AS tablename, a.attname AS columnname,
       0::smallint AS partitionlevel, 1 AS position_in_partition_key
FROM pg_partitioned_table pt
JOIN pg_class p ON p.oid = pt.partrelid JOIN pg_namespace pn ON pn.oid = p.relnamespace
JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = ANY (pt.partattrs::int2[]);
