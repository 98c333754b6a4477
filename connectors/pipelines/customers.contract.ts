import { defineContract } from '../contracts/define';

/** What BI reads of a customer: name, tier and address for fact_orders and the business dashboard. */
export const customersContract = defineContract('customers', {
  columns: {
    name: { path: 'name', type: 'text', nullable: false },
    email: { path: 'email', type: 'text' },
    tier: { path: 'tier', type: 'text' },
    address_city: { path: 'address.city', type: 'text' },
    address_country: { path: 'address.country', type: 'text' },
    loyalty_points: { path: 'loyalty.points', type: 'bigint', description: 'Int64 in MongoDB: every digit kept, also above 2^53' },
    created_at: { path: 'created_at', type: 'timestamptz' },
    updated_at: { path: 'updated_at', type: 'timestamptz' },
  },
});
