import { Testing } from 'cdktf';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { ConnectStack } from '../../../../stacks/connect-stack';
import { HardenedWorkload, type HardenedWorkloadProps } from '../../../../stacks/constructs/hardened-workload';
import { MonitoringStack, type MonitoringSettingsInput } from '../../../../stacks/monitoring-stack';
import { environment, parsed, resources, synth, type Synthesized } from '../fixtures';

Testing.setupJest();

const required: HardenedWorkloadProps = {
  ids: { deployment: 'web', service: 'web-service' },
  name: 'web',
  namespace: 'apps',
  labels: { 'app.kubernetes.io/part-of': 'test' },
  selectorLabels: { 'app.kubernetes.io/name': 'web' },
  image: 'example/web:1.0.0',
  ports: [{ name: 'http', port: 8080 }],
  resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
  probes: { readiness: { httpGet: { path: '/ready', port: 'http' } }, liveness: { httpGet: { path: '/healthy', port: 'http' } } },
  runAsUser: 1000,
};

function synthWorkload(props: Partial<HardenedWorkloadProps> = {}): string {
  return Testing.synthScope((scope) => {
    new HardenedWorkload(scope, 'workload', { ...required, ...props });
  });
}

/**
 * Properties matched partially at every level of objects, as cdktf's own matcher does without jest:
 * under jest, toHaveResourceWithProperties is partial at the top level only. Arrays keep their length.
 */
function partially(properties: Record<string, unknown>): Record<string, unknown> {
  const partial = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(partial);
    if (value !== null && typeof value === 'object') return expect.objectContaining(partially(value as Record<string, unknown>));
    return value;
  };
  return Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, partial(value)]));
}

const onlyDeployment = (json: string): Synthesized => Object.values(parsed(json).resource.kubernetes_deployment_v1)[0] as Synthesized;

