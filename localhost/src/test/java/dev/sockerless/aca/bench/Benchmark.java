package dev.sockerless.aca.bench;

import dev.sockerless.aca.localhost.LocalHost;
import dev.sockerless.aca.testing.Azurite;
import dev.sockerless.aca.testing.CountingProxy;
import dev.sockerless.aca.testing.RegistryPusher;
import dev.sockerless.aca.testing.RegistryServer;
import dev.sockerless.aca.testing.TestImages;
import dev.sockerless.aca.testing.TestImages.Format;
import dev.sockerless.aca.testing.TokenServer;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code make bench}: registry requests per pull (cold single-platform, cold multi-platform, repeat of an unchanged
 * tag) through the local host against a token-auth registry posing as Docker Hub, next to skopeo's
 * {@code inspect --config} of the same images, the wall time of a warm pull, and the throughput of a
 * {@code docker load} of a large archive into the staging registry next to {@code skopeo copy docker-archive:} into
 * the same registry, with the requests of a repeated load and the peak heap. Prints Markdown tables. Not a test:
 * figures are recorded, not asserted.
 */
public final class Benchmark {

    private static final int WARM_RUNS = 30;
    private static final String WORKSPACE = "11111111-2222-3333-4444-555555555555";
    private static final int LOG_LINES = 100_000;
    private static final int PS_CONTAINERS = 50;
    /** Layers of incompressible bytes: 4 × 56 MiB ≈ 224 MiB of archive. */
    private static final int LOAD_LAYERS = 4;
    private static final int LOAD_LAYER_BYTES = 56 << 20;

