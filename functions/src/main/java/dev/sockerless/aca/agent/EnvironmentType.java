package dev.sockerless.aca.agent;

import java.util.Arrays;
import java.util.Optional;

/**
 * The kind of Container Apps environment jobs run in, which sets the largest CPU/memory a job may have
 * (MicrosoftDocs/azure-docs {@code articles/container-apps/containers.md}): the pairs are
 * always 0.25 vCPU / 0.5Gi steps with memory = 2 × CPU, up to 2.0/4.0Gi in a Consumption-only environment and up to
 * 4.0/8.0Gi on the Consumption profile of a workload-profiles environment (the profile a job without
 * {@code workloadProfileName} runs on). {@code SOCKERLESS_ACA_ENVIRONMENT_TYPE}; {@code auto} reads the environment
 * ({@code properties.workloadProfiles} present = workload profiles).
 */
public enum EnvironmentType {
    CONSUMPTION_ONLY("consumption-only", 8, "a Consumption-only environment"),
    WORKLOAD_PROFILES("workload-profiles", 16, "the Consumption workload profile");

    /** The setting's value that reads the type from the environment. */
    public static final String AUTO = "auto";

    private final String setting;
    private final int maxSteps;
    private final String description;

    EnvironmentType(String setting, int maxSteps, String description) {
        this.setting = setting;
        this.maxSteps = maxSteps;
        this.description = description;
    }

    public String setting() {
        return setting;
    }

    /** The largest total a job may have, in 0.25 vCPU / 0.5Gi steps. */
    public int maxSteps() {
        return maxSteps;
    }

    public String description() {
        return description;
    }

    public static Optional<EnvironmentType> find(String setting) {
        return Arrays.stream(values()).filter(t -> t.setting.equals(setting)).findFirst();
    }
}
