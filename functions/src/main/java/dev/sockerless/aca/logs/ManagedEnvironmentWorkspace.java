package dev.sockerless.aca.logs;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.RetryOptions;
import com.azure.resourcemanager.appcontainers.ContainerAppsApiManager;
import com.azure.resourcemanager.appcontainers.models.AppLogsConfiguration;
import com.azure.resourcemanager.appcontainers.models.ManagedEnvironment;
import dev.sockerless.aca.arm.ArmEndpoint;
import dev.sockerless.aca.arm.ArmErrors;
import dev.sockerless.aca.arm.ArmManagers;
import dev.sockerless.aca.errors.DockerApiException;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The workspace of the Container Apps environment the jobs run in: its
 * {@code properties.appLogsConfiguration.logAnalyticsConfiguration.customerId}, read through ARM
 * (azure-resourcemanager-appcontainers, api-version 2025-01-01) on first use and kept for the life of the process.
 * A failure is not kept: the next call reads the environment again.
 * <p>
 * Only an environment whose destination is {@code log-analytics} names its workspace. With {@code azure-monitor} the
 * workspace is linked by a diagnostic setting, which the environment does not show; with {@code none} nothing is
 * stored. Then {@code SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID} must be set.
 * <p>
 * The same read gives the jobs their {@link Facts}: the region and whether the environment has workload profiles
 * ({@link #facts()}, kept once read).
 */
public final class ManagedEnvironmentWorkspace implements WorkspaceLocator {

    static final String ENVIRONMENT_SETTING = "SOCKERLESS_ACA_ENVIRONMENT_ID";
    static final String WORKSPACE_SETTING = "SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID";

    /** A managed environment's ARM id, parsed. */
    public record EnvironmentId(String subscription, String resourceGroup, String name) {

        private static final Pattern ID = Pattern.compile(
                "/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\\.App/managedEnvironments/([^/]+)/?",
                Pattern.CASE_INSENSITIVE);
        private static final Pattern RESOURCE_GROUP =
                Pattern.compile("[-\\w.()]{0,89}[-\\w()]", Pattern.UNICODE_CHARACTER_CLASS);
        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,58}[A-Za-z0-9])?");

        /** The id's parts, or a configuration error naming {@code SOCKERLESS_ACA_ENVIRONMENT_ID}. */
        public static EnvironmentId parse(String id) {
            Matcher m = id == null ? null : ID.matcher(id.trim());
            if (m == null || !m.matches()) {
                throw malformed(
                        id,
                        "expected /subscriptions/<subscription>/resourceGroups/<group>"
                                + "/providers/Microsoft.App/managedEnvironments/<name>");
            }
            if (!GUID.matcher(m.group(1)).matches()) {
                throw malformed(id, "the subscription must be a GUID");
            }
            if (!RESOURCE_GROUP.matcher(m.group(2)).matches()) {
                throw malformed(id, "'" + m.group(2) + "' is not a resource group name");
            }
            if (!NAME.matcher(m.group(3)).matches()) {
                throw malformed(id, "'" + m.group(3) + "' is not a Container Apps environment name");
            }
            return new EnvironmentId(m.group(1).toLowerCase(Locale.ROOT), m.group(2), m.group(3));
        }

        @Override
        public String toString() {
            return "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup
                    + "/providers/Microsoft.App/managedEnvironments/" + name;
        }

        private static DockerApiException malformed(String id, String why) {
            return DockerApiException.system(
                    "configuration: " + ENVIRONMENT_SETTING + " has a malformed entry '" + id + "': " + why, null);
        }
    }

    /**
     * What the app takes from the environment: its region ({@code location}, as ARM spells it in the GET), whether
     * it has workload profiles ({@code properties.workloadProfiles}), and its logs destination and workspace.
     *
     * @param customerId the workspace's customer ID, or null when the environment names none
     */
    public record Facts(
            String location,
            boolean workloadProfiles,
            String destination,
            @Nullable String customerId) {}

    private final EnvironmentId environment;
    private final Function<EnvironmentId, ManagedEnvironment> reader;
    private final Object lock = new Object();
    private volatile @Nullable String customerId;
    private volatile @Nullable Facts facts;

    /**
     * @param reader reads the environment (the SDK in production); ARM errors arrive as {@link HttpResponseException}
     */
    public ManagedEnvironmentWorkspace(EnvironmentId environment, Function<EnvironmentId, ManagedEnvironment> reader) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.reader = Objects.requireNonNull(reader, "reader");
    }

    /**
     * Reads the environment through a {@link ContainerAppsApiManager} at {@code armEndpoint} (an {@code https} URL,
     * the token scope being {@code <armEndpoint>/.default}; or plain http on loopback, without a credential).
     *
     * @param httpClient the HTTP client, or null for the SDK's default
     */
    public static ManagedEnvironmentWorkspace fromArm(
            String environmentId, String armEndpoint, TokenCredential credential, @Nullable HttpClient httpClient) {
        return fromArm(environmentId, armEndpoint, credential, httpClient, null);
    }

    /** As {@link #fromArm(String, String, TokenCredential, HttpClient)}, with retry options (null: the SDK's). */
    static ManagedEnvironmentWorkspace fromArm(
            String environmentId,
            String armEndpoint,
            TokenCredential credential,
            @Nullable HttpClient httpClient,
            @Nullable RetryOptions retries) {
        EnvironmentId id = EnvironmentId.parse(environmentId);
        ContainerAppsApiManager manager = ArmManagers.containerApps(
                ArmEndpoint.parse(armEndpoint), id.subscription(), () -> credential, httpClient, retries);
        return new ManagedEnvironmentWorkspace(
                id, env -> manager.managedEnvironments().getByResourceGroup(env.resourceGroup(), env.name()));
    }

    public EnvironmentId environment() {
        return environment;
    }

    @Override
    public String customerId() {
        String known = customerId;
        if (known != null) {
            return known;
        }
        synchronized (lock) {
            String id = customerId;
            if (id == null) {
                Facts f = facts;
                if (f == null || f.customerId() == null) {
                    f = read(); // the environment may have been given a workspace since it was read
                }
                id = workspaceOf(f);
                customerId = id;
            }
            return id;
        }
    }

    /** The environment's facts, read through ARM on first use and kept; a failed read is not kept. */
    public Facts facts() {
        Facts known = facts;
        if (known != null) {
            return known;
        }
        synchronized (lock) {
            Facts f = facts;
            return f != null ? f : read();
        }
    }

    /** Reads the environment and keeps its facts; called under the lock. */
    private Facts read() {
        ManagedEnvironment env;
        try {
            env = reader.apply(environment);
        } catch (HttpResponseException e) {
            throw armFailure(e);
        } catch (DockerApiException e) {
            throw e;
        } catch (RuntimeException e) {
            Throwable cause = ArmErrors.unwrap(e);
            throw DockerApiException.unavailable(
                    "cannot read the Container Apps environment " + environment
                            + " from ARM (for its Log Analytics workspace, location or workload profiles): " + cause,
                    e);
        }
        if (env == null) {
            throw DockerApiException.system(
                    "the Container Apps environment " + environment + " (" + ENVIRONMENT_SETTING + ") was not found",
                    null);
        }
        AppLogsConfiguration logs = env.appLogsConfiguration();
        String destination = logs == null || logs.destination() == null ? "none" : logs.destination();
        String found = logs == null || logs.logAnalyticsConfiguration() == null
                ? null
                : logs.logAnalyticsConfiguration().customerId();
        if (env.location() == null || env.location().isBlank()) {
            throw DockerApiException.unavailable(
                    "ARM returned the Container Apps environment " + environment + " without its location", null);
        }
        Facts read = new Facts(
                env.location(),
                env.workloadProfiles() != null && !env.workloadProfiles().isEmpty(),
                destination,
                found == null || found.isBlank() ? null : found);
        facts = read;
        return read;
    }

    private String workspaceOf(Facts f) {
        String found = f.customerId();
        String destination = f.destination();
        if (found == null) {
            throw DockerApiException.system(
                    "configuration: the Container Apps environment " + environment
                            + " names no Log Analytics workspace (its logs destination is '" + destination + "'; only"
                            + " 'log-analytics' names one, 'azure-monitor' links it through a diagnostic setting): set "
                            + WORKSPACE_SETTING + " to the workspace's customer ID",
                    null);
        }
        return WorkspaceLocator.check(
                found, "the logAnalyticsConfiguration.customerId of the Container Apps environment " + environment);
    }

    private DockerApiException armFailure(HttpResponseException e) {
        int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
        String detail = "HTTP " + status + ArmErrors.describe(e);
        if (status == 404) {
            return DockerApiException.system(
                    "the Container Apps environment " + environment + " (" + ENVIRONMENT_SETTING
                            + ") was not found: ARM answered " + detail,
                    e);
        }
        if (status == 401 || status == 403) {
            return DockerApiException.system(
                    "cannot read the Container Apps environment " + environment
                            + " (for its Log Analytics workspace, location or workload profiles): ARM answered "
                            + detail
                            + " (the app's identity needs read access to the environment, or set " + WORKSPACE_SETTING
                            + ", SOCKERLESS_ACA_LOCATION and SOCKERLESS_ACA_ENVIRONMENT_TYPE)",
                    e);
        }
        return DockerApiException.unavailable(
                "cannot read the Container Apps environment " + environment
                        + " from ARM (for its Log Analytics workspace, location or workload profiles): " + detail,
                e);
    }
}
