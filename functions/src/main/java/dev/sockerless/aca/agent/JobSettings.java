package dev.sockerless.aca.agent;

import dev.sockerless.aca.config.Settings;
import dev.sockerless.aca.config.Settings.Key;

import java.util.Objects;

/**
 * What every job resource takes from the settings, read when a container is created (so image routes work without
 * them).
 *
 * @param location    the Azure region of the environment, or null to leave it out of the resource
 * @param acrIdentity the identity jobs pull from ACR with (a user-assigned identity's resource id, or {@code system}),
 *                    or null
 */
public record JobSettings(String environmentId, String location, int replicaTimeoutSeconds, int retryLimit,
                          String acrIdentity, AgentSettings agent) {

    public JobSettings {
        Objects.requireNonNull(environmentId, "environmentId");
        Objects.requireNonNull(agent, "agent");
    }

    public static JobSettings from(Settings settings) {
        String environment = settings.find(Key.SOCKERLESS_ACA_ENVIRONMENT_ID).orElseThrow(() -> Settings.missing(
                Key.SOCKERLESS_ACA_ENVIRONMENT_ID, "is not set: containers run as jobs in that Container Apps"
                        + " environment (/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.App/managedEnvironments/<name>)"));
        return new JobSettings(environment, settings.find(Key.SOCKERLESS_ACA_LOCATION).orElse(null),
                settings.integer(Key.SOCKERLESS_JOB_REPLICA_TIMEOUT_SECONDS, 1, Integer.MAX_VALUE),
                settings.integer(Key.SOCKERLESS_JOB_RETRY_LIMIT, 0, 100),
                settings.find(Key.SOCKERLESS_ACR_IDENTITY).orElse(null),
                AgentSettings.from(settings));
    }
}
