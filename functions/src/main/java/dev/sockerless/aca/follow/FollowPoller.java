package dev.sockerless.aca.follow;

import dev.sockerless.aca.io.DaemonThreads;
import dev.sockerless.aca.logs.ContainerLogsKql;
import dev.sockerless.aca.logs.FollowRow;
import dev.sockerless.aca.logs.LogAnalyticsLogSource;
import dev.sockerless.aca.logs.LogTable;
import dev.sockerless.aca.logs.LogTarget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * One poll of the workspace (the body of the follow activity): reads the followed containers from the cache, drops
 * the idle, removed and ended ones, asks Log Analytics ONCE for all the others, de-duplicates each container's rows
 * against its {@link FollowState}, appends the new lines to the cache and marks logs ended after the grace period.
 * Returns how many containers are still followed: the orchestration ends at 0.
 */
public final class FollowPoller {

    /** What a poll did (the activity's result). */
    public record Outcome(int followed, int queried, int appended, boolean more) {}

    private static final Logger LOG = Logger.getLogger(FollowPoller.class.getName());

    /** How many containers' storage work of a poll runs at once. */
    static final int PARALLEL = 8;

    private static final ExecutorService WORK =
            Executors.newFixedThreadPool(PARALLEL, DaemonThreads.named("follow-poll"));

    private final LogCache cache;
    private final FollowTargets targets;
    private final Function<String, List<FollowRow>> query;
    private final LogTable table;
    private final FollowSettings settings;

    /** @param query runs one poll query (KQL) and returns its rows ({@link LogAnalyticsLogSource#followRows}) */
    public FollowPoller(
            LogCache cache,
            FollowTargets targets,
            Function<String, List<FollowRow>> query,
            LogTable table,
            FollowSettings settings) {
        this.cache = cache;
        this.targets = targets;
        this.query = query;
        this.table = table;
        this.settings = settings;
    }

    public Outcome poll(Instant now, boolean purge) {
        if (purge) {
            cache.purge(now.minus(settings.retention()));
        }
        List<FollowPlan.Item> items = new ArrayList<>();
        Map<String, FollowState> states = new HashMap<>();
        Map<String, FollowState> stored = new HashMap<>();
        Map<String, Boolean> finished = new HashMap<>();
        Instant notBefore = null;
        int followed = 0;
        // each follower's storage reads (its container, its state) run side by side: one tick's round-trips do not
        // add up with the number of followed containers
        List<LogCache.Follower> followers = cache.followers();
        List<Future<Planned>> planning = new ArrayList<>(followers.size());
        for (LogCache.Follower f : followers) {
            planning.add(WORK.submit(() -> plan(f, now)));
        }
        for (int i = 0; i < followers.size(); i++) {
            String id = followers.get(i).containerId();
            Planned p;
            try {
                p = result(planning.get(i));
            } catch (RuntimeException e) {
                // one container must not stop the others: it stays followed and is tried again next poll
                dropped(id, e);
                followed++;
                continue;
            }
            if (p == null) {
                continue;
            }
            followed++;
            FollowPlan.Item item = p.item();
            if (item == null) {
                continue;
            }
            items.add(item);
            states.put(id, Objects.requireNonNull(p.state())); // planned with its item
            stored.put(id, p.stored());
            finished.put(id, p.followed().finished());
            Instant nb = p.followed().notBefore();
            notBefore = notBefore == null || nb.isBefore(notBefore) ? nb : notBefore;
        }
        if (items.isEmpty()) {
            return new Outcome(followed, 0, 0, false);
        }
        FollowPlan plan = new FollowPlan(items, Objects.requireNonNull(notBefore)); // set with the first item
        List<FollowRow> rows = query.apply(plan.kql(table, settings.rowLimit()));
        Map<String, List<FollowRow>> byContainer = plan.fanOut(rows);
        List<Future<Written>> writing = new ArrayList<>(items.size());
        for (FollowPlan.Item item : items) {
            String id = item.key();
            FollowState state = Objects.requireNonNull(states.get(id)); // every item has its state
            FollowState before = stored.get(id);
            boolean ended = Objects.requireNonNull(finished.get(id));
            List<FollowRow> mine = byContainer.getOrDefault(id, List.of());
            writing.add(WORK.submit(() -> write(id, state, before, ended, mine, now)));
        }
        Map<String, String> marks = new HashMap<>();
        int appended = 0;
        for (int i = 0; i < items.size(); i++) {
            String id = items.get(i).key();
            try {
                Written w = result(writing.get(i));
                appended += w.lines();
                marks.put(id, w.mark());
            } catch (RuntimeException e) {
                dropped(id, e); // its state did not move: the next poll asks for the same rows again
                FollowState before = stored.get(id);
                if (before != null) {
                    marks.put(id, before.mark());
                }
            }
        }
        try {
            cache.publishMarks(marks); // after the appends: a reader woken by a mark finds its lines
        } catch (RuntimeException e) {
            LOG.warning(
                    "follow: the watermark was not published (readers wait until the next poll): " + e.getMessage());
        }
        return new Outcome(followed, 1, appended, rows.size() >= settings.rowLimit());
    }

