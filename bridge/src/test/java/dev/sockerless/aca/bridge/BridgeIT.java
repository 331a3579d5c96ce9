package dev.sockerless.aca.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.localhost.LocalHost;
import dev.sockerless.aca.testing.AppSettings;
import dev.sockerless.aca.testing.ArmStandIn;
import dev.sockerless.aca.testing.DockerCli;
import dev.sockerless.aca.testing.DockerCli.Result;
import dev.sockerless.aca.testing.LogAnalyticsStandIn;
import dev.sockerless.aca.testing.MutableClock;
import dev.sockerless.aca.testing.RawHttp;
import dev.sockerless.aca.testing.RegistryPusher;
import dev.sockerless.aca.testing.RegistryServer;
import dev.sockerless.aca.testing.SharedServices;
import dev.sockerless.aca.testing.TestImage;
import dev.sockerless.aca.testing.TestImages;
import dev.sockerless.aca.testing.TestImages.Format;
import dev.sockerless.aca.testing.TestImages.Platform;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end: the real docker CLI against the bridge, in front of the local host with function keys enforced
 * ({@code SOCKERLESS_LOCAL_KEYS}), real registries, Azurite (state and the upload container) and the Log Analytics
 * stand-in. The docker CLI never sees a key: only the bridge has it.
 */
class BridgeIT {

    static final String KEY = "bridge-function-key-0123456789";
    static final String MASTER = "bridge-master-key-9876543210";
    static final String WORKSPACE = "11111111-2222-3333-4444-555555555555";
    static final ObjectMapper JSON = new ObjectMapper();
    /** The Functions request limit in these tests (host and bridge). */
    static final long LIMIT = 256 * 1024;

    static String docker;
    static RegistryServer registry;
    static LogAnalyticsStandIn logAnalytics;
    /** The strict ARM stand-in (jobs and executions), over plain http on loopback. */
    @RegisterExtension
    static final ArmStandIn arm = ArmStandIn.plain(new MutableClock(Instant.now()));

    static AppSettings appSettings;

    static LocalHost host;
    static Bridge bridge;
    static TestImage pullable;
    /** Pulled by one test only (its first pull must download). */
    static TestImage fresh;

    static Path keys;

    @TempDir
    Path temp;

    Path config;
    DockerCli cli;

    @BeforeAll
    static void start() throws Exception {
        docker = DockerCli.find();
        if (docker == null) {
            System.err.println("*** BridgeIT: docker CLI not found: end-to-end tests SKIPPED ***");
            Assumptions.assumeTrue(false, "docker CLI not found");
        }
        registry = SharedServices.anonymousRegistry();
        pullable = image("pullable");
        new RegistryPusher(registry.baseUrl()).push("bridge/pullable", "v1", pullable);
        fresh = image("fresh");
        new RegistryPusher(registry.baseUrl()).push("bridge/fresh", "v1", fresh);
        logAnalytics = new LogAnalyticsStandIn(WORKSPACE);
        appSettings = AppSettings.standIns(registry.hostPort(), logAnalytics, arm)
                .with("SOCKERLESS_FOLLOW_WAIT_SECONDS", "2")
                .with("SOCKERLESS_FOLLOW_GRACE_SECONDS", "2")
                .with("SOCKERLESS_WAIT_SECONDS", "1");
        appSettings.install(); // before the first request: the app reads them once per JVM
        keys = Files.createTempFile("bridge-keys", ".json");
        Files.writeString(keys, "{\"masterKey\":\"" + MASTER + "\",\"functionKeys\":{\"default\":\"" + KEY + "\"}}");
        // the host refuses bodies over LIMIT as Azure does (empty 500): larger archives must go through blob storage
        host = LocalHost.start(
                new InetSocketAddress("127.0.0.1", 0),
                LocalHost.DEFAULT_PACKAGE,
                LocalHost.Options.fromSettings().withKeysFile(keys).withMaxRequestBytes(LIMIT));
        bridge = Bridge.start(bridgeSettings(Map.of()));
    }

