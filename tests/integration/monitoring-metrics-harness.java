import io.debezium.config.Configuration;
import io.debezium.connector.base.ChangeEventQueueMetrics;
import io.debezium.connector.mongodb.MongoDbTaskContext;
import io.debezium.connector.mongodb.metrics.MongoDbSnapshotChangeEventSourceMetrics;
import io.debezium.connector.mongodb.metrics.MongoDbStreamingChangeEventSourceMetrics;
import io.debezium.pipeline.source.spi.EventMetadataProvider;
import java.lang.reflect.Constructor;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.runtime.ConnectMetrics;
import org.apache.kafka.connect.runtime.standalone.StandaloneConfig;
import org.apache.kafka.connect.util.ConnectorTaskId;

/**
 * Registers the MBeans of a source pipeline with the real classes of the pinned jars, for the
 * monitoring test (tests/integration/monitoring-live.test.ts) to scrape through the real JMX
 * exporter agent: no MongoDB can run here, so no Debezium source task does. Debezium MongoDB's
 * streaming and snapshot metrics (registered exactly as its task registers them: same ObjectName,
 * same MXBean), and Connect's source-task metrics group (as WorkerSourceTask creates it).
 *
 * Usage: java -javaagent:<agent>=<host:port>:<config> -cp <kafka libs>:<debezium plugin> \
 *   monitoring-metrics-harness.java <topic.prefix> <connector name>
 * It prints "registered" and then waits until it is stopped.
 */
public class MonitoringMetricsHarness {
  public static void main(String[] args) throws Exception {
    String topicPrefix = args[0];
    String connector = args[1];
    Configuration config = Configuration.create()
        .with("connector.class", "io.debezium.connector.mongodb.MongoDbConnector")
        .with("name", connector)
        .with("topic.prefix", topicPrefix)
        .with("mongodb.connection.string", "mongodb://127.0.0.1:1/")
        .build();
    MongoDbTaskContext context = new MongoDbTaskContext(config);
    ChangeEventQueueMetrics queue = new ChangeEventQueueMetrics() {
      public int totalCapacity() { return 8192; }
      public int remainingCapacity() { return 8192; }
      public long maxQueueSizeInBytes() { return 0; }
      public long currentQueueSizeInBytes() { return 0; }
    };
    EventMetadataProvider metadata = (EventMetadataProvider) Proxy.newProxyInstance(
        EventMetadataProvider.class.getClassLoader(), new Class<?>[] { EventMetadataProvider.class }, (proxy, method, arguments) -> null);
    new MongoDbStreamingChangeEventSourceMetrics(context, queue, metadata, () -> List.of()).register();
    new MongoDbSnapshotChangeEventSourceMetrics(context, queue, metadata).register();

    StandaloneConfig workerConfig = new StandaloneConfig(Map.of(
        "key.converter", "org.apache.kafka.connect.json.JsonConverter",
        "value.converter", "org.apache.kafka.connect.json.JsonConverter",
        "offset.storage.file.filename", System.getProperty("java.io.tmpdir") + "/monitoring-harness.offsets"));
    ConnectMetrics connectMetrics = new ConnectMetrics("monitoring-harness", workerConfig, Time.SYSTEM, "monitoring-harness-cluster");
    Class<?> group = Class.forName("org.apache.kafka.connect.runtime.AbstractWorkerSourceTask$SourceTaskMetricsGroup");
    Constructor<?> constructor = group.getConstructor(ConnectorTaskId.class, ConnectMetrics.class);
    constructor.setAccessible(true);
    constructor.newInstance(new ConnectorTaskId(connector, 0), connectMetrics);

    System.out.println("registered");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
