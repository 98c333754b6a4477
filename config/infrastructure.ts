import { z } from 'zod';
import { versions } from './versions';

/**
 * What the cdktf stacks need per environment (network, MSK, Kubernetes, Atlas, state backend).
 * Owned by the stacks; the connector side never reads it. Every section is optional: a section an
 * environment leaves out is a stack it does not have, and an environment without any builds none.
 * Rules that span sections are checked here, every problem at once; rules that need the rest of the
 * environment or the pipeline list live in stacks/validate.ts.
 */

const AWS_ACCOUNT_ID = /^\d{12}$/;
const AWS_REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
/** Atlas organisation, project, App Services app and service ids are ObjectIds. */
const OBJECT_ID = /^[0-9a-f]{24}$/;
/** A Kubernetes name (RFC 1123 label). */
const KUBERNETES_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A Kubernetes label key (an optional DNS-subdomain prefix and `/`, then a name of up to 63 characters) and value. */
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
/** A file name under the Connect workers' secrets directory, as `${dir:/etc/connect-secrets:<file>}` names it. */
const SECRET_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Kubernetes resource quantities: `500m`, `2`, `4Gi`. */
const CPU_QUANTITY = /^\d+(\.\d+)?m?$/;
const MEMORY_QUANTITY = /^\d+(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
/**
 * A container image pinned by a tag (not `latest`, which moves) or by digest: `[registry/]path:tag`
 * or `[registry/]path@sha256:<64 hex>`.
 */
const PINNED_IMAGE = /^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:(?!latest$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})$/;
/** CloudWatch Logs accepts only these retention periods (days). */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** The platform spreads MSK over three Availability Zones, one subnet each. */
export const MSK_ZONES = 3;

/** MSK's version string for the Kafka line the workers run (`4.1.1` → `4.1.x`): one pinned version, two spellings. */
export const DEFAULT_MSK_KAFKA_VERSION = `${versions.kafka.split('.').slice(0, 2).join('.')}.x`;

const pattern = (regex: RegExp, what: string) =>
  z.string().refine((value) => regex.test(value), { error: (issue) => `must be ${what} (got ${JSON.stringify(issue.input)})` });

const stateBackendSchema = z.discriminatedUnion('kind', [
  /** State files on the machine that runs cdktf: for a developer's own sandbox only. */
  z.object({
    kind: z.literal('local'),
    /** Directory of the state files, relative to the repository root. @default '.local/terraform-state' */
    directory: z.string().min(1).default('.local/terraform-state'),
  }),
  /** State in S3 (encrypted) with locking: shared environments. */
  z.object({
    kind: z.literal('s3'),
    bucket: z.string().min(3),
    region: pattern(AWS_REGION, 'an AWS region such as eu-west-1'),
    /**
     * DynamoDB table for state locking, instead of S3's own lock file (`use_lockfile`, Terraform 1.10
     * and later). Terraform deprecates DynamoDB locking for the S3 backend: no environment here uses it.
     * @deprecated leave it out; the stacks then lock with S3's lock file
     * @default S3 lock file
     */
    lockTable: z.string().min(3).optional(),
    /** Prefix of every state key: `<keyPrefix>/<stack>.tfstate`. @default 'mongo-cdc-platform' */
    keyPrefix: z.string().min(1).default('mongo-cdc-platform'),
    /** KMS key that encrypts the state objects. @default the bucket's default encryption */
    kmsKeyId: z.string().min(1).optional(),
  }),
]);

const awsSchema = z.object({
  region: pattern(AWS_REGION, 'an AWS region such as eu-west-1'),
  /** The only account the stacks may deploy to (the AWS provider refuses any other). */
  accountId: pattern(AWS_ACCOUNT_ID, 'a 12-digit AWS account id'),
  /** Tags on every AWS resource, beside the platform's own `cdc-platform:environment`. @default {} */
  tags: z.record(z.string(), z.string()).default({}),
});

