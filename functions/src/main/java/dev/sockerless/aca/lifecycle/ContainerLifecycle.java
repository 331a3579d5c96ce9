package dev.sockerless.aca.lifecycle;

import dev.sockerless.aca.agent.JobResource;
import dev.sockerless.aca.containers.ContainerJobs;
import dev.sockerless.aca.containers.ContainerLookup;
import dev.sockerless.aca.containers.ContainerRecord;
import dev.sockerless.aca.containers.ContainerStore;
import dev.sockerless.aca.containers.Execution;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.io.Backoff;
import dev.sockerless.aca.io.DaemonThreads;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Docker's container lifecycle on ACA job executions (README "Containers and their ACA jobs"): start creates or updates the job and
 * starts an execution, stop and kill stop it, remove deletes the job, and a container's state is its latest
 * execution's status in ARM. Statuses are cached for {@code statusTtl}; a final status is stored in the container
 * record and never read again, so listing n containers costs at most one ARM read per running one per TTL.
 */
public final class ContainerLifecycle {

    /** What a start, stop or restart did: Docker answers 204, or 304 when there was nothing to do. */
    public enum Outcome {
        DONE,
        NOT_MODIFIED
    }

    /** A wait's answer: the exit, or still pending when the budget ended (never a 2xx: the CLI would read it). */
    public sealed interface WaitResult {
        /** The execution finished; {@code error} is Docker's wait {@code Error.Message}, or null. */
        record Exited(int statusCode, @Nullable String error) implements WaitResult {}

        record Pending(String message) implements WaitResult {}
    }

    public static final List<String> WAIT_CONDITIONS = List.of("not-running", "next-exit", "removed");
    /** How long after an execution ended its exit code is still looked for in the system logs (ingestion delay). */
    public static final Duration EXIT_CODE_WINDOW = Duration.ofMinutes(15);
    /** How often one execution's exit code is looked for again while it is not logged. */
    public static final Duration EXIT_CODE_RETRY = Duration.ofSeconds(10);

    private record Cached(Execution execution, Instant at) {}

    /** Concurrent ARM reads of one listing. */
    static final int READ_CONCURRENCY = 8;

    private static final ExecutorService READS =
            Executors.newFixedThreadPool(READ_CONCURRENCY, DaemonThreads.named("arm-execution-read"));

    private final ContainerStore store;
    private final ContainerLookup lookup;
    private final ContainerJobs jobs;
    private final Supplier<JobsApi> arm;
    private final Supplier<ExitCodes> exitCodes;
    private final Clock clock;
    private final Duration statusTtl;
    private final Duration waitPoll;
    private final Backoff.Sleeper sleeper;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /**
     * @param arm       the ARM jobs API, asked for on first use (its settings are needed only then)
     * @param statusTtl how long an execution status read from ARM is reused
     * @param waitPoll  how often a wait reads the status again
     */
    public ContainerLifecycle(
            ContainerStore store,
            ContainerJobs jobs,
            Supplier<JobsApi> arm,
            Clock clock,
            Duration statusTtl,
            Duration waitPoll,
            Backoff.Sleeper sleeper) {
        this(store, jobs, arm, () -> ExitCodes.NONE, clock, statusTtl, waitPoll, sleeper);
    }