describe('HardenedWorkload: the hardening', () => {
  it('runs the pod as the given non-root user, its volumes owned by the user\'s group, under the runtime\'s seccomp profile', () => {
    // WHEN
    const json = synthWorkload();
    // THEN
    expect(json).toHaveResourceWithProperties(DeploymentV1, partially({
      spec: { template: { spec: { security_context: { run_as_non_root: true, run_as_user: '1000', run_as_group: '1000', fs_group: '1000', seccomp_profile: { type: 'RuntimeDefault' } } } } },
    }));
  });

  it('gives the container no privilege escalation, no capabilities, a read-only root and the seccomp profile by default', () => {
    // WHEN
    const json = synthWorkload();
    // THEN
    expect(json).toHaveResourceWithProperties(DeploymentV1, partially({
      spec: {
        template: {
          spec: {
            container: [
              {
                security_context: {
                  allow_privilege_escalation: false,
                  read_only_root_filesystem: true,
                  run_as_non_root: true,
                  capabilities: { drop: ['ALL'] },
                  seccomp_profile: { type: 'RuntimeDefault' },
                },
              },
            ],
          },
        },
      },
    }));
  });

  it('refuses the service account token by default', () => {
    // WHEN
    const json = synthWorkload();
    // THEN
    expect(json).toHaveResourceWithProperties(DeploymentV1, partially({ spec: { template: { spec: { automount_service_account_token: false } } } }));
  });

  it('leaves the token to its own service account when it needs one', () => {
    // WHEN
    const pod = onlyDeployment(synthWorkload({ serviceAccountName: 'discovery', mountsServiceAccountToken: true })).spec.template.spec;
    // THEN
    expect(pod.service_account_name).toBe('discovery');
    expect(pod.automount_service_account_token).toBeUndefined();
  });

  it('probes readiness and liveness, and startup only when given', () => {
    // GIVEN
    const startup = { httpGet: { path: '/started', port: 'http' }, failureThreshold: 30 };
    // WHEN
    const without = onlyDeployment(synthWorkload()).spec.template.spec.container[0];
    const json = synthWorkload({ probes: { ...required.probes, startup } });
    // THEN
    expect(without.startup_probe).toBeUndefined();
    expect(json).toHaveResourceWithProperties(DeploymentV1, partially({
      spec: {
        template: {
          spec: {
            container: [
              {
                readiness_probe: { http_get: { path: '/ready', port: 'http' } },
                liveness_probe: { http_get: { path: '/healthy', port: 'http' } },
                startup_probe: { http_get: { path: '/started', port: 'http' }, failure_threshold: 30 },
              },
            ],
          },
        },
      },
    }));
  });

  it('requests and limits CPU and memory', () => {
    // WHEN
    const json = synthWorkload();
    // THEN
    expect(json).toHaveResourceWithProperties(DeploymentV1, partially({
      spec: { template: { spec: { container: [{ resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } } }] } } },
    }));
  });

  it('relaxes only what it is told: a writable root, no repeated seccomp profile, `privileged: false` stated', () => {
    // WHEN
    const json = synthWorkload({ readOnlyRootFilesystem: false, containerSeccompProfile: false, explicitlyUnprivileged: true });
    // THEN
    expect(onlyDeployment(json).spec.template.spec.container[0].security_context).toEqual({
      allow_privilege_escalation: false,
      privileged: false,
      read_only_root_filesystem: false,
      run_as_non_root: true,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('leaves the volumes\' group alone when told to', () => {
    // WHEN
    const pod = onlyDeployment(synthWorkload({ volumesOwnedByUser: false })).spec.template.spec;
    // THEN
    expect(pod.security_context).toEqual({ run_as_non_root: true, run_as_user: '1000', run_as_group: '1000', seccomp_profile: { type: 'RuntimeDefault' } });
  });
});

describe('HardenedWorkload: ids and scope', () => {
  it('creates its resources beside itself, under the ids it is given, so that released addresses stay', () => {
    // GIVEN
    let scopePath = '';
    let workload: HardenedWorkload | undefined;
    // WHEN
    const json = parsed(
      Testing.synthScope((scope) => {
        scopePath = scope.node.path;
        workload = new HardenedWorkload(scope, 'workload', { ...required, configMaps: [{ id: 'web-config', name: 'web-config', data: { a: 'b' } }] });
      }),
    );
    // THEN
    expect(Object.keys(json.resource.kubernetes_deployment_v1)).toEqual(['web']);
    expect(Object.keys(json.resource.kubernetes_service_v1)).toEqual(['web-service']);
    expect(Object.keys(json.resource.kubernetes_config_map_v1)).toEqual(['web-config']);
    expect([workload!.deployment, workload!.service, workload!.configMaps['web-config']!].map((resource) => resource.node.path)).toEqual(
      ['web', 'web-service', 'web-config'].map((id) => `${scopePath}/${id}`),
    );
    expect(workload!.node.children).toEqual([]);
  });

  it('refers each resource to a NamespaceV1 it is given', () => {
    // GIVEN
    const json = Testing.synthScope((scope) => {
      const namespace = new NamespaceV1(scope, 'apps', { metadata: { name: 'apps' } });
      // WHEN
      new HardenedWorkload(scope, 'workload', { ...required, namespace });
    });
    // THEN
    const reference = '${kubernetes_namespace_v1.apps.metadata[0].name}';
    expect(json).toHaveResourceWithProperties(DeploymentV1, partially({ metadata: { namespace: reference } }));
    expect(json).toHaveResourceWithProperties(ServiceV1, partially({ metadata: { namespace: reference } }));
  });
});

describe('HardenedWorkload: the Deployment and the Service', () => {
  it('labels every resource, and the Deployment and its pods with the selector labels too', () => {
    // WHEN
    const json = synthWorkload({ configMaps: [{ id: 'web-config', name: 'web-config', data: {} }] });
    // THEN
    const labels = { 'app.kubernetes.io/part-of': 'test' };
    const podLabels = { ...labels, 'app.kubernetes.io/name': 'web' };
    const deployment = resources(json, 'kubernetes_deployment_v1')[0]!;
    expect([deployment.metadata.labels, deployment.spec.template.metadata.labels]).toEqual([podLabels, podLabels]);
    expect(deployment.spec.selector.match_labels).toEqual({ 'app.kubernetes.io/name': 'web' });
    expect([...resources(json, 'kubernetes_service_v1'), ...resources(json, 'kubernetes_config_map_v1')].map((resource) => resource.metadata.labels)).toEqual([labels, labels]);
  });

  it('runs one replica by default', () => {
    // WHEN
    const json = synthWorkload();
    // THEN
    expect(json).toHaveResourceWithProperties(DeploymentV1, partially({ spec: { replicas: '1' } }));
  });

  it('publishes each container port by name on a ClusterIP Service that selects the pods', () => {
    // WHEN
    const json = synthWorkload({ ports: [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9404 }] });
    // THEN
    expect(json).toHaveResourceWithProperties(DeploymentV1, partially({
      spec: { template: { spec: { container: [{ port: [{ name: 'http', container_port: 8080, protocol: 'TCP' }, { name: 'metrics', container_port: 9404, protocol: 'TCP' }] }] } } },
    }));
    expect(json).toHaveResourceWithProperties(ServiceV1, partially({
      spec: {
        type: 'ClusterIP',
        selector: { 'app.kubernetes.io/name': 'web' },
        port: [
          { name: 'http', port: 8080, target_port: 'http', protocol: 'TCP' },
          { name: 'metrics', port: 9404, target_port: 'metrics', protocol: 'TCP' },
        ],
      },
    }));
  });

  it('rolls the pods when the configuration checksum changes', () => {
    // WHEN
    const json = synthWorkload({ configChecksum: 'abc123' });
    // THEN
    expect(json).toHaveResourceWithProperties(DeploymentV1, partially({ spec: { template: { metadata: { annotations: { 'cdc-platform/config-checksum': 'abc123' } } } } }));
  });

  it('spreads the pods over the zones when asked', () => {
    // WHEN
    const json = synthWorkload({ spreadAcrossZones: true });
    // THEN
    expect(json).toHaveResourceWithProperties(DeploymentV1, partially({
      spec: {
        template: {
          spec: {
            topology_spread_constraint: [
              { max_skew: 1, topology_key: 'topology.kubernetes.io/zone', when_unsatisfiable: 'ScheduleAnyway', label_selector: [{ match_labels: { 'app.kubernetes.io/name': 'web' } }] },
            ],
          },
        },
      },
    }));
  });
});

describe('HardenedWorkload: ConfigMaps and volumes', () => {
  const configMaps = [{ id: 'web-config', name: 'web-config', data: { 'web.yaml': 'listen: 8080' } }];

  it('creates its ConfigMaps in its namespace with its labels', () => {
    // WHEN
    const json = synthWorkload({ configMaps });
    // THEN
    expect(json).toHaveResourceWithProperties(ConfigMapV1, partially({
      metadata: { name: 'web-config', namespace: 'apps', labels: { 'app.kubernetes.io/part-of': 'test' } },
      data: { 'web.yaml': 'listen: 8080' },
    }));
  });

  it('mounts one of its ConfigMaps by id, and an empty directory when a volume names no source', () => {
    // WHEN
    const json = synthWorkload({
      configMaps,
      volumes: [
        { name: 'config', configMapId: 'web-config', mounts: [{ mountPath: '/etc/web/web.yaml', subPath: 'web.yaml', readOnly: true }] },
        { name: 'tmp', mounts: [{ mountPath: '/tmp' }] },
      ],
    });
    // THEN
    expect(json).toHaveResourceWithProperties(DeploymentV1, partially({
      spec: {
        template: {
          spec: {
            container: [
              {
                volume_mount: [
                  { name: 'config', mount_path: '/etc/web/web.yaml', sub_path: 'web.yaml', read_only: true },
                  { name: 'tmp', mount_path: '/tmp' },
                ],
              },
            ],
            volume: [
              { name: 'config', config_map: { name: '${kubernetes_config_map_v1.web-config.metadata[0].name}' } },
              { name: 'tmp', empty_dir: {} },
            ],
          },
        },
      },
    }));
  });

  it('takes the container\'s environment from one of its ConfigMaps by id', () => {
    // WHEN
    const json = synthWorkload({ configMaps, environmentConfigMapId: 'web-config' });
    // THEN
    expect(json).toHaveResourceWithProperties(DeploymentV1, partially({
      spec: { template: { spec: { container: [{ env_from: [{ config_map_ref: { name: '${kubernetes_config_map_v1.web-config.metadata[0].name}' } }] }] } } },
    }));
  });
});

describe('HardenedWorkload: invalid props', () => {
  it('reports every problem at once, naming the prop and the value', () => {
    // GIVEN
    const props: Partial<HardenedWorkloadProps> = {
      runAsUser: 0,
      probes: { readiness: { httpGet: { path: '/ready', port: 'htp' } }, liveness: required.probes.liveness },
      volumes: [{ name: 'config', configMapId: 'missing', mounts: [{ mountPath: '/etc/web' }] }],
    };
    // WHEN
    const build = () => synthWorkload(props);
    // THEN
    expect(build).toThrow(
      new RegExp(
        [
          'HardenedWorkload .*workload: runAsUser: must be a non-root user id, a whole number from 1 \\(got 0\\)',
          'HardenedWorkload .*workload: probes\\.readiness\\.httpGet\\.port: names no port of the container \\(got "htp"; ports: http\\)',
          'HardenedWorkload .*workload: volumes\\[0\\]\\.configMapId: no ConfigMap of this workload has that id \\(got "missing"; configMaps: none\\)',
        ].join('\\n'),
      ),
    );
  });

  it('refuses ids that collide in the scope it shares with its resources', () => {
    // WHEN
    const build = () => synthWorkload({ ids: { deployment: 'workload', service: 'web-service' } });
    // THEN
    expect(build).toThrow(/ids, configMaps\[\]\.id: must differ from each other and from the construct's own id "workload" \(got "workload" more than once\)/);
  });

  it('refuses to mount a token without a service account of its own', () => {
    // WHEN
    const build = () => synthWorkload({ mountsServiceAccountToken: true });
    // THEN
    expect(build).toThrow(/mountsServiceAccountToken: needs a serviceAccountName, .*\(got true without one\)/);
  });
});

describe('every workload of the connect and monitoring stacks is hardened', () => {
  // GIVEN
  const settings: MonitoringSettingsInput = {
    receiver: { kind: 'slack', channel: '#cdc-alerts', webhookUrlSecret: { name: 'alertmanager-slack', key: 'webhook-url' } },
    grafana: { adminSecret: { name: 'grafana-admin', userKey: 'user', passwordKey: 'password' } },
  };
  // WHEN
  const connect = synth((app) => new ConnectStack(app, 'connect-test', { environment: environment() }));
  const monitoring = synth((app) => new MonitoringStack(app, 'monitoring-test', { environment: environment(), settings }));
  const workloads = [...resources(connect, 'kubernetes_deployment_v1'), ...resources(monitoring, 'kubernetes_deployment_v1')].map(
    (deployment) => [deployment.metadata.name as string, deployment] as const,
  );

  it('covers the Connect workers and their supervisor, Prometheus, Alertmanager and Grafana', () => {
    // THEN
    expect(workloads.map(([name]) => name).sort()).toEqual(['alertmanager', 'grafana', 'kafka-connect', 'kafka-connect-supervisor', 'prometheus']);
  });

  it.each(workloads)('%s: a non-root pod under the runtime\'s seccomp profile', (_name, deployment) => {
    // THEN
    expect(deployment.spec.template.spec.security_context).toMatchObject({ run_as_non_root: true, seccomp_profile: { type: 'RuntimeDefault' } });
  });

  it.each(workloads)('%s: containers non-root, read-only, unescalated, every capability dropped', (_name, deployment) => {
    // THEN
    for (const container of deployment.spec.template.spec.container) {
      expect(container.security_context).toMatchObject({ run_as_non_root: true, read_only_root_filesystem: true, allow_privilege_escalation: false, capabilities: { drop: ['ALL'] } });
    }
  });

  it.each(workloads)('%s: containers probed for readiness and liveness, with requests and limits', (_name, deployment) => {
    // THEN
    for (const container of deployment.spec.template.spec.container) {
      for (const probe of [container.readiness_probe, container.liveness_probe]) {
        // An HTTP GET, or (the Connect workers: /health behind TLS and Basic authentication) a command.
        if (probe.http_get) expect(probe.http_get).toEqual({ path: expect.any(String), port: expect.any(String) });
        else expect(probe.exec.command).toEqual(['/bin/sh', '-c', expect.stringMatching(/^.+\/health$/)]);
      }
      expect(container.resources).toEqual({ requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: { cpu: expect.any(String), memory: expect.any(String) } });
    }
  });
});
