package dev.sockerless.aca.logs;

import dev.sockerless.aca.errors.DockerApiException;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Builds the KQL of a logs query. Nothing from a request reaches the text unchecked: names are validated against
 * ACA's naming rules and emitted as verbatim literals ({@link #literal}); datetimes are formatted here from
 * {@link Instant}s; everything else is constant. Both tables are projected to the same columns:
 * {@code ts} (line time), {@code ing} (ingestion time), {@code stream}, {@code line}.
 */
public final class ContainerLogsKql {

    /** Output columns. */
    public static final String TS = "ts";
    public static final String INGESTED = "ing";
    public static final String STREAM = "stream";
    public static final String LINE = "line";

    /** Job names: lowercase letters, digits and '-', a letter first, a letter or digit last, no "--", 2–32. */
    private static final Pattern JOB = Pattern.compile("[a-z][a-z0-9-]{0,30}[a-z0-9]");
    /** Execution names ({@code <job>-<suffix>}) and template container names: a DNS label. */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final DateTimeFormatter KUSTO_DATETIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);
    private static final long NANOS_PER_TICK = 100;

    private ContainerLogsKql() {
    }

    /** Which time window, streams and row limit a query covers. {@code from}/{@code to} inclusive, may be null. */
    public record Window(Instant from, Instant to) {
        public static final Window UNBOUNDED = new Window(null, null);
    }

    /** The lines of a window in order, at most {@code limit} of them (the first ones). */
    public static String page(LogTable table, LogTarget target, LogQuery query, Window window, int limit) {
        return source(table, target) + filters(query, window)
                + "\n| order by " + TS + " asc, " + INGESTED + " asc"
                + "\n| take " + positive(limit);
    }

    /** The last {@code count} lines of a window, in chronological order. */
    public static String tail(LogTable table, LogTarget target, LogQuery query, Window window, int count) {
        return source(table, target) + filters(query, window)
                + "\n| order by " + TS + " desc, " + INGESTED + " desc"
                + "\n| take " + positive(count)
                + "\n| order by " + TS + " asc, " + INGESTED + " asc";
    }

    private static String source(LogTable table, LogTarget target) {
        checkNames(target);
        return switch (table) {
            case LEGACY -> legacy(target);
            case RESOURCE_SPECIFIC -> resourceSpecific(target);
            case AUTO -> "union isfuzzy=true\n(" + legacy(target) + "),\n(" + resourceSpecific(target) + ")";
        };
    }

    /**
     * {@code ContainerAppConsoleLogs_CL}: columns created by the Data Collector API, so the ones not every workspace
     * has go through {@code column_ifexists}. Line time = the runtime's {@code _timestamp_d} (epoch seconds, µs),
     * else {@code time_t}, else {@code TimeGenerated} (set at ingestion, later than the line).
     */
    static String legacy(LogTarget t) {
        return LogTable.LEGACY.settingValue()
                + "\n| where column_ifexists('ContainerJobName_s', '') == " + literal(t.jobName())
                + " and ContainerGroupName_s startswith " + literal(t.executionName() + "-")
                + " and ContainerName_s == " + literal(t.containerName())
                + "\n| project " + TS + " = coalesce(unixtime_microseconds_todatetime(round(column_ifexists('_timestamp_d', real(null)) * 1000000)),"
                + " column_ifexists('time_t', datetime(null)), TimeGenerated),"
                + " " + INGESTED + " = ingestion_time(),"
                + " " + STREAM + " = column_ifexists('Stream_s', ''),"
                + " " + LINE + " = Log_s";
    }

    /** {@code ContainerAppConsoleLogs}: the documented resource-specific schema. */
    static String resourceSpecific(LogTarget t) {
        return LogTable.RESOURCE_SPECIFIC.settingValue()
                + "\n| where JobName == " + literal(t.jobName())
                + " and ContainerGroupName startswith " + literal(t.executionName() + "-")
                + " and ContainerName == " + literal(t.containerName())
                + "\n| project " + TS + " = TimeGenerated, " + INGESTED + " = ingestion_time(), "
                + STREAM + " = Stream, " + LINE + " = Log";
    }

    private static String filters(LogQuery query, Window window) {
        StringBuilder b = new StringBuilder();
        Instant from = window.from();
        Instant to = window.to();
        if (from != null && to != null) {
            b.append("\n| where ").append(TS).append(" >= ").append(datetime(ceilToTick(from)))
                    .append(" and ").append(TS).append(" <= ").append(datetime(floorToTick(to)));
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
        if (time.getNano() % NANOS_PER_TICK != 0) {
            throw new IllegalArgumentException("not on a 100 ns tick: " + time);
        }
        return "datetime(" + KUSTO_DATETIME.format(time) + ")";
    }

    /** The first tick at or after {@code t}: {@code ts >= ceil(t)} equals {@code ts >= t} for tick-valued ts. */
    static Instant ceilToTick(Instant t) {
        long rest = t.getNano() % NANOS_PER_TICK;
        return rest == 0 ? t : t.plusNanos(NANOS_PER_TICK - rest);
    }

    /** The last tick at or before {@code t}. */
    public static Instant floorToTick(Instant t) {
        return t.minusNanos(t.getNano() % NANOS_PER_TICK);
    }

    /** Refuses names that do not follow ACA's rules, before they come near a query. */
    public static void checkNames(LogTarget t) {
        if (!JOB.matcher(t.jobName()).matches() || t.jobName().contains("--")) {
            throw DockerApiException.invalid("invalid ACA job name for a log query: " + printable(t.jobName()));
        }
        if (!LABEL.matcher(t.executionName()).matches() || t.executionName().contains("--")) {
            throw DockerApiException.invalid("invalid ACA job execution name for a log query: " + printable(t.executionName()));
        }
        if (!LABEL.matcher(t.containerName()).matches()) {
            throw DockerApiException.invalid("invalid ACA container name for a log query: " + printable(t.containerName()));
        }
    }

    private static String printable(String s) {
        String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
    }

    private static int positive(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("row limit must be positive: " + n);
        }
        return n;
    }
}
