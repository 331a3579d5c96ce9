package dev.sockerless.aca.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sockerless.aca.follow.FollowPlan;
import dev.sockerless.aca.logs.ContainerLogsKql;
import dev.sockerless.aca.logs.LogAnalyticsLogSource;
import dev.sockerless.aca.logs.LogLine;
import dev.sockerless.aca.logs.LogQuery;
import dev.sockerless.aca.logs.LogSink;
import dev.sockerless.aca.logs.LogTable;
import dev.sockerless.aca.logs.LogTarget;
import dev.sockerless.aca.logs.LogsParameters;
import dev.sockerless.aca.logs.WorkspaceLocator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The stand-in's paging ({@link KqlIndex}): the same answers as the evaluator over the visible rows, and pages that
 * cost O(page) rows, not O(table).
 */
class KqlIndexTest {

    static final String WS = "11111111-2222-3333-4444-555555555555";
    static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
    static final LogTarget TARGET = new LogTarget("web", "web-abc1234", "main", Map.of(), false);
    static final LogTarget OTHER = new LogTarget("web", "web-xyz7890", "main", Map.of(), false);

    /**
     * 200,000 lines of one container (and 20,000 of another) read in pages of 1,000 through the app's Log Analytics
     * source: every line arrives, in order, and the rows the stand-in examines stay within 10 times the table, where
     * evaluating every row for each of the 200 pages examines several hundred times the table. Counted, not timed; the read stops as soon as the budget is exceeded.
     */
    @Test
    void pagesCostThePageNotTheTable() throws Exception {
        int lines = 200_000;
        int page = 1_000;
        try (LogAnalyticsStandIn la = new LogAnalyticsStandIn(WS)) {
            for (int i = 0; i < lines; i++) {
                resource(la, TARGET, T0.plusMillis(i / 2), i % 10 == 0 ? "stderr" : "stdout", "line " + i);
                if (i % 10 == 0) {
                    resource(la, OTHER, T0.plusMillis(i / 2), "stdout", "other " + i);
                }
            }
            long stored = lines + lines / 10;
            // two memos (the first page has no cursor), each taking, projecting and filtering every stored row and
            // sorting the container's; then per page its rows and a binary search: well under 10× the table
            long budget = 10 * stored;
            LogAnalyticsLogSource source = new LogAnalyticsLogSource(
                    LogAnalyticsLogSource.client(la.endpoint(), null),
                    WorkspaceLocator.fixed(WS),
                    LogTable.AUTO,
                    page,
                    Long.MAX_VALUE,
                    Duration.ofMinutes(10),
                    Clock.systemUTC(),
                    d -> {});
            List<String> read = new ArrayList<>();
            source.read(TARGET, LogsParameters.parse(Map.of("stdout", "1", "stderr", "1")), new LogSink() {
                @Override
                public boolean accept(LogLine line) {
                    read.add(line.text());
                    assertThat(la.rowsExamined())
                            .as("rows examined after %d lines", read.size())
                            .isLessThanOrEqualTo(budget);
                    return true;
                }

                @Override
                public void truncated(String message) {
                    throw new AssertionError(message);
                }
            });
            assertThat(read).hasSize(lines);
            for (int i = 0; i < lines; i += 9_999) {
                assertThat(read.get(i)).isEqualTo("line " + i);
            }
            assertThat(la.received.size()).isGreaterThanOrEqualTo(lines / page); // paged: ≥ 200 queries
            assertThat(la.rowsExamined()).isLessThanOrEqualTo(budget);
        }
    }

    private static void resource(LogAnalyticsStandIn la, LogTarget t, Instant time, String stream, String text) {
        la.add(
                LogAnalyticsStandIn.RESOURCE,
                Map.of(
                        "TimeGenerated",
                        time,
                        "ContainerGroupName",
                        t.executionName() + "-r1",
                        "ContainerName",
                        t.containerName(),
                        "Stream",
                        stream,
                        "Log",
                        text));
    }