    public static void main(String[] args) throws Exception {
        try (TokenServer tokens = TokenServer.builder().service("registry.docker.io").issuer("auth.docker.io")
                .user("bench", "bench").start();
             RegistryServer registry = RegistryServer.tokenAuth(tokens);
             CountingProxy proxy = new CountingProxy(registry.baseUrl());
             RegistryServer stagingRegistry = RegistryServer.anonymous();
             dev.sockerless.aca.testing.LogAnalyticsStandIn logAnalytics =
                     new dev.sockerless.aca.testing.LogAnalyticsStandIn(WORKSPACE);
             CountingProxy staging = new CountingProxy(stagingRegistry.baseUrl());
             dev.sockerless.aca.testing.ArmStandIn arm = new dev.sockerless.aca.testing.ArmStandIn(
                     java.time.Clock.systemUTC(), dev.sockerless.aca.testing.ArmStandIn.Auth.NONE);
             Azurite azurite = new Azurite();
             CountingProxy tables = new CountingProxy("http://127.0.0.1:" + azurite.tablePort())) {
            RegistryPusher push = new RegistryPusher(registry.baseUrl(), "bench", "bench");
            push.push("library/single", "latest", TestImages.rich(Format.OCI, TestImages.Platform.LINUX_AMD64));
            push.push("library/multi", "latest", TestImages.multiArch(Format.DOCKER, true,
                    TestImages.Platform.LINUX_AMD64, TestImages.Platform.LINUX_ARM64));

            // the state tables through a counting proxy: Table Storage transactions of the follow readers
            System.setProperty("AzureWebJobsStorage", azurite.connectionString().replace(
                    "TableEndpoint=http://127.0.0.1:" + azurite.tablePort(), "TableEndpoint=" + tables.baseUrl()));
            System.setProperty("SOCKERLESS_REGISTRY_MIRRORS", "docker.io=" + proxy.baseUrl());
            System.setProperty("SOCKERLESS_STAGING_REGISTRY", staging.hostPort() + "/staging");
            // the archive is over Azure's default 100 MB: raised as an app setting of the same name would be
            System.setProperty("FUNCTIONS_REQUEST_BODY_SIZE_LIMIT", String.valueOf(1L << 30));
            System.setProperty("SOCKERLESS_INSECURE_REGISTRIES", staging.hostPort());
            System.setProperty("SOCKERLESS_ACA_ENVIRONMENT_ID", "/subscriptions/00000000-0000-0000-0000-000000000000"
                    + "/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/env");
            System.setProperty("SOCKERLESS_ACA_LOCATION", "westeurope"); // with the type: no ARM read of the environment
            System.setProperty("SOCKERLESS_ACA_ENVIRONMENT_TYPE", "consumption-only");
            System.setProperty("SOCKERLESS_LOG_ANALYTICS_ENDPOINT", logAnalytics.endpoint());
            System.setProperty("SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID", WORKSPACE);
            System.setProperty("SOCKERLESS_FOLLOW_WAIT_SECONDS", "1");
            System.setProperty("SOCKERLESS_ARM_ENDPOINT", arm.plainEndpoint());
            try (LocalHost host = LocalHost.start(new InetSocketAddress("127.0.0.1", 0), "dev.sockerless.aca.functions")) {
                HttpClient http = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + host.port();
                List<String[]> rows = new ArrayList<>();
                boolean onlyLifecycle = args.length > 0 && args[0].equals("lifecycle");
                if (args.length > 0 && args[0].equals("follow")) { // `... Benchmark follow`: the follow figures only
                    pull(http, base, "single");
                    follow(http, base, logAnalytics);
                    followReaders(http, base, logAnalytics, tables);
                    System.exit(0);
                }
                if (onlyLifecycle) { // `... Benchmark lifecycle`: the ARM request counts only
                    pull(http, base, "single");
                    lifecycle(http, base, arm);
                    System.exit(0);
                }

                resetPeakHeap();
                int[] cold = measure(http, base, "single", proxy, tokens);
                rows.add(row("cold pull, single platform", cold, skopeo(proxy, tokens, "single")));
                int[] coldMulti = measure(http, base, "multi", proxy, tokens);
                rows.add(row("cold pull, multi platform", coldMulti, skopeo(proxy, tokens, "multi")));
                int[] repeat = measure(http, base, "single", proxy, tokens);
                rows.add(row("repeat pull, unchanged tag (token cached)", repeat, "n/a"));

                List<Long> times = new ArrayList<>();
                for (int i = 0; i < WARM_RUNS; i++) {
                    long t0 = System.nanoTime();
                    pull(http, base, "single");
                    times.add(System.nanoTime() - t0);
                }
                Collections.sort(times);
                System.out.println();
                System.out.println("| pull | registry requests (+ token) | skopeo inspect --config |");
                System.out.println("|---|---|---|");
                rows.forEach(r -> System.out.println("| " + String.join(" | ", r) + " |"));
                System.out.printf("%nwarm pull through the local host: median %.1f ms, p90 %.1f ms over %d runs "
                                + "(java %s, %d cores)%n", times.get(times.size() / 2) / 1e6,
                        times.get(times.size() * 9 / 10) / 1e6, WARM_RUNS, System.getProperty("java.version"),
                        Runtime.getRuntime().availableProcessors());
                System.out.printf("peak heap during the pulls (whole JVM): %d MB%n", peakHeap() >> 20);
                load(http, base, staging);
                logs(http, base, logAnalytics);
                follow(http, base, logAnalytics);
                followReaders(http, base, logAnalytics, tables);
                lifecycle(http, base, arm);
                coldStart(azurite.connectionString());
            }
        }
        System.exit(0);
    }

