package dev.sockerless.aca.functions;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.monitor.query.LogsQueryClient;
import com.azure.resourcemanager.appcontainers.ContainerAppsApiManager;
import dev.sockerless.aca.agent.JobEnvironment;
import dev.sockerless.aca.arm.ArmEndpoint;
import dev.sockerless.aca.arm.ArmManagers;
import dev.sockerless.aca.blobs.BlobArchiveSource;
import dev.sockerless.aca.blobs.StorageConnection;
import dev.sockerless.aca.config.Settings;
import dev.sockerless.aca.containers.ContainerJobs;
import dev.sockerless.aca.io.Backoff;
import dev.sockerless.aca.lifecycle.ArmJobsApi;
import dev.sockerless.aca.lifecycle.JobsApi;
import dev.sockerless.aca.logs.LogAnalyticsLogSource;
import dev.sockerless.aca.logs.LogTable;
import dev.sockerless.aca.logs.ManagedEnvironmentWorkspace;
import dev.sockerless.aca.logs.ManagedEnvironmentWorkspace.EnvironmentId;
import dev.sockerless.aca.logs.WorkspaceLocator;
import dev.sockerless.aca.state.StorageDeadlinePolicy;
import dev.sockerless.aca.state.Tables;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The Azure-facing parts of the composition root ({@link AppServices}): state tables, {@code fromBlob} blobs, the ARM
 * jobs API, the environment's facts and Log Analytics, each built from the settings with the app's one identity.
 * Nothing here connects until first used.
 */
final class AzureParts {

    private AzureParts() {}

    /**
     * The {@code fromBlob} source: the state storage connection's blob endpoint (its key signs requests when it has
     * one) and {@code SOCKERLESS_LOAD_BLOB_ACCOUNTS}, read with the app's identity; only their container
     * {@code SOCKERLESS_LOAD_BLOB_CONTAINER}.
     */
    static BlobArchiveSource blobArchives(Settings settings, Supplier<TokenCredential> identity) {
        Duration deadline = settings.seconds(Settings.Key.SOCKERLESS_STATE_TIMEOUT_SECONDS);
        return new BlobArchiveSource(
                StorageConnection.parse(settings.stateStorageConnection()),
                settings.list(Settings.Key.SOCKERLESS_LOAD_BLOB_ACCOUNTS),
                Settings.Key.SOCKERLESS_LOAD_BLOB_ACCOUNTS.name(),
                identity,
                StorageDeadlinePolicy.httpClient(deadline),
                BlobArchiveSource.defaultRetry(),
                new StorageDeadlinePolicy("Blob Storage", deadline),
                settings.require(Settings.Key.SOCKERLESS_LOAD_BLOB_CONTAINER),
                Settings.Key.SOCKERLESS_LOAD_BLOB_CONTAINER.name());
    }

    /** The state tables' client, each call bounded by {@code SOCKERLESS_STATE_TIMEOUT_SECONDS}. */
    static TableServiceClient stateTables(Settings settings) {
        return Tables.serviceClient(
                settings.stateStorageConnection(), settings.seconds(Settings.Key.SOCKERLESS_STATE_TIMEOUT_SECONDS));
    }

    /**
     * The ARM jobs API in the resource group of {@code SOCKERLESS_ACA_ENVIRONMENT_ID} at {@code SOCKERLESS_ARM_ENDPOINT}
     * (plain http on loopback: no credential).
     */
    static JobsApi jobsApi(Settings settings, Supplier<TokenCredential> identity) {
        EnvironmentId environment = EnvironmentId.parse(settings.find(Settings.Key.SOCKERLESS_ACA_ENVIRONMENT_ID)
                .orElseThrow(() -> Settings.missing(
                        Settings.Key.SOCKERLESS_ACA_ENVIRONMENT_ID,
                        "is not set: containers run as jobs in that"
                                + " Container Apps environment's resource group")));
        ContainerAppsApiManager manager = ArmManagers.containerApps(
                ArmEndpoint.parse(settings.require(Settings.Key.SOCKERLESS_ARM_ENDPOINT)),
                environment.subscription(),
                identity,
                null,
                null);
        return new ArmJobsApi(manager, environment.resourceGroup());
    }

