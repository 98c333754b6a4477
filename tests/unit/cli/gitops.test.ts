import { buildProgram } from '../../../cli/cdcctl';

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
