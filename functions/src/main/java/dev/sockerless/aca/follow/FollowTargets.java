package dev.sockerless.aca.follow;

import dev.sockerless.aca.logs.LogTarget;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** What the poller needs to know about a followed container (from the container table). */
@FunctionalInterface
public interface FollowTargets {

    /**
     * A followed container as the container table shows it.
     *
     * @param target     the latest execution's main container, or null before the first execution
     * @param finished   whether that execution has reached a final state
     * @param notBefore  no row of it can be older than this ({@code TimeGenerated} lower bound of the scan)
     */
    record Followed(@Nullable LogTarget target, boolean finished, Instant notBefore) {}

    /** The container, or empty when it no longer exists. */
    Optional<Followed> find(String containerId);
}
