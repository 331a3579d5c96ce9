package dev.sockerless.aca.follow;

import dev.sockerless.aca.logs.LogLine;
import java.util.Objects;

/** A line in the follow cache: its position in the execution's cached log (0, 1, 2, ...) and the line. */
public record CachedLine(long seq, LogLine line) {

    public CachedLine {
        if (seq < 0) {
            throw new IllegalArgumentException("seq must not be negative");
        }
        Objects.requireNonNull(line, "line");
    }
}