/** The platform team brings its network: the stacks never create a VPC. */
const networkSchema = z.object({
  vpcId: pattern(VPC_ID, 'a VPC id such as vpc-0a1b2c3d'),
  /** One private subnet per Availability Zone: MSK spreads its brokers over exactly three. */
  subnetIds: z.array(pattern(SUBNET_ID, 'a subnet id such as subnet-0a1b2c3d')),
  /**
   * Security groups of the Kubernetes nodes (or pods) where the Connect workers run: the only
   * clients the brokers and the Atlas private endpoint admit.
   */
  connectWorkersSecurityGroupIds: z.array(pattern(SECURITY_GROUP_ID, 'a security group id such as sg-0a1b2c3d')).min(1),
  /**
   * Security groups from which Prometheus scrapes the brokers' open-monitoring exporters.
   * @default connectWorkersSecurityGroupIds (Prometheus runs in the same Kubernetes cluster)
   */
  prometheusSecurityGroupIds: z.array(pattern(SECURITY_GROUP_ID, 'a security group id such as sg-0a1b2c3d')).min(1).optional(),
});

export const MSK_ENHANCED_MONITORING_LEVELS = ['DEFAULT', 'PER_BROKER', 'PER_TOPIC_PER_BROKER', 'PER_TOPIC_PER_PARTITION'] as const;

const kafkaSchema = z.object({
  /** MSK's Kafka version. @default the Kafka line of config/versions.ts, e.g. '4.1.x' */
  kafkaVersion: z.string().regex(/^\d+\.\d+\.(\d+|x)$/).default(DEFAULT_MSK_KAFKA_VERSION),
  /** @default 'kafka.m7g.large' */
  brokerInstanceType: pattern(/^kafka\.[a-z0-9]+\.[a-z0-9]+$/, 'an MSK broker type such as kafka.m7g.large').default('kafka.m7g.large'),
  /** A multiple of the subnet count (MSK puts the same number of brokers in each zone). @default 3 */
  brokerCount: z.number().int().min(2).default(3),
  /** EBS volume per broker, GiB. @default 100 */
  storageGiB: z.number().int().min(1).max(16_384).default(100),
  /** `num.partitions` for topics created without a partition count (Debezium's, the DLQs). @default 6 */
  partitions: z.number().int().min(1).default(6),
  /** `log.retention.hours`. @default 168 (seven days: a week-long outage of a sink loses nothing) */
  retentionHours: z.number().int().min(1).default(168),
  /** `default.replication.factor`. @default 3 */
  replicationFactor: z.number().int().min(1).default(3),
  /** `min.insync.replicas`; below the replication factor so that one broker can be down. @default 2 */
  minInsyncReplicas: z.number().int().min(1).default(2),
  /** Client authentication; unauthenticated access is always off. @default { iam: true, scram: false } */
  authentication: z
    .object({
      /** IAM access control (port 9098). @default true */
      iam: z.boolean().default(true),
      /** SASL/SCRAM-SHA-512 with the credentials in Secrets Manager (port 9096). @default false */
      scram: z.boolean().default(false),
    })
    .prefault({}),
  /** Bump to write a new SCRAM password for the Connect workers' user. @default 1 */
  scramPasswordVersion: z.number().int().min(1).default(1),
  /** @default 'PER_BROKER' */
  enhancedMonitoring: z.enum(MSK_ENHANCED_MONITORING_LEVELS).default('PER_BROKER'),
  /** Retention of the broker logs in CloudWatch, days (one of CloudWatch's allowed values). @default 30 */
  brokerLogRetentionDays: z
    .number()
    .int()
    .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
      error: (issue) => `must be one of CloudWatch's retention periods ${LOG_RETENTION_DAYS.join(', ')} (got ${String(issue.input)})`,
    })
    .default(30),
});

const podSelectorSchema = z.object({
  /** Namespace of the client pods. */
  namespace: pattern(KUBERNETES_NAME, 'a Kubernetes namespace name'),
  /** Labels that select the client pods in that namespace. */
  podLabels: z.record(z.string(), z.string()).refine((labels) => Object.keys(labels).length > 0, {
    message: 'must select the pods by at least one label (an empty selector admits every pod of the namespace)',
  }),
});

/**
 * The supervisor's Deployment beside the workers (`cdcctl connectors supervise`; its restart policy is
 * the environment's `connect.supervisor`, which local and deployed share).
 */
