package dev.sockerless.aca.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * A Log Analytics query API stand-in (JDK HttpServer): {@code POST /v1/workspaces/{id}/query} and
 * {@code /workspaces/{id}/query}, JSON {@code {"query","timespan"}} in, {@code tables/columns/rows} out, errors as
 * the service shapes them. The KQL is evaluated by {@link Kql} over in-memory rows of both console-log tables; the
 * {@code timespan} is applied to {@code TimeGenerated}. Row and size limits end a result with a PartialError, as the
 * real service does; fuzzy-union legs whose table is missing give a warning PartialError.
 * <p>
 * Schemas, no wider than Azure's (a query naming a column the real table may lack must fail here too):
 * <ul>
 *   <li>{@value #RESOURCE}: exactly the documented columns ({@link #RESOURCE_COLUMNS}).</li>
 *   <li>{@value #LEGACY}: a custom-log table whose columns the Data Collector API creates as rows bring them (the
 *   legacy schema is per workspace: MicrosoftDocs/azure-docs {@code articles/container-apps/log-monitoring.md}), so a column exists only once a row carried it.
 *   Rows may carry only the documented columns ({@link #LEGACY_DOCUMENTED}) and the few reported ones the app
 *   reads through {@code column_ifexists} ({@link #LEGACY_REPORTED}); never the job column
 *   {@code ContainerJobName_s}, which no Microsoft source names.</li>
 * </ul>
 * Timing: {@link #delay} holds every answer back; the service honours the request's server timeout
 * ({@code Prefer: wait=N}, default 3 min) by answering 504 {@code GatewayTimeout} when the query would run
 * longer (Azure Monitor service limits, log queries: "timeout → 504"; the body as the azure-sdk-for-js
 * monitor-query troubleshooting guide, Azure/azure-sdk-for-js#21136, shows it). {@link #ignoreWait} makes it
 * stall past that instead, as a broken network path would.
 */
public final class LogAnalyticsStandIn implements AutoCloseable {

    public static final String LEGACY = "ContainerAppConsoleLogs_CL";
    public static final String RESOURCE = "ContainerAppConsoleLogs";
    /** Columns every table has (Azure Monitor standard columns); the legacy table starts with these. */
    public static final List<String> LEGACY_STANDARD =
            List.of("TimeGenerated", "TenantId", "Type", "SourceSystem", "_ResourceId");
    /**
     * Documented {@value #LEGACY} columns: the migration article's compatibility function
     * {@code ContainerAppConsoleLogsLegacyCompat} (MicrosoftDocs/azure-docs, container-apps log options) projects
     * these; the jobs quickstart ({@code articles/container-apps/jobs-get-started-cli.md}) orders by
     * {@code _timestamp_d}.
     */
    public static final List<String> LEGACY_DOCUMENTED = List.of(
            "ContainerAppName_s",
            "EnvironmentName_s",
            "RevisionName_s",
            "ContainerName_s",
            "ContainerGroupName_s",
            "ContainerImage_s",
            "ContainerGroupId_g",
            "ContainerId_g",
            "Stream_s",
            "Log_s",
            "_timestamp_d");
    /**
     * Reported, not documented: {@code time_t} and {@code logtag_s} in a captured row (bittrance/aztail test
     * fixture); {@code PodName_s} instead of {@code ContainerGroupName_s} on dedicated/GPU workload profiles
     * (microsoft/azure-container-apps#1503).
     */
    public static final List<String> LEGACY_REPORTED = List.of("time_t", "logtag_s", "PodName_s");
    /**
     * The documented {@value #RESOURCE} schema: MicrosoftDocs/azure-reference-other
     * {@code azure-monitor-ref/tables/includes/containerappconsolelogs-include.md}.
     */
    public static final List<String> RESOURCE_COLUMNS = List.of(
            "_BilledSize",
            "ContainerAppName",
            "ContainerGroupId",
            "ContainerGroupName",
            "ContainerId",
            "ContainerImage",
            "ContainerName",
            "EnvironmentName",
            "_IsBillable",
            "JobName",
            "Location",
            "Log",
            "OperationName",
            "_ResourceId",
            "RevisionName",
            "SourceSystem",
            "Stream",
            "_SubscriptionId",
            "TenantId",
            "TimeGenerated",
            "Type");
    /** The system logs tables (exit codes): legacy and resource-specific. */
    public static final String SYSTEM_LEGACY = "ContainerAppSystemLogs_CL";

    public static final String SYSTEM = "ContainerAppSystemLogs";
    /**
     * The documented {@value #SYSTEM} schema: MicrosoftDocs/azure-reference-other
     * {@code azure-monitor-ref/tables/includes/containerappsystemlogs-include.md} (no execution column).
     */
    public static final List<String> SYSTEM_COLUMNS = List.of(
            "_BilledSize",
            "ComponentName",
            "ComponentType",
            "ContainerAppName",
            "ContainerName",
            "Count",
            "EnvironmentName",
            "EventSource",
            "_IsBillable",
            "JobName",
            "Location",
            "Log",
            "OperationName",
            "Reason",
            "ReplicaName",
            "_ResourceId",
            "RevisionName",
            "SourceSystem",
            "_SubscriptionId",
            "TenantId",
            "TimeGenerated",
            "Type");
    /** {@value #SYSTEM_LEGACY} has no authoritative schema; the columns field queries use
     * (microsoft/azure-container-apps issues #1085, #1163). */
    public static final List<String> SYSTEM_LEGACY_REPORTED = List.of(
            "JobName_s",
            "ExecutionName_s",
            "ReplicaName_s",
            "Reason_s",
            "Log_s",
            "ContainerAppName_s",
            "RevisionName_s",
            "Type_s",
            "ContainerName_s");
    /** The service's default server timeout (Azure Monitor service limits: 3 minutes). */
    static final Duration DEFAULT_WAIT = Duration.ofMinutes(3);

    /** A canned failure answered before evaluating (status, Retry-After or null, error body). */
    public record Failure(int status, String retryAfter, String body) {}

    /** A request as received. */
    public record Received(String path, String query, String timespan, String authorization, String prefer) {}

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public final String workspaceId;
    private final HttpServer server;
    private final Map<String, Kql.Table> tables = new LinkedHashMap<>();
    /** Evaluates the queries over {@link #tables}: a page costs O(page), not O(table) ({@link KqlIndex}). */
    private final KqlIndex index = new KqlIndex();

    private final Deque<Failure> failures = new ArrayDeque<>();
    public final List<Received> received = new CopyOnWriteArrayList<>();
    private Instant nextIngestion = Instant.parse("2030-01-01T00:00:00Z");
    public volatile int maxRows = 500_000;
    public volatile long maxBytes = 100L * 1024 * 1024;
    /** How long each query runs before it is answered. */
    public volatile Duration delay = Duration.ZERO;
    /** Stall for {@link #delay} even past the request's server timeout (a path that never answers in time). */
    public volatile boolean ignoreWait;
    /** Runs as each query arrives (tests move a clock with it). */
    public volatile Runnable onQuery = () -> {};

    private final java.util.concurrent.ExecutorService executor =
            java.util.concurrent.Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "log-analytics-stand-in");
                t.setDaemon(true);
                return t;
            });

    public LogAnalyticsStandIn(String workspaceId) throws IOException {
        this.workspaceId = workspaceId;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor); // a delayed answer does not hold up the others, nor close()
        server.start();
    }

    /** The endpoint to configure, including {@code /v1}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    public synchronized void createTable(String name) {
        if (!List.of(LEGACY, RESOURCE, SYSTEM_LEGACY, SYSTEM).contains(name)) {
            throw new IllegalArgumentException("no such Container Apps log table: " + name);
        }
        tables.computeIfAbsent(
                name,
                n -> new Kql.Table(
                        n.endsWith("_CL") ? LEGACY_STANDARD : n.equals(SYSTEM) ? SYSTEM_COLUMNS : RESOURCE_COLUMNS,
                        new ArrayList<>()));
    }

    /** The columns {@code table} has now (the legacy table's grow with the rows). */
    public synchronized List<String> columns(String table) {
        return List.copyOf(tables.get(table).columns());
    }

    /**
     * Adds a row (cells by column name; names the table cannot have are refused), ingested after every earlier
     * row. On the legacy table a cell for a column that does not exist yet creates it, as the Data Collector API
     * does; the rows before get the column's empty value.
     */
    public synchronized void add(String table, Map<String, Object> cells) {
        append(table, cells, null);
    }

    /**
     * Appends a row (ingested at {@code ingested}, else after every earlier row). Rows are only ever appended to a
     * table; a new column replaces the table ({@link KqlIndex} relies on both).
     */
    private void append(String table, Map<String, Object> cells, @Nullable Instant ingested) {
        createTable(table);
        Kql.Table t = tables.get(table);
        for (String k : cells.keySet()) {
            if (t.columns().contains(k)) {
                continue;
            }
            boolean legacyColumn =
                    table.equals(LEGACY) && (LEGACY_DOCUMENTED.contains(k) || LEGACY_REPORTED.contains(k))
                            || table.equals(SYSTEM_LEGACY) && SYSTEM_LEGACY_REPORTED.contains(k);
            if (!legacyColumn) {
                throw new IllegalArgumentException("no column " + k + " in " + table);
            }
            List<String> columns = new ArrayList<>(t.columns());
            columns.add(k);
            List<Kql.Row> rows = new ArrayList<>();
            for (Kql.Row r : t.rows()) {
                Map<String, Object> c = new LinkedHashMap<>(r.cells());
                c.put(k, empty(k));
                rows.add(new Kql.Row(c, r.ingested()));
            }
            t = new Kql.Table(List.copyOf(columns), rows);
            tables.put(table, t);
        }
        Map<String, Object> row = new LinkedHashMap<>();
        t.columns().forEach(c -> row.put(c, empty(c)));
        row.putAll(cells);
        nextIngestion = nextIngestion.plusSeconds(1);
        t.rows().add(new Kql.Row(row, ingested != null ? ingested : nextIngestion));
    }

    /** A cell's value when the row did not carry it: null for datetime and real columns, else "" (strings). */
    private static Object empty(String column) {
        return column.equals("TimeGenerated")
                        || column.endsWith("_d")
                        || column.endsWith("_t")
                        || column.equals("_BilledSize")
                        || column.equals("Count")
                ? null
                : "";
    }

    /**
     * Adds a row with the given ingestion time: a row that becomes visible after rows ingested later (ingestion
     * time is approximate, visibility lags), or out of order.
     */
    public synchronized void add(String table, Map<String, Object> cells, Instant ingested) {
        append(table, cells, ingested);
    }

    public synchronized void fail(Failure f) {
        failures.add(f);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            respond(exchange);
        }
    }

    private void respond(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            String rest = path.startsWith("/v1/") ? path.substring(3) : path;
            if (!exchange.getRequestMethod().equals("POST") || !rest.matches("/workspaces/[^/]+/query")) {
                send(exchange, 404, error("PathNotFoundError", "The requested path does not exist", null));
                return;
            }
            JsonNode body = MAPPER.readTree(exchange.getRequestBody());
            String query = body.path("query").asText(null);
            String timespan =
                    body.hasNonNull("timespan") ? body.path("timespan").asText() : null;
            String prefer = exchange.getRequestHeaders().getFirst("Prefer");
            received.add(new Received(
                    path, query, timespan, exchange.getRequestHeaders().getFirst("Authorization"), prefer));
            onQuery.run();
            if (!delay.isZero()) {
                Duration wait = serverTimeout(prefer);
                if (!ignoreWait && delay.compareTo(wait) > 0) {
                    Thread.sleep(wait.toMillis());
                    send(
                            exchange,
                            504,
                            error(
                                    "GatewayTimeout",
                                    "Gateway timeout",
                                    "{\"code\":\"GatewayTimeout\",\"message\":\"The query ran longer than its server timeout of "
                                            + wait.toSeconds() + " s\"}"));
                    return;
                }
                Thread.sleep(delay.toMillis());
            }
            Failure f;
            synchronized (this) {
                f = failures.poll();
            }
            if (f != null) {
                if (f.retryAfter() != null) {
                    exchange.getResponseHeaders().add("Retry-After", f.retryAfter());
                }
                send(exchange, f.status(), f.body());
                return;
            }
            String id = rest.split("/")[2];
            if (!id.equals(workspaceId)) {
                send(exchange, 404, error("WorkspaceNotFoundError", "Workspace '" + id + "' not found", null));
                return;
            }
            if (query == null) {
                send(exchange, 400, error("BadArgumentError", "The request had some invalid properties", null));
                return;
            }
            send(exchange, 200, evaluate(query, timespan));
        } catch (Kql.KqlException e) {
            send(
                    exchange,
                    400,
                    error(
                            "BadArgumentError",
                            "The request had some invalid properties",
                            "{\"code\":\"SyntaxError\",\"message\":" + MAPPER.writeValueAsString(e.getMessage())
                                    + "}"));
        } catch (RuntimeException e) {
            send(exchange, 500, error("InternalServerError", String.valueOf(e), null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code Prefer: wait=N} (seconds; among other preferences, comma-separated), else the default 3 min. */
    static Duration serverTimeout(String prefer) {
        if (prefer != null) {
            for (String p : prefer.split(",")) {
                String[] kv = p.trim().split("=", 2);
                if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("wait")) {
                    return Duration.ofSeconds(Long.parseLong(kv[1].trim()));
                }
            }
        }
        return DEFAULT_WAIT;
    }

    /** Rows examined by the KQL evaluation so far ({@link KqlIndex#examined}). */
    synchronized long rowsExamined() {
        return index.examined.get();
    }

    private synchronized String evaluate(String query, String timespan) throws IOException {
        Instant[] span = parseTimespan(timespan);
        // the rows the timespan leaves: TimeGenerated in [start, end)
        Kql.Result result = index.run(query, tables, r -> {
            Instant tg = (Instant) r.cells().get("TimeGenerated");
            return span == null || (tg != null && !tg.isBefore(span[0]) && tg.isBefore(span[1]));
        });
        List<Kql.Row> rows = result.rows();
        List<String> problems = new ArrayList<>();
        if (rows.size() > maxRows) {
            rows = rows.subList(0, maxRows);
            problems.add(inner(
                    "Query result set has exceeded the internal record count limit " + maxRows
                            + " (E_QUERY_RESULT_SET_TOO_LARGE; see https://aka.ms/kustoquerylimits)",
                    "Error"));
        }
        long bytes = 0;
        int keep = 0;
        for (Kql.Row r : rows) {
            for (Object v : r.cells().values()) {
                bytes += v == null ? 0 : v.toString().length();
            }
            if (bytes > maxBytes) {
                problems.add(inner(
                        "Query result set has exceeded the internal data size limit " + maxBytes
                                + " (E_QUERY_RESULT_SET_TOO_LARGE; see https://aka.ms/kustoquerylimits)",
                        "Error"));
                break;
            }
            keep++;
        }
        rows = rows.subList(0, keep);
        result.warnings().forEach(w -> problems.add(inner(w, "Warning")));

        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode table = root.putArray("tables").addObject();
        table.put("name", "PrimaryResult");
        ArrayNode columns = table.putArray("columns");
        for (String c : result.columns()) {
            String type = "string";
            for (Kql.Row r : rows) {
                Object v = r.cells().get(c);
                if (v != null) {
                    type = Kql.type(v);
                    break;
                }
            }
            columns.addObject().put("name", c).put("type", type);
        }
        ArrayNode out = table.putArray("rows");
        for (Kql.Row r : rows) {
            ArrayNode row = out.addArray();
            for (String c : result.columns()) {
                Object v = r.cells().get(c);
                if (v == null) {
                    row.addNull();
                } else if (v instanceof Instant i) {
                    row.add(i.toString());
                } else if (v instanceof Double d) {
                    row.add(d);
                } else if (v instanceof Long l) {
                    row.add(l);
                } else {
                    row.add(v.toString());
                }
            }
        }
        if (!problems.isEmpty()) {
            root.set(
                    "error",
                    MAPPER.readTree(
                            "{\"code\":\"PartialError\",\"message\":\"There were some errors when processing your query.\",\"details\":["
                                    + String.join(",", problems) + "]}"));
        }
        return MAPPER.writeValueAsString(root);
    }

    private static String inner(String message, String severity) {
        try {
            return "{\"code\":\"EngineError\",\"message\":\"Something went wrong processing your query on the server.\","
                    + "\"innererror\":{\"code\":\"-2133196797\",\"message\":" + MAPPER.writeValueAsString(message)
                    + ",\"severity\":" + (severity.equals("Warning") ? 3 : 2) + ",\"severityName\":\"" + severity
                    + "\"}}";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant[] parseTimespan(String timespan) {
        if (timespan == null) {
            return null;
        }
        String[] parts = timespan.split("/");
        try {
            if (parts.length == 2) {
                Instant start = OffsetDateTime.parse(parts[0]).toInstant();
                Instant end = parts[1].startsWith("P")
                        ? start.plus(Duration.parse(parts[1]))
                        : OffsetDateTime.parse(parts[1]).toInstant();
                return new Instant[] {start, end};
            }
        } catch (RuntimeException e) {
            // fall through
        }
        throw new Kql.KqlException("invalid timespan '" + timespan + "'");
    }

    public static String error(String code, String message, String innerJson) {
        try {
            return "{\"error\":{\"code\":\"" + code + "\",\"message\":" + MAPPER.writeValueAsString(message)
                    + ",\"correlationId\":\"00000000-0000-0000-0000-000000000000\""
                    + (innerJson == null ? "" : ",\"innererror\":" + innerJson) + "}}";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
