package mongocdc.standin;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;

/**
 * Applies operations read from stdin, one JSON object (canonical extended JSON) per line, with the
 * MongoDB Java driver, and answers each on stdout with one line:
 * <pre>
 *   {"op":"insert","database":"d","collection":"c","document":{...}}
 *   {"op":"update","database":"d","collection":"c","id":&lt;_id&gt;,"set":{...}}
 *   {"op":"replace","database":"d","collection":"c","document":{...}}     (by document._id)
 *   {"op":"delete","database":"d","collection":"c","id":&lt;_id&gt;}
 *   {"op":"dropDatabase","database":"d"}                                  (frees the stand-in's memory)
 *   → {"seq":1,"ok":true,"matched":1,"at":1767600000123}   or   {"seq":1,"ok":false,"error":"..."}
 * </pre>
 * Documents stay {@link BsonDocument}s from the line to the server: no round trip through Java types,
 * which would lose a UUID (Document.parse decodes subtype 4 to java.util.UUID, which the driver then
 * refuses to encode without a uuidRepresentation) or change a type. {@code at} is the epoch
 * millisecond at which the server acknowledged the write. A failed line is answered and the writer
 * goes on; the caller decides whether to stop.
 */
final class StandInWriter {

    private StandInWriter() {
    }

    static void write(String connectionString, InputStream input, PrintStream output) throws Exception {
        try (MongoClient client = MongoClients.create(connectionString);
             BufferedReader reader = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8), 1 << 20)) {
            long seq = 0;
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                seq++;
                output.println(apply(client, seq, line));
                // Answer at once when nothing else waits: the caller measures from this line.
                if (!reader.ready()) {
                    output.flush();
                }
            }
            output.flush();
        }
    }

    private static String apply(MongoClient client, long seq, String line) {
        try {
            BsonDocument operation = BsonDocument.parse(line);
            MongoDatabase database = client.getDatabase(requiredString(operation, "database"));
            String op = requiredString(operation, "op");
            if (op.equals("dropDatabase")) {
                database.drop();
                return answer(seq, 1);
            }
            MongoCollection<BsonDocument> collection = database.getCollection(requiredString(operation, "collection"), BsonDocument.class);
            long matched = switch (op) {
                case "insert" -> {
                    collection.insertOne(requiredDocument(operation, "document"));
                    yield 1;
                }
                case "update" -> collection.updateOne(Filters.eq("_id", required(operation, "id")),
                    new BsonDocument("$set", requiredDocument(operation, "set"))).getMatchedCount();
                case "replace" -> {
                    BsonDocument document = requiredDocument(operation, "document");
                    yield collection.replaceOne(Filters.eq("_id", required(document, "_id")), document).getMatchedCount();
                }
                case "delete" -> collection.deleteOne(Filters.eq("_id", required(operation, "id"))).getDeletedCount();
                default -> throw new IllegalArgumentException("op: must be insert, update, replace, delete or dropDatabase (got " + op + ")");
            };
            return answer(seq, matched);
        } catch (RuntimeException e) {
            return new BsonDocument("seq", new BsonInt64(seq)).append("ok", BsonBoolean.FALSE).append("error", new BsonString(String.valueOf(e.getMessage()))).toJson();
        }
    }

    private static String answer(long seq, long matched) {
        return new BsonDocument("seq", new BsonInt64(seq)).append("ok", BsonBoolean.TRUE).append("matched", new BsonInt64(matched))
            .append("at", new BsonInt64(System.currentTimeMillis())).toJson();
    }

    private static BsonValue required(BsonDocument document, String field) {
        BsonValue value = document.get(field);
        if (value == null) {
            throw new IllegalArgumentException(field + ": is required");
        }
        return value;
    }

    private static String requiredString(BsonDocument document, String field) {
        BsonValue value = required(document, field);
        if (!value.isString()) {
            throw new IllegalArgumentException(field + ": must be a string (got " + value + ")");
        }
        return value.asString().getValue();
    }

    private static BsonDocument requiredDocument(BsonDocument document, String field) {
        BsonValue value = required(document, field);
        if (!value.isDocument()) {
            throw new IllegalArgumentException(field + ": must be a document (got " + value + ")");
        }
        return value.asDocument();
    }
}
