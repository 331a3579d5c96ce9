package dev.sockerless.aca.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.microsoft.durabletask.DurableTaskClient;
import com.microsoft.durabletask.NewOrchestrationInstanceOptions;
import com.microsoft.durabletask.OrchestrationMetadata;
import com.microsoft.durabletask.OrchestrationRuntimeStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mockito.ArgumentCaptor;

/** The singleton start: schedule the well-known instance when it is missing or finished, never a second one. */
class DurableFollowStarterTest {

    static DurableTaskClient client(boolean found, OrchestrationRuntimeStatus status) {
        DurableTaskClient client = mock(DurableTaskClient.class);
        OrchestrationMetadata metadata = mock(OrchestrationMetadata.class);
        when(metadata.isInstanceFound()).thenReturn(found);
        when(metadata.getRuntimeStatus()).thenReturn(status);
        when(client.getInstanceMetadata(LogFollowFunctions.INSTANCE_ID, false)).thenReturn(metadata);
        return client;
    }

    @Test
    void aMissingInstanceIsScheduledUnderTheWellKnownIdWithThePollInterval() {
        DurableTaskClient client = client(false, null);
        new DurableFollowStarter(() -> client, 2).ensureRunning();
        ArgumentCaptor<NewOrchestrationInstanceOptions> options =
                ArgumentCaptor.forClass(NewOrchestrationInstanceOptions.class);
        verify(client).scheduleNewOrchestrationInstance(eq(LogFollowFunctions.ORCHESTRATOR), options.capture());
        assertThat(options.getValue().getInstanceId()).isEqualTo(LogFollowFunctions.INSTANCE_ID);
        assertThat(options.getValue().getInput()).isEqualTo(new LogFollowFunctions.LoopInput(2, 0));
    }

    @ParameterizedTest
    @EnumSource(
            value = OrchestrationRuntimeStatus.class,
            names = {"RUNNING", "PENDING", "CONTINUED_AS_NEW", "SUSPENDED"})
    void aLiveInstanceIsLeftAlone(OrchestrationRuntimeStatus status) {
        DurableTaskClient client = client(true, status);
        new DurableFollowStarter(() -> client, 2).ensureRunning();
        verify(client, never())
                .scheduleNewOrchestrationInstance(anyString(), any(NewOrchestrationInstanceOptions.class));
    }

    @ParameterizedTest
    @EnumSource(
            value = OrchestrationRuntimeStatus.class,
            names = {"COMPLETED", "FAILED", "TERMINATED", "CANCELED"})
    void aFinishedInstanceIsStartedAgain(OrchestrationRuntimeStatus status) {
        DurableTaskClient client = client(true, status);
        new DurableFollowStarter(() -> client, 2).ensureRunning();
        verify(client)
                .scheduleNewOrchestrationInstance(
                        eq(LogFollowFunctions.ORCHESTRATOR), any(NewOrchestrationInstanceOptions.class));
    }
}
