package dev.sockerless.aca.follow;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The follow cache: which containers readers follow, the poller's {@link FollowState} per container, and the
 * lines the poller has taken from Log Analytics, numbered per execution in delivery order. Readers only read it (and
 * mark themselves); the poller is its only writer of states and lines.
 */
public interface LogCache {

    /** A followed container and when a reader last asked about it. */
    record Follower(String containerId, Instant lastReadAt) {}

    /** Records that a reader asked about the container now: it is followed from now on (again). */
    void markRead(String containerId, Instant at);

    List<Follower> followers();

    /**
     * Stops following the container, unless a reader marked it after {@code seen} was read (then nothing changes).
     *
     * @return whether the container is no longer followed
     */
    boolean unfollow(Follower seen);

    Optional<FollowState> state(String containerId);

    /**
     * Appends lines (numbered from the previous state's {@code nextSeq}) and stores the new state, together: a
     * reader never sees a state that counts lines that are not there. Conditional: when the stored state is no
     * longer {@code expected} (what {@link #state} returned to this writer; null: none), nothing is written and the
     * result is CONFLICT, so a duplicated poll cannot interleave with another.
     */
    void append(String containerId, List<CachedLine> lines, @Nullable FollowState expected, FollowState state);

    /** {@link #append(String, List, FollowState, FollowState)} over whatever state is stored now. */
    default void append(String containerId, List<CachedLine> lines, FollowState state) {
        append(containerId, lines, state(containerId).orElse(null), state);
    }

    /** Up to {@code max} lines of the execution from {@code fromSeq} on, in order. */
    List<CachedLine> read(String containerId, String execution, long fromSeq, int max);

    /**
     * The workspace's watermark: per followed container the {@linkplain FollowState#mark mark} of its state, as the
     * poller last published it (one read, whatever the number of containers and readers).
     */
    java.util.Map<String, String> marks();

    /** Replaces the watermark (the poller, after each poll's appends). */
    void publishMarks(java.util.Map<String, String> marks);

    /** Forgets everything about the container (it was removed). */
    void delete(String containerId);

    /** Forgets the containers whose state was last written before {@code cutoff}; returns how many. */
    int purge(Instant cutoff);
}
