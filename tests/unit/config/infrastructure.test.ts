import { ConfigError, loadAllEnvironments, versions } from '../../../config';
import { DEFAULT_MSK_KAFKA_VERSION } from '../../../config/infrastructure';
import { environment, type InputDraft } from '../stacks/fixtures';

/** The message parseEnvironment throws for an input changed by `change`, or '' when it parses. */
function problemsOf(change: (input: InputDraft) => void): string {
  try {
    environment(change);
    return '';
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}

describe('infrastructure schema: defaults', () => {
  const { kafka, connect, atlas, stateBackend } = environment().infrastructure;

  it('derives the MSK version from the pinned Kafka version', () => {
    expect(versions.kafka).toBe('4.1.1');
    expect(DEFAULT_MSK_KAFKA_VERSION).toBe('4.1.x');
    expect(kafka?.kafkaVersion).toBe('4.1.x');
  });

  it('sizes a three-broker cluster of kafka.m7g.large with 100 GiB each', () => {
    expect(kafka).toMatchObject({ brokerInstanceType: 'kafka.m7g.large', brokerCount: 3, storageGiB: 100 });
  });

  it('keeps topics durable: replication factor 3, min.insync.replicas 2, 6 partitions, 7 days', () => {
    expect(kafka).toMatchObject({ replicationFactor: 3, minInsyncReplicas: 2, partitions: 6, retentionHours: 168 });
  });

  it('turns on IAM auth only, per-broker monitoring and 30 days of broker logs', () => {
    expect(kafka).toMatchObject({ authentication: { iam: true, scram: false }, enhancedMonitoring: 'PER_BROKER', brokerLogRetentionDays: 30 });
  });

  it('runs two workers with the IAM auth, as the image user 1001, read-only', () => {
    expect(connect).toMatchObject({
      namespace: 'cdc-platform',
      replicas: 2,
      kafkaAuthentication: 'iam',
      runAsUser: 1001,
      readOnlyRootFilesystem: true,
      kubeconfigPath: '~/.kube/config',
      resources: { cpuRequest: '1', memoryRequest: '2Gi', cpuLimit: '2', memoryLimit: '4Gi' },
      jmxExporterAgentPath: `/kafka/libs/jmx_prometheus_javaagent-${versions.jmxExporter}.jar`,
    });
  });

  it('names the CDC user cdc-debezium at password version 1, and a trigger passes the full document', () => {
    expect(atlas).toMatchObject({ databaseUsername: 'cdc-debezium', passwordVersion: 1 });
    expect(atlas?.triggers[0]).toMatchObject({ fullDocument: true, fullDocumentBeforeChange: false, unordered: false });
  });

  it('keys S3 state under mongo-cdc-platform/', () => {
    expect(stateBackend).toEqual({ kind: 's3', bucket: 'test-state', region: 'eu-west-1', keyPrefix: 'mongo-cdc-platform', kmsKeyId: 'alias/cdc-terraform-state' });
  });

  it('accepts an environment without any infrastructure (it has no stacks)', () => {
    expect(environment((input) => delete input.infrastructure).infrastructure).toEqual({});
  });
});

describe('infrastructure schema: each error names the setting and the value', () => {
  it('refuses two subnets: MSK needs three zones', () => {
    const message = problemsOf((input) => input.infrastructure.network.subnetIds.pop());
    expect(message).toContain('environment test: infrastructure.network.subnetIds: ');
    expect(message).toContain('exactly three subnets (got 2: subnet-00000000000000001, subnet-00000000000000002)');
  });

  it('refuses the same subnet twice', () => {
    const message = problemsOf((input) => (input.infrastructure.network.subnetIds[2] = 'subnet-00000000000000001'));
    expect(message).toContain('infrastructure.network.subnetIds: must be distinct (got subnet-00000000000000001 more than once)');
  });

  it('refuses a subnet id that is not one', () => {
    const message = problemsOf((input) => (input.infrastructure.network.subnetIds[0] = 'private-a'));
    expect(message).toContain('infrastructure.network.subnetIds.0: must be a subnet id such as subnet-0a1b2c3d (got "private-a")');
  });

  it('refuses a broker count that is not a multiple of the zones', () => {
    const message = problemsOf((input) => (input.infrastructure.kafka.brokerCount = 4));
    expect(message).toContain('infrastructure.kafka.brokerCount: must be a multiple of 3, the zone count');
    expect(message).toContain('(got 4)');
  });

  it('refuses a replication factor above the broker count', () => {
    const message = problemsOf((input) => (input.infrastructure.kafka.replicationFactor = 4));
    expect(message).toContain('infrastructure.kafka.replicationFactor: must not exceed kafka.brokerCount 3 (got 4)');
  });

  it('refuses min.insync.replicas equal to the replication factor', () => {
    const message = problemsOf((input) => (input.infrastructure.kafka.minInsyncReplicas = 3));
    expect(message).toContain('infrastructure.kafka.minInsyncReplicas: must be below kafka.replicationFactor 3');
    expect(message).toContain('(got 3)');
  });

  it('refuses a cluster without client authentication', () => {
    const message = problemsOf((input) => {
      input.infrastructure.kafka.authentication = { iam: false, scram: false };
      input.infrastructure.connect.kafkaAuthentication = 'iam';
    });
    expect(message).toContain('infrastructure.kafka.authentication: enable iam or scram: unauthenticated access is never allowed (got iam: false, scram: false)');
  });

  it('refuses workers on SCRAM when the cluster has SCRAM off', () => {
    const message = problemsOf((input) => (input.infrastructure.connect.kafkaAuthentication = 'scram'));
    expect(message).toContain('infrastructure.connect.kafkaAuthentication: must be enabled in kafka.authentication (got "scram", which is off)');
  });

  it('refuses a broker-log retention CloudWatch does not offer', () => {
    const message = problemsOf((input) => (input.infrastructure.kafka.brokerLogRetentionDays = 10));
    expect(message).toContain('infrastructure.kafka.brokerLogRetentionDays: must be one of CloudWatch\'s retention periods');
    expect(message).toContain('(got 10)');
  });

  it('refuses an account id that is not twelve digits', () => {
    const message = problemsOf((input) => (input.infrastructure.aws.accountId = '1234'));
    expect(message).toContain('infrastructure.aws.accountId: must be a 12-digit AWS account id (got "1234")');
  });

  it('refuses the connect stack without a kafka section', () => {
    const message = problemsOf((input) => delete input.infrastructure.kafka);
    expect(message).toContain('infrastructure.kafka: required by the connect stack');
    expect(message).toContain('(got undefined)');
  });

  it('refuses stacks without a state backend', () => {
    const message = problemsOf((input) => delete input.infrastructure.stateBackend);
    expect(message).toContain('infrastructure.stateBackend: required when the environment declares stacks (kafka, connect, atlas) (got undefined)');
  });

  it('refuses the kafka stack without a network', () => {
    const message = problemsOf((input) => {
      delete input.infrastructure.network;
      delete input.infrastructure.connect;
      delete input.infrastructure.atlas;
    });
    expect(message).toContain("infrastructure.network: required by the kafka stack: MSK runs in the platform team's VPC (got undefined)");
  });

  it('refuses an Atlas private endpoint without a network', () => {
    const message = problemsOf((input) => {
      delete input.infrastructure.network;
      delete input.infrastructure.kafka;
      delete input.infrastructure.connect;
      input.infrastructure.atlas.network = { kind: 'privateEndpoint' };
    });
    expect(message).toContain('infrastructure.network: required by atlas.network.kind "privateEndpoint"');
  });

  it('refuses an Atlas access list open to every address', () => {
    const message = problemsOf((input) => (input.infrastructure.atlas.network.entries[0].cidrBlock = '0.0.0.0/0'));
    expect(message).toContain('infrastructure.atlas.network.entries.0.cidrBlock: must not open the project to every address (got 0.0.0.0/0)');
  });

  it('refuses two triggers of the same name', () => {
    const message = problemsOf((input) => input.infrastructure.atlas.triggers.push({ ...input.infrastructure.atlas.triggers[0] }));
    expect(message).toContain('infrastructure.atlas.triggers: trigger names must be distinct (got syncOrders more than once)');
  });

  it('refuses two mounted secrets under one file name', () => {
    const message = problemsOf((input) => input.infrastructure.connect.secrets.push({ file: 'warehouse-password', secretName: 'other' }));
    expect(message).toContain('infrastructure.connect.secrets: file names must be distinct (got warehouse-password more than once)');
  });

  it('refuses a JSON key that is not a plain key', () => {
    const message = problemsOf((input) => (input.infrastructure.connect.secrets[0].jsonKey = 'credentials.password'));
    expect(message).toContain('infrastructure.connect.secrets.0.jsonKey: must be a plain JSON key of letters, digits and underscores (got "credentials.password")');
  });

  it('refuses a REST client selected by no label (it would admit the whole namespace)', () => {
    const message = problemsOf((input) => (input.infrastructure.connect.restClients.gitopsRunner.podLabels = {}));
    expect(message).toContain('infrastructure.connect.restClients.gitopsRunner.podLabels: must select the pods by at least one label');
  });

  it('refuses a memory limit that is not a Kubernetes quantity', () => {
    const message = problemsOf((input) => (input.infrastructure.connect.resources = { memoryLimit: '4 GB' }));
    expect(message).toContain('infrastructure.connect.resources.memoryLimit: must be a memory quantity such as 4Gi (got "4 GB")');
  });

  describe("the supervisor's image (Debezium's Connect image carries neither Node.js nor cdcctl)", () => {
    it.each(['registry.test/cdc/cdcctl:1.0.0', 'cdcctl:0.1.0', 'registry.test:5000/cdc/cdcctl:2024.11.30-abc', `registry.test/cdc/cdcctl@sha256:${'a'.repeat(64)}`])('accepts %s, pinned', (image) => {
      expect(problemsOf((input) => (input.infrastructure.connect.supervisor = { image }))).toBe('');
    });

    it.each(['registry.test/cdc/cdcctl:latest', 'registry.test/cdc/cdcctl', 'registry.test/cdc/cdcctl@sha256:abc', 'Registry.test/CDC:1'])('refuses %s: not pinned, or not an image reference', (image) => {
      expect(problemsOf((input) => (input.infrastructure.connect.supervisor = { image }))).toContain(
        `infrastructure.connect.supervisor.image: must be an image reference pinned by a tag other than latest, or by a sha256 digest (got ${JSON.stringify(image)})`,
      );
    });

    it('is required with the connect section: Connect never restarts a failed connector itself', () => {
      expect(problemsOf((input) => delete input.infrastructure.connect.supervisor)).toContain('infrastructure.connect.supervisor');
    });

    it('runs as the Node.js images\' node user, with small requests and limits, by default', () => {
      expect(environment().infrastructure.connect!.supervisor).toEqual({
        image: 'registry.test/cdc/cdcctl:1.0.0',
        runAsUser: 1000,
        resources: { cpuRequest: '50m', memoryRequest: '128Mi', cpuLimit: '500m', memoryLimit: '256Mi' },
      });
    });
  });

  it('reports every problem at once', () => {
    const message = problemsOf((input) => {
      input.infrastructure.network.subnetIds.pop();
      input.infrastructure.kafka.replicationFactor = 4;
      input.infrastructure.aws.accountId = 'x';
    });
    expect(message.split('\n')).toHaveLength(3);
  });
});

describe('infrastructure schema: monitoring links and the Prometheus operator', () => {
  const monitoring = {
    receiver: { kind: 'webhook', url: 'http://alert-relay.ops.svc:8080/hook' },
    grafana: { adminSecret: { name: 'grafana-admin', userKey: 'user', passwordKey: 'password' } },
    runbookBaseUrl: 'https://github.com/acme/mongo-cdc-platform/blob/main/docs/runbooks',
  };
  const withMonitoring = (change: (settings: InputDraft) => void) => (input: InputDraft) => {
    input.infrastructure.monitoring = structuredClone(monitoring);
    change(input.infrastructure.monitoring);
  };

  it('accepts an https runbook URL, and no operator unless asked', () => {
    const parsed = environment(withMonitoring(() => undefined)).infrastructure.monitoring;
    expect(parsed?.runbookBaseUrl).toBe(monitoring.runbookBaseUrl);
    expect(parsed?.prometheusOperator).toBeUndefined();
  });

  it('requires runbookBaseUrl with a monitoring section: Slack and PagerDuty cannot open a repository path', () => {
    const message = problemsOf(withMonitoring((settings) => delete settings.runbookBaseUrl));
    expect(message).toContain('environment test: infrastructure.monitoring.runbookBaseUrl: required: alerts leave for Slack or PagerDuty');
    expect(message).toContain('(got undefined)');
  });

  it.each(['docs/runbooks', 'http://wiki.internal/runbooks', 'runbooks.example'])('refuses %s as a runbook URL: https only', (url) => {
    expect(problemsOf(withMonitoring((settings) => (settings.runbookBaseUrl = url)))).toContain(
      `infrastructure.monitoring.runbookBaseUrl: must be an https URL where docs/runbooks is browsable (got ${JSON.stringify(url)})`,
    );
  });

  it('gives staging and production absolute runbook links; local, without monitoring, keeps none', () => {
    const [local, , staging, production] = loadAllEnvironments();
    expect(local!.infrastructure.monitoring).toBeUndefined();
    for (const environment of [staging!, production!]) expect(environment.infrastructure.monitoring?.runbookBaseUrl).toMatch(/^https:\/\/.+\/docs\/runbooks$/);
  });

  it('takes the operator\'s selector labels and its Prometheus URL', () => {
    const operator = { selectorLabels: { release: 'kube-prometheus-stack' }, prometheusUrl: 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090' };
    expect(environment(withMonitoring((settings) => (settings.prometheusOperator = operator))).infrastructure.monitoring?.prometheusOperator).toEqual(operator);
  });

  it('refuses an operator selected by no label, or by labels Kubernetes would refuse', () => {
    const none = problemsOf(withMonitoring((settings) => (settings.prometheusOperator = { selectorLabels: {}, prometheusUrl: 'http://p:9090' })));
    expect(none).toContain("infrastructure.monitoring.prometheusOperator.selectorLabels: must name at least one label the operator's Prometheus selects by");
    const bad = problemsOf(withMonitoring((settings) => (settings.prometheusOperator = { selectorLabels: { release: 'kube prometheus' }, prometheusUrl: 'http://p:9090' })));
    expect(bad).toContain('infrastructure.monitoring.prometheusOperator.selectorLabels.release: must be a Kubernetes label value (got "kube prometheus")');
  });
});

describe('infrastructure schema: state backends of the environments', () => {
  it('locks every S3-backed environment with S3\'s lock file: no DynamoDB table, the state encrypted', () => {
    const s3 = loadAllEnvironments().flatMap((environment) => (environment.infrastructure.stateBackend?.kind === 's3' ? [[environment.name, environment.infrastructure.stateBackend] as const] : []));
    expect(s3.map(([name]) => name)).toEqual(['staging', 'production']);
    for (const [, backend] of s3) expect(backend.lockTable).toBeUndefined();
  });
});
