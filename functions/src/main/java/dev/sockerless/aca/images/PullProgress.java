package dev.sockerless.aca.images;

import org.jspecify.annotations.Nullable;

/** Receives the progress of a pull, in the order Docker reports it. */
public interface PullProgress {

    /** A status line, optionally about one item ({@code id}), e.g. {@code Pulling from library/alpine} / {@code latest}. */
    void status(String status, @Nullable String id);

    default void status(String status) {
        status(status, null);
    }
}
