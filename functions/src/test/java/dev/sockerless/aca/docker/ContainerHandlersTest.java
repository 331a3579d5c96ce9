package dev.sockerless.aca.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sockerless.aca.config.Settings;
import dev.sockerless.aca.containers.ContainerCreator;
import dev.sockerless.aca.containers.ContainerJobs;
import dev.sockerless.aca.containers.ContainerRecord;
import dev.sockerless.aca.containers.InMemoryContainerStore;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.images.ImageLookup;
import dev.sockerless.aca.images.ImageRecord;
import dev.sockerless.aca.images.ImageRef;
import dev.sockerless.aca.images.InMemoryImageStore;
import dev.sockerless.aca.lifecycle.ContainerLifecycle;
import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.registry.ImageReference;
import dev.sockerless.aca.registry.Platform;
import dev.sockerless.aca.testing.ArmStandIn;
import dev.sockerless.aca.testing.LifecycleFixture;
import dev.sockerless.aca.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ContainerHandlersTest {

    static final String ENV_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/env";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-04T05:06:07.5Z"), ZoneOffset.UTC);

    InMemoryImageStore images;
    InMemoryContainerStore containers;
    ImageRecord nginx;
    ImageRecord noCommand;
    LifecycleFixture arm;

    @BeforeEach
    void setUp() {
        images = new InMemoryImageStore();
        containers = new InMemoryContainerStore();
        nginx = image(
                "docker.io/library/nginx",
                "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{"
                        + "\"Env\":[\"PATH=/bin\",\"NGINX_VERSION=1.27.0\"],\"Entrypoint\":[\"/docker-entrypoint.sh\"],"
                        + "\"Cmd\":[\"nginx\",\"-g\",\"daemon off;\"],\"ExposedPorts\":{\"80/tcp\":{}},\"StopSignal\":\"SIGQUIT\","
                        + "\"Labels\":{\"maintainer\":\"NGINX\"}}}");
        noCommand = image("docker.io/library/scratchy", "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{}}");
    }

    ImageRecord image(String repo, String config) {
        byte[] bytes = config.getBytes(StandardCharsets.UTF_8);
        Digest manifest = Digest.of(("manifest " + repo).getBytes(StandardCharsets.UTF_8));
        ImageRecord record = new ImageRecord(
                Digest.of(bytes),
                bytes,
                manifest,
                "application/vnd.oci.image.manifest.v1+json",
                Platform.parse("linux/amd64"),
                10,
                repo,
                null,
                CLOCK.instant());
        images.saveImage(record);
        images.saveRef(new ImageRef(
                ImageReference.parse(repo + ":latest"), record.id(), manifest, "linux/amd64", CLOCK.instant()));
        return record;
    }

    ContainerHandlers handlers(Map<String, String> extra) throws IOException {
        Map<String, String> values = new HashMap<>(Map.of(
                "SOCKERLESS_ACA_ENVIRONMENT_ID",
                ENV_ID,
                "SOCKERLESS_ACA_LOCATION",
                "westeurope",
                "SOCKERLESS_ACA_ENVIRONMENT_TYPE",
                "consumption-only"));
        values.putAll(extra);
        ContainerJobs jobs = new ContainerJobs(Settings.of(values));
        return new ContainerHandlers(
                new ContainerCreator(new ImageLookup(images), containers, jobs, CLOCK),
                containers,
                jobs,
                lifecycle(jobs),
                CLOCK);
    }

    /** The lifecycle on the real SDK against the strict ARM stand-in. */
    ContainerLifecycle lifecycle(ContainerJobs jobs) throws IOException {
        if (arm != null) {
            arm.close();
        }
        arm = new LifecycleFixture(containers, jobs, new MutableClock(CLOCK.instant()), ArmStandIn.Auth.NONE);
        return arm.lifecycle;
    }

    @AfterEach
    void closeArm() {
        if (arm != null) {
            arm.close();
        }
    }

    static ApiRequest request(String method, Map<String, String> query, String body) {
        return new ApiRequest(
                method,
                ApiVersion.MAX,
                "/",
                query,
                Map.of(),
                body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode json(ApiResponse response) throws Exception {
        return ApiResponse.MAPPER.readTree(response.body());
    }

    String create(ContainerHandlers h, String name, String body) throws Exception {
        ApiResponse r = h.create(request("POST", name == null ? Map.of() : Map.of("name", name), body));
        assertThat(r.status()).isEqualTo(201);
        return json(r).path("Id").asText();
    }

    @Test
    void createStoresTheUserConfigTheMergedConfigAndThePinnedImage() throws Exception {
        ApiResponse r = handlers(Map.of())
                .create(request(
                        "POST",
                        Map.of("name", "web"),
                        "{\"Image\":\"nginx\",\"Env\":[\"A=1\"],\"Tty\":true,\"HostConfig\":{\"Memory\":0}}"));

        assertThat(r.status()).isEqualTo(201);
        JsonNode body = json(r);
        assertThat(body.path("Id").asText()).matches("[0-9a-f]{64}");
        assertThat(body.path("Warnings").isArray()).isTrue();
        assertThat(body.path("Warnings")).isEmpty();
        ContainerRecord c = containers.find(body.path("Id").asText()).orElseThrow();
        assertThat(c.name()).isEqualTo("web");
        assertThat(c.imageId()).isEqualTo(nginx.id());
        assertThat(c.runImage()).isEqualTo("docker.io/library/nginx@" + nginx.manifestDigest());
        assertThat(ApiResponse.MAPPER.readTree(c.userConfig()))
                .isEqualTo(ApiResponse.MAPPER.readTree("{\"Image\":\"nginx\",\"Env\":[\"A=1\"],\"Tty\":true}"));
        JsonNode merged = ApiResponse.MAPPER.readTree(c.config());
        assertThat(merged.path("Env").toString()).isEqualTo("[\"A=1\",\"PATH=/bin\",\"NGINX_VERSION=1.27.0\"]");
        assertThat(merged.path("Cmd").toString()).isEqualTo("[\"nginx\",\"-g\",\"daemon off;\"]");
        assertThat(c.jobName()).isEqualTo("sl-web-" + c.id().substring(0, 12));
        assertThat(c.agentToken()).matches("[0-9a-f]{64}");
        assertThat(c.agentPort()).isEqualTo(9111);
    }

    @Test
    void unknownImageIsNotFoundSoTheCliPulls() throws IOException {
        assertThatThrownBy(() -> handlers(Map.of()).create(request("POST", Map.of(), "{\"Image\":\"busybox\"}")))
                .isInstanceOf(DockerApiException.class)
                .hasMessage("No such image: busybox:latest")
                .satisfies(
                        e -> assertThat(((DockerApiException) e).kind()).isEqualTo(DockerApiException.Kind.NOT_FOUND));
    }

    @Test
    void aNameInUseIsAConflictInDockersWords() throws Exception {
        ContainerHandlers h = handlers(Map.of());
        String first = create(h, "web", "{\"Image\":\"nginx\"}");

        assertThatThrownBy(() -> h.create(request("POST", Map.of("name", "/web"), "{\"Image\":\"nginx\"}")))
                .hasMessage("Conflict. The container name \"/web\" is already in use by container \"" + first
                        + "\". You have to remove (or rename) that container to be able to reuse that name.");
        assertThat(containers.list()).hasSize(1);
    }

    @Test
    void noCommandAfterMergingIsABadRequest() throws IOException {
        assertThatThrownBy(() -> handlers(Map.of()).create(request("POST", Map.of(), "{\"Image\":\"scratchy\"}")))
                .hasMessage("no command specified")
                .satisfies(e -> assertThat(((DockerApiException) e).kind())
                        .isEqualTo(DockerApiException.Kind.INVALID_PARAMETER));
        assertThatThrownBy(() -> handlers(Map.of())
                        .create(request("POST", Map.of(), "{\"Image\":\"nginx\",\"Entrypoint\":[\"\"]}")))
                .hasMessage("no command specified");
    }

    @Test
    void invalidNamesAndBodiesAreBadRequests() throws IOException {
        assertThatThrownBy(
                        () -> handlers(Map.of()).create(request("POST", Map.of("name", "-x"), "{\"Image\":\"nginx\"}")))
                .hasMessageStartingWith("Invalid container name (-x)");
        assertThatThrownBy(() -> handlers(Map.of()).create(request("POST", Map.of(), "{")))
                .hasMessageStartingWith("invalid JSON");
    }

    @Test
    void missingSettingsFailTheCreateNamingTheSettingAndStoreNothing() throws IOException {
        ContainerJobs jobs = new ContainerJobs(Settings.of(Map.of()));
        ContainerHandlers h = new ContainerHandlers(
                new ContainerCreator(new ImageLookup(images), containers, jobs, CLOCK),
                containers,
                jobs,
                lifecycle(jobs),
                CLOCK);
        assertThatThrownBy(() -> h.create(request("POST", Map.of(), "{\"Image\":\"nginx\"}")))
                .hasMessageStartingWith("configuration: SOCKERLESS_ACA_ENVIRONMENT_ID is not set");
        assertThatThrownBy(() -> handlers(Map.of("SOCKERLESS_AGENT_MODE", "init-container"))
                        .create(request("POST", Map.of(), "{\"Image\":\"nginx\"}")))
                .hasMessageStartingWith("configuration: SOCKERLESS_AGENT_IMAGE is not set");
        assertThat(containers.list()).isEmpty();
    }

    @Test
    void roundedResourcesAreReportedAsWarnings() throws Exception {
        JsonNode body = json(handlers(Map.of())
                .create(request("POST", Map.of(), "{\"Image\":\"nginx\",\"HostConfig\":{\"NanoCpus\":300000000}}")));
        assertThat(body.path("Warnings").get(0).asText()).startsWith("Requested 0.3 CPUs rounded up");
    }

    @Test
    void inspectFindsByIdPrefixAndNameAndReportsTheLegacyConfig() throws Exception {
        ContainerHandlers h = handlers(Map.of());
        String id = create(h, "web", "{\"Image\":\"nginx\",\"Tty\":true,\"Cmd\":[\"nginx\",\"-T\"]}");

        for (String key : new String[] {id, id.substring(0, 7), "web", "/web"}) {
            JsonNode doc = json(h.inspect(request("GET", Map.of(), null), key));
            assertThat(doc.path("Id").asText()).as(key).isEqualTo(id);
        }
        JsonNode doc = json(h.inspect(request("GET", Map.of(), null), "web"));
        assertThat(doc.path("Name").asText()).isEqualTo("/web");
        assertThat(doc.path("Image").asText()).isEqualTo(nginx.id().toString());
        assertThat(doc.path("Created").asText()).isEqualTo("2025-03-04T05:06:07.5Z");
        assertThat(doc.path("Path").asText()).isEqualTo("/docker-entrypoint.sh");
        assertThat(doc.path("Args").toString()).isEqualTo("[\"nginx\",\"-T\"]");
        assertThat(doc.path("State").path("Status").asText()).isEqualTo("created");
        assertThat(doc.path("State").path("Running").asBoolean()).isFalse();
        JsonNode config = doc.path("Config");
        assertThat(config.path("Tty").asBoolean()).isTrue();
        assertThat(config.path("Image").asText()).isEqualTo("nginx");
        assertThat(config.path("Hostname").asText()).isEqualTo(id.substring(0, 12));
        assertThat(config.path("StopSignal").asText()).isEqualTo("SIGQUIT");
        assertThat(config.path("ExposedPorts").has("80/tcp")).isTrue();
        assertThat(config.path("Labels").path("maintainer").asText()).isEqualTo("NGINX");
        assertThat(doc.has("HostConfig")).isTrue();
        assertThat(doc.has("NetworkSettings")).isTrue();
        assertThat(doc.path("Mounts").isArray()).isTrue();
        assertThatThrownBy(() -> h.inspect(request("GET", Map.of(), null), "nope"))
                .hasMessage("No such container: nope");
    }

    @Test
    void executionsDriveTheStateAndARunningContainerNeedsForceToRemove() throws Exception {
        ContainerHandlers h = handlers(Map.of());
        String id = create(h, null, "{\"Image\":\"nginx\"}");

        assertThat(h.execution(request("PUT", Map.of(), "{\"executionName\":\"e1\",\"status\":\"Running\"}"), id)
                        .status())
                .isEqualTo(204);
        JsonNode state = json(h.inspect(request("GET", Map.of(), null), id)).path("State");
        assertThat(state.path("Status").asText()).isEqualTo("running");
        assertThat(state.path("Running").asBoolean()).isTrue();
        assertThat(state.path("StartedAt").asText()).isEqualTo("2025-03-04T05:06:07.5Z");

        assertThatThrownBy(() -> h.remove(request("DELETE", Map.of(), null), id))
                .satisfies(
                        e -> assertThat(((DockerApiException) e).kind()).isEqualTo(DockerApiException.Kind.CONFLICT));

        h.execution(request("PUT", Map.of(), "{\"executionName\":\"e1\",\"status\":\"Failed\",\"exitCode\":3}"), id);
        state = json(h.inspect(request("GET", Map.of(), null), id)).path("State");
        assertThat(state.path("Status").asText()).isEqualTo("exited");
        assertThat(state.path("ExitCode").asInt()).isEqualTo(3);

        assertThat(h.remove(request("DELETE", Map.of("force", "1"), null), id).status())
                .isEqualTo(204);
        assertThatThrownBy(() -> h.inspect(request("GET", Map.of(), null), id)).hasMessage("No such container: " + id);
    }

    @Test
    void anExecutionReportWithAnInvalidNameOrStatusIsABadRequestAndStoresNothing() throws Exception {
        ContainerHandlers h = handlers(Map.of());
        String id = create(h, null, "{\"Image\":\"nginx\"}");
        for (String name : List.of("Bad'Name", "e1\\n| union *", "a--b", "-e1", "x".repeat(64))) {
            assertThatThrownBy(() -> h.execution(
                            request("PUT", Map.of(), "{\"executionName\":\"" + name + "\",\"status\":\"Running\"}"),
                            id))
                    .hasMessageStartingWith("invalid ACA job execution name '")
                    .satisfies(e -> assertThat(((DockerApiException) e).kind())
                            .isEqualTo(DockerApiException.Kind.INVALID_PARAMETER));
        }
        assertThatThrownBy(() ->
                        h.execution(request("PUT", Map.of(), "{\"executionName\":\"e1\",\"status\":\"Sleeping\"}"), id))
                .hasMessageStartingWith("invalid ACA job execution status 'Sleeping'");
        assertThat(json(h.inspect(request("GET", Map.of(), null), id))
                        .path("State")
                        .path("Status")
                        .asText())
                .isEqualTo("created");
    }

    @Test
    void bodyFieldsOfTheWrongTypeAreBadRequestsNamingTheFieldAndUnknownFieldsAreIgnored() throws Exception {
        ContainerHandlers h = handlers(Map.of());
        Map<String, String> wrong = new java.util.LinkedHashMap<>();
        wrong.put(
                "{\"Image\":\"nginx\",\"HostConfig\":{\"Memory\":\"lots\"}}",
                "json: cannot unmarshal string into Go struct field HostConfig.Memory of type int64");
        wrong.put(
                "{\"Image\":\"nginx\",\"Env\":\"x\"}",
                "json: cannot unmarshal string into Go struct field Env of type []string");
        wrong.put(
                "{\"Image\":\"nginx\",\"Cmd\":5}",
                "json: cannot unmarshal number into Go struct field Cmd of type strslice.StrSlice");
        wrong.put(
                "{\"Image\":\"nginx\",\"Labels\":[]}",
                "json: cannot unmarshal array into Go struct field Labels of type map[string]string");
        wrong.put(
                "{\"Image\":\"nginx\",\"Env\":[\"A=1\",2]}",
                "json: cannot unmarshal number into Go struct field Env of type string");
        wrong.put(
                "{\"Image\":\"nginx\",\"HostConfig\":{\"NanoCpus\":1.5}}",
                "json: cannot unmarshal number 1.5 into Go struct field HostConfig.NanoCpus of type int64");
        wrong.put(
                "{\"Image\":\"nginx\",\"HostConfig\":{\"memory\":true}}",
                "json: cannot unmarshal bool into Go struct field HostConfig.Memory of type int64");
        wrong.put(
                "{\"Image\":\"nginx\",\"HostConfig\":{\"PortBindings\":{\"80/tcp\":[{\"HostPort\":80}]}}}",
                "json: cannot unmarshal number into Go struct field HostConfig.PortBindings.HostPort of type string");
        wrong.put(
                "{\"Image\":\"nginx\",\"Healthcheck\":{\"Retries\":\"3\"}}",
                "json: cannot unmarshal string into Go struct field Healthcheck.Retries of type int");
        wrong.put("{\"Image\":5}", "json: cannot unmarshal number into Go struct field Image of type string");
        wrong.put(
                "{\"Image\":\"nginx\",\"NetworkingConfig\":{\"EndpointsConfig\":{\"n\":{\"Aliases\":\"a\"}}}}",
                "json: cannot unmarshal string into Go struct field NetworkingConfig.EndpointsConfig.Aliases of type []string");
        wrong.forEach((body, message) -> assertThatThrownBy(() -> h.create(request("POST", Map.of(), body)))
                .as(body)
                .hasMessage(message)
                .satisfies(e -> assertThat(((DockerApiException) e).kind())
                        .isEqualTo(DockerApiException.Kind.INVALID_PARAMETER)));

        String id = create(
                h,
                null,
                "{\"Image\":\"nginx\",\"Unknown\":{\"x\":[1]},\"Cmd\":\"sh\",\"Env\":null,"
                        + "\"HostConfig\":{\"Memory\":1073741824,\"Future\":\"x\"}}");
        assertThat(id).hasSize(64);

        assertThatThrownBy(() -> h.execution(
                        request("PUT", Map.of(), "{\"executionName\":\"e1\",\"status\":\"Failed\",\"exitCode\":\"3\"}"),
                        id))
                .hasMessage("json: cannot unmarshal string into Go struct field exitCode of type int");
        assertThatThrownBy(
                        () -> h.execution(request("PUT", Map.of(), "{\"executionName\":7,\"status\":\"Failed\"}"), id))
                .hasMessage("json: cannot unmarshal number into Go struct field executionName of type string");
        assertThat(h.execution(
                                request(
                                        "PUT",
                                        Map.of(),
                                        "{\"executionName\":\"e1\",\"status\":\"Failed\",\"exitCode\":3,\"extra\":[]}"),
                                id)
                        .status())
                .isEqualTo(204);

        LoginHandler login = new LoginHandler(null);
        assertThatThrownBy(() -> login.auth(request("POST", Map.of(), "{\"username\":\"u\",\"password\":[\"p\"]}")))
                .hasMessage("json: cannot unmarshal array into Go struct field password of type string");
        assertThatThrownBy(() -> ImageHandlers.parsePlatform("{\"os\":\"linux\",\"architecture\":1}"))
                .hasMessage("json: cannot unmarshal number into Go struct field architecture of type string");
    }

    @Test
    void jobAndAgentExposeTheResourceAndTheTokenWhichDiffersPerContainer() throws Exception {
        ContainerHandlers h = handlers(Map.of());
        String a = create(h, "a1", "{\"Image\":\"nginx\"}");
        String b = create(h, "b1", "{\"Image\":\"nginx\"}");

        JsonNode agentA = json(h.agent(request("GET", Map.of(), null), a));
        JsonNode agentB = json(h.agent(request("GET", Map.of(), null), b));
        assertThat(agentA.path("port").asInt()).isEqualTo(9111);
        assertThat(agentA.path("token").asText())
                .matches("[0-9a-f]{64}")
                .isNotEqualTo(agentB.path("token").asText());

        JsonNode job = json(h.job(request("GET", Map.of(), null), a));
        assertThat(job.path("name").asText()).isEqualTo("sl-a1-" + a.substring(0, 12));
        JsonNode resource = job.path("resource");
        assertThat(resource.path("type").asText()).isEqualTo("Microsoft.App/jobs");
        // no secret value: the token's secret keeps its name, the env its reference, and nothing holds the token
        assertThat(resource.path("properties").path("configuration").path("secrets"))
                .isEqualTo(ApiResponse.MAPPER.readTree("[{\"name\":\"sockerless-agent-token\"}]"));
        assertThat(job.toString()).doesNotContain(agentA.path("token").asText());
        assertThat(resource.path("properties")
                        .path("template")
                        .path("containers")
                        .get(0)
                        .path("env")
                        .toString())
                .contains("{\"name\":\"SOCKERLESS_AGENT_TOKEN\",\"secretRef\":\"sockerless-agent-token\"}");
        assertThat(resource.path("location").asText()).isEqualTo("westeurope");
        assertThat(resource.path("properties")
                        .path("template")
                        .path("containers")
                        .get(0)
                        .path("command")
                        .toString())
                .isEqualTo("[\"/sockerless-agent\",\"--\",\"/docker-entrypoint.sh\",\"nginx\",\"-g\",\"daemon off;\"]");
    }
}
