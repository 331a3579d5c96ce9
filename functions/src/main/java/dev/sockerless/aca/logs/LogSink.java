package dev.sockerless.aca.logs;

/** Receives lines oldest first. */
public interface LogSink {

    /** Takes one line; {@code false} when the sink is full and the source should stop reading. */
    boolean accept(LogLine line);

    /** Told when the source had to leave lines out (too many to hold); the response ends with this note. */
    void truncated(String message);
}
