import { Testing } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { MskCluster } from '@cdktf/provider-aws/lib/msk-cluster';
import { MskConfiguration } from '@cdktf/provider-aws/lib/msk-configuration';
import { MskScramSecretAssociation } from '@cdktf/provider-aws/lib/msk-scram-secret-association';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import type { Environment } from '../../../config';
import { KafkaStack, mskServerProperties } from '../../../stacks/kafka-stack';
import { environment, onlyResource, parsed, resources, synth, type InputDraft } from './fixtures';

Testing.setupJest();

function kafkaStack(env: Environment = environment()): string {
  return synth((app) => new KafkaStack(app, 'kafka-test', { environment: env }));
}

function kafkaStackWith(change: (input: InputDraft) => void): string {
  return kafkaStack(environment(change));
}

describe('kafka stack: defaults', () => {
  const json = kafkaStack();

  it('creates cdc-<environment> with three kafka.m7g.large brokers of the pinned Kafka line', () => {
    expect(json).toHaveResourceWithProperties(MskCluster, {
      cluster_name: 'cdc-test',
      kafka_version: '4.1.x',
      number_of_broker_nodes: 3,
      enhanced_monitoring: 'PER_BROKER',
    });
  });

  it('places the brokers in the three configured subnets with 100 GiB each', () => {
    expect(json).toHaveResourceWithProperties(MskCluster, {
      broker_node_group_info: expect.objectContaining({
        instance_type: 'kafka.m7g.large',
        client_subnets: ['subnet-00000000000000001', 'subnet-00000000000000002', 'subnet-00000000000000003'],
        storage_info: { ebs_storage_info: { volume_size: 100 } },
      }),
    });
  });

  it('encrypts in transit with TLS only, inside the cluster too', () => {
    expect(json).toHaveResourceWithProperties(MskCluster, {
      encryption_info: expect.objectContaining({ encryption_in_transit: { client_broker: 'TLS', in_cluster: true } }),
    });
  });

  it('encrypts at rest with its own rotating KMS key', () => {
    expect(json).toHaveResourceWithProperties(MskCluster, {
      encryption_info: expect.objectContaining({ encryption_at_rest_kms_key_arn: '${aws_kms_key.key.arn}' }),
    });
    expect(json).toHaveResourceWithProperties(KmsKey, { enable_key_rotation: true, deletion_window_in_days: 30 });
  });

  it('authenticates with IAM only and never lets a client in unauthenticated', () => {
    expect(json).toHaveResourceWithProperties(MskCluster, {
      client_authentication: { unauthenticated: false, sasl: { iam: true, scram: false } },
    });
  });

  it('has no public access', () => {
    expect(json).toHaveResourceWithProperties(MskCluster, {
      broker_node_group_info: expect.objectContaining({ connectivity_info: { public_access: { type: 'DISABLED' } } }),
    });
  });

  it('runs the cluster configuration: RF 3, min ISR 2, no auto-created topics, 6 partitions, 168 h retention', () => {
    const properties = onlyResource(json, 'aws_msk_configuration').server_properties.split('\n');
    expect(properties).toEqual(
      expect.arrayContaining([
        'default.replication.factor=3',
        'min.insync.replicas=2',
        'auto.create.topics.enable=false',
        'num.partitions=6',
        'log.retention.hours=168',
        'unclean.leader.election.enable=false',
      ]),
    );
    expect(json).toHaveResourceWithProperties(MskConfiguration, { name: 'cdc-test', kafka_versions: ['4.1.x'] });
    expect(json).toHaveResourceWithProperties(MskCluster, {
      configuration_info: { arn: '${aws_msk_configuration.configuration.arn}', revision: '${aws_msk_configuration.configuration.latest_revision}' },
    });
  });

  it("keeps the exactly-once sources' transaction log as durable as their records: RF 3, min ISR 2", () => {
    const properties = onlyResource(json, 'aws_msk_configuration').server_properties.split('\n');
    expect(properties).toContain('transaction.state.log.replication.factor=3');
    expect(properties).toContain('transaction.state.log.min.isr=2');
  });

  it('turns on open monitoring with the JMX and node exporters', () => {
    expect(json).toHaveResourceWithProperties(MskCluster, {
      open_monitoring: { prometheus: { jmx_exporter: { enabled_in_broker: true }, node_exporter: { enabled_in_broker: true } } },
    });
  });

  it('sends broker logs to a KMS-encrypted log group kept 30 days', () => {
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/aws/msk/cdc-test/brokers',
      retention_in_days: 30,
      kms_key_id: '${aws_kms_key.key.arn}',
    });
    expect(json).toHaveResourceWithProperties(MskCluster, {
      logging_info: { broker_logs: { cloudwatch_logs: { enabled: true, log_group: '${aws_cloudwatch_log_group.broker-logs.name}' } } },
    });
  });

  it('lets CloudWatch Logs use the key for that log group only', () => {
    const policy = JSON.parse(onlyResource(json, 'aws_kms_key').policy);
    const logs = policy.Statement.find((statement: { Sid: string }) => statement.Sid === 'CloudWatchLogsEncryptsTheBrokerLogs');
    expect(logs.Principal).toEqual({ Service: 'logs.eu-west-1.amazonaws.com' });
    expect(logs.Condition.ArnEquals['kms:EncryptionContext:aws:logs:arn']).toBe('arn:aws:logs:eu-west-1:123456789012:log-group:/aws/msk/cdc-test/brokers');
  });

  it('admits the Connect workers to the IAM port only, and nothing from a CIDR', () => {
    const rules = resources(json, 'aws_vpc_security_group_ingress_rule');
    const clientRules = rules.filter((rule) => rule.from_port < 11001);
    expect(clientRules).toEqual([
      expect.objectContaining({ from_port: 9098, to_port: 9098, ip_protocol: 'tcp', referenced_security_group_id: 'sg-00000000000000101' }),
    ]);
    expect(rules.every((rule) => rule.cidr_ipv4 === undefined && rule.cidr_ipv6 === undefined)).toBe(true);
  });

  it('admits Prometheus to the exporters, from the workers\' group when no Prometheus group is given', () => {
    expect(json).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      from_port: 11001,
      to_port: 11002,
      referenced_security_group_id: 'sg-00000000000000101',
    });
  });

  it('gives the brokers a security group without egress rules', () => {
    const group = onlyResource(json, 'aws_security_group');
    expect(group).toMatchObject({ name: 'cdc-test-brokers', vpc_id: 'vpc-0123456789abcdef0' });
    expect(group.egress).toBeUndefined();
    expect(group.ingress).toBeUndefined();
  });

  it('creates no SCRAM secret when SCRAM is off', () => {
    expect(json).not.toHaveResource(SecretsmanagerSecret);
    expect(json).not.toHaveResource(MskScramSecretAssociation);
  });

  it('pins the AWS provider to the environment\'s account and tags every resource', () => {
    expect(json).toHaveProviderWithProperties(AwsProvider, {
      region: 'eu-west-1',
      allowed_account_ids: ['123456789012'],
      default_tags: [{ tags: expect.objectContaining({ 'cdc-platform:environment': 'test' }) }],
    });
  });

  it('outputs the cluster ARN and the IAM bootstrap brokers', () => {
    expect(Object.keys(parsed(json).output)).toEqual(expect.arrayContaining(['cluster-arn', 'bootstrap-brokers-iam']));
  });
});

