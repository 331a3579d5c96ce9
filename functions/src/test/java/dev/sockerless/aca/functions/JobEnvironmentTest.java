package dev.sockerless.aca.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.agent.EnvironmentType;
import dev.sockerless.aca.agent.JobEnvironment;
import dev.sockerless.aca.agent.JobResource;
import dev.sockerless.aca.agent.JobSettings;
import dev.sockerless.aca.agent.JobSpec;
import dev.sockerless.aca.agent.JobTemplateGenerator;
import dev.sockerless.aca.config.Settings;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.testing.ArmStandIn;
import dev.sockerless.aca.testing.JobSchema;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Jobs take the region and type of their environment from ARM (the real appcontainers SDK against the stand-in). */
class JobEnvironmentTest {

    static final String TOKEN = "0f".repeat(32);

    @RegisterExtension
    final ArmStandIn arm = ArmStandIn.bearer();

    static String id(String name) {
        return ArmStandIn.environmentId("rg", name);
    }

    Settings settings(String environment, Map<String, String> extra) {
        Map<String, String> values = new java.util.HashMap<>(
                Map.of("SOCKERLESS_ACA_ENVIRONMENT_ID", id(environment), "SOCKERLESS_ARM_ENDPOINT", arm.endpoint()));
        values.putAll(extra);
        return Settings.of(values);
    }

    Supplier<JobEnvironment> environment(Settings settings) {
        return AzureParts.jobEnvironment(settings, () -> arm.credential("arm-token"), ArmStandIn.rewritingClient());
    }

    static JobSpec big() {
        return new JobSpec(
                "sl-big-0123456789ab",
                "docker.io/library/alpine",
                List.of(),
                List.of("make"),
                List.of(),
                Map.of(),
                4_000_000_000L,
                8L << 30,
                TOKEN,
                9111);
    }

    @Test
    void aWorkloadProfilesEnvironmentGivesItsLocationAndFourCpuJobsReadOnce() throws Exception {
        arm.putEnvironment(ArmStandIn.SUBSCRIPTION, "rg", "cae-jobs", null); // ARM answers "location": "West Europe"
        Settings settings = settings("cae-jobs", Map.of());
        Supplier<JobEnvironment> environment = environment(settings);
        assertThat(arm.received).isEmpty();

        JobSettings first = JobSettings.from(settings, environment);
        JobSettings second = JobSettings.from(settings, environment);

        assertThat(first.location()).isEqualTo("westeurope");
        assertThat(first.type()).isEqualTo(EnvironmentType.WORKLOAD_PROFILES);
        assertThat(second).isEqualTo(first);
        assertThat(arm.count("GET")).isEqualTo(1);
        assertThat(arm.received.get(0).path()).isEqualTo(id("cae-jobs"));

        JobResource job = new JobTemplateGenerator(first).generate(big());
        JsonNode tree = new ObjectMapper().readTree(job.json());
        assertThat(tree.path("location").asText()).isEqualTo("westeurope");
        assertThat(tree.path("properties")
                        .path("template")
                        .path("containers")
                        .get(0)
                        .path("resources"))
                .isEqualTo(new ObjectMapper().readTree("{\"cpu\":4.0,\"memory\":\"8Gi\"}"));
        assertThat(job.warnings()).isEmpty();
        assertThat(JobSchema.violations(tree)).isEmpty();
        assertThat(JobSchema.resourceViolations(tree, true)).isEmpty();
        assertThat(JobSchema.resourceViolations(tree, false)).isNotEmpty();
    }

    @Test
    void aConsumptionOnlyEnvironmentCapsJobsAtTwoCpus() {
        arm.putConsumptionOnlyEnvironment(ArmStandIn.SUBSCRIPTION, "rg", "cae-small");
        JobSettings settings =
                JobSettings.from(settings("cae-small", Map.of()), environment(settings("cae-small", Map.of())));

        assertThat(settings.type()).isEqualTo(EnvironmentType.CONSUMPTION_ONLY);
        JobResource job = new JobTemplateGenerator(settings).generate(big());
        assertThat(job.json()).contains("\"cpu\":2.0,\"memory\":\"4Gi\"");
        assertThat(job.warnings())
                .singleElement()
                .asString()
                .contains("exceeds the largest size on a Consumption-only");
    }

    @Test
    void settingsThatSayEverythingReadNothing() {
        Settings settings = settings(
                "cae-none",
                Map.of(
                        "SOCKERLESS_ACA_LOCATION",
                        "northeurope",
                        "SOCKERLESS_ACA_ENVIRONMENT_TYPE",
                        "workload-profiles"));
        JobSettings job = JobSettings.from(settings, environment(settings));
        assertThat(job.location()).isEqualTo("northeurope");
        assertThat(arm.received).isEmpty();
    }

    @Test
    void anUnknownEnvironmentFailsTheJobNamingItAndIsReadAgainNextTime() {
        Settings settings = settings("cae-missing", Map.of());
        Supplier<JobEnvironment> environment = environment(settings);
        assertThatThrownBy(() -> JobSettings.from(settings, environment))
                .isInstanceOf(DockerApiException.class)
                .hasMessageContaining(id("cae-missing"))
                .hasMessageContaining("not found");
        arm.putEnvironment(ArmStandIn.SUBSCRIPTION, "rg", "cae-missing", null);
        assertThat(JobSettings.from(settings, environment).location()).isEqualTo("westeurope");
        assertThat(arm.count("GET")).isEqualTo(2);
    }
}
