package mongocdc.standin;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The local MongoDB stand-in's entry point. NOT MongoDB: mongo-java-server, an in-memory emulator
 * (standalone, change streams on single collections, non-standard change events). See README.
 *
 * <pre>
 *   serve --port 27018 [--oplog-retention-seconds 300]   the server, loopback only, oplog on
 *         [--oplog mongo-java-server]                    its own oplog instead of the stand-in's (bench/standin-oplog.ts's baseline)
 *   write --connection-string mongodb://127.0.0.1:27018  operations from stdin (one JSON per line)
 * </pre>
 */
public final class MongoStandIn {

    private MongoStandIn() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage("a mode is required (serve or write)");
        }
        Map<String, String> options = parseOptions(Arrays.copyOfRange(args, 1, args.length));
        switch (args[0]) {
            case "serve" -> StandInServer.serve(
                requiredPort(options, "--port"),
                optionalPositiveInt(options, "--oplog-retention-seconds", StandInServer.DEFAULT_OPLOG_RETENTION_SECONDS),
                oplogKind(options.getOrDefault("--oplog", "indexed")));
            case "write" -> StandInWriter.write(required(options, "--connection-string"), System.in, System.out);
            default -> usage("unknown mode " + args[0]);
        }
    }

    private static Map<String, String> parseOptions(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                usage("expected --<option> <value> pairs (got " + String.join(" ", args) + ")");
            }
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            usage(name + " is required");
        }
        return value;
    }

    private static int requiredPort(Map<String, String> options, String name) {
        int port = parseInt(name, required(options, name));
        if (port < 1 || port > 65_535) {
            usage(name + " must be from 1 to 65535 (got " + port + ")");
        }
        return port;
    }

    private static int optionalPositiveInt(Map<String, String> options, String name, int fallback) {
        String raw = options.get(name);
        if (raw == null) {
            return fallback;
        }
        int value = parseInt(name, raw);
        if (value < 1) {
            usage(name + " must be at least 1 (got " + value + ")");
        }
        return value;
    }

    private static boolean oplogKind(String raw) {
        return switch (raw) {
            case "indexed" -> true;
            case "mongo-java-server" -> false;
            default -> {
                usage("--oplog must be indexed or mongo-java-server (got " + raw + ")");
                yield true;
            }
        };
    }

    private static int parseInt(String name, String raw) {
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            usage(name + " must be a whole number (got " + raw + ")");
            return 0;
        }
    }

    static void usage(String problem) {
        System.err.println("mongodb stand-in: " + problem);
        System.err.println("usage: serve --port <port> [--oplog-retention-seconds <s>] [--oplog indexed|mongo-java-server] | write --connection-string <uri>");
        System.exit(2);
    }
}
