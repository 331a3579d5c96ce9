package dev.sockerless.aca.follow;

/**
 * Makes sure the workspace's poller is running (the Durable Functions singleton on Azure, the in-process driver
 * locally). Called by every follow request; cheap when it already runs.
 */
@FunctionalInterface
public interface FollowStarter {

    void ensureRunning();

    FollowStarter NONE = () -> {};
}
