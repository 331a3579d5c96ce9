package dev.sockerless.aca.logs;

import dev.sockerless.aca.errors.DockerApiException;

/** Which console-log table(s) to read ({@code SOCKERLESS_LOG_TABLE}). */
public enum LogTable {
    /** {@code ContainerAppConsoleLogs_CL}: environments with destination {@code log-analytics}; {@code _s} columns. */
    LEGACY("ContainerAppConsoleLogs_CL"),
    /** {@code ContainerAppConsoleLogs}: destination {@code azure-monitor} with a diagnostic setting. */
    RESOURCE_SPECIFIC("ContainerAppConsoleLogs"),
    /** Both, in one fuzzy union (a leg whose table does not exist is dropped). */
    AUTO("auto");

    private final String settingValue;

    LogTable(String settingValue) {
        this.settingValue = settingValue;
    }

    public String settingValue() {
        return settingValue;
    }

    public static LogTable parse(String value) {
        for (LogTable t : values()) {
            if (t.settingValue.equalsIgnoreCase(value == null ? "" : value.trim())) {
                return t;
            }
        }
        throw DockerApiException.system(
                "configuration: SOCKERLESS_LOG_TABLE has a malformed entry '" + value
                        + "': expected auto, ContainerAppConsoleLogs_CL or ContainerAppConsoleLogs",
                null);
    }
}
