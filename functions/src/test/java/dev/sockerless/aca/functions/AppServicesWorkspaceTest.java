package dev.sockerless.aca.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sockerless.aca.config.Settings;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.logs.ManagedEnvironmentWorkspace;
import dev.sockerless.aca.logs.WorkspaceLocator;
import dev.sockerless.aca.testing.ArmStandIn;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Which workspace the logs route reads: the setting, else the environment's, discovered through ARM. */
class AppServicesWorkspaceTest {

    static final String ENVIRONMENT = ArmStandIn.environmentId("rg", "cae");
    static final String DISCOVERED = "6b3e2f1a-9c4d-4e8f-a1b2-c3d4e5f60718";
    static final String CONFIGURED = "11111111-2222-3333-4444-555555555555";

    @RegisterExtension
    final ArmStandIn arm = ArmStandIn.bearer();

    @BeforeEach
    void start() {
        arm.putEnvironment(ArmStandIn.SUBSCRIPTION, "rg", "cae", ArmStandIn.logAnalytics(DISCOVERED));
    }

    WorkspaceLocator workspace(Map<String, String> values) {
        return AzureParts.workspace(Settings.of(values), arm.credential("token"), ArmStandIn.rewritingClient());
    }

    @Test
    void theSettingWinsAndArmIsNotAsked() {
        WorkspaceLocator locator = workspace(Map.of(
                "SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID",
                CONFIGURED,
                "SOCKERLESS_ACA_ENVIRONMENT_ID",
                ENVIRONMENT,
                "SOCKERLESS_ARM_ENDPOINT",
                arm.endpoint()));

        assertThat(locator.customerId()).isEqualTo(CONFIGURED);
        assertThat(arm.received).isEmpty();
    }

    @Test
    void withoutTheSettingTheEnvironmentsWorkspaceIsDiscoveredAtTheArmEndpoint() {
        WorkspaceLocator locator = workspace(
                Map.of("SOCKERLESS_ACA_ENVIRONMENT_ID", ENVIRONMENT, "SOCKERLESS_ARM_ENDPOINT", arm.endpoint()));

        assertThat(locator).isInstanceOf(ManagedEnvironmentWorkspace.class);
        assertThat(locator.customerId()).isEqualTo(DISCOVERED);
        assertThat(locator.customerId()).isEqualTo(DISCOVERED);
        assertThat(arm.received).hasSize(1);
        assertThat(arm.received.get(0).path()).isEqualTo(ENVIRONMENT);
    }

    @Test
    void withNeitherSettingTheErrorNamesBoth() {
        assertThatThrownBy(() -> workspace(Map.of()))
                .isInstanceOf(DockerApiException.class)
                .hasMessageStartingWith("configuration: SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID is not set")
                .hasMessageContaining("SOCKERLESS_ACA_ENVIRONMENT_ID");
    }

    @Test
    void discoveryIsBuiltWithTheDefaultArmEndpointWithoutAskingArm() {
        assertThat(workspace(Map.of("SOCKERLESS_ACA_ENVIRONMENT_ID", ENVIRONMENT)))
                .isNotNull();
        assertThat(arm.received).isEmpty();
    }
}
