package dev.sockerless.aca.logs;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.exception.ManagementException;
import com.azure.core.management.profile.AzureProfile;
import com.azure.resourcemanager.appcontainers.ContainerAppsApiManager;
import com.azure.resourcemanager.appcontainers.models.AppLogsConfiguration;
import com.azure.resourcemanager.appcontainers.models.ManagedEnvironment;
import dev.sockerless.aca.errors.DockerApiException;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    static final String ARM_SETTING = "SOCKERLESS_ARM_ENDPOINT";

    /** A managed environment's ARM id, parsed. */
    public record EnvironmentId(String subscription, String resourceGroup, String name) {

        private static final Pattern ID = Pattern.compile(
                "/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/Microsoft\\.App/managedEnvironments/([^/]+)/?",
                Pattern.CASE_INSENSITIVE);
        private static final Pattern RESOURCE_GROUP = Pattern.compile("[-\\w.()]{0,89}[-\\w()]", Pattern.UNICODE_CHARACTER_CLASS);
        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,58}[A-Za-z0-9])?");

        /** The id's parts, or a configuration error naming {@code SOCKERLESS_ACA_ENVIRONMENT_ID}. */
        public static EnvironmentId parse(String id) {
            Matcher m = id == null ? null : ID.matcher(id.trim());
            if (m == null || !m.matches()) {
                throw malformed(id, "expected /subscriptions/<subscription>/resourceGroups/<group>"
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
            return new EnvironmentId(m.group(1).toLowerCase(), m.group(2), m.group(3));
        }

        @Override
        public String toString() {
            return "/subscriptions/" + subscription + "/resourceGroups/" + resourceGroup
                    + "/providers/Microsoft.App/managedEnvironments/" + name;
        }

        private static DockerApiException malformed(String id, String why) {
            return DockerApiException.system("configuration: " + ENVIRONMENT_SETTING + " has a malformed entry '" + id
                    + "': " + why, null);
        }
    }

    /**
     * What the app takes from the environment: its region ({@code location}, as ARM spells it in the GET), whether
     * it has workload profiles ({@code properties.workloadProfiles}), and its logs destination and workspace.
     *
     * @param customerId the workspace's customer ID, or null when the environment names none
     */
    public record Facts(String location, boolean workloadProfiles, String destination, String customerId) {
    }

    private final EnvironmentId environment;
    private final Function<EnvironmentId, ManagedEnvironment> reader;
    private final Object lock = new Object();
    private volatile String customerId;
    private volatile Facts facts;

    /**
     * @param reader reads the environment (the SDK in production); ARM errors arrive as {@link HttpResponseException}
     */
    public ManagedEnvironmentWorkspace(EnvironmentId environment, Function<EnvironmentId, ManagedEnvironment> reader) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.reader = Objects.requireNonNull(reader, "reader");
    }

    /**
     * Reads the environment through a {@link ContainerAppsApiManager} at {@code armEndpoint} (an {@code https} URL;
     * the token scope is {@code <armEndpoint>/.default}).
     *
     * @param httpClient the HTTP client, or null for the SDK's default
     */
    public static ManagedEnvironmentWorkspace fromArm(String environmentId, String armEndpoint, TokenCredential credential,
                                                      HttpClient httpClient) {
        return fromArm(environmentId, armEndpoint, credential, httpClient, null);
    }

    /** As {@link #fromArm(String, String, TokenCredential, HttpClient)}, with retry options (null: the SDK's). */
    static ManagedEnvironmentWorkspace fromArm(String environmentId, String armEndpoint, TokenCredential credential,
                                               HttpClient httpClient, RetryOptions retries) {
        EnvironmentId id = EnvironmentId.parse(environmentId);
        ContainerAppsApiManager manager = manager(id.subscription(), armEndpoint, credential, httpClient, retries);
        return new ManagedEnvironmentWorkspace(id,
                env -> manager.managedEnvironments().getByResourceGroup(env.resourceGroup(), env.name()));
    }

    /** A manager for one subscription at the given ARM endpoint. */
    static ContainerAppsApiManager manager(String subscription, String armEndpoint, TokenCredential credential,
                                           HttpClient httpClient, RetryOptions retries) {
        Objects.requireNonNull(credential, "credential");
        String base = armEndpoint(armEndpoint);
        Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
        endpoints.put("resourceManagerEndpointUrl", base + "/");
        AzureProfile profile = new AzureProfile(null, subscription, new AzureEnvironment(endpoints));
        ContainerAppsApiManager.Configurable configurable = ContainerAppsApiManager.configure().withScope(base + "/.default");
        if (httpClient != null) {
            configurable.withHttpClient(httpClient);
        }
        if (retries != null) {
            configurable.withRetryOptions(retries);
        }
        return configurable.authenticate(credential, profile);
    }

    /** The endpoint without a trailing slash, or a configuration error: ARM is reached with a token, over https. */
    static String armEndpoint(String value) {
        String trimmed = value == null ? "" : value.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(trimmed);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || !"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null
                || (uri.getPath() != null && !uri.getPath().isEmpty()) || uri.getQuery() != null) {
            throw DockerApiException.system("configuration: " + ARM_SETTING + " has a malformed entry '" + value
                    + "': expected an https URL without a path, such as https://management.azure.com", null);
        }
        return trimmed;
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
            if (customerId == null) {
                Facts f = facts;
                if (f == null || f.customerId() == null) {
                    f = read(); // the environment may have been given a workspace since it was read
                }
                customerId = workspaceOf(f);
            }
            return customerId;
        }
    }

    /** The environment's facts, read through ARM on first use and kept; a failed read is not kept. */
    public Facts facts() {
        Facts known = facts;
        if (known != null) {
            return known;
        }
        synchronized (lock) {
            return facts != null ? facts : read();
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
            Throwable cause = e;
            while (cause.getCause() != null && cause.getClass().getName().startsWith("reactor.")) {
                cause = cause.getCause(); // Reactor's wrapper of a checked exception (ConnectException, ...)
            }
            throw DockerApiException.unavailable("cannot read the Container Apps environment " + environment
                    + " from ARM (for its Log Analytics workspace, location or workload profiles): " + cause, e);
        }
        if (env == null) {
            throw DockerApiException.system("the Container Apps environment " + environment + " (" + ENVIRONMENT_SETTING
                    + ") was not found", null);
        }
        AppLogsConfiguration logs = env.appLogsConfiguration();
        String destination = logs == null || logs.destination() == null ? "none" : logs.destination();
        String found = logs == null || logs.logAnalyticsConfiguration() == null ? null
                : logs.logAnalyticsConfiguration().customerId();
        if (env.location() == null || env.location().isBlank()) {
            throw DockerApiException.unavailable("ARM returned the Container Apps environment " + environment
                    + " without its location", null);
        }
        Facts read = new Facts(env.location(), env.workloadProfiles() != null && !env.workloadProfiles().isEmpty(),
                destination, found == null || found.isBlank() ? null : found);
        facts = read;
        return read;
    }

    private String workspaceOf(Facts f) {
        String found = f.customerId();
        String destination = f.destination();
        if (found == null) {
            throw DockerApiException.system("configuration: the Container Apps environment " + environment
                    + " names no Log Analytics workspace (its logs destination is '" + destination + "'; only"
                    + " 'log-analytics' names one, 'azure-monitor' links it through a diagnostic setting): set "
                    + WORKSPACE_SETTING + " to the workspace's customer ID", null);
        }
        return WorkspaceLocator.check(found, "the logAnalyticsConfiguration.customerId of the Container Apps environment "
                + environment);
    }

    private DockerApiException armFailure(HttpResponseException e) {
        int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
        String detail = "HTTP " + status + describe(e);
        if (status == 404) {
            return DockerApiException.system("the Container Apps environment " + environment + " (" + ENVIRONMENT_SETTING
                    + ") was not found: ARM answered " + detail, e);
        }
        if (status == 401 || status == 403) {
            return DockerApiException.system("cannot read the Container Apps environment " + environment
                    + " (for its Log Analytics workspace, location or workload profiles): ARM answered " + detail
                    + " (the app's identity needs read access to the environment, or set " + WORKSPACE_SETTING
                    + ", SOCKERLESS_ACA_LOCATION and SOCKERLESS_ACA_ENVIRONMENT_TYPE)", e);
        }
        return DockerApiException.unavailable("cannot read the Container Apps environment " + environment
                + " from ARM (for its Log Analytics workspace, location or workload profiles): " + detail, e);
    }

    private static String describe(HttpResponseException e) {
        if (e instanceof ManagementException m && m.getValue() != null) {
            ManagementError error = m.getValue();
            String code = error.getCode() == null ? "" : " " + error.getCode();
            String message = error.getMessage() == null ? "" : ": " + error.getMessage();
            return code + message;
        }
        return "";
    }
}
