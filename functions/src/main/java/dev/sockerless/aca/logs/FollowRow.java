package dev.sockerless.aca.logs;

import java.time.Instant;
import java.util.Objects;

/**
 * One row of a follow poll: the line time, the ingestion time, which replica and template container wrote it,
 * the stream and the text. Several executions' rows come back from one query and are fanned out by
 * {@link dev.sockerless.aca.follow.FollowPlan#owner}.
 */
public record FollowRow(
        Instant time, Instant ingested, String replica, String container, StreamType stream, String text) {

    public FollowRow {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(ingested, "ingested");
        replica = replica == null ? "" : replica;
        container = container == null ? "" : container;
        Objects.requireNonNull(stream, "stream");
        text = text == null ? "" : text;
    }
}
