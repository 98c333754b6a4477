/** Label sets shared by the promtool cases: what the rendered rules attach to their alerts. */

export const FILES = {
  platform: 'promtool-platform.yaml',
  source: 'promtool-source-cdc-app-db-source.yaml',
  orders: 'promtool-pipeline-orders.yaml',
  msk: 'promtool-msk.yaml',
  quietPlatform: 'promtool-quiet-platform.yaml',
  quietSource: 'promtool-quiet-source-cdc-app-db-source.yaml',
  replayPlatform: 'promtool-replay-platform.yaml',
  replayOrders: 'promtool-replay-pipeline-orders.yaml',
} as const;

export const ORDERS_SINK = { connector: 'cdc-orders-sink', pipeline: 'orders', owner: 'bi-platform', environment: 'promtool' } as const;
export const SOURCE = { connector: 'cdc-app-db-source', pipeline: 'customers,orders', owner: 'bi-platform', environment: 'promtool' } as const;
export const ROLLBACK = { rollback_trigger: 'true', phase: 'stream' } as const;
export const PLATFORM = { environment: 'promtool' } as const;