describe('kafka stack: options', () => {
  it('sizes the cluster from config', () => {
    const json = kafkaStackWith((input) => {
      input.infrastructure.kafka = { brokerCount: 6, brokerInstanceType: 'kafka.m7g.xlarge', storageGiB: 1000, enhancedMonitoring: 'PER_TOPIC_PER_BROKER' };
    });
    expect(json).toHaveResourceWithProperties(MskCluster, {
      number_of_broker_nodes: 6,
      enhanced_monitoring: 'PER_TOPIC_PER_BROKER',
      broker_node_group_info: expect.objectContaining({ instance_type: 'kafka.m7g.xlarge', storage_info: { ebs_storage_info: { volume_size: 1000 } } }),
    });
  });

  it('takes partitions and retention from config', () => {
    const json = kafkaStackWith((input) => (input.infrastructure.kafka = { partitions: 12, retentionHours: 72 }));
    expect(onlyResource(json, 'aws_msk_configuration').server_properties).toMatch(/^num\.partitions=12$/m);
    expect(onlyResource(json, 'aws_msk_configuration').server_properties).toMatch(/^log\.retention\.hours=72$/m);
  });

  it('keeps broker logs as long as configured', () => {
    const json = kafkaStackWith((input) => (input.infrastructure.kafka = { brokerLogRetentionDays: 90 }));
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, { retention_in_days: 90 });
  });

  it('admits Prometheus from its own security group when one is given', () => {
    const json = kafkaStackWith((input) => (input.infrastructure.network.prometheusSecurityGroupIds = ['sg-00000000000000201']));
    const exporterRules = resources(json, 'aws_vpc_security_group_ingress_rule').filter((rule) => rule.from_port === 11001);
    expect(exporterRules.map((rule) => rule.referenced_security_group_id)).toEqual(['sg-00000000000000201']);
  });

  it('admits every Connect workers\' group when there are several', () => {
    const json = kafkaStackWith((input) => input.infrastructure.network.connectWorkersSecurityGroupIds.push('sg-00000000000000102'));
    const clientRules = resources(json, 'aws_vpc_security_group_ingress_rule').filter((rule) => rule.from_port === 9098);
    expect(clientRules.map((rule) => rule.referenced_security_group_id).sort()).toEqual(['sg-00000000000000101', 'sg-00000000000000102']);
  });

  describe('with SASL/SCRAM', () => {
    const json = kafkaStackWith((input) => {
      input.infrastructure.kafka = { authentication: { iam: false, scram: true }, scramPasswordVersion: 2 };
      input.infrastructure.connect.kafkaAuthentication = 'scram';
    });
    const synthesized = parsed(json);

    it('turns SCRAM on, IAM off, unauthenticated still off', () => {
      expect(json).toHaveResourceWithProperties(MskCluster, { client_authentication: { unauthenticated: false, sasl: { iam: false, scram: true } } });
    });

    it('opens the SCRAM port instead of the IAM port', () => {
      const ports = resources(json, 'aws_vpc_security_group_ingress_rule').map((rule) => rule.from_port);
      expect(ports).toContain(9096);
      expect(ports).not.toContain(9098);
    });

    it('keeps the credentials in an AmazonMSK_ secret under the cluster\'s KMS key', () => {
      expect(json).toHaveResourceWithProperties(SecretsmanagerSecret, {
        name: 'AmazonMSK_cdc-test-kafka-connect',
        kms_key_id: '${aws_kms_key.key.arn}',
      });
    });

    it('generates the password in an ephemeral resource and writes it write-only, at the configured version', () => {
      const version = onlyResource(json, 'aws_secretsmanager_secret_version');
      expect(version.secret_string).toBeUndefined();
      expect(version.secret_string_wo_version).toBe(2);
      expect(version.secret_string_wo).toMatch(/^\$\{jsonencode\(\{"username" = "kafka-connect", "password" = ephemeral\.aws_secretsmanager_random_password\.[\w-]+\.random_password\}\)\}$/);
      expect(Object.values(synthesized.ephemeral.aws_secretsmanager_random_password)).toEqual([
        { password_length: 32, exclude_punctuation: true, include_space: false, require_each_included_type: true },
      ]);
      expect(synthesized.data?.aws_secretsmanager_random_password).toBeUndefined();
    });

    it('associates the secret with the cluster once its value exists', () => {
      const association = onlyResource(json, 'aws_msk_scram_secret_association');
      expect(association.cluster_arn).toBe('${aws_msk_cluster.cluster.arn}');
      expect(association.secret_arn_list).toHaveLength(1);
      expect(association.depends_on).toEqual([expect.stringMatching(/^aws_secretsmanager_secret_version\./)]);
    });

    it('outputs the SCRAM bootstrap brokers and not the IAM ones', () => {
      expect(Object.keys(synthesized.output)).toEqual(expect.arrayContaining(['bootstrap-brokers-scram']));
      expect(Object.keys(synthesized.output)).not.toContain('bootstrap-brokers-iam');
    });
  });
});

