package dev.sockerless.aca.agent;

import dev.sockerless.aca.config.Settings;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * What every job resource takes from the settings, read when a container is created (so image routes work without
 * them).
 *
 * @param location    the Azure region of the environment (ARM's name, e.g. {@code westeurope})
 * @param type        the environment type, which sets the largest job size
 * @param jobIdentity the resource id of the user-assigned identity jobs pull from ACR with, or null (anonymous pulls)
 */
public record JobSettings(
        String environmentId,
        String location,
        EnvironmentType type,
        int replicaTimeoutSeconds,
        int retryLimit,
        @Nullable String jobIdentity,
        AgentSettings agent) {

    /** A user-assigned identity's resource id (RegistryCredentials.identity, Jobs.json 2025-01-01). */
    static final Pattern IDENTITY_ID = Pattern.compile(
            "/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\\.ManagedIdentity/userAssignedIdentities/[^/]+",
            Pattern.CASE_INSENSITIVE);
    /** The setting this one replaced; set, it is a configuration error rather than silently ignored. */
    static final String OLD_IDENTITY_SETTING = "SOCKERLESS_ACR_IDENTITY";

    public JobSettings {
        Objects.requireNonNull(environmentId, "environmentId");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(agent, "agent");
    }

    /**
     * The settings, with {@code SOCKERLESS_ACA_LOCATION} and {@code SOCKERLESS_ACA_ENVIRONMENT_TYPE=auto} taken from
     * {@code environment} (read only when one of them is needed).
     */
    public static JobSettings from(Settings settings, Supplier<JobEnvironment> environment) {
        String environmentId = settings.find(Settings.Key.SOCKERLESS_ACA_ENVIRONMENT_ID)
                .orElseThrow(
                        () -> Settings.missing(
                                Settings.Key.SOCKERLESS_ACA_ENVIRONMENT_ID,
                                "is not set: containers run as jobs in that Container Apps"
                                        + " environment (/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.App/managedEnvironments/<name>)"));
        String typeText = settings.require(Settings.Key.SOCKERLESS_ACA_ENVIRONMENT_TYPE);
        EnvironmentType type = EnvironmentType.find(typeText).orElse(null);
        if (type == null && !EnvironmentType.AUTO.equals(typeText)) {
            throw Settings.malformed(
                    Settings.Key.SOCKERLESS_ACA_ENVIRONMENT_TYPE,
                    typeText,
                    "use " + EnvironmentType.AUTO + ", "
                            + Arrays.stream(EnvironmentType.values())
                                    .map(EnvironmentType::setting)
                                    .collect(Collectors.joining(" or ")));
        }
        String location = settings.find(Settings.Key.SOCKERLESS_ACA_LOCATION).orElse(null);
        if (location == null || type == null) {
            JobEnvironment discovered = environment.get();
            location = location != null ? location : discovered.location();
            type = type != null
                    ? type
                    : discovered.workloadProfiles()
                            ? EnvironmentType.WORKLOAD_PROFILES
                            : EnvironmentType.CONSUMPTION_ONLY;
        }
        return new JobSettings(
                environmentId,
                armLocation(location),
                type,
                settings.integer(Settings.Key.SOCKERLESS_JOB_REPLICA_TIMEOUT_SECONDS, 1, Integer.MAX_VALUE),
                settings.integer(Settings.Key.SOCKERLESS_JOB_RETRY_LIMIT, 0, 100),
                jobIdentity(settings),
                AgentSettings.from(settings));
    }

    /** ARM's spelling of a region: ARM GETs of Microsoft.App resources may say {@code West Europe}. */
    static String armLocation(String location) {
        return location.toLowerCase(Locale.ROOT).replace(" ", "");
    }

    private static @Nullable String jobIdentity(Settings settings) {
        if (settings.findRaw(OLD_IDENTITY_SETTING).isPresent()) {
            throw Settings.missing(
                    Settings.Key.SOCKERLESS_JOB_IDENTITY,
                    "replaces " + OLD_IDENTITY_SETTING + ", which is still"
                            + " set: remove it and set " + Settings.Key.SOCKERLESS_JOB_IDENTITY
                            + " to the resource id of a user-assigned"
                            + " identity that has only AcrPull (not the app's identity)");
        }
        String id = settings.find(Settings.Key.SOCKERLESS_JOB_IDENTITY).orElse(null);
        if (id == null) {
            return null;
        }
        if ("system".equalsIgnoreCase(id)) {
            throw Settings.malformed(
                    Settings.Key.SOCKERLESS_JOB_IDENTITY,
                    id,
                    "a job's system-assigned identity does not exist"
                            + " before the job, so it cannot hold AcrPull when the first image is pulled: use the resource id"
                            + " of a user-assigned identity with AcrPull on the registry");
        }
        if (!IDENTITY_ID.matcher(id).matches()) {
            throw Settings.malformed(
                    Settings.Key.SOCKERLESS_JOB_IDENTITY,
                    id,
                    "expected /subscriptions/<sub>/resourceGroups/<rg>"
                            + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>");
        }
        return id;
    }
}
