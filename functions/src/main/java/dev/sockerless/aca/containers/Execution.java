package dev.sockerless.aca.containers;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * The latest ACA job execution of a container, as reported by {@code PUT .../execution}.
 *
 * @param status     the ACA execution status (Running, Processing, Succeeded, Failed, Stopped, Degraded, Unknown)
 * @param exitCode   the exit code when known, else null
 * @param startedAt  when the execution was first seen running, or null
 * @param finishedAt when it was first seen finished, or null
 */
public record Execution(String name, String status, Integer exitCode, Instant startedAt, Instant finishedAt) {

    public Execution {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
    }

    /** Docker's state word: created, running or exited. */
    public String dockerStatus() {
        return switch (status.toLowerCase(Locale.ROOT)) {
            case "running", "processing" -> "running";
            case "succeeded", "failed", "stopped", "degraded" -> "exited";
            default -> "created";
        };
    }

    public boolean isRunning() {
        return "running".equals(dockerStatus());
    }

    public boolean isFinished() {
        return "exited".equals(dockerStatus());
    }

    /** The exit code Docker reports: the given one, else 0 for success and 1 for any other end. */
    public int dockerExitCode() {
        if (exitCode != null) {
            return exitCode;
        }
        return !isFinished() || "succeeded".equalsIgnoreCase(status) ? 0 : 1;
    }

    /**
     * The execution after a report at {@code now}: a new execution name starts afresh; start and finish times are
     * set once, when first seen.
     */
    public static Execution next(Execution previous, String name, String status, Integer exitCode, Instant now) {
        boolean same = previous != null && previous.name.equals(name);
        Instant started = same ? previous.startedAt : null;
        Instant finished = same ? previous.finishedAt : null;
        Execution e = new Execution(name, status, exitCode, started, finished);
        if (started == null && (e.isRunning() || e.isFinished())) {
            started = now;
        }
        if (finished == null && e.isFinished()) {
            finished = now;
        }
        return new Execution(name, status, exitCode, started, finished);
    }
}