const connectSupervisorInfrastructureSchema = z.object({
  /**
   * The image that runs cdcctl: Node.js and this repository, built at the commit the stacks are
   * deployed from (the supervisor reads `--env <name>`'s settings from the definitions it carries), its
   * entrypoint `bin/cdcctl`. The workers' image (Debezium's Connect) carries neither Node.js nor the
   * CLI, so the platform team's image pipeline builds this one. Pinned by tag or digest.
   */
  image: pattern(PINNED_IMAGE, 'an image reference pinned by a tag other than latest, or by a sha256 digest'),
  /** UID and GID of the process: the official Node.js images' `node` user. @default 1000 */
  runAsUser: z.number().int().min(1).default(1000),
  /** One Node.js process polling the REST API every few seconds. @default { cpuRequest: '50m', memoryRequest: '128Mi', cpuLimit: '500m', memoryLimit: '256Mi' } */
  resources: z
    .object({
      cpuRequest: pattern(CPU_QUANTITY, 'a CPU quantity such as 500m or 2').default('50m'),
      memoryRequest: pattern(MEMORY_QUANTITY, 'a memory quantity such as 128Mi').default('128Mi'),
      cpuLimit: pattern(CPU_QUANTITY, 'a CPU quantity such as 500m or 2').default('500m'),
      memoryLimit: pattern(MEMORY_QUANTITY, 'a memory quantity such as 256Mi').default('256Mi'),
    })
    .prefault({}),
});

const connectInfrastructureSchema = z.object({
  /** @default '~/.kube/config' */
  kubeconfigPath: z.string().min(1).default('~/.kube/config'),
  /** The kubeconfig context of the existing cluster the workers run on. */
  kubeconfigContext: z.string().min(1),
  /** @default 'cdc-platform' */
  namespace: pattern(KUBERNETES_NAME, 'a Kubernetes namespace name').default('cdc-platform'),
  /** Worker pods. @default 2 */
  replicas: z.number().int().min(1).default(2),
  /** @default { cpuRequest: '1', memoryRequest: '2Gi', cpuLimit: '2', memoryLimit: '4Gi' } */
  resources: z
    .object({
      cpuRequest: pattern(CPU_QUANTITY, 'a CPU quantity such as 500m or 2').default('1'),
      memoryRequest: pattern(MEMORY_QUANTITY, 'a memory quantity such as 2Gi').default('2Gi'),
      cpuLimit: pattern(CPU_QUANTITY, 'a CPU quantity such as 500m or 2').default('2'),
      memoryLimit: pattern(MEMORY_QUANTITY, 'a memory quantity such as 4Gi').default('4Gi'),
    })
    .prefault({}),
  /** How the workers authenticate to MSK; must be enabled in `kafka.authentication`. @default 'iam' */
  kafkaAuthentication: z.enum(['iam', 'scram']).default('iam'),
  /**
   * ARN of the cluster's IAM OIDC provider (EKS IAM roles for service accounts): the workers' role
   * reads the mounted secrets, and talks to MSK when IAM auth is used.
   */
  oidcProviderArn: pattern(/^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/.+$/, 'an IAM OIDC provider ARN'),
  /** The only clients admitted to the workers' REST port, beside the workers themselves. */
  restClients: z.object({
    /** The GitOps runner that runs `cdcctl connectors plan|apply`. */
    gitopsRunner: podSelectorSchema,
    /** Prometheus (also admitted to the metrics port). */
    prometheus: podSelectorSchema,
  }),
  /**
   * Further Secrets Manager secrets mounted as files under /etc/connect-secrets for the `dir`
   * config provider (the warehouse password, say). The stacks add their own (the MSK SCRAM
   * password, the MongoDB URI). @default []
   */
  secrets: z
    .array(
      z.object({
        /** File name, as `${dir:/etc/connect-secrets:<file>}` refers to it. */
        file: pattern(SECRET_FILE, 'a file name of letters, digits, dots, dashes and underscores'),
        /** Secrets Manager secret name. */
        secretName: z.string().min(1),
        /** Key of a JSON secret to extract (a plain key: it becomes a JMESPath); the whole secret string when absent. */
        jsonKey: pattern(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a plain JSON key of letters, digits and underscores').optional(),
      }),
    )
    .default([]),
  /** The image writes only to the volumes mounted for it (see the connect stack). @default true */
  readOnlyRootFilesystem: z.boolean().default(true),
  /** UID and GID of the worker process: the image's `kafka` user. @default 1001 */
  runAsUser: z.number().int().min(1).default(1001),
  /** Path of the JMX exporter agent jar in the image. @default '/kafka/libs/jmx_prometheus_javaagent-<versions.jmxExporter>.jar' */
  jmxExporterAgentPath: z.string().startsWith('/').default(`/kafka/libs/jmx_prometheus_javaagent-${versions.jmxExporter}.jar`),
  /** The supervisor that restarts failed connectors and tasks: required, Connect never restarts them itself. */
  supervisor: connectSupervisorInfrastructureSchema,
});

export const ATLAS_TRIGGER_OPERATION_TYPES = ['INSERT', 'UPDATE', 'REPLACE', 'DELETE'] as const;

const atlasTriggerSchema = z.object({
  /** The trigger's id in App Services: the existing trigger is imported, never created twice. */
  id: pattern(OBJECT_ID, 'a 24-character hexadecimal id'),
  /** The trigger's name in App Services, as the inventory lists it. */
  name: z.string().min(1),
  /** The pipeline that replaces it: its collection, and the phase in `collections.<pipeline>`. */
  pipeline: z.string().min(1),
  /** The App Services function the trigger runs. */
  function: z.object({ id: pattern(OBJECT_ID, 'a 24-character hexadecimal id'), name: z.string().min(1) }),
  operationTypes: z.array(z.enum(ATLAS_TRIGGER_OPERATION_TYPES)).min(1),
  /** Pass the full document on updates. @default true */
  fullDocument: z.boolean().default(true),
  /** Pass the document before the change (needs pre-images on the collection). @default false */
  fullDocumentBeforeChange: z.boolean().default(false),
  /** `$match` expression on the change event. */
  match: z.record(z.string(), z.unknown()).optional(),
  /** `$project` expression on the change event. */
  project: z.record(z.string(), z.unknown()).optional(),
  /** @default false */
  unordered: z.boolean().default(false),
});

const atlasNetworkSchema = z.discriminatedUnion('kind', [
  /** An AWS PrivateLink endpoint in `network.vpcId` (production). */
  z.object({ kind: z.literal('privateEndpoint') }),
  /** IP access list entries (lower environments without PrivateLink). */
  z.object({
    kind: z.literal('accessList'),
    entries: z
      .array(z.object({ cidrBlock: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/), comment: z.string().min(1) }))
      .min(1),
  }),
]);