    /** The bridge in front of the local host with the right key, plus {@code overrides}. */
    static BridgeSettings bridgeSettings(Map<String, String> overrides) {
        Map<String, String> s = new HashMap<>(Map.of(
                "SOCKERLESS_BRIDGE_LISTEN",
                "127.0.0.1:0",
                "SOCKERLESS_BRIDGE_APP",
                "http://127.0.0.1:" + host.port(),
                "SOCKERLESS_BRIDGE_KEY",
                KEY,
                "SOCKERLESS_BRIDGE_RETRY_MILLIS",
                "100",
                "SOCKERLESS_BRIDGE_REQUEST_LIMIT",
                Long.toString(LIMIT),
                "SOCKERLESS_BRIDGE_UPLOAD_URL",
                uploads(),
                "SOCKERLESS_BRIDGE_UPLOAD_CONNECTION",
                SharedServices.azurite().connectionString()));
        s.putAll(overrides);
        return BridgeSettings.from(s);
    }

    static String uploads() {
        return SharedServices.azurite().blobEndpoint() + "/uploads";
    }

    @AfterAll
    static void stop() throws IOException {
        if (bridge != null) {
            bridge.close();
        }
        if (host != null) {
            host.close();
        }
        if (logAnalytics != null) {
            logAnalytics.close();
        }
        if (appSettings != null) {
            appSettings.uninstall();
        }
        if (keys != null) {
            Files.deleteIfExists(keys);
        }
    }

    @BeforeEach
    void freshConfig() throws IOException {
        config = Files.createDirectories(temp.resolve("docker-config"));
        cli = new DockerCli(docker, temp);
    }

    static TestImage image(String name) {
        return TestImages.labelled(Format.OCI, Platform.LINUX_AMD64, name);
    }

    Result docker(String... args) throws Exception {
        return cli.run(bridge.port(), config, null, args);
    }

    @Test
    void theCliReachesTheKeyedAppThroughTheBridgeOnly() throws Exception {
        assertThat(docker("version", "--format", "{{.Server.APIVersion}}")
                        .ok()
                        .out()
                        .trim())
                .matches("1\\.\\d+");
        // without the bridge, the same CLI gets the host's empty 401
        Result direct = cli.run(host.port(), config, null, "images");
        assertThat(direct.exit()).isNotZero();
        assertThat(direct.err()).contains("401");

        String name = registry.hostPort() + "/bridge/fresh:v1";
        Result pull = docker("pull", name).ok();
        assertThat(pull.out())
                .contains("Digest: " + fresh.manifest().digest())
                .contains("Status: Downloaded newer image for " + name);
        assertThat(docker("image", "inspect", "--format", "{{.Id}}", name)
                        .ok()
                        .out()
                        .trim())
                .isEqualTo(fresh.config().digest());
        assertThat(docker("images", "--format", "{{.Repository}}:{{.Tag}}").ok().lines())
                .contains(name);
        Result missing = docker("image", "inspect", "nosuch-bridge");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("Error response from daemon: No such image: nosuch-bridge");
    }

