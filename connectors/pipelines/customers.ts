import { customersContract } from './customers.contract';
import { definePipeline } from './define';

export const customers = definePipeline({
  name: 'customers',
  description: 'Customer master data (name, tier, region) joined into fact_orders',
  database: 'app_db',
  collection: 'customers',
  table: 'customers',
  excludeFields: ['password_hash'],
  owner: 'bi-platform',
  contract: customersContract,
});
