import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import {
  DeploymentV1,
  type DeploymentV1SpecStrategy,
  type DeploymentV1SpecTemplateSpecContainer,
  type DeploymentV1SpecTemplateSpecContainerEnv,
  type DeploymentV1SpecTemplateSpecContainerReadinessProbe,
  type DeploymentV1SpecTemplateSpecContainerSecurityContext,
  type DeploymentV1SpecTemplateSpecContainerVolumeMount,
  type DeploymentV1SpecTemplateSpecSecurityContext,
  type DeploymentV1SpecTemplateSpecVolume,
} from '@cdktf/provider-kubernetes/lib/deployment-v1';
import type { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';

/** Pod annotation whose change rolls the pods: ConfigMaps are read only when a container starts. */
export const CONFIG_CHECKSUM_ANNOTATION = 'cdc-platform/config-checksum';

/** A container port, published by the Service under the same name and number. */
export interface WorkloadPort {
  readonly name: string;
  readonly port: number;
}

/** A ConfigMap of the workload, in its namespace and with its labels. */
export interface WorkloadConfigMap {
  /** Construct id of the ConfigMap: its Terraform address, never changed once released. */
  readonly id: string;
  /** The ConfigMap's Kubernetes name. */
  readonly name: string;
  /** Its entries, escaped for Terraform wherever they hold a literal `${` or `%{`. */
  readonly data: Readonly<Record<string, string>>;
}

/** Where the container mounts a volume. */
export interface WorkloadVolumeMount {
  readonly mountPath: string;
  /** Mount one key of the volume as a file. @default the whole volume */
  readonly subPath?: string;
  /** @default writable */
  readonly readOnly?: boolean;
}

/**
 * A volume of the pod and every place the container mounts it (Grafana mounts two keys of one
 * ConfigMap as two files). An empty directory unless it names a ConfigMap or another source.
 */
export interface WorkloadVolume {
  readonly name: string;
  readonly mounts: readonly WorkloadVolumeMount[];
  /** The id of one of the workload's `configMaps`. @default none */
  readonly configMapId?: string;
  /** Any other source (a persistent volume claim, a Secret, a CSI driver), as the provider spells it. @default an empty directory */
  readonly source?: Omit<DeploymentV1SpecTemplateSpecVolume, 'name'>;
}

/** A probe, as the provider spells it (readiness, liveness and startup probes share their shape). */
export type WorkloadProbe = DeploymentV1SpecTemplateSpecContainerReadinessProbe;

export interface WorkloadProbes {
  /** Holds the other probes off while a slow container starts. @default none */
  readonly startup?: WorkloadProbe;
  readonly readiness: WorkloadProbe;
  readonly liveness: WorkloadProbe;
}

export interface WorkloadQuantities {
  readonly cpu: string;
  readonly memory: string;
}

export interface WorkloadResources {
  readonly requests: WorkloadQuantities;
  readonly limits: WorkloadQuantities;
}

export interface HardenedWorkloadProps {
  /**
   * Construct ids of the Deployment and the Service: their Terraform addresses, never changed once
   * released. They are created beside this construct, in its scope (see the class).
   */
  readonly ids: { readonly deployment: string; readonly service: string };
  /** Kubernetes name of the Deployment and the Service. */
  readonly name: string;
  /**
   * The namespace's name, or the NamespaceV1 the stack creates: each resource then refers to it, so
   * that Terraform creates the namespace first.
   */
  readonly namespace: string | NamespaceV1;
  /** Labels of every resource of the workload. */
  readonly labels: Readonly<Record<string, string>>;
  /** Labels that select the pods (Deployment, Service); the Deployment and its pods carry them beside `labels`. */
  readonly selectorLabels: Readonly<Record<string, string>>;
  /** @default 1 */
  readonly replicas?: number;
  /** @default Kubernetes' rolling update */
  readonly strategy?: DeploymentV1SpecStrategy;
  /** Spread the pods over the cluster's zones (best effort). @default false */
  readonly spreadAcrossZones?: boolean;
  /** @default Kubernetes' 30 seconds */
  readonly terminationGracePeriodSeconds?: number;
  /** @default the namespace's default service account */
  readonly serviceAccountName?: string;
  /**
   * The pod mounts its service account's API token (Prometheus discovers pods with it): the pod
   * then leaves the choice to the service account. @default false: the pod refuses the token
   */
  readonly mountsServiceAccountToken?: boolean;
  /** Changes with the configuration the containers read at start, so that a change rolls the pods. @default no annotation */
  readonly configChecksum?: string;
  /** @default `name` */
  readonly containerName?: string;
  readonly image: string;
  /** @default Kubernetes' (IfNotPresent for a pinned tag) */
  readonly imagePullPolicy?: string;
  /** @default the image's */
  readonly args?: readonly string[];
  /** Container ports, each also published by the ClusterIP Service. */
  readonly ports: readonly WorkloadPort[];
  /** @default none */
  readonly env?: readonly DeploymentV1SpecTemplateSpecContainerEnv[];
  /** The id of one of `configMaps` whose entries become the container's environment. @default none */
  readonly environmentConfigMapId?: string;
  readonly resources: WorkloadResources;
  readonly probes: WorkloadProbes;
  /** @default none */
  readonly configMaps?: readonly WorkloadConfigMap[];
  /** @default none */
  readonly volumes?: readonly WorkloadVolume[];
  /** User and group id of the container process: never 0 (root). */
  readonly runAsUser: number;
  /** The pod's fsGroup is the user's group, so that its volumes are writable by it. @default true */
  readonly volumesOwnedByUser?: boolean;
  /** Off only for an image that must write outside its mounted volumes. @default true */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * The container repeats the pod's RuntimeDefault seccomp profile. The pod's profile applies either
   * way; the Connect workers were released without the repetition and the monitoring workloads
   * with it, and changing either rewrites a live pod template. @default true
   */
  readonly containerSeccompProfile?: boolean;
  /**
   * The container states `privileged: false`, Kubernetes' default, as the Connect workers were
   * released stating it. @default false
   */
  readonly explicitlyUnprivileged?: boolean;
  /** @default none */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** The props with every default applied. */
type ResolvedProps = HardenedWorkloadProps & {
  readonly replicas: number;
  readonly spreadAcrossZones: boolean;
  readonly mountsServiceAccountToken: boolean;
  readonly containerName: string;
  readonly env: readonly DeploymentV1SpecTemplateSpecContainerEnv[];
  readonly configMaps: readonly WorkloadConfigMap[];
  readonly volumes: readonly WorkloadVolume[];
  readonly volumesOwnedByUser: boolean;
  readonly readOnlyRootFilesystem: boolean;
  readonly containerSeccompProfile: boolean;
  readonly explicitlyUnprivileged: boolean;
};

function resolveDefaults(props: HardenedWorkloadProps): ResolvedProps {
  return {
    ...props,
    replicas: props.replicas ?? 1,
    spreadAcrossZones: props.spreadAcrossZones ?? false,
    mountsServiceAccountToken: props.mountsServiceAccountToken ?? false,
    containerName: props.containerName ?? props.name,
    env: props.env ?? [],
    configMaps: props.configMaps ?? [],
    volumes: props.volumes ?? [],
    volumesOwnedByUser: props.volumesOwnedByUser ?? true,
    readOnlyRootFilesystem: props.readOnlyRootFilesystem ?? true,
    containerSeccompProfile: props.containerSeccompProfile ?? true,
    explicitlyUnprivileged: props.explicitlyUnprivileged ?? false,
  };
}

/** Every problem of the props at once, each naming the prop and the value received. */
function problemsOf(id: string, resolved: ResolvedProps): string[] {
  const problems: string[] = [];
  // The resources share the construct's scope: their ids must differ from each other and from its own.
  const ids = [id, resolved.ids.deployment, resolved.ids.service, ...resolved.configMaps.map((configMap) => configMap.id)];
  const repeated = [...new Set(ids.filter((each, index) => ids.indexOf(each) !== index))];
  if (repeated.length > 0) problems.push(`ids, configMaps[].id: must differ from each other and from the construct's own id ${JSON.stringify(id)} (got ${repeated.map((each) => JSON.stringify(each)).join(', ')} more than once)`);
  if (!Number.isInteger(resolved.runAsUser) || resolved.runAsUser < 1) problems.push(`runAsUser: must be a non-root user id, a whole number from 1 (got ${resolved.runAsUser})`);
  if (!Number.isInteger(resolved.replicas) || resolved.replicas < 1) problems.push(`replicas: must be a whole number from 1 (got ${resolved.replicas})`);
  if (resolved.ports.length === 0) problems.push('ports: the Service publishes at least one port (got none)');
  if (resolved.mountsServiceAccountToken && !resolved.serviceAccountName) {
    problems.push('mountsServiceAccountToken: needs a serviceAccountName, or the pod mounts the namespace default account\'s token (got true without one)');
  }
  const portNames = resolved.ports.map((port) => port.name);
  for (const [probe, settings] of Object.entries(resolved.probes)) {
    const port = settings?.httpGet?.port;
    if (port !== undefined && !/^\d+$/.test(port) && !portNames.includes(port)) {
      problems.push(`probes.${probe}.httpGet.port: names no port of the container (got ${JSON.stringify(port)}; ports: ${portNames.join(', ') || 'none'})`);
    }
  }
  const configMapIds = resolved.configMaps.map((configMap) => configMap.id);
  const unknownConfigMap = (prop: string, id: string) => `${prop}: no ConfigMap of this workload has that id (got ${JSON.stringify(id)}; configMaps: ${configMapIds.join(', ') || 'none'})`;
  if (resolved.environmentConfigMapId !== undefined && !configMapIds.includes(resolved.environmentConfigMapId)) problems.push(unknownConfigMap('environmentConfigMapId', resolved.environmentConfigMapId));
  resolved.volumes.forEach((volume, index) => {
    if (volume.configMapId !== undefined && !configMapIds.includes(volume.configMapId)) problems.push(unknownConfigMap(`volumes[${index}].configMapId`, volume.configMapId));
    if (volume.configMapId !== undefined && volume.source !== undefined) problems.push(`volumes[${index}] (${volume.name}): give configMapId or source, not both (got both)`);
  });
  return problems;
}

function metadata(props: ResolvedProps, name: string, labels: Readonly<Record<string, string>>) {
  const namespace = typeof props.namespace === 'string' ? props.namespace : props.namespace.metadata.name;
  return { name, namespace, labels: { ...labels } };
}

/** Non-root with the runtime's default seccomp profile, for every container of the pod. */
function podSecurityContext(props: ResolvedProps): DeploymentV1SpecTemplateSpecSecurityContext {
  const id = String(props.runAsUser);
  return {
    runAsNonRoot: true,
    runAsUser: id,
    runAsGroup: id,
    ...(props.volumesOwnedByUser ? { fsGroup: id } : {}),
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** No privilege escalation, no capabilities, non-root, and a read-only root filesystem. */
function containerSecurityContext(props: ResolvedProps): DeploymentV1SpecTemplateSpecContainerSecurityContext {
  return {
    allowPrivilegeEscalation: false,
    ...(props.explicitlyUnprivileged ? { privileged: false } : {}),
    readOnlyRootFilesystem: props.readOnlyRootFilesystem,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    ...(props.containerSeccompProfile ? { seccompProfile: { type: 'RuntimeDefault' } } : {}),
  };
}

function volumeMounts(volumes: readonly WorkloadVolume[]): DeploymentV1SpecTemplateSpecContainerVolumeMount[] {
  return volumes.flatMap((volume) => volume.mounts.map((mount) => ({ name: volume.name, ...mount })));
}

function podVolumes(volumes: readonly WorkloadVolume[], configMaps: Readonly<Record<string, ConfigMapV1>>): DeploymentV1SpecTemplateSpecVolume[] {
  return volumes.map((volume) => {
    if (volume.configMapId !== undefined) return { name: volume.name, configMap: { name: configMaps[volume.configMapId]!.metadata.name } };
    return { name: volume.name, ...(volume.source ?? { emptyDir: {} }) };
  });
}

function container(props: ResolvedProps, configMaps: Readonly<Record<string, ConfigMapV1>>): DeploymentV1SpecTemplateSpecContainer {
  const environmentConfigMap = props.environmentConfigMapId !== undefined ? configMaps[props.environmentConfigMapId] : undefined;
  return {
    name: props.containerName,
    image: props.image,
    ...(props.imagePullPolicy ? { imagePullPolicy: props.imagePullPolicy } : {}),
    ...(props.args ? { args: [...props.args] } : {}),
    port: props.ports.map((port) => ({ name: port.name, containerPort: port.port, protocol: 'TCP' })),
    ...(environmentConfigMap ? { envFrom: [{ configMapRef: { name: environmentConfigMap.metadata.name } }] } : {}),
    ...(props.env.length > 0 ? { env: [...props.env] } : {}),
    resources: { requests: { ...props.resources.requests }, limits: { ...props.resources.limits } },
    ...(props.probes.startup ? { startupProbe: props.probes.startup } : {}),
    readinessProbe: props.probes.readiness,
    livenessProbe: props.probes.liveness,
    securityContext: containerSecurityContext(props),
    ...(props.volumes.length > 0 ? { volumeMount: volumeMounts(props.volumes) } : {}),
  };
}

/**
 * A Deployment and its ClusterIP Service (and the ConfigMaps it reads), hardened once for every
 * workload of the platform: non-root with the runtime's seccomp profile, no privilege escalation,
 * every capability dropped, a read-only root filesystem, readiness and liveness probes, requests
 * and limits, and no service account token unless asked for.
 *
 * Its resources are created in the scope it is given, beside itself, under the ids of `ids` and
 * `configMaps`: the stacks were released with those resources directly under the stack, and a
 * resource moved beneath another construct gets a new Terraform address — destroyed and recreated.
 */
export class HardenedWorkload extends Construct {
  readonly deployment: DeploymentV1;
  readonly service: ServiceV1;
  /** The workload's ConfigMaps by id. */
  readonly configMaps: Readonly<Record<string, ConfigMapV1>>;

  constructor(scope: Construct, id: string, props: HardenedWorkloadProps) {
    super(scope, id);
    const resolved = resolveDefaults(props);
    const problems = problemsOf(id, resolved);
    if (problems.length > 0) throw new Error(problems.map((problem) => `HardenedWorkload ${this.node.path}: ${problem}`).join('\n'));

    this.configMaps = Object.fromEntries(resolved.configMaps.map((configMap) => [configMap.id, this.configMap(scope, resolved, configMap)]));
    this.deployment = this.deploymentOf(scope, resolved);
    this.service = this.serviceOf(scope, resolved);
  }

  private configMap(scope: Construct, props: ResolvedProps, configMap: WorkloadConfigMap): ConfigMapV1 {
    return new ConfigMapV1(scope, configMap.id, {
      metadata: metadata(props, configMap.name, props.labels),
      data: { ...configMap.data },
    });
  }

  private deploymentOf(scope: Construct, props: ResolvedProps): DeploymentV1 {
    const podLabels = { ...props.labels, ...props.selectorLabels };
    return new DeploymentV1(scope, props.ids.deployment, {
      metadata: metadata(props, props.name, podLabels),
      spec: {
        replicas: String(props.replicas),
        selector: { matchLabels: { ...props.selectorLabels } },
        ...(props.strategy ? { strategy: props.strategy } : {}),
        template: {
          metadata: {
            labels: podLabels,
            ...(props.configChecksum ? { annotations: { [CONFIG_CHECKSUM_ANNOTATION]: props.configChecksum } } : {}),
          },
          spec: {
            ...(props.serviceAccountName ? { serviceAccountName: props.serviceAccountName } : {}),
            ...(props.mountsServiceAccountToken ? {} : { automountServiceAccountToken: false }),
            ...(props.terminationGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: props.terminationGracePeriodSeconds } : {}),
            securityContext: podSecurityContext(props),
            ...(props.spreadAcrossZones ? { topologySpreadConstraint: [zoneSpread(props.selectorLabels)] } : {}),
            container: [container(props, this.configMaps)],
            ...(props.volumes.length > 0 ? { volume: podVolumes(props.volumes, this.configMaps) } : {}),
          },
        },
      },
      ...(props.dependsOn ? { dependsOn: [...props.dependsOn] } : {}),
    });
  }

  private serviceOf(scope: Construct, props: ResolvedProps): ServiceV1 {
    return new ServiceV1(scope, props.ids.service, {
      metadata: metadata(props, props.name, props.labels),
      spec: {
        type: 'ClusterIP',
        selector: { ...props.selectorLabels },
        port: props.ports.map((port) => ({ name: port.name, port: port.port, targetPort: port.name, protocol: 'TCP' })),
      },
    });
  }
}

/** One pod per zone where the scheduler can, anywhere when it cannot. */
function zoneSpread(selectorLabels: Readonly<Record<string, string>>) {
  return { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: [{ matchLabels: { ...selectorLabels } }] };
}
