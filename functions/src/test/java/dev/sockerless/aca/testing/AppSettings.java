package dev.sockerless.aca.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The app's settings for end-to-end tests of a local host wired to the stand-ins: state in the shared Azurite, a
 * registry over plain http (also the staging registry), the ACA environment {@link LifecycleFixture#ENVIRONMENT_ID}
 * given with its location and type (so nothing reads it through ARM), jobs through the {@link ArmStandIn} over plain
 * http, logs from the {@link LogAnalyticsStandIn}, and short follow and wait times. The app reads its settings once
 * per JVM: {@link #install()} them as system properties before the first request and {@link #uninstall()} them
 * after the class.
 */
public final class AppSettings {

    private final Map<String, String> values;

    private AppSettings(Map<String, String> values) {
        this.values = values;
    }

    /** The settings for {@code registry} ({@code host:port}), {@code logs} and {@code arm}. */
    public static AppSettings standIns(String registry, LogAnalyticsStandIn logs, ArmStandIn arm) {
        Map<String, String> values = LifecycleFixture.jobSettings(Map.of());
        values.put("AzureWebJobsStorage", SharedServices.azurite().connectionString());
        values.put("SOCKERLESS_INSECURE_REGISTRIES", registry);
        values.put("SOCKERLESS_STAGING_REGISTRY", registry + "/staging");
        values.put("SOCKERLESS_ARM_ENDPOINT", arm.plainEndpoint());
        values.put("SOCKERLESS_LOG_ANALYTICS_ENDPOINT", logs.endpoint());
        values.put("SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID", logs.workspaceId);
        values.put("SOCKERLESS_FOLLOW_POLL_SECONDS", "1");
        values.put("SOCKERLESS_ARM_STATUS_CACHE_SECONDS", "1");
        return new AppSettings(values);
    }

    /** These settings with {@code name} set to {@code value} (added or replaced). */
    public AppSettings with(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(name, value);
        return new AppSettings(copy);
    }

    /** Sets every setting as a system property. */
    public void install() {
        values.forEach(System::setProperty);
    }

    /** Clears the system properties {@link #install()} set. */
    public void uninstall() {
        values.keySet().forEach(System::clearProperty);
    }

    /** The settings by name. */
    public Map<String, String> values() {
        return Map.copyOf(values);
    }
}
