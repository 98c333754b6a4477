import { contractCases } from './contract.cases';
import type { PromtoolCase } from './harness';
import { mskCases } from './msk.cases';
import { pipelineCases, replayCases } from './pipeline.cases';
import { platformCases } from './platform.cases';
import { quietCases, sourceCases } from './source.cases';

/** Every promtool case: input series, evaluation times and the alerts expected (or not) at each. */
export const PROMTOOL_CASES: readonly PromtoolCase[] = [...platformCases, ...pipelineCases, ...replayCases, ...sourceCases, ...quietCases, ...mskCases, ...contractCases];
