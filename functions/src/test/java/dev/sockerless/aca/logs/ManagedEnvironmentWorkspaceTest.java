package dev.sockerless.aca.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.http.policy.FixedDelayOptions;
import com.azure.core.http.policy.RetryOptions;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.errors.DockerApiException.Kind;
import dev.sockerless.aca.logs.ManagedEnvironmentWorkspace.EnvironmentId;
import dev.sockerless.aca.testing.ArmStandIn;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Workspace discovery through the real appcontainers SDK against an ARM stand-in. */
class ManagedEnvironmentWorkspaceTest {

    static final String SUBSCRIPTION = ArmStandIn.SUBSCRIPTION;
    static final String CUSTOMER_ID = "6b3e2f1a-9c4d-4e8f-a1b2-c3d4e5f60718";
    static final String TOKEN = "dummy-arm-token";

    @RegisterExtension
    final ArmStandIn arm = ArmStandIn.bearer();

    static String id(String resourceGroup, String name) {
        return ArmStandIn.environmentId(resourceGroup, name);
    }

    ManagedEnvironmentWorkspace workspace(String environmentId) {
        return ManagedEnvironmentWorkspace.fromArm(
                environmentId, arm.endpoint(), arm.credential(TOKEN), ArmStandIn.rewritingClient());
    }