    /**
     * Random tables (ties in line and ingestion time, rows without a time, both tables, other containers, rows
     * appended and a column added between rounds, now and then a cell of the wrong type) and the app's queries at
     * random cursors and timespans: the index answers exactly what the evaluator answers over the visible rows,
     * rows in the same order, the same warnings, or the same error.
     */
    @Test
    void answersAsTheEvaluatorOverTheVisibleRows() {
        Random random = new Random(16);
        KqlIndex index = new KqlIndex();
        Map<String, Kql.Table> tables = new LinkedHashMap<>();
        List<String> legacyColumns = new ArrayList<>(LogAnalyticsStandIn.LEGACY_STANDARD);
        legacyColumns.addAll(List.of("ContainerGroupName_s", "ContainerName_s", "Stream_s", "Log_s", "_timestamp_d"));
        tables.put(LogAnalyticsStandIn.LEGACY, new Kql.Table(legacyColumns, new ArrayList<>()));
        int serial = 0;
        int compared = 0;
        int fast = 0;
        for (int round = 0; round < 40; round++) {
            boolean wrongType = round % 10 == 9;
            if (round % 10 == 0 && round > 0) { // the wrong cell goes: a new table object without it
                Kql.Table t = tables.get(LogAnalyticsStandIn.LEGACY);
                List<Kql.Row> rows = new ArrayList<>(t.rows());
                rows.removeIf(r -> "soon".equals(r.cells().get("_timestamp_d")));
                tables.put(LogAnalyticsStandIn.LEGACY, new Kql.Table(t.columns(), rows));
            }
            if (round == 5) {
                tables.put(
                        LogAnalyticsStandIn.RESOURCE,
                        new Kql.Table(LogAnalyticsStandIn.RESOURCE_COLUMNS, new ArrayList<>()));
            }
            if (round == 20) { // a column appears: the stand-in replaces the table, rows get the column
                Kql.Table t = tables.get(LogAnalyticsStandIn.LEGACY);
                List<String> columns = new ArrayList<>(t.columns());
                columns.add("time_t");
                List<Kql.Row> rows = new ArrayList<>();
                t.rows().forEach(r -> {
                    Map<String, Object> c = new LinkedHashMap<>(r.cells());
                    c.put("time_t", null);
                    rows.add(new Kql.Row(c, r.ingested()));
                });
                tables.put(LogAnalyticsStandIn.LEGACY, new Kql.Table(List.copyOf(columns), rows));
            }
            for (int i = 0, n = 20 + random.nextInt(200); i < n; i++) {
                Instant time = T0.plusMillis(random.nextInt(40) * 250L);
                Instant ingested = T0.plusSeconds(random.nextInt(30));
                LogTarget whose = random.nextInt(4) == 0 ? OTHER : TARGET;
                String stream = random.nextInt(3) == 0 ? "stderr" : "stdout";
                String text = "line " + serial++;
                boolean legacy = !tables.containsKey(LogAnalyticsStandIn.RESOURCE)
                        || random.nextBoolean()
                        || (wrongType && i == n / 2);
                Kql.Table t = tables.get(legacy ? LogAnalyticsStandIn.LEGACY : LogAnalyticsStandIn.RESOURCE);
                Map<String, Object> cells = new LinkedHashMap<>();
                t.columns().forEach(c -> cells.put(c, c.endsWith("_d") || c.endsWith("_t") ? null : ""));
                boolean timeless = random.nextInt(25) == 0;
                cells.put("TimeGenerated", timeless ? null : time.plusMillis(random.nextInt(3) * 500L));
                if (legacy) {
                    cells.put("ContainerGroupName_s", whose.executionName() + "-r" + random.nextInt(2));
                    cells.put("ContainerName_s", whose.containerName());
                    cells.put("Stream_s", stream);
                    cells.put("Log_s", text);
                    boolean seconds = random.nextBoolean();
                    cells.put("_timestamp_d", seconds ? (Object) (time.toEpochMilli() / 1000.0) : null);
                    if (t.columns().contains("time_t") && !seconds && random.nextBoolean()) {
                        cells.put("time_t", time);
                    }
                    if (wrongType && i == n / 2) {
                        cells.put("_timestamp_d", "soon"); // the evaluator fails: so must the index
                    }
                } else {
                    cells.put("ContainerGroupName", whose.executionName() + "-r" + random.nextInt(2));
                    cells.put("ContainerName", whose.containerName());
                    cells.put("Stream", stream);
                    cells.put("Log", text);
                }
                t.rows().add(new Kql.Row(cells, ingested));
            }
            for (int q = 0; q < 12; q++) {
                String kql = query(random);
                Instant spanStart = T0.plusSeconds(random.nextInt(12) - 2);
                Instant spanEnd = spanStart.plusSeconds(2 + random.nextInt(12));
                boolean spanned = random.nextBoolean();
                Predicate<Kql.Row> visible = r -> {
                    Instant tg = (Instant) r.cells().get("TimeGenerated");
                    return !spanned || (tg != null && !tg.isBefore(spanStart) && tg.isBefore(spanEnd));
                };
                Object expected = outcome(() -> Kql.run(kql, visibleOnly(tables, visible)));
                long before = index.answered.get();
                Object actual = outcome(() -> index.run(kql, tables, visible));
                assertThat(actual).as("round %d: %s", round, kql).isEqualTo(expected);
                compared++;
                fast += (int) (index.answered.get() - before);
            }
        }
        assertThat(compared).isEqualTo(480);
        assertThat(fast).as("queries answered from a memo").isGreaterThan(200);
    }

