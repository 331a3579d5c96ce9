package dev.sockerless.aca.localhost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.testing.AppSettings;
import dev.sockerless.aca.testing.ArmStandIn;
import dev.sockerless.aca.testing.CountingProxy;
import dev.sockerless.aca.testing.DockerCli;
import dev.sockerless.aca.testing.DockerCli.Result;
import dev.sockerless.aca.testing.JobsStandIn;
import dev.sockerless.aca.testing.LifecycleFixture;
import dev.sockerless.aca.testing.MutableClock;
import dev.sockerless.aca.testing.RawHttp;
import dev.sockerless.aca.testing.RegistryPusher;
import dev.sockerless.aca.testing.RegistryServer;
import dev.sockerless.aca.testing.SharedServices;
import dev.sockerless.aca.testing.TestArchives;
import dev.sockerless.aca.testing.TestImage;
import dev.sockerless.aca.testing.TestImages;
import dev.sockerless.aca.testing.TestImages.Format;
import dev.sockerless.aca.testing.TestImages.Platform;
import dev.sockerless.aca.testing.TestIndex;
import dev.sockerless.aca.testing.TokenServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end: the real docker CLI (client only) against the function app served by {@link LocalHost}, with real
 * registries (Debian docker-registry: anonymous behind a counting proxy, and token auth posing as Docker Hub through
 * the {@code docker.io} mirror) and real Azurite. Every command runs with a fresh {@code DOCKER_CONFIG}, stdin from
 * /dev/null and a timeout (a 401 would make the CLI prompt and hang). The app builds its services once per JVM, so
 * one configuration (system properties set before the first request) serves every test; tests use distinct
 * repositories and do not depend on each other's state.
 */
class DockerCliIT {

    static final Path DOCKER_BINARY = DockerCli.BINARY;
    static final long TIMEOUT_SECONDS = DockerCli.TIMEOUT_SECONDS;
    static final String HUB_SERVER = "https://index.docker.io/v1/";
    static final ObjectMapper JSON = new ObjectMapper();
    static String docker;
    static CountingProxy proxy;
    static TokenServer tokens;
    static RegistryServer hub;
    static LocalHost host;
    static TestImage single;
    static TestIndex multi;
    static TestImage alpine;
    static TestImage secret;
    static TestImage loose;
    static TestImage listed;
    static TestImage busybox;
    static TestImage durable;
    static TestImage creatable;
    static TestImage removable;
    static dev.sockerless.aca.testing.LogAnalyticsStandIn logAnalytics;
    static final MutableClock ARM_CLOCK = new MutableClock(Instant.now());
    /** The strict ARM stand-in, over plain http on loopback (the app sends no credential); executions on ARM_CLOCK. */
    @RegisterExtension
    static final ArmStandIn arm = ArmStandIn.plain(ARM_CLOCK);

    static AppSettings settings;
    static final String WORKSPACE = "11111111-2222-3333-4444-555555555555";

    @TempDir
    Path temp;

    Path config;

    @BeforeAll
    static void start() throws Exception {
        docker = findDocker();
        if (docker == null) {
            System.err.println("*** DockerCliIT: docker CLI not found (" + DOCKER_BINARY
                    + " or docker on PATH): end-to-end tests SKIPPED ***");
            Assumptions.assumeTrue(false, "docker CLI not found: end-to-end tests skipped");
        }
        RegistryServer anonymous = SharedServices.anonymousRegistry();
        proxy = new CountingProxy(anonymous.baseUrl());
        single = image(Format.OCI, Platform.LINUX_AMD64, "single");
        TestImage amd64 = image(Format.DOCKER, Platform.LINUX_AMD64, "multi");
        TestImage arm64 = image(Format.DOCKER, Platform.LINUX_ARM64, "multi");
        TestImage attestation = TestImages.attestationFor(amd64.manifest().digest());
        multi = new TestIndex(
                TestImages.index(
                        Format.DOCKER,
                        List.of(amd64, arm64),
                        attestation,
                        amd64.manifest().digest()),
                List.of(amd64, arm64),
                attestation);
        loose = image(Format.OCI, Platform.LINUX_AMD64, "dangling");
        durable = image(Format.OCI, Platform.LINUX_AMD64, "durable");
        listed = image(Format.DOCKER, Platform.LINUX_AMD64, "listed");
        RegistryPusher push = new RegistryPusher(anonymous.baseUrl());
        push.push("e2e/single", "v1", single);
        push.push("e2e/multi", "v1", multi);
        push.push("e2e/loose", "v1", loose);
        push.push("e2e/durable", "v1", durable);
        creatable = image(Format.OCI, Platform.LINUX_AMD64, "creatable");
        push.push("e2e/creatable", "v1", creatable);
        push.push("e2e/listed", "v1", listed);
        removable = image(Format.OCI, Platform.LINUX_AMD64, "removable");
        push.push("e2e/removable", "v1", removable);
        push.push("e2e/removable", "v2", removable);
        push.push("e2e/chunked", "v1", image(Format.OCI, Platform.LINUX_AMD64, "chunked"));

        tokens = TokenServer.builder()
                .service("registry.docker.io")
                .issuer("auth.docker.io")
                .user("alice", "wonderland")
                .publicRepository("library/alpine", "alice")
                .privateRepository("alice/secret", "alice")
                .start();
        hub = RegistryServer.tokenAuth(tokens);
        alpine = image(Format.DOCKER, Platform.LINUX_AMD64, "alpine");
        secret = image(Format.OCI, Platform.LINUX_AMD64, "secret");
        busybox = image(Format.OCI, Platform.LINUX_AMD64, "busybox");
        RegistryPusher hubPush = new RegistryPusher(hub.baseUrl(), "alice", "wonderland");
        hubPush.push("library/alpine", "latest", alpine);
        hubPush.push("alice/secret", "v1", secret);
        hubPush.push("library/busybox", "latest", busybox);

        logAnalytics = new dev.sockerless.aca.testing.LogAnalyticsStandIn(WORKSPACE);
        settings = AppSettings.standIns(proxy.hostPort(), logAnalytics, arm)
                .with("SOCKERLESS_REGISTRY_MIRRORS", "docker.io=" + hub.baseUrl())
                .with("SOCKERLESS_FOLLOW_WAIT_SECONDS", "3")
                .with("SOCKERLESS_FOLLOW_GRACE_SECONDS", "3")
                .with("SOCKERLESS_WAIT_SECONDS", "2");
        settings.install(); // before the first request: the app reads its settings once per JVM
        host = startHost();
    }

