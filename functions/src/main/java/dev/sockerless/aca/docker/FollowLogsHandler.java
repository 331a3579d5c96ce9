package dev.sockerless.aca.docker;

import dev.sockerless.aca.containers.ContainerRecord;
import dev.sockerless.aca.containers.Execution;
import dev.sockerless.aca.containers.ContainerStore;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.logs.CachedLine;
import dev.sockerless.aca.logs.FollowCursor;
import dev.sockerless.aca.logs.FollowStarter;
import dev.sockerless.aca.logs.FollowState;
import dev.sockerless.aca.logs.LogCache;
import dev.sockerless.aca.logs.LogLineFormatter;
import dev.sockerless.aca.logs.LogQuery;
import dev.sockerless.aca.logs.LogsParameters;
import dev.sockerless.aca.logs.MultiplexedStreamWriter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code GET /containers/{id}/logs?follow=1}: a bounded long-poll batch (the Functions worker cannot stream). It
 * reads the follow cache the workspace's poller fills, never Log Analytics, so the number of log queries does not
 * depend on the number of readers. It answers as soon as there are new lines, when the log has ended, or after
 * {@code SOCKERLESS_FOLLOW_WAIT_SECONDS} with none; headers {@value #CURSOR} (pass back as {@code ?cursor=}) and
 * {@value #ENDED}. The first call applies {@code since}/{@code tail}/{@code stdout}/{@code stderr}/{@code until};
 * later calls continue after the cursor with the same stream filter ({@code timestamps}/{@code details} are
 * taken from each request).
 */
public final class FollowLogsHandler {

    public static final String CURSOR = "Sockerless-Logs-Cursor";
    public static final String ENDED = "Sockerless-Logs-Ended";
    static final int MAX_LINES = 10_000;
    static final int PAGE = 5_000;

    /** Sleeps between cache reads (tests substitute a fake clock). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final ContainerStore store;
    private final LogCache cache;
    private final Duration wait;
    private final Duration recheck;
    private final long maxResponseBytes;
    private final Clock clock;
    private final Sleeper sleeper;

    public FollowLogsHandler(ContainerStore store, LogCache cache, Duration wait, Duration recheck, long maxResponseBytes,
                             Clock clock, Sleeper sleeper) {
        this.store = store;
        this.cache = cache;
        this.wait = wait;
        this.recheck = recheck;
        this.maxResponseBytes = maxResponseBytes;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    public ApiResponse follow(ApiRequest request, ContainerRecord container, boolean tty, Map<String, String> labels,
                              FollowStarter starter) {
        Map<String, String> params = request.query();
        if (request.param("cursor").isPresent() && !params.containsKey("stdout") && !params.containsKey("stderr")) {
            // A continuation needs only the cursor: it carries the first call's stream filter.
            params = new java.util.HashMap<>(params);
            params.put("stdout", "1");
            params.put("stderr", "1");
        }
        LogQuery query = LogsParameters.parse(params);
        FollowCursor cursor = request.param("cursor").filter(c -> !c.isBlank()).map(FollowCursor::decode)
                .orElseGet(() -> FollowCursor.first(container.id(), query));
        if (!cursor.containerId().equals(container.id())) {
            throw DockerApiException.invalid("the logs cursor belongs to another container");
        }
        String type = tty || request.version().below(1, 42) ? LogsHandler.RAW : LogsHandler.MULTIPLEXED;
        LogLineFormatter formatter = new LogLineFormatter(query.timestamps(), query.details(),
                labels == null ? Map.of() : new TreeMap<>(labels));
        Instant deadline = clock.instant().plus(wait);
        cache.markRead(container.id(), clock.instant());
        starter.ensureRunning();
        ContainerRecord current = container;
        while (true) {
            Optional<Execution> execution = current.findExecution();
            if (execution.isPresent()) {
                String name = execution.get().name();
                if (cursor.execution() != null && !cursor.execution().equals(name)) {
                    // the container ran again: the followed execution's log is complete
                    return response(type, new byte[0], cursor, true);
                }
                Optional<FollowState> state = cache.state(container.id()).filter(s -> s.execution().equals(name));
                if (state.isPresent() && state.get().primed()) {
                    Batch batch = cursor.started() ? next(container.id(), name, cursor, state.get())
                            : first(container.id(), name, cursor, state.get());
                    MultiplexedStreamWriter writer = new MultiplexedStreamWriter(tty, maxResponseBytes);
                    long after = batch.end();
                    for (CachedLine line : batch.lines()) {
                        if (!writer.write(line.line().stream(), formatter.format(line.line()))) {
                            after = line.seq();
                            break;
                        }
                    }
                    FollowCursor moved = cursor.at(name, after);
                    boolean ended = state.get().ended() && after >= state.get().nextSeq();
                    if (writer.size() > 0 || ended) {
                        return response(type, writer.toByteArray(), moved, ended);
                    }
                    cursor = moved;
                }
            }
            Instant now = clock.instant();
            if (!now.isBefore(deadline)) {
                return response(type, new byte[0], cursor, false);
            }
            Duration pause = Duration.between(now, deadline);
            try {
                sleeper.sleep(pause.compareTo(recheck) < 0 ? pause : recheck);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return response(type, new byte[0], cursor, false);
            }
            if (execution.isEmpty()) {
                current = store.find(container.id()).orElse(current);
            }
        }
    }

    /** The lines to send and the sequence number after the last one looked at. */
    record Batch(List<CachedLine> lines, long end) {
    }

    /** Lines after the cursor, up to {@link #MAX_LINES} wanted ones. */
    private Batch next(String id, String execution, FollowCursor cursor, FollowState state) {
        List<CachedLine> out = new ArrayList<>();
        long from = cursor.next();
        while (from < state.nextSeq() && out.size() < MAX_LINES) {
            List<CachedLine> page = cache.read(id, execution, from, PAGE);
            if (page.isEmpty()) {
                break;
            }
            for (CachedLine l : page) {
                if (l.seq() >= state.nextSeq()) {
                    return new Batch(out, from); // written ahead of the state: not committed yet
                }
                from = l.seq() + 1;
                if (cursor.wants(l.line())) {
                    out.add(l);
                    if (out.size() >= MAX_LINES) {
                        break;
                    }
                }
            }
        }
        return new Batch(out, from);
    }

    /** The first batch: every cached line, filtered by {@code since}, the last {@code tail} of them. */
    private Batch first(String id, String execution, FollowCursor cursor, FollowState state) {
        ArrayDeque<CachedLine> kept = new ArrayDeque<>();
        int limit = cursor.tail() < 0 ? Integer.MAX_VALUE : cursor.tail();
        long from = 0;
        while (from < state.nextSeq()) {
            List<CachedLine> page = cache.read(id, execution, from, PAGE);
            if (page.isEmpty() || page.get(0).seq() >= state.nextSeq()) {
                break;
            }
            for (CachedLine l : page) {
                if (l.seq() >= state.nextSeq()) {
                    break;
                }
                from = l.seq() + 1;
                boolean since = cursor.since().map(s -> !l.line().time().isBefore(s)).orElse(true);
                if (since && cursor.wants(l.line()) && limit > 0) {
                    kept.addLast(l);
                    if (kept.size() > limit) {
                        kept.removeFirst();
                    }
                }
            }
        }
        List<CachedLine> out = new ArrayList<>(kept);
        if (out.size() > MAX_LINES) {
            long end = out.get(MAX_LINES).seq();
            return new Batch(out.subList(0, MAX_LINES), end);
        }
        return new Batch(out, from);
    }

    private static ApiResponse response(String type, byte[] body, FollowCursor cursor, boolean ended) {
        return new ApiResponse(200, Map.of("Content-Type", type, CURSOR, cursor.encode(), ENDED, String.valueOf(ended)),
                body);
    }
}
