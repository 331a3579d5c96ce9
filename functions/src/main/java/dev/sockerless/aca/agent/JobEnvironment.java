package dev.sockerless.aca.agent;

import java.util.Objects;

/**
 * What a job takes from the Container Apps environment it runs in when the settings do not say it: the region (a
 * job's {@code location} is required, v3 types.json {@code TrackedResource}) and whether the environment has
 * workload profiles ({@code properties.workloadProfiles}), which sets the largest job size.
 */
public record JobEnvironment(String location, boolean workloadProfiles) {

    public JobEnvironment {
        Objects.requireNonNull(location, "location");
    }
}
