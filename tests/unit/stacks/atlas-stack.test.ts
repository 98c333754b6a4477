import { Testing } from 'cdktf';
import { DatabaseUser } from '@cdktf/provider-mongodbatlas/lib/database-user';
import { EventTrigger } from '@cdktf/provider-mongodbatlas/lib/event-trigger';
import { PrivatelinkEndpoint } from '@cdktf/provider-mongodbatlas/lib/privatelink-endpoint';
import { ProjectIpAccessList } from '@cdktf/provider-mongodbatlas/lib/project-ip-access-list';
import { MongodbatlasProvider } from '@cdktf/provider-mongodbatlas/lib/provider';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { MIGRATION_PHASES, type Environment } from '../../../config';
import { PHASE_BEHAVIOUR } from '../../../config/phases';
import { AtlasStack, eventTriggerState } from '../../../stacks/atlas-stack';
import { environment, onlyResource, parsed, resources, synth, type InputDraft } from './fixtures';

Testing.setupJest();

function atlasStack(env: Environment = environment()): string {
  return synth((app) => new AtlasStack(app, 'atlas-test', { environment: env }));
}

function atlasStackWith(change: (input: InputDraft) => void): string {
  return atlasStack(environment(change));
}

/** The staging-like fixture with the orders trigger's collection in `phase`. */
function withOrdersIn(phase: string): string {
  return atlasStackWith((input) => (input.collections.orders = { phase }));
}

describe('eventTriggerState', () => {
  it('keeps the trigger enabled while the trigger still feeds the warehouse (trigger, shadow)', () => {
    expect(eventTriggerState('trigger')).toEqual({ rendered: true, disabled: false });
    expect(eventTriggerState('shadow')).toEqual({ rendered: true, disabled: false });
  });

  it('disables it once the stream path writes the table (stream)', () => {
    expect(eventTriggerState('stream')).toEqual({ rendered: true, disabled: true });
  });

  it('renders no trigger once decommissioned', () => {
    expect(eventTriggerState('decommissioned')).toEqual({ rendered: false });
  });

  it('agrees with the migration rules for every phase', () => {
    for (const phase of MIGRATION_PHASES) {
      const state = eventTriggerState(phase);
      const expected = PHASE_BEHAVIOUR[phase].trigger;
      expect(state.rendered ? (state.disabled ? 'disabled' : 'enabled') : 'removed').toBe(expected);
    }
  });
});

describe('atlas stack: triggers follow the phase', () => {
  it.each([
    ['trigger', false],
    ['shadow', false],
    ['stream', true],
  ])('a collection in phase %s has its trigger disabled=%s', (phase, disabled) => {
    expect(withOrdersIn(phase)).toHaveResourceWithProperties(EventTrigger, { name: 'syncOrders', disabled });
  });

  it('a decommissioned collection has no trigger and no import of it', () => {
    const json = withOrdersIn('decommissioned');
    expect(json).not.toHaveResource(EventTrigger);
    expect(parsed(json).import).toBeUndefined();
  });

  it('a pipeline without collection settings is in the default phase (stream): disabled', () => {
    const json = atlasStackWith((input) => (input.collections = {}));
    expect(json).toHaveResourceWithProperties(EventTrigger, { name: 'syncOrders', disabled: true });
  });

  it('watches the pipeline\'s collection with the configured operations through the app\'s linked data source', () => {
    expect(atlasStack()).toHaveResourceWithProperties(EventTrigger, {
      project_id: '0123456789abcdef01234567',
      app_id: '0123456789abcdef0123aaaa',
      type: 'DATABASE',
      function_id: '0123456789abcdef0123d001',
      config_service_id: '0123456789abcdef0123bbbb',
      config_database: 'app_db',
      config_collection: 'orders',
      config_operation_types: ['INSERT', 'UPDATE'],
      config_full_document: true,
      config_full_document_before: false,
      unordered: false,
    });
  });

  it('writes match and project expressions as JSON', () => {
    const json = atlasStackWith((input) => {
      input.infrastructure.atlas.triggers[0].match = { 'fullDocument.status': 'paid' };
      input.infrastructure.atlas.triggers[0].project = { 'fullDocument.secret': 0 };
    });
    expect(json).toHaveResourceWithProperties(EventTrigger, {
      config_match: '{"fullDocument.status":"paid"}',
      config_project: '{"fullDocument.secret":0}',
    });
  });

  it('adopts the existing trigger with an import block instead of creating a second one', () => {
    expect(parsed(atlasStack()).import).toEqual([
      { to: 'mongodbatlas_event_trigger.trigger-syncOrders', id: '0123456789abcdef01234567--0123456789abcdef0123aaaa--0123456789abcdef0123c001' },
    ]);
  });
});

