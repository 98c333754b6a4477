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
import type { Environment } from '../config';
import type { KafkaSettings } from '../config/infrastructure';
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

/** The cluster configuration: what makes a topic durable, and no topic appearing by accident. */
export function mskServerProperties(kafka: KafkaSettings): string {
  const properties: Record<string, string | number | boolean> = {
    'auto.create.topics.enable': false,
    'default.replication.factor': kafka.replicationFactor,
    'min.insync.replicas': kafka.minInsyncReplicas,
    'num.partitions': kafka.partitions,
    'log.retention.hours': kafka.retentionHours,
    'unclean.leader.election.enable': false,
    'offsets.topic.replication.factor': kafka.replicationFactor,
    'transaction.state.log.replication.factor': kafka.replicationFactor,
    'transaction.state.log.min.isr': kafka.minInsyncReplicas,
  };
  return Object.entries(properties)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join('\n');
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
    const { environment } = props;
    const infrastructure = environment.infrastructure;
    const aws = requireSetting(infrastructure.aws, 'aws', environment);
    const network = requireSetting(infrastructure.network, 'network', environment);
    const kafka = requireSetting(infrastructure.kafka, 'kafka', environment);
    const stateBackend = requireSetting(infrastructure.stateBackend, 'stateBackend', environment);
    const clusterName = mskClusterName(environment);
    const prometheusSecurityGroupIds = network.prometheusSecurityGroupIds ?? network.connectWorkersSecurityGroupIds;
    const logGroupName = `/aws/msk/${clusterName}/brokers`;

    configureTerraform(this, id, stateBackend);
    configureAwsProvider(this, environment, aws);

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
          Condition: { ArnEquals: { 'kms:EncryptionContext:aws:logs:arn': `${arnPrefix(aws, 'logs')}:log-group:${logGroupName}` } },
        },
      ]),
    });
    new KmsAlias(this, 'key-alias', { name: `alias/${clusterName}`, targetKeyId: key.keyId });

    const logGroup = new CloudwatchLogGroup(this, 'broker-logs', {
      name: logGroupName,
      retentionInDays: kafka.brokerLogRetentionDays,
      kmsKeyId: key.arn,
    });

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
    for (const source of prometheusSecurityGroupIds) {
      new VpcSecurityGroupIngressRule(this, `exporters-${source}`, {
        securityGroupId: securityGroup.id,
        referencedSecurityGroupId: source,
        ipProtocol: 'tcp',
        fromPort: MSK_JMX_EXPORTER_PORT,
        toPort: MSK_NODE_EXPORTER_PORT,
        description: 'Prometheus scrapes the open-monitoring JMX and node exporters',
      });
    }

    const configuration = new MskConfiguration(this, 'configuration', {
      name: clusterName,
      description: `Broker settings of ${clusterName} (generated from config/environments/${environment.name}.ts)`,
      kafkaVersions: [kafka.kafkaVersion],
      serverProperties: mskServerProperties(kafka),
    });

    this.cluster = new MskCluster(this, 'cluster', {
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

    new TerraformOutput(this, 'cluster-arn', { value: this.cluster.arn });
    if (kafka.authentication.iam) {
      new TerraformOutput(this, 'bootstrap-brokers-iam', { value: this.cluster.bootstrapBrokersSaslIam });
    }
    if (kafka.authentication.scram) {
      const credentials = new GeneratedSecret(this, 'scram-credentials', {
        name: scramSecretName(environment),
        description: `SASL/SCRAM credentials of the Connect workers on MSK ${clusterName}`,
        kmsKeyArn: key.arn,
        version: kafka.scramPasswordVersion,
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
}
