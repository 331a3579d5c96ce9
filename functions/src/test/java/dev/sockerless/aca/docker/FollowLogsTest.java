package dev.sockerless.aca.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sockerless.aca.containers.ContainerRecord;
import dev.sockerless.aca.containers.Execution;
import dev.sockerless.aca.containers.InMemoryContainerStore;
import dev.sockerless.aca.follow.CountingLogCache;
import dev.sockerless.aca.follow.FollowPoller;
import dev.sockerless.aca.follow.FollowSettings;
import dev.sockerless.aca.follow.FollowTargets;
import dev.sockerless.aca.follow.FollowWatermark;
import dev.sockerless.aca.follow.InMemoryLogCache;
import dev.sockerless.aca.follow.LogCache;
import dev.sockerless.aca.logs.LogAnalyticsLogSource;
import dev.sockerless.aca.logs.LogTable;
import dev.sockerless.aca.logs.LogTarget;
import dev.sockerless.aca.logs.WorkspaceLocator;
import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.state.TableStorageLogCache;
import dev.sockerless.aca.state.Tables;
import dev.sockerless.aca.testing.LogAnalyticsStandIn;
import dev.sockerless.aca.testing.SharedServices;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Follow end to end without a host: rows in the Log Analytics stand-in (late, out of order, duplicated by the
 * overlap), the poller filling the in-memory cache, and clients looping on the long-poll handler until Ended.
 */
class FollowLogsTest {

    static final String WS = "11111111-2222-3333-4444-555555555555";
    static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");
    static final Instant ING = Instant.parse("2030-01-01T00:00:00Z");

    LogAnalyticsStandIn la;
    InMemoryContainerStore store = new InMemoryContainerStore();
    LogCache cache = new InMemoryLogCache();
    FollowSettings settings = new FollowSettings(
            Duration.ofSeconds(2),
            Duration.ofMillis(30),
            Duration.ofSeconds(120),
            Duration.ofSeconds(300),
            Duration.ofHours(24),
            Duration.ofSeconds(30),
            50_000);
    FollowPoller poller;
    LogAnalyticsLogSource source;
    FollowLogsHandler handler;

    @BeforeEach
    void start() throws Exception {
        la = new LogAnalyticsStandIn(WS);
        wire();
    }

    /** {@link #wire()} with another long-poll wait. */
    void wire(Duration longPoll) {
        settings = new FollowSettings(
                settings.poll(),
                longPoll,
                settings.idle(),
                settings.grace(),
                settings.retention(),
                settings.overlap(),
                settings.rowLimit());
        wire();
    }

    /** The poller and the handler over {@link #cache}. */
    void wire() {
        la.createTable(LogAnalyticsStandIn.RESOURCE);
        source = new LogAnalyticsLogSource(
                LogAnalyticsLogSource.client(la.endpoint(), null),
                WorkspaceLocator.fixed(WS),
                LogTable.RESOURCE_SPECIFIC,
                1000,
                1 << 20,
                Duration.ofSeconds(60),
                Clock.systemUTC(),
                d -> {});
        FollowTargets targets = id -> store.find(id)
                .map(c -> new FollowTargets.Followed(
                        c.execution() == null
                                ? null
                                : new LogTarget(c.jobName(), c.execution().name(), c.jobName(), Map.of(), false),
                        c.execution() != null && c.execution().isFinished(),
                        T0.minusSeconds(3600)));
        poller = new FollowPoller(cache, targets, source::followRows, LogTable.RESOURCE_SPECIFIC, settings);
        handler = new FollowLogsHandler(
                store,
                cache,
                settings.longPoll(),
                1 << 20,
                Clock.systemUTC(),
                new FollowWatermark(cache, Duration.ofMillis(5)));
    }

    @AfterEach
    void stop() {
        la.close();
    }

    ContainerRecord container(String job, boolean finished) {
        return container(job, job + "-abc1234", finished);
    }

