package dev.sockerless.aca.lifecycle;

import dev.sockerless.aca.agent.JobResource;
import dev.sockerless.aca.containers.ContainerJobs;
import dev.sockerless.aca.containers.ContainerLookup;
import dev.sockerless.aca.containers.ContainerRecord;
import dev.sockerless.aca.containers.ContainerStore;
import dev.sockerless.aca.containers.Execution;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.logs.ExitCodes;
import dev.sockerless.aca.logs.LogTarget;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Docker's container lifecycle on ACA job executions (aca-jobs-lifecycle.md): start creates or updates the job and
 * starts an execution, stop and kill stop it, remove deletes the job, and a container's state is its latest
 * execution's status in ARM. Statuses are cached for {@code statusTtl}; a final status is stored in the container
 * record and never read again, so listing n containers costs at most one ARM read per running one per TTL.
 */
public final class ContainerLifecycle {

    /** What a start, stop or restart did: Docker answers 204, or 304 when there was nothing to do. */
    public enum Outcome { DONE, NOT_MODIFIED }

    /** A wait's answer: the exit, or still pending when the budget ended (never a 2xx: the CLI would read it). */
    public sealed interface WaitResult {
        /** The execution finished; {@code error} is Docker's wait {@code Error.Message}, or null. */
        record Exited(int statusCode, String error) implements WaitResult {
        }

        record Pending(String message) implements WaitResult {
        }
    }

    /** Sleeps (tests pass a clock-advancing one). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    public static final List<String> WAIT_CONDITIONS = List.of("not-running", "next-exit", "removed");
    /** How long after an execution ended its exit code is still looked for in the system logs (ingestion delay). */
    public static final Duration EXIT_CODE_WINDOW = Duration.ofMinutes(15);

    private record Cached(Execution execution, Instant at) {
    }

    private final ContainerStore store;
    private final ContainerLookup lookup;
    private final ContainerJobs jobs;
    private final Supplier<JobsApi> arm;
    private final Supplier<ExitCodes> exitCodes;
    private final Clock clock;
    private final Duration statusTtl;
    private final Duration waitPoll;
    private final Sleeper sleeper;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /**
     * @param arm       the ARM jobs API, asked for on first use (its settings are needed only then)
     * @param statusTtl how long an execution status read from ARM is reused
     * @param waitPoll  how often a wait reads the status again
     */
    public ContainerLifecycle(ContainerStore store, ContainerJobs jobs, Supplier<JobsApi> arm, Clock clock,
                              Duration statusTtl, Duration waitPoll, Sleeper sleeper) {
        this(store, jobs, arm, () -> ExitCodes.NONE, clock, statusTtl, waitPoll, sleeper);
    }

    /** @param exitCodes where Azure records exit codes (the system logs), asked for on first use */
    public ContainerLifecycle(ContainerStore store, ContainerJobs jobs, Supplier<JobsApi> arm,
                              Supplier<ExitCodes> exitCodes, Clock clock, Duration statusTtl, Duration waitPoll,
                              Sleeper sleeper) {
        this.exitCodes = Objects.requireNonNull(exitCodes, "exitCodes");
        this.store = Objects.requireNonNull(store, "store");
        this.lookup = new ContainerLookup(store);
        this.jobs = Objects.requireNonNull(jobs, "jobs");
        this.arm = Objects.requireNonNull(arm, "arm");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.statusTtl = statusTtl;
        this.waitPoll = waitPoll;
        this.sleeper = sleeper;
    }

    /** The container by ID, name or unique ID prefix, with its current state (404 {@code No such container}). */
    public ContainerRecord get(String idOrName) {
        return current(lookup.get(idOrName), false);
    }

    /** Every container with its current state. */
    public List<ContainerRecord> list() {
        List<ContainerRecord> out = new ArrayList<>();
        for (ContainerRecord c : store.list()) {
            out.add(current(c, false));
        }
        return out;
    }

