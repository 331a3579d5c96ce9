package dev.sockerless.aca.lifecycle;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The ARM operations on Container Apps jobs the lifecycle needs (Azure/azure-rest-api-specs
 * {@code specification/app/resource-manager/Microsoft.App/stable/2025-01-01/Jobs.json}). Failures are
 * {@link dev.sockerless.aca.errors.DockerApiException}s naming ARM and its reason.
 */
public interface JobsApi {

    /** An execution as ARM reports it: status one of Running, Processing, Stopped, Degraded, Failed, Unknown, Succeeded. */
    record ExecutionStatus(
            String name,
            String status,
            @Nullable Instant startTime,
            @Nullable Instant endTime) {
        public ExecutionStatus {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(status, "status");
        }
    }

    /** {@code PUT {job}} with the job resource JSON, waiting for its provisioning (the LRO). */
    void createOrUpdate(String jobName, String resourceJson);

    /** {@code POST {job}/start}: the new execution's name. */
    String start(String jobName);

    /** {@code GET {job}/executions/{execution}}; empty when ARM does not know it (404). */
    java.util.Optional<ExecutionStatus> execution(String jobName, String executionName);

    /** {@code POST {job}/executions/{execution}/stop}, waiting for the LRO; an execution ARM does not know is fine. */
    void stopExecution(String jobName, String executionName);

    /** {@code DELETE {job}}, waiting for the LRO; a job that does not exist is fine (204). */
    void delete(String jobName);
}