    @Test
    void readsTheCustomerIdOfALogAnalyticsEnvironmentOnceWithTheToken() {
        arm.putEnvironment(
                SUBSCRIPTION, "rg-sockerless", "cae-jobs", ArmStandIn.logAnalytics(CUSTOMER_ID.toUpperCase()));
        ManagedEnvironmentWorkspace workspace = workspace(id("rg-sockerless", "cae-jobs"));
        assertThat(arm.received).isEmpty(); // nothing is read before first use

        assertThat(workspace.customerId()).isEqualTo(CUSTOMER_ID);
        assertThat(workspace.customerId()).isEqualTo(CUSTOMER_ID);

        assertThat(arm.received).hasSize(1);
        ArmStandIn.Received request = arm.received.get(0);
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.path()).isEqualTo(id("rg-sockerless", "cae-jobs"));
        assertThat(request.query()).isEqualTo("api-version=2025-01-01");
        assertThat(request.authorization()).isEqualTo("Bearer " + TOKEN);
        assertThat(arm.scopes).containsOnly(arm.endpoint() + "/.default");
    }

    @Test
    void anUnknownEnvironmentIsAnErrorNamingItAndIsNotCached() {
        ManagedEnvironmentWorkspace workspace = workspace(id("rg-sockerless", "cae-missing"));

        assertThatThrownBy(workspace::customerId).isInstanceOfSatisfying(DockerApiException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.SYSTEM);
            assertThat(e.getMessage())
                    .contains(
                            id("rg-sockerless", "cae-missing"),
                            "SOCKERLESS_ACA_ENVIRONMENT_ID",
                            "not found",
                            "404",
                            "ResourceNotFound");
        });
        assertThat(arm.count("GET")).isEqualTo(1); // a 404 is not retried

        arm.putEnvironment(SUBSCRIPTION, "rg-sockerless", "cae-missing", ArmStandIn.logAnalytics(CUSTOMER_ID));
        assertThat(workspace.customerId()).isEqualTo(CUSTOMER_ID);
        assertThat(workspace.customerId()).isEqualTo(CUSTOMER_ID);
        assertThat(arm.count("GET")).isEqualTo(2);
    }

    @Test
    void anAzureMonitorEnvironmentWithoutAWorkspaceAsksForTheSetting() {
        arm.putEnvironment(SUBSCRIPTION, "rg", "cae-monitor", "{\"destination\":\"azure-monitor\"}");
        ManagedEnvironmentWorkspace workspace = workspace(id("rg", "cae-monitor"));

        assertThatThrownBy(workspace::customerId).isInstanceOfSatisfying(DockerApiException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.SYSTEM);
            assertThat(e.getMessage())
                    .startsWith("configuration:")
                    .contains(id("rg", "cae-monitor"), "'azure-monitor'", "SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID");
        });
        assertThatThrownBy(workspace::customerId).isInstanceOf(DockerApiException.class);
        assertThat(arm.count("GET")).isEqualTo(2); // not cached
    }

    @Test
    void anEnvironmentWithoutLogsConfigurationAsksForTheSetting() {
        arm.putEnvironment(SUBSCRIPTION, "rg", "cae-none", null);

        assertThatThrownBy(workspace(id("rg", "cae-none"))::customerId)
                .isInstanceOf(DockerApiException.class)
                .hasMessageStartingWith("configuration:")
                .hasMessageContaining("'none'")
                .hasMessageContaining("SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID");
    }

    @Test
    void aCustomerIdThatIsNotAGuidIsAConfigurationError() {
        arm.putEnvironment(SUBSCRIPTION, "rg", "cae-odd", ArmStandIn.logAnalytics("not-a-guid"));

        assertThatThrownBy(workspace(id("rg", "cae-odd"))::customerId)
                .isInstanceOf(DockerApiException.class)
                .hasMessageStartingWith("configuration:")
                .hasMessageContaining("customerId")
                .hasMessageContaining("not-a-guid");
    }

    @Test
    void anUnreachableArmIsUnavailable() {
        String closed = arm.endpoint();
        arm.close();
        ManagedEnvironmentWorkspace workspace = ManagedEnvironmentWorkspace.fromArm(
                id("rg", "cae"),
                closed,
                arm.credential(TOKEN),
                ArmStandIn.rewritingClient(),
                new RetryOptions(new FixedDelayOptions(1, Duration.ofMillis(1))));

        assertThatThrownBy(workspace::customerId).isInstanceOfSatisfying(DockerApiException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(e.getMessage())
                    .contains(id("rg", "cae"), "cannot read", "ConnectException")
                    .doesNotContain("reactor");
        });
    }

    @Test
    void aTrailingSlashOnTheArmEndpointIsIgnored() {
        arm.putEnvironment(SUBSCRIPTION, "rg", "cae", ArmStandIn.logAnalytics(CUSTOMER_ID));
        ManagedEnvironmentWorkspace workspace = ManagedEnvironmentWorkspace.fromArm(
                id("rg", "cae"), arm.endpoint() + "/", arm.credential(TOKEN), ArmStandIn.rewritingClient());

        assertThat(workspace.customerId()).isEqualTo(CUSTOMER_ID);
        assertThat(arm.received.get(0).path()).isEqualTo(id("rg", "cae"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "cae-jobs",
                "/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/cae",
                "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg/providers/Microsoft.App/containerApps/cae",
                "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/",
                "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/cae/storages/x",
                "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg./providers/Microsoft.App/managedEnvironments/cae",
                "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/-cae",
            })
    void aMalformedEnvironmentIdIsAConfigurationErrorNamingTheSetting(String environmentId) {
        assertThatThrownBy(() -> workspace(environmentId))
                .isInstanceOfSatisfying(
                        DockerApiException.class, e -> assertThat(e.kind()).isEqualTo(Kind.SYSTEM))
                .hasMessageStartingWith("configuration: SOCKERLESS_ACA_ENVIRONMENT_ID")
                .hasMessageContaining(environmentId);
        assertThat(arm.received).isEmpty();
    }

    @Test
    void environmentIdsAreParsedCaseInsensitivelyKeepingTheNames() {
        EnvironmentId id = EnvironmentId.parse(" /SUBSCRIPTIONS/" + SUBSCRIPTION.toUpperCase()
                + "/resourcegroups/My_Group(1)/providers/microsoft.app/managedenvironments/Cae-Jobs/ ");
        assertThat(id).isEqualTo(new EnvironmentId(SUBSCRIPTION, "My_Group(1)", "Cae-Jobs"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://management.azure.com",
                "management.azure.com",
                "https://management.azure.com/arm",
                "https://"
            })
    void theArmEndpointMustBeAnHttpsOrigin(String endpoint) {
        assertThatThrownBy(() ->
                        ManagedEnvironmentWorkspace.fromArm(id("rg", "cae"), endpoint, arm.credential(TOKEN), null))
                .isInstanceOf(DockerApiException.class)
                .hasMessageStartingWith("configuration: SOCKERLESS_ARM_ENDPOINT");
    }
}
