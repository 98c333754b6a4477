-- Warehouse tables the Debezium JDBC sink upserts into (insert.mode=upsert, primary.key.mode=record_key).
-- Column names are what ExtractNewDocumentState produces: `id` is the record key (the document's _id),
-- nested documents are flattened with "_", `__op` and `__source_ts_ms` come from add.fields.
-- Created here rather than by schema evolution so that types are decided once (a price is numeric even
-- when the first event carries a whole number), and the `_shadow` twins exist for the shadow phase.
CREATE TABLE IF NOT EXISTS customers (
  id               text PRIMARY KEY,
  _id              text,
  name             text,
  email            text,
  tier             text,
  address_city     text,
  address_country  text,
  created_at       timestamp(6),
  updated_at       timestamp(6),
  __op             text,
  __source_ts_ms   bigint
);

CREATE TABLE IF NOT EXISTS orders (
  id               text PRIMARY KEY,
  _id              text,
  customer_id      text,
  status           text,
  sku              text,
  quantity         integer,
  unit_price       numeric(12, 2),
  currency         text,
  created_at       timestamp(6),
  updated_at       timestamp(6),
  __op             text,
  __source_ts_ms   bigint
);

CREATE TABLE IF NOT EXISTS customers_shadow (LIKE customers INCLUDING ALL);
CREATE TABLE IF NOT EXISTS orders_shadow (LIKE orders INCLUDING ALL);
