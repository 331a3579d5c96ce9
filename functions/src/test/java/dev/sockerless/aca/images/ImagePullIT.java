package dev.sockerless.aca.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.config.Settings;
import dev.sockerless.aca.docker.ApiRequest;
import dev.sockerless.aca.docker.ApiResponse;
import dev.sockerless.aca.docker.ApiVersion;
import dev.sockerless.aca.docker.ImageHandlers;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.registry.Platform;
import dev.sockerless.aca.registry.Registries;
import dev.sockerless.aca.registry.RegistryEndpoints;
import dev.sockerless.aca.registry.RegistryTransport;
import dev.sockerless.aca.state.TableStorageImageStore;
import dev.sockerless.aca.state.Tables;
import dev.sockerless.aca.testing.CountingProxy;
import dev.sockerless.aca.testing.RegistryPusher;
import dev.sockerless.aca.testing.RegistryServer;
import dev.sockerless.aca.testing.SharedServices;
import dev.sockerless.aca.testing.TestImage;
import dev.sockerless.aca.testing.TestImages;
import dev.sockerless.aca.testing.TestImages.Format;
import dev.sockerless.aca.testing.TestIndex;
import dev.sockerless.aca.testing.TokenServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pull, inspect and list against real registries (Debian docker-registry: anonymous behind a request-counting
 * proxy, htpasswd, and token auth posing as Docker Hub through a {@code docker.io} mirror) and real Azurite.
 */
class ImagePullIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static RegistryServer anonymous;
    static CountingProxy proxy;
    static RegistryServer basic;
    static TokenServer tokens;
    static RegistryServer hub;
    static TestImage single;
    static TestIndex multi;
    static TestImage rich;
    static TestImage privateImage;

    ImageStore store;
    ImageHandlers handlers;

    @BeforeAll
    static void registries() throws Exception {
        anonymous = SharedServices.anonymousRegistry();
        proxy = new CountingProxy(anonymous.baseUrl());
        single = TestImages.simple(Format.OCI, TestImages.Platform.LINUX_AMD64);
        multi = TestImages.multiArch(
                Format.DOCKER, true, TestImages.Platform.LINUX_AMD64, TestImages.Platform.LINUX_ARM64);
        rich = TestImages.rich(Format.DOCKER, TestImages.Platform.LINUX_AMD64);
        RegistryPusher push = new RegistryPusher(anonymous.baseUrl());
        push.push("pull/single", "v1", single);
        push.push("pull/multi", "v1", multi);
        push.push("pull/rich", "v1", rich);

        basic = RegistryServer.htpasswd();
        new RegistryPusher(basic.baseUrl(), RegistryServer.HTPASSWD_USER, RegistryServer.HTPASSWD_PASSWORD)
                .push("team/app", "v1", single);

        tokens = TokenServer.builder()
                .service("registry.docker.io")
                .issuer("auth.docker.io")
                .user("alice", "wonderland")
                .publicRepository("library/alpine", "alice")
                .privateRepository("alice/secret", "alice")
                .start();
        hub = RegistryServer.tokenAuth(tokens);
        RegistryPusher hubPush = new RegistryPusher(hub.baseUrl(), "alice", "wonderland");
        hubPush.push("library/alpine", "latest", multi);
        privateImage = TestImages.rich(Format.OCI, TestImages.Platform.LINUX_AMD64);
        hubPush.push("alice/secret", "v1", privateImage);
    }

    @AfterAll
    static void stop() {
        proxy.close();
        basic.close();
        hub.close();
        tokens.close();
    }

    @BeforeEach
    void fresh() {
        Tables.serviceClient(SharedServices.azurite().connectionString())
                .listTables()
                .forEach(t -> Tables.serviceClient(SharedServices.azurite().connectionString())
                        .deleteTable(t.getName()));
        store = new TableStorageImageStore(
                Tables.serviceClient(SharedServices.azurite().connectionString()));
        handlers = handlers(store);
        proxy.reset();
        tokens.reset();
    }

    ImageHandlers handlers(ImageStore store) {
        Settings settings = Settings.of(Map.of(
                "SOCKERLESS_INSECURE_REGISTRIES", proxy.hostPort() + "," + basic.hostPort(),
                "SOCKERLESS_REGISTRY_MIRRORS", "docker.io=" + hub.baseUrl()));
        Duration timeout = Duration.ofSeconds(10);
        Registries registries = new Registries(
                new RegistryTransport(RegistryTransport.newHttpClient(timeout), timeout),
                new RegistryEndpoints(
                        settings.registryMirrors(), settings.list(Settings.Key.SOCKERLESS_INSECURE_REGISTRIES)),
                Clock.systemUTC());
        ImagePuller puller = new ImagePuller(registries, store, new ContentCache(1 << 20), Clock.systemUTC());
        ImageLookup lookup = new ImageLookup(store);
        return new ImageHandlers(
                puller,
                lookup,
                store,
                new ImageTagger(lookup, store, Clock.systemUTC()),
                new ImageLoader(registries, store, Clock.systemUTC()),
                () -> LoadOptions.defaults(proxy.hostPort() + "/staging"),
                () -> {
                    throw new IllegalStateException("no blob source in this test");
                },
                Platform.LINUX_AMD64);
    }

    static ApiRequest request(String method, String path, Map<String, String> query, String auth) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (auth != null) {
            headers.put("X-Registry-Auth", auth);
        }
        return new ApiRequest(method, new ApiVersion(1, 51), path, query, headers, null);
    }

    ApiResponse pull(String image, String tag, String platform, String auth) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("fromImage", image);
        if (tag != null) {
            q.put("tag", tag);
        }
        if (platform != null) {
            q.put("platform", platform);
        }
        return handlers.create(request("POST", "/images/create", q, auth));
    }

    static List<JsonNode> lines(ApiResponse response) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(body).endsWith("\r\n");
        for (String line : body.split("\r\n")) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    JsonNode inspect(String name) throws Exception {
        return JSON.readTree(handlers.inspect(request("GET", "/images/" + name + "/json", Map.of(), null), name)
                .body());
    }

    static String auth(String user, String password) {
        return Base64.getUrlEncoder()
                .encodeToString(("{\"username\":\"" + user + "\",\"password\":\"" + password
                                + "\",\"serveraddress\":\"https://index.docker.io/v1/\"}")
                        .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void coldPullOfASingleArchImageStoresItsConfigAndStreamsDockersProgress() throws Exception {
        String name = proxy.hostPort() + "/pull/single";
        ApiResponse response = pull(name, "v1", null, "e30=");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers()).containsEntry("Content-Type", "application/json");
        List<JsonNode> lines = lines(response);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).toString()).isEqualTo("{\"status\":\"Pulling from pull/single\",\"id\":\"v1\"}");
        assertThat(lines.get(1).path("status").asText())
                .isEqualTo("Digest: " + single.manifest().digest());
        assertThat(lines.get(2).path("status").asText())
                .isEqualTo("Status: Downloaded newer image for " + name + ":v1");
        assertThat(proxy.exchanges()).extracting(CountingProxy.Exchange::method).containsExactly("GET", "GET");
        assertThat(proxy.exchanges())
                .noneMatch(e -> e.path().contains(single.layers().get(0).blob().digest()));

        ImageRecord image = store.findImage(
                        dev.sockerless.aca.registry.Digest.parse(single.config().digest()))
                .orElseThrow();
        assertThat(image.config()).isEqualTo(single.config().bytes());
        assertThat(image.manifestDigest().toString())
                .isEqualTo(single.manifest().digest());
        assertThat(image.pinnedReference())
                .isEqualTo(name + "@" + single.manifest().digest());

        JsonNode inspect = inspect(name + ":v1");
        assertThat(inspect.path("Id").asText()).isEqualTo(single.config().digest());
        assertThat(inspect.path("RepoTags").toString()).isEqualTo("[\"" + name + ":v1\"]");
        assertThat(inspect.path("RepoDigests").toString())
                .isEqualTo("[\"" + name + "@" + single.manifest().digest() + "\"]");
        assertThat(inspect.path("Size").asLong())
                .isEqualTo(single.layers().get(0).blob().size());
        assertThat(inspect.path("RootFS").path("Layers").get(0).asText())
                .isEqualTo(single.layers().get(0).diffId());
    }

    @Test
    void repeatPullOfAnUnchangedTagIsOneHeadAndSaysUpToDate() throws Exception {
        String name = proxy.hostPort() + "/pull/single";
        pull(name, "v1", null, null);
        proxy.reset();

        List<JsonNode> lines = lines(pull(name, "v1", null, null));

        assertThat(proxy.exchanges()).extracting(CountingProxy.Exchange::method).containsExactly("HEAD");
        assertThat(lines.get(2).path("status").asText()).isEqualTo("Status: Image is up to date for " + name + ":v1");
    }

    @Test
    void stateSurvivesARestartOfTheApp() throws Exception {
        String name = proxy.hostPort() + "/pull/single";
        pull(name, "v1", null, null);
        handlers = handlers(new TableStorageImageStore(
                Tables.serviceClient(SharedServices.azurite().connectionString())));
        proxy.reset();

        assertThat(inspect(name + ":v1").path("Id").asText())
                .isEqualTo(single.config().digest());
        assertThat(lines(pull(name, "v1", null, null)).get(2).path("status").asText())
                .startsWith("Status: Image is up to date");
        assertThat(proxy.requestCount()).isEqualTo(1);
    }

    @Test
    void multiArchPullChoosesTheDefaultPlatformAndSkipsAttestations() throws Exception {
        String name = proxy.hostPort() + "/pull/multi";
        List<JsonNode> lines = lines(pull(name, "v1", null, null));

        assertThat(proxy.requestCount()).isEqualTo(3); // index, amd64 manifest, config
        assertThat(lines.get(1).path("status").asText())
                .isEqualTo("Digest: " + multi.index().digest());
        JsonNode inspect = inspect(name + ":v1");
        assertThat(inspect.path("Id").asText())
                .isEqualTo(multi.image("linux", "amd64", null).config().digest());
        assertThat(inspect.path("Architecture").asText()).isEqualTo("amd64");
        assertThat(inspect.path("RepoDigests").get(0).asText())
                .isEqualTo(name + "@" + multi.index().digest());
    }

    @Test
    void platformParameterSelectsAnotherArchitectureAndAMissingOneFailsInBand() throws Exception {
        String name = proxy.hostPort() + "/pull/multi";
        pull(name, "v1", "linux/arm64/v8", null);
        JsonNode inspect = inspect(name + ":v1");
        assertThat(inspect.path("Architecture").asText()).isEqualTo("arm64");
        assertThat(inspect.path("Id").asText())
                .isEqualTo(multi.image("linux", "arm64", "v8").config().digest());

        List<JsonNode> lines = lines(pull(name, "v1", "linux/s390x", null));
        JsonNode last = lines.get(lines.size() - 1);
        assertThat(last.path("errorDetail").path("message").asText())
                .isEqualTo("no matching manifest for linux/s390x in the manifest list entries");
        assertThat(last.path("error").asText())
                .isEqualTo(last.path("errorDetail").path("message").asText());
    }

    @Test
    void pullByDigestInTheTagParameterRecordsTheDigestReference() throws Exception {
        String name = proxy.hostPort() + "/pull/rich";
        String digest = rich.manifest().digest();
        List<JsonNode> lines = lines(pull(name, digest, null, null));

        assertThat(lines.get(0).path("id").asText()).isEqualTo(name + "@" + digest);
        assertThat(lines.get(2).path("status").asText())
                .isEqualTo("Status: Downloaded newer image for " + name + "@" + digest);
        JsonNode inspect = inspect(name + "@" + digest);
        assertThat(inspect.path("RepoTags").size()).isZero();
        assertThat(inspect.path("RepoDigests").get(0).asText()).isEqualTo(name + "@" + digest);
        assertThat(inspect.path("Config").path("Entrypoint").toString()).isEqualTo("[\"/app/hello\"]");
        assertThat(inspect.path("Config").path("WorkingDir").asText()).isEqualTo("/app");
        proxy.reset();
        pull(name, digest, null, null);
        assertThat(proxy.requestCount()).isZero(); // content addressed: nothing to ask
    }

    @Test
    void inspectFindsImagesByFamiliarNameIdAndShortIdPrefix() throws Exception {
        String name = proxy.hostPort() + "/pull/single";
        pull(name, "v1", null, null);
        String id = single.config().digest();
        assertThat(inspect(id).path("Id").asText()).isEqualTo(id);
        assertThat(inspect(id.substring(7, 19)).path("Id").asText()).isEqualTo(id);
        assertThat(inspect("sha256:" + id.substring(7, 17)).path("Id").asText()).isEqualTo(id);
        assertThatThrownBy(() -> inspect(name + ":nope"))
                .isInstanceOf(DockerApiException.class)
                .hasMessage("No such image: " + name + ":nope");
        assertThatThrownBy(() -> inspect("nosuch")).hasMessage("No such image: nosuch:latest");
    }

    @Test
    void tagAddsANameWithoutRefetchingAndKeepsTheRepoDigests() throws Exception {
        String name = proxy.hostPort() + "/pull/single";
        pull(name, "v1", null, null);
        proxy.reset();

        ApiResponse tagged = handlers.tag(
                request(
                        "POST",
                        "/images/" + name + ":v1/tag",
                        Map.of("repo", "docker.io/team/renamed", "tag", "v2"),
                        null),
                name + ":v1");

        assertThat(tagged.status()).isEqualTo(201);
        assertThat(tagged.body()).isEmpty();
        assertThat(proxy.requestCount()).isZero();
        JsonNode inspect = inspect("team/renamed:v2");
        assertThat(inspect.path("Id").asText()).isEqualTo(single.config().digest());
        assertThat(inspect.path("RepoTags").toString()).isEqualTo("[\"" + name + ":v1\",\"team/renamed:v2\"]");
        assertThat(inspect.path("RepoDigests").toString())
                .isEqualTo("[\"" + name + "@" + single.manifest().digest() + "\"]");
        assertThat(inspect.path("Metadata").path("LastTagTime").asText()).isNotEqualTo("0001-01-01T00:00:00Z");
    }

    @Test
    void twentyConcurrentTagsOfOneImageAllLand() throws Exception {
        String name = proxy.hostPort() + "/pull/single";
        pull(name, "v1", null, null);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(20);
        try {
            List<java.util.concurrent.Future<ApiResponse>> futures = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String tag = "t" + i;
                futures.add(pool.submit(() -> handlers.tag(
                        request("POST", "/images/x/tag", Map.of("repo", "parallel/app", "tag", tag), null),
                        name + ":v1")));
            }
            for (var f : futures) {
                assertThat(f.get().status()).isEqualTo(201);
            }
        } finally {
            pool.shutdown();
        }
        JsonNode tags = inspect(name + ":v1").path("RepoTags");
        assertThat(tags).hasSize(21);
        for (int i = 0; i < 20; i++) {
            assertThat(tags.toString()).contains("\"parallel/app:t" + i + "\"");
        }
    }

    @Test
    void tagErrorsUseDockersTextsAndChangeNothing() throws Exception {
        String name = proxy.hostPort() + "/pull/single";
        pull(name, "v1", null, null);
        assertThatThrownBy(
                        () -> handlers.tag(request("POST", "/images/nosuch/tag", Map.of("repo", "x"), null), "nosuch"))
                .hasMessage("No such image: nosuch:latest");
        assertThatThrownBy(() -> handlers.tag(
                        request("POST", "/images/x/tag", Map.of("repo", "x", "tag", "sha256:" + "a".repeat(64)), null),
                        name + ":v1"))
                .hasMessage("invalid tag format");
        assertThatThrownBy(() ->
                        handlers.tag(request("POST", "/images/x/tag", Map.of("repo", "sha256"), null), name + ":v1"))
                .hasMessage("refusing to create an ambiguous tag using digest algorithm as name");
        assertThatThrownBy(() ->
                        handlers.tag(request("POST", "/images/x/tag", Map.of("repo", "Bad/Name"), null), name + ":v1"))
                .isInstanceOf(DockerApiException.class)
                .satisfies(e -> assertThat(((DockerApiException) e).kind())
                        .isEqualTo(DockerApiException.Kind.INVALID_PARAMETER));
        assertThat(inspect(name + ":v1").path("RepoTags")).hasSize(1);
    }

    @Test
    void missingTagIsDockersManifestUnknownText() {
        String name = proxy.hostPort() + "/pull/single";
        assertThatThrownBy(() -> pull(name, "nosuch", null, null))
                .isInstanceOf(DockerApiException.class)
                .satisfies(
                        e -> assertThat(((DockerApiException) e).kind()).isEqualTo(DockerApiException.Kind.NOT_FOUND))
                .hasMessage("manifest for " + name + ":nosuch not found: manifest unknown: manifest unknown");
    }

    @Test
    void basicAuthRegistryNeedsCredentialsAndDeniesWithoutThemAsNotFound() throws Exception {
        String name = basic.hostPort() + "/team/app";
        assertThatThrownBy(() -> pull(name, "v1", null, null))
                .isInstanceOf(DockerApiException.class)
                .satisfies(
                        e -> assertThat(((DockerApiException) e).kind()).isEqualTo(DockerApiException.Kind.NOT_FOUND))
                .hasMessageStartingWith("pull access denied for " + name
                        + ", repository does not exist or may require 'docker login': ");
        List<JsonNode> lines =
                lines(pull(name, "v1", null, auth(RegistryServer.HTPASSWD_USER, RegistryServer.HTPASSWD_PASSWORD)));
        assertThat(lines.get(2).path("status").asText())
                .isEqualTo("Status: Downloaded newer image for " + name + ":v1");
    }

    @Test
    void dockerHubMirrorWithTokenAuthPullsPublicImagesAnonymouslyWithCachedTokens() throws Exception {
        List<JsonNode> lines = lines(pull("docker.io/library/alpine", "latest", null, "e30="));
        assertThat(lines.get(0).toString()).isEqualTo("{\"status\":\"Pulling from library/alpine\",\"id\":\"latest\"}");
        assertThat(lines.get(2).path("status").asText()).isEqualTo("Status: Downloaded newer image for alpine:latest");
        assertThat(tokens.requestCount()).isEqualTo(1);
        assertThat(tokens.requests().get(0).scopes()).containsExactly("repository:library/alpine:pull");

        tokens.reset();
        lines(pull("docker.io/library/alpine", "latest", null, "e30="));
        assertThat(tokens.requestCount()).isZero();
        assertThat(inspect("alpine").path("RepoTags").toString()).isEqualTo("[\"alpine:latest\"]");
    }

    @Test
    void privateRepositoryIsDeniedAnonymouslyAndPulledWithCredentials() throws Exception {
        assertThatThrownBy(() -> pull("docker.io/alice/secret", "v1", null, null))
                .hasMessage("pull access denied for alice/secret, repository does not exist or may require "
                        + "'docker login': denied: requested access to the resource is denied");
        assertThatThrownBy(() -> pull("docker.io/alice/secret", "v1", null, auth("alice", "wrong")))
                .satisfies(
                        e -> assertThat(((DockerApiException) e).kind()).isEqualTo(DockerApiException.Kind.NOT_FOUND))
                .hasMessageContaining("pull access denied for alice/secret");
        List<JsonNode> lines = lines(pull("docker.io/alice/secret", "v1", null, auth("alice", "wonderland")));
        assertThat(lines.get(2).path("status").asText())
                .isEqualTo("Status: Downloaded newer image for alice/secret:v1");
        assertThat(inspect("alice/secret:v1").path("Id").asText())
                .isEqualTo(privateImage.config().digest());
    }

    @Test
    void listShowsPulledImagesAndHonoursReferenceAndDanglingFilters() throws Exception {
        pull(proxy.hostPort() + "/pull/single", "v1", null, null);
        pull(proxy.hostPort() + "/pull/rich", rich.manifest().digest(), null, null);
        JsonNode all = JSON.readTree(
                handlers.list(request("GET", "/images/json", Map.of(), null)).body());
        assertThat(all).hasSize(2);
        JsonNode dangling = JSON.readTree(
                handlers.list(request("GET", "/images/json", Map.of("filters", "{\"dangling\":{\"true\":true}}"), null))
                        .body());
        assertThat(dangling).hasSize(1);
        assertThat(dangling.get(0).path("Id").asText()).isEqualTo(rich.config().digest());
        JsonNode byRef = JSON.readTree(handlers.list(request(
                        "GET",
                        "/images/json",
                        Map.of("filters", "{\"reference\":{\"" + proxy.hostPort() + "/pull/sing*\":true}}"),
                        null))
                .body());
        assertThat(byRef).hasSize(1);
        assertThat(byRef.get(0).path("RepoTags").get(0).asText()).isEqualTo(proxy.hostPort() + "/pull/single:v1");
    }
}
