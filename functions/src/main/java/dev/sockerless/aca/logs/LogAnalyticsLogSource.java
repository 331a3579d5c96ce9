package dev.sockerless.aca.logs;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.policy.FixedDelayOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.monitor.query.LogsQueryClient;
import com.azure.monitor.query.LogsQueryClientBuilder;
import com.azure.monitor.query.models.LogsQueryOptions;
import com.azure.monitor.query.models.LogsQueryResult;
import com.azure.monitor.query.models.LogsQueryResultStatus;
import com.azure.monitor.query.models.LogsTable;
import com.azure.monitor.query.models.LogsTableCell;
import com.azure.monitor.query.models.LogsTableRow;
import com.azure.monitor.query.models.QueryTimeInterval;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.io.Backoff;
import dev.sockerless.aca.logs.ContainerLogsKql.Window;
import dev.sockerless.aca.logs.LogAnalyticsQueries.Deadline;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads container output from Log Analytics with {@code LogsQueryClient.queryWorkspace}.
 * <ul>
 *   <li>Pages by time: each query takes at most {@code pageRows + 1} rows ordered by (line time, ingestion time);
 *   the rows before the last row's time are complete, and the next page starts at that time. A partial result caused
 *   by the service's result-size limit is asked again with a quarter of the rows.</li>
 *   <li>{@code tail=N} (N up to a page) is one query for the last N rows; larger tails read forward and keep the last
 *   N lines, at most {@code maxBufferedBytes} of them (then the source reports a truncation).</li>
 *   <li>Each read (all its pages and retries) and each follow poll has a deadline ({@link #DEFAULT_DEADLINE}: the
 *   Functions host answers an HTTP request for at most 230 s). Every query carries a server timeout
 *   ({@code Prefer: wait=N}, {@link LogsQueryOptions#setServerTimeout}) of what is left of it minus the client's
 *   own 5 s margin, so no query outlives the deadline; the service stops a query at that timeout with a 504.</li>
 *   <li>429, 5xx and transport failures are retried ({@link LogAnalyticsQueries}) with exponential backoff, honouring {@code Retry-After}, while
 *   the deadline leaves room for another query; then, like any other failure, they become a
 *   {@link DockerApiException} naming Log Analytics. A timeout (the server's, the client's, or the deadline) is not
 *   retried: it is a 503 whose message names Log Analytics and the limit that was hit. A partial result carrying
 *   only warnings (a fuzzy union leg whose table does not exist) is a result.</li>
 * </ul>
 */
public final class LogAnalyticsLogSource implements ContainerLogSource {

    /** The service's row limit is 500,000; one row less leaves room for the look-ahead row. */
    public static final int MAX_PAGE_ROWS = 499_999;
    /**
     * By measurement (README, Benchmark): azure-monitor-query 1.5.2 converts a result by indexing a linked list, so
     * its cost per line grows with the page: 74.6 µs a line at 50,000 rows, 32.8 at 20,000, 10.2 at 10,000, 6.0 at
     * 5,000 and 13.2 at 2,000 (fixed costs per query). 10,000 keeps within 2× of the minimum with half the queries
     * of 5,000 (a million lines: 100 queries, under the service's 200 per 30 s).
     */
    public static final int DEFAULT_PAGE_ROWS = 10_000;

    private static final int MIN_PAGE_ROWS = 100;
    /** Legacy rows get {@code TimeGenerated} at ingestion, after the line time: the timespan is widened by this. */
    static final Duration TIMESPAN_BEFORE = Duration.ofMinutes(5);

    static final Duration TIMESPAN_AFTER = Duration.ofHours(1);
    private static final long LINE_OVERHEAD = 64; // frame header and prefixes, for the tail buffer's estimate
    /**
     * How long one read (all pages and retries) or one follow poll may take: 170 s, so that with the workspace
     * lookup and writing the body a {@code docker logs} request answers well inside the Functions host's 230 s
     * (MicrosoftDocs/azure-docs {@code articles/azure-functions/functions-scale.md}, "Timeout"), and below the service's own default query timeout of 3 min.
     */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(170);

    private final LogTable table;
    private final int pageRows;
    private final long maxBufferedBytes;
    private final Clock clock;
    private final LogAnalyticsQueries queries;

    public LogAnalyticsLogSource(
            LogsQueryClient client,
            WorkspaceLocator workspace,
            LogTable table,
            int pageRows,
            long maxBufferedBytes,
            Duration deadline,
            Clock clock,
            Backoff.Sleeper sleeper) {
        this.table = Objects.requireNonNull(table, "table");
        if (pageRows < 1 || pageRows > MAX_PAGE_ROWS) {
            throw new IllegalArgumentException("pageRows must be 1.." + MAX_PAGE_ROWS);
        }
        this.pageRows = pageRows;
        this.maxBufferedBytes = maxBufferedBytes;
        if (deadline.compareTo(LogAnalyticsQueries.CLIENT_TIMEOUT_BUFFER.plusSeconds(1)) < 0) {
            throw new IllegalArgumentException("the deadline must leave at least 1 s of server timeout: " + deadline);
        }
        this.clock = clock;
        this.queries = new LogAnalyticsQueries(
                Objects.requireNonNull(client, "client"),
                Objects.requireNonNull(workspace, "workspace"),
                table,
                deadline,
                clock,
                sleeper);
    }

    /**
     * A query client for {@code endpoint} (the base including {@code /v1}). Over {@code https} it authenticates
     * with {@code credential}; over plain {@code http} (a local stand-in) it sends no credential. The client's own
     * retries are off: this class retries within its budget.
     */
    public static LogsQueryClient client(String endpoint, TokenCredential credential) {
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        LogsQueryClientBuilder builder = new LogsQueryClientBuilder()
                .endpoint(base)
                .retryOptions(new RetryOptions(new FixedDelayOptions(0, Duration.ofMillis(1))))
                .addPolicy(new ResponseCapture());
        if (base.startsWith("https://")) {
            builder.credential(Objects.requireNonNull(credential, "an https endpoint needs a credential"));
        } else if (!base.startsWith("http://")) {
            throw DockerApiException.system(
                    "configuration: SOCKERLESS_LOG_ANALYTICS_ENDPOINT must be an http(s) URL, not '" + endpoint + "'",
                    null);
        }
        return builder.buildClient();
    }

    @Override
    public void read(LogTarget target, LogQuery query, LogSink sink) {
        ContainerLogsKql.checkNames(target);
        if (query.tail() == 0 || query.emptyRange()) {
            return;
        }
        Window window = new Window(query.since().orElse(null), query.until().orElse(null));
        Deadline until = queries.start("logs request");
        if (!query.allLines() && query.tail() <= pageRows) {
            Page page = run(ContainerLogsKql.tail(table, target, query, window, query.tail()), window, until);
            if (!page.tooLarge()) {
                for (LogLine line : page.lines()) {
                    if (!sink.accept(line)) {
                        return;
                    }
                }
                return;
            }
        }
        if (query.allLines()) {
            forward(target, query, window, until, sink::accept);
        } else {
            bufferedTail(target, query, window, until, sink);
        }
    }

    private void bufferedTail(LogTarget target, LogQuery query, Window window, Deadline until, LogSink sink) {
        ArrayDeque<LogLine> last = new ArrayDeque<>();
        long[] bytes = {0};
        boolean[] dropped = {false};
        forward(target, query, window, until, line -> {
            last.addLast(line);
            bytes[0] += line.text().length() + LINE_OVERHEAD;
            while (last.size() > query.tail() || (bytes[0] > maxBufferedBytes && last.size() > 1)) {
                LogLine old = last.removeFirst();
                bytes[0] -= old.text().length() + LINE_OVERHEAD;
                if (last.size() >= query.tail()) {
                    continue; // beyond the tail anyway
                }
                dropped[0] = true;
            }
            return true;
        });
        for (LogLine line : last) {
            if (!sink.accept(line)) {
                return;
            }
        }
        if (dropped[0]) {
            sink.truncated("the last " + query.tail() + " lines exceed the response size limit of " + maxBufferedBytes
                    + " bytes; older lines were left out");
        }
    }

    /** Reads the window oldest first, page by page, until the consumer declines a line. */
    private void forward(
            LogTarget target,
            LogQuery query,
            Window window,
            Deadline until,
            java.util.function.Predicate<LogLine> consumer) {
        Instant from = window.from();
        int limit = pageRows;
        while (true) {
            Window part = new Window(from, window.to());
            Page page = run(ContainerLogsKql.page(table, target, query, part, limit + 1), part, until);
            if (page.tooLarge()) {
                if (limit <= MIN_PAGE_ROWS) {
                    throw DockerApiException.system(
                            "Log Analytics: even " + limit + " log lines exceed the query result size limit", null);
                }
                limit = Math.max(MIN_PAGE_ROWS, limit / 4);
                continue;
            }
            List<LogLine> lines = page.lines();
            if (lines.size() <= limit) {
                for (LogLine line : lines) {
                    if (!consumer.test(line)) {
                        return;
                    }
                }
                return;
            }
            Instant boundary = lines.get(limit).time();
            int complete = 0;
            while (complete < lines.size() && lines.get(complete).time().isBefore(boundary)) {
                complete++;
            }
            if (complete == 0) {
                // more than `limit` lines share one timestamp: widen the page, or give up on that instant
                if (limit < MAX_PAGE_ROWS) {
                    limit = (int) Math.min(MAX_PAGE_ROWS, (long) limit * 4);
                    continue;
                }
                throw DockerApiException.system(
                        "Log Analytics: more than " + limit + " log lines share the timestamp " + boundary, null);
            }
            for (int i = 0; i < complete; i++) {
                if (!consumer.test(lines.get(i))) {
                    return;
                }
            }
            from = boundary;
        }
    }

    /** One query's lines, or the note that the result was cut by the service's size limit. */
    record Page(List<LogLine> lines, boolean tooLarge) {}

    Page run(String kql, Window window, Deadline until) {
        return queries.execute(kql, timespan(window), until, this::page, new Page(List.of(), false));
    }

    /**
     * One follow poll ({@link dev.sockerless.aca.follow.FollowPlan#kql}): the rows with their job, replica, container and ingestion time. Any
     * partial result is a failure here (rows may be missing, and the cursor must not move past them).
     */
    /**
     * {@link ExitCodes}: the exit code Azure logged for the target's container ({@link SystemLogsKql}); a partial
     * result counts as none.
     */
    public Optional<Integer> exitCode(LogTarget target) {
        String kql = SystemLogsKql.exitCodes(target);
        return queries.execute(
                kql,
                null,
                queries.start("exit code"),
                (result, raw) -> {
                    if (result.getQueryResultStatus() != LogsQueryResultStatus.SUCCESS) {
                        QueryProblem problem = raw.body == null ? null : QueryProblem.read(raw.body.toStream());
                        if (problem == null || !problem.onlyWarnings()) {
                            return Optional.<Integer>empty();
                        }
                    }
                    List<SystemLogsKql.Row> rows = new ArrayList<>();
                    for (LogsTable t : result.getAllTables()) {
                        for (LogsTableRow row : t.getRows()) {
                            rows.add(new SystemLogsKql.Row(
                                    cell(row, SystemLogsKql.CONTAINER), cell(row, SystemLogsKql.LINE)));
                        }
                        break; // PrimaryResult only
                    }
                    return SystemLogsKql.exitCode(rows, target.containerName());
                },
                Optional.empty());
    }

    public List<FollowRow> followRows(String kql) {
        return queries.execute(
                kql,
                null,
                queries.start("follow poll"),
                (result, raw) -> {
                    if (result.getQueryResultStatus() != LogsQueryResultStatus.SUCCESS) {
                        QueryProblem problem = raw.body == null ? null : QueryProblem.read(raw.body.toStream());
                        if (problem == null || !problem.onlyWarnings()) {
                            throw DockerApiException.system(
                                    "Log Analytics returned a partial result: "
                                            + (problem != null ? problem.describe() : describe(result)),
                                    null);
                        }
                    }
                    List<FollowRow> rows = new ArrayList<>();
                    for (LogsTable t : result.getAllTables()) {
                        for (LogsTableRow row : t.getRows()) {
                            OffsetDateTime time = row.getColumnValue(ContainerLogsKql.TS)
                                    .map(LogsTableCell::getValueAsDateTime)
                                    .orElse(null);
                            OffsetDateTime ing = row.getColumnValue(ContainerLogsKql.INGESTED)
                                    .map(LogsTableCell::getValueAsDateTime)
                                    .orElse(null);
                            if (time == null || ing == null) {
                                continue;
                            }
                            rows.add(new FollowRow(
                                    time.toInstant(),
                                    ing.toInstant(),
                                    cell(row, ContainerLogsKql.REPLICA),
                                    cell(row, ContainerLogsKql.CONTAINER),
                                    StreamType.ofColumn(cell(row, ContainerLogsKql.STREAM)),
                                    cell(row, ContainerLogsKql.LINE)));
                        }
                        break; // PrimaryResult only
                    }
                    return rows;
                },
                List.of());
    }

    private static String cell(LogsTableRow row, String column) {
        return row.getColumnValue(column).map(LogsTableCell::getValueAsString).orElse("");
    }

    private Page page(LogsQueryResult result, ResponseCapture.Holder raw) {
        if (result.getQueryResultStatus() == LogsQueryResultStatus.PARTIAL_FAILURE) {
            QueryProblem problem = raw.body == null ? null : QueryProblem.read(raw.body.toStream());
            if (problem != null && problem.resultTooLarge()) {
                return new Page(List.of(), true);
            }
            if (problem == null || !problem.onlyWarnings()) {
                throw DockerApiException.system(
                        "Log Analytics returned a partial result: "
                                + (problem != null ? problem.describe() : describe(result)),
                        null);
            }
        } else if (result.getQueryResultStatus() == LogsQueryResultStatus.FAILURE) {
            throw DockerApiException.system("Log Analytics query failed: " + describe(result), null);
        }
        List<LogLine> lines = new ArrayList<>();
        for (LogsTable t : result.getAllTables()) {
            for (LogsTableRow row : t.getRows()) {
                Optional<LogsTableCell> ts = row.getColumnValue(ContainerLogsKql.TS);
                OffsetDateTime time = ts.map(LogsTableCell::getValueAsDateTime).orElse(null);
                if (time == null) {
                    continue;
                }
                String stream = row.getColumnValue(ContainerLogsKql.STREAM)
                        .map(LogsTableCell::getValueAsString)
                        .orElse(null);
                String text = row.getColumnValue(ContainerLogsKql.LINE)
                        .map(LogsTableCell::getValueAsString)
                        .orElse("");
                lines.add(new LogLine(time.toInstant(), StreamType.ofColumn(stream), text));
            }
            break; // PrimaryResult only
        }
        return new Page(lines, false);
    }

    private static String describe(LogsQueryResult result) {
        return result.getError() == null
                ? "no details"
                : result.getError().getCode() + ": " + result.getError().getMessage();
    }

    /**
     * The query's timespan: the line-time bounds widened ({@link #TIMESPAN_BEFORE}, {@link #TIMESPAN_AFTER}) because
     * the service applies it to {@code TimeGenerated}, which on the legacy table is the ingestion time; whole
     * seconds. The KQL filter on the line time is the exact one. Without a lower bound: none.
     */
    @Nullable
    QueryTimeInterval timespan(Window window) {
        if (window.from() == null) {
            return null;
        }
        Instant end = window.to() != null ? window.to() : clock.instant();
        Instant start = window.from().minus(TIMESPAN_BEFORE).truncatedTo(ChronoUnit.SECONDS);
        Instant stop = end.plus(TIMESPAN_AFTER).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        return new QueryTimeInterval(
                OffsetDateTime.ofInstant(start, ZoneOffset.UTC), OffsetDateTime.ofInstant(stop, ZoneOffset.UTC));
    }
}
