package mongocdc.standin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.AbstractCursor;
import de.bwaldvogel.mongo.backend.Cursor;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.backend.aggregation.Aggregation;
import de.bwaldvogel.mongo.bson.BsonTimestamp;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.oplog.Oplog;

/**
 * The stand-in's oplog: entries in memory, ordered by their timestamp, in place of mongo-java-server's
 * CollectionBackedOplog. That one keeps the oplog as a collection and, on every read of every change
 * stream, scans it whole and sorts it, and looks up each update's full document by scanning the
 * collection, so each read costs more as the oplog grows, and a stream falls behind the writes
 * (bench/standin-oplog.ts). Here a read starts where its cursor stands and stops at its batch size or
 * near {@link #BATCH_BYTES}, and an update's document is found through the _id index.
 *
 * <p>Change events have CollectionBackedOplog's shape (no {@code ns}), except an update's
 * {@code documentKey}: {@code {_id}}, as on MongoDB, where it gave the update itself. Two behaviours
 * are MongoDB's instead of its:
 * <ul>
 *   <li>A stream whose collection had events trimmed ({@link #trimOlderThan}) after its resume point fails
 *   with ChangeStreamHistoryLost (code 286), at the resume and at any later read of a stream that fell
 *   behind the trim. CollectionBackedOplog silently skipped the trimmed events. (MongoDB fails whenever
 *   the oplog has rolled past the point, even when only other collections' entries rolled off; the
 *   stand-in fails only when events of the stream's own collection are gone.)</li>
 *   <li>A drop of the collection before the resume point does not invalidate the stream (a drop of an
 *   earlier run did, with an event Debezium cannot read). A drop after it is a {@code drop} event.</li>
 * </ul>
 */
final class IndexedOplog implements Oplog {

    static final int CHANGE_STREAM_HISTORY_LOST = 286;
    /** A batch ends once its events pass this size: under MongoDB's 16 MiB reply, with room for one more document. */
    static final long BATCH_BYTES = 8L * 1024 * 1024;
    private static final String HISTORY_LOST_MESSAGE =
        "Resume of change stream was not possible, as the resume point may no longer be in the oplog.";

    private final ConcurrentSkipListMap<Long, Document> entries = new ConcurrentSkipListMap<>();
    private final AtomicInteger increment = new AtomicInteger();
    /** Per namespace, the newest timestamp a trim removed: a stream positioned before it has lost events. */
    private final Map<String, Long> newestTrimmed = new ConcurrentHashMap<>();
    private final MongoBackend backend;
    private final CursorRegistry cursorRegistry;
    private final UUID ui = UUID.randomUUID();

    IndexedOplog(MongoBackend backend, CursorRegistry cursorRegistry) {
        this.backend = backend;
        this.cursorRegistry = cursorRegistry;
    }

    @Override
    public void handleInsert(String namespace, List<Document> documents) {
        documents.forEach(document -> append("i", namespace, document.cloneDeeply(), null));
    }

    @Override
    public void handleUpdate(String namespace, Document selector, Document query, List<Object> modifiedIds) {
        modifiedIds.forEach(id -> append("u", namespace, query, new Document("_id", id)));
    }

    @Override
    public void handleDelete(String namespace, Document query, List<Object> deletedIds) {
        deletedIds.forEach(id -> append("d", namespace, new Document("_id", id), null));
    }

    @Override
    public void handleDropCollection(String namespace) {
        append("c", Utils.getDatabaseNameFromFullName(namespace) + ".$cmd",
            new Document("drop", Utils.getCollectionNameFromFullName(namespace)), null);
    }

    /** Removes the entries of whole seconds before {@code cutoff}; returns how many. */
    int trimOlderThan(Instant cutoff) {
        ConcurrentNavigableMap<Long, Document> old = entries.headMap(new BsonTimestamp(cutoff, 0).getValue());
        if (old.isEmpty()) {
            return 0;
        }
        // Recorded before the removal: a reader that misses an entry then sees that it was trimmed.
        old.forEach((ts, entry) -> newestTrimmed.merge(collectionOf(entry), ts, Math::max));
        int removed = old.size();
        old.clear();
        return removed;
    }

    int size() {
        return entries.size();
    }

    @Override
    public Cursor createCursor(Document changeStream, String namespace, Aggregation aggregation) {
        long position = startPosition(changeStream);
        ChangeStreamCursor cursor = new ChangeStreamCursor(cursorRegistry.generateCursorId(), changeStream, namespace, aggregation, position);
        cursor.failIfHistoryLost();
        cursorRegistry.add(cursor);
        return cursor;
    }

    /** The timestamp after which the stream's events start (exclusive). */
    private long startPosition(Document changeStream) {
        Document startAfter = (Document) changeStream.get("startAfter");
        Document resumeAfter = (Document) changeStream.get("resumeAfter");
        if (startAfter != null || resumeAfter != null) {
            String hex = (String) (startAfter != null ? startAfter : resumeAfter).get("_data");
            return Long.parseUnsignedLong(hex, 16);
        }
        BsonTimestamp startAtOperationTime = (BsonTimestamp) changeStream.get("startAtOperationTime");
        if (startAtOperationTime != null) {
            return startAtOperationTime.getValue() - 1;
        }
        return new BsonTimestamp(backend.getClock().instant(), increment.get()).getValue();
    }

