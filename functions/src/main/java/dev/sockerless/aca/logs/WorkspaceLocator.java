package dev.sockerless.aca.logs;

import dev.sockerless.aca.errors.DockerApiException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Finds the Log Analytics workspace to query: its customer ID (a GUID), not its ARM resource ID. Either the setting
 * {@code SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID} ({@link #fixed}), or, when it is not set, the managed environment's
 * {@code appLogsConfiguration.logAnalyticsConfiguration.customerId} ({@link ManagedEnvironmentWorkspace}).
 */
@FunctionalInterface
public interface WorkspaceLocator {

    Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    String customerId();

    static WorkspaceLocator fixed(String customerId) {
        String checked = check(customerId, "SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID");
        return () -> checked;
    }

    /** The value if it is a GUID, else a configuration error naming where it came from. */
    static String check(String customerId, String from) {
        if (customerId == null || !GUID.matcher(customerId.trim()).matches()) {
            throw DockerApiException.system(
                    "configuration: " + from + " must be the workspace's customer ID (a GUID), not '" + customerId
                            + "'",
                    null);
        }
        return customerId.trim().toLowerCase(Locale.ROOT);
    }
}
