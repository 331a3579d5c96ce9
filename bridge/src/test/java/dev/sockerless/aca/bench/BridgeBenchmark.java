package dev.sockerless.aca.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.azurite.Azurite;
import dev.sockerless.aca.bridge.Bridge;
import dev.sockerless.aca.bridge.BridgeSettings;
import dev.sockerless.aca.localhost.LocalHost;
import dev.sockerless.aca.testing.DockerCli;
import dev.sockerless.aca.testing.LogAnalyticsStandIn;
import dev.sockerless.aca.testing.RegistryPusher;
import dev.sockerless.aca.testing.RegistryServer;
import dev.sockerless.aca.testing.TestImages;
import dev.sockerless.aca.testing.TestImages.Format;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The bridge's cost ({@code make bench}, after the localhost module's {@code Benchmark}): warm pull and image inspect through the bridge next
 * to the same call straight to the local host (function keys enforced, the bridge adds its key), and the delay from a
 * line becoming queryable in Log Analytics to {@code docker logs -f} printing it through the bridge, with the app's
 * default follow timing (poll 2 s, long-poll 20 s).
 */
public final class BridgeBenchmark {

    private static final int RUNS = 60;
    private static final String KEY = "bench-key";
    private static final String WORKSPACE = "11111111-2222-3333-4444-555555555555";

    private BridgeBenchmark() {}

    public static void main(String[] args) throws Exception {
        LocalHost.noDelay(); // before the JVM's first HTTP server, as the local host's main does
        Path keys = Files.writeString(
                Files.createTempFile("bench-keys", ".json"),
                "{\"masterKey\":\"m\",\"functionKeys\":{\"default\":\"" + KEY + "\"}}");
        try (RegistryServer registry = RegistryServer.anonymous();
                LogAnalyticsStandIn logAnalytics = new LogAnalyticsStandIn(WORKSPACE);
                dev.sockerless.aca.testing.ArmStandIn arm = new dev.sockerless.aca.testing.ArmStandIn(
                        java.time.Clock.systemUTC(), dev.sockerless.aca.testing.ArmStandIn.Auth.NONE);
                Azurite azurite = Azurite.inMemory()) {
            BridgeBenchmark.arm = arm;
            new RegistryPusher(registry.baseUrl())
                    .push("bench/single", "latest", TestImages.rich(Format.OCI, TestImages.Platform.LINUX_AMD64));
            System.setProperty("AzureWebJobsStorage", azurite.connectionString());
            System.setProperty("SOCKERLESS_INSECURE_REGISTRIES", registry.hostPort());
            System.setProperty(
                    "SOCKERLESS_ACA_ENVIRONMENT_ID",
                    "/subscriptions/00000000-0000-0000-0000-000000000000"
                            + "/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/env");
            System.setProperty("SOCKERLESS_ACA_LOCATION", "westeurope");
            System.setProperty("SOCKERLESS_ACA_ENVIRONMENT_TYPE", "consumption-only");
            System.setProperty("SOCKERLESS_LOG_ANALYTICS_ENDPOINT", logAnalytics.endpoint());
            System.setProperty("SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID", WORKSPACE);
            // containers run as executions of the strict ARM stand-in (inspect reads their state there)
            System.setProperty("SOCKERLESS_ARM_ENDPOINT", arm.plainEndpoint());
            try (LocalHost host = LocalHost.start(
                            new InetSocketAddress("127.0.0.1", 0),
                            LocalHost.DEFAULT_PACKAGE,
                            LocalHost.Options.fromSettings().withKeysFile(keys));
                    Bridge bridge = Bridge.start(BridgeSettings.from(Map.of(
                            "SOCKERLESS_BRIDGE_LISTEN",
                            "127.0.0.1:0",
                            "SOCKERLESS_BRIDGE_APP",
                            "http://127.0.0.1:" + host.port(),
                            "SOCKERLESS_BRIDGE_KEY",
                            KEY)))) {
                HttpClient http = HttpClient.newHttpClient();
                appPort = host.port();
                String direct = "http://127.0.0.1:" + host.port();
                String bridged = "http://127.0.0.1:" + bridge.port();
                String image = registry.hostPort() + "/bench/single";
                String pull = "/v1.51/images/create?fromImage=" + image + "&tag=latest";
                String inspect = "/v1.51/images/" + image + ":latest/json";
                call(http, direct + pull, "POST");
                System.out.println();
                System.out.println("| median over " + RUNS
                        + " runs | straight to the local host | through the bridge | overhead |");
                System.out.println("|---|---|---|---|");
                for (String[] c : new String[][] {{"warm pull", pull, "POST"}, {"image inspect", inspect, "GET"}}) {
                    for (int i = 0; i < RUNS / 3; i++) { // warm-up (JIT, connections), not counted
                        call(http, direct + c[1], c[2]);
                        call(http, bridged + c[1], c[2]);
                    }
                    List<Long> a = new ArrayList<>();
                    List<Long> b = new ArrayList<>();
                    for (int i = 0; i < RUNS; i++) { // interleaved: both see the same machine load
                        a.add(call(http, direct + c[1], c[2]));
                        b.add(call(http, bridged + c[1], c[2]));
                    }
                    double ma = medianMillis(a);
                    double mb = medianMillis(b);
                    System.out.printf("| %s | %.1f ms | %.1f ms | %+.1f ms |%n", c[0], ma, mb, mb - ma);
                }
                follow(http, bridged, bridge.port(), logAnalytics, image + ":latest");
            }
        } finally {
            Files.deleteIfExists(keys);
        }
        System.exit(0);
    }