const atlasSchema = z.object({
  projectId: pattern(OBJECT_ID, 'a 24-character hexadecimal id'),
  /** The cluster Debezium captures from. */
  clusterName: z.string().min(1),
  /** The App Services app that holds the triggers being migrated. */
  appId: pattern(OBJECT_ID, 'a 24-character hexadecimal id'),
  /** The app's linked data source service id (the triggers' `config_service_id`). */
  triggerServiceId: pattern(OBJECT_ID, 'a 24-character hexadecimal id'),
  /** @default 'cdc-debezium' */
  databaseUsername: z.string().regex(/^[A-Za-z0-9._-]+$/).default('cdc-debezium'),
  /** Bump to rotate the CDC user's password (a new Secrets Manager version is written). @default 1 */
  passwordVersion: z.number().int().min(1).default(1),
  network: atlasNetworkSchema,
  /** The Atlas triggers being migrated; their `disabled` follows each pipeline's phase. @default [] */
  triggers: z.array(atlasTriggerSchema).default([]),
});

function addIssue(ctx: z.RefinementCtx, path: (string | number)[], message: string): void {
  ctx.addIssue({ code: 'custom', path, message });
}

const secretKeyRef = z.object({
  /** A Kubernetes Secret in the monitoring namespace, created outside this repository (never a literal). */
  name: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/),
  key: z.string().regex(/^[-._a-zA-Z0-9]+$/),
});

const receiverSchema = z.discriminatedUnion('kind', [
  /** Slack: the incoming-webhook URL is a secret, read from a file (`api_url_file`). */
  z.object({ kind: z.literal('slack'), channel: z.string().startsWith('#'), webhookUrlSecret: secretKeyRef }),
  /** PagerDuty Events API v2: the routing key is read from a file (`routing_key_file`). */
  z.object({ kind: z.literal('pagerduty'), routingKeySecret: secretKeyRef }),
  /** A generic webhook whose URL is not a secret (an in-cluster relay, say). */
  z.object({ kind: z.literal('webhook'), url: z.string().url() }),
]);

