import { ruleFilesForTargets } from '../../../alerts';
import { monitoringTargets } from '../../../alerts/targets';
import { PROMTOOL_ENVIRONMENTS } from '../../promtool/environments';

const [full, , replay] = PROMTOOL_ENVIRONMENTS as [typeof PROMTOOL_ENVIRONMENTS[0], typeof PROMTOOL_ENVIRONMENTS[0], typeof PROMTOOL_ENVIRONMENTS[0]];
const groupsByFile = (environment: typeof full) =>
  Object.fromEntries(ruleFilesForTargets(monitoringTargets(environment)).map((file) => [file.fileName, file.groups.map((group) => group.name)]));

describe('rule files of an environment', () => {
  it('name a file and its group after the platform, each source, each pipeline and MSK', () => {
    expect(groupsByFile(full)).toEqual({
      'promtool-platform.yaml': ['cdc-platform'],
      'promtool-source-cdc-app-db-source.yaml': ['cdc-source-cdc-app-db-source'],
      'promtool-pipeline-orders.yaml': ['cdc-pipeline-orders'],
      'promtool-pipeline-customers.yaml': ['cdc-pipeline-customers'],
      'promtool-msk.yaml': ['msk-open-monitoring'],
    });
  });

  it('have no source file without MongoDB and no MSK file off MSK', () => {
    expect(Object.keys(groupsByFile(replay))).toEqual(['promtool-replay-platform.yaml', 'promtool-replay-pipeline-orders.yaml', 'promtool-replay-pipeline-customers.yaml']);
  });
});
