package dev.sockerless.aca.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.durabletask.RetryPolicy;
import com.microsoft.durabletask.TaskFailedException;
import com.microsoft.durabletask.TaskOptions;
import com.microsoft.durabletask.TaskOrchestrationContext;
import com.microsoft.durabletask.azurefunctions.DurableActivityTrigger;
import com.microsoft.durabletask.azurefunctions.DurableOrchestrationTrigger;
import dev.sockerless.aca.follow.FollowPoller;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The logs-follow poller as a Durable Functions orchestration: one singleton instance ({@link #INSTANCE_ID}) for the
 * app's workspace. Every {@code pollSeconds} it runs the {@link #POLL_ACTIVITY} activity (ONE Log Analytics query
 * for all followed executions, lines appended to the follow cache); it ends when nothing is followed, and continues
 * as new every {@link #POLLS_PER_GENERATION} polls to bound its history.
 * <p>
 * Orchestrator rules: no I/O (all of it is in the activity), time only from the context, logging only when not
 * replaying, and no catch of the SDK's control-flow exceptions ({@code OrchestratorBlockedException},
 * {@code ContinueAsNewInterruption}): only {@link TaskFailedException} (the activity failed after its retries) is
 * caught, and the loop goes on.
 */
public final class LogFollowFunctions {

    public static final String ORCHESTRATOR = "LogFollowOrchestrator";
    public static final String POLL_ACTIVITY = "LogFollowPoll";
    /** The singleton's instance id: the app reads one workspace. */
    public static final String INSTANCE_ID = "sockerless-log-follow";

    static final int POLLS_PER_GENERATION = 30;
    /** The retention purge runs in the first poll of every n-th generation. */
    static final int PURGE_EVERY_GENERATIONS = 10;

    static final TaskOptions RETRY =
            new TaskOptions(new RetryPolicy(3, Duration.ofSeconds(1)).setBackoffCoefficient(2));
    private static final Logger LOG = Logger.getLogger(LogFollowFunctions.class.getName());

    /** The orchestration's input: the poll interval and how many generations came before. */
    public record LoopInput(int pollSeconds, long generation) {}

    /** The activity's input. */
    public record PollRequest(boolean purge) {}

    /** The activity's result: containers still followed, and whether the row limit cut the poll (poll again now). */
    public record PollResult(int followed, boolean more) {}

    @FunctionName(ORCHESTRATOR)
    public @Nullable String orchestrate(@DurableOrchestrationTrigger(name = "ctx") TaskOrchestrationContext ctx) {
        return run(ctx);
    }

    static @Nullable String run(TaskOrchestrationContext ctx) {
        LoopInput in = ctx.getInput(LoopInput.class);
        if (in == null || in.pollSeconds() <= 0) {
            in = new LoopInput(2, in == null ? 0 : in.generation());
        }
        for (int i = 0; i < POLLS_PER_GENERATION; i++) {
            boolean purge = i == 0 && in.generation() % PURGE_EVERY_GENERATIONS == 0;
            PollResult result = null;
            try {
                result = ctx.callActivity(POLL_ACTIVITY, new PollRequest(purge), RETRY, PollResult.class)
                        .await();
            } catch (TaskFailedException e) {
                if (!ctx.getIsReplaying()) {
                    LOG.warning("logs follow poll failed after retries (polling goes on): "
                            + e.getErrorDetails().getErrorMessage());
                }
            }
            if (result != null && result.followed() == 0) {
                if (!ctx.getIsReplaying()) {
                    LOG.info("logs follow: nothing is followed any more; the poller ends");
                }
                return "ended: nothing followed";
            }
            if (result == null || !result.more()) {
                ctx.createTimer(Duration.ofSeconds(in.pollSeconds())).await();
            }
        }
        ctx.continueAsNew(new LoopInput(in.pollSeconds(), in.generation() + 1));
        return null; // not reached: continueAsNew ends this execution
    }

    @FunctionName(POLL_ACTIVITY)
    public PollResult poll(@DurableActivityTrigger(name = "request") PollRequest request, ExecutionContext context) {
        FollowPoller.Outcome o =
                AppServices.get().followPoller().poll(Instant.now(), request != null && request.purge());
        return new PollResult(o.followed(), o.more());
    }
}
