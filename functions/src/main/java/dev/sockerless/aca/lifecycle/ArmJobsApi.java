package dev.sockerless.aca.lifecycle;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.resourcemanager.appcontainers.ContainerAppsApiManager;
import com.azure.resourcemanager.appcontainers.fluent.JobsClient;
import com.azure.resourcemanager.appcontainers.fluent.models.JobInner;
import com.azure.resourcemanager.appcontainers.models.JobExecution;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sockerless.aca.errors.DockerApiException;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * {@link JobsApi} through azure-resourcemanager-appcontainers 1.1.0 (api-version 2025-01-01) in one resource group.
 * Job PUT bodies are the generated resources without the ARM-template-only {@code apiVersion}.
 */
public final class ArmJobsApi implements JobsApi {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ContainerAppsApiManager manager;
    private final String resourceGroup;

    public ArmJobsApi(ContainerAppsApiManager manager, String resourceGroup) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.resourceGroup = Objects.requireNonNull(resourceGroup, "resourceGroup");
    }

    private JobsClient jobs() {
        return manager.serviceClient().getJobs();
    }

    @Override
    public void createOrUpdate(String jobName, String resourceJson) {
        JobInner job = jobInner(resourceJson);
        try {
            jobs().createOrUpdate(resourceGroup, jobName, job);
        } catch (RuntimeException e) {
            throw ArmFailures.of("create or update the job " + jobName, e);
        }
    }

    @Override
    public String start(String jobName) {
        try {
            return jobs().start(resourceGroup, jobName).name();
        } catch (RuntimeException e) {
            throw ArmFailures.of("start an execution of the job " + jobName, e);
        }
    }

    @Override
    public Optional<ExecutionStatus> execution(String jobName, String executionName) {
        JobExecution e;
        try {
            e = manager.resourceProviders().jobExecution(resourceGroup, jobName, executionName);
        } catch (RuntimeException ex) {
            if (ArmFailures.isNotFound(ex)) {
                return Optional.empty();
            }
            throw ArmFailures.of("read the execution " + executionName + " of the job " + jobName, ex);
        }
        if (e == null || e.status() == null) {
            return Optional.empty();
        }
        return Optional.of(new ExecutionStatus(
                executionName, e.status().toString(), instant(e.startTime()), instant(e.endTime())));
    }

    @Override
    public void stopExecution(String jobName, String executionName) {
        try {
            jobs().stopExecution(resourceGroup, jobName, executionName);
        } catch (RuntimeException e) {
            if (ArmFailures.isNotFound(e)) {
                return; // the execution (or its job) is gone: nothing runs
            }
            throw ArmFailures.of("stop the execution " + executionName + " of the job " + jobName, e);
        }
    }

    @Override
    public void delete(String jobName) {
        try {
            jobs().delete(resourceGroup, jobName);
        } catch (RuntimeException e) {
            throw ArmFailures.of("delete the job " + jobName, e);
        }
    }

    /** The PUT body: the resource without {@code apiVersion} (an ARM-template member, not part of the REST body). */
    static JobInner jobInner(String resourceJson) {
        try {
            ObjectNode node = (ObjectNode) MAPPER.readTree(resourceJson);
            node.remove("apiVersion");
            try (JsonReader reader = JsonProviders.createReader(MAPPER.writeValueAsString(node))) {
                return JobInner.fromJson(reader);
            }
        } catch (IOException | ClassCastException e) {
            throw DockerApiException.system("the generated job resource is not a JSON object", e);
        }
    }

    private static @Nullable Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