    static LocalHost startHost() throws IOException {
        return LocalHost.start(new InetSocketAddress("127.0.0.1", 0), "dev.sockerless.aca.functions");
    }

    @AfterAll
    static void stop() {
        if (logAnalytics != null) {
            logAnalytics.close();
        }
        if (host != null) {
            host.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (hub != null) {
            hub.close();
        }
        if (tokens != null) {
            tokens.close();
        }
        if (settings != null) {
            settings.uninstall();
        }
    }

    @BeforeEach
    void freshConfig() throws IOException {
        config = Files.createDirectories(temp.resolve("docker-config"));
    }

    static TestImage image(Format format, Platform platform, String name) {
        return TestImages.labelled(format, platform, name);
    }

    static String findDocker() {
        return DockerCli.find();
    }

    Result docker(String... args) throws Exception {
        return dockerOn(host.port(), null, args);
    }

    /** Runs the CLI against {@code port} with this test's DOCKER_CONFIG, stdin from {@code stdin} or /dev/null. */
    Result dockerOn(int port, String stdin, String... args) throws Exception {
        return new DockerCli(docker, temp).run(port, config, stdin, args);
    }

    void writeAuth(String user, String password) throws IOException {
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        Files.writeString(
                config.resolve("config.json"), "{\"auths\":{\"" + HUB_SERVER + "\":{\"auth\":\"" + auth + "\"}}}\n");
    }

    @Test
    void versionShowsTheServerApiVersion() throws Exception {
        Result r = docker("version").ok();

        assertThat(r.out()).contains("Server:");
        String server = r.out().substring(r.out().indexOf("Server:"));
        assertThat(server).containsPattern("API version:\\s+1\\.\\d+");
    }

    @Test
    void pullFetchesManifestAndConfigOnlyAndRepeatPullIsUpToDate() throws Exception {
        String name = proxy.hostPort() + "/e2e/single"; // pulled by no other test
        proxy.reset();

        Result first = docker("pull", name + ":v1").ok();

        assertThat(first.out())
                .contains("v1: Pulling from e2e/single")
                .contains("Digest: " + single.manifest().digest())
                .contains("Status: Downloaded newer image for " + name + ":v1");
        assertThat(first.lines()).last().isEqualTo(name + ":v1");
        assertThat(proxy.exchanges())
                .noneMatch(e -> e.path().contains(single.layers().get(0).blob().digest()));

        Result second = docker("pull", name + ":v1").ok();
        assertThat(second.out())
                .contains("Digest: " + single.manifest().digest())
                .contains("Status: Image is up to date for " + name + ":v1");

        assertThat(docker(
                                "image",
                                "inspect",
                                "--format",
                                "{{.Id}} {{.Os}}/{{.Architecture}} {{json .RepoDigests}}",
                                name + ":v1")
                        .ok()
                        .out()
                        .trim())
                .isEqualTo(single.config().digest() + " linux/amd64 [\"" + name + "@"
                        + single.manifest().digest() + "\"]");
        JsonNode inspect =
                JSON.readTree(docker("image", "inspect", name + ":v1").ok().out());
        assertThat(inspect).hasSize(1);
        JsonNode image = inspect.get(0);
        assertThat(image.path("Id").asText()).isEqualTo(single.config().digest());
        assertThat(image.path("RepoTags").toString()).isEqualTo("[\"" + name + ":v1\"]");
        assertThat(image.path("Created").asText()).isEqualTo(TestImages.CREATED);
        assertThat(image.path("Size").asLong())
                .isEqualTo(single.layers().get(0).blob().size());
        assertThat(image.path("Config")
                        .path("Labels")
                        .path("dev.sockerless.e2e")
                        .asText())
                .isEqualTo("single");
        assertThat(image.path("RootFS").path("Layers").toString())
                .isEqualTo("[\"" + single.layers().get(0).diffId() + "\"]");
    }

    @Test
    void multiArchPullChoosesTheDefaultPlatformOrTheRequestedOne() throws Exception {
        String name = proxy.hostPort() + "/e2e/multi";
        String format = "{{.Os}}/{{.Architecture}} {{.Id}}";

        Result pull = docker("pull", name + ":v1").ok();
        assertThat(pull.out()).contains("Digest: " + multi.index().digest());
        assertThat(docker("image", "inspect", "--format", format, name + ":v1")
                        .ok()
                        .out()
                        .trim())
                .isEqualTo("linux/amd64 "
                        + multi.image("linux", "amd64", null).config().digest());
        assertThat(docker("image", "inspect", "--format", "{{json .RepoDigests}}", name + ":v1")
                        .ok()
                        .out()
                        .trim())
                .isEqualTo("[\"" + name + "@" + multi.index().digest() + "\"]");

        docker("pull", "--platform", "linux/arm64", name + ":v1").ok();
        assertThat(docker("image", "inspect", "--format", format, name + ":v1")
                        .ok()
                        .out()
                        .trim())
                .isEqualTo("linux/arm64 "
                        + multi.image("linux", "arm64", "v8").config().digest());
    }

    @Test
    void dockerHubMirrorServesPublicImagesAnonymouslyAndPrivateOnesAfterLogin() throws Exception {
        Result pull = docker("pull", "alpine").ok();
        assertThat(pull.out())
                .contains("Using default tag: latest")
                .contains("latest: Pulling from library/alpine")
                .contains("Digest: " + alpine.manifest().digest())
                .contains("Status: Downloaded newer image for alpine:latest");
        assertThat(pull.lines()).last().isEqualTo("docker.io/library/alpine:latest");
        assertThat(docker("image", "inspect", "--format", "{{json .RepoTags}} {{json .RepoDigests}} {{.Id}}", "alpine")
                        .ok()
                        .out()
                        .trim())
                .isEqualTo("[\"alpine:latest\"] [\"alpine@" + alpine.manifest().digest() + "\"] "
                        + alpine.config().digest());

        Result denied = docker("pull", "alice/secret:v1").failed();
        assertThat(denied.err())
                .contains("Error response from daemon: pull access denied for alice/secret, "
                        + "repository does not exist or may require 'docker login'");

        Result wrong = dockerOn(host.port(), "not-the-password\n", "login", "-u", "alice", "--password-stdin");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).contains("unauthorized: incorrect username or password");
        assertThat(config.resolve("config.json"))
                .satisfiesAnyOf(
                        p -> assertThat(p).doesNotExist(),
                        p -> assertThat(Files.readString(p)).doesNotContain("auths\": {\n"));

        Result login = dockerOn(host.port(), "wonderland\n", "login", "-u", "alice", "--password-stdin");
        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(login.out()).contains("Login Succeeded");
        assertThat(Files.readString(config.resolve("config.json"))).contains(HUB_SERVER);

        Result allowed = docker("pull", "alice/secret:v1").ok();
        assertThat(allowed.out()).contains("Status: Downloaded newer image for alice/secret:v1");
        assertThat(docker("image", "inspect", "alice/secret:v1", "--format", "{{.Id}}")
                        .ok()
                        .out()
                        .trim())
                .isEqualTo(secret.config().digest());
    }

