package dev.sockerless.aca.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sockerless.aca.docker.ApiRequest;
import dev.sockerless.aca.docker.ApiResponse;
import dev.sockerless.aca.docker.ApiVersion;
import dev.sockerless.aca.docker.LogsHandler;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.testing.LogAnalyticsStandIn;
import dev.sockerless.aca.testing.MutableClock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The logs handler and the Log Analytics source against the query API stand-in, through the real client. */
class LogAnalyticsLogsTest {

    static final String WS = "11111111-2222-3333-4444-555555555555";
    static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");
    static final LogTarget TARGET = new LogTarget("web", "web-abc1234", "main", Map.of("b", "2", "a", "1"), false);

    LogAnalyticsStandIn la;
    List<Duration> slept = new ArrayList<>();
    MutableClock clock = new MutableClock(T0.plusSeconds(3600));

    @BeforeEach
    void start() throws Exception {
        la = new LogAnalyticsStandIn(WS);
    }

    @AfterEach
    void stop() {
        la.close();
    }

    LogsHandler handler(LogTable table, int pageRows, long maxBytes) {
        return handler(table, pageRows, maxBytes, Duration.ofSeconds(60));
    }

    /** A handler on the test's clock (retry sleeps move it) with a {@code deadline} for each read. */
    LogsHandler handler(LogTable table, int pageRows, long maxBytes, Duration deadline) {
        LogAnalyticsLogSource source = new LogAnalyticsLogSource(
                LogAnalyticsLogSource.client(la.endpoint(), null),
                WorkspaceLocator.fixed(WS),
                table,
                pageRows,
                maxBytes,
                deadline,
                clock,
                d -> {
                    slept.add(d);
                    clock.advance(d);
                });
        return new LogsHandler(source, maxBytes);
    }