/** The monitoring stack's settings (Prometheus, Alertmanager's receiver, Grafana). */
export const monitoringSettingsSchema = z.object({
  /** Where alerts go; every alert is routed to it, critical ones repeated more often. */
  receiver: receiverSchema,
  /** Create the monitoring namespace (off when it is shared and exists already). @default true */
  createNamespace: z.boolean().default(true),
  prometheus: z
    .object({
      /** @default '30d' (the business dashboard shows the SLA over 30 days) */
      retention: z.string().regex(/^\d+[dhw]$/).default('30d'),
      /** Persistent volume for the TSDB, GiB. @default 50 */
      storageGiB: z.number().int().min(1).default(50),
      /** @default the cluster's default storage class */
      storageClassName: z.string().min(1).optional(),
      /** @default '30s' */
      scrapeInterval: z.string().regex(/^\d+[sm]$/).default('30s'),
    })
    .prefault({}),
  grafana: z.object({
    /** Secret with the admin user and password (`GF_SECURITY_ADMIN_*`). */
    adminSecret: z.object({ name: secretKeyRef.shape.name, userKey: secretKeyRef.shape.key, passwordKey: secretKeyRef.shape.key }),
  }),
  /**
   * Where docs/runbooks is browsable, as an https URL: alerts carry `runbook_url: <this>/<runbook>.md`,
   * and Slack or PagerDuty open it. Required for an environment with a monitoring section (checked
   * with the rest of the infrastructure below); only an environment without one (local) links into
   * this repository. @default this repository's docs/runbooks, for settings built by hand (tests)
   */
  runbookBaseUrl: z
    .string()
    .refine(isHttpsUrl, { error: (issue) => `must be an https URL where docs/runbooks is browsable (got ${JSON.stringify(issue.input)})` })
    .optional(),
  /**
   * The cluster runs the Prometheus operator (kube-prometheus-stack, say): the stack then hands the
   * rules and scrape targets to it as PrometheusRule, PodMonitor and ScrapeConfig objects, runs no
   * Prometheus of its own, and points Grafana at the operator's. @default absent: the stack's own Prometheus
   */
  prometheusOperator: z
    .object({
      /**
       * Labels the operator's Prometheus selects rules and monitors by (its `ruleSelector`,
       * `podMonitorSelector`, `scrapeConfigSelector`); kube-prometheus-stack's default is `release: <its release name>`.
       */
      selectorLabels: z.record(pattern(LABEL_KEY, 'a Kubernetes label key'), pattern(LABEL_VALUE, 'a Kubernetes label value')).refine((labels) => Object.keys(labels).length > 0, {
        message: "must name at least one label the operator's Prometheus selects by (an empty set is selected by none, or by every Prometheus)",
      }),
      /** The operator's Prometheus, for Grafana's datasource (its Service, e.g. `http://kube-prometheus-stack-prometheus.monitoring.svc:9090`). */
      prometheusUrl: z.string().url(),
    })
    .optional(),
});

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

export type MonitoringSettingsInput = z.input<typeof monitoringSettingsSchema>;
export type MonitoringSettings = z.output<typeof monitoringSettingsSchema>;
export type PrometheusOperatorSettings = NonNullable<MonitoringSettings['prometheusOperator']>;

