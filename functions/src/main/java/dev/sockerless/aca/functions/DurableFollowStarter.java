package dev.sockerless.aca.functions;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.NewOrchestrationInstanceOptions;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import dev.sockerless.aca.follow.FollowStarter;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Starts the follow orchestration singleton through the Durable client when it is not running. In 1.4.0
 * {@code getInstanceMetadata} never returns null: a missing instance has {@code isInstanceFound() == false}. The
 * check-then-start is not atomic; two racing starts schedule the same instance id, which the host de-duplicates
 * (the second replaces a still-pending first).
 */
final class DurableFollowStarter implements FollowStarter {

    static final Set<OrchestrationRuntimeStatus> RESTARTABLE = EnumSet.of(
            OrchestrationRuntimeStatus.COMPLETED,
            OrchestrationRuntimeStatus.FAILED,
            OrchestrationRuntimeStatus.TERMINATED,
            OrchestrationRuntimeStatus.CANCELED);

    private final Supplier<DurableTaskClient> client;
    private final int pollSeconds;

    DurableFollowStarter(Supplier<DurableTaskClient> client, int pollSeconds) {
        this.client = client;
        this.pollSeconds = pollSeconds;
    }

    @Override
    public void ensureRunning() {
        DurableTaskClient c = client.get();
        OrchestrationMetadata m = c.getInstanceMetadata(LogFollowFunctions.INSTANCE_ID, false);
        if (!m.isInstanceFound() || RESTARTABLE.contains(m.getRuntimeStatus())) {
            c.scheduleNewOrchestrationInstance(
                    LogFollowFunctions.ORCHESTRATOR,
                    new NewOrchestrationInstanceOptions()
                            .setInstanceId(LogFollowFunctions.INSTANCE_ID)
                            .setInput(new LogFollowFunctions.LoopInput(pollSeconds, 0)));
        }
    }
}