    static ApiRequest get(String query) {
        Map<String, String> params = new HashMap<>();
        for (String kv : query.split("&")) {
            if (!kv.isEmpty()) {
                int eq = kv.indexOf('=');
                params.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return new ApiRequest("GET", ApiVersion.MAX, "/containers/x/logs", params, Map.of(), null);
    }

    /** A legacy row with the replica in {@code ContainerGroupName_s} (no job column: Azure documents none). */
    void legacy(String replica, String container, Instant t, String stream, String text) {
        legacy("ContainerGroupName_s", replica, container, t, stream, text);
    }

    /** A legacy row with the replica in {@code replicaColumn} ({@code PodName_s} on dedicated/GPU profiles). */
    void legacy(String replicaColumn, String replica, String container, Instant t, String stream, String text) {
        double seconds = t.getEpochSecond() + t.getNano() / 1e9;
        la.add(
                LogAnalyticsStandIn.LEGACY,
                Map.of(
                        "TimeGenerated",
                        t.plusMillis(850),
                        "_timestamp_d",
                        seconds,
                        "time_t",
                        t,
                        replicaColumn,
                        replica,
                        "ContainerName_s",
                        container,
                        "Stream_s",
                        stream,
                        "Log_s",
                        text));
    }

    /**
     * A resource-specific row. {@code JobName} holds "the name of the kubernetes job" (table reference), which the
     * app does not read: here it never equals the ACA job's name.
     */
    void resource(String replica, String container, Instant t, String stream, String text) {
        la.add(
                LogAnalyticsStandIn.RESOURCE,
                Map.of(
                        "TimeGenerated",
                        t,
                        "JobName",
                        "k8s-" + replica,
                        "ContainerGroupName",
                        replica,
                        "ContainerName",
                        container,
                        "Stream",
                        stream,
                        "Log",
                        text));
    }

    /** Decodes stdcopy frames as "1:line" / "2:line" / "3:text". */
    static List<String> frames(byte[] body) {
        List<String> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(body);
        while (b.remaining() >= 8) {
            int type = b.get();
            assertThat(b.get()).isZero();
            assertThat(b.get()).isZero();
            assertThat(b.get()).isZero();
            int n = b.getInt();
            byte[] payload = new byte[n];
            b.get(payload);
            out.add(type + ":" + new String(payload, StandardCharsets.UTF_8));
        }
        assertThat(b.remaining()).isZero();
        return out;
    }

    void mixed() {
        legacy("web-abc1234-x1y2z", "main", T0.plusSeconds(1), "stdout", "legacy one");
        legacy("web-abc1234-x1y2z", "main", T0.plusSeconds(3), "stderr", "legacy err");
        legacy("web-abc1234-x1y2z", "init", T0.plusSeconds(2), "stdout", "init container");
        legacy("web-zzz9999-x1y2z", "main", T0.plusSeconds(2), "stdout", "other execution");
        legacy("web-abc1234x-k9m2p", "main", T0.plusSeconds(2), "stdout", "a longer execution name");
        resource("web-abc1234-x1y2z", "main", T0.plusSeconds(2), "stdout", "resource two");
        resource("web-abc1234-x1y2z", "main", T0.plusSeconds(4), "", "resource no stream");
        resource("web-abc1234-x1y2z", "main", T0.plusSeconds(5), "stderr", "resource err");
        resource("web-abc1234x-x1y2z", "main", T0.plusSeconds(6), "stdout", "execution web-abc1234x");
    }

    @Test
    void autoReadsBothSchemasInOrderWithStreamsAndExcludesOtherContainers() {
        mixed();
        ApiResponse r = handler(LogTable.AUTO, 1000, 1 << 20).logs(get("stdout=1&stderr=1&tail=all"), TARGET);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers()).containsEntry("Content-Type", "application/vnd.docker.multiplexed-stream");
        assertThat(frames(r.body()))
                .containsExactly(
                        "1:legacy one\n",
                        "1:resource two\n",
                        "2:legacy err\n",
                        "1:resource no stream\n",
                        "2:resource err\n");
        assertThat(la.received).hasSize(1);
        assertThat(la.received.get(0).authorization()).isNull();
        assertThat(la.received.get(0).path()).isEqualTo("/v1/workspaces/" + WS + "/query");
    }

    @Test
    void eachTableAloneAndStreamSeparation() {
        mixed();
        assertThat(frames(handler(LogTable.LEGACY, 1000, 1 << 20)
                        .logs(get("stdout=1&stderr=1"), TARGET)
                        .body()))
                .containsExactly("1:legacy one\n", "2:legacy err\n");
        assertThat(frames(handler(LogTable.RESOURCE_SPECIFIC, 1000, 1 << 20)
                        .logs(get("stdout=1"), TARGET)
                        .body()))
                .containsExactly("1:resource two\n", "1:resource no stream\n");
        assertThat(frames(handler(LogTable.AUTO, 1000, 1 << 20)
                        .logs(get("stderr=1"), TARGET)
                        .body()))
                .containsExactly("2:legacy err\n", "2:resource err\n");
        assertThatThrownBy(() -> handler(LogTable.AUTO, 1000, 1 << 20).logs(get("stdout=0"), TARGET))
                .hasMessage("Bad parameters: you must choose at least one stream");
    }

    @Test
    void autoWithOnlyOneTableTreatsTheFuzzyWarningAsAResult() {
        resource("web-abc1234-1", "main", T0, "stdout", "only resource");
        assertThat(frames(handler(LogTable.AUTO, 1000, 1 << 20)
                        .logs(get("stdout=1&stderr=1"), TARGET)
                        .body()))
                .containsExactly("1:only resource\n");
    }

    @Test
    void noTablesAtAllIsAnEmptyBodyInAutoAndAnErrorForAnExplicitTable() {
        ApiResponse r = handler(LogTable.AUTO, 1000, 1 << 20).logs(get("stdout=1&stderr=1"), TARGET);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThatThrownBy(() -> handler(LogTable.LEGACY, 1000, 1 << 20).logs(get("stdout=1"), TARGET))
                .isInstanceOf(DockerApiException.class)
                .hasMessageContaining("Log Analytics query failed: HTTP 400");
    }

    @Test
    void sinceAndUntilAreInclusiveToTheTickAndSentAsTheTimespan() {
        for (int i = 0; i < 5; i++) {
            resource("web-abc1234-1", "main", T0.plusMillis(100L * i), "stdout", "r" + i);
            legacy("web-abc1234-1", "main", T0.plusMillis(100L * i + 50), "stdout", "l" + i);
        }
        long s = T0.getEpochSecond();
        ApiResponse r = handler(LogTable.AUTO, 1000, 1 << 20)
                .logs(get("stdout=1&since=" + s + ".1&until=" + s + ".25"), TARGET);
        assertThat(frames(r.body())).containsExactly("1:r1\n", "1:l1\n", "1:r2\n", "1:l2\n"); // until is inclusive
        assertThat(la.received.get(0).timespan()).isEqualTo("2025-06-01T09:55Z/2025-06-01T11:00:01Z");
        // nanosecond bounds: 0.150000001 excludes the line at .15
        assertThat(frames(handler(LogTable.AUTO, 1000, 1 << 20)
                        .logs(get("stdout=1&since=" + s + ".150000001&until=" + s + ".2"), TARGET)
                        .body()))
                .containsExactly("1:r2\n");
    }

    @Test
    void tailTimestampsDetailsAndTies() {
        Instant same = T0.plusSeconds(1);
        resource("web-abc1234-1", "main", T0, "stdout", "first");
        resource("web-abc1234-1", "main", same, "stdout", "tie a");
        resource("web-abc1234-1", "main", same, "stderr", "tie b");
        resource("web-abc1234-1", "main", same, "stdout", "tie c");
        LogsHandler h = handler(LogTable.AUTO, 1000, 1 << 20);
        assertThat(frames(h.logs(get("stdout=1&stderr=1&tail=3"), TARGET).body()))
                .containsExactly("1:tie a\n", "2:tie b\n", "1:tie c\n");
        assertThat(frames(h.logs(get("stdout=1&stderr=1&tail=0"), TARGET).body()))
                .isEmpty();
        assertThat(frames(h.logs(get("stdout=1&stderr=1&tail=x"), TARGET).body()))
                .hasSize(4);
        assertThat(frames(h.logs(get("stdout=1&tail=1&timestamps=1&details=1"), TARGET)
                        .body()))
                .containsExactly("1:2025-06-01T10:00:01.000000000Z a=1,b=2 tie c\n");
    }

    @Test
    void pagesByTimeKeepingTiesAtPageBoundaries() {
        for (int i = 0; i < 23; i++) {
            resource("web-abc1234-1", "main", T0.plusSeconds(i / 3), i % 2 == 0 ? "stdout" : "stderr", "line " + i);
        }
        LogsHandler h = handler(LogTable.AUTO, 4, 1 << 20);
        List<String> all = frames(h.logs(get("stdout=1&stderr=1"), TARGET).body());
        assertThat(all).hasSize(23);
        for (int i = 0; i < 23; i++) {
            assertThat(all.get(i)).isEqualTo((i % 2 == 0 ? "1" : "2") + ":line " + i + "\n");
        }
        assertThat(la.received.size()).isGreaterThan(5);
        // a tail larger than a page reads forward and keeps the last lines
        assertThat(frames(h.logs(get("stdout=1&stderr=1&tail=7"), TARGET).body()))
                .extracting(f -> f.substring(2))
                .containsExactly(
                        "line 16\n", "line 17\n", "line 18\n", "line 19\n", "line 20\n", "line 21\n", "line 22\n");
    }

    @Test
    void theServicesResultLimitMakesSmallerPages() {
        for (int i = 0; i < 300; i++) {
            legacy("web-abc1234-1", "main", T0.plusMillis(i), "stdout", "l" + i);
        }
        la.maxRows = 150;
        List<String> all = frames(handler(LogTable.AUTO, 1000, 1 << 20)
                .logs(get("stdout=1"), TARGET)
                .body());
        assertThat(all).hasSize(300);
        assertThat(all.get(299)).isEqualTo("1:l299\n");
    }

    @Test
    void aResponseAtTheSizeLimitEndsWithASystemErrorFrame() {
        for (int i = 0; i < 10; i++) {
            resource("web-abc1234-1", "main", T0.plusSeconds(i), "stdout", "0123456789");
        }
        List<String> f = frames(
                handler(LogTable.AUTO, 1000, 60).logs(get("stdout=1"), TARGET).body());
        assertThat(f).hasSize(4);
        assertThat(f.get(3))
                .startsWith("3:Error grabbing logs: the log output exceeds the response size limit of 60 bytes");
    }

    @Test
    void ttyIsRaw() {
        resource("web-abc1234-1", "main", T0, "stderr", "tty line");
        LogTarget tty = new LogTarget("web", "web-abc1234", "main", Map.of(), true);
        ApiResponse r = handler(LogTable.AUTO, 1000, 1 << 20).logs(get("stdout=1&stderr=1"), tty);
        assertThat(r.headers()).containsEntry("Content-Type", "application/vnd.docker.raw-stream");
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("tty line\n");
    }

    @Test
    void throttlingAndServerErrorsAreRetriedHonouringRetryAfter() {
        resource("web-abc1234-1", "main", T0, "stdout", "after retries");
        la.fail(new LogAnalyticsStandIn.Failure(
                429, "7", LogAnalyticsStandIn.error("TooManyRequests", "slow down", null)));
        la.fail(new LogAnalyticsStandIn.Failure(
                503, null, LogAnalyticsStandIn.error("ServiceUnavailable", "busy", null)));
        assertThat(frames(handler(LogTable.AUTO, 1000, 1 << 20)
                        .logs(get("stdout=1"), TARGET)
                        .body()))
                .containsExactly("1:after retries\n");
        assertThat(slept).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(1));
        // each attempt's server timeout is what is left of the 60 s deadline, less the client's 5 s
        assertThat(la.received)
                .extracting(LogAnalyticsStandIn.Received::prefer)
                .containsExactly("wait=55", "wait=48", "wait=47");
    }

