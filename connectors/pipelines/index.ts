import type { PipelineDefinition } from './define';
import { customers } from './customers';
import { orders } from './orders';

export type { PipelineDefinition } from './define';
export { definePipeline } from './define';

/** The team's pipelines: the one list that feeds render, stacks, alerts and dashboards. */
export const pipelines: readonly PipelineDefinition[] = [orders, customers];
