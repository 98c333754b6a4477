import { z } from 'zod';

/**
 * What the cdktf stacks need per environment (network, MSK, Kubernetes, Atlas).
 * Owned by the stacks; the connector side never reads it.
 */
export const infrastructureSchema = z.object({}).passthrough();

export type Infrastructure = z.infer<typeof infrastructureSchema>;
