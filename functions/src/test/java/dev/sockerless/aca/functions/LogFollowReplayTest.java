package dev.sockerless.aca.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.durabletask.OrchestrationRunner;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.HistoryEvent;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.OrchestrationStatus;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.OrchestratorAction;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.OrchestratorRequest;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.OrchestratorResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Replays recorded histories through the durabletask library's own {@link OrchestrationRunner#loadAndRun} (what the
 * Functions worker does) and checks the orchestrator's next actions. Also shows that the library runs with the
 * parent's Jackson 2.21 (inputs and results are (de)serialised by its JacksonDataConverter). Note: the
 * OrchestratorStarted after a TimerFired must be strictly later than the timer's fireAt.
 */
class LogFollowReplayTest {

    static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");
    static final String INPUT = "{\"pollSeconds\":2,\"generation\":0}";

    static List<OrchestratorAction> replay(List<HistoryEvent> past, List<HistoryEvent> fresh) throws Exception {
        OrchestratorRequest req = OrchestratorRequest.newBuilder()
                .setInstanceId(LogFollowFunctions.INSTANCE_ID)
                .addAllPastEvents(past)
                .addAllNewEvents(fresh)
                .build();
        return OrchestratorResponse.parseFrom(
                        OrchestrationRunner.loadAndRun(req.toByteArray(), LogFollowFunctions::run))
                .getActionsList();
    }

    static List<HistoryEvent> start(String input) {
        return new ArrayList<>(List.of(
                DurableHistory.orchestratorStarted(T0),
                DurableHistory.executionStarted(
                        T0, LogFollowFunctions.ORCHESTRATOR, LogFollowFunctions.INSTANCE_ID, input)));
    }

    @Test
    void firstRunSchedulesOnePollWithThePurge() throws Exception {
        List<OrchestratorAction> actions = replay(List.of(), start(INPUT));
        assertThat(actions).hasSize(1);
        assertThat(actions.get(0).getScheduleTask().getName()).isEqualTo(LogFollowFunctions.POLL_ACTIVITY);
        assertThat(actions.get(0).getScheduleTask().getInput().getValue()).isEqualTo("{\"purge\":true}");
    }

    @Test
    void aPollThatFollowsSomethingIsFollowedByATimerOfThePollInterval() throws Exception {
        List<HistoryEvent> past = start(INPUT);
        past.add(DurableHistory.taskScheduled(T0, 0, LogFollowFunctions.POLL_ACTIVITY, "{\"purge\":true}"));
        Instant t1 = T0.plusMillis(300);
        List<OrchestratorAction> actions = replay(
                past,
                List.of(
                        DurableHistory.orchestratorStarted(t1),
                        DurableHistory.taskCompleted(t1, 0, "{\"followed\":3,\"more\":false}")));
        assertThat(actions).hasSize(1);
        assertThat(actions.get(0).hasCreateTimer()).isTrue();
        assertThat(DurableHistory.instant(actions.get(0).getCreateTimer().getFireAt()))
                .isEqualTo(t1.plusSeconds(2));
    }

    @Test
    void whenTheTimerFiredTheNextPollRunsWithoutThePurge() throws Exception {
        List<HistoryEvent> past = start(INPUT);
        past.add(DurableHistory.taskScheduled(T0, 0, LogFollowFunctions.POLL_ACTIVITY, "{\"purge\":true}"));
        past.add(DurableHistory.orchestratorStarted(T0.plusMillis(300)));
        past.add(DurableHistory.taskCompleted(T0.plusMillis(300), 0, "{\"followed\":3,\"more\":false}"));
        Instant fire = T0.plusMillis(2300);
        past.add(DurableHistory.timerCreated(T0.plusMillis(300), 1, fire));
        Instant t2 = fire.plusMillis(5);
        List<OrchestratorAction> actions =
                replay(past, List.of(DurableHistory.orchestratorStarted(t2), DurableHistory.timerFired(t2, 1, fire)));
        assertThat(actions).hasSize(1);
        assertThat(actions.get(0).getId()).isEqualTo(2);
        assertThat(actions.get(0).getScheduleTask().getInput().getValue()).isEqualTo("{\"purge\":false}");
    }

