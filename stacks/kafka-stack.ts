import { Fn, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { MskCluster } from '@cdktf/provider-aws/lib/msk-cluster';
import { MskConfiguration } from '@cdktf/provider-aws/lib/msk-configuration';
import { MskScramSecretAssociation } from '@cdktf/provider-aws/lib/msk-scram-secret-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { messageSizeSettings, type Environment } from '../config';
import type { AwsSettings, KafkaSettings, NetworkSettings, StateBackendSettings } from '../config/infrastructure';
import { arnPrefix, configureAwsProvider, configureTerraform, accountAdministersKeyThroughIam, policyDocument, requireSetting } from './common';
import { GeneratedSecret } from './constructs/generated-secret';
import { SCRAM_USERNAME, mskClusterName, scramSecretName } from './names';

export interface KafkaStackProps {
  readonly environment: Environment;
}

/** MSK's client ports: TLS with IAM, TLS with SASL/SCRAM. Plaintext (9092) and TLS-only (9094) stay shut. */
export const MSK_IAM_PORT = 9098;
export const MSK_SCRAM_PORT = 9096;
/** Open monitoring: the brokers' JMX exporter and node exporter. */
export const MSK_JMX_EXPORTER_PORT = 11001;
export const MSK_NODE_EXPORTER_PORT = 11002;

/**
 * The cluster configuration: what makes a topic durable, no topic appearing by accident, and room
 * for MongoDB's largest documents (`maxMessageBytes`, config/schema.ts messageSizeSettings).
 */
export function mskServerProperties(kafka: KafkaSettings, maxMessageBytes?: number): string {
  const properties: Record<string, string | number | boolean> = {
    'auto.create.topics.enable': false,
    // Every topic on three brokers (one per AZ) unless it says otherwise: one broker or AZ lost keeps every record.
    'default.replication.factor': kafka.replicationFactor,
    // With the workers' acks=all, a write is acknowledged only once two replicas hold it, and one broker
    // can be down (for MSK's rolling patches, too) while producers keep writing.
    'min.insync.replicas': kafka.minInsyncReplicas,
    'num.partitions': kafka.partitions,
    'log.retention.hours': kafka.retentionHours,
    // An out-of-sync replica never becomes leader: the partition waits rather than drop acknowledged records.
    'unclean.leader.election.enable': false,
    'offsets.topic.replication.factor': kafka.replicationFactor,
    // The exactly-once sources' transactions (config/delivery.ts) are as durable as the records they commit.
    'transaction.state.log.replication.factor': kafka.replicationFactor,
    'transaction.state.log.min.isr': kafka.minInsyncReplicas,
    // Every topic's default, also a dead-letter topic Connect creates itself (it sets only a replication
    // factor): with the brokers' 1 MiB default, a larger record parked there is dropped with an ERROR log.
    // The followers' replica fetch needs no raise: since KIP-74 a fetch returns the first batch whatever its size.
    ...(maxMessageBytes ? { 'message.max.bytes': maxMessageBytes } : {}),
  };
  return Object.entries(properties)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join('\n');
}

/** What every step of the kafka stack reads. */
interface KafkaContext {
  readonly environment: Environment;
  readonly aws: AwsSettings;
  readonly network: NetworkSettings;
  readonly kafka: KafkaSettings;
  readonly stateBackend: StateBackendSettings;
  readonly clusterName: string;
  readonly logGroupName: string;
}

function kafkaContext(environment: Environment): KafkaContext {
  const { infrastructure } = environment;
  const aws = requireSetting(infrastructure.aws, 'aws', environment);
  const network = requireSetting(infrastructure.network, 'network', environment);
  const kafka = requireSetting(infrastructure.kafka, 'kafka', environment);
  const stateBackend = requireSetting(infrastructure.stateBackend, 'stateBackend', environment);
  const clusterName = mskClusterName(environment);
  return { environment, aws, network, kafka, stateBackend, clusterName, logGroupName: `/aws/msk/${clusterName}/brokers` };
}

/** The resources the cluster is built on. */
interface ClusterFoundations {
  readonly key: KmsKey;
  readonly logGroup: CloudwatchLogGroup;
  readonly securityGroup: SecurityGroup;
  readonly configuration: MskConfiguration;
}

/**
 * `kafka-<environment>`: an MSK cluster over three zones of the platform team's VPC — TLS only,
 * encrypted at rest with its own KMS key, IAM and/or SCRAM client auth and never unauthenticated,
 * no public access, open monitoring, broker logs in CloudWatch, and a security group that admits
 * only the Connect workers (and Prometheus to the exporters).
 */
export class KafkaStack extends TerraformStack {
  readonly cluster: MskCluster;

  constructor(scope: Construct, id: string, props: KafkaStackProps) {
    super(scope, id);
    const context = kafkaContext(props.environment);
    configureTerraform(this, id, context.stateBackend);
    configureAwsProvider(this, context.environment, context.aws);

    const key = this.encryptionKey(context);
    const logGroup = this.brokerLogs(context, key);
    const securityGroup = this.brokerSecurityGroup(context);
    const configuration = this.clusterConfiguration(context);
    this.cluster = this.mskCluster(context, { key, logGroup, securityGroup, configuration });
    this.outputs(context);
    if (context.kafka.authentication.scram) this.scramCredentials(context, key);
  }

  /** The cluster's own KMS key: data at rest, broker logs (CloudWatch Logs may use it for this log group only) and SCRAM secrets. */
  private encryptionKey(context: KafkaContext): KmsKey {
    const { aws, clusterName } = context;
    const key = new KmsKey(this, 'key', {
      description: `MSK ${clusterName}: data at rest, broker logs and SCRAM secrets`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument([
        accountAdministersKeyThroughIam(aws.accountId),
        {
          Sid: 'CloudWatchLogsEncryptsTheBrokerLogs',
          Effect: 'Allow',
          Principal: { Service: `logs.${aws.region}.amazonaws.com` },
          Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          Resource: '*',
          Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': `${arnPrefix(aws, 'logs')}:log-group:${context.logGroupName}` } },
        },
      ]),
    });
    new KmsAlias(this, 'key-alias', { name: `alias/${clusterName}`, targetKeyId: key.keyId });
    return key;
  }

  /** The brokers' logs in CloudWatch, under the cluster's key. */
  private brokerLogs(context: KafkaContext, key: KmsKey): CloudwatchLogGroup {
    return new CloudwatchLogGroup(this, 'broker-logs', {
      name: context.logGroupName,
      retentionInDays: context.kafka.brokerLogRetentionDays,
      kmsKeyId: key.arn,
    });
  }

  /** The brokers' security group: Kafka clients from the Connect workers, the exporters from Prometheus, nothing else. */
  private brokerSecurityGroup(context: KafkaContext): SecurityGroup {
    const { network, kafka, clusterName } = context;
    // No egress rule: brokers open no connection to clients, and Terraform drops AWS's default allow-all.
    const securityGroup = new SecurityGroup(this, 'brokers', {
      name: `${clusterName}-brokers`,
      description: `MSK ${clusterName}: Kafka clients from the Connect workers, exporters from Prometheus`,
      vpcId: network.vpcId,
      revokeRulesOnDelete: true,
    });
    const clientPorts = [...(kafka.authentication.iam ? [MSK_IAM_PORT] : []), ...(kafka.authentication.scram ? [MSK_SCRAM_PORT] : [])];
    for (const port of clientPorts) {
      for (const source of network.connectWorkersSecurityGroupIds) {
        new VpcSecurityGroupIngressRule(this, `client-${port}-${source}`, {
          securityGroupId: securityGroup.id,
          referencedSecurityGroupId: source,
          ipProtocol: 'tcp',
          fromPort: port,
          toPort: port,
          description: `Kafka clients (${port === MSK_IAM_PORT ? 'IAM' : 'SASL/SCRAM'} over TLS) from the Connect workers`,
        });
      }
    }
    for (const source of network.prometheusSecurityGroupIds ?? network.connectWorkersSecurityGroupIds) {
      new VpcSecurityGroupIngressRule(this, `exporters-${source}`, {
        securityGroupId: securityGroup.id,
        referencedSecurityGroupId: source,
        ipProtocol: 'tcp',
        fromPort: MSK_JMX_EXPORTER_PORT,
        toPort: MSK_NODE_EXPORTER_PORT,
        description: 'Prometheus scrapes the open-monitoring JMX and node exporters',
      });
    }
    return securityGroup;
  }

  /** The broker settings of mskServerProperties, versioned by MSK. */
  private clusterConfiguration(context: KafkaContext): MskConfiguration {
    const { kafka, clusterName } = context;
    return new MskConfiguration(this, 'configuration', {
      name: clusterName,
      description: `Broker settings of ${clusterName} (generated from config/environments/${context.environment.name}.ts)`,
      kafkaVersions: [kafka.kafkaVersion],
      serverProperties: mskServerProperties(kafka, messageSizeSettings(context.environment.kafka).topicMaxMessageBytes),
    });
  }

  /** TLS only and encrypted at rest, never unauthenticated, never public; open monitoring and broker logs on. */
  private mskCluster(context: KafkaContext, foundations: ClusterFoundations): MskCluster {
    const { network, kafka, clusterName } = context;
    const { key, logGroup, securityGroup, configuration } = foundations;
    return new MskCluster(this, 'cluster', {
      clusterName,
      kafkaVersion: kafka.kafkaVersion,
      numberOfBrokerNodes: kafka.brokerCount,
      enhancedMonitoring: kafka.enhancedMonitoring,
      brokerNodeGroupInfo: {
        instanceType: kafka.brokerInstanceType,
        clientSubnets: network.subnetIds,
        securityGroups: [securityGroup.id],
        storageInfo: { ebsStorageInfo: { volumeSize: kafka.storageGiB } },
        connectivityInfo: { publicAccess: { type: 'DISABLED' } },
      },
      encryptionInfo: {
        encryptionAtRestKmsKeyArn: key.arn,
        encryptionInTransit: { clientBroker: 'TLS', inCluster: true },
      },
      clientAuthentication: {
        unauthenticated: false,
        sasl: { iam: kafka.authentication.iam, scram: kafka.authentication.scram },
      },
      configurationInfo: { arn: configuration.arn, revision: configuration.latestRevision },
      openMonitoring: {
        prometheus: { jmxExporter: { enabledInBroker: true }, nodeExporter: { enabledInBroker: true } },
      },
      loggingInfo: { brokerLogs: { cloudwatchLogs: { enabled: true, logGroup: logGroup.name } } },
    });
  }

  /** What the deployer reads back: the cluster's ARN and, with IAM auth, its IAM bootstrap brokers. */
  private outputs(context: KafkaContext): void {
    new TerraformOutput(this, 'cluster-arn', { value: this.cluster.arn });
    if (context.kafka.authentication.iam) {
      new TerraformOutput(this, 'bootstrap-brokers-iam', { value: this.cluster.bootstrapBrokersSaslIam });
    }
  }

  /** The Connect workers' SCRAM user: a generated password in Secrets Manager, associated with the cluster. */
  private scramCredentials(context: KafkaContext, key: KmsKey): void {
    const credentials = new GeneratedSecret(this, 'scram-credentials', {
      name: scramSecretName(context.environment),
      description: `SASL/SCRAM credentials of the Connect workers on MSK ${context.clusterName}`,
      kmsKeyArn: key.arn,
      version: context.kafka.scramPasswordVersion,
      secretString: (password) => Fn.jsonencode({ username: SCRAM_USERNAME, password }),
    });
    new MskScramSecretAssociation(this, 'scram-secrets', {
      clusterArn: this.cluster.arn,
      secretArnList: [credentials.secret.arn],
      dependsOn: [credentials.secretVersion],
    });
    new TerraformOutput(this, 'bootstrap-brokers-scram', { value: this.cluster.bootstrapBrokersSaslScram });
  }
}
