import { buildProgram } from '../../../cli/cdcctl';
import { planExitCode } from '../../../cli/commands/gitops';

describe('cdcctl gitops', () => {
  const gitops = buildProgram().commands.find((command) => command.name() === 'gitops')!;

  it('lists every step the workflows run', () => {
    expect(gitops.commands.map((command) => command.name()).sort()).toEqual(['connectors-plan', 'drift', 'health', 'pr-comment', 'render', 'stacks-apply', 'stacks-plan', 'validate']);
  });

  it('says in its help what each step does', () => {
    const help = gitops.helpInformation();
    for (const command of gitops.commands) expect(help).toContain(command.name());
    expect(gitops.commands.every((command) => command.description().length > 20)).toBe(true);
  });
});

describe('the GitOps plan steps\' exit codes', () => {
  it('fail the job on an error always; on changes only when asked for terraform\'s detailed exit code (the drift jobs)', () => {
    expect(planExitCode(1, false)).toBe(1);
    expect(planExitCode(1, true)).toBe(1);
    expect(planExitCode(2, true)).toBe(2);
    expect(planExitCode(2, false)).toBe(0);
    expect(planExitCode(0, true)).toBe(0);
  });
});
