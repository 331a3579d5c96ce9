package dev.sockerless.aca.logs;

import dev.sockerless.aca.containers.Execution;
import dev.sockerless.aca.errors.DockerApiException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Builds the KQL of a logs query. Nothing from a request reaches the text unchecked: names are validated against
 * ACA's naming rules and emitted as verbatim literals ({@link #literal}); datetimes are formatted here from
 * {@link Instant}s; everything else is constant. Both tables are projected to the same columns:
 * {@code ts} (line time), {@code ing} (ingestion time), {@code replica}, {@code container}, {@code stream},
 * {@code line}; only documented columns identify what a row belongs to (and the reported {@code PodName_s}).
 */
public final class ContainerLogsKql {

    /** Output columns. */
    public static final String TS = "ts";

    public static final String INGESTED = "ing";
    public static final String STREAM = "stream";
    public static final String LINE = "line";
    public static final String REPLICA = "replica";
    public static final String CONTAINER = "container";

    /** Job names: lowercase letters, digits and '-', a letter first, a letter or digit last, no "--", 2–32. */
    private static final Pattern JOB = Pattern.compile("[a-z][a-z0-9-]{0,30}[a-z0-9]");
    /** Execution names ({@code <job>-<suffix>}) and template container names: a DNS label. */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private static final DateTimeFormatter KUSTO_DATETIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final long NANOS_PER_TICK = 100;

    private ContainerLogsKql() {}

    /** Which time window, streams and row limit a query covers. {@code from}/{@code to} inclusive, may be null. */
    public record Window(@Nullable Instant from, @Nullable Instant to) {
        public static final Window UNBOUNDED = new Window(null, null);
    }

    /** The lines of a window in order, at most {@code limit} of them (the first ones). */
    public static String page(LogTable table, LogTarget target, LogQuery query, Window window, int limit) {
        return rows(table, "") + "\n| where " + ofTarget(target) + filters(query, window)
                + "\n| order by " + TS + " asc, " + INGESTED + " asc"
                + "\n| take " + positive(limit);
    }

    /** The last {@code count} lines of a window, in chronological order. */
    public static String tail(LogTable table, LogTarget target, LogQuery query, Window window, int count) {
        return rows(table, "") + "\n| where " + ofTarget(target) + filters(query, window)
                + "\n| order by " + TS + " desc, " + INGESTED + " desc"
                + "\n| take " + positive(count)
                + "\n| order by " + TS + " asc, " + INGESTED + " asc";
    }

    /**
     * The console-log rows of {@code table} (both tables for {@code auto}, in a fuzzy union that drops a leg whose
     * table does not exist), each projected to the same columns: {@link #TS}, {@link #INGESTED}, {@link #REPLICA},
     * {@link #CONTAINER}, {@link #STREAM}, {@link #LINE}. {@code scan} is applied to each table before the
     * projection (a {@code TimeGenerated} bound, or empty). No job column is read: Azure does not say what
     * {@code JobName} holds for an ACA job, and {@code ContainerJobName_s} is in no Microsoft source; the replica
     * name identifies the execution ({@link #ofTarget}).
     */
    public static String rows(LogTable table, String scan) {
        return switch (table) {
            case LEGACY -> legacy(scan);
            case RESOURCE_SPECIFIC -> resourceSpecific(scan);
            case AUTO -> "union isfuzzy=true\n(" + legacy(scan) + "),\n(" + resourceSpecific(scan) + ")";
        };
    }

    /**
     * {@code ContainerAppConsoleLogs_CL}: its columns are created per workspace by the Data Collector API, so the
     * ones a workspace may lack go through {@code column_ifexists}. Documented (MicrosoftDocs/azure-docs
     * {@code articles/container-apps/log-options.md}, the compatibility function): {@code ContainerName_s},
     * {@code ContainerGroupName_s}, {@code Stream_s}, {@code Log_s}; the jobs quickstart
     * ({@code articles/container-apps/jobs-get-started-cli.md}) orders by {@code _timestamp_d}. Dedicated/GPU
     * workload profiles have been reported to write the replica name to {@code PodName_s} instead of
     * {@code ContainerGroupName_s} (microsoft/azure-container-apps#1503): the replica is whichever of the two is set
     * ({@code coalesce} skips empty strings). Line time = the runtime's {@code _timestamp_d} (epoch seconds, µs),
     * else {@code time_t}, else {@code TimeGenerated} (set at ingestion, later than the line).
     */
    static String legacy(String scan) {
        return LogTable.LEGACY.settingValue() + scan
                + "\n| project " + TS
                + " = coalesce(unixtime_microseconds_todatetime(round(column_ifexists('_timestamp_d', real(null)) * 1000000)),"
                + " column_ifexists('time_t', datetime(null)), TimeGenerated),"
                + " " + INGESTED + " = ingestion_time(),"
                + " " + REPLICA
                + " = coalesce(column_ifexists('ContainerGroupName_s', ''), column_ifexists('PodName_s', '')),"
                + " " + CONTAINER + " = ContainerName_s,"
                + " " + STREAM + " = column_ifexists('Stream_s', ''),"
                + " " + LINE + " = Log_s";
    }

