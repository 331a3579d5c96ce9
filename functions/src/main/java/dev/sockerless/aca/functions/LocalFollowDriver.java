package dev.sockerless.aca.functions;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.microsoft.durabletask.OrchestrationRunner;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.CompleteOrchestrationAction;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.HistoryEvent;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.OrchestrationStatus;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.OrchestratorAction;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.OrchestratorRequest;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.OrchestratorResponse;
import dev.sockerless.aca.follow.FollowStarter;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The local host's stand-in for the Durable Functions host: runs the SAME orchestrator function
 * ({@link LogFollowFunctions#run}) through the durabletask library's own {@link OrchestrationRunner#loadAndRun}
 * with an in-memory history, and the SAME activity body, on one daemon thread. Differences from Azure: history
 * lives in memory (a restart of the process forgets it; the next follow request starts a new one), there is one
 * process, and a timer is a sleep.
 */
final class LocalFollowDriver implements FollowStarter {

    private static final Logger LOG = Logger.getLogger(LocalFollowDriver.class.getName());
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final int pollSeconds;
    private final Function<LogFollowFunctions.PollRequest, LogFollowFunctions.PollResult> activity;
    private final Clock clock;
    private boolean running;
    final AtomicInteger generations = new AtomicInteger();

    LocalFollowDriver(
            int pollSeconds,
            Function<LogFollowFunctions.PollRequest, LogFollowFunctions.PollResult> activity,
            Clock clock) {
        this.pollSeconds = pollSeconds;
        this.activity = activity;
        this.clock = clock;
    }

    @Override
    public synchronized void ensureRunning() {
        if (running) {
            return;
        }
        running = true;
        Thread t = new Thread(this::drive, "sockerless-log-follow");
        t.setDaemon(true);
        t.start();
    }

    synchronized boolean running() {
        return running;
    }

    private void drive() {
        try {
            String input = MAPPER.writeValueAsString(new LogFollowFunctions.LoopInput(pollSeconds, 0));
            while (input != null) {
                input = generation(input);
                generations.incrementAndGet();
            }
        } catch (Exception | Error e) {
            LOG.log(Level.WARNING, "local logs-follow driver stopped", e);
        } finally {
            synchronized (this) {
                running = false;
            }
        }
    }

    /** Runs one execution to its end; returns the next input after continueAsNew, or null when it completed. */
    private @Nullable String generation(String input) throws IOException, InterruptedException {
        List<HistoryEvent> past = new ArrayList<>();
        List<HistoryEvent> fresh = new ArrayList<>();
        Instant now = clock.instant();
        fresh.add(DurableHistory.orchestratorStarted(now));
        fresh.add(DurableHistory.executionStarted(
                now, LogFollowFunctions.ORCHESTRATOR, LogFollowFunctions.INSTANCE_ID, input));
        while (true) {
            OrchestratorRequest request = OrchestratorRequest.newBuilder()
                    .setInstanceId(LogFollowFunctions.INSTANCE_ID)
                    .addAllPastEvents(past)
                    .addAllNewEvents(fresh)
                    .build();
            OrchestratorResponse response = run(request);
            past.addAll(fresh);
            fresh = new ArrayList<>();
            List<HistoryEvent> completions = new ArrayList<>();
            for (OrchestratorAction a : response.getActionsList()) {
                if (a.hasCompleteOrchestration()) {
                    CompleteOrchestrationAction c = a.getCompleteOrchestration();
                    if (c.getOrchestrationStatus() == OrchestrationStatus.ORCHESTRATION_STATUS_CONTINUED_AS_NEW) {
                        return c.getResult().getValue();
                    }
                    if (c.getOrchestrationStatus() == OrchestrationStatus.ORCHESTRATION_STATUS_FAILED) {
                        LOG.warning("local logs-follow orchestration failed: "
                                + c.getFailureDetails().getErrorMessage());
                    }
                    return null;
                }
                if (a.hasScheduleTask()) {
                    String taskInput = a.getScheduleTask().hasInput()
                            ? a.getScheduleTask().getInput().getValue()
                            : null;
                    past.add(DurableHistory.taskScheduled(
                            clock.instant(), a.getId(), a.getScheduleTask().getName(), taskInput));
                    completions.add(invoke(a.getId(), a.getScheduleTask().getName(), taskInput));
                } else if (a.hasCreateTimer()) {
                    Instant fireAt = DurableHistory.instant(a.getCreateTimer().getFireAt());
                    past.add(DurableHistory.timerCreated(clock.instant(), a.getId(), fireAt));
                    Duration d = Duration.between(clock.instant(), fireAt);
                    if (!d.isNegative()) {
                        Thread.sleep(d.toMillis() + 1);
                    }
                    completions.add(DurableHistory.timerFired(clock.instant(), a.getId(), fireAt));
                } else {
                    throw new IllegalStateException(
                            "unsupported orchestrator action " + a.getOrchestratorActionTypeCase());
                }
            }
            if (completions.isEmpty()) {
                throw new IllegalStateException(
                        "the orchestration is waiting for nothing the local driver can deliver");
            }
            Instant started = clock.instant();
            fresh.add(DurableHistory.orchestratorStarted(started));
            fresh.addAll(completions);
        }
    }

    private static OrchestratorResponse run(OrchestratorRequest request) throws InvalidProtocolBufferException {
        return OrchestratorResponse.parseFrom(
                OrchestrationRunner.loadAndRun(request.toByteArray(), LogFollowFunctions::run));
    }

    private HistoryEvent invoke(int id, String name, @Nullable String inputJson) {
        Instant at = clock.instant();
        if (!LogFollowFunctions.POLL_ACTIVITY.equals(name)) {
            return DurableHistory.taskFailed(at, id, "IllegalStateException", "no activity " + name);
        }
        try {
            LogFollowFunctions.PollRequest in = inputJson == null
                    ? new LogFollowFunctions.PollRequest(false)
                    : MAPPER.readValue(inputJson, LogFollowFunctions.PollRequest.class);
            return DurableHistory.taskCompleted(clock.instant(), id, MAPPER.writeValueAsString(activity.apply(in)));
        } catch (Exception e) {
            LOG.log(Level.FINE, "logs follow poll failed", e);
            return DurableHistory.taskFailed(clock.instant(), id, e.getClass().getName(), e.getMessage());
        }
    }
}