    /**
     * Synchronized so that timestamps enter the map in order: a reader that has seen an entry has seen
     * every entry before it, and its position never skips one still to come.
     */
    private synchronized void append(String op, String namespace, Document o, Document o2) {
        BsonTimestamp ts = new BsonTimestamp(backend.getClock().instant(), increment.incrementAndGet());
        Document entry = new Document()
            .append("ts", ts)
            .append("t", 1L)
            .append("h", 0L)
            .append("v", 2L)
            .append("op", op)
            .append("ns", namespace)
            .append("ui", ui)
            .append("wall", backend.getClock().instant())
            .append("o", o);
        if (o2 != null) {
            entry.append("o2", o2);
        }
        entries.put(ts.getValue(), entry);
    }

    /**
     * About the size of a value in BSON: enough to cap a batch well under the driver's 48 MB reply
     * (strings count a byte a character; one of three-byte characters is three times that).
     */
    static long approximateSize(Object value) {
        if (value instanceof Map<?, ?> map) {
            long size = 5;
            for (Map.Entry<?, ?> field : map.entrySet()) {
                size += String.valueOf(field.getKey()).length() + 2 + approximateSize(field.getValue());
            }
            return size;
        }
        if (value instanceof Collection<?> items) {
            long size = 5;
            for (Object item : items) {
                size += 8 + approximateSize(item);
            }
            return size;
        }
        if (value instanceof CharSequence text) {
            return text.length() + 5L;
        }
        if (value instanceof byte[] bytes) {
            return bytes.length + 5L;
        }
        return 16;
    }

    /** The namespace of the collection an entry changes (a drop's is the dropped collection's). */
    private static String collectionOf(Document entry) {
        String namespace = (String) entry.get("ns");
        if (!"c".equals(entry.get("op"))) {
            return namespace;
        }
        return Utils.getDatabaseNameFromFullName(namespace) + "." + ((Document) entry.get("o")).get("drop");
    }

    private Document toChangeEvent(Document entry, Document changeStream) {
        BsonTimestamp ts = (BsonTimestamp) entry.get("ts");
        Document id = new Document("_data", Long.toHexString(ts.getValue()));
        Document o = (Document) entry.get("o");
        String op = (String) entry.get("op");
        if (op.equals("c")) {
            return new Document().append("_id", id).append("operationType", o.keySet().iterator().next()).append("clusterTime", ts);
        }
        Document event = new Document().append("_id", id);
        switch (op) {
            case "i" -> event.append("operationType", "insert").append("fullDocument", o).append("documentKey", new Document("_id", o.get("_id")));
            case "u" -> event.append("operationType", "update").append("fullDocument", updatedDocument(entry, changeStream))
                .append("documentKey", entry.get("o2"));
            case "d" -> event.append("operationType", "delete").append("fullDocument", null).append("documentKey", o);
            default -> throw new IllegalStateException("unknown oplog operation " + op);
        }
        return event.append("clusterTime", ts);
    }

    /** The document as it is now (fullDocument: updateLookup), else the update's $set and $unset. */
    private Document updatedDocument(Document entry, Document changeStream) {
        Document update = (Document) entry.get("o");
        Document delta = new Document();
        for (String operator : new String[] {"$set", "$unset"}) {
            if (update.containsKey(operator)) {
                delta.appendAll((Document) update.get(operator));
            }
        }
        if (!"updateLookup".equals(changeStream.get("fullDocument"))) {
            return delta;
        }
        String namespace = (String) entry.get("ns");
        MongoCollection<?> collection = backend.resolveDatabase(Utils.getDatabaseNameFromFullName(namespace))
            .resolveCollection(Utils.getCollectionNameFromFullName(namespace), false);
        if (collection == null) {
            return delta;
        }
        Object id = ((Document) entry.get("o2")).get("_id");
        return collection.handleQueryAsStream(new Document("_id", id)).findFirst().orElse(delta);
    }

    /** A change stream's cursor: each read starts after the last event it returned. */
    private final class ChangeStreamCursor extends AbstractCursor {
        private final Document changeStream;
        private final String namespace;
        private final Aggregation aggregation;
        private long position;

        ChangeStreamCursor(long id, Document changeStream, String namespace, Aggregation aggregation, long position) {
            super(id);
            this.changeStream = changeStream;
            this.namespace = namespace;
            this.aggregation = aggregation;
            this.position = position;
        }

        @Override
        public boolean isEmpty() {
            return false;
        }

        /**
         * The events after the position, up to {@code numberToReturn} (0: no count) and up to about
         * {@link #BATCH_BYTES} (approximately), as MongoDB caps a batch: a source resuming far behind would otherwise
         * get its whole backlog in one reply, which the driver refuses (over 48 MB). The position then
         * moves past every entry looked at, events or not, so the next read starts where this one stopped.
         */
        @Override
        public List<Document> takeDocuments(int numberToReturn) {
            List<Document> batch = new ArrayList<>();
            long bytes = 0;
            long scanned = position;
            for (Map.Entry<Long, Document> entry : entries.tailMap(position, false).entrySet()) {
                if (numberToReturn > 0 && batch.size() >= numberToReturn || bytes >= BATCH_BYTES) {
                    break;
                }
                scanned = entry.getKey();
                // The collection's own entries, and the drop of it.
                if (collectionOf(entry.getValue()).equals(namespace)) {
                    List<Document> events = aggregation.runStagesAsStream(Stream.of(toChangeEvent(entry.getValue(), changeStream))).toList();
                    for (Document event : events) {
                        bytes += approximateSize(event);
                    }
                    batch.addAll(events);
                }
            }
            failIfHistoryLost();
            position = scanned;
            return batch;
        }

        void failIfHistoryLost() {
            if (newestTrimmed.getOrDefault(namespace, Long.MIN_VALUE) > position) {
                throw new MongoServerError(CHANGE_STREAM_HISTORY_LOST, "ChangeStreamHistoryLost", HISTORY_LOST_MESSAGE);
            }
        }
    }
}