    ContainerRecord container(String job, String execution, boolean finished) {
        String id = String.format("%064x", job.hashCode() & 0xffffffffL);
        Execution e = new Execution(execution, finished ? "Succeeded" : "Running", null, T0, finished ? T0 : null);
        ContainerRecord c = new ContainerRecord(
                id,
                job,
                T0,
                "img",
                Digest.parse("sha256:" + "b".repeat(64)),
                "img@sha256:" + "a".repeat(64),
                "{}",
                "{}",
                "{}",
                job,
                "0".repeat(64),
                9111,
                e);
        if (store.find(id).isEmpty()) {
            store.create(c);
        }
        return c;
    }

    void line(String job, int tsMillis, int ingSeconds, String text) {
        la.add(
                LogAnalyticsStandIn.RESOURCE,
                Map.of(
                        "TimeGenerated",
                        T0.plusMillis(tsMillis),
                        "JobName",
                        "k8s-" + job,
                        "ContainerGroupName",
                        job + "-abc1234-r1",
                        "ContainerName",
                        job,
                        "Stream",
                        "stdout",
                        "Log",
                        text),
                ING.plusSeconds(ingSeconds));
    }

    /** Every line a client gets by calling until a call brings nothing. */
    List<String> drain(ContainerRecord c, String cursor) {
        List<String> got = new ArrayList<>();
        Batch b;
        do {
            b = call(c, cursor);
            got.addAll(b.lines());
            cursor = b.cursor();
        } while (!b.lines().isEmpty());
        return got;
    }

    /** One client call: (lines, cursor, ended). */
    record Batch(List<String> lines, String cursor, boolean ended) {}

    Batch call(ContainerRecord c, String cursor) {
        Map<String, String> q = new HashMap<>(Map.of("follow", "1", "stdout", "1", "stderr", "1"));
        if (cursor != null) {
            q.put("cursor", cursor);
        }
        ApiRequest r = new ApiRequest(
                "GET", new ApiVersion(1, 43), "/containers/" + c.id() + "/logs", q, Map.of(), new byte[0]);
        ApiResponse resp = handler.follow(r, store.find(c.id()).orElseThrow(), false, Map.of(), () -> {});
        List<String> lines = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(resp.body());
        while (b.remaining() >= 8) {
            b.position(b.position() + 4);
            byte[] p = new byte[b.getInt()];
            b.get(p);
            lines.add(new String(p, StandardCharsets.UTF_8).stripTrailing());
        }
        return new Batch(
                lines,
                resp.headers().get(FollowLogsHandler.CURSOR),
                Boolean.parseBoolean(resp.headers().get(FollowLogsHandler.ENDED)));
    }

    @Test
    void lateAndOutOfOrderLinesReachAClientExactlyOnceUntilTheLogEnds() {
        ContainerRecord c = container("web", false);
        line("web", 1000, 1, "one");
        line("web", 2000, 2, "two");
        Batch b = call(c, null); // registers the follower; nothing cached yet
        assertThat(b.lines()).isEmpty();
        assertThat(b.ended()).isFalse();
        Instant now = T0;
        poller.poll(now, false);
        List<String> got = new ArrayList<>();
        b = call(c, b.cursor());
        got.addAll(b.lines());
        line("web", 4000, 10, "four");
        line("web", 3000, 5, "three (late, ingested earlier than four)");
        line("web", 5000, 11, "same");
        line("web", 5000, 11, "same");
        poller.poll(now = now.plusSeconds(2), false);
        poller.poll(now = now.plusSeconds(2), false); // the overlap returns everything again: no duplicates
        b = call(c, b.cursor());
        got.addAll(b.lines());
        store.saveExecution(c.id(), new Execution("web-abc1234", "Succeeded", 0, T0, now));
        line("web", 6000, 12, "last words");
        poller.poll(now = now.plusSeconds(2), false);
        poller.poll(now = now.plusSeconds(400), false); // grace over, no new lines: ended
        while (!b.ended()) {
            b = call(c, b.cursor());
            got.addAll(b.lines());
        }
        assertThat(got)
                .containsExactly(
                        "one", "two", "three (late, ingested earlier than four)", "four", "same", "same", "last words");
        assertThat(poller.poll(now.plusSeconds(2), false).followed()).isZero();
    }

