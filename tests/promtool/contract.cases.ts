import type { PromtoolCase } from './harness';
import { FILES, ORDERS_SINK } from './labels';

const files = [FILES.orders];
const orders = 'cdc_warehouse_contract_violations_total{table="public.orders"}';
const labels = { ...ORDERS_SINK, table: 'public.orders' };

export const contractCases: PromtoolCase[] = [
  {
    name: 'CdcContractViolationsRising warns on any document that broke the orders contract',
    ruleFiles: files,
    input: [
      { series: orders, values: '0+1x30' },
      { series: 'cdc_warehouse_contract_violations_total{table="public.customers"}', values: '0+1x30' },
    ],
    alerts: [{ at: '20m', alert: 'CdcContractViolationsRising', firing: [{ labels: { ...labels, severity: 'warning' }, value: 15 }] }],
  },
  {
    name: 'CdcContractViolationsRising pages above 100 violating changes in 15m',
    ruleFiles: files,
    input: [{ series: orders, values: '0+20x30' }],
    alerts: [
      {
        at: '20m',
        alert: 'CdcContractViolationsRising',
        firing: [
          { labels: { ...labels, severity: 'warning' }, value: 300 },
          { labels: { ...labels, severity: 'critical' }, value: 300 },
        ],
      },
    ],
  },
  {
    name: 'CdcContractViolationsRising stays quiet while the counter is flat, however high',
    ruleFiles: files,
    input: [{ series: orders, values: '500x30' }],
    alerts: [{ at: '20m', alert: 'CdcContractViolationsRising', firing: [] }],
  },
];
