package mongocdc.standin;

import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.oplog.Oplog;

/**
 * mongo-java-server with an oplog (change streams need it; it is off by default), bound to 127.0.0.1
 * only. The oplog is the stand-in's own {@link IndexedOplog}, trimmed to a retention window as a capped
 * oplog would be: a connector stopped for longer than the window fails with ChangeStreamHistoryLost,
 * as on MongoDB, instead of missing events.
 */
final class StandInServer {

    /**
     * Five minutes: a source that fell behind at 1,000 writes/s and then lost its worker for a while
     * still resumes (MongoDB's oplog window is hours; each entry here is a document in the heap).
     */
    static final int DEFAULT_OPLOG_RETENTION_SECONDS = 300;
    private static final String HOST = "127.0.0.1";
    private static final long TRIM_EVERY_SECONDS = 5;

    private StandInServer() {
    }

    /**
     * {@code indexedOplog} false: mongo-java-server's own CollectionBackedOplog, untrimmed, only as the
     * baseline of bench/standin-oplog.ts.
     */
    static void serve(int port, int oplogRetentionSeconds, boolean indexedOplog) throws InterruptedException {
        Backend backend = new Backend(indexedOplog);
        MongoServer server = new MongoServer(backend);
        server.enableOplog();
        server.bind(HOST, port);
        String connectionString = "mongodb://" + HOST + ":" + port;
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        if (indexedOplog) {
            scheduler.scheduleWithFixedDelay(() -> trimOplog(backend.oplog, oplogRetentionSeconds), TRIM_EVERY_SECONDS, TRIM_EVERY_SECONDS, TimeUnit.SECONDS);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            scheduler.shutdownNow();
            server.shutdownNow();
            log("stopped");
        }));
        log("mongo-java-server (a MongoDB STAND-IN, in memory, not MongoDB) listening on " + connectionString
            + (indexedOplog ? ", oplog on, retention " + oplogRetentionSeconds + " s" : ", mongo-java-server's own oplog (CollectionBackedOplog), never trimmed"));
        Thread.currentThread().join();
    }

    private static void trimOplog(IndexedOplog oplog, int retentionSeconds) {
        try {
            int removed = oplog.trimOlderThan(Instant.now().minusSeconds(retentionSeconds));
            if (removed > 0) {
                log("oplog trimmed: " + removed + " entries older than " + retentionSeconds + " s (" + oplog.size() + " kept)");
            }
        } catch (RuntimeException e) {
            log("oplog trim failed: " + e);
        }
    }

    /** mongo-java-server's in-memory backend with the stand-in's oplog in place of CollectionBackedOplog. */
    private static final class Backend extends MemoryBackend {
        private final boolean indexed;
        private IndexedOplog oplog;

        Backend(boolean indexed) {
            this.indexed = indexed;
        }

        @Override
        protected Oplog createOplog() {
            // The parent's creates local.oplog.rs (left empty by IndexedOplog). Without the `local`
            // database an empty stand-in lists no database, and Debezium's validation then refuses the
            // connector ("User doesn't have rights to list databases").
            Oplog own = super.createOplog();
            if (!indexed) {
                return own;
            }
            oplog = new IndexedOplog(this, getCursorRegistry());
            return oplog;
        }
    }

    static void log(String message) {
        System.out.println("[" + Instant.now() + "] " + message);
        System.out.flush();
    }
}
