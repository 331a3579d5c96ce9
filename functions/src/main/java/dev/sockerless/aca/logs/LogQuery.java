package dev.sockerless.aca.logs;

import java.time.Instant;
import java.util.Optional;

/**
 * The parameters of a logs request after parsing: which streams, the inclusive time bounds (full nanosecond
 * precision, empty = unbounded), how many of the last lines ({@link #ALL} = every line, 0 = none), and the line
 * prefixes.
 */
public record LogQuery(
        boolean stdout,
        boolean stderr,
        Optional<Instant> since,
        Optional<Instant> until,
        int tail,
        boolean timestamps,
        boolean details) {

    /** {@code tail} value meaning every line. */
    public static final int ALL = -1;

    public LogQuery {
        since = since == null ? Optional.empty() : since;
        until = until == null ? Optional.empty() : until;
        if (tail < 0) {
            tail = ALL;
        }
    }

    /** Both streams, everything, no prefixes. */
    public static LogQuery everything() {
        return new LogQuery(true, true, Optional.empty(), Optional.empty(), ALL, false, false);
    }

    public boolean allLines() {
        return tail == ALL;
    }

    /** True when the bounds exclude every line (until before since). */
    public boolean emptyRange() {
        return since.isPresent() && until.isPresent() && until.get().isBefore(since.get());
    }
}