    @Test
    void fiftyContainersWithSeveralReadersEachCostOneQueryPerPoll() {
        List<ContainerRecord> cs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ContainerRecord c = container("job" + i, false);
            cs.add(c);
            for (int n = 0; n < 3; n++) {
                line("job" + i, n * 10, i * 3 + n, "line " + n);
            }
        }
        Map<String, List<String>> cursors = new HashMap<>();
        for (ContainerRecord c : cs) {
            for (int r = 0; r < 3; r++) {
                cursors.computeIfAbsent(c.id(), k -> new ArrayList<>())
                        .add(call(c, null).cursor());
            }
        }
        int before = la.received.size();
        assertThat(poller.poll(T0, false).followed()).isEqualTo(50);
        poller.poll(T0.plusSeconds(2), false);
        assertThat(la.received.size() - before).isEqualTo(2);
        for (ContainerRecord c : cs) {
            for (String cursor : cursors.get(c.id())) {
                assertThat(call(c, cursor).lines()).containsExactly("line 0", "line 1", "line 2");
            }
        }
        assertThat(la.received.size() - before).isEqualTo(2); // readers never query Log Analytics
    }

    @Test
    void aPollsStorageWorkDoesNotAddUpPerContainerAndAQuietPollWritesNothing() {
        CountingLogCache counting = new CountingLogCache(cache);
        cache = counting;
        wire();
        List<ContainerRecord> cs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            cs.add(container("busy" + i, false));
            line("busy" + i, 0, i, "first of busy" + i);
        }
        cs.forEach(c -> call(c, null));
        poller.poll(T0, false);
        assertThat(counting.appends.get()).isEqualTo(40);

        // every state read and append now takes 50 ms: one after another, a poll of 40 would take 2–4 s
        counting.latency = Duration.ofMillis(50);
        counting.appends.set(0);
        long start = System.nanoTime();
        poller.poll(T0.plusSeconds(2), false);
        Duration quiet = Duration.ofNanos(System.nanoTime() - start);
        assertThat(counting.appends.get())
                .as("appends of a poll with nothing new")
                .isZero();
        assertThat(quiet).isLessThan(Duration.ofMillis(1000));

        cs.forEach(c -> line(c.name(), 5, 100, "second of " + c.name()));
        start = System.nanoTime();
        poller.poll(T0.plusSeconds(4), false);
        Duration busy = Duration.ofNanos(System.nanoTime() - start);
        assertThat(counting.appends.get()).isEqualTo(40);
        assertThat(busy).isLessThan(Duration.ofMillis(1500));
        counting.latency = Duration.ZERO;
        assertThat(drain(cs.get(7), null)).containsExactly("first of busy7", "second of busy7");
    }

    @Test
    void oneCombinedPollKeepsExecutionsWithSimilarNamesApartInBothTables() {
        // job sl-a runs execution sl-a-abc1234; job sl-a-abc1234x runs sl-a-abc1234x-abc1234, whose replicas start with
        // "sl-a-abc1234" too, but not with "sl-a-abc1234-". Both main containers are called "main" here.
        ContainerRecord a = container("sl-a", false);
        ContainerRecord b = container("sl-a-abc1234x", false);
        int[] ing = {0};
        for (String exec : List.of("sl-a-abc1234", "sl-a-abc1234x-abc1234")) {
            String who = exec.equals("sl-a-abc1234") ? "a" : "b";
            for (String column : List.of("ContainerGroupName_s", "PodName_s")) {
                la.add(
                        LogAnalyticsStandIn.LEGACY,
                        Map.of(
                                "TimeGenerated",
                                T0.plusSeconds(++ing[0]),
                                column,
                                exec + "-r" + ing[0],
                                "ContainerName_s",
                                "main",
                                "Stream_s",
                                "stdout",
                                "Log_s",
                                who + " " + column),
                        ING.plusSeconds(ing[0]));
            }
            la.add(
                    LogAnalyticsStandIn.RESOURCE,
                    Map.of(
                            "TimeGenerated",
                            T0.plusSeconds(++ing[0]),
                            "JobName",
                            "k8s",
                            "ContainerGroupName",
                            exec + "-r" + ing[0],
                            "ContainerName",
                            "main",
                            "Stream",
                            "stdout",
                            "Log",
                            who + " resource"),
                    ING.plusSeconds(ing[0]));
        }
        FollowTargets main = id -> store.find(id)
                .map(c -> new FollowTargets.Followed(
                        new LogTarget(c.jobName(), c.execution().name(), "main", Map.of(), false),
                        false,
                        T0.minusSeconds(3600)));
        FollowPoller both = new FollowPoller(cache, main, source::followRows, LogTable.AUTO, settings);
        String ca = call(a, null).cursor();
        String cb = call(b, null).cursor();
        int before = la.received.size();
        both.poll(T0, false);
        assertThat(la.received.size() - before).isEqualTo(1);
        assertThat(call(a, ca).lines()).containsExactly("a ContainerGroupName_s", "a PodName_s", "a resource");
        assertThat(call(b, cb).lines()).containsExactly("b ContainerGroupName_s", "b PodName_s", "b resource");
    }

    @Test
    void aContainerNoReaderAsksAboutIsNoLongerFollowed() {
        ContainerRecord c = container("idle", false);
        call(c, null);
        assertThat(poller.poll(Instant.now(), false).followed()).isEqualTo(1);
        assertThat(poller.poll(Instant.now().plusSeconds(121), false).followed())
                .isZero();
        assertThat(cache.followers()).isEmpty();
    }

    @Test
    void aRemovedContainersCacheIsDeleted() {
        ContainerRecord c = container("gone", false);
        line("gone", 0, 1, "x");
        call(c, null);
        poller.poll(Instant.now(), false);
        assertThat(cache.state(c.id())).isPresent();
        store.delete(c.id());
        poller.poll(Instant.now(), false);
        assertThat(cache.state(c.id())).isEmpty();
    }

    @Test
    void hostileOutputAndAHostileExecutionNameDoNotStopTheOthers() {
        var tables = Tables.serviceClient(SharedServices.azurite().connectionString());
        tables.deleteTable(TableStorageLogCache.TABLE); // Azurite keeps what earlier runs wrote
        cache = new TableStorageLogCache(tables);
        // a long-poll answers by its deadline even when the storage has not: give Azurite time to answer
        wire(Duration.ofSeconds(3)); // and this shared machine time to read ~3 MB of escaped lines
        List<ContainerRecord> healthy = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            healthy.add(container("ok" + i, false));
        }
        // stored before names were checked: not a name a query may carry
        ContainerRecord badName = container("badname", "Bad'Name\n| union *", false);
        ContainerRecord noisy = container("noisy", false);
        // ANSI escapes and binary bytes: JSON escapes each as \\u00XX, six characters for one
        String hostile = "\u001b[31m\u0000\u0001\u0002\u0007\u001b[0m".repeat(300) + "\u0000";
        List<String> noisyLines = new ArrayList<>();
        for (int n = 0; n < 200; n++) {
            noisyLines.add(n + hostile);
            line("noisy", n, 1, n + hostile);
        }
        Map<ContainerRecord, String> cursors = new HashMap<>();
        for (ContainerRecord c : List.of(healthy.get(0), healthy.get(1), healthy.get(2), badName, noisy)) {
            cursors.put(c, call(c, null).cursor());
        }
        for (int n = 0; n < 3; n++) {
            for (int i = 0; i < healthy.size(); i++) {
                line("ok" + i, 100 + n, 2 + n, "ok" + i + " line " + n);
            }
        }
        poller.poll(T0, false);
        poller.poll(T0.plusSeconds(2), false);
        for (int i = 0; i < healthy.size(); i++) {
            assertThat(drain(healthy.get(i), cursors.get(healthy.get(i))))
                    .containsExactly("ok" + i + " line 0", "ok" + i + " line 1", "ok" + i + " line 2");
        }
        List<String> got = drain(noisy, cursors.get(noisy));
        assertThat(got).hasSize(noisyLines.size());
        for (int n = 0; n < got.size(); n++) {
            assertThat(got.get(n))
                    .as("noisy line %d", n)
                    .isEqualTo(noisyLines.get(n).stripTrailing());
        }
        assertThat(cache.followers()).extracting(LogCache.Follower::containerId).contains(badName.id());
        assertThat(cache.state(badName.id())).isEmpty(); // never queried
    }

    @Test
    void waitingReadersReadTheCacheOnlyWhenTheWatermarkMovesOneThreadReadsIt() throws Exception {
        CountingLogCache counting = new CountingLogCache(cache);
        cache = counting;
        wire(Duration.ofMillis(800));
        List<ContainerRecord> cs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            cs.add(container("w" + i, false));
            line("w" + i, 0, 1, "first of w" + i);
        }
        cs.forEach(c -> call(c, null));
        poller.poll(T0, false);
        List<String> cursors = new ArrayList<>();
        cs.forEach(c -> cursors.add(call(c, null).cursor())); // each gets its first line at once
        // 20 readers wait 800 ms on a log with nothing new: the old loop read each one's state every 5 ms
        counting.stateReads.set(0);
        counting.lineReads.set(0);
        ExecutorService readers = Executors.newFixedThreadPool(cs.size());
        List<Future<Batch>> waits = new ArrayList<>();
        for (int i = 0; i < cs.size(); i++) {
            ContainerRecord c = cs.get(i);
            String cursor = cursors.get(i);
            waits.add(readers.submit(() -> call(c, cursor)));
        }
        for (Future<Batch> w : waits) {
            assertThat(w.get().lines()).isEmpty();
        }
        readers.shutdown();
        // one each at the start, at most one more each when this process first reads the watermark; not per tick
        assertThat(counting.stateReads.get())
                .as("state reads of 20 waiting readers")
                .isLessThanOrEqualTo(2 * cs.size());
        assertThat(counting.lineReads.get()).isZero();
        assertThat(counting.markReads.get()).as("watermark reads, one thread").isPositive();
        // a new line wakes its reader, which then reads
        line("w3", 5, 9, "second of w3");
        poller.poll(T0.plusSeconds(2), false);
        assertThat(call(cs.get(3), cursors.get(3)).lines()).containsExactly("second of w3");
    }

    @Test
    void aLongPollAnswersByItsDeadlineWhileTheStorageDoesNot() throws Exception {
        CountingLogCache counting = new CountingLogCache(cache);
        cache = counting;
        wire(Duration.ofMillis(300));
        ContainerRecord c = container("stuck", false);
        line("stuck", 0, 1, "x");
        String cursor = call(c, null).cursor();
        poller.poll(T0, false);
        counting.stall = new CountDownLatch(1); // every storage read of a reader now hangs
        ExecutorService one = Executors.newSingleThreadExecutor();
        Future<Batch> answer = one.submit(() -> call(c, cursor));
        try {
            // liveness, not speed: without the deadline guard this never returns while the storage hangs
            Batch b = answer.get(30, TimeUnit.SECONDS);
            assertThat(b.lines()).isEmpty();
            assertThat(b.ended()).isFalse();
            assertThat(b.cursor()).isEqualTo(cursor); // nothing was delivered: the client asks again from there
        } finally {
            counting.stall.countDown();
            one.shutdownNow();
        }
    }
}
