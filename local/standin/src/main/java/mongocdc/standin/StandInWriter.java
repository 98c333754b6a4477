package mongocdc.standin;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.bson.Document;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;

/**
 * Applies operations read from stdin, one JSON object (MongoDB extended JSON) per line, with the
 * MongoDB Java driver, and answers each on stdout with one line:
 * <pre>
 *   {"op":"insert","database":"d","collection":"c","document":{...}}
 *   {"op":"update","database":"d","collection":"c","id":"x","set":{...}}
 *   {"op":"replace","database":"d","collection":"c","document":{...}}     (by document._id)
 *   {"op":"delete","database":"d","collection":"c","id":"x"}
 *   {"op":"dropDatabase","database":"d"}                                  (frees the stand-in's memory)
 *   → {"seq":1,"ok":true,"matched":1,"at":1767600000123}   or   {"seq":1,"ok":false,"error":"..."}
 * </pre>
 * {@code at} is the epoch millisecond at which the server acknowledged the write. A failed line is
 * answered and the writer goes on; the caller decides whether to stop.
 */
final class StandInWriter {

    private StandInWriter() {
    }

    static void write(String connectionString, InputStream input, PrintStream output) throws Exception {
        try (MongoClient client = MongoClients.create(connectionString);
             BufferedReader reader = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8))) {
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
            Document operation = Document.parse(line);
            MongoDatabase database = client.getDatabase(requiredString(operation, "database"));
            String op = requiredString(operation, "op");
            if (op.equals("dropDatabase")) {
                database.drop();
                return new Document("seq", seq).append("ok", true).append("matched", 1L).append("at", System.currentTimeMillis()).toJson();
            }
            MongoCollection<Document> collection = database.getCollection(requiredString(operation, "collection"));
            long matched = switch (op) {
                case "insert" -> {
                    collection.insertOne(requiredDocument(operation, "document"));
                    yield 1;
                }
                case "update" -> collection.updateOne(Filters.eq("_id", required(operation, "id")),
                    new Document("$set", requiredDocument(operation, "set"))).getMatchedCount();
                case "replace" -> {
                    Document document = requiredDocument(operation, "document");
                    yield collection.replaceOne(Filters.eq("_id", required(document, "_id")), document).getMatchedCount();
                }
                case "delete" -> collection.deleteOne(Filters.eq("_id", required(operation, "id"))).getDeletedCount();
                default -> throw new IllegalArgumentException("op: must be insert, update, replace, delete or dropDatabase (got " + op + ")");
            };
            return new Document("seq", seq).append("ok", true).append("matched", matched).append("at", System.currentTimeMillis()).toJson();
        } catch (RuntimeException e) {
            return new Document("seq", seq).append("ok", false).append("error", String.valueOf(e.getMessage())).toJson();
        }
    }

    private static Object required(Document document, String field) {
        Object value = document.get(field);
        if (value == null) {
            throw new IllegalArgumentException(field + ": is required");
        }
        return value;
    }

    private static String requiredString(Document document, String field) {
        Object value = required(document, field);
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException(field + ": must be a string (got " + value + ")");
        }
        return text;
    }

    private static Document requiredDocument(Document document, String field) {
        Object value = required(document, field);
        if (!(value instanceof Document nested)) {
            throw new IllegalArgumentException(field + ": must be a document (got " + value + ")");
        }
        return nested;
    }
}