    /** The app's page, tail and follow queries, and variations of their cursor and order. */
    private static String query(Random random) {
        LogTable table = LogTable.values()[random.nextInt(LogTable.values().length)];
        LogTarget target = random.nextInt(5) == 0 ? OTHER : TARGET;
        Map<String, String> streams = switch (random.nextInt(3)) {
            case 0 -> Map.of("stdout", "1");
            case 1 -> Map.of("stderr", "1");
            default -> Map.of("stdout", "1", "stderr", "1");
        };
        LogQuery query = LogsParameters.parse(streams);
        Instant from = random.nextInt(4) == 0 ? null : T0.plusMillis(random.nextInt(44) * 250L);
        Instant to = random.nextInt(3) == 0 ? null : T0.plusMillis(random.nextInt(44) * 250L);
        ContainerLogsKql.Window window = new ContainerLogsKql.Window(from, to);
        int limit = 1 + random.nextInt(30);
        return switch (random.nextInt(6)) {
            case 0, 1 -> ContainerLogsKql.page(table, target, query, window, limit);
            case 2 -> ContainerLogsKql.tail(table, target, query, window, limit);
            case 3 ->
                new FollowPlan(
                                List.of(new FollowPlan.Item(
                                        "k", target, random.nextBoolean() ? null : T0.plusSeconds(random.nextInt(30)))),
                                from == null ? T0 : from)
                        .kql(table, limit);
            case 4 ->
                ContainerLogsKql.page(table, target, query, window, limit)
                        .replace("order by ts asc, ing asc", "order by ing desc, ts asc"); // the cursor is not the key
            default ->
                ContainerLogsKql.page(table, target, query, window, limit)
                                .replace("order by ts asc, ing asc", "order by ts desc, replica asc")
                        + "\n| where line != 'line 7'\n| order by ing asc";
        };
    }

    private static Map<String, Kql.Table> visibleOnly(Map<String, Kql.Table> tables, Predicate<Kql.Row> visible) {
        Map<String, Kql.Table> out = new HashMap<>();
        tables.forEach((name, t) -> out.put(
                name,
                new Kql.Table(t.columns(), t.rows().stream().filter(visible).toList())));
        return out;
    }

    /** A result as comparable values, or the failure's class and message. */
    private static Object outcome(java.util.function.Supplier<Kql.Result> run) {
        try {
            Kql.Result r = run.get();
            return List.of(r.columns(), r.rows(), r.warnings());
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }
}
