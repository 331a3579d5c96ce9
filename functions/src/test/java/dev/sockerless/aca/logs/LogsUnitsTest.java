package dev.sockerless.aca.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.follow.FollowPlan;
import dev.sockerless.aca.testing.Kql;
import dev.sockerless.aca.testing.LogAnalyticsStandIn;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogsUnitsTest {

    @Test
    void parametersFollowDockersRules() {
        assertThatThrownBy(() -> LogsParameters.parse(Map.of("stdout", "0", "stderr", "no")))
                .isInstanceOf(DockerApiException.class)
                .hasMessage("Bad parameters: you must choose at least one stream");
        for (String f : new String[] {"", "0", "no", "false", "none", "FALSE"}) {
            assertThat(LogsParameters.flag(Map.of("x", f), "x")).as(f).isFalse();
        }
        assertThat(LogsParameters.flag(Map.of("x", "1"), "x")).isTrue();
        assertThat(LogsParameters.flag(Map.of("x", "yes"), "x")).isTrue();
        LogQuery q = LogsParameters.parse(Map.of(
                "stdout",
                "1",
                "since",
                "1717236000.5",
                "until",
                "1717236001.123456789",
                "tail",
                "5",
                "timestamps",
                "1",
                "details",
                "true"));
        assertThat(q.since()).contains(Instant.ofEpochSecond(1717236000, 500_000_000));
        assertThat(q.until()).contains(Instant.ofEpochSecond(1717236001, 123_456_789));
        assertThat(q.tail()).isEqualTo(5);
        assertThat(q.stderr()).isFalse();
        assertThat(q.timestamps() && q.details()).isTrue();
        assertThat(LogsParameters.tail("all")).isEqualTo(LogQuery.ALL);
        assertThat(LogsParameters.tail("x1")).isEqualTo(LogQuery.ALL);
        assertThat(LogsParameters.tail("0")).isZero();
        assertThat(LogsParameters.tail(null)).isEqualTo(LogQuery.ALL);
        LogQuery none = LogsParameters.parse(Map.of("stderr", "1", "until", "0", "since", "0"));
        assertThat(none.since()).isEmpty();
        assertThat(none.until()).isEmpty();
        assertThatThrownBy(() -> LogsParameters.parse(Map.of("stdout", "1", "since", "10m")))
                .isInstanceOf(DockerApiException.class)
                .hasMessageContaining("since");
        assertThat(LogsParameters.timestamp("since", "5.1234567891").getNano()).isEqualTo(123_456_789);
    }

    @Test
    void framesHaveTheStdcopyHeader() {
        MultiplexedStreamWriter w = new MultiplexedStreamWriter(false, 1000);
        assertThat(w.write(StreamType.STDOUT, "hello world\n".getBytes(StandardCharsets.UTF_8)))
                .isTrue();
        assertThat(hex(w.toByteArray())).isEqualTo("01000000000000 0c68656c6c6f20776f726c640a".replace(" ", ""));
        w.write(StreamType.STDERR, new byte[] {'x'});
        w.systemError("boom");
        byte[] all = w.toByteArray();
        assertThat(all[20]).isEqualTo((byte) 2);
        assertThat(all[29]).isEqualTo((byte) 3);
        assertThat(new String(all, 37, all.length - 37, StandardCharsets.UTF_8))
                .isEqualTo("Error grabbing logs: boom\n");
        MultiplexedStreamWriter small = new MultiplexedStreamWriter(false, 10);
        assertThat(small.write(StreamType.STDOUT, new byte[3])).isFalse();
        MultiplexedStreamWriter raw = new MultiplexedStreamWriter(true, 10);
        assertThat(raw.write(StreamType.STDERR, "abc".getBytes())).isTrue();
        assertThat(raw.toByteArray()).containsExactly('a', 'b', 'c');
    }

    /** Frames that cross the writer's pages come out whole and in order, the size and the limit exact. */
    @Test
    void framesAcrossPagesComeOutAsWritten() {
        java.util.Random random = new java.util.Random(7);
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        long limit = 3L * MultiplexedStreamWriter.PAGE + 12_345;
        MultiplexedStreamWriter w = new MultiplexedStreamWriter(true, limit);
        while (true) {
            byte[] payload = new byte[random.nextInt(3) == 0 ? random.nextInt(100_000) : random.nextInt(300)];
            random.nextBytes(payload);
            if (!w.write(StreamType.STDOUT, payload)) {
                assertThat(expected.size() + payload.length).isGreaterThan((int) limit);
                break;
            }
            expected.writeBytes(payload);
            assertThat(w.size()).isEqualTo(expected.size());
        }
        assertThat(w.toByteArray()).isEqualTo(expected.toByteArray());
        assertThat(w.size()).isGreaterThan(2 * MultiplexedStreamWriter.PAGE);
    }

    @Test
    void linePrefixesAreDockers() {
        LogLine line = new LogLine(Instant.parse("2025-06-01T10:00:00.1Z"), StreamType.STDOUT, "hi");
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("z", "a b");
        labels.put("a", "x=y,~*");
        assertThat(new String(new LogLineFormatter(true, false, labels).format(line)))
                .isEqualTo("2025-06-01T10:00:00.100000000Z hi\n");
        assertThat(new String(new LogLineFormatter(false, true, labels).format(line)))
                .isEqualTo("a=x%3Dy%2C~%2A,z=a+b hi\n");
        assertThat(new String(new LogLineFormatter(true, true, Map.of()).format(line)))
                .isEqualTo("2025-06-01T10:00:00.100000000Z  hi\n");
        assertThat(new String(new LogLineFormatter(false, false, Map.of())
                        .format(new LogLine(Instant.EPOCH, StreamType.STDOUT, "done\n"))))
                .isEqualTo("done\n");
    }

    @Test
    void literalsAreVerbatimAndNamesAreChecked() {
        assertThat(ContainerLogsKql.literal("a'b\\")).isEqualTo("@'a''b\\'");
        assertThatThrownBy(() -> ContainerLogsKql.literal("a\nb")).isInstanceOf(DockerApiException.class);
        assertThat(ContainerLogsKql.datetime(Instant.parse("2025-06-01T10:00:00.1234567Z")))
                .isEqualTo("datetime(2025-06-01T10:00:00.1234567Z)");
        assertThat(ContainerLogsKql.ceilToTick(Instant.ofEpochSecond(1, 123_456_789)))
                .isEqualTo(Instant.ofEpochSecond(1, 123_456_800));
        assertThat(ContainerLogsKql.floorToTick(Instant.ofEpochSecond(1, 123_456_789)))
                .isEqualTo(Instant.ofEpochSecond(1, 123_456_700));
        for (LogTarget bad : new LogTarget[] {
            new LogTarget("job' or 1==1 //", "job-abc1234", "main", Map.of(), false),
            new LogTarget("job", "job-abc1234' | take 1 | where '", "main", Map.of(), false),
            new LogTarget("job", "job-abc1234", "main\n| take 1", Map.of(), false),
            new LogTarget("Job", "job-abc1234", "main", Map.of(), false),
            new LogTarget("a--b", "a--b-abc1234", "main", Map.of(), false),
            new LogTarget("job", "job-abc1234", "/my_container", Map.of(), false)
        }) {
            assertThatThrownBy(() -> ContainerLogsKql.page(
                            LogTable.AUTO, bad, LogQuery.everything(), ContainerLogsKql.Window.UNBOUNDED, 10))
                    .isInstanceOf(DockerApiException.class)
                    .hasMessageContaining("invalid ACA");
        }
    }

    @Test
    void queriesParseInTheStandInsStrictKqlAndNameNoJobColumn() {
        LogTarget t = new LogTarget("job", "job-abc1234", "main", Map.of(), false);
        List<String> documented = new ArrayList<>(LogAnalyticsStandIn.LEGACY_STANDARD);
        documented.addAll(LogAnalyticsStandIn.LEGACY_DOCUMENTED);
        List<String> podNameOnly = new ArrayList<>(LogAnalyticsStandIn.LEGACY_STANDARD);
        podNameOnly.addAll(List.of("ContainerName_s", "PodName_s", "Log_s"));
        FollowPlan plan = new FollowPlan(List.of(new FollowPlan.Item("c", t, null)), Instant.EPOCH);
        for (List<String> legacyColumns : List.of(documented, podNameOnly)) {
            for (LogTable table : LogTable.values()) {
                String kql = ContainerLogsKql.tail(
                        table,
                        t,
                        LogsParameters.parse(Map.of("stdout", "1")),
                        new ContainerLogsKql.Window(Instant.EPOCH, Instant.now()),
                        3);
                Map<String, Kql.Table> tables = Map.of(
                        LogAnalyticsStandIn.LEGACY, new Kql.Table(legacyColumns, new ArrayList<>()),
                        LogAnalyticsStandIn.RESOURCE,
                                new Kql.Table(LogAnalyticsStandIn.RESOURCE_COLUMNS, new ArrayList<>()));
                for (String q : List.of(kql, plan.kql(table, 10))) {
                    assertThat(Kql.run(q, tables).columns())
                            .containsExactly("ts", "ing", "replica", "container", "stream", "line");
                    assertThat(q).doesNotContain("JobName").doesNotContain("ContainerJobName_s");
                }
            }
        }
        assertThatThrownBy(() -> Kql.run(
                        "ContainerAppConsoleLogs | summarize count()",
                        Map.of(
                                "ContainerAppConsoleLogs",
                                new Kql.Table(LogAnalyticsStandIn.RESOURCE_COLUMNS, new ArrayList<>()))))
                .isInstanceOf(Kql.KqlException.class);
        assertThatThrownBy(() -> Kql.run(
                        "ContainerAppConsoleLogs | where Nope == 'x'",
                        Map.of(
                                "ContainerAppConsoleLogs",
                                new Kql.Table(LogAnalyticsStandIn.RESOURCE_COLUMNS, new ArrayList<>()))))
                .isInstanceOf(Kql.KqlException.class);
        // the job-name filters this app no longer sends fail on a workspace whose table lacks the column
        assertThatThrownBy(() -> Kql.run(
                        "ContainerAppConsoleLogs_CL | where ContainerJobName_s == 'job'",
                        Map.of("ContainerAppConsoleLogs_CL", new Kql.Table(documented, new ArrayList<>()))))
                .isInstanceOf(Kql.KqlException.class);
    }

    @Test
    void aReplicaBelongsToOneExecutionOnly() {
        assertThat(ContainerLogsKql.isReplicaOf("sl-a-1234567-x1y2z", "sl-a-1234567"))
                .isTrue();
        assertThat(ContainerLogsKql.isReplicaOf("sl-a-1234567x-x1y2z", "sl-a-1234567"))
                .isFalse();
        // indexed job pods are <job>-<index>-<random>: still replicas of the execution
        assertThat(ContainerLogsKql.isReplicaOf("sl-a-1234567-0-x1y2z", "sl-a-1234567"))
                .isTrue();
        assertThat(ContainerLogsKql.isReplicaOf("sl-a-1234567-", "sl-a-1234567"))
                .isFalse();
        assertThat(ContainerLogsKql.isReplicaOf("sl-a-1234567", "sl-a-1234567")).isFalse();
        assertThat(ContainerLogsKql.ofTarget(new LogTarget("sl-a", "sl-a-1234567", "sl-a", Map.of(), false)))
                .isEqualTo("(replica startswith @'sl-a-1234567-' and container == @'sl-a')");
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }
}
