package dev.sockerless.aca.docker;

import dev.sockerless.aca.containers.ContainerRecord;
import dev.sockerless.aca.containers.ContainerStore;
import dev.sockerless.aca.containers.Execution;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.follow.CachedLine;
import dev.sockerless.aca.follow.FollowCursor;
import dev.sockerless.aca.follow.FollowStarter;
import dev.sockerless.aca.follow.FollowState;
import dev.sockerless.aca.follow.FollowWatermark;
import dev.sockerless.aca.follow.LogCache;
import dev.sockerless.aca.io.DaemonThreads;
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
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

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

    private final ContainerStore store;
    private final LogCache cache;
    private final Duration wait;
    private final long maxResponseBytes;
    private final Clock clock;
    private final FollowWatermark watermark;

    /**
     * @param watermark what readers wait on between cache reads (one per process and cache: it holds the thread
     *                  that reads the watermark)
     */
    public FollowLogsHandler(
            ContainerStore store,
            LogCache cache,
            Duration wait,
            long maxResponseBytes,
            Clock clock,
            FollowWatermark watermark) {
        this.store = store;
        this.cache = cache;
        this.wait = wait;
        this.maxResponseBytes = maxResponseBytes;
        this.clock = clock;
        this.watermark = watermark;
    }

    /** Storage work of a long-poll, run so that the answer never waits for it past the deadline. */
    private static final ExecutorService STORAGE = Executors.newCachedThreadPool(DaemonThreads.named("follow-read"));

    /** What the lookup of a followed container finds: the record, whether it has a TTY, its labels. */
    public record Target(ContainerRecord container, boolean tty, Map<String, String> labels) {}

    /**
     * A long-poll whose container is looked up inside its deadline: the wait starts when the request does, and a
     * lookup the storage does not answer in time gives the answer with what the request knows — a continuation's
     * cursor unchanged, no lines (the client calls again from there) — or, for a first call (no cursor yet), a 503.
     */
    public ApiResponse follow(ApiRequest request, Supplier<Target> lookup, FollowStarter starter) {
        Instant deadline = clock.instant().plus(wait);
        Optional<FollowCursor> given =
                request.param("cursor").filter(c -> !c.isBlank()).map(FollowCursor::decode);
        Target target = bounded(deadline, lookup);
        if (target == null) {
            if (given.isPresent()) {
                FollowCursor c = given.get();
                return response(type(c.tty(), request), new byte[0], c, false);
            }
            throw DockerApiException.unavailable(
                    "the state storage did not answer within the logs follow wait (SOCKERLESS_FOLLOW_WAIT_SECONDS);"
                            + " call again",
                    null);
        }
        return follow(request, target.container(), target.tty(), target.labels(), starter, deadline);
    }

    public ApiResponse follow(
            ApiRequest request,
            ContainerRecord container,
            boolean tty,
            Map<String, String> labels,
            FollowStarter starter) {
        return follow(request, container, tty, labels, starter, clock.instant().plus(wait));
    }

    private ApiResponse follow(
            ApiRequest request,
            ContainerRecord container,
            boolean tty,
            Map<String, String> labels,
            FollowStarter starter,
            Instant deadline) {
        Map<String, String> params = request.query();
        if (request.param("cursor").isPresent() && !params.containsKey("stdout") && !params.containsKey("stderr")) {
            // A continuation needs only the cursor: it carries the first call's stream filter.
            params = new java.util.HashMap<>(params);
            params.put("stdout", "1");
            params.put("stderr", "1");
        }
        LogQuery query = LogsParameters.parse(params);
        FollowCursor first = request.param("cursor")
                .filter(c -> !c.isBlank())
                .map(FollowCursor::decode)
                .orElseGet(() -> FollowCursor.first(container.id(), query, tty));
        if (!first.containerId().equals(container.id())) {
            throw DockerApiException.invalid("the logs cursor belongs to another container");
        }
        String type = type(tty, request);
        LogLineFormatter formatter = new LogLineFormatter(
                query.timestamps(), query.details(), labels == null ? Map.of() : new TreeMap<>(labels));
        if (bounded(deadline, () -> {
                    cache.markRead(container.id(), clock.instant());
                    starter.ensureRunning();
                    return Boolean.TRUE;
                })
                == null) {
            return response(type, new byte[0], first, false);
        }
        Step step = new Step(null, first, container, watermark.current(container.id()));
        while (true) {
            Step at = step;
            String seen = at.mark();
            Step next = bounded(deadline, () -> step(at.current(), at.cursor(), seen, tty, type, formatter));
            if (next == null) {
                return response(type, new byte[0], at.cursor(), false); // the storage is slow: answer on time
            }
            if (next.response() != null) {
                return next.response();
            }
            Instant now = clock.instant();
            if (!now.isBefore(deadline)) {
                return response(type, new byte[0], next.cursor(), false);
            }
            String mark;
            try {
                mark = watermark.await(container.id(), seen, Duration.between(now, deadline));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return response(type, new byte[0], next.cursor(), false);
            }
            step = new Step(null, next.cursor(), next.current(), mark);
            if (Objects.equals(mark, seen) && !clock.instant().isBefore(deadline)) {
                return response(type, new byte[0], next.cursor(), false);
            }
        }
    }

    /** One look at the cache: an answer, or where to go on from (cursor, container, the watermark mark seen). */
    private record Step(
            @Nullable ApiResponse response,
            FollowCursor cursor,
            ContainerRecord current,
            @Nullable String mark) {}

    private Step step(
            ContainerRecord current,
            FollowCursor cursor,
            @Nullable String mark,
            boolean tty,
            String type,
            LogLineFormatter formatter) {
        String id = current.id();
        if (current.findExecution().isEmpty() && mark != null) {
            current = store.find(id).orElse(current); // the watermark moved: maybe it started
        }
        Optional<Execution> execution = current.findExecution();
        if (execution.isPresent()) {
            String name = execution.get().name();
            if (cursor.execution() != null && !cursor.execution().equals(name)) {
                // the container ran again: the followed execution's log is complete
                return new Step(response(type, new byte[0], cursor, true), cursor, current, mark);
            }
            Optional<FollowState> state =
                    cache.state(id).filter(s -> s.execution().equals(name));
            if (state.isPresent() && state.get().primed()) {
                Batch batch =
                        cursor.started() ? next(id, name, cursor, state.get()) : first(id, name, cursor, state.get());
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
                    return new Step(response(type, writer.toByteArray(), moved, ended), moved, current, mark);
                }
                return new Step(null, moved, current, mark);
            }
        }
        return new Step(null, cursor, current, mark);
    }

    /**
     * How long a storage step may take when it starts at or just before the deadline: a fast read begun then still
     * answers, a stalled one is given up. No answer comes later than the deadline plus this (the lookup included).
     */
    static final Duration STORAGE_GRACE = Duration.ofMillis(250);

    private static String type(boolean tty, ApiRequest request) {
        return tty || request.version().below(1, 42) ? LogsHandler.RAW : LogsHandler.MULTIPLEXED;
    }

    /**
     * The value, or null when the time ran out first (the work goes on; its result is dropped): until the deadline,
     * or {@link #STORAGE_GRACE} from now when less is left, but never past the deadline plus the grace.
     */
    private <T> @Nullable T bounded(Instant deadline, Supplier<T> work) {
        Future<T> f = STORAGE.submit(work::get);
        try {
            Instant now = clock.instant();
            long left = Math.min(
                    Math.max(
                            STORAGE_GRACE.toMillis(),
                            Duration.between(now, deadline).toMillis()),
                    Duration.between(now, deadline.plus(STORAGE_GRACE)).toMillis());
            if (left <= 0) {
                f.cancel(true);
                return null;
            }
            return f.get(left, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The lines to send and the sequence number after the last one looked at. */
    record Batch(List<CachedLine> lines, long end) {}

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
                boolean since =
                        cursor.since().map(s -> !l.line().time().isBefore(s)).orElse(true);
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
        return new ApiResponse(
                200, Map.of("Content-Type", type, CURSOR, cursor.encode(), ENDED, String.valueOf(ended)), body);
    }
}
