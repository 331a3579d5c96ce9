package dev.sockerless.aca.functions;

import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.ExecutionStartedEvent;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.HistoryEvent;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.OrchestrationInstance;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.OrchestratorStartedEvent;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.TaskCompletedEvent;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.TaskFailedEvent;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.TaskFailureDetails;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.TaskScheduledEvent;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.TimerCreatedEvent;
import com.microsoft.durabletask.implementation.protobuf.OrchestratorService.TimerFiredEvent;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Durable Task history events (the protobuf messages the Functions host sends the worker), for the local driver and
 * for replay tests. Inputs and results are JSON text.
 */
final class DurableHistory {

    private DurableHistory() {}

    static Timestamp ts(Instant t) {
        return Timestamp.newBuilder()
                .setSeconds(t.getEpochSecond())
                .setNanos(t.getNano())
                .build();
    }

    static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    static HistoryEvent orchestratorStarted(Instant at) {
        return HistoryEvent.newBuilder()
                .setEventId(-1)
                .setTimestamp(ts(at))
                .setOrchestratorStarted(OrchestratorStartedEvent.newBuilder())
                .build();
    }

    static HistoryEvent executionStarted(Instant at, String name, String instanceId, String inputJson) {
        ExecutionStartedEvent.Builder b = ExecutionStartedEvent.newBuilder()
                .setName(name)
                .setOrchestrationInstance(OrchestrationInstance.newBuilder().setInstanceId(instanceId));
        if (inputJson != null) {
            b.setInput(StringValue.of(inputJson));
        }
        return HistoryEvent.newBuilder()
                .setEventId(-1)
                .setTimestamp(ts(at))
                .setExecutionStarted(b)
                .build();
    }

    static HistoryEvent taskScheduled(Instant at, int id, String name, @Nullable String inputJson) {
        TaskScheduledEvent.Builder b = TaskScheduledEvent.newBuilder().setName(name);
        if (inputJson != null) {
            b.setInput(StringValue.of(inputJson));
        }
        return HistoryEvent.newBuilder()
                .setEventId(id)
                .setTimestamp(ts(at))
                .setTaskScheduled(b)
                .build();
    }

    static HistoryEvent taskCompleted(Instant at, int scheduledId, String resultJson) {
        TaskCompletedEvent.Builder b = TaskCompletedEvent.newBuilder().setTaskScheduledId(scheduledId);
        if (resultJson != null) {
            b.setResult(StringValue.of(resultJson));
        }
        return HistoryEvent.newBuilder()
                .setEventId(-1)
                .setTimestamp(ts(at))
                .setTaskCompleted(b)
                .build();
    }

    static HistoryEvent taskFailed(Instant at, int scheduledId, String type, @Nullable String message) {
        return HistoryEvent.newBuilder()
                .setEventId(-1)
                .setTimestamp(ts(at))
                .setTaskFailed(TaskFailedEvent.newBuilder()
                        .setTaskScheduledId(scheduledId)
                        .setFailureDetails(TaskFailureDetails.newBuilder()
                                .setErrorType(type)
                                .setErrorMessage(message == null ? "" : message)))
                .build();
    }

    static HistoryEvent timerCreated(Instant at, int id, Instant fireAt) {
        return HistoryEvent.newBuilder()
                .setEventId(id)
                .setTimestamp(ts(at))
                .setTimerCreated(TimerCreatedEvent.newBuilder().setFireAt(ts(fireAt)))
                .build();
    }

    static HistoryEvent timerFired(Instant at, int timerId, Instant fireAt) {
        return HistoryEvent.newBuilder()
                .setEventId(-1)
                .setTimestamp(ts(at))
                .setTimerFired(TimerFiredEvent.newBuilder().setTimerId(timerId).setFireAt(ts(fireAt)))
                .build();
    }
}