    /** A load as the Functions host hands one over whole: application/octet-stream with a Content-Length. */
    private static HttpResponse<String> postLoad(HttpClient http, String base, byte[] archive) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/v1.51/images/load?quiet=1"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(archive)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Load throughput through the local host next to skopeo copy, repeated-load requests and peak heap. */
    private static void load(HttpClient http, String base, CountingProxy proxy) throws Exception {
        java.util.Random random = new java.util.Random(42);
        List<TestImages.Layer> layers = new ArrayList<>();
        for (int i = 0; i < LOAD_LAYERS; i++) {
            byte[] data = new byte[LOAD_LAYER_BYTES];
            random.nextBytes(data);
            layers.add(TestImages.layer(Format.DOCKER, java.util.Map.of("data/" + i + ".bin", data)));
        }
        dev.sockerless.aca.testing.TestImage image = TestImages.image(Format.DOCKER, TestImages.Platform.LINUX_AMD64,
                c -> c.cmd("/bin/true"), layers);
        byte[] archive = dev.sockerless.aca.testing.TestArchives.legacy(image, List.of("bench/big:v1"));
        layers.clear();
        double mb = archive.length / 1e6;

        proxy.reset();
        resetPeakHeap();
        long t0 = System.nanoTime();
        HttpResponse<String> r = postLoad(http, base, archive);
        double ours = (System.nanoTime() - t0) / 1e9;
        long peak = peakHeap();
        if (r.statusCode() != 200 || !r.body().contains("Loaded image")) {
            throw new IllegalStateException("load failed: " + r.statusCode() + " " + r.body());
        }
        proxy.reset();
        long t1 = System.nanoTime();
        HttpResponse<String> again = postLoad(http, base, archive);
        if (again.statusCode() != 200) {
            throw new IllegalStateException("repeated load failed: " + again.statusCode() + " " + again.body());
        }
        double repeat = (System.nanoTime() - t1) / 1e9;
        long uploads = proxy.exchanges().stream().filter(e -> !e.method().equals("HEAD") && !e.method().equals("GET")
                && e.path().contains("/blobs/")).count();
        int repeatRequests = proxy.requestCount();

        String skopeo = "not installed";
        if (Files.isExecutable(Path.of("/usr/bin/skopeo"))) {
            Path file = Files.createTempFile("bench", ".tar");
            try {
                Files.write(file, archive);
                long t2 = System.nanoTime();
                Process p = new ProcessBuilder("/usr/bin/skopeo", "copy", "--dest-tls-verify=false",
                        "docker-archive:" + file, "docker://" + proxy.hostPort() + "/skopeo/big:v1")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                boolean done = p.waitFor(600, TimeUnit.SECONDS);
                double secs = (System.nanoTime() - t2) / 1e9;
                skopeo = done && p.exitValue() == 0 ? String.format("%.1f MB/s (%.1f s)", mb / secs, secs) : "failed";
            } finally {
                Files.deleteIfExists(file);
            }
        }
        System.out.println();
        System.out.printf("| load of a %.0f MB docker save archive | sockerless (local host) | skopeo copy |%n", mb);
        System.out.println("|---|---|---|");
        System.out.printf("| throughput, cold | %.1f MB/s (%.1f s) | %s |%n", mb / ours, ours, skopeo);
        System.out.printf("| repeated load | %.1f s, %d requests, %d blob uploads | n/a |%n", repeat, repeatRequests, uploads);
        System.out.printf("| peak heap during the load (whole JVM, incl. the client's copy of the archive) | %d MB | n/a |%n",
                peak >> 20);
    }

