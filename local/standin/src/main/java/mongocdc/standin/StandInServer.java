package mongocdc.standin;

import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.bson.BsonTimestamp;
import org.bson.Document;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * mongo-java-server with its oplog on (change streams need it; it is off by default), bound to
 * 127.0.0.1 only. Its change streams scan the whole oplog on every getMore, so the oplog is trimmed
 * to a retention window, as a capped oplog would be: a connector stopped for longer than the window
 * misses events (unlike MongoDB, the stand-in does not report a lost resume token).
 */
final class StandInServer {

    static final int DEFAULT_OPLOG_RETENTION_SECONDS = 60;
    private static final String HOST = "127.0.0.1";
    private static final long TRIM_EVERY_SECONDS = 5;

    private StandInServer() {
    }

    static void serve(int port, int oplogRetentionSeconds) throws InterruptedException {
        MongoServer server = new MongoServer(new MemoryBackend());
        server.enableOplog();
        server.bind(HOST, port);
        String connectionString = "mongodb://" + HOST + ":" + port;
        MongoClient trimmer = MongoClients.create(connectionString);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        scheduler.scheduleWithFixedDelay(() -> trimOplog(trimmer, oplogRetentionSeconds), TRIM_EVERY_SECONDS, TRIM_EVERY_SECONDS, TimeUnit.SECONDS);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            scheduler.shutdownNow();
            trimmer.close();
            server.shutdownNow();
            log("stopped");
        }));
        log("mongo-java-server (a MongoDB STAND-IN, in memory, not MongoDB) listening on " + connectionString
            + ", oplog on, retention " + oplogRetentionSeconds + " s");
        Thread.currentThread().join();
    }

    private static void trimOplog(MongoClient client, int retentionSeconds) {
        try {
            int cutoff = (int) (Instant.now().getEpochSecond() - retentionSeconds);
            long removed = client.getDatabase("local").getCollection("oplog.rs", Document.class)
                .deleteMany(Filters.lt("ts", new BsonTimestamp(cutoff, 0))).getDeletedCount();
            if (removed > 0) {
                log("oplog trimmed: " + removed + " entries older than " + retentionSeconds + " s");
            }
        } catch (RuntimeException e) {
            log("oplog trim failed: " + e);
        }
    }

    static void log(String message) {
        System.out.println("[" + Instant.now() + "] " + message);
        System.out.flush();
    }
}
