package dev.sockerless.aca.follow;

import java.time.Duration;

/**
 * Follow timing: the poll interval, the long-poll wait, how long an unread container stays followed, the grace
 * period after an execution ended, how long cached lines are kept, the ingestion-time overlap of successive polls
 * and the row limit of one poll.
 */
public record FollowSettings(
        Duration poll,
        Duration longPoll,
        Duration idle,
        Duration grace,
        Duration retention,
        Duration overlap,
        int rowLimit) {

    public static FollowSettings defaults() {
        return new FollowSettings(
                Duration.ofSeconds(2),
                Duration.ofSeconds(20),
                Duration.ofSeconds(120),
                Duration.ofSeconds(300),
                Duration.ofHours(24),
                Duration.ofSeconds(30),
                50_000);
    }
}