    @Test
    void retriesStopAtTheDeadlineAndFailuresNameLogAnalytics() {
        for (int i = 0; i < 5; i++) {
            la.fail(new LogAnalyticsStandIn.Failure(
                    429, "4", LogAnalyticsStandIn.error("TooManyRequests", "slow down", null)));
        }
        // 10 s: the first retry (4 s later) still has 1 s of server timeout, a second one would have none
        assertThatThrownBy(() -> handler(LogTable.AUTO, 1000, 1 << 20, Duration.ofSeconds(10))
                        .logs(get("stdout=1"), TARGET))
                .isInstanceOfSatisfying(
                        DockerApiException.class,
                        e -> assertThat(e.kind()).isEqualTo(DockerApiException.Kind.UNAVAILABLE))
                .hasMessage("Log Analytics: the logs request deadline of 10 s leaves no time to retry after 2 attempts:"
                        + " HTTP 429 TooManyRequests: slow down");
        assertThat(la.received).extracting(LogAnalyticsStandIn.Received::prefer).containsExactly("wait=5", "wait=1");
        la.fail(new LogAnalyticsStandIn.Failure(
                403, null, LogAnalyticsStandIn.error("InsufficientAccessError", "no access", null)));
        assertThatThrownBy(() -> handler(LogTable.AUTO, 1000, 1 << 20).logs(get("stdout=1"), TARGET))
                .isInstanceOfSatisfying(
                        DockerApiException.class, e -> assertThat(e.kind()).isEqualTo(DockerApiException.Kind.SYSTEM))
                .hasMessageContaining("Log Analytics query failed: HTTP 403 InsufficientAccessError: no access");
    }

