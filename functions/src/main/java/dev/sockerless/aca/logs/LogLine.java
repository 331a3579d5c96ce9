package dev.sockerless.aca.logs;

import java.time.Instant;
import java.util.Objects;

/** One line of container output: when it was written, on which stream, and its text (without the line end). */
public record LogLine(Instant time, StreamType stream, String text) {

    public LogLine {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(stream, "stream");
        text = text == null ? "" : text;
    }
}
