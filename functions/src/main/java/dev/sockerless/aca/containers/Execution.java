package dev.sockerless.aca.containers;

import dev.sockerless.aca.errors.DockerApiException;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The latest ACA job execution of a container, as reported by {@code PUT .../execution}.
 *
 * @param status     the ACA execution status (Running, Processing, Succeeded, Failed, Stopped, Degraded, Unknown)
 * @param exitCode   the exit code when known, else null
 * @param startedAt  when the execution was first seen running, or null
 * @param finishedAt when it was first seen finished, or null
 */
public record Execution(
        String name,
        String status,
        @Nullable Integer exitCode,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt) {

    /** An ACA execution name ({@code <job>-<suffix>}): a DNS label without "--" (it is a prefix of replica names). */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    /** The statuses of ACA's {@code JobExecutionRunningState}, in lower case. */
    public static final Set<String> STATUSES =
            Set.of("running", "processing", "succeeded", "failed", "stopped", "degraded", "unknown");

    public Execution {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
    }

    /** Whether {@code name} follows ACA's execution naming rules (so it is safe in queries and keys). */
    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches() && !name.contains("--");
    }

    /**
     * {@code name} when it is a valid execution name; else 400 naming it and the rule. Checked where names are
     * written (the execution report, the lifecycle's start), so a stored name never poisons a log query.
     */
    public static String checkName(String name) {
        if (!validName(name)) {
            throw DockerApiException.invalid("invalid ACA job execution name " + printable(name) + ": lowercase"
                    + " letters, digits and single '-', a letter or digit first and last, at most 63 characters");
        }
        return name;
    }

    /** {@code status} when it is an ACA execution status (any case); else 400 listing them. */
    public static String checkStatus(String status) {
        if (status == null || !STATUSES.contains(status.toLowerCase(Locale.ROOT))) {
            throw DockerApiException.invalid("invalid ACA job execution status " + printable(status) + ": one of"
                    + " Running, Processing, Succeeded, Failed, Stopped, Degraded, Unknown");
        }
        return status;
    }

    /**
     * Refuses a write that would take a finished execution back to a non-final status (a late or duplicated report
     * racing the one that saw it end): 409 naming both. A new execution name, or a final status, always follows.
     */
    public static void checkSuccessor(@Nullable Execution current, Execution next) {
        if (current != null && current.name.equals(next.name) && current.isFinished() && !next.isFinished()) {
            throw DockerApiException.conflict("ACA job execution " + current.name + " already ended " + current.status
                    + ": its status cannot go back to " + next.status);
        }
    }

    /** A value for a message: quoted, control characters replaced, at most 80 characters. */
    public static String printable(String s) {
        if (s == null) {
            return "null";
        }
        String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
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

    /**
     * The exit code Docker reports: the recorded one; else 0 for Succeeded (every container of the execution exited
     * 0) and while not finished; else 1, which only says the execution did not succeed ({@link #exitCodeKnown()} is
     * false and inspect's {@code State.Error} says so).
     */
    public int dockerExitCode() {
        if (exitCode != null) {
            return exitCode;
        }
        return !isFinished() || isSucceeded() ? 0 : 1;
    }

    /** Whether {@link #dockerExitCode()} is the real exit code (recorded, or 0 from Succeeded) rather than a stand-in. */
    public boolean exitCodeKnown() {
        return exitCode != null || isSucceeded() || !isFinished();
    }

    public boolean isSucceeded() {
        return "succeeded".equalsIgnoreCase(status);
    }

    /**
     * Docker's {@code State.Error}: for a finished execution that did not succeed and whose exit code is unknown, that
     * it is unknown; empty otherwise (a known exit code speaks for itself, as with dockerd).
     */
    public String dockerError() {
        if (exitCodeKnown()) {
            return "";
        }
        return "ACA job execution " + name + " ended " + status
                + "; Azure recorded no exit code for it, so ExitCode 1 only says that it did not succeed";
    }

    public Execution withExitCode(Integer code) {
        return new Execution(name, status, code, startedAt, finishedAt);
    }

    /**
     * This execution as ARM now reports it ({@code status}, start and end time; null times keep the known ones). The
     * recorded exit code is kept; a final status without an end time ends at {@code now}.
     */
    public Execution observed(String armStatus, @Nullable Instant armStart, @Nullable Instant armEnd, Instant now) {
        Execution e = new Execution(name, armStatus, exitCode, armStart != null ? armStart : startedAt, null);
        Instant finished = null;
        if (e.isFinished()) {
            finished = armEnd != null ? armEnd : finishedAt != null ? finishedAt : now;
        }
        return new Execution(name, armStatus, exitCode, e.startedAt, finished);
    }

    /**
     * The execution after a report at {@code now}: a new execution name starts afresh; start and finish times are
     * set once, when first seen.
     */
    public static Execution next(
            @Nullable Execution previous, String name, String status, @Nullable Integer exitCode, Instant now) {
        Execution same = previous != null && previous.name.equals(name) ? previous : null;
        Instant started = same != null ? same.startedAt : null;
        Instant finished = same != null ? same.finishedAt : null;
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
