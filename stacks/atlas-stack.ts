import { Fn, TerraformStack, Token } from 'cdktf';
import type { Construct } from 'constructs';
import { DataAwsSecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { CustomDbRole } from '@cdktf/provider-mongodbatlas/lib/custom-db-role';
import { DataMongodbatlasAdvancedCluster } from '@cdktf/provider-mongodbatlas/lib/data-mongodbatlas-advanced-cluster';
import { DatabaseUser } from '@cdktf/provider-mongodbatlas/lib/database-user';
import { EventTrigger } from '@cdktf/provider-mongodbatlas/lib/event-trigger';
import { PrivatelinkEndpoint } from '@cdktf/provider-mongodbatlas/lib/privatelink-endpoint';
import { PrivatelinkEndpointService } from '@cdktf/provider-mongodbatlas/lib/privatelink-endpoint-service';
import { ProjectIpAccessList } from '@cdktf/provider-mongodbatlas/lib/project-ip-access-list';
import { MongodbatlasProvider } from '@cdktf/provider-mongodbatlas/lib/provider';
import type { Environment, MigrationPhase } from '../config';
import type { AtlasSettings, AtlasTriggerSettings, AwsSettings, StateBackendSettings } from '../config/infrastructure';
import { PHASE_BEHAVIOUR } from '../config/phases';
import { pipelines as allPipelines, type PipelineDefinition } from '../connectors/pipelines';
import { configureAwsProvider, configureTerraform, accountAdministersKeyThroughIam, policyDocument, requireSetting, terraformLiteral } from './common';
import { GeneratedSecret } from './constructs/generated-secret';
import { atlasCredentialsSecretName, atlasCustomRoleName, atlasKeyAlias } from './names';

export interface AtlasStackProps {
  readonly environment: Environment;
  /** The pipelines whose collections the CDC user reads. @default the repository's pipeline list */
  readonly pipelines?: readonly PipelineDefinition[];
}

/** What a trigger being migrated looks like in Terraform for a collection in a given phase. */
export type EventTriggerState = { readonly rendered: false } | { readonly rendered: true; readonly disabled: boolean };

/**
 * The atlas stack's side of the migration rules (config/phases.ts): `trigger` and `shadow` keep the
 * Atlas trigger running, `stream` keeps it defined but disabled (ready for a rollback), and
 * `decommissioned` renders no trigger at all, so Terraform deletes it.
 */
export function eventTriggerState(phase: MigrationPhase): EventTriggerState {
  switch (PHASE_BEHAVIOUR[phase].trigger) {
    case 'enabled':
      return { rendered: true, disabled: false };
    case 'disabled':
      return { rendered: true, disabled: true };
    case 'removed':
      return { rendered: false };
  }
}

/** Atlas PrivateLink endpoints take connections on these ports (one per cluster node). */
export const ATLAS_PRIVATE_ENDPOINT_PORTS = { from: 1024, to: 65535 } as const;

/** What every step of the atlas stack reads. */
interface AtlasContext {
  readonly environment: Environment;
  readonly pipelines: readonly PipelineDefinition[];
  readonly aws: AwsSettings;
  readonly atlas: AtlasSettings;
  readonly stateBackend: StateBackendSettings;
}

type AccessListEntry = Extract<AtlasSettings['network'], { kind: 'accessList' }>['entries'][number];

function atlasContext(props: AtlasStackProps): AtlasContext {
  const { environment } = props;
  const { infrastructure } = environment;
  const aws = requireSetting(infrastructure.aws, 'aws', environment);
  const atlas = requireSetting(infrastructure.atlas, 'atlas', environment);
  const stateBackend = requireSetting(infrastructure.stateBackend, 'stateBackend', environment);
  if (stateBackend.kind === 's3' && !stateBackend.kmsKeyId) {
    throw new Error(
      `environment ${environment.name}: infrastructure.stateBackend.kmsKeyId: required by the atlas stack, whose state holds the Atlas CDC user's password (see cdcUserCredentials): give the dedicated state key (got undefined)`,
    );
  }
  return { environment, pipelines: props.pipelines ?? allPipelines, aws, atlas, stateBackend };
}

/**
 * `atlas-<environment>`: the CDC database user (a custom role with only `find` and `changeStream`
 * on the captured collections, scoped to one cluster; its password generated into Secrets Manager
 * with the MongoDB URI the workers mount), network access (a PrivateLink endpoint in the VPC or an
 * access list), and the Atlas triggers being migrated, whose state follows each collection's phase.
 * Its state holds the CDC user's password (the provider has no write-only one): an S3 state backend
 * must name its KMS key.
 */
export class AtlasStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: AtlasStackProps) {
    super(scope, id);
    const context = atlasContext(props);
    configureTerraform(this, id, context.stateBackend);
    configureAwsProvider(this, context.environment, context.aws);
    // Credentials come from MONGODB_ATLAS_PUBLIC_KEY / MONGODB_ATLAS_PRIVATE_KEY in the deployer's environment.
    new MongodbatlasProvider(this, 'mongodbatlas', {});