    @Test
    void hostileNamesNeverReachTheService() {
        LogTarget hostile = new LogTarget("web", "web-abc1234' or 1==1 or ContainerName == '", "main", Map.of(), false);
        assertThatThrownBy(() -> handler(LogTable.AUTO, 1000, 1 << 20).logs(get("stdout=1"), hostile))
                .isInstanceOf(DockerApiException.class)
                .hasMessageContaining("invalid ACA job execution name");
        LogTarget hostileContainer = new LogTarget("web", "web-abc1234", "main@' | take 100000 //", Map.of(), false);
        assertThatThrownBy(() -> handler(LogTable.AUTO, 1000, 1 << 20).logs(get("stdout=1"), hostileContainer))
                .isInstanceOf(DockerApiException.class)
                .hasMessageContaining("invalid ACA container name");
        assertThat(la.received).isEmpty();
    }

    @Test
    void executionsWithSimilarNamesNeverSeeEachOthersLinesInEitherTable() {
        // execution sl-a-0123456789ab-k2m4p7q of job sl-a-0123456789ab has a plain replica (<execution>-<random>)
        // and an indexed one (<execution>-<index>-<random>); execution ...-k2m4p7qx of job sl-a-0123456789ab-k
        // (names are made up to share the prefix) must not leak into it, nor it into the other. All use "main".
        String mine = "sl-a-0123456789ab-k2m4p7q";
        String longer = "sl-a-0123456789ab-k2m4p7qx";
        for (String column : List.of("ContainerGroupName_s", "PodName_s")) {
            legacy(column, mine + "-x9z8w", "main", T0.plusSeconds(1), "stdout", "mine (" + column + ")");
            legacy(column, mine + "-0-b5n7m", "main", T0.plusSeconds(2), "stdout", "mine, indexed (" + column + ")");
            legacy(column, longer + "-r2t4y", "main", T0.plusSeconds(3), "stdout", "longer (" + column + ")");
        }
        resource(mine + "-x9z8w", "main", T0.plusSeconds(4), "stdout", "mine (resource)");
        resource(mine + "-0-b5n7m", "main", T0.plusSeconds(5), "stdout", "mine, indexed (resource)");
        resource(longer + "-r2t4y", "main", T0.plusSeconds(6), "stdout", "longer (resource)");
        LogTarget mineTarget = new LogTarget("sl-a-0123456789ab", mine, "main", Map.of(), false);
        LogTarget longerTarget = new LogTarget("sl-a-0123456789ab-k", longer, "main", Map.of(), false);
        for (LogTable table : LogTable.values()) {
            List<String> legacy =
                    table == LogTable.RESOURCE_SPECIFIC ? List.of() : List.of("ContainerGroupName_s", "PodName_s");
            List<String> resource = table == LogTable.LEGACY ? List.of() : List.of("resource");
            for (String tail : List.of("all", "10")) { // forward pages and the one-query tail
                LogsHandler h = handler(table, 1000, 1 << 20);
                assertThat(frames(
                                h.logs(get("stdout=1&tail=" + tail), mineTarget).body()))
                        .as(table + " " + tail)
                        .containsExactlyElementsOf(expected(legacy, resource, "mine", "mine, indexed"));
                assertThat(frames(h.logs(get("stdout=1&tail=" + tail), longerTarget)
                                .body()))
                        .as(table + " " + tail)
                        .containsExactlyElementsOf(expected(legacy, resource, "longer"));
            }
        }
        LogTarget prefixOnly = new LogTarget("sl-a-0123456789ab", "sl-a-0123456789ab-k2m4p7", "main", Map.of(), false);
        assertThat(handler(LogTable.AUTO, 1000, 1 << 20)
                        .logs(get("stdout=1"), prefixOnly)
                        .body())
                .isEmpty();
    }

