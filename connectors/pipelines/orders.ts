import { definePipeline } from './define';
import { ordersContract } from './orders.contract';

export const orders = definePipeline({
  name: 'orders',
  description: 'Orders with their line items, the source of fact_orders and the per-minute orders aggregate',
  database: 'app_db',
  collection: 'orders',
  table: 'orders',
  owner: 'bi-platform',
  contract: ordersContract,
});
