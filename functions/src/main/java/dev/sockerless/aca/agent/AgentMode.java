package dev.sockerless.aca.agent;

import java.util.Arrays;
import java.util.Optional;

/** How a job's container gets the agent binary ({@code SOCKERLESS_AGENT_MODE}; README "Settings"). */
public enum AgentMode {
    /** The image already holds the binary at {@code /sockerless-agent}. */
    BAKED("baked"),
    /** An environment storage (Azure Files share holding {@code sockerless-agent}) is mounted read-only. */
    AZURE_FILES("azure-files"),
    /** An init container copies the binary from the agent image into an EmptyDir volume. */
    INIT_CONTAINER("init-container");

    private final String setting;

    AgentMode(String setting) {
        this.setting = setting;
    }

    /** The setting's spelling. */
    public String setting() {
        return setting;
    }

    public static Optional<AgentMode> find(String setting) {
        return Arrays.stream(values()).filter(m -> m.setting.equals(setting)).findFirst();
    }
}