    // Network access first: the connection string the workers get depends on it.
    const privateEndpointService = this.networkAccess(context);
    const srv = this.srvConnectionString(context, privateEndpointService);
    const stored = this.cdcUserCredentials(context, srv);
    this.cdcUser(context, stored);
    this.migratedTriggers(context);
  }

  /** A private endpoint (returning its endpoint service) or an access list, as the environment says. */
  private networkAccess(context: AtlasContext): PrivatelinkEndpointService | undefined {
    const { network } = context.atlas;
    if (network.kind === 'privateEndpoint') return this.privateEndpoint(context);
    this.accessList(context, network.entries);
    return undefined;
  }

  /** A PrivateLink endpoint in the VPC, admitting MongoDB connections from the Connect workers only. */
  private privateEndpoint(context: AtlasContext): PrivatelinkEndpointService {
    const { environment, aws, atlas } = context;
    const network = requireSetting(environment.infrastructure.network, 'network', environment);
    const endpoint = new PrivatelinkEndpoint(this, 'private-endpoint', {
      projectId: atlas.projectId,
      providerName: 'AWS',
      region: aws.region,
    });
    const securityGroup = new SecurityGroup(this, 'private-endpoint-security-group', {
      name: `cdc-${environment.name}-atlas-endpoint`,
      description: `Atlas PrivateLink endpoint of ${environment.name}: MongoDB from the Connect workers only`,
      vpcId: network.vpcId,
      revokeRulesOnDelete: true,
    });
    for (const source of network.connectWorkersSecurityGroupIds) {
      new VpcSecurityGroupIngressRule(this, `private-endpoint-from-${source}`, {
        securityGroupId: securityGroup.id,
        referencedSecurityGroupId: source,
        ipProtocol: 'tcp',
        fromPort: ATLAS_PRIVATE_ENDPOINT_PORTS.from,
        toPort: ATLAS_PRIVATE_ENDPOINT_PORTS.to,
        description: 'MongoDB (Debezium) from the Connect workers',
      });
    }
    const vpcEndpoint = new VpcEndpoint(this, 'vpc-endpoint', {
      vpcId: network.vpcId,
      serviceName: endpoint.endpointServiceName,
      vpcEndpointType: 'Interface',
      subnetIds: network.subnetIds,
      securityGroupIds: [securityGroup.id],
    });
    return new PrivatelinkEndpointService(this, 'private-endpoint-service', {
      projectId: atlas.projectId,
      privateLinkId: endpoint.privateLinkId,
      endpointServiceId: vpcEndpoint.id,
      providerName: 'AWS',
    });
  }

  /** The project's IP access list (lower environments without PrivateLink). */
  private accessList(context: AtlasContext, entries: readonly AccessListEntry[]): void {
    for (const entry of entries) {
      new ProjectIpAccessList(this, `access-list-${entry.cidrBlock}`, {
        projectId: context.atlas.projectId,
        cidrBlock: entry.cidrBlock,
        comment: entry.comment,
      });
    }
  }

  /** The cluster's SRV connection string: through the private endpoint when there is one. */
  private srvConnectionString(context: AtlasContext, privateEndpointService: PrivatelinkEndpointService | undefined): string {
    const { atlas } = context;
    const cluster = new DataMongodbatlasAdvancedCluster(this, 'cluster', {
      projectId: atlas.projectId,
      name: atlas.clusterName,
      ...(privateEndpointService ? { dependsOn: [privateEndpointService] } : {}),
    });
    const connectionStrings = cluster.connectionStrings.get(0);
    return privateEndpointService ? connectionStrings.privateEndpoint.get(0).srvConnectionString : connectionStrings.standardSrv;
  }

  /**
   * The CDC user's generated password and the MongoDB URI the workers mount, in Secrets Manager
   * under a key of their own; returns the stored version, which the Atlas provider reads back.
   */
  private cdcUserCredentials(context: AtlasContext, srv: string): DataAwsSecretsmanagerSecretVersion {
    const { environment, aws, atlas } = context;
    const key = new KmsKey(this, 'key', {
      description: `Atlas CDC user credentials of ${environment.name}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyDocument([accountAdministersKeyThroughIam(aws.accountId)]),
    });
    new KmsAlias(this, 'key-alias', { name: atlasKeyAlias(environment), targetKeyId: key.keyId });

    const username = atlas.databaseUsername;
    const credentials = new GeneratedSecret(this, 'cdc-user-credentials', {
      name: atlasCredentialsSecretName(environment),
      description: `Atlas database user ${username} of ${environment.name} and the MongoDB URI Debezium connects with`,
      kmsKeyArn: key.arn,
      version: atlas.passwordVersion,
      secretString: (password) =>
        Fn.jsonencode({
          username,
          password,
          uri: Fn.format('mongodb+srv://%s:%s@%s/?authSource=admin', [username, password, Fn.trimprefix(srv, 'mongodb+srv://')]),
        }),
    });
    // The one password in a state: the mongodbatlas provider these bindings pin (1.41.1, binding
    // 8.6.2) has no write-only password for a database user, so the user's `password` (and this read
    // of the secret) are stored in the atlas stack's state. That state is encrypted with the dedicated
    // state key (stateBackend.kmsKeyId, required above) and read by the plan role; a provider release
    // with `password_wo` (mongodb/terraform-provider-mongodbatlas#4621) lets this read go.
    return new DataAwsSecretsmanagerSecretVersion(this, 'cdc-user-credentials-stored', {
      secretId: credentials.secret.id,
      versionId: credentials.secretVersion.versionId,
    });
  }

  /** The CDC user: a custom role with only find and changeStream on the captured collections, scoped to one cluster. */
  private cdcUser(context: AtlasContext, stored: DataAwsSecretsmanagerSecretVersion): void {
    const { environment, atlas } = context;
    const namespaces = context.pipelines.map((pipeline) => ({ databaseName: pipeline.database, collectionName: pipeline.collection }));
    const role = new CustomDbRole(this, 'change-stream-reader', {
      projectId: atlas.projectId,
      roleName: atlasCustomRoleName(environment),
      actions: [
        { action: 'FIND', resources: namespaces },
        { action: 'CHANGE_STREAM', resources: namespaces },
      ],
    });
    new DatabaseUser(this, 'cdc-user', {
      projectId: atlas.projectId,
      username: atlas.databaseUsername,
      password: Token.asString(Fn.lookup(Fn.jsondecode(stored.secretString), 'password')),
      authDatabaseName: 'admin',
      description: `Debezium change-data capture (${environment.name}); managed by mongo-cdc-platform`,
      roles: [{ roleName: role.roleName, databaseName: 'admin' }],
      scopes: [{ name: atlas.clusterName, type: 'CLUSTER' }],
    });
  }

  /** The Atlas triggers being migrated, each rendered (enabled or disabled) or removed by its collection's phase, and adopted by import. */
  private migratedTriggers(context: AtlasContext): void {
    const { environment, atlas } = context;
    const pipelineByName = new Map(context.pipelines.map((pipeline) => [pipeline.name, pipeline]));
    const imports: { to: string; id: string }[] = [];
    for (const trigger of atlas.triggers) {
      const pipeline = pipelineByName.get(trigger.pipeline);
      if (!pipeline) {
        throw new Error(`environment ${environment.name}: infrastructure.atlas.triggers: ${trigger.name}: unknown pipeline (got ${JSON.stringify(trigger.pipeline)})`);
      }
      const state = eventTriggerState(environment.collections[pipeline.name]?.phase ?? 'stream');
      if (!state.rendered) continue;
      const resource = this.eventTrigger(context, trigger, pipeline, state.disabled);
      // The trigger already runs in Atlas: adopt it with an import block (a no-op once it is in state).
      imports.push({ to: `${EventTrigger.tfResourceType}.${resource.friendlyUniqueId}`, id: `${atlas.projectId}--${atlas.appId}--${trigger.id}` });
    }
    // Written directly rather than with importFrom(), which runs `terraform version` once per import
    // at every synth (slow, and failing wherever Terraform is not installed).
    if (imports.length > 0) this.addOverride('import', imports);
  }

  /** One Database trigger as it runs in Atlas today, `disabled` as its collection's phase says. */
  private eventTrigger(context: AtlasContext, trigger: AtlasTriggerSettings, pipeline: PipelineDefinition, disabled: boolean): EventTrigger {
    const { atlas } = context;
    return new EventTrigger(this, `trigger-${trigger.name}`, {
      projectId: atlas.projectId,
      appId: atlas.appId,
      name: trigger.name,
      type: 'DATABASE',
      functionId: trigger.function.id,
      disabled,
      configServiceId: atlas.triggerServiceId,
      configDatabase: pipeline.database,
      configCollection: pipeline.collection,
      configOperationTypes: [...trigger.operationTypes],
      configFullDocument: trigger.fullDocument,
      configFullDocumentBefore: trigger.fullDocumentBeforeChange,
      unordered: trigger.unordered,
      ...(trigger.match ? { configMatch: terraformLiteral(JSON.stringify(trigger.match)) } : {}),
      ...(trigger.project ? { configProject: terraformLiteral(JSON.stringify(trigger.project)) } : {}),
    });
  }
}
