-- A small shop database: several schemas, views, a materialized view, a partitioned table,
-- foreign keys and comments. Used by the database source tests.
CREATE SCHEMA sales;
CREATE SCHEMA inventory;
CREATE SCHEMA hidden;
COMMENT ON SCHEMA sales IS 'Orders and customers';

CREATE TABLE sales.customers (
    id integer PRIMARY KEY,
    email character varying(200) NOT NULL,
    created_at timestamp with time zone DEFAULT now(),
    tags text[]
);
COMMENT ON TABLE sales.customers IS 'People who bought something';
COMMENT ON COLUMN sales.customers.email IS 'Login and contact address';

CREATE TABLE inventory.products (
    sku text,
    warehouse integer,
    price numeric(10, 2) NOT NULL DEFAULT 0,
    PRIMARY KEY (sku, warehouse)
);

CREATE TABLE sales.orders (
    id bigint NOT NULL,
    customer_id integer NOT NULL REFERENCES sales.customers (id),
    sku text,
    warehouse integer,
    ordered_on date NOT NULL,
    PRIMARY KEY (id, ordered_on),
    CONSTRAINT orders_product_fk FOREIGN KEY (sku, warehouse)
        REFERENCES inventory.products (sku, warehouse)
) PARTITION BY RANGE (ordered_on);
COMMENT ON TABLE sales.orders IS 'One row per order, partitioned by month';
CREATE TABLE sales.orders_2024_01 PARTITION OF sales.orders
    FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');
CREATE TABLE sales.orders_2024_02 PARTITION OF sales.orders
    FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');
CREATE TABLE sales.orders_2024_03 PARTITION OF sales.orders
    FOR VALUES FROM ('2024-03-01') TO ('2024-04-01');

INSERT INTO sales.customers (id, email) SELECT g, 'c' || g || '@example.com'
    FROM generate_series(1, 50) g;
INSERT INTO inventory.products (sku, warehouse, price) VALUES ('a', 1, 9.5), ('b', 1, 3);
INSERT INTO sales.orders SELECT g, 1 + g % 50, 'a', 1, date '2024-01-01' + (g % 80)
    FROM generate_series(1, 300) g;
ANALYZE;

CREATE VIEW sales.big_customers AS
    SELECT c.id, c.email FROM sales.customers c WHERE c.id > 10;
COMMENT ON VIEW sales.big_customers IS 'Customers with a high id';
CREATE MATERIALIZED VIEW sales.order_counts AS
    SELECT customer_id, count(*) AS orders FROM sales.orders GROUP BY customer_id;

CREATE TABLE hidden.secrets (id integer PRIMARY KEY, note text);

CREATE EXTENSION file_fdw;
CREATE SERVER files FOREIGN DATA WRAPPER file_fdw;
CREATE FOREIGN TABLE inventory.stock_feed (sku text, quantity integer)
    SERVER files OPTIONS (filename '/dev/null', format 'csv');
