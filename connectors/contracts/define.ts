import { contractProblems, type DocumentContract } from './types';

/** A contract checked once, where it is declared: every problem at once, each with its place. */
export function defineContract(pipeline: string, contract: DocumentContract): DocumentContract {
  const problems = contractProblems(pipeline, contract);
  if (problems.length) throw new Error(problems.join('\n'));
  return Object.freeze(contract);
}

/** A pipeline without a contract keeps every document whole in `doc`, with no typed column. */
export const WHOLE_DOCUMENT_ONLY: DocumentContract = Object.freeze({ columns: {} });
