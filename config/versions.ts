/**
 * The one list of pinned versions. `local/pom.xml` receives these as Maven properties
 * (see local/install.ts), the connect stack builds its image tag from them, and the
 * catalog's generated plugin definitions record which plugin versions they were read from.
 *
 * Kafka 4.1.1 with Debezium 3.5.0.Final: Debezium 3.5 is built against Kafka 4.1.1
 * (`version.kafka` in debezium-build-parent 3.5.0.Final), a known-good pair.
 */
export const versions = {
  kafka: '4.1.1',
  debezium: '3.5.0.Final',
  mongoKafkaConnect: '2.0.1',
  postgresqlJdbc: '42.7.7',
  jmxExporter: '1.0.1',
  log4j: '2.24.3',
  /** The local MongoDB stand-in (local/standin): an in-memory emulator, not MongoDB. */
  mongoJavaServer: '1.47.0',
  /** The stand-in's writer; the driver that Debezium 3.5.0.Final's MongoDB plugin bundles. */
  mongodbDriver: '5.6.2',
  /** The Connect worker image that carries the plugins above (built by the platform team's image pipeline). */
  connectImage: 'quay.io/debezium/connect:3.5.0.Final',
  /** The Terraform that plans and applies the stacks in the workflows (`TERRAFORM_VERSION` in .github/workflows/stacks.yml, drift.yml and ci.yml, held to this by tests); the stacks need ≥ 1.11. */
  terraform: '1.11.4',
  /** The monitoring stack's images. */
  monitoringImages: {
    prometheus: 'prom/prometheus:v2.53.4',
    alertmanager: 'prom/alertmanager:v0.28.1',
    grafana: 'grafana/grafana:11.6.0',
  },
} as const;

export type Versions = typeof versions;