    /** {@link #current(ContainerRecord, boolean)}, keeping the recorded state when ARM fails. */
    public ContainerRecord current(ContainerRecord c) {
        return current(c, false);
    }

    /**
     * The container with its execution's status from ARM (cached). A final status is stored. With {@code strict},
     * ARM failures are errors; otherwise the recorded state stands (list and inspect keep working).
     */
    ContainerRecord current(ContainerRecord c, boolean strict) {
        Execution e = c.execution();
        if (e == null) {
            return c;
        }
        Instant now = clock.instant();
        if (e.isFinished()) {
            return withExitCode(c, e, now);
        }
        Cached hit = cache.get(e.name());
        if (hit != null && hit.at().plus(statusTtl).isAfter(now)) {
            return c.withExecution(hit.execution());
        }
        JobsApi.ExecutionStatus status;
        try {
            status = arm.get().execution(c.jobName(), e.name()).orElse(null);
        } catch (DockerApiException ex) {
            if (strict) {
                throw ex;
            }
            return c;
        }
        if (status == null) { // not an execution ARM knows (reported with PUT .../execution): the record stands
            cache.put(e.name(), new Cached(e, now));
            return c;
        }
        Execution observed = e.observed(status.status(), status.startTime(), status.endTime(), now);
        if (observed.isFinished()) {
            cache.remove(e.name());
            return withExitCode(store.saveExecution(c.id(), observed), observed, now);
        }
        cache.put(e.name(), new Cached(observed, now));
        return c.withExecution(observed);
    }

    /**
     * A finished execution without a known exit code, ended less than {@link #EXIT_CODE_WINDOW} ago: its code from the
     * system logs when Azure logged it (stored), looked up at most once per status period. Lookup failures leave it
     * unknown.
     */
    private ContainerRecord withExitCode(ContainerRecord c, Execution e, Instant now) {
        if (e.exitCodeKnown() || e.finishedAt() == null || e.finishedAt().plus(EXIT_CODE_WINDOW).isBefore(now)) {
            return c;
        }
        String key = "exit-code " + e.name();
        Cached tried = cache.get(key);
        if (tried != null && tried.at().plus(statusTtl).isAfter(now)) {
            return c;
        }
        cache.put(key, new Cached(e, now));
        Optional<Integer> code;
        try {
            code = exitCodes.get().exitCode(new LogTarget(c.jobName(), e.name(), c.jobName(), Map.of(), false));
        } catch (RuntimeException ex) {
            return c;
        }
        if (code.isEmpty()) {
            return c;
        }
        cache.remove(key);
        return store.saveExecution(c.id(), e.withExitCode(code.get()));
    }

    /** {@code POST /containers/{id}/start}: the job created or updated in ARM, then a new execution. */
    public Outcome start(String idOrName) {
        ContainerRecord c = current(lookup.get(idOrName), true);
        if (c.findExecution().map(Execution::isRunning).orElse(false)) {
            return Outcome.NOT_MODIFIED;
        }
        run(c);
        return Outcome.DONE;
    }

    private void run(ContainerRecord c) {
        JobResource job = jobs.job(c);
        JobsApi api = arm.get();
        api.createOrUpdate(job.name(), job.json());
        String execution = api.start(job.name());
        Instant now = clock.instant();
        Execution running = new Execution(execution, "Running", null, now, null);
        store.saveExecution(c.id(), running);
        cache.put(execution, new Cached(running, now));
    }

    /** {@code POST /containers/{id}/stop}: the execution stopped in ARM; 304 when not running. */
    public Outcome stop(String idOrName) {
        ContainerRecord c = current(lookup.get(idOrName), true);
        if (!c.findExecution().map(Execution::isRunning).orElse(false)) {
            return Outcome.NOT_MODIFIED;
        }
        halt(c);
        return Outcome.DONE;
    }

