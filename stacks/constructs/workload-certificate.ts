import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ephemeralRandomPassword } from './generated-secret';

export interface WorkloadCertificateProps {
  /** The workload's name: its Service's, and the prefix of every object here (`<name>-rest-tls`, …). */
  readonly name: string;
  /** The namespace the workload, its Service and these objects live in. */
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** What the namespace's creation is; the objects wait for it. @default none */
  readonly dependsOn?: readonly ITerraformDependable[];
  /** The server certificate's lifetime; cert-manager renews it `renewBefore` ahead. @default '8760h' (a year) */
  readonly duration?: string;
  /** @default '720h' (30 days) */
  readonly renewBefore?: string;
  /** Bump to write a new keystore password (it only guards the keystore, which sits beside it). @default 1 */
  readonly keystorePasswordVersion?: number;
}

/** The files of the certificate's Secret a Java server reads: cert-manager's PKCS12 keystore and truststore, and the CA alone. */
export const CERTIFICATE_FILES = { keystore: 'keystore.p12', truststore: 'truststore.p12', ca: 'ca.crt' } as const;

/** The key of the keystore password's Secret. */
export const KEYSTORE_PASSWORD_KEY = 'password';

const CERT_MANAGER_API = 'cert-manager.io/v1';

/**
 * A TLS certificate for a workload's ClusterIP Service, issued in the cluster by cert-manager from a
 * CA of the workload's own (a self-signed root in its namespace, which issues nothing else): no
 * private key ever passes through Terraform, its plan or its state. The certificate's Secret holds
 * a PKCS12 keystore and truststore (what a JVM's TLS reads) beside the PEM files; their password is
 * generated when Terraform runs and written write-only (`data_wo`, Terraform 1.11) into a Secret of
 * its own, so the state holds the Secret's name and never its data. The truststore holds only the
 * workload's CA: a peer whose chain verifies against it holds the workload's key.
 *
 * Needs cert-manager in the cluster (its CRDs at plan time, as kubernetes_manifest reads them). A
 * Java server reads its keystore when it starts: restart it within `renewBefore` of each renewal.
 */
export class WorkloadCertificate extends Construct {
  /** The Secret cert-manager writes the certificate, its key, the CA and the PKCS12 stores to. */
  readonly secretName: string;
  /** The Secret holding the stores' password under KEYSTORE_PASSWORD_KEY. */
  readonly keystorePasswordSecretName: string;
  /** The DNS names the certificate carries: the Service's, short and qualified. */
  readonly dnsNames: readonly string[];
  /** The objects the workload must wait for. */
  readonly issued: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: WorkloadCertificateProps) {
    super(scope, id);
    const { name, namespace } = props;
    this.secretName = `${name}-rest-tls`;
    this.keystorePasswordSecretName = `${name}-rest-keystore-password`;
    this.dnsNames = [name, `${name}.${namespace}`, `${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`];
    const password = this.keystorePassword(props);
    const ca = this.certificateAuthority(props);
    const certificate = this.serverCertificate(props, ca, password);
    this.issued = [password, certificate];
  }

  private manifest(id: string, props: WorkloadCertificateProps, kind: string, objectName: string, spec: Record<string, unknown>, dependsOn: readonly ITerraformDependable[]): Manifest {
    return new Manifest(this, id, {
      manifest: { apiVersion: CERT_MANAGER_API, kind, metadata: { name: objectName, namespace: props.namespace, labels: { ...props.labels } }, spec },
      dependsOn: [...(props.dependsOn ?? []), ...dependsOn],
    });
  }

  /** The stores' password: generated when Terraform runs, written write-only, never in the plan or the state. */
  private keystorePassword(props: WorkloadCertificateProps): SecretV1 {
    return new SecretV1(this, 'keystore-password', {
      metadata: { name: this.keystorePasswordSecretName, namespace: props.namespace, labels: { ...props.labels } },
      type: 'Opaque',
      dataWo: { [KEYSTORE_PASSWORD_KEY]: ephemeralRandomPassword(this) },
      dataWoRevision: props.keystorePasswordVersion ?? 1,
      ...(props.dependsOn ? { dependsOn: [...props.dependsOn] } : {}),
    });
  }

  /** A self-signed root of the workload's own (ten years, ECDSA P-256) and the Issuer that signs with it. */
  private certificateAuthority(props: WorkloadCertificateProps): Manifest {
    const selfSigned = this.manifest('self-signed-issuer', props, 'Issuer', `${props.name}-rest-self-signed`, { selfSigned: {} }, []);
    const caSecret = `${props.name}-rest-ca`;
    const root = this.manifest(
      'ca-certificate',
      props,
      'Certificate',
      caSecret,
      {
        isCA: true,
        commonName: `${props.name} REST API CA (${props.namespace})`,
        secretName: caSecret,
        duration: '87600h',
        privateKey: { algorithm: 'ECDSA', size: 256 },
        issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: `${props.name}-rest-self-signed` },
      },
      [selfSigned],
    );
    return this.manifest('ca-issuer', props, 'Issuer', caSecret, { ca: { secretName: caSecret } }, [root]);
  }

  /** The Service's certificate, with the PKCS12 keystore and truststore a JVM reads. */
  private serverCertificate(props: WorkloadCertificateProps, caIssuer: Manifest, password: SecretV1): Manifest {
    return this.manifest(
      'certificate',
      props,
      'Certificate',
      this.secretName,
      {
        secretName: this.secretName,
        dnsNames: [...this.dnsNames],
        duration: props.duration ?? '8760h',
        renewBefore: props.renewBefore ?? '720h',
        usages: ['server auth', 'client auth', 'digital signature'],
        privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
        issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: `${props.name}-rest-ca` },
        keystores: { pkcs12: { create: true, profile: 'Modern2023', passwordSecretRef: { name: this.keystorePasswordSecretName, key: KEYSTORE_PASSWORD_KEY } } },
      },
      [caIssuer, password],
    );
  }
}