    @Test
    void pullProgressArrivesChunkedOneJsonLinePerChunk() throws Exception {
        String name = registry.hostPort() + "/bridge/pullable";
        try (RawHttp http = new RawHttp(bridge.port())) {
            RawHttp.Response r = http.send(
                            "POST /v1.50/images/create?fromImage=" + name + "&tag=v1 HTTP/1.1\r\n" + "Host: 127.0.0.1:"
                                    + bridge.port() + "\r\nContent-Length: 0\r\nX-Registry-Auth: e30=\r\n\r\n")
                    .read(false);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.chunked()).isTrue();
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
            assertThat(r.chunks()).hasSizeGreaterThan(1);
            for (String chunk : r.chunks()) {
                assertThat(chunk).as("one line per chunk").endsWith("\n").doesNotContain("\n{");
                assertThat(JSON.readTree(chunk).isObject()).as(chunk).isTrue();
            }
            assertThat(r.text()).contains("Status: ");

            // keep-alive: a second request on the same connection
            RawHttp.Response ping =
                    http.send("GET /_ping HTTP/1.1\r\nHost: localhost\r\n\r\n").read(false);
            assertThat(ping.status()).isEqualTo(200);
            assertThat(ping.header("Api-Version")).matches("1\\.\\d+");
            assertThat(ping.text()).isEqualTo("OK");
        }
    }

    @Test
    void aWrongKeyIsAReadableErrorNamingTheSetting() throws Exception {
        try (Bridge wrong = Bridge.start(bridgeSettings(Map.of("SOCKERLESS_BRIDGE_KEY", "not-the-key")))) {
            for (String[] command : List.of(
                    new String[] {"images"}, new String[] {"pull", registry.hostPort() + "/bridge/pullable:v1"})) {
                Result r = cli.run(wrong.port(), config, null, command);
                assertThat(r.exit()).isEqualTo(1);
                assertThat(r.err())
                        .contains("Error response from daemon: the app refused the function key")
                        .contains("SOCKERLESS_BRIDGE_KEY")
                        .doesNotContain("not-the-key")
                        .doesNotContain("Username");
            }
        }
    }

    @Test
    void anUnreachableAppIsAReadableError() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (Bridge nowhere =
                Bridge.start(bridgeSettings(Map.of("SOCKERLESS_BRIDGE_APP", "http://127.0.0.1:" + closed)))) {
            Result r = cli.run(nowhere.port(), config, null, "images");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err())
                    .contains("cannot reach the app at http://127.0.0.1:" + closed + " (SOCKERLESS_BRIDGE_APP)");
        }
    }

    @Test
    void aForeignHostHeaderIsRefused() throws Exception {
        try (RawHttp http = new RawHttp(bridge.port())) {
            RawHttp.Response r = http.send("GET /_ping HTTP/1.1\r\nHost: attacker.example:2375\r\n\r\n")
                    .read(false);
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
            assertThat(JSON.readTree(r.body()).path("message").asText()).contains("DNS rebinding");
        }
    }

    // ---- docker logs -f ----

    /** A created container whose execution is recorded as {@code status}; its job and execution names. */
    record Ran(String id, String job, String execution) {}

    Ran createdAndRunning(String name, String executionSuffix) throws Exception {
        String image = registry.hostPort() + "/bridge/pullable:v1";
        String id = docker("create", "--name", name, image, "sh", "-c", "echo")
                .ok()
                .lines()
                .get(0);
        String job = JSON.readTree(sockerless("GET", name + "/job", null))
                .path("name")
                .asText();
        Ran ran = new Ran(id, job, job + "-" + executionSuffix);
        execution(ran, "Running");
        return ran;
    }

    /** Calls the app's own routes through the bridge (which adds the key). */
    static String sockerless(String method, String path, String body) throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                        "http://127.0.0.1:" + bridge.port() + "/sockerless/v1/containers/" + path))
                                .method(
                                        method,
                                        body == null
                                                ? java.net.http.HttpRequest.BodyPublishers.noBody()
                                                : java.net.http.HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isBetween(200, 204);
        return r.body();
    }

    static void execution(Ran ran, String status) throws Exception {
        sockerless(
                "PUT",
                ran.id() + "/execution",
                "{\"executionName\":\"" + ran.execution() + "\",\"status\":\"" + status + "\"}");
    }

    static void row(Ran ran, java.time.Instant at, String stream, String text) {
        logAnalytics.add(
                LogAnalyticsStandIn.RESOURCE,
                Map.of(
                        "TimeGenerated",
                        at,
                        "JobName",
                        ran.job(),
                        "ContainerGroupName",
                        ran.execution() + "-r0001",
                        "ContainerName",
                        ran.job(),
                        "Stream",
                        stream,
                        "Log",
                        text));
    }

    /** A running CLI whose stdout lines are collected as they are printed. */
    static final class Streaming implements AutoCloseable {
        final Process process;
        final java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        final StringBuffer err = new StringBuffer();

        Streaming(ProcessBuilder pb) throws IOException {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            process = pb.start();
            drain(process.getInputStream(), lines::add);
            drain(process.getErrorStream(), l -> err.append(l).append('\n'));
        }

        private static void drain(java.io.InputStream in, java.util.function.Consumer<String> sink) {
            Thread t = new Thread(
                    () -> {
                        try (java.io.BufferedReader r = new java.io.BufferedReader(
                                new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8))) {
                            String l;
                            while ((l = r.readLine()) != null) {
                                sink.accept(l);
                            }
                        } catch (IOException ignored) {
                            // ended
                        }
                    },
                    "cli-output");
            t.setDaemon(true);
            t.start();
        }

        String next(int seconds) throws InterruptedException {
            String l = lines.poll(seconds, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(l).as("a line within %d s (stderr: %s)", seconds, err).isNotNull();
            return l;
        }

        int exit(int seconds) throws InterruptedException {
            assertThat(process.waitFor(seconds, java.util.concurrent.TimeUnit.SECONDS))
                    .as("the CLI ended within %d s (stderr: %s)", seconds, err)
                    .isTrue();
            return process.exitValue();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    @Test
    void logsFollowPrintsLinesAsTheyArriveAndEndsWithTheExecution() throws Exception {
        Ran ran = createdAndRunning("follow-bridge", "f0110w1");
        java.time.Instant t = java.time.Instant.now().minusSeconds(60);
        row(ran, t, "stdout", "first");

        try (Streaming logs = new Streaming(cli.command(bridge.port(), config, "logs", "-f", "follow-bridge"))) {
            assertThat(logs.next(20)).isEqualTo("first");
            row(ran, t.plusSeconds(1), "stdout", "second"); // written while the CLI runs
            assertThat(logs.next(20)).isEqualTo("second");
            assertThat(logs.process.isAlive()).as("still following").isTrue();
            row(ran, t.plusSeconds(2), "stderr", "third");
            execution(ran, "Succeeded");
            assertThat(logs.exit(30)).isZero();
            assertThat(logs.lines).isEmpty();
            assertThat(logs.err.toString()).isEqualTo("third\n");
        }
    }

    @Test
    void aFollowerThatGoesAwayStopsTheLoop() throws Exception {
        try (dev.sockerless.aca.testing.CountingProxy counting =
                        new dev.sockerless.aca.testing.CountingProxy("http://127.0.0.1:" + host.port());
                Bridge counted = Bridge.start(
                        bridgeSettings(Map.of("SOCKERLESS_BRIDGE_APP", "http://" + counting.hostPort())))) {
            Ran ran = createdAndRunning("gone-bridge", "g0n3b1d");
            row(ran, java.time.Instant.now().minusSeconds(30), "stdout", "only");
            try (Streaming logs = new Streaming(cli.command(counted.port(), config, "logs", "-f", "gone-bridge"))) {
                assertThat(logs.next(20)).isEqualTo("only");
                Thread.sleep(2500); // at least one more long poll
                logs.process.destroy(); // Ctrl-C
                logs.exit(10);
            }
            Thread.sleep(3000); // a pending long poll (2 s) finishes
            long before = followCalls(counting);
            Thread.sleep(4000);
            assertThat(followCalls(counting))
                    .as("no follow call after the client left")
                    .isEqualTo(before);
            assertThat(before).isGreaterThanOrEqualTo(2);
        }
    }

    static long followCalls(dev.sockerless.aca.testing.CountingProxy proxy) {
        return proxy.exchanges().stream()
                .filter(e -> e.path().contains("/logs?"))
                .count();
    }

    // ---- docker load ----

    static TestImage imageWithLayer(String name, int bytes) {
        String content = new java.util.Random(name.hashCode())
                .ints(bytes, 33, 127)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return TestImages.labelled(
                Format.OCI, Platform.LINUX_AMD64, name, TestImages.layer(Format.OCI, "app/data", content));
    }

    Result load(TestImage image, String name) throws Exception {
        byte[] archive = dev.sockerless.aca.testing.TestArchives.docker25(
                image, List.of("docker.io/library/" + name), List.of(name));
        Path file = Files.write(temp.resolve(name.replace(':', '_') + ".tar"), archive);
        System.out.println(name + ": archive of " + archive.length + " bytes (limit " + LIMIT + ")");
        return docker("load", "-i", file.toString());
    }

    @Test
    void loadOfASmallArchiveGoesInTheRequest() throws Exception {
        TestImage small = imageWithLayer("small-load", 10_000);
        Result r = load(small, "bridge-small:v1").ok();
        assertThat(r.out().trim()).isEqualTo("Loaded image: bridge-small:v1");
        assertThat(docker("image", "inspect", "--format", "{{.Id}}", "bridge-small:v1")
                        .ok()
                        .out()
                        .trim())
                .isEqualTo(small.config().digest());
    }

    @Test
    void loadAboveTheRequestLimitGoesThroughBlobStorageAndLeavesNoBlob() throws Exception {
        TestImage large = imageWithLayer("large-load", 600_000);
        Result r = load(large, "bridge-large:v1").ok();
        assertThat(r.out().trim()).isEqualTo("Loaded image: bridge-large:v1");
        assertThat(docker("image", "inspect", "--format", "{{.Id}}", "bridge-large:v1")
                        .ok()
                        .out()
                        .trim())
                .isEqualTo(large.config().digest());
        com.azure.storage.blob.BlobContainerClient container = new com.azure.storage.blob.BlobContainerClientBuilder()
                .connectionString(SharedServices.azurite().connectionString())
                .endpoint(uploads())
                .buildClient();
        assertThat(container.exists()).as("the bridge uploaded there").isTrue();
        assertThat(container.listBlobs().stream().map(b -> b.getName()).toList())
                .as("blobs left")
                .isEmpty();
    }

    @Test
    void loadAboveTheLimitWithoutAnUploadContainerSaysWhatToSet() throws Exception {
        Map<String, String> noUpload = new HashMap<>();
        noUpload.put("SOCKERLESS_BRIDGE_UPLOAD_URL", "");
        noUpload.put("SOCKERLESS_BRIDGE_UPLOAD_CONNECTION", "");
        try (Bridge plain = Bridge.start(bridgeSettings(noUpload))) {
            byte[] archive = dev.sockerless.aca.testing.TestArchives.docker25(
                    imageWithLayer("refused-load", 600_000),
                    List.of("docker.io/library/bridge-refused:v1"),
                    List.of("bridge-refused:v1"));
            Path file = Files.write(temp.resolve("refused.tar"), archive);
            Result r = cli.run(plain.port(), config, null, "load", "-i", file.toString());
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err())
                    .contains("larger than the Functions request limit of " + LIMIT + " bytes")
                    .contains("SOCKERLESS_BRIDGE_UPLOAD_URL");
        }
    }

    // ---- docker run, wait ----

    static <T> T await(java.util.function.Supplier<java.util.Optional<T>> probe, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            java.util.Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError(what + " within 30 s");
    }

    /** The job of container {@code name} and its first execution, once the CLI started it. */
    static Ran started(String name) throws InterruptedException {
        String job = await(
                () -> arm.jobs().jobs().stream()
                        .map(j -> j.name())
                        .filter(n -> n.startsWith("sl-" + name + "-"))
                        .findFirst(),
                "the job of " + name);
        String execution =
                await(() -> arm.jobs().executions(job).stream().map(e -> e.name).findFirst(), "an execution of " + job);
        return new Ran(null, job, execution);
    }

    static void exitCode(Ran ran, int code) {
        logAnalytics.add(
                LogAnalyticsStandIn.SYSTEM,
                Map.of(
                        "TimeGenerated",
                        java.time.Instant.now(),
                        "JobName",
                        ran.job(),
                        "Reason",
                        "ContainerTerminated",
                        "ReplicaName",
                        ran.execution() + "-r0001",
                        "ContainerName",
                        ran.job(),
                        "Log",
                        "Container '" + ran.job() + "' was terminated with exit code '" + code + "'"));
    }

    @Test
    void runRemovePrintsTheOutputExitsWithTheContainersCodeAndRemovesIt() throws Exception {
        String image = registry.hostPort() + "/bridge/pullable:v1";
        docker("pull", image).ok();
        Ran ran;
        try (Streaming run = new Streaming(cli.command(
                bridge.port(),
                config,
                "run",
                "--rm",
                "--name",
                "rm-bridge",
                image,
                "sh",
                "-c",
                "echo hi; echo oops >&2; exit 3"))) {
            ran = started("rm-bridge");
            java.time.Instant t = java.time.Instant.now();
            row(ran, t, "stdout", "hi");
            row(ran, t.plusMillis(1), "stderr", "oops");
            assertThat(run.next(20)).isEqualTo("hi");
            assertThat(run.process.isAlive()).as("attached while the job runs").isTrue();
            exitCode(ran, 3);
            arm.jobs().finish(ran.execution(), "Failed");
            // a line Log Analytics shows after the exit still reaches the attached CLI: the container stays until then
            row(ran, t.plusMillis(2), "stdout", "late");
            assertThat(run.next(20)).isEqualTo("late");
            assertThat(run.exit(30)).as("the container's exit code").isEqualTo(3);
            assertThat(run.lines).isEmpty();
            assertThat(run.err.toString()).isEqualTo("oops\n");
        }
        Result gone = docker("container", "inspect", "rm-bridge");
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).contains("No such container: rm-bridge");
        assertThat(arm.jobs().job(ran.job())).as("--rm deleted the job").isEmpty();
    }

    @Test
    void runWithoutRemoveKeepsTheContainerAndWaitOutlastsTheAppsBudget() throws Exception {
        String image = registry.hostPort() + "/bridge/pullable:v1";
        docker("pull", image).ok();
        try (Streaming run = new Streaming(
                cli.command(bridge.port(), config, "run", "--name", "keep-bridge", image, "sh", "-c", "echo kept"))) {
            Ran ran = started("keep-bridge");
            row(ran, java.time.Instant.now(), "stdout", "kept");
            assertThat(run.next(20)).isEqualTo("kept");
            Thread.sleep(2500); // longer than the app's wait budget (SOCKERLESS_WAIT_SECONDS = 1)
            arm.jobs().finish(ran.execution(), "Succeeded");
            assertThat(run.exit(30)).isZero();
        }
        assertThat(docker("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "keep-bridge")
                        .ok()
                        .out()
                        .trim())
                .isEqualTo("exited 0");
        docker("rm", "keep-bridge").ok();
    }

    @Test
    void dockerWaitBlocksUntilTheExit() throws Exception {
        String image = registry.hostPort() + "/bridge/pullable:v1";
        docker("pull", image).ok();
        docker("run", "-d", "--name", "wait-bridge", image, "sleep", "1000").ok();
        Ran ran = started("wait-bridge");
        try (Streaming wait = new Streaming(cli.command(bridge.port(), config, "wait", "wait-bridge"))) {
            Thread.sleep(2500); // the app alone answers "still running: wait again" after 1 s
            assertThat(wait.process.isAlive()).isTrue();
            exitCode(ran, 7);
            arm.jobs().finish(ran.execution(), "Failed");
            assertThat(wait.next(20)).isEqualTo("7");
            assertThat(wait.exit(10)).isZero();
        }
        docker("rm", "wait-bridge").ok();
    }

    @Test
    void interactiveRunIsRefusedNamingTheAgentsAttach() throws Exception {
        String image = registry.hostPort() + "/bridge/pullable:v1";
        docker("pull", image).ok();
        Result r = docker("run", "-i", "--rm", image, "sh");
        assertThat(r.exit()).isEqualTo(125);
        assertThat(r.err())
                .contains("need the sockerless agent's exec/attach, which is not available through the bridge yet");
    }

    @Test
    void runWithATerminalGetsTheRawStream() throws Exception {
        String image = registry.hostPort() + "/bridge/pullable:v1";
        docker("pull", image).ok();
        try (Streaming run = new Streaming(cli.command(
                bridge.port(),
                config,
                "run",
                "-t",
                "--rm",
                "--name",
                "tty-bridge",
                image,
                "sh",
                "-c",
                "echo on a tty"))) {
            Ran ran = started("tty-bridge");
            row(ran, java.time.Instant.now(), "stdout", "on a tty");
            assertThat(run.next(20)).as("raw bytes, no stdcopy headers").isEqualTo("on a tty");
            arm.jobs().finish(ran.execution(), "Succeeded");
            assertThat(run.exit(30)).isZero();
        }
    }
}