    /** {@code POST /containers/{id}/kill}: as stop (a job execution takes no signal); 409 when not running. */
    public void kill(String idOrName) {
        ContainerRecord c = current(lookup.get(idOrName), true);
        if (!c.findExecution().map(Execution::isRunning).orElse(false)) {
            throw DockerApiException.conflict("Container " + c.id() + " is not running");
        }
        halt(c);
    }

    /** {@code POST /containers/{id}/restart}: stop when running, then a new execution. */
    public void restart(String idOrName) {
        ContainerRecord c = current(lookup.get(idOrName), true);
        if (c.findExecution().map(Execution::isRunning).orElse(false)) {
            c = halt(c);
        }
        run(c);
    }

    private ContainerRecord halt(ContainerRecord c) {
        Execution e = c.execution();
        arm.get().stopExecution(c.jobName(), e.name());
        cache.remove(e.name());
        Instant now = clock.instant();
        return store.saveExecution(c.id(), new Execution(e.name(), "Stopped", e.exitCode(), e.startedAt(), now));
    }

    /**
     * {@code DELETE /containers/{id}?force=}: 409 for a running container without force; with force the execution is
     * stopped first. Then the job is deleted in ARM and the record removed.
     */
    public void remove(String idOrName, boolean force) {
        ContainerRecord c = current(lookup.get(idOrName), true);
        boolean running = c.findExecution().map(Execution::isRunning).orElse(false);
        if (running && !force) {
            throw DockerApiException.conflict("cannot remove container \"/" + c.name()
                    + "\": container is running: stop the container before removing or force remove");
        }
        if (running) {
            arm.get().stopExecution(c.jobName(), c.execution().name());
        }
        delete(c);
    }

    private void delete(ContainerRecord c) {
        arm.get().delete(c.jobName());
        if (c.execution() != null) {
            cache.remove(c.execution().name());
        }
        if (!store.delete(c.id())) {
            throw DockerApiException.notFound("No such container: " + c.id());
        }
    }

    /** {@code POST /containers/prune}: every container not running, its job deleted; their IDs. */
    public List<String> prune(java.util.function.Predicate<ContainerRecord> filter) {
        List<String> removed = new ArrayList<>();
        for (ContainerRecord c : list()) {
            if (!c.findExecution().map(Execution::isRunning).orElse(false) && filter.test(c)) {
                delete(c);
                removed.add(c.id());
            }
        }
        return removed;
    }

    /**
     * {@code POST /containers/{id}/wait?condition=}: polls the status until the execution finished or {@code budget}
     * ran out. A container that never ran: at once, exit 0 for {@code not-running}, pending for the others.
     */
    public WaitResult await(String idOrName, String condition, Duration budget) throws InterruptedException {
        String cond = condition == null || condition.isEmpty() ? "not-running" : condition.toLowerCase(Locale.ROOT);
        if (!WAIT_CONDITIONS.contains(cond)) {
            throw DockerApiException.invalid("invalid condition: \"" + condition + "\"");
        }
        ContainerRecord c = lookup.get(idOrName);
        Instant deadline = clock.instant().plus(budget);
        while (true) {
            c = current(c, true);
            Execution e = c.execution();
            if (e == null) {
                return cond.equals("not-running") ? new WaitResult.Exited(0, null)
                        : new WaitResult.Pending("container " + c.id() + " has not started: wait again after starting it");
            }
            if (e.isFinished()) {
                String error = e.exitCodeKnown() ? null : e.dockerError();
                return new WaitResult.Exited(e.dockerExitCode(), error);
            }
            if (!e.isRunning() && cond.equals("not-running")) {
                return new WaitResult.Exited(0, null);
            }
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero()) {
                return new WaitResult.Pending("container " + c.id() + " is still running: wait again");
            }
            sleeper.sleep(left.compareTo(waitPoll) < 0 ? left : waitPoll);
        }
    }
}