describe('kafka stack: state', () => {
  it('keeps state in S3, encrypted, with S3 lock files when no lock table is given', () => {
    const backend = parsed(kafkaStack()).terraform.backend.s3;
    expect(backend).toEqual({ bucket: 'test-state', key: 'mongo-cdc-platform/kafka-test.tfstate', region: 'eu-west-1', encrypt: true, kms_key_id: 'alias/cdc-terraform-state', use_lockfile: true });
  });

  it('locks with the DynamoDB table when one is given', () => {
    const json = kafkaStackWith((input) => (input.infrastructure.stateBackend = { kind: 's3', bucket: 'b-state', region: 'eu-west-1', lockTable: 'locks', keyPrefix: 'p' }));
    const backend = parsed(json).terraform.backend.s3;
    expect(backend).toMatchObject({ dynamodb_table: 'locks', key: 'p/kafka-test.tfstate', encrypt: true });
    expect(backend.use_lockfile).toBeUndefined();
  });

  it('keeps local state under .local/ of the repository, relative to the stack directory', () => {
    const json = kafkaStackWith((input) => (input.infrastructure.stateBackend = { kind: 'local' }));
    expect(parsed(json).terraform.backend).toEqual({ local: { path: '../../../.local/terraform-state/kafka-test.tfstate' } });
  });

  it('requires Terraform 1.11 (ephemeral resources and write-only arguments)', () => {
    expect(parsed(kafkaStack()).terraform.required_version).toBe('>= 1.11.0');
  });
});

describe('mskServerProperties', () => {
  it('lets the largest record through every topic, also a dead-letter topic Connect creates itself', () => {
    const kafka = environment().infrastructure.kafka!;
    expect(mskServerProperties(kafka, 67108864).split('\n')).toContain('message.max.bytes=67108864');
    expect(mskServerProperties(kafka)).not.toContain('message.max.bytes');
  });

  it('writes one key=value per line from the settings', () => {
    const kafka = environment().infrastructure.kafka!;
    expect(mskServerProperties({ ...kafka, replicationFactor: 5, minInsyncReplicas: 3 }).split('\n')).toEqual(
      expect.arrayContaining(['default.replication.factor=5', 'min.insync.replicas=3', 'transaction.state.log.min.isr=3']),
    );
  });
});