    /** Framing throughput of the core, and {@code docker logs} of 100,000 lines end to end through the local host. */
    private static void logs(HttpClient http, String base, dev.sockerless.aca.testing.LogAnalyticsStandIn la)
            throws Exception {
        byte[] line = "a log line of eighty bytes, which is about what a service prints per line ......\n"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long framed = 0;
        long t0 = System.nanoTime();
        for (int round = 0; round < 20; round++) {
            dev.sockerless.aca.logs.MultiplexedStreamWriter writer =
                    new dev.sockerless.aca.logs.MultiplexedStreamWriter(false, Long.MAX_VALUE);
            for (int i = 0; i < LOG_LINES; i++) {
                writer.write(dev.sockerless.aca.logs.StreamType.STDOUT, line);
            }
            framed += writer.toByteArray().length;
        }
        double framing = framed / 1e6 / ((System.nanoTime() - t0) / 1e9);

        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base
                        + "/v1.51/containers/create?name=bench-logs")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"Image\":\"single\",\"Cmd\":[\"true\"]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("create failed: " + created.body());
        }
        String sockerless = base + "/sockerless/v1/containers/bench-logs/";
        String job = new com.fasterxml.jackson.databind.ObjectMapper().readTree(http.send(HttpRequest.newBuilder(
                URI.create(sockerless + "job")).build(), HttpResponse.BodyHandlers.ofString()).body()).path("name").asText();
        http.send(HttpRequest.newBuilder(URI.create(sockerless + "execution")).PUT(HttpRequest.BodyPublishers.ofString(
                "{\"executionName\":\"" + job + "-bench01\",\"status\":\"Succeeded\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        java.time.Instant start = java.time.Instant.parse("2026-11-28T10:00:00Z");
        for (int i = 0; i < LOG_LINES; i++) {
            la.add(dev.sockerless.aca.testing.LogAnalyticsStandIn.RESOURCE, java.util.Map.of("TimeGenerated",
                    start.plusMillis(i), "JobName", job, "ContainerGroupName", job + "-bench01-abcde", "ContainerName", job,
                    "Stream", i % 10 == 0 ? "stderr" : "stdout", "Log", "line " + i + " of the benchmark output"));
        }
        resetPeakHeap();
        long t1 = System.nanoTime();
        HttpResponse<byte[]> logs = http.send(HttpRequest.newBuilder(URI.create(base
                + "/v1.51/containers/bench-logs/logs?stdout=1&stderr=1&tail=all")).build(), HttpResponse.BodyHandlers.ofByteArray());
        double seconds = (System.nanoTime() - t1) / 1e9;
        long peak = peakHeap();
        if (logs.statusCode() != 200) {
            throw new IllegalStateException("logs failed: " + logs.statusCode());
        }
        System.out.println();
        System.out.println("| logs | figure |");
        System.out.println("|---|---|");
        System.out.printf("| stdcopy framing of 80-byte lines (core, in memory) | %.0f MB/s |%n", framing);
        System.out.printf("| docker logs of %,d lines through the local host (Log Analytics stand-in, %d pages) | %.2f s, %.1f MB body |%n",
                LOG_LINES, (LOG_LINES + 49_999) / 50_000, seconds, logs.body().length / 1e6);
        System.out.printf("| peak heap during that request (whole JVM, incl. the stand-in's rows) | %d MB |%n", peak >> 20);
    }

    /** Log Analytics queries per 30 s with 1, 10 and 50 more containers followed, and the delivery delay. */
    private static void follow(HttpClient http, String base, dev.sockerless.aca.testing.LogAnalyticsStandIn la)
            throws Exception {
        System.out.println();
        System.out.println("| follow: containers followed | Log Analytics queries per 30 s (measured over 10 s) |");
        System.out.println("|---|---|");
        int followed = 0;
        int serial = 0;
        for (int n : new int[]{1, 10, 50}) {
            for (int i = 0; i < n; i++) {
                String name = "follow-" + (++serial);
                String job = startedContainer(http, base, name);
                la.add(dev.sockerless.aca.testing.LogAnalyticsStandIn.RESOURCE, java.util.Map.of("TimeGenerated",
                        java.time.Instant.now(), "JobName", job, "ContainerGroupName", job + "-run0001-abcde",
                        "ContainerName", job, "Stream", "stdout", "Log", "hello"));
                followCall(http, base, name, null); // a reader: the container is followed from now on
            }
            followed += n;
            int before = la.received.size();
            Thread.sleep(10_000);
            System.out.printf("| %d | %d |%n", followed, (la.received.size() - before) * 3);
        }
        String name = "follow-delay";
        String job = startedContainer(http, base, name);
        String cursor = followCall(http, base, name, null).headers().firstValue("Sockerless-Logs-Cursor").orElseThrow();
        List<Double> delays = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long added = System.nanoTime();
            la.add(dev.sockerless.aca.testing.LogAnalyticsStandIn.RESOURCE, java.util.Map.of("TimeGenerated",
                    java.time.Instant.now(), "JobName", job, "ContainerGroupName", job + "-run0001-abcde",
                    "ContainerName", job, "Stream", "stdout", "Log", "line " + i));
            while (true) {
                HttpResponse<byte[]> r = followCall(http, base, name, cursor);
                cursor = r.headers().firstValue("Sockerless-Logs-Cursor").orElseThrow();
                if (r.body().length > 0) {
                    delays.add((System.nanoTime() - added) / 1e9);
                    break;
                }
            }
        }
        System.out.printf("%ndelay from a line being queryable to its delivery to a long-polling reader: %s s "
                + "(poll interval 2 s)%n", delays.stream().map(d -> String.format("%.1f", d)).toList());
    }

    /**
     * Long-poll readers waiting at once (1, 10, 50 containers, one reader each, no new lines): how far past the wait
     * ({@code SOCKERLESS_FOLLOW_WAIT_SECONDS}=1) their answers come (p50/p99/max), and the Table Storage
     * transactions per second of the whole process while they wait, counted at Azurite through a proxy (the poller's
     * own writes included).
     */
    private static void followReaders(HttpClient http, String base, dev.sockerless.aca.testing.LogAnalyticsStandIn la,
                                      CountingProxy tables) throws Exception {
        System.out.println();
        System.out.println("| follow readers waiting at once | answers past the 1 s wait: p50 / p99 / max"
                + " | Table transactions per second (the watermark's; the others per long-poll answer) |");
        System.out.println("|---|---|---|");
        int serial = 0;
        for (int n : new int[]{1, 10, 50}) {
            List<String> names = new ArrayList<>();
            List<String> cursors = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = "reader-" + n + "-" + (++serial);
                String job = startedContainer(http, base, name);
                la.add(dev.sockerless.aca.testing.LogAnalyticsStandIn.RESOURCE, java.util.Map.of("TimeGenerated",
                        java.time.Instant.now(), "JobName", job, "ContainerGroupName", job + "-run0001-abcde",
                        "ContainerName", job, "Stream", "stdout", "Log", "hello"));
                names.add(name);
                cursors.add(followCall(http, base, name, null).headers().firstValue("Sockerless-Logs-Cursor").orElseThrow());
            }
            Thread.sleep(5_000); // the poller delivers "hello" to the cache
            for (int i = 0; i < n; i++) { // each reader takes its line: from now on it waits
                HttpResponse<byte[]> r;
                do {
                    r = followCall(http, base, names.get(i), cursors.get(i));
                    cursors.set(i, r.headers().firstValue("Sockerless-Logs-Cursor").orElseThrow());
                } while (r.body().length == 0);
            }
            List<Long> overruns = java.util.Collections.synchronizedList(new ArrayList<>());
            long end = System.nanoTime() + 20_000_000_000L;
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
            tables.reset();
            long t0 = System.nanoTime();
            List<java.util.concurrent.Future<?>> loops = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int reader = i;
                loops.add(pool.submit(() -> {
                    String cursor = cursors.get(reader);
                    while (System.nanoTime() < end) {
                        long c0 = System.nanoTime();
                        HttpResponse<byte[]> r = followCall(http, base, names.get(reader), cursor);
                        long took = System.nanoTime() - c0;
                        cursor = r.headers().firstValue("Sockerless-Logs-Cursor").orElse(cursor);
                        if (r.body().length == 0) {
                            overruns.add(took - 1_000_000_000L);
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : loops) {
                f.get();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            int transactions = tables.requestCount();
            long watermark = tables.exchanges().stream().filter(e -> e.path().contains("_marks")).count();
            pool.shutdown();
            List<Long> sorted = new ArrayList<>(overruns);
            Collections.sort(sorted);
            System.out.printf("| %d | %.2f / %.2f / %.2f s (%d answers) | %.1f (watermark %.1f; %.1f per answer) |%n",
                    n, sorted.get(sorted.size() / 2) / 1e9,
                    sorted.get(Math.min(sorted.size() - 1, sorted.size() * 99 / 100)) / 1e9,
                    sorted.get(sorted.size() - 1) / 1e9, sorted.size(), transactions / seconds, watermark / seconds,
                    (transactions - watermark) / (double) sorted.size());
        }
    }

    /**
     * ARM requests (counted at the strict ARM stand-in) per {@code docker run -d} — create, the CLI's early
     * {@code wait?condition=next-exit}, start — and per {@code docker ps -a} of {@value #PS_CONTAINERS} containers,
     * three in a row with their executions running, then after they finished.
     */
    private static void lifecycle(HttpClient http, String base, dev.sockerless.aca.testing.ArmStandIn arm)
            throws Exception {
        List<Long> runArm = new ArrayList<>();
        List<Long> runTimes = new ArrayList<>();
        for (int i = 0; i < PS_CONTAINERS; i++) {
            String name = "bench-run-" + i;
            long before = arm.received.size();
            long t0 = System.nanoTime();
            expect(http, "POST", base + "/v1.51/containers/create?name=" + name, "{\"Image\":\"single\",\"Cmd\":[\"true\"]}", 201);
            expect(http, "POST", base + "/v1.51/containers/" + name + "/wait?condition=next-exit", null, 503);
            expect(http, "POST", base + "/v1.51/containers/" + name + "/start", null, 204);
            runTimes.add(System.nanoTime() - t0);
            runArm.add((long) arm.received.size() - before);
        }
        Thread.sleep(2_100); // the statuses the starts cached expire (SOCKERLESS_ARM_STATUS_CACHE_SECONDS = 2)
        long[] running = new long[3];
        double[] runningMs = new double[3];
        for (int i = 0; i < 3; i++) {
            long before = arm.received.size();
            long t0 = System.nanoTime();
            expect(http, "GET", base + "/v1.51/containers/json?all=1", null, 200);
            runningMs[i] = (System.nanoTime() - t0) / 1e6;
            running[i] = arm.received.size() - before;
        }
        arm.jobs().jobs().stream().filter(j -> j.name().startsWith("sl-bench-run-"))
                .flatMap(j -> arm.jobs().executions(j.name()).stream())
                .forEach(e -> arm.jobs().finish(e.name, "Succeeded"));
        Thread.sleep(2_100);
        long[] finished = new long[2];
        for (int i = 0; i < 2; i++) {
            long before = arm.received.size();
            expect(http, "GET", base + "/v1.51/containers/json?all=1", null, 200);
            finished[i] = arm.received.size() - before;
        }
        Collections.sort(runTimes);
        System.out.println();
        System.out.println("| containers on ACA jobs (strict ARM stand-in, plain http, LROs finished at once) | ARM requests |");
        System.out.println("|---|---|");
        System.out.printf("| docker run -d (create + early wait + start; median of %d: %.0f ms) | %s |%n", PS_CONTAINERS,
                runTimes.get(runTimes.size() / 2) / 1e6, runArm.stream().distinct().sorted().map(String::valueOf)
                        .collect(java.util.stream.Collectors.joining(", ")));
        System.out.printf("| docker ps -a of %d running containers, 3 in a row (%.0f / %.0f / %.0f ms) | %d / %d / %d |%n",
                PS_CONTAINERS, runningMs[0], runningMs[1], runningMs[2], running[0], running[1], running[2]);
        System.out.printf("| docker ps -a of the same %d after they finished, 2 in a row | %d / %d |%n", PS_CONTAINERS,
                finished[0], finished[1]);
    }

    private static void expect(HttpClient http, String method, String url, String json, int status) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (json != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != status) {
            throw new IllegalStateException(method + " " + url + ": " + r.statusCode() + " " + r.body());
        }
    }

    private static String startedContainer(HttpClient http, String base, String name) throws Exception {
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base + "/v1.51/containers/create?name="
                + name)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                "{\"Image\":\"single\",\"Cmd\":[\"true\"]}")).build(), HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("create failed: " + created.body());
        }
        String sockerless = base + "/sockerless/v1/containers/" + name + "/";
        String job = new com.fasterxml.jackson.databind.ObjectMapper().readTree(http.send(HttpRequest.newBuilder(
                URI.create(sockerless + "job")).build(), HttpResponse.BodyHandlers.ofString()).body()).path("name").asText();
        http.send(HttpRequest.newBuilder(URI.create(sockerless + "execution")).PUT(HttpRequest.BodyPublishers.ofString(
                "{\"executionName\":\"" + job + "-run0001\",\"status\":\"Running\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        return job;
    }

    private static HttpResponse<byte[]> followCall(HttpClient http, String base, String name, String cursor) throws Exception {
        String query = cursor == null ? "follow=1&stdout=1&stderr=1"
                : "follow=1&cursor=" + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8);
        return http.send(HttpRequest.newBuilder(URI.create(base + "/v1.51/containers/" + name + "/logs?" + query)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A new JVM serving the app: time to the first {@code /_ping} and to the first image inspect. */
    private static void coldStart(String storage) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.sockerless.aca.localhost.LocalHost");
        pb.environment().put("SOCKERLESS_LISTEN", "127.0.0.1:0");
        pb.environment().put("AzureWebJobsStorage", storage);
        pb.redirectErrorStream(true);
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
            String port = null;
            for (String line; port == null && (line = out.readLine()) != null; ) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)").matcher(line);
                if (m.find()) {
                    port = m.group(1);
                }
            }
            if (port == null) {
                throw new IllegalStateException("the local host did not start");
            }
            Thread drain = new Thread(() -> {
                try {
                    out.transferTo(java.io.Writer.nullWriter());
                } catch (java.io.IOException ignored) {
                    // the process ended
                }
            });
            drain.setDaemon(true);
            drain.start();
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + port;
            http.send(HttpRequest.newBuilder(URI.create(base + "/_ping")).build(), HttpResponse.BodyHandlers.ofString());
            double ping = (System.nanoTime() - t0) / 1e9;
            HttpResponse<String> inspect = http.send(HttpRequest.newBuilder(URI.create(base + "/v1.51/images/single/json"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            double first = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%n| cold start (new JVM) | seconds |%n|---|---|%n| JVM start to first /_ping | %.2f |%n"
                    + "| JVM start to first image inspect (status %d) | %.2f |%n", ping, inspect.statusCode(), first);
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void resetPeakHeap() {
        System.gc();
        for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static long peakHeap() {
        long sum = 0;
        for (java.lang.management.MemoryPoolMXBean pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static String[] row(String what, int[] counts, String skopeo) {
        return new String[]{what, (counts[0] + counts[1]) + " (" + counts[0] + " + " + counts[1] + ")", skopeo};
    }

    private static int[] measure(HttpClient http, String base, String repo, CountingProxy proxy, TokenServer tokens)
            throws Exception {
        proxy.reset();
        tokens.reset();
        pull(http, base, repo);
        return new int[]{proxy.requestCount(), tokens.requestCount()};
    }

    private static void pull(HttpClient http, String base, String repo) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base
                        + "/v1.51/images/create?fromImage=docker.io%2Flibrary%2F" + repo + "&tag=latest"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 || r.body().contains("errorDetail")) {
            throw new IllegalStateException("pull failed: " + r.statusCode() + " " + r.body());
        }
    }

    /** skopeo's requests for the same image (its own token handling), or why it was not measured. */
    private static String skopeo(CountingProxy proxy, TokenServer tokens, String repo) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/skopeo"))) {
            return "not installed";
        }
        proxy.reset();
        tokens.reset();
        Process p = new ProcessBuilder("/usr/bin/skopeo", "inspect", "--config", "--tls-verify=false",
                "docker://" + proxy.hostPort() + "/library/" + repo + ":latest")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            return "failed";
        }
        return (proxy.requestCount() + tokens.requestCount()) + " (" + proxy.requestCount() + " + " + tokens.requestCount() + ")";
    }
}
