package dev.sockerless.aca.follow;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A follow cache that counts the reads readers make ({@link #state}, {@link #read}, {@link #marks}) and can hold
 * every reader read until {@link #stall} is released (a storage that stopped answering).
 */
public final class CountingLogCache implements LogCache {

    private final LogCache inner;
    public final AtomicInteger stateReads = new AtomicInteger();
    public final AtomicInteger lineReads = new AtomicInteger();
    public final AtomicInteger markReads = new AtomicInteger();
    public final AtomicInteger appends = new AtomicInteger();
    /** How long each state read and append takes (a storage round-trip); zero: as fast as the inner cache. */
    public volatile Duration latency = Duration.ZERO;
    /** When set, reader reads wait for it. */
    public volatile CountDownLatch stall;

    public CountingLogCache(LogCache inner) {
        this.inner = inner;
    }

    private void roundTrip() {
        try {
            Thread.sleep(latency.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void gate() {
        CountDownLatch s = stall;
        if (s != null) {
            try {
                s.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void markRead(String containerId, Instant at) {
        gate();
        inner.markRead(containerId, at);
    }

    @Override
    public List<Follower> followers() {
        return inner.followers();
    }

    @Override
    public boolean unfollow(Follower seen) {
        return inner.unfollow(seen);
    }

    @Override
    public Optional<FollowState> state(String containerId) {
        stateReads.incrementAndGet();
        gate();
        roundTrip();
        return inner.state(containerId);
    }

    @Override
    public void append(String containerId, List<CachedLine> lines, FollowState expected, FollowState state) {
        appends.incrementAndGet();
        roundTrip();
        inner.append(containerId, lines, expected, state);
    }

    @Override
    public List<CachedLine> read(String containerId, String execution, long fromSeq, int max) {
        lineReads.incrementAndGet();
        gate();
        return inner.read(containerId, execution, fromSeq, max);
    }

    @Override
    public Map<String, String> marks() {
        markReads.incrementAndGet();
        gate();
        return inner.marks();
    }

    @Override
    public void publishMarks(Map<String, String> marks) {
        inner.publishMarks(marks);
    }

    @Override
    public void delete(String containerId) {
        inner.delete(containerId);
    }

    @Override
    public int purge(Instant cutoff) {
        return inner.purge(cutoff);
    }
}