describe('atlas stack: the CDC user', () => {
  const json = atlasStack();

  it('holds a custom role with only find and changeStream, on exactly the pipelines\' collections', () => {
    const role = onlyResource(json, 'mongodbatlas_custom_db_role');
    expect(role.role_name).toBe('cdc-test-change-stream-reader');
    const namespaces = [
      { database_name: 'app_db', collection_name: 'orders' },
      { database_name: 'app_db', collection_name: 'customers' },
    ];
    expect(role.actions).toEqual([
      { action: 'FIND', resources: namespaces },
      { action: 'CHANGE_STREAM', resources: namespaces },
    ]);
  });

  it('has that role only, and only on the captured cluster', () => {
    expect(json).toHaveResourceWithProperties(DatabaseUser, {
      username: 'cdc-debezium',
      auth_database_name: 'admin',
      roles: [{ role_name: '${mongodbatlas_custom_db_role.change-stream-reader.role_name}', database_name: 'admin' }],
      scopes: [{ name: 'app-test', type: 'CLUSTER' }],
    });
  });

  it('takes its password from the Secrets Manager version the stack wrote', () => {
    const user = onlyResource(json, 'mongodbatlas_database_user');
    expect(user.password).toBe('${jsondecode(data.aws_secretsmanager_secret_version.cdc-user-credentials-stored.secret_string).password}');
    const stored = parsed(json).data.aws_secretsmanager_secret_version['cdc-user-credentials-stored'];
    expect(stored.version_id).toMatch(/^\$\{aws_secretsmanager_secret_version\.[\w-]+\.version_id\}$/);
  });

  it('keeps username, password and MongoDB URI in one secret under the stack\'s KMS key', () => {
    expect(json).toHaveResourceWithProperties(SecretsmanagerSecret, { name: 'cdc-platform/test/atlas-cdc-user', kms_key_id: '${aws_kms_key.key.arn}' });
    const version = onlyResource(json, 'aws_secretsmanager_secret_version');
    expect(version.secret_string).toBeUndefined();
    expect(version.secret_string_wo_version).toBe(1);
    expect(version.secret_string_wo).toContain('"password" = ephemeral.aws_secretsmanager_random_password.');
    expect(version.secret_string_wo).toContain(
      'format("mongodb+srv://%s:%s@%s/?authSource=admin", "cdc-debezium", ephemeral.aws_secretsmanager_random_password.',
    );
    expect(version.secret_string_wo).toContain('trimprefix(data.mongodbatlas_advanced_cluster.cluster.connection_strings[0].standard_srv, "mongodb+srv://")');
  });

  it('rotates the password by writing a new version when passwordVersion is bumped', () => {
    const rotated = atlasStackWith((input) => (input.infrastructure.atlas.passwordVersion = 2));
    expect(onlyResource(rotated, 'aws_secretsmanager_secret_version').secret_string_wo_version).toBe(2);
  });

  it('takes the user name from config', () => {
    const json = atlasStackWith((input) => (input.infrastructure.atlas.databaseUsername = 'debezium-test'));
    expect(json).toHaveResourceWithProperties(DatabaseUser, { username: 'debezium-test' });
  });

  it('leaves the Atlas API keys to the deployer\'s environment', () => {
    expect(json).toHaveProviderWithProperties(MongodbatlasProvider, {});
    expect(parsed(json).provider.mongodbatlas).toEqual([{}]);
  });
});

describe("atlas stack: its state, which holds the CDC user's password", () => {
  it('the password is stored: the provider these bindings pin has no write-only one for a database user', () => {
    // When the provider gains `password_wo` (mongodb/terraform-provider-mongodbatlas#4621), this test
    // and the data source go, and the state key stops guarding a password.
    expect('passwordWo' in DatabaseUser.prototype).toBe(false);
    expect('password' in DatabaseUser.prototype).toBe(true);
    expect(onlyResource(atlasStack(), 'mongodbatlas_database_user').password).toMatch(/^\$\{jsondecode\(data\.aws_secretsmanager_secret_version\./);
  });

  it('is encrypted with the state key the environment names', () => {
    expect(parsed(atlasStack()).terraform.backend.s3).toMatchObject({ encrypt: true, kms_key_id: 'alias/cdc-terraform-state' });
  });

  it('refuses an S3 backend without one, naming the setting', () => {
    expect(() => atlasStackWith((input) => delete input.infrastructure.stateBackend.kmsKeyId)).toThrow(
      "environment test: infrastructure.stateBackend.kmsKeyId: required by the atlas stack, whose state holds the Atlas CDC user's password (see cdcUserCredentials): give the dedicated state key (got undefined)",
    );
  });
});

describe('atlas stack: network access', () => {
  it('adds the access list entries of a lower environment, and no private endpoint', () => {
    const json = atlasStack();
    expect(json).toHaveResourceWithProperties(ProjectIpAccessList, { cidr_block: '203.0.113.7/32', comment: 'test NAT' });
    expect(json).not.toHaveResource(PrivatelinkEndpoint);
  });

  describe('with a private endpoint', () => {
    const json = atlasStackWith((input) => (input.infrastructure.atlas.network = { kind: 'privateEndpoint' }));

    it('creates the Atlas endpoint in the environment\'s region and no access list', () => {
      expect(json).toHaveResourceWithProperties(PrivatelinkEndpoint, { provider_name: 'AWS', region: 'eu-west-1' });
      expect(json).not.toHaveResource(ProjectIpAccessList);
    });

    it('places an interface endpoint in the VPC\'s subnets', () => {
      expect(json).toHaveResourceWithProperties(VpcEndpoint, {
        vpc_id: 'vpc-0123456789abcdef0',
        vpc_endpoint_type: 'Interface',
        service_name: '${mongodbatlas_privatelink_endpoint.private-endpoint.endpoint_service_name}',
        subnet_ids: ['subnet-00000000000000001', 'subnet-00000000000000002', 'subnet-00000000000000003'],
      });
    });

    it('admits only the Connect workers to the endpoint', () => {
      const rules = resources(json, 'aws_vpc_security_group_ingress_rule');
      expect(rules).toHaveLength(1);
      expect(json).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
        referenced_security_group_id: 'sg-00000000000000101',
        from_port: 1024,
        to_port: 65535,
        ip_protocol: 'tcp',
      });
    });

    it('gives the workers the private endpoint\'s connection string', () => {
      expect(onlyResource(json, 'aws_secretsmanager_secret_version').secret_string_wo).toContain(
        'connection_strings[0].private_endpoint[0].srv_connection_string',
      );
      expect(parsed(json).data.mongodbatlas_advanced_cluster.cluster.depends_on).toEqual([
        'mongodbatlas_privatelink_endpoint_service.private-endpoint-service',
      ]);
    });
  });
});