    @Test
    void imagesListsPulledImagesAndFilters() throws Exception {
        // its own images (pull scenarios assert "Downloaded newer image", so test order must not matter)
        String listedName = proxy.hostPort() + "/e2e/listed";
        String looseName = proxy.hostPort() + "/e2e/loose";
        docker("pull", listedName + ":v1").ok();
        docker("pull", "busybox").ok();
        docker("pull", looseName + "@" + loose.manifest().digest()).ok();

        Result table = docker("images").ok();
        assertThat(table.lines().get(0)).containsPattern("REPOSITORY\\s+TAG\\s+IMAGE ID\\s+CREATED\\s+SIZE");
        assertThat(table.out())
                .containsPattern(
                        "(?m)^busybox\\s+latest\\s+" + busybox.config().digest().substring(7, 19) + "\\s")
                .containsPattern("(?m)^" + Pattern.quote(listedName) + "\\s+v1\\s+"
                        + listed.config().digest().substring(7, 19));

        assertThat(docker("images", "--format", "{{.Repository}}:{{.Tag}}").ok().lines())
                .contains(listedName + ":v1", "busybox:latest");
        assertThat(docker("images", "--format", "{{.CreatedAt}} {{.Size}}", listedName)
                        .ok()
                        .lines())
                .containsExactly("2025-02-14 03:28:36 +0000 UTC "
                        + listed.layers().get(0).blob().size() + "B");
        assertThat(docker("images", "--no-trunc", "--format", "{{.ID}}").ok().lines())
                .contains(
                        listed.config().digest(),
                        busybox.config().digest(),
                        loose.config().digest());
        assertThat(docker("images", "--digests", "--format", "{{.Repository}} {{.Digest}}", "busybox")
                        .ok()
                        .lines())
                .containsExactly("busybox " + busybox.manifest().digest());

        Result dangling = docker("images", "--filter", "dangling=true", "--no-trunc", "--format", "{{.ID}}")
                .ok();
        assertThat(dangling.lines())
                .contains(loose.config().digest())
                .doesNotContain(busybox.config().digest(), listed.config().digest());

        assertThat(docker("images", "busybox", "--format", "{{.Repository}}:{{.Tag}}")
                        .ok()
                        .lines())
                .containsExactly("busybox:latest");
    }

    @Test
    void tagAddsANameThatInspectAndImagesShow() throws Exception {
        String name = proxy.hostPort() + "/e2e/listed:v1";
        docker("pull", name).ok();
        proxy.reset();

        docker("tag", name, "team/tagged:v2").ok();

        assertThat(proxy.requestCount()).as("tag touches no registry").isZero();
        assertThat(docker("image", "inspect", "--format", "{{.Id}} {{.Metadata.LastTagTime}}", "team/tagged:v2")
                        .ok()
                        .out())
                .startsWith(docker("image", "inspect", "--format", "{{.Id}}", name)
                        .ok()
                        .out()
                        .trim())
                .doesNotContain("0001-01-01");
        assertThat(docker("images", "team/tagged", "--format", "{{.Repository}}:{{.Tag}}")
                        .ok()
                        .lines())
                .containsExactly("team/tagged:v2");
        assertThat(docker("tag", "nosuch:v9", "team/x").failed().err()).contains("No such image: nosuch:v9");
    }