    /** One call's wall time (ns), the key sent when straight to the host. */
    private static long call(HttpClient http, String url, String method) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("x-functions-key", KEY)
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        long t = System.nanoTime() - t0;
        if (r.statusCode() != 200 || r.body().contains("errorDetail")) {
            throw new IllegalStateException(method + " " + url + ": " + r.statusCode() + " " + r.body());
        }
        return t;
    }

    private static double medianMillis(List<Long> ns) {
        List<Long> sorted = new ArrayList<>(ns);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2) / 1e6;
    }

    /**
     * Lines added to Log Analytics while {@code docker logs -f} runs through the bridge, and at the same instants to a
     * second container read by a direct long-polling loop (the app's contract): seconds until printed / received.
     */
    private static void follow(HttpClient http, String bridged, int port, LogAnalyticsStandIn la, String image)
            throws Exception {
        String docker = DockerCli.find();
        if (docker == null) {
            System.out.println("\ndocker logs -f through the bridge: not measured (no docker CLI)");
            return;
        }
        String viaBridge = startedContainer(http, bridged, "bench-follow", image);
        String direct = startedContainer(http, bridged, "bench-direct", image);
        BlockingQueue<Long> received = new LinkedBlockingQueue<>();
        daemon(() -> {
            String cursor = null;
            while (true) {
                String query = cursor == null
                        ? "follow=1&stdout=1&stderr=1&tail=all"
                        : "follow=1&cursor=" + java.net.URLEncoder.encode(cursor, StandardCharsets.UTF_8);
                HttpResponse<byte[]> r = http.send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://127.0.0.1:" + appPort + "/v1.51/containers/bench-direct/logs?" + query))
                                .header("x-functions-key", KEY)
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (r.body().length > 0) {
                    received.add(System.nanoTime());
                }
                cursor = r.headers().firstValue("Sockerless-Logs-Cursor").orElseThrow();
            }
        });
        Thread.sleep(3000); // the direct reader first: it starts the app's follow poller
        Path config = Files.createTempDirectory("bench-docker-config");
        Process logs = new DockerCli(docker, config)
                .command(port, config, "logs", "-f", "bench-follow")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        BlockingQueue<String> printed = new LinkedBlockingQueue<>();
        daemon(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(logs.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    printed.add(l);
                }
            }
        });
        List<Double> bridgeDelays = new ArrayList<>();
        List<Double> directDelays = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                Thread.sleep(1000 + 700L * i); // lines at different points of the poll cycle
                long added = System.nanoTime();
                row(la, viaBridge, "line " + i);
                row(la, direct, "line " + i);
                String line = printed.poll(60, TimeUnit.SECONDS);
                if (!("line " + i).equals(line)) {
                    throw new IllegalStateException("docker logs -f printed " + line + " instead of line " + i);
                }
                bridgeDelays.add((System.nanoTime() - added) / 1e9);
                Long got = received.poll(60, TimeUnit.SECONDS);
                directDelays.add(got == null ? Double.NaN : (got - added) / 1e9);
            }
        } finally {
            logs.destroy();
        }
        System.out.printf(
                "%ndelay from a line being queryable to its delivery (the app's poll interval 2 s), 5 lines:%n"
                        + "| reader | median | each |%n|---|---|---|%n| docker logs -f through the bridge | %.1f s | %s |%n"
                        + "| direct long-polling loop, same instants | %.1f s | %s |%n",
                median(bridgeDelays), seconds(bridgeDelays), median(directDelays), seconds(directDelays));
    }

    private static dev.sockerless.aca.testing.ArmStandIn arm;
    /** The local host's port, for the direct reader. */
    private static int appPort;

    private interface Body {
        void run() throws Exception;
    }

    private static void daemon(Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Exception ignored) {
                // the benchmark ended
            }
        });
        t.setDaemon(true);
        t.start();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    private static List<String> seconds(List<Double> values) {
        return values.stream().map(d -> String.format("%.1f", d)).toList();
    }

    /** A line of {@code container} ({@code job|execution}). */
    private static void row(LogAnalyticsStandIn la, String container, String text) {
        String job = container.substring(0, container.indexOf('|'));
        String execution = container.substring(container.indexOf('|') + 1);
        la.add(
                LogAnalyticsStandIn.RESOURCE,
                Map.of(
                        "TimeGenerated",
                        Instant.now(),
                        "JobName",
                        job,
                        "ContainerGroupName",
                        execution + "-abcde",
                        "ContainerName",
                        job,
                        "Stream",
                        "stdout",
                        "Log",
                        text));
    }

    /** A created and started container (an execution of the ARM stand-in); its execution's name. */
    private static String startedContainer(HttpClient http, String bridged, String name, String image)
            throws Exception {
        HttpResponse<String> created = http.send(
                HttpRequest.newBuilder(URI.create(bridged + "/v1.51/containers/create?name=" + name))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"Image\":\"" + image + "\",\"Cmd\":[\"true\"]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("create failed: " + created.body());
        }
        HttpResponse<String> started = http.send(
                HttpRequest.newBuilder(URI.create(bridged + "/v1.51/containers/" + name + "/start"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (started.statusCode() != 204) {
            throw new IllegalStateException("start failed: " + started.body());
        }
        String job = new ObjectMapper()
                .readTree(http.send(
                                HttpRequest.newBuilder(
                                                URI.create(bridged + "/sockerless/v1/containers/" + name + "/job"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body())
                .path("name")
                .asText();
        return job + "|" + arm.jobs().executions(job).get(0).name;
    }
}
