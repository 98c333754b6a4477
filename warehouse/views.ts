/**
 * The reporting views BI reads, over the pipelines' typed columns: what `npm start` counts once the
 * sample day arrived, and what a migration recreates around a change to the tables they read
 * (warehouse/schema-migration.ts). A unit test holds this list to the migrations: each view's SQL
 * here is the last one the migrations create.
 */
export interface ReportingViewDefinition {
  readonly name: string;
  /** The pipeline tables it reads: a migration changing one of them drops and recreates the view. */
  readonly reads: readonly string[];
  readonly sql: string;
}

export const REPORTING_VIEW_DEFINITIONS: readonly ReportingViewDefinition[] = [
  {
    name: 'fact_orders',
    reads: ['orders', 'customers'],
    sql: `-- One row per order line item, with its customer, the line total and a normalised status.
CREATE VIEW public.fact_orders AS
SELECT
  o._id                                    AS order_id,
  i.line_no,
  o.customer_id,
  c.name                                   AS customer_name,
  c.tier                                   AS customer_tier,
  i.sku,
  i.quantity,
  i.price                                  AS unit_price,
  (i.quantity * i.price)::numeric(14, 2)   AS line_total,
  upper(o.status)                          AS status,
  o.currency,
  o.created_at,
  o.updated_at,
  to_timestamp(o.__source_ts_ms / 1000.0)  AS source_changed_at
FROM public.orders o
JOIN public.orders_items i ON i.parent_id = o.id
LEFT JOIN public.customers c ON c._id = o.customer_id;`,
  },
  {
    name: 'orders_per_minute',
    reads: ['orders', 'customers'],
    sql: `-- Orders per minute of creation, over the line items: orders, items, revenue, average order value, customers.
CREATE VIEW public.orders_per_minute AS
SELECT
  date_trunc('minute', created_at)                                              AS minute,
  count(DISTINCT order_id)                                                      AS orders,
  sum(quantity)                                                                 AS items,
  sum(line_total)::numeric(14, 2)                                               AS revenue,
  (sum(line_total) / nullif(count(DISTINCT order_id), 0))::numeric(14, 2)       AS average_order_value,
  count(DISTINCT customer_id)                                                   AS distinct_customers
FROM public.fact_orders
GROUP BY 1;`,
  },
];

export const REPORTING_VIEWS = REPORTING_VIEW_DEFINITIONS.map((view) => view.name);
export type ReportingView = string;

/** The views reading any of these tables, dependants after what they read (fact_orders before orders_per_minute). */
export function viewsReading(tables: readonly string[]): ReportingViewDefinition[] {
  const direct = new Set(REPORTING_VIEW_DEFINITIONS.filter((view) => view.reads.some((table) => tables.includes(table))).map((view) => view.name));
  // A view reading a dropped view must go too.
  for (const view of REPORTING_VIEW_DEFINITIONS) if (direct.has(view.name) || [...direct].some((name) => view.sql.includes(`public.${name}`))) direct.add(view.name);
  return REPORTING_VIEW_DEFINITIONS.filter((view) => direct.has(view.name));
}