    /**
     * {@code ContainerAppConsoleLogs}: the documented resource-specific schema (MicrosoftDocs/azure-reference-other
     * {@code azure-monitor-ref/tables/includes/containerappconsolelogs-include.md}): {@code ContainerGroupName} is
     * "the name of the container's pod (Container App replica)", {@code ContainerName} the container. No
     * {@code PodName} variant is documented or reported for this table.
     */
    static String resourceSpecific(String scan) {
        return LogTable.RESOURCE_SPECIFIC.settingValue() + scan
                + "\n| project " + TS + " = TimeGenerated, " + INGESTED + " = ingestion_time(), "
                + REPLICA + " = ContainerGroupName, " + CONTAINER + " = ContainerName, "
                + STREAM + " = Stream, " + LINE + " = Log";
    }

    /**
     * The predicate selecting one execution's main container over {@link #rows}: a replica of the execution
     * ({@code ContainerGroupName} starting with {@code <execution>-}: Microsoft's jobs quickstart, MicrosoftDocs/azure-docs
     * {@code articles/container-apps/jobs-get-started-cli.md}, finds an execution's lines by its replica names) and
     * the container's name. The dash keeps {@code sl-a-…-k2m4p7q} from matching a longer execution name; nothing more is assumed about
     * the replica suffix (Kubernetes names a job's pods {@code <job>-<random>}, and indexed jobs
     * {@code <job>-<index>-<random>}). Another job named {@code <execution>-…} would share the prefix, but no job
     * sockerless creates can be: its names end in 12 hex digits ({@code JobNames}), an execution name in
     * {@code -<7 characters>}.
     */
    public static String ofTarget(LogTarget t) {
        checkNames(t);
        return "(" + REPLICA + " startswith " + literal(t.executionName() + "-") + " and " + CONTAINER + " == "
                + literal(t.containerName()) + ")";
    }

    /** Whether {@code replica} is a replica of {@code execution} (the same rule as {@link #ofTarget}). */
    public static boolean isReplicaOf(String replica, String execution) {
        return replica.length() > execution.length() + 1 && replica.startsWith(execution + "-");
    }

    private static String filters(LogQuery query, Window window) {
        StringBuilder b = new StringBuilder();
        Instant from = window.from();
        Instant to = window.to();
        if (from != null && to != null) {
            b.append("\n| where ")
                    .append(TS)
                    .append(" >= ")
                    .append(datetime(ceilToTick(from)))
                    .append(" and ")
                    .append(TS)
                    .append(" <= ")
                    .append(datetime(floorToTick(to)));
        } else if (from != null) {
            b.append("\n| where ").append(TS).append(" >= ").append(datetime(ceilToTick(from)));
        } else if (to != null) {
            b.append("\n| where ").append(TS).append(" <= ").append(datetime(floorToTick(to)));
        }
        if (query.stdout() && !query.stderr()) {
            b.append("\n| where ").append(STREAM).append(" != 'stderr'"); // a row without a stream is stdout
        } else if (query.stderr() && !query.stdout()) {
            b.append("\n| where ").append(STREAM).append(" == 'stderr'");
        }
        return b.toString();
    }

    /**
     * A KQL verbatim string literal: {@code @'...'} with quotes doubled; backslashes stay literal. Values with line
     * breaks (not allowed in such literals) are refused.
     */
    public static String literal(String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw DockerApiException.invalid("a line break cannot be part of a log query value");
        }
        return "@'" + value.replace("'", "''") + "'";
    }

    /** {@code datetime(2025-06-01T10:00:00.1234567Z)}: Kusto's 100 ns ticks, from an instant already on a tick. */
    public static String datetime(Instant time) {
        if (offTick(time) != 0) {
            throw new IllegalArgumentException("not on a 100 ns tick: " + time);
        }
        return "datetime(" + KUSTO_DATETIME.format(time) + ")";
    }

    /** The first tick at or after {@code t}: {@code ts >= ceil(t)} equals {@code ts >= t} for tick-valued ts. */
    static Instant ceilToTick(Instant t) {
        long rest = offTick(t);
        return rest == 0 ? t : t.plusNanos(NANOS_PER_TICK - rest);
    }

    /** The last tick at or before {@code t}. */
    public static Instant floorToTick(Instant t) {
        return t.minusNanos(offTick(t));
    }

    /** The nanoseconds of {@code t} past its last 100 ns tick. */
    @SuppressWarnings("JavaInstantGetSecondsGetNano") // whole seconds are always on a tick: only the nanos matter
    private static long offTick(Instant t) {
        return t.getNano() % NANOS_PER_TICK;
    }

    /** Refuses names that do not follow ACA's rules, before they come near a query. */
    public static void checkNames(LogTarget t) {
        if (!JOB.matcher(t.jobName()).matches() || t.jobName().contains("--")) {
            throw DockerApiException.invalid("invalid ACA job name for a log query: " + printable(t.jobName()));
        }
        if (!Execution.validName(t.executionName())) {
            throw DockerApiException.invalid(
                    "invalid ACA job execution name for a log query: " + printable(t.executionName()));
        }
        if (!LABEL.matcher(t.containerName()).matches()) {
            throw DockerApiException.invalid(
                    "invalid ACA container name for a log query: " + printable(t.containerName()));
        }
    }

    private static String printable(String s) {
        return Execution.printable(s);
    }

    private static int positive(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("row limit must be positive: " + n);
        }
        return n;
    }
}