    /** The frames in time order: each line for every legacy column, then the resource-specific lines. */
    private static List<String> expected(List<String> legacyColumns, List<String> resource, String... who) {
        List<String> out = new ArrayList<>();
        List.of(who).forEach(w -> legacyColumns.forEach(c -> out.add("1:" + w + " (" + c + ")\n")));
        resource.forEach(r -> List.of(who).forEach(w -> out.add("1:" + w + " (" + r + ")\n")));
        return out;
    }

    @Test
    void aWorkspaceWhoseLegacyTableHasOnlyPodNameIsRead() {
        legacy("PodName_s", "web-abc1234-g9p1u", "main", T0.plusSeconds(1), "stdout", "gpu one");
        legacy("PodName_s", "web-abc1234-g9p1u", "main", T0.plusSeconds(2), "stderr", "gpu two");
        legacy("PodName_s", "web-zzz9999-g9p1u", "main", T0.plusSeconds(3), "stdout", "other execution");
        assertThat(la.columns(LogAnalyticsStandIn.LEGACY)).contains("PodName_s").doesNotContain("ContainerGroupName_s");
        // the stand-in's tables hold no job column that Azure does not document
        assertThatThrownBy(() -> la.add(LogAnalyticsStandIn.LEGACY, Map.of("ContainerJobName_s", "web")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> la.add(LogAnalyticsStandIn.RESOURCE, Map.of("PodName", "web-abc1234-1")))
                .isInstanceOf(IllegalArgumentException.class);
        for (LogTable table : List.of(LogTable.LEGACY, LogTable.AUTO)) {
            assertThat(frames(handler(table, 1000, 1 << 20)
                            .logs(get("stdout=1&stderr=1"), TARGET)
                            .body()))
                    .containsExactly("1:gpu one\n", "2:gpu two\n");
        }
        // a consumption replica later in the same workspace adds ContainerGroupName_s: both kinds are read
        legacy("web-abc1234-c0n5u", "main", T0.plusSeconds(4), "stdout", "consumption");
        assertThat(frames(handler(LogTable.LEGACY, 1000, 1 << 20)
                        .logs(get("stdout=1&stderr=1&tail=2"), TARGET)
                        .body()))
                .containsExactly("2:gpu two\n", "1:consumption\n");
    }

    @Test
    void aSlowQueryRunsIntoItsServerTimeoutAndTheErrorNamesIt() {
        resource("web-abc1234-1", "main", T0, "stdout", "too late");
        la.delay = Duration.ofSeconds(30);
        long started = System.nanoTime();
        LogAnalyticsLogSource source = new LogAnalyticsLogSource(
                LogAnalyticsLogSource.client(la.endpoint(), null),
                WorkspaceLocator.fixed(WS),
                LogTable.AUTO,
                1000,
                1 << 20,
                Duration.ofMillis(7900),
                Clock.systemUTC(),
                d -> Thread.sleep(d.toMillis()));
        assertThatThrownBy(() -> new LogsHandler(source, 1 << 20).logs(get("stdout=1"), TARGET))
                .isInstanceOfSatisfying(
                        DockerApiException.class,
                        e -> assertThat(e.kind()).isEqualTo(DockerApiException.Kind.UNAVAILABLE))
                .hasMessageStartingWith(
                        "Log Analytics query timed out: it ran into its server timeout of 2 s"
                                + " (Prefer: wait, what was left of the logs request deadline of 7.9 s): HTTP 504 GatewayTimeout");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(7));
        assertThat(la.received).extracting(LogAnalyticsStandIn.Received::prefer).containsExactly("wait=2");
        // a query answered within its server timeout is a result
        la.delay = Duration.ofMillis(300);
        assertThat(frames(new LogsHandler(source, 1 << 20)
                        .logs(get("stdout=1"), TARGET)
                        .body()))
                .containsExactly("1:too late\n");
    }