    /** Log Analytics settings are required only when logs are read (the logs routes, exit codes, follow). */
    static LogAnalyticsLogSource logSource(
            Settings settings, TokenCredential credential, Clock clock, Backoff.Sleeper sleeper) {
        LogsQueryClient client = LogAnalyticsLogSource.client(
                settings.require(Settings.Key.SOCKERLESS_LOG_ANALYTICS_ENDPOINT), credential);
        return new LogAnalyticsLogSource(
                client,
                workspace(settings, credential, null),
                LogTable.parse(settings.require(Settings.Key.SOCKERLESS_LOG_TABLE)),
                settings.integer(Settings.Key.SOCKERLESS_LOGS_PAGE_ROWS, 100, LogAnalyticsLogSource.MAX_PAGE_ROWS),
                settings.positiveLong(Settings.Key.SOCKERLESS_LOGS_MAX_RESPONSE_BYTES),
                LogAnalyticsLogSource.DEFAULT_DEADLINE,
                clock,
                sleeper);
    }

    /**
     * {@code SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID} when set; else the workspace of the environment
     * {@code SOCKERLESS_ACA_ENVIRONMENT_ID}, read through ARM at {@code SOCKERLESS_ARM_ENDPOINT} on first use.
     *
     * @param httpClient the ARM HTTP client, or null for the SDK's default
     */
    static WorkspaceLocator workspace(Settings settings, TokenCredential credential, @Nullable HttpClient httpClient) {
        return settings.find(Settings.Key.SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID)
                .map(WorkspaceLocator::fixed)
                .orElseGet(() -> ManagedEnvironmentWorkspace.fromArm(
                        settings.find(Settings.Key.SOCKERLESS_ACA_ENVIRONMENT_ID)
                                .orElseThrow(() -> Settings.missing(
                                        Settings.Key.SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID,
                                        "is not set, nor "
                                                + Settings.Key.SOCKERLESS_ACA_ENVIRONMENT_ID
                                                + " (the Container Apps environment whose"
                                                + " Log Analytics workspace the logs are read from)")),
                        settings.require(Settings.Key.SOCKERLESS_ARM_ENDPOINT),
                        credential,
                        httpClient));
    }

    /**
     * The container jobs: what {@code SOCKERLESS_ACA_LOCATION} and {@code SOCKERLESS_ACA_ENVIRONMENT_TYPE=auto} leave
     * open comes from the environment {@code SOCKERLESS_ACA_ENVIRONMENT_ID}, read once through ARM at
     * {@code SOCKERLESS_ARM_ENDPOINT} (the resource the logs' workspace is read from; each reads it once, when first
     * needed).
     *
     * @param httpClient the ARM HTTP client, or null for the SDK's default
     */
    static ContainerJobs containerJobs(
            Settings settings, Supplier<TokenCredential> credential, @Nullable HttpClient httpClient) {
        return new ContainerJobs(settings, jobEnvironment(settings, credential, httpClient));
    }

    /** The environment's region and type, read through ARM on first use and kept. */
    static Supplier<JobEnvironment> jobEnvironment(
            Settings settings, Supplier<TokenCredential> credential, @Nullable HttpClient httpClient) {
        Lazy<ManagedEnvironmentWorkspace> environment = new Lazy<>(() -> ManagedEnvironmentWorkspace.fromArm(
                settings.require(Settings.Key.SOCKERLESS_ACA_ENVIRONMENT_ID),
                settings.require(Settings.Key.SOCKERLESS_ARM_ENDPOINT),
                credential.get(),
                httpClient));
        return () -> {
            ManagedEnvironmentWorkspace.Facts facts = environment.get().facts();
            return new JobEnvironment(facts.location(), facts.workloadProfiles());
        };
    }
}
