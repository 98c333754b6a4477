-- The transformations the stream processor used to do, as views over the upserted tables.

-- One row per order with its customer, the line total and a normalised status.
CREATE OR REPLACE VIEW fact_orders AS
SELECT
  o._id                                AS order_id,
  o.customer_id,
  c.name                               AS customer_name,
  c.tier                               AS customer_tier,
  o.sku,
  o.quantity,
  o.unit_price,
  (o.quantity * o.unit_price)::numeric(14, 2) AS line_total,
  upper(o.status)                      AS status,
  o.currency,
  o.created_at,
  o.updated_at,
  to_timestamp(o.__source_ts_ms / 1000.0) AS source_changed_at
FROM orders o
LEFT JOIN customers c ON c._id = o.customer_id;

-- Orders per minute of creation: count, revenue, average order value, distinct customers.
CREATE OR REPLACE VIEW orders_per_minute AS
SELECT
  date_trunc('minute', created_at)     AS minute,
  count(*)                             AS orders,
  sum(line_total)::numeric(14, 2)      AS revenue,
  avg(line_total)::numeric(14, 2)      AS average_order_value,
  count(DISTINCT customer_id)          AS distinct_customers
FROM fact_orders
GROUP BY 1;