    @Test
    void theDeadlineCoversAllPagesOfARequest() {
        for (int i = 0; i < 23; i++) {
            resource("web-abc1234-1", "main", T0.plusSeconds(i), "stdout", "line " + i);
        }
        la.onQuery = () -> clock.advance(Duration.ofSeconds(50)); // each page takes 50 s
        // lines already read are sent, then a stream-3 frame says which limit ended the output
        List<String> f = frames(handler(LogTable.AUTO, 4, 1 << 20, Duration.ofSeconds(170))
                .logs(get("stdout=1"), TARGET)
                .body());
        assertThat(f).hasSize(17);
        assertThat(f.get(15)).isEqualTo("1:line 15\n");
        assertThat(f.get(16))
                .isEqualTo(
                        "3:Error grabbing logs: Log Analytics: the logs request deadline of 170 s passed after 4 queries\n");
        assertThat(la.received)
                .extracting(LogAnalyticsStandIn.Received::prefer)
                .containsExactly("wait=165", "wait=115", "wait=65", "wait=15");
        la.onQuery = () -> {};
        la.received.clear();
        assertThat(frames(handler(LogTable.AUTO, 4, 1 << 20, LogAnalyticsLogSource.DEFAULT_DEADLINE)
                        .logs(get("stdout=1"), TARGET)
                        .body()))
                .hasSize(23);
        assertThat(la.received.get(0).prefer()).isEqualTo("wait=165");
    }
}
