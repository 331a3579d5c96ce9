package dev.sockerless.aca.testing;

import com.azure.core.http.HttpClient;
import dev.sockerless.aca.arm.ArmEndpoint;
import dev.sockerless.aca.arm.ArmManagers;
import dev.sockerless.aca.config.Settings;
import dev.sockerless.aca.containers.ContainerJobs;
import dev.sockerless.aca.containers.ContainerStore;
import dev.sockerless.aca.lifecycle.ArmJobsApi;
import dev.sockerless.aca.lifecycle.ContainerLifecycle;
import dev.sockerless.aca.logs.ExitCodes;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ContainerLifecycle} on the real SDK against the strict {@link ArmStandIn} (jobs in resource group
 * {@value #RESOURCE_GROUP}), on a {@link MutableClock} that the lifecycle's waits advance instead of sleeping.
 */
public final class LifecycleFixture implements AutoCloseable {

    public static final String SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
    public static final String RESOURCE_GROUP = "rg";
    public static final String ENVIRONMENT_ID = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + RESOURCE_GROUP
            + "/providers/Microsoft.App/managedEnvironments/env";
    public static final String LOCATION = "westeurope";
    public static final Duration STATUS_TTL = Duration.ofSeconds(2);

    /**
     * The settings of jobs in {@link #ENVIRONMENT_ID}: the environment with its location and type (consumption-only),
     * so that nothing reads it through ARM; plus {@code extra}.
     */
    public static Map<String, String> jobSettings(Map<String, String> extra) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("SOCKERLESS_ACA_ENVIRONMENT_ID", ENVIRONMENT_ID);
        values.put("SOCKERLESS_ACA_LOCATION", LOCATION);
        values.put("SOCKERLESS_ACA_ENVIRONMENT_TYPE", "consumption-only");
        values.putAll(extra);
        return values;
    }

    /** {@link ContainerJobs} on {@link #jobSettings} with {@code extra}. */
    public static ContainerJobs jobs(Map<String, String> extra) {
        return new ContainerJobs(Settings.of(jobSettings(extra)));
    }

    public final MutableClock clock;
    public final ArmStandIn arm;
    public final ContainerLifecycle lifecycle;
    public final List<Duration> sleeps = new ArrayList<>();
    public final List<String> scopes = new ArrayList<>();

    /**
     * @param auth {@code NONE}: plain http on loopback, no credential; {@code BEARER}: https (rewritten to http) with
     *             a token
     */
    public LifecycleFixture(ContainerStore store, ContainerJobs jobs, MutableClock clock, ArmStandIn.Auth auth)
            throws IOException {
        this(store, jobs, clock, auth, ExitCodes.NONE);
    }

    /** @param exitCodes where the lifecycle looks for exit codes (a Log Analytics source on a stand-in) */
    public LifecycleFixture(
            ContainerStore store, ContainerJobs jobs, MutableClock clock, ArmStandIn.Auth auth, ExitCodes exitCodes)
            throws IOException {
        this.clock = clock;
        this.arm = new ArmStandIn(clock, auth);
        boolean plain = auth == ArmStandIn.Auth.NONE;
        ArmEndpoint endpoint = ArmEndpoint.parse(plain ? arm.plainEndpoint() : arm.endpoint());
        HttpClient http = plain ? null : ArmStandIn.rewritingClient();
        ArmJobsApi api = new ArmJobsApi(
                ArmManagers.containerApps(
                        endpoint, SUBSCRIPTION, () -> ArmStandIn.credential("arm-token", scopes), http, null),
                RESOURCE_GROUP);
        this.lifecycle =
                new ContainerLifecycle(store, jobs, () -> api, () -> exitCodes, clock, STATUS_TTL, STATUS_TTL, d -> {
                    sleeps.add(d);
                    clock.advance(d);
                });
    }

    @Override
    public void close() {
        arm.close();
    }
}