    /** @param exitCodes where Azure records exit codes (the system logs), asked for on first use */
    public ContainerLifecycle(
            ContainerStore store,
            ContainerJobs jobs,
            Supplier<JobsApi> arm,
            Supplier<ExitCodes> exitCodes,
            Clock clock,
            Duration statusTtl,
            Duration waitPoll,
            Backoff.Sleeper sleeper) {
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

    /**
     * Every container with its current state; the running ones' executions are read from ARM
     * {@value #READ_CONCURRENCY} at a time (well inside ARM's read bucket of 250 per principal).
     */
    public List<ContainerRecord> list() {
        List<CompletableFuture<ContainerRecord>> reads = new ArrayList<>();
        for (ContainerRecord c : store.list()) {
            Execution e = c.execution();
            boolean remote = e != null && (!e.isFinished() || !e.exitCodeKnown()); // ARM, or the system logs
            reads.add(
                    remote
                            ? CompletableFuture.supplyAsync(() -> current(c, false), READS)
                            : CompletableFuture.completedFuture(current(c, false)));
        }
        List<ContainerRecord> out = new ArrayList<>();
        for (CompletableFuture<ContainerRecord> read : reads) {
            try {
                out.add(read.join());
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
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
            ContainerRecord finished = withExitCode(c, e, now);
            if (ContainerJobs.autoRemove(finished)) {
                autoRemove(finished);
            }
            return finished;
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
            ContainerRecord finished = withExitCode(store.saveExecution(c.id(), observed), observed, now);
            if (ContainerJobs.autoRemove(finished)) {
                autoRemove(finished);
            }
            return finished;
        }
        cache.put(e.name(), new Cached(observed, now));
        return c.withExecution(observed);
    }

    /**
     * {@code docker run --rm}: the container's job and record go once it is seen finished (the caller still gets the
     * finished state, as dockerd's wait does). A failure leaves both for {@code docker rm} or a later read.
     */
    private void autoRemove(ContainerRecord c) {
        try {
            arm.get().delete(c.jobName());
            store.delete(c.id());
        } catch (DockerApiException ex) {
            // kept: removed by the next read that sees it finished, or by docker rm
        }
    }

    /**
     * A finished execution without a known exit code, ended less than {@link #EXIT_CODE_WINDOW} ago: its code from the
     * system logs when Azure logged it (stored), looked up at most once per {@link #EXIT_CODE_RETRY}. Lookup failures
     * leave it unknown.
     */
    private ContainerRecord withExitCode(ContainerRecord c, Execution e, Instant now) {
        if (e.exitCodeKnown()
                || e.finishedAt() == null
                || e.finishedAt().plus(EXIT_CODE_WINDOW).isBefore(now)) {
            return c;
        }
        String key = "exit-code " + e.name();
        Cached tried = cache.get(key);
        if (tried != null && tried.at().plus(EXIT_CODE_RETRY).isAfter(now)) {
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

    /**
     * The container with its current state, for a change: NOT_FOUND when it is gone, including a {@code --rm} one that
     * this read found finished (and removed).
     */
    private ContainerRecord live(String idOrName) {
        ContainerRecord c = current(lookup.get(idOrName), true);
        if (ContainerJobs.autoRemove(c)
                && c.findExecution().map(Execution::isFinished).orElse(false)) {
            throw DockerApiException.notFound("No such container: " + idOrName);
        }
        return c;
    }

    /** {@code POST /containers/{id}/start}: the job created or updated in ARM, then a new execution. */
    public Outcome start(String idOrName) {
        ContainerRecord c = live(idOrName);
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
        if (!Execution.validName(execution)) {
            throw DockerApiException.system(
                    "ARM started job " + job.name() + " as an execution with an invalid name "
                            + Execution.printable(execution) + "; it is not recorded",
                    null);
        }
        Instant now = clock.instant();
        Execution running = new Execution(execution, "Running", null, now, null);
        store.saveExecution(c.id(), running);
        cache.put(execution, new Cached(running, now));
    }

    /** {@code POST /containers/{id}/stop}: the execution stopped in ARM; 304 when not running. */
    public Outcome stop(String idOrName) {
        ContainerRecord c = live(idOrName);
        if (!c.findExecution().map(Execution::isRunning).orElse(false)) {
            return Outcome.NOT_MODIFIED;
        }
        halt(c);
        return Outcome.DONE;
    }

    /** {@code POST /containers/{id}/kill}: as stop (a job execution takes no signal); 409 when not running. */
    public void kill(String idOrName) {
        ContainerRecord c = live(idOrName);
        if (!c.findExecution().map(Execution::isRunning).orElse(false)) {
            throw DockerApiException.conflict("Container " + c.id() + " is not running");
        }
        halt(c);
    }

    /** {@code POST /containers/{id}/restart}: stop when running, then a new execution. */
    public void restart(String idOrName) {
        ContainerRecord c = live(idOrName);
        if (c.findExecution().map(Execution::isRunning).orElse(false)) {
            c = halt(c);
        }
        run(c);
    }

    private ContainerRecord halt(ContainerRecord c) {
        Execution e = c.findExecution().orElseThrow(); // halted only while running
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
        ContainerRecord c = live(idOrName);
        boolean running = c.findExecution().map(Execution::isRunning).orElse(false);
        if (running && !force) {
            throw DockerApiException.conflict("cannot remove container \"/" + c.name()
                    + "\": container is running: stop the container before removing or force remove");
        }
        if (running) {
            arm.get().stopExecution(c.jobName(), c.findExecution().orElseThrow().name());
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
            boolean removedByRead = ContainerJobs.autoRemove(c)
                    && c.findExecution().map(Execution::isFinished).orElse(false);
            if (!removedByRead && !c.findExecution().map(Execution::isRunning).orElse(false) && filter.test(c)) {
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
                return cond.equals("not-running")
                        ? new WaitResult.Exited(0, null)
                        : new WaitResult.Pending(
                                "container " + c.id() + " has not started: wait again after starting it");
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