export const infrastructureSchema = z
  .object({
    stateBackend: stateBackendSchema.optional(),
    aws: awsSchema.optional(),
    network: networkSchema.optional(),
    kafka: kafkaSchema.optional(),
    connect: connectInfrastructureSchema.optional(),
    atlas: atlasSchema.optional(),
    monitoring: monitoringSettingsSchema.optional(),
  })
  .superRefine((infrastructure, ctx) => {
    const { network, kafka, connect, atlas, monitoring } = infrastructure;
    const stacks = (['kafka', 'connect', 'atlas'] as const).filter((section) => infrastructure[section]);
    if (stacks.length > 0) {
      for (const section of ['stateBackend', 'aws'] as const) {
        if (!infrastructure[section]) addIssue(ctx, [section], `required when the environment declares stacks (${stacks.join(', ')}) (got undefined)`);
      }
    }
    if (kafka && !network) addIssue(ctx, ['network'], 'required by the kafka stack: MSK runs in the platform team\'s VPC (got undefined)');
    if (atlas?.network.kind === 'privateEndpoint' && !network) {
      addIssue(ctx, ['network'], 'required by atlas.network.kind "privateEndpoint": the endpoint is created in network.vpcId (got undefined)');
    }
    if (network) {
      const { subnetIds } = network;
      if (subnetIds.length !== MSK_ZONES) {
        addIssue(ctx, ['network', 'subnetIds'], `MSK spreads its brokers over three Availability Zones: give exactly three subnets (got ${subnetIds.length}: ${subnetIds.join(', ') || 'none'})`);
      }
      const duplicates = subnetIds.filter((id, index) => subnetIds.indexOf(id) !== index);
      if (duplicates.length > 0) addIssue(ctx, ['network', 'subnetIds'], `must be distinct (got ${duplicates.join(', ')} more than once)`);
    }
    if (kafka) {
      if (kafka.brokerCount % MSK_ZONES !== 0) {
        addIssue(ctx, ['kafka', 'brokerCount'], `must be a multiple of ${MSK_ZONES}, the zone count (MSK puts as many brokers in each zone) (got ${kafka.brokerCount})`);
      }
      if (kafka.replicationFactor > kafka.brokerCount) {
        addIssue(ctx, ['kafka', 'replicationFactor'], `must not exceed kafka.brokerCount ${kafka.brokerCount} (got ${kafka.replicationFactor})`);
      }
      if (kafka.minInsyncReplicas >= kafka.replicationFactor) {
        addIssue(ctx, ['kafka', 'minInsyncReplicas'], `must be below kafka.replicationFactor ${kafka.replicationFactor}, or one broker down stops every producer (got ${kafka.minInsyncReplicas})`);
      }
      if (!kafka.authentication.iam && !kafka.authentication.scram) {
        addIssue(ctx, ['kafka', 'authentication'], 'enable iam or scram: unauthenticated access is never allowed (got iam: false, scram: false)');
      }
    }
    if (connect) {
      if (!kafka) addIssue(ctx, ['kafka'], 'required by the connect stack: the workers\' Kafka access is derived from it (got undefined)');
      else if (!kafka.authentication[connect.kafkaAuthentication]) {
        addIssue(ctx, ['connect', 'kafkaAuthentication'], `must be enabled in kafka.authentication (got "${connect.kafkaAuthentication}", which is off)`);
      }
      const files = connect.secrets.map((secret) => secret.file);
      const repeated = files.filter((file, index) => files.indexOf(file) !== index);
      if (repeated.length > 0) addIssue(ctx, ['connect', 'secrets'], `file names must be distinct (got ${repeated.join(', ')} more than once)`);
    }
    if (monitoring && monitoring.runbookBaseUrl === undefined) {
      addIssue(ctx, ['monitoring', 'runbookBaseUrl'], 'required: alerts leave for Slack or PagerDuty, which cannot open a path in this repository; give the https URL where docs/runbooks is browsable (got undefined)');
    }
    if (atlas) {
      if (atlas.network.kind === 'accessList') {
        atlas.network.entries.forEach((entry, index) => {
          if (entry.cidrBlock.endsWith('/0')) {
            addIssue(ctx, ['atlas', 'network', 'entries', index, 'cidrBlock'], `must not open the project to every address (got ${entry.cidrBlock})`);
          }
        });
      }
      const names = atlas.triggers.map((trigger) => trigger.name);
      const repeated = names.filter((name, index) => names.indexOf(name) !== index);
      if (repeated.length > 0) addIssue(ctx, ['atlas', 'triggers'], `trigger names must be distinct (got ${repeated.join(', ')} more than once)`);
    }
  });

export type Infrastructure = z.infer<typeof infrastructureSchema>;
export type StateBackendSettings = NonNullable<Infrastructure['stateBackend']>;
export type AwsSettings = NonNullable<Infrastructure['aws']>;
export type NetworkSettings = NonNullable<Infrastructure['network']>;
export type KafkaSettings = NonNullable<Infrastructure['kafka']>;
export type ConnectSettings = NonNullable<Infrastructure['connect']>;
export type ConnectSupervisorSettings = ConnectSettings['supervisor'];
export type AtlasSettings = NonNullable<Infrastructure['atlas']>;
export type AtlasTriggerSettings = AtlasSettings['triggers'][number];
