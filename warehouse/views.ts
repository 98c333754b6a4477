/**
 * The reporting views the warehouse migrations create over the pipelines' tables (see
 * warehouse/migrations/): what BI reads, and what `npm start` counts once the sample day arrived.
 * A unit test holds this list to the migrations.
 */
export const REPORTING_VIEWS = ['fact_orders', 'orders_per_minute'] as const;
export type ReportingView = (typeof REPORTING_VIEWS)[number];