    @Test
    void aPollWithMoreRowsRunsAgainAtOnce() throws Exception {
        List<HistoryEvent> past = start(INPUT);
        past.add(DurableHistory.taskScheduled(T0, 0, LogFollowFunctions.POLL_ACTIVITY, "{\"purge\":true}"));
        List<OrchestratorAction> actions = replay(
                past,
                List.of(
                        DurableHistory.orchestratorStarted(T0.plusSeconds(1)),
                        DurableHistory.taskCompleted(T0.plusSeconds(1), 0, "{\"followed\":3,\"more\":true}")));
        assertThat(actions.get(0).getScheduleTask().getName()).isEqualTo(LogFollowFunctions.POLL_ACTIVITY);
    }

    @Test
    void itEndsWhenNothingIsFollowed() throws Exception {
        List<HistoryEvent> past = start(INPUT);
        past.add(DurableHistory.taskScheduled(T0, 0, LogFollowFunctions.POLL_ACTIVITY, "{\"purge\":true}"));
        List<OrchestratorAction> actions = replay(
                past,
                List.of(
                        DurableHistory.orchestratorStarted(T0.plusSeconds(1)),
                        DurableHistory.taskCompleted(T0.plusSeconds(1), 0, "{\"followed\":0,\"more\":false}")));
        assertThat(actions).hasSize(1);
        assertThat(actions.get(0).getCompleteOrchestration().getOrchestrationStatus())
                .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_COMPLETED);
    }

    @Test
    void aFailedPollIsRetriedByTheRetryPolicyThenTheLoopGoesOn() throws Exception {
        List<HistoryEvent> past = start(INPUT);
        past.add(DurableHistory.taskScheduled(T0, 0, LogFollowFunctions.POLL_ACTIVITY, "{\"purge\":true}"));
        Instant t1 = T0.plusMillis(100);
        List<OrchestratorAction> actions = replay(
                past,
                List.of(
                        DurableHistory.orchestratorStarted(t1),
                        DurableHistory.taskFailed(
                                t1, 0, "DockerApiException", "Log Analytics query failed: HTTP 503")));
        // the retry policy waits (a timer), it does not fail the orchestration
        assertThat(actions).hasSize(1);
        assertThat(actions.get(0).hasCreateTimer()).isTrue();
        Instant retryAt = DurableHistory.instant(actions.get(0).getCreateTimer().getFireAt());
        // observed in 1.4.0: the backoff coefficient (2) already applies to the first retry: 1 s × 2 = 2 s
        assertThat(retryAt).isEqualTo(t1.plusSeconds(2));
    }

    @Test
    void afterAGenerationOfPollsItContinuesAsNewWithTheNextGeneration() throws Exception {
        List<HistoryEvent> past = start(INPUT);
        Instant t = T0;
        int id = 0;
        HistoryEvent lastStarted = null;
        HistoryEvent lastFired = null;
        for (int i = 0; i < LogFollowFunctions.POLLS_PER_GENERATION; i++) {
            String in = "{\"purge\":" + (i == 0) + "}";
            if (lastFired != null) {
                past.add(lastStarted);
                past.add(lastFired);
            }
            past.add(DurableHistory.taskScheduled(t, id, LogFollowFunctions.POLL_ACTIVITY, in));
            t = t.plusMillis(100);
            past.add(DurableHistory.orchestratorStarted(t));
            past.add(DurableHistory.taskCompleted(t, id, "{\"followed\":1,\"more\":false}"));
            Instant fire = t.plusSeconds(2);
            past.add(DurableHistory.timerCreated(t, id + 1, fire));
            t = fire.plusMillis(1);
            lastStarted = DurableHistory.orchestratorStarted(t);
            lastFired = DurableHistory.timerFired(t, id + 1, fire);
            id += 2;
        }
        List<OrchestratorAction> actions = replay(past, List.of(lastStarted, lastFired));
        assertThat(actions).hasSize(1);
        assertThat(actions.get(0).getCompleteOrchestration().getOrchestrationStatus())
                .isEqualTo(OrchestrationStatus.ORCHESTRATION_STATUS_CONTINUED_AS_NEW);
        assertThat(actions.get(0).getCompleteOrchestration().getResult().getValue())
                .isEqualTo("{\"pollSeconds\":2,\"generation\":1}");
    }
}
