import { defineContract } from '../contracts/define';

/**
 * What BI reads of an order: its customer, status, money and dates, and one row per line item
 * (fact_orders, orders_per_minute). The whole document stays in `doc`; these columns are typed.
 */
export const ordersContract = defineContract('orders', {
  columns: {
    customer_id: { path: 'customer_id', type: 'objectid', nullable: false, description: 'joins customers._id' },
    status: { path: 'status', type: 'text', nullable: false },
    currency: { path: 'currency', type: 'text' },
    total: { path: 'total', type: 'numeric(14,2)', description: 'Decimal128 in MongoDB: exact' },
    shipping_country: { path: 'shipping.country', type: 'text' },
    created_at: { path: 'created_at', type: 'timestamptz', nullable: false },
    updated_at: { path: 'updated_at', type: 'timestamptz' },
  },
  lines: {
    path: 'items',
    name: 'items',
    columns: {
      sku: { path: 'sku', type: 'text', nullable: false },
      quantity: { path: 'quantity', type: 'integer', nullable: false },
      price: { path: 'price', type: 'numeric(12,2)', nullable: false, description: 'unit price, Decimal128 in MongoDB' },
    },
    storage: 'view',
  },
});
