package dev.sockerless.aca.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.azure.resourcemanager.appcontainers.fluent.models.JobInner;
import com.azure.resourcemanager.appcontainers.models.JobTemplate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sockerless.aca.config.Settings;
import dev.sockerless.aca.errors.DockerApiException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobTemplateGeneratorTest {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String ENV =
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/env";
    static final String UAMI =
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/jobs";
    static final String TOKEN = "0f".repeat(32);
    static final String DIGEST = "sha256:" + "a".repeat(64);
    static final List<String> NGINX_ENV =
            List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "NGINX_VERSION=1.27.0");

    static JobSpec nginx(String image, int port) {
        return new JobSpec(
                "sl-web-0123456789ab",
                image,
                List.of("/docker-entrypoint.sh"),
                List.of("nginx", "-g", "daemon off;"),
                NGINX_ENV,
                Map.of(),
                0,
                0,
                TOKEN,
                port);
    }

    /** Settings with the environment, {@code westeurope} and a Consumption-only environment unless overridden. */
    static JobSettings settings(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(Map.of(
                "SOCKERLESS_ACA_ENVIRONMENT_ID",
                ENV,
                "SOCKERLESS_ACA_LOCATION",
                "westeurope",
                "SOCKERLESS_ACA_ENVIRONMENT_TYPE",
                "consumption-only"));
        all.putAll(values);
        return JobSettings.from(Settings.of(all), () -> {
            throw new AssertionError("the environment must not be read when the settings say everything");
        });
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
    void bakedModeRunsTheAgentFromTheImageAndPullsFromAcrWithTheJobIdentityHiddenFromTheContainers() throws Exception {
        JobResource job = new JobTemplateGenerator(settings(Map.of("SOCKERLESS_JOB_IDENTITY", UAMI)))
                .generate(nginx("myacr.azurecr.io/web@" + DIGEST, 9111));

        assertThat(tree(job)).isEqualTo(golden("job-baked.json"));
        assertThat(job.name()).isEqualTo("sl-web-0123456789ab");
        assertThat(job.warnings()).isEmpty();
    }

    @Test
    void sovereignCloudRegistriesArePulledWithTheJobIdentityToo() throws Exception {
        for (String server : List.of("myacr.azurecr.cn", "myacr.azurecr.us")) {
            JsonNode job = tree(new JobTemplateGenerator(settings(Map.of("SOCKERLESS_JOB_IDENTITY", UAMI)))
                    .generate(nginx(server + "/web@" + DIGEST, 9111)));
            assertThat(job.at("/properties/configuration/registries/0/server").asText())
                    .isEqualTo(server);
            assertThat(job.at("/properties/configuration/registries/0/identity").asText())
                    .isEqualTo(UAMI);
        }
        JsonNode hub = tree(new JobTemplateGenerator(settings(Map.of("SOCKERLESS_JOB_IDENTITY", UAMI)))
                .generate(nginx("docker.io/library/nginx@" + DIGEST, 9111)));
        assertThat(hub.at("/properties/configuration/registries").isMissingNode())
                .isTrue();
    }

    @Test
    void azureFilesModeMountsTheEnvironmentStorageReadOnlyAndRunsTheAgentFromTheMount() throws Exception {
        JobResource job = new JobTemplateGenerator(settings(Map.of(
                        "SOCKERLESS_AGENT_MODE",
                        "azure-files",
                        "SOCKERLESS_AGENT_STORAGE_NAME",
                        "agentshare",
                        "SOCKERLESS_AGENT_PORT",
                        "9200",
                        "SOCKERLESS_JOB_REPLICA_TIMEOUT_SECONDS",
                        "3600",
                        "SOCKERLESS_JOB_RETRY_LIMIT",
                        "2",
                        "SOCKERLESS_ACA_LOCATION",
                        "northeurope",
                        "SOCKERLESS_JOB_IDENTITY",
                        UAMI)))
                .generate(nginx("docker.io/library/nginx@" + DIGEST, 9200));

        assertThat(tree(job)).isEqualTo(golden("job-azure-files.json"));
    }

    @Test
    void initContainerModeCopiesTheAgentIntoAnEmptyDirSharedWithTheMainContainer() throws Exception {
        JobResource job = new JobTemplateGenerator(settings(Map.of(
                        "SOCKERLESS_AGENT_MODE",
                        "init-container",
                        "SOCKERLESS_AGENT_IMAGE",
                        "agents.azurecr.io/sockerless/agent:1",
                        "SOCKERLESS_JOB_IDENTITY",
                        UAMI)))
                .generate(nginx("myacr.azurecr.io/web@" + DIGEST, 9111));

        assertThat(tree(job)).isEqualTo(golden("job-init-container.json"));
        assertThat(job.warnings()).isEmpty();
    }

    @Test
    void idleCommandsRunTheAgentInKeepAliveModeWithoutTheCommand() throws Exception {
        JobSettings s = settings(Map.of());
        for (List<String> cmd : List.of(
                List.of("sleep", "infinity"),
                List.of("tail", "-f", "/dev/null"),
                List.of("/bin/sh", "-c", "tail -f /dev/null"))) {
            JobResource job = new JobTemplateGenerator(s)
                    .generate(new JobSpec(
                            "sl-idle-0123456789ab",
                            "docker.io/library/alpine@" + DIGEST,
                            List.of(),
                            cmd,
                            List.of(NGINX_ENV.get(0)),
                            Map.of(),
                            0,
                            0,
                            TOKEN,
                            9111));
            assertThat(tree(job)).as(cmd.toString()).isEqualTo(golden("job-keep-alive.json"));
        }
    }

    @Test
    void theKeepAliveLabelMakesAnyCommandKeepAlive() {
        assertThat(AgentInjection.isKeepAlive(List.of("python", "app.py"), Map.of("sockerless.keep-alive", "true")))
                .isTrue();
        assertThat(AgentInjection.isKeepAlive(List.of("python", "app.py"), Map.of()))
                .isFalse();
        assertThat(AgentInjection.isKeepAlive(List.of("sleep", "10"), Map.of())).isFalse();
    }

    @Test
    void resourcesAreRoundedUpToTheNearestAllowedPairWithAWarning() throws Exception {
        JobResource job = new JobTemplateGenerator(settings(Map.of()))
                .generate(new JobSpec(
                        "sl-idle-0123456789ab",
                        "docker.io/library/alpine@" + DIGEST,
                        List.of(),
                        List.of("sh", "-c", "make test"),
                        List.of(),
                        Map.of(),
                        1_100_000_000L,
                        3L << 30,
                        TOKEN,
                        9111));

        assertThat(tree(job)).isEqualTo(golden("job-resources-rounded.json"));
        assertThat(job.warnings())
                .containsExactly("Requested 1.1 CPUs and 3221225472 bytes of memory rounded up to the"
                        + " nearest ACA CPU/memory pair: the job gets 1.5 CPUs and 3Gi memory");
    }

    static AcaResources fit(long nanoCpus, long memoryBytes) {
        return AcaResources.fit(nanoCpus, memoryBytes, EnvironmentType.CONSUMPTION_ONLY, false);
    }

    @Test
    void resourcePairs() {
        assertThat(fit(0, 0)).isEqualTo(new AcaResources(0.5, "1Gi", Optional.empty()));
        assertThat(fit(250_000_000L, 0)).isEqualTo(new AcaResources(0.25, "0.5Gi", Optional.empty()));
        assertThat(fit(0, 1L << 30)).isEqualTo(new AcaResources(0.5, "1Gi", Optional.empty()));
        assertThat(fit(1_000_000_000L, 2L << 30).warning()).isEmpty();
        assertThat(fit(0, 1100L << 20).memory()).isEqualTo("1.5Gi");
        AcaResources big = fit(4_000_000_000L, 0);
        assertThat(big.cpu()).isEqualTo(2.0);
        assertThat(big.memory()).isEqualTo("4Gi");
        assertThat(big.warning())
                .hasValue("Requested 4 CPUs exceeds the largest size on a Consumption-only"
                        + " environment; the job gets 2 CPUs and 4Gi memory");
    }

    @Test
    void theConsumptionWorkloadProfileAllowsUpToFourCpusAndEightGi() {
        assertThat(AcaResources.fit(4_000_000_000L, 8L << 30, EnvironmentType.WORKLOAD_PROFILES, false))
                .isEqualTo(new AcaResources(4.0, "8Gi", Optional.empty()));
        assertThat(AcaResources.fit(3_000_000_000L, 0, EnvironmentType.WORKLOAD_PROFILES, false))
                .isEqualTo(new AcaResources(3.0, "6Gi", Optional.empty()));
        assertThat(AcaResources.fit(0, 16L << 30, EnvironmentType.WORKLOAD_PROFILES, false))
                .satisfies(r -> {
                    assertThat(r.cpu()).isEqualTo(4.0);
                    assertThat(r.memory()).isEqualTo("8Gi");
                    assertThat(r.warning())
                            .hasValueSatisfying(w -> assertThat(w)
                                    .contains("exceeds the largest size on the Consumption workload profile"));
                });
    }

    @Test
    void theAgentsInitContainerCountsInTheTotalWithTheSmallestPair() {
        AcaResources consumption = AcaResources.fit(2_000_000_000L, 0, EnvironmentType.CONSUMPTION_ONLY, true);
        assertThat(consumption.cpu()).isEqualTo(1.75);
        assertThat(consumption.memory()).isEqualTo("3.5Gi");
        assertThat(consumption.warning())
                .hasValue("Requested 2 CPUs exceeds the largest size on a Consumption-only"
                        + " environment less the agent's init container (0.25 CPUs and 0.5Gi memory); the job gets 1.75 CPUs"
                        + " and 3.5Gi memory");
        AcaResources profile = AcaResources.fit(4_000_000_000L, 8L << 30, EnvironmentType.WORKLOAD_PROFILES, true);
        assertThat(profile.cpu()).isEqualTo(3.75);
        assertThat(profile.memory()).isEqualTo("7.5Gi");
        assertThat(AcaResources.fit(1_000_000_000L, 0, EnvironmentType.CONSUMPTION_ONLY, true)
                        .warning())
                .isEmpty();
        assertThat(AcaResources.INIT).isEqualTo(new AcaResources(0.25, "0.5Gi", Optional.empty()));
    }

    @Test
    void theTokenAppearsOnlyAsTheValueOfTheJobSecret() throws Exception {
        for (String mode : List.of("baked", "azure-files", "init-container")) {
            JobResource job = new JobTemplateGenerator(settings(Map.of(
                            "SOCKERLESS_AGENT_MODE",
                            mode,
                            "SOCKERLESS_AGENT_STORAGE_NAME",
                            "agentshare",
                            "SOCKERLESS_AGENT_IMAGE",
                            "agent:1")))
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
        JobResource job = new JobTemplateGenerator(settings(Map.of(
                        "SOCKERLESS_AGENT_MODE",
                        "init-container",
                        "SOCKERLESS_AGENT_IMAGE",
                        "agents.azurecr.io/sockerless/agent:1",
                        "SOCKERLESS_JOB_IDENTITY",
                        UAMI)))
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
        assertThat(MAPPER.readTree(inner.template().toJsonString()))
                .isEqualTo(tree.path("properties").path("template"));
        try (JsonReader reader = JsonProviders.createReader(
                tree.path("properties").path("template").toString())) {
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
                .hasMessageContaining("SOCKERLESS_AGENT_MODE")
                .hasMessageContaining("baked, azure-files, init-container");
        assertThatThrownBy(() -> JobSettings.from(Settings.of(Map.of()), () -> null))
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

    @Test
    void theJobIdentityIsAUserAssignedIdentityIdNeverSystemNorTheOldSetting() {
        assertThatThrownBy(() -> settings(Map.of("SOCKERLESS_JOB_IDENTITY", "system")))
                .isInstanceOf(DockerApiException.class)
                .hasMessageStartingWith("configuration: SOCKERLESS_JOB_IDENTITY has a malformed entry 'system'")
                .hasMessageContaining("does not exist before the job")
                .hasMessageContaining("user-assigned identity");
        assertThatThrownBy(() -> settings(Map.of("SOCKERLESS_JOB_IDENTITY", "jobs")))
                .hasMessageContaining("Microsoft.ManagedIdentity/userAssignedIdentities/<name>");
        assertThatThrownBy(() -> settings(Map.of("SOCKERLESS_ACR_IDENTITY", UAMI)))
                .hasMessageStartingWith("configuration: SOCKERLESS_JOB_IDENTITY replaces SOCKERLESS_ACR_IDENTITY");
        assertThatThrownBy(() -> settings(Map.of("SOCKERLESS_ACA_ENVIRONMENT_TYPE", "dedicated")))
                .hasMessageContaining("SOCKERLESS_ACA_ENVIRONMENT_TYPE has a malformed entry 'dedicated'")
                .hasMessageContaining("auto, consumption-only or workload-profiles");
    }

    /** Every string in the tree that is, or ends with, an identity resource id or a GUID, with its JSON path. */
    static void identities(JsonNode node, String path, Map<String, String> found) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().contains("/userAssignedIdentities/")) {
                    found.put(path + "." + e.getKey(), e.getKey());
                }
                identities(e.getValue(), path + "." + e.getKey(), found);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                identities(node.get(i), path + "[" + i + "]", found);
            }
        } else if (node.isTextual() && node.asText().toLowerCase().contains("identit")) {
            found.put(path, node.asText());
        }
    }

    @Test
    void jobsNeverNameTheAppsIdentityOnlyTheJobIdentityWhichTheirContainersCannotUse() throws Exception {
        String appClientId = "11111111-2222-3333-4444-555555555555";
        String appIdentity = UAMI.replace("/jobs", "/sockerless-id");
        for (String mode : List.of("baked", "azure-files", "init-container")) {
            JobResource job = new JobTemplateGenerator(settings(Map.of(
                            "SOCKERLESS_AGENT_MODE",
                            mode,
                            "SOCKERLESS_AGENT_STORAGE_NAME",
                            "agentshare",
                            "SOCKERLESS_AGENT_IMAGE",
                            "myacr.azurecr.io/agent:1",
                            "SOCKERLESS_JOB_IDENTITY",
                            UAMI,
                            "AZURE_CLIENT_ID",
                            appClientId,
                            "AzureWebJobsStorage__clientId",
                            appClientId,
                            "SOCKERLESS_APP_IDENTITY",
                            appIdentity)))
                    .generate(nginx("myacr.azurecr.io/web@" + DIGEST, 9111));
            JsonNode tree = tree(job);
            assertThat(job.json())
                    .as(mode)
                    .doesNotContain(appClientId)
                    .doesNotContain(appIdentity)
                    .doesNotContainIgnoringCase("SystemAssigned")
                    .doesNotContain("\"system\"");
            Map<String, String> found = new java.util.TreeMap<>();
            identities(tree, "$", found);
            assertThat(found)
                    .as(mode)
                    .containsOnlyKeys(
                            "$.identity.userAssignedIdentities." + UAMI,
                            "$.properties.configuration.registries[0].identity",
                            "$.properties.configuration.identitySettings[0].identity");
            assertThat(found.values()).as(mode).containsOnly(UAMI);
            assertThat(tree.path("identity").path("type").asText()).isEqualTo("UserAssigned");
            assertThat(tree.path("properties").path("configuration").path("identitySettings"))
                    .isEqualTo(MAPPER.readTree("[{\"identity\":\"" + UAMI + "\",\"lifecycle\":\"None\"}]"));
            // the agent token: a secret value, referenced by name from the main container only
            JsonNode main =
                    tree.path("properties").path("template").path("containers").get(0);
            assertThat(main.path("env").toString())
                    .doesNotContain(TOKEN)
                    .contains("{\"name\":\"SOCKERLESS_AGENT_TOKEN\",\"secretRef\":\"sockerless-agent-token\"}");
        }
    }

    @Test
    void withoutAcrImagesAJobHasNoIdentityAtAll() throws Exception {
        JobResource job = new JobTemplateGenerator(settings(Map.of("SOCKERLESS_JOB_IDENTITY", UAMI)))
                .generate(nginx("docker.io/library/nginx@" + DIGEST, 9111));
        JsonNode tree = tree(job);
        assertThat(tree.has("identity")).isFalse();
        assertThat(tree.path("properties").path("configuration").has("registries"))
                .isFalse();
        assertThat(tree.path("properties").path("configuration").has("identitySettings"))
                .isFalse();
        assertThat(job.json()).doesNotContain("userAssignedIdentities");
    }

    @Test
    void withoutAJobIdentityAcrImagesArePulledAnonymouslyWithAWarning() throws Exception {
        JobResource job =
                new JobTemplateGenerator(settings(Map.of())).generate(nginx("myacr.azurecr.io/web@" + DIGEST, 9111));
        assertThat(tree(job).has("identity")).isFalse();
        assertThat(job.warnings())
                .containsExactly("Images from myacr.azurecr.io are pulled anonymously: set"
                        + " SOCKERLESS_JOB_IDENTITY to a user-assigned identity with AcrPull on that registry");
    }

    @Test
    void theLocationAndTypeComeFromTheEnvironmentOnlyWhenTheSettingsLeaveThemOpen() {
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        java.util.function.Supplier<JobEnvironment> environment = () -> {
            reads.incrementAndGet();
            return new JobEnvironment("West Europe", true);
        };
        JobSettings discovered =
                JobSettings.from(Settings.of(Map.of("SOCKERLESS_ACA_ENVIRONMENT_ID", ENV)), environment);
        assertThat(discovered.location()).isEqualTo("westeurope"); // ARM's name, whatever the GET spelled
        assertThat(discovered.type()).isEqualTo(EnvironmentType.WORKLOAD_PROFILES);
        assertThat(reads).hasValue(1);

        JobSettings typed = JobSettings.from(
                Settings.of(Map.of(
                        "SOCKERLESS_ACA_ENVIRONMENT_ID", ENV, "SOCKERLESS_ACA_ENVIRONMENT_TYPE", "consumption-only")),
                environment);
        assertThat(typed.location()).isEqualTo("westeurope");
        assertThat(typed.type()).isEqualTo(EnvironmentType.CONSUMPTION_ONLY);
        assertThat(reads).hasValue(2);

        JobSettings located = JobSettings.from(
                Settings.of(Map.of("SOCKERLESS_ACA_ENVIRONMENT_ID", ENV, "SOCKERLESS_ACA_LOCATION", "North Europe")),
                () -> new JobEnvironment("elsewhere", false));
        assertThat(located.location()).isEqualTo("northeurope");
        assertThat(located.type()).isEqualTo(EnvironmentType.CONSUMPTION_ONLY);
    }

    @Test
    void everyGeneratedJobIsAValidArmPutBody() throws Exception {
        List<JobSpec> specs = List.of(
                nginx("myacr.azurecr.io/web@" + DIGEST, 9111),
                nginx("docker.io/library/nginx@" + DIGEST, 9111),
                new JobSpec(
                        "sl-big-0123456789ab",
                        "myacr.azurecr.io/big@" + DIGEST,
                        List.of(),
                        List.of("run"),
                        List.of("A=1", "ONLYNAME"),
                        Map.of(),
                        16_000_000_000L,
                        64L << 30,
                        TOKEN,
                        9111),
                new JobSpec(
                        "sl-small-0123456789ab",
                        "alpine",
                        List.of(),
                        List.of("sleep", "infinity"),
                        List.of(),
                        Map.of(),
                        100_000_000L,
                        6L << 20,
                        TOKEN,
                        9111));
        int checked = 0;
        for (String mode : List.of("baked", "azure-files", "init-container")) {
            for (String type : List.of("consumption-only", "workload-profiles")) {
                for (String identity : List.of("", UAMI)) {
                    JobSettings s = settings(Map.of(
                            "SOCKERLESS_AGENT_MODE",
                            mode,
                            "SOCKERLESS_AGENT_STORAGE_NAME",
                            "agentshare",
                            "SOCKERLESS_AGENT_IMAGE",
                            "agents.azurecr.io/sockerless/agent:1",
                            "SOCKERLESS_ACA_ENVIRONMENT_TYPE",
                            type,
                            "SOCKERLESS_JOB_IDENTITY",
                            identity));
                    for (JobSpec spec : specs) {
                        JobResource job = new JobTemplateGenerator(s).generate(spec);
                        JsonNode tree = tree(job);
                        String what = mode + "/" + type + "/" + (identity.isEmpty() ? "anonymous" : "identity") + "/"
                                + spec.jobName();
                        assertThat(dev.sockerless.aca.testing.JobSchema.violations(tree))
                                .as(what)
                                .isEmpty();
                        assertThat(dev.sockerless.aca.testing.JobSchema.resourceViolations(
                                        tree, type.equals("workload-profiles")))
                                .as(what)
                                .isEmpty();
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(48);
        for (String golden : List.of(
                "job-baked.json",
                "job-azure-files.json",
                "job-init-container.json",
                "job-keep-alive.json",
                "job-resources-rounded.json")) {
            assertThat(dev.sockerless.aca.testing.JobSchema.violations(golden(golden)))
                    .as(golden)
                    .isEmpty();
        }
    }
}
