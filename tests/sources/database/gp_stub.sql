-- Greenplum's extra catalog, re-created over PostgreSQL's own so PostgreSQL can parse, plan and
-- run the Greenplum queries, and so a whole ingestion can run against "Greenplum". Names,
-- column names and types follow Greenplum 6/7 and Cloudberry. `gp_stub.version()` answers what
-- the database setting `gp_stub.version` says: with `search_path = gp_stub, pg_catalog, public`
-- (pg_catalog named explicitly, so it is searched after gp_stub) it shadows PostgreSQL's own.
-- Greenplum 7 and Cloudberry partition the PostgreSQL way; gp6_stub.sql adds GP6's catalog.
CREATE SCHEMA gp_stub;

CREATE FUNCTION gp_stub.version() RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT current_setting('gp_stub.version') $$;

CREATE VIEW gp_stub.gp_segment_configuration AS
SELECT content::smallint AS content, role::"char" AS role
FROM (VALUES (-1, 'p'), (0, 'p'), (1, 'p'), (0, 'm'), (1, 'm')) AS s(content, role);

-- `customers` and `customer` HASH on their first column, `products` REPLICATED, every other
-- table (partitions too, as in Greenplum) RANDOMLY.
CREATE VIEW gp_stub.gp_distribution_policy AS
SELECT c.oid AS localoid,
       (CASE WHEN c.relname = 'products' THEN 'r' ELSE 'p' END)::"char" AS policytype,
       2 AS numsegments,
       (CASE WHEN c.relname IN ('customers', 'customer') THEN '1' ELSE '' END)::int2vector
         AS distkey
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'gp_stub', 'gp6_stub')
  AND n.nspname NOT LIKE 'pg\_toast%';