    /** What a container's write did: how many lines it appended, and its mark after them. */
    private record Written(int lines, String mark) {}

    /**
     * De-duplicates the container's rows against its state and appends the new lines with the new state; a poll
     * that changed nothing but the time writes nothing (the state's {@code UpdatedAt} is refreshed once in a
     * quarter of the retention, so the purge keeps it).
     */
    private Written write(
            String id,
            FollowState state,
            @Nullable FollowState stored,
            boolean finished,
            List<FollowRow> rows,
            Instant now) {
        FollowState.Merge merge = state.merge(rows, settings.overlap(), now);
        FollowState next = merge.state();
        if (finished) {
            Instant seenAt = next.terminalSeenAt();
            Instant seen = seenAt != null ? seenAt : now;
            boolean ended =
                    !now.isBefore(seen.plus(settings.grace())) && merge.lines().isEmpty();
            next = next.withTerminal(seen, ended, now);
        }
        Instant written = stored == null ? null : stored.updatedAt();
        if (merge.lines().isEmpty()
                && stored != null
                && next.sameAs(stored)
                && written != null
                && written.isAfter(now.minus(settings.retention().dividedBy(4)))) {
            return new Written(0, stored.mark());
        }
        cache.append(id, merge.lines(), stored, next);
        return new Written(merge.lines().size(), next.mark());
    }

    /** The task's value; its runtime exception as thrown. */
    private static <T> T result(Future<T> task) {
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** What one follower contributes: nothing (null: no longer followed), or its item (null: not started yet). */
    private record Planned(
            FollowTargets.Followed followed,
            FollowPlan.@Nullable Item item,
            @Nullable FollowState state,
            @Nullable FollowState stored) {}

    private @Nullable Planned plan(LogCache.Follower f, Instant now) {
        String id = f.containerId();
        if (f.lastReadAt().plus(settings.idle()).isBefore(now) && cache.unfollow(f)) {
            return null; // nobody reads it any more
        }
        Optional<FollowTargets.Followed> found = targets.find(id);
        if (found.isEmpty()) {
            cache.unfollow(f);
            cache.delete(id); // the container was removed
            return null;
        }
        FollowTargets.Followed t = found.get();
        LogTarget target = t.target();
        if (target == null) {
            return new Planned(t, null, null, null); // not started yet: keep following, nothing to ask
        }
        ContainerLogsKql.checkNames(target); // a name that cannot be queried is this container's problem only
        Optional<FollowState> stored = cache.state(id);
        FollowState state = stored.filter(s -> s.execution().equals(target.executionName()))
                .orElseGet(() -> FollowState.start(target.executionName(), now));
        if (state.ended()) {
            cache.unfollow(f);
            return null;
        }
        return new Planned(
                t, new FollowPlan.Item(id, target, state.queryFrom(settings.overlap())), state, stored.orElse(null));
    }

    private static void dropped(String containerId, RuntimeException e) {
        LOG.warning("follow: container " + containerId + " left out of this poll: " + e.getMessage());
    }
}