    /**
     * A load as Azure delivers one to the function: the archive as {@code application/octet-stream} with a
     * {@code Content-Length} (the only way a body reaches a Java function byte for byte). Replies JSON lines, chunked.
     */
    java.net.http.HttpResponse<String> loadOverHttp(byte[] archive) throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                        "http://127.0.0.1:" + host.port() + "/v1.51/images/load?quiet=1"))
                                .header("Content-Type", "application/octet-stream")
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(archive))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("Content-Length"))
                .as("JSON lines go out chunked")
                .isEmpty();
        return r;
    }

    /** The {@code stream} texts of a JSON-lines reply. */
    static List<String> streams(String body) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line).path("stream").asText());
            }
        }
        return out;
    }

    @Test
    void loadPushesEveryArchiveFormatToTheStagingRegistryByteForByte() throws Exception {
        TestImage app = image(Format.DOCKER, Platform.LINUX_AMD64, "loaded");
        Map<String, byte[]> archives = new java.util.LinkedHashMap<>();
        archives.put("legacy.tar", TestArchives.legacy(app, List.of("loaded/app:v1")));
        archives.put(
                "docker25.tar.gz",
                TestArchives.gzip(
                        TestArchives.docker25(app, List.of("docker.io/loaded/app:v2"), List.of("loaded/app:v2"))));
        archives.put("legacy.tar.zst", TestArchives.zstd(TestArchives.legacy(app, List.of("loaded/app:v3"))));
        int n = 0;
        for (Map.Entry<String, byte[]> archive : archives.entrySet()) {
            String tag = "v" + (++n);
            java.net.http.HttpResponse<String> load = loadOverHttp(archive.getValue());
            assertThat(load.statusCode())
                    .as(archive.getKey() + ": " + load.body())
                    .isEqualTo(200);
            assertThat(streams(load.body()))
                    .as(archive.getKey())
                    .containsExactly("Loaded image: loaded/app:" + tag + "\n");
            assertThat(docker("image", "inspect", "--format", "{{.Id}}", "loaded/app:" + tag)
                            .ok()
                            .out()
                            .trim())
                    .isEqualTo(app.config().digest());

            // Pulled back from the staging registry, every digest verifies.
            RegistryPusher staging = new RegistryPusher(proxy.baseUrl());
            java.net.http.HttpResponse<byte[]> manifest = staging.getManifest("staging/loaded/app", tag);
            assertThat(manifest.statusCode()).isEqualTo(200);
            com.fasterxml.jackson.databind.JsonNode m = JSON.readTree(manifest.body());
            assertThat(m.path("config").path("digest").asText())
                    .isEqualTo(app.config().digest());
            assertThat(staging.getBlob("staging/loaded/app", app.config().digest())
                            .body())
                    .isEqualTo(app.config().bytes());
            for (int i = 0; i < app.layers().size(); i++) {
                byte[] gz = staging.getBlob(
                                "staging/loaded/app",
                                m.path("layers").get(i).path("digest").asText())
                        .body();
                byte[] tar = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz)).readAllBytes();
                assertThat(dev.sockerless.aca.testing.Blob.sha256(tar))
                        .isEqualTo(app.layers().get(i).diffId());
            }
        }
        assertThat(streams(loadOverHttp(TestArchives.legacy(app, List.of())).body()))
                .containsExactly("Loaded image ID: " + app.config().digest() + "\n");
        java.net.http.HttpResponse<String> garbage = loadOverHttp("not a tar at all".getBytes(StandardCharsets.UTF_8));
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.body()).contains("\"message\"");
        assertThat(docker("version").ok().out()).contains("API version"); // still serving
    }

    /**
     * {@code docker load -i} sends the archive chunked as {@code application/x-tar}: the Functions host forwards no
     * chunked body to a Java function, so the load sees no archive and the CLI fails, as it does against Azure.
     */
    @Test
    void dockerLoadFailsAsOnAzureBecauseItsChunkedBodyNeverArrives() throws Exception {
        TestImage app = image(Format.DOCKER, Platform.LINUX_AMD64, "cli-load");
        Path file = Files.write(temp.resolve("cli.tar"), TestArchives.legacy(app, List.of("cli/load:v1")));
        Result load = docker("load", "-i", file.toString()).failed();
        assertThat(load.err())
                .contains("Error response from daemon")
                .contains("chunked")
                .contains("fromBlob")
                .contains("application/octet-stream");
        assertThat(docker("image", "inspect", "cli/load:v1").exit()).isNotZero();
    }

    /** The pull's JSON-lines reply goes out chunked, without a Content-Length, one JSON document per line. */
    @Test
    void pullRepliesAreChunkedJsonLines() throws Exception {
        String name = proxy.hostPort() + "/e2e/chunked";
        try (RawHttp http = new RawHttp(host.port())) {
            RawHttp.Response r = http.send("POST /v1.51/images/create?fromImage=" + name + "&tag=v1 HTTP/1.1\r\n"
                            + "Host: localhost:" + host.port() + "\r\nContent-Length: 0\r\n\r\n")
                    .read(false);
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            assertThat(r.chunked()).isTrue();
            assertThat(r.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(r.headers()).doesNotContainKey("content-length");
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
            List<String> lines = r.text().lines().filter(l -> !l.isBlank()).toList();
            assertThat(lines).hasSizeGreaterThan(1);
            for (String line : lines) {
                assertThat(JSON.readTree(line).isObject()).as(line).isTrue();
            }
            assertThat(r.text()).contains("Status: Downloaded newer image for " + name + ":v1");
        }
    }

    @Test
    void createWrapsTheCommandInTheAgentAndInspectAndRmWork() throws Exception {
        String image = proxy.hostPort() + "/e2e/creatable:v1";
        // Not pulled yet: the CLI gets 404 No such image, pulls, and creates again.
        Result created = docker("create", "--name", "hello-e2e", image, "sh", "-c", "echo hi")
                .ok();
        assertThat(created.err()).contains("Unable to find image");
        String id = created.lines().get(created.lines().size() - 1);
        assertThat(id).matches("[0-9a-f]{64}");

        assertThat(docker(
                                "container",
                                "inspect",
                                "--format",
                                "{{.Id}} {{.Name}} {{.Path}} {{json .Args}} {{.Config.Image}} {{json .Config.Cmd}} {{json .Config.Labels}}",
                                "hello-e2e")
                        .ok()
                        .out()
                        .trim())
                .isEqualTo(id + " /hello-e2e sh [\"-c\",\"echo hi\"] " + image
                        + " [\"sh\",\"-c\",\"echo hi\"] {\"dev.sockerless.e2e\":\"creatable\"}");

        java.net.http.HttpResponse<String> job = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                        "http://127.0.0.1:" + host.port() + "/sockerless/v1/containers/hello-e2e/job"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(job.statusCode()).isEqualTo(200);
        com.fasterxml.jackson.databind.JsonNode resource =
                JSON.readTree(job.body()).path("resource");
        assertThat(resource.path("type").asText()).isEqualTo("Microsoft.App/jobs");
        com.fasterxml.jackson.databind.JsonNode container =
                resource.path("properties").path("template").path("containers").get(0);
        assertThat(container.path("command").toString())
                .isEqualTo("[\"/sockerless-agent\",\"--\",\"sh\",\"-c\",\"echo hi\"]");
        assertThat(container.path("image").asText())
                .isEqualTo(proxy.hostPort() + "/e2e/creatable@"
                        + creatable.manifest().digest());
        assertThat(resource.path("properties").path("environmentId").asText())
                .isEqualTo(LifecycleFixture.ENVIRONMENT_ID);

        Result again = docker("create", "--name", "hello-e2e", image, "true");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err())
                .contains("Conflict. The container name \"/hello-e2e\" is already in use by container \"" + id + "\"");

        docker("rm", "hello-e2e").ok();
        Result gone = docker("container", "inspect", "hello-e2e");
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).contains("No such container: hello-e2e");
    }

    @Test
    void logsShowTheExecutionsLinesFromLogAnalyticsWithDockersFlags() throws Exception {
        String image = proxy.hostPort() + "/e2e/listed:v1";
        docker("create", "--name", "logs-e2e", image, "sh", "-c", "echo hi").ok();
        assertThat(docker("logs", "logs-e2e").ok().out()).isEmpty(); // never ran: no lines

        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + host.port() + "/sockerless/v1/containers/logs-e2e/";
        String job = JSON.readTree(http.send(
                                java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "job"))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString())
                        .body())
                .path("name")
                .asText();
        String execution = job + "-x7k2p9q";
        assertThat(http.send(
                                java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "execution"))
                                        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(
                                                "{\"executionName\":\"" + execution + "\",\"status\":\"Succeeded\"}"))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isBetween(200, 204);

        java.time.Instant t0 = java.time.Instant.parse("2026-11-28T10:00:00.123456789Z");
        String[][] rows = {{"stdout", "out 1"}, {"stderr", "err 1"}, {"stdout", "out 2"}, {"stdout", "out 3"}};
        for (int i = 0; i < rows.length; i++) {
            logAnalytics.add(
                    dev.sockerless.aca.testing.LogAnalyticsStandIn.RESOURCE,
                    Map.of(
                            "TimeGenerated",
                            t0.plusSeconds(i),
                            "JobName",
                            job,
                            "ContainerGroupName",
                            execution + "-abcde",
                            "ContainerName",
                            job,
                            "Stream",
                            rows[i][0],
                            "Log",
                            rows[i][1]));
        }
        // another job's line and an init container's line must not show
        logAnalytics.add(
                dev.sockerless.aca.testing.LogAnalyticsStandIn.RESOURCE,
                Map.of(
                        "TimeGenerated",
                        t0,
                        "JobName",
                        job,
                        "ContainerGroupName",
                        execution + "-abcde",
                        "ContainerName",
                        "sockerless-agent-init",
                        "Stream",
                        "stdout",
                        "Log",
                        "init"));

        Result all = docker("logs", "logs-e2e").ok();
        assertThat(all.out()).isEqualTo("out 1\nout 2\nout 3\n");
        assertThat(all.err()).isEqualTo("err 1\n");
        assertThat(docker("logs", "--tail", "2", "logs-e2e").ok().out()).isEqualTo("out 2\nout 3\n");
        assertThat(docker("logs", "--timestamps", "--tail", "1", "logs-e2e")
                        .ok()
                        .out())
                .isEqualTo("2026-11-28T10:00:03.123456789Z out 3\n");
        assertThat(docker("logs", "--since", "2026-11-28T10:00:02Z", "logs-e2e")
                        .ok()
                        .out())
                .isEqualTo("out 2\nout 3\n");
        Result bad = docker("logs", "--since", "not-a-time", "logs-e2e");
        assertThat(bad.exit()).isEqualTo(1);
    }

    @Test
    void followDeliversEveryLineOnceIncludingLateOnesAndEnds() throws Exception {
        docker("create", "--name", "follow-e2e", proxy.hostPort() + "/e2e/listed:v1", "sh", "-c", "echo")
                .ok();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String sockerless = "http://127.0.0.1:" + host.port() + "/sockerless/v1/containers/follow-e2e/";
        String job = JSON.readTree(http.send(
                                java.net.http.HttpRequest.newBuilder(java.net.URI.create(sockerless + "job"))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString())
                        .body())
                .path("name")
                .asText();
        String execution = job + "-f0110w1";
        putExecution(http, sockerless, execution, "Running");
        java.time.Instant t = java.time.Instant.now().minusSeconds(60);
        row(job, execution, t, "stdout", "a1");
        row(job, execution, t.plusSeconds(3), "stderr", "a3");

        // The docker CLI prints one batch of a follow and exits 0 (the contract is a bounded long poll).
        Result cli = docker("logs", "-f", "follow-e2e").ok();
        assertThat(cli.out()).isEqualTo("a1\n");
        assertThat(cli.err()).isEqualTo("a3\n");

        // A client looping on the cursor gets every line exactly once, late ones included, then Ended.
        List<String> got = new ArrayList<>();
        String query = "follow=1&stdout=1&stderr=1";
        boolean ended = false;
        boolean lateAdded = false;
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (!ended && System.nanoTime() < deadline) {
            java.net.http.HttpResponse<byte[]> r = http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                    "http://127.0.0.1:" + host.port() + "/v1.51/containers/follow-e2e/logs?" + query))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertThat(r.statusCode())
                    .as(query + " → " + new String(r.body(), StandardCharsets.UTF_8))
                    .isEqualTo(200);
            got.addAll(frames(r.body()));
            String cursor = r.headers().firstValue("Sockerless-Logs-Cursor").orElseThrow();
            ended = r.headers()
                    .firstValue("Sockerless-Logs-Ended")
                    .orElseThrow()
                    .equals("true");
            query = "follow=1&cursor=" + java.net.URLEncoder.encode(cursor, StandardCharsets.UTF_8);
            if (!lateAdded && got.size() >= 2) {
                row(job, execution, t.plusSeconds(1), "stdout", "a2"); // older line time, ingested later
                row(job, execution, t.plusSeconds(4), "stdout", "a4");
                lateAdded = true;
            } else if (lateAdded && got.size() >= 4) {
                putExecution(http, sockerless, execution, "Succeeded");
            }
        }
        assertThat(ended).as("Sockerless-Logs-Ended: true within a minute").isTrue();
        assertThat(got).containsExactly("1:a1", "2:a3", "1:a2", "1:a4");
    }

    static void row(String job, String execution, java.time.Instant at, String stream, String text) {
        logAnalytics.add(
                dev.sockerless.aca.testing.LogAnalyticsStandIn.RESOURCE,
                Map.of(
                        "TimeGenerated",
                        at,
                        "JobName",
                        job,
                        "ContainerGroupName",
                        execution + "-r0001",
                        "ContainerName",
                        job,
                        "Stream",
                        stream,
                        "Log",
                        text));
    }

    static void putExecution(java.net.http.HttpClient http, String base, String execution, String status)
            throws Exception {
        assertThat(http.send(
                                java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "execution"))
                                        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"executionName\":\""
                                                + execution + "\",\"status\":\"" + status + "\"}"))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isBetween(200, 204);
    }

    /** stdcopy frames as "stream:text" (without the newline). */
    static List<String> frames(byte[] body) {
        List<String> out = new ArrayList<>();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(body);
        while (b.remaining() >= 8) {
            int stream = b.get();
            b.position(b.position() + 3);
            byte[] payload = new byte[b.getInt()];
            b.get(payload);
            out.add(stream + ":" + new String(payload, StandardCharsets.UTF_8).stripTrailing());
        }
        return out;
    }

    @Test
    void unknownImagesAndTagsAreDockersErrors() throws Exception {
        Result inspect = docker("image", "inspect", "nosuch");
        assertThat(inspect.exit()).isEqualTo(1);
        assertThat(inspect.err()).contains("Error response from daemon: No such image: nosuch:latest");

        String name = proxy.hostPort() + "/e2e/single";
        Result pull = docker("pull", name + ":nosuch");
        assertThat(pull.exit()).isEqualTo(1);
        assertThat(pull.err()).contains("manifest for " + name + ":nosuch not found: manifest unknown");
    }

    /** The job a container runs as, found in the ARM stand-in by the container ID's 12-hex suffix. */
    static JobsStandIn.Job jobOf(String id) {
        return arm.jobs().jobs().stream()
                .filter(j -> j.name().endsWith("-" + id.substring(0, 12)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no job in ARM for " + id));
    }

    static String latestExecution(String job) {
        return arm.jobs().executions(job).get(0).name;
    }

    @Test
    void runDetachedThenPsWaitLogsAndRmDriveTheJobInArm() throws Exception {
        String image = proxy.hostPort() + "/e2e/listed:v1";
        docker("pull", image).ok();
        Result run = docker("run", "-d", "--name", "run-e2e", "--label", "e2e=run", image, "sh", "-c", "echo hello");
        run.ok();
        String id = run.lines().get(run.lines().size() - 1);
        assertThat(id).matches("[0-9a-f]{64}");
        JobsStandIn.Job job = jobOf(id);
        assertThat(arm.jobs().violations).isEmpty();
        String execution = latestExecution(job.name());
        assertThat(arm.received).allSatisfy(r -> assertThat(r.authorization()).isNull());

        assertThat(docker("ps", "--format", "{{.Names}}|{{.Status}}|{{.Image}}|{{.Command}}")
                        .ok()
                        .lines())
                .anySatisfy(l -> assertThat(l)
                        .matches("run-e2e\\|Up .*\\|" + Pattern.quote(image) + "\\|\"sh -c 'echo hello'\""));
        assertThat(docker("ps", "--filter", "label=e2e=run", "--format", "{{.ID}} {{.State}}")
                        .ok()
                        .out()
                        .trim())
                .isEqualTo(id.substring(0, 12) + " running");
        assertThat(docker("inspect", "--format", "{{.State.Status}} {{.State.Running}}", "run-e2e")
                        .ok()
                        .out()
                        .trim())
                .isEqualTo("running true");

        arm.jobs().finish(execution, "Succeeded");
        assertThat(docker("wait", "run-e2e").ok().out().trim()).isEqualTo("0");
        assertThat(docker("ps", "-a", "--filter", "name=run-e2e", "--format", "{{.Status}}")
                        .ok()
                        .out()
                        .trim())
                .startsWith("Exited (0) ");
        assertThat(docker("ps", "--filter", "name=run-e2e", "-q").ok().out()).isEmpty();
        assertThat(docker("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}} [{{.State.Error}}]", "run-e2e")
                        .ok()
                        .out()
                        .trim())
                .isEqualTo("exited 0 []");

        Instant t0 = Instant.parse("2026-12-01T09:00:00Z");
        row(job.name(), execution, t0, "stdout", "hello");
        row(job.name(), execution, t0.plusSeconds(1), "stderr", "warning");
        Result logs = docker("logs", "run-e2e").ok();
        assertThat(logs.out()).isEqualTo("hello\n");
        assertThat(logs.err()).isEqualTo("warning\n");

        docker("rm", "run-e2e").ok();
        assertThat(arm.jobs().job(job.name())).isEmpty();
        assertThat(docker("rm", "run-e2e").failed().err())
                .contains("Error response from daemon: No such container: run-e2e");
    }

    @Test
    void stopKillRestartStartAndRmWithTheirFailuresAsDockerd() throws Exception {
        String image = proxy.hostPort() + "/e2e/listed:v1";
        docker("pull", image).ok();
        String id = docker("run", "-d", "--name", "svc-e2e", image, "sleep", "1000")
                .ok()
                .lines()
                .get(0);
        String job = jobOf(id).name();
        String first = latestExecution(job);

        assertThat(docker("start", "svc-e2e").ok().out().trim()).isEqualTo("svc-e2e"); // running: 304
        assertThat(arm.jobs().executions(job)).hasSize(1);
        assertThat(docker("stop", "svc-e2e").ok().out().trim()).isEqualTo("svc-e2e");
        assertThat(arm.jobs().status(first)).isEqualTo("Stopped");
        assertThat(docker("stop", "svc-e2e").ok().out().trim()).isEqualTo("svc-e2e"); // not running: 304
        assertThat(docker("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "svc-e2e")
                        .ok()
                        .out()
                        .trim())
                .isEqualTo("exited 1");
        assertThat(docker("inspect", "--format", "{{.State.Error}}", "svc-e2e")
                        .ok()
                        .out())
                .contains("ended Stopped; Azure recorded no exit code");
        assertThat(docker("kill", "svc-e2e").failed().err())
                .contains("Error response from daemon: Container " + id + " is not running");

        docker("restart", "svc-e2e").ok();
        String second = latestExecution(job);
        assertThat(second).isNotEqualTo(first);
        assertThat(arm.jobs().status(second)).isEqualTo("Running");
        docker("kill", "svc-e2e").ok();
        assertThat(arm.jobs().status(second)).isEqualTo("Stopped");
        docker("start", "svc-e2e").ok();
        String third = latestExecution(job);
        assertThat(third).isNotIn(first, second);

        // a new host keeps the container running: its record is in Table Storage, its execution in ARM
        host.close();
        host = startHost();
        assertThat(docker("ps", "--filter", "name=svc-e2e", "--format", "{{.Names}} {{.State}}")
                        .ok()
                        .out()
                        .trim())
                .isEqualTo("svc-e2e running");

        assertThat(docker("rm", "svc-e2e").failed().err())
                .contains("Error response from daemon: cannot remove container"
                        + " \"/svc-e2e\": container is running: stop the container before removing or force remove");
        docker("rm", "-f", "svc-e2e").ok();
        List<ArmStandIn.Received> writes = arm.received.stream()
                .filter(r -> r.path().endsWith(third + "/stop")
                        || (r.method().equals("DELETE") && r.path().endsWith("/jobs/" + job)))
                .toList();
        assertThat(writes).extracting(ArmStandIn.Received::method).containsExactly("POST", "DELETE");
        assertThat(arm.jobs().job(job)).isEmpty();

        for (String[] command : List.of(
                new String[] {"start", "nosuch"},
                new String[] {"stop", "nosuch"},
                new String[] {"kill", "nosuch"},
                new String[] {"restart", "nosuch"},
                new String[] {"wait", "nosuch"},
                new String[] {"rm", "nosuch"})) {
            assertThat(docker(command).failed().err())
                    .as(String.join(" ", command))
                    .contains("No such container: nosuch");
        }
    }

    @Test
    void waitOnARunningContainerEndsWithAnErrorTheBridgeCanRecogniseNeverAnExitCode() throws Exception {
        String image = proxy.hostPort() + "/e2e/listed:v1";
        docker("pull", image).ok();
        String id = docker("run", "-d", "--name", "long-e2e", image, "sleep", "1000")
                .ok()
                .lines()
                .get(0);

        Result wait = docker("wait", "long-e2e").failed();
        assertThat(wait.out()).isEmpty();
        assertThat(wait.err())
                .contains("Error response from daemon: container " + id + " is still running: wait again");
        java.net.http.HttpResponse<String> raw = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + host.port()
                                        + "/v1.51/containers/long-e2e/wait?condition=next-exit"))
                                .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(raw.statusCode()).isEqualTo(503);
        assertThat(raw.headers().firstValue("Sockerless-Wait-Pending")).contains("true");

        // Azure logs the container's exit code in the system logs: wait and inspect report it
        String job = jobOf(id).name();
        logAnalytics.add(
                dev.sockerless.aca.testing.LogAnalyticsStandIn.SYSTEM,
                Map.of(
                        "TimeGenerated",
                        Instant.now(),
                        "JobName",
                        job,
                        "Reason",
                        "ContainerTerminated",
                        "ReplicaName",
                        latestExecution(job) + "-r0001",
                        "ContainerName",
                        job,
                        "Log",
                        "Container '" + job + "' was terminated with exit code '3'"));
        arm.jobs().finish(latestExecution(job), "Failed");
        assertThat(docker("wait", "long-e2e").ok().out().trim()).isEqualTo("3");
        assertThat(docker("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}} [{{.State.Error}}]", "long-e2e")
                        .ok()
                        .out()
                        .trim())
                .isEqualTo("exited 3 []");
        docker("rm", "long-e2e").ok();
    }

    @Test
    void infoPrintsAndContainerPruneRemovesStoppedContainersAndTheirJobs() throws Exception {
        Result info = docker("info").ok();
        assertThat(info.out())
                .contains("Server Version: 0.1.0")
                .contains("Operating System: Azure Container Apps")
                .contains("OSType: linux")
                .contains("Architecture: x86_64")
                .contains("CPUs: 4");
        assertThat(docker("info", "--format", "{{.Containers}} {{.ContainersRunning}}")
                        .ok()
                        .out()
                        .trim())
                .matches("\\d+ \\d+");

        String image = proxy.hostPort() + "/e2e/listed:v1";
        docker("pull", image).ok();
        String done = docker("run", "-d", "--label", "prune-e2e=1", image, "true")
                .ok()
                .lines()
                .get(0);
        String running = docker("run", "-d", "--label", "prune-e2e=1", image, "sleep", "1000")
                .ok()
                .lines()
                .get(0);
        arm.jobs().finish(latestExecution(jobOf(done).name()), "Succeeded");
        String doneJob = jobOf(done).name();
        assertThat(docker("wait", done).ok().out().trim()).isEqualTo("0");

        Result prune = docker("container", "prune", "-f", "--filter", "label=prune-e2e=1")
                .ok();
        assertThat(prune.out()).contains(done).doesNotContain(running);
        assertThat(arm.jobs().job(doneJob)).isEmpty();
        assertThat(docker("ps", "-a", "--filter", "label=prune-e2e=1", "-q", "--no-trunc")
                        .ok()
                        .lines())
                .containsExactly(running);
        docker("rm", "-f", running).ok();
    }

    @Test
    void rmiUntagsThenDeletesKeepsImagesContainersUseAndImagePruneRemovesDanglingOnes() throws Exception {
        String repo = proxy.hostPort() + "/e2e/removable";
        String id = removable.config().digest();
        docker("pull", repo + ":v1").ok();
        docker("pull", repo + ":v2").ok();
        assertThat(docker("rmi", repo + ":v1").ok().out().trim()).isEqualTo("Untagged: " + repo + ":v1");
        assertThat(docker("image", "inspect", "--format", "{{.Id}}", repo + ":v2")
                        .ok()
                        .out()
                        .trim())
                .isEqualTo(id);

        docker("create", "--name", "rmi-e2e", repo + ":v2", "true").ok();
        assertThat(docker("rmi", repo + ":v2").failed().err())
                .contains("Error response from daemon: conflict: unable to" + " remove repository reference \"" + repo
                        + ":v2\" (must force) - container ");
        docker("rm", "rmi-e2e").ok();
        assertThat(docker("rmi", repo + ":v2").ok().lines())
                .containsExactly("Untagged: " + repo + ":v2", "Deleted: " + id);
        assertThat(docker("rmi", repo + ":v2").failed().err())
                .contains("Error response from daemon: No such image: " + repo + ":v2");

        docker("pull", repo + "@" + removable.manifest().digest()).ok(); // by digest only: dangling
        Result kept = docker("image", "prune", "-f", "--filter", "label=dev.sockerless.e2e=nothing-has-this")
                .ok();
        assertThat(kept.out()).doesNotContain(id);
        Result pruned = docker("image", "prune", "-f", "--filter", "label=dev.sockerless.e2e=removable")
                .ok();
        assertThat(pruned.out()).contains("deleted: " + id).contains("Total reclaimed space:");
        assertThat(docker("image", "inspect", id).failed().err()).contains("No such image");
    }

    @Test
    void runRmDetachedRemovesTheContainerAndItsJobOnceItExited() throws Exception {
        String image = proxy.hostPort() + "/e2e/listed:v1";
        docker("pull", image).ok();
        String id = docker("run", "--rm", "-d", "--name", "once-e2e", image, "true")
                .ok()
                .lines()
                .get(0);
        String job = jobOf(id).name();
        arm.jobs().finish(latestExecution(job), "Succeeded");
        assertThat(docker("wait", "once-e2e").ok().out().trim()).isEqualTo("0");
        assertThat(docker("ps", "-a", "--filter", "name=once-e2e", "-q").ok().out())
                .isEmpty();
        assertThat(arm.jobs().job(job)).isEmpty();
        assertThat(docker("inspect", "once-e2e").failed().err()).contains("No such object: once-e2e");
    }

    @Test
    void stateSurvivesARestartOfTheHost() throws Exception {
        String name = proxy.hostPort() + "/e2e/durable";
        docker("pull", name + ":v1").ok();
        int before = host.port();

        host.close();
        host = startHost();
        assertThat(host.port()).isNotEqualTo(before);

        assertThat(docker("images", "--format", "{{.Repository}}:{{.Tag}}").ok().lines())
                .contains(name + ":v1");
        assertThat(docker("image", "inspect", "--format", "{{.Id}}", name + ":v1")
                        .ok()
                        .out()
                        .trim())
                .isEqualTo(durable.config().digest());
    }

    @Test
    void stateSurvivesAFreshProcess() throws Exception {
        String name = proxy.hostPort() + "/e2e/durable";
        docker("pull", name + ":v1").ok();

        // a new JVM: nothing but Azurite carries the state over
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classpath,
                LocalHost.class.getName());
        pb.environment().putAll(settings.values());
        pb.environment().put("SOCKERLESS_LISTEN", "127.0.0.1:0");
        pb.redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process child = pb.start();
        try {
            int port = awaitListening(child);
            assertThat(dockerOn(port, null, "images", "--format", "{{.Repository}}:{{.Tag}}")
                            .ok()
                            .lines())
                    .contains(name + ":v1");
            assertThat(dockerOn(port, null, "image", "inspect", "--format", "{{.Id}}", name + ":v1")
                            .ok()
                            .out()
                            .trim())
                    .isEqualTo(durable.config().digest());
            assertThat(dockerOn(port, null, "pull", name + ":v1").ok().out())
                    .contains("Status: Image is up to date for " + name + ":v1");
        } finally {
            child.destroy();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    /** Reads the child's output (all of it, so that it never blocks on a full pipe) until it names its port. */
    static int awaitListening(Process child) throws Exception {
        Pattern listening = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
        StringBuffer output = new StringBuffer();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread drain = new Thread(
                () -> {
                    try (BufferedReader reader =
                            new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = reader.readLine()) != null) {
                            output.append(line).append('\n');
                            Matcher m = listening.matcher(line);
                            if (m.find()) {
                                port.complete(Integer.parseInt(m.group(1)));
                            }
                        }
                    } catch (IOException ignored) {
                        // the process ended
                    }
                    port.complete(null);
                },
                "local-host-output");
        drain.setDaemon(true);
        drain.start();
        Integer p;
        try {
            p = port.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            p = null;
        }
        if (p == null) {
            fail("the local host process did not report its port:%n%s", output);
        }
        return p;
    }

    @Test
    void functionKeyHeaderFromConfigIsAccepted() throws Exception {
        Files.writeString(config.resolve("config.json"), "{\"HttpHeaders\":{\"x-functions-key\":\"k\"}}\n");

        assertThat(docker("version", "--format", "{{.Server.APIVersion}}")
                        .ok()
                        .out()
                        .trim())
                .matches("1\\.\\d+");
        assertThat(docker("images", "--format", "{{.ID}}").exit()).isZero();
    }
}
