package dev.sockerless.aca.agent;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.resourcemanager.appcontainers.fluent.models.JobInner;
import com.azure.resourcemanager.appcontainers.models.JobTemplate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sockerless.aca.config.Settings;
import dev.sockerless.aca.errors.DockerApiException;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobTemplateGeneratorTest {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String ENV = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/env";
    static final String UAMI = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/jobs";
    static final String TOKEN = "0f".repeat(32);
    static final String DIGEST = "sha256:" + "a".repeat(64);
    static final List<String> NGINX_ENV = List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "NGINX_VERSION=1.27.0");

    static JobSpec nginx(String image, int port) {
        return new JobSpec("sl-web-0123456789ab", image, List.of("/docker-entrypoint.sh"),
                List.of("nginx", "-g", "daemon off;"), NGINX_ENV, Map.of(), 0, 0, TOKEN, port);
    }

    static JobSettings settings(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(Map.of("SOCKERLESS_ACA_ENVIRONMENT_ID", ENV));
        all.putAll(values);
        return JobSettings.from(Settings.of(all));
    }

    static JsonNode golden(String name) throws Exception {
        try (InputStream in = JobTemplateGeneratorTest.class.getResourceAsStream("/golden/" + name)) {
            return MAPPER.readTree(in);
        }
    }

    static JsonNode tree(JobResource job) throws Exception {
        return MAPPER.readTree(job.json());
    }

    @Test
    void bakedModeRunsTheAgentFromTheImageAndPullsFromAcrWithTheUserAssignedIdentity() throws Exception {
        JobResource job = new JobTemplateGenerator(settings(Map.of("SOCKERLESS_ACA_LOCATION", "westeurope",
                "SOCKERLESS_ACR_IDENTITY", UAMI))).generate(nginx("myacr.azurecr.io/web@" + DIGEST, 9111));

        assertThat(tree(job)).isEqualTo(golden("job-baked.json"));
        assertThat(job.name()).isEqualTo("sl-web-0123456789ab");
        assertThat(job.warnings()).isEmpty();
    }

    @Test
    void azureFilesModeMountsTheEnvironmentStorageReadOnlyAndRunsTheAgentFromTheMount() throws Exception {
        JobResource job = new JobTemplateGenerator(settings(Map.of("SOCKERLESS_AGENT_MODE", "azure-files",
                "SOCKERLESS_AGENT_STORAGE_NAME", "agentshare", "SOCKERLESS_AGENT_PORT", "9200",
                "SOCKERLESS_JOB_REPLICA_TIMEOUT_SECONDS", "3600", "SOCKERLESS_JOB_RETRY_LIMIT", "2")))
                .generate(nginx("docker.io/library/nginx@" + DIGEST, 9200));

        assertThat(tree(job)).isEqualTo(golden("job-azure-files.json"));
    }

    @Test
    void initContainerModeCopiesTheAgentIntoAnEmptyDirSharedWithTheMainContainer() throws Exception {
        JobResource job = new JobTemplateGenerator(settings(Map.of("SOCKERLESS_AGENT_MODE", "init-container",
                "SOCKERLESS_AGENT_IMAGE", "agents.azurecr.io/sockerless/agent:1", "SOCKERLESS_ACA_LOCATION", "westeurope",
                "SOCKERLESS_ACR_IDENTITY", "system"))).generate(nginx("myacr.azurecr.io/web@" + DIGEST, 9111));

        assertThat(tree(job)).isEqualTo(golden("job-init-container.json"));
    }

    @Test
    void idleCommandsRunTheAgentInKeepAliveModeWithoutTheCommand() throws Exception {
        JobSettings s = settings(Map.of("SOCKERLESS_ACA_LOCATION", "westeurope"));
        for (List<String> cmd : List.of(List.of("sleep", "infinity"), List.of("tail", "-f", "/dev/null"),
                List.of("/bin/sh", "-c", "tail -f /dev/null"))) {
            JobResource job = new JobTemplateGenerator(s).generate(new JobSpec("sl-idle-0123456789ab",
                    "docker.io/library/alpine@" + DIGEST, List.of(), cmd, List.of(NGINX_ENV.get(0)), Map.of(), 0, 0,
                    TOKEN, 9111));
            assertThat(tree(job)).as(cmd.toString()).isEqualTo(golden("job-keep-alive.json"));
        }
    }

    @Test
    void theKeepAliveLabelMakesAnyCommandKeepAlive() {
        assertThat(AgentInjection.isKeepAlive(List.of("python", "app.py"), Map.of("sockerless.keep-alive", "true"))).isTrue();
        assertThat(AgentInjection.isKeepAlive(List.of("python", "app.py"), Map.of())).isFalse();
        assertThat(AgentInjection.isKeepAlive(List.of("sleep", "10"), Map.of())).isFalse();
    }

    @Test
    void resourcesAreRoundedUpToTheNearestAllowedPairWithAWarning() throws Exception {
        JobResource job = new JobTemplateGenerator(settings(Map.of("SOCKERLESS_ACA_LOCATION", "westeurope")))
                .generate(new JobSpec("sl-idle-0123456789ab", "docker.io/library/alpine@" + DIGEST, List.of(),
                        List.of("sh", "-c", "make test"), List.of(), Map.of(), 1_100_000_000L, 3L << 30, TOKEN, 9111));

        assertThat(tree(job)).isEqualTo(golden("job-resources-rounded.json"));
        assertThat(job.warnings()).containsExactly("Requested 1.1 CPUs and 3221225472 bytes of memory rounded up to the"
                + " nearest ACA CPU/memory pair: the job gets 1.5 CPUs and 3Gi memory");
    }

    @Test
    void resourcePairs() {
        assertThat(AcaResources.fit(0, 0)).isEqualTo(new AcaResources(0.5, "1Gi", java.util.Optional.empty()));
        assertThat(AcaResources.fit(250_000_000L, 0)).isEqualTo(new AcaResources(0.25, "0.5Gi", java.util.Optional.empty()));
        assertThat(AcaResources.fit(0, 1L << 30)).isEqualTo(new AcaResources(0.5, "1Gi", java.util.Optional.empty()));
        assertThat(AcaResources.fit(1_000_000_000L, 2L << 30).warning()).isEmpty();
        assertThat(AcaResources.fit(0, 1100L << 20).memory()).isEqualTo("1.5Gi");
        AcaResources big = AcaResources.fit(4_000_000_000L, 0);
        assertThat(big.cpu()).isEqualTo(2.0);
        assertThat(big.memory()).isEqualTo("4Gi");
        assertThat(big.warning()).hasValueSatisfying(w -> assertThat(w).contains("exceeds the largest"));
    }

    @Test
    void theTokenAppearsOnlyAsTheValueOfTheJobSecret() throws Exception {
        for (String mode : List.of("baked", "azure-files", "init-container")) {
            JobResource job = new JobTemplateGenerator(settings(Map.of("SOCKERLESS_AGENT_MODE", mode,
                    "SOCKERLESS_AGENT_STORAGE_NAME", "agentshare", "SOCKERLESS_AGENT_IMAGE", "agent:1")))
                    .generate(nginx("docker.io/library/nginx@" + DIGEST, 9111));
            ObjectNode tree = (ObjectNode) tree(job);
            JsonNode secrets = tree.path("properties").path("configuration").path("secrets");
            assertThat(secrets).hasSize(1);
            assertThat(secrets.get(0).path("value").asText()).isEqualTo(TOKEN);
            ((ObjectNode) secrets.get(0)).remove("value");
            assertThat(tree.toString()).as(mode).doesNotContain(TOKEN);
            assertThat(job.toString()).doesNotContain(TOKEN);
        }
    }

    @Test
    void theJobRoundTripsThroughTheSdkModels() throws Exception {
        JobResource job = new JobTemplateGenerator(settings(Map.of("SOCKERLESS_AGENT_MODE", "init-container",
                "SOCKERLESS_AGENT_IMAGE", "agents.azurecr.io/sockerless/agent:1", "SOCKERLESS_ACR_IDENTITY", UAMI,
                "SOCKERLESS_ACA_LOCATION", "westeurope")))
                .generate(nginx("myacr.azurecr.io/web@" + DIGEST, 9111));
        JsonNode tree = tree(job);

        JobInner inner;
        try (JsonReader reader = JsonProviders.createReader(job.json())) {
            inner = JobInner.fromJson(reader);
        }
        assertThat(inner.environmentId()).isEqualTo(ENV);
        assertThat(inner.location()).isEqualTo("westeurope");
        assertThat(inner.identity().userAssignedIdentities()).containsOnlyKeys(UAMI);
        assertThat(MAPPER.readTree(inner.configuration().toJsonString()))
                .isEqualTo(tree.path("properties").path("configuration"));
        assertThat(MAPPER.readTree(inner.template().toJsonString())).isEqualTo(tree.path("properties").path("template"));
        try (JsonReader reader = JsonProviders.createReader(tree.path("properties").path("template").toString())) {
            assertThat(MAPPER.readTree(JobTemplate.fromJson(reader).toJsonString()))
                    .isEqualTo(tree.path("properties").path("template"));
        }
    }

    @Test
    void aModeWithoutItsSettingFailsNamingTheSettingAndTheFix() {
        assertThatThrownBy(() -> settings(Map.of("SOCKERLESS_AGENT_MODE", "init-container")))
                .isInstanceOf(DockerApiException.class)
                .hasMessageStartingWith("configuration: SOCKERLESS_AGENT_IMAGE is not set")
                .hasMessageContaining("SOCKERLESS_AGENT_MODE=baked");
        assertThatThrownBy(() -> settings(Map.of("SOCKERLESS_AGENT_MODE", "azure-files")))
                .hasMessageStartingWith("configuration: SOCKERLESS_AGENT_STORAGE_NAME is not set")
                .hasMessageContaining("managedEnvironments/storages");
        assertThatThrownBy(() -> settings(Map.of("SOCKERLESS_AGENT_MODE", "sidecar")))
                .hasMessageContaining("SOCKERLESS_AGENT_MODE").hasMessageContaining("baked, azure-files, init-container");
        assertThatThrownBy(() -> JobSettings.from(Settings.of(Map.of())))
                .hasMessageStartingWith("configuration: SOCKERLESS_ACA_ENVIRONMENT_ID is not set");
    }

    @Test
    void jobNamesFollowAcaRulesAndAreDeterministic() {
        String id = "0123456789ab" + "c".repeat(52);
        assertThat(JobNames.of(id, "web")).isEqualTo("sl-web-0123456789ab");
        assertThat(JobNames.of(id, "My_App.Server--1")).isEqualTo("sl-my-app-server-1-0123456789ab");
        assertThat(JobNames.of(id, "a".repeat(40))).isEqualTo("sl-" + "a".repeat(16) + "-0123456789ab");
        assertThat(JobNames.of(id, "abcdefghijklmno_x")).isEqualTo("sl-abcdefghijklmno-0123456789ab");
        assertThat(JobNames.of(id, "_")).isEqualTo("sl-0123456789ab");
        for (String name : List.of("web", "My_App.Server--1", "a".repeat(40), "abcdefghijklmno_x", "_", "9lives")) {
            String job = JobNames.of(id, name);
            assertThat(JobNames.isValid(job)).as(job).isTrue();
            assertThat(job).hasSizeLessThanOrEqualTo(32).isEqualTo(JobNames.of(id, name));
        }
        assertThat(JobNames.isValid("1abc")).isFalse();
        assertThat(JobNames.isValid("abc-")).isFalse();
        assertThat(JobNames.isValid("a--b")).isFalse();
        assertThat(JobNames.isValid("Abc")).isFalse();
        assertThat(JobNames.isValid("a".repeat(33))).isFalse();
    }
}
