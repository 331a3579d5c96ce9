package dev.sockerless.aca.bench;

import dev.sockerless.aca.azurite.Azurite;
import dev.sockerless.aca.localhost.LocalHost;
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
        LocalHost.noDelay(); // before the stand-ins make the JVM's first HTTP server, as the local host's main does
        try (TokenServer tokens = TokenServer.builder()
                        .service("registry.docker.io")
                        .issuer("auth.docker.io")
                        .user("bench", "bench")
                        .start();
                RegistryServer registry = RegistryServer.tokenAuth(tokens);
                CountingProxy proxy = new CountingProxy(registry.baseUrl());
                RegistryServer stagingRegistry = RegistryServer.anonymous();
                LogAnalyticsProcess logAnalytics = LogAnalyticsProcess.start(WORKSPACE);
                dev.sockerless.aca.testing.ArmStandIn arm = new dev.sockerless.aca.testing.ArmStandIn(
                        java.time.Clock.systemUTC(), dev.sockerless.aca.testing.ArmStandIn.Auth.NONE);
                Azurite azurite = Azurite.inMemory();
                CountingProxy tables = new CountingProxy("http://127.0.0.1:" + azurite.tablePort())) {
            RegistryPusher push = new RegistryPusher(registry.baseUrl(), "bench", "bench");
            push.push("library/single", "latest", TestImages.rich(Format.OCI, TestImages.Platform.LINUX_AMD64));
            push.push(
                    "library/multi",
                    "latest",
                    TestImages.multiArch(
                            Format.DOCKER, true, TestImages.Platform.LINUX_AMD64, TestImages.Platform.LINUX_ARM64));

            // the state tables through a counting proxy: Table Storage transactions of the follow readers
            System.setProperty(
                    "AzureWebJobsStorage",
                    azurite.connectionString()
                            .replace(
                                    "TableEndpoint=http://127.0.0.1:" + azurite.tablePort(),
                                    "TableEndpoint=" + tables.baseUrl()));
            System.setProperty("SOCKERLESS_REGISTRY_MIRRORS", "docker.io=" + proxy.baseUrl());
            // the app pushes straight to the staging registry, as skopeo does in the load row
            System.setProperty("SOCKERLESS_STAGING_REGISTRY", stagingRegistry.hostPort() + "/staging");
            // the archive is over Azure's default 100 MB: raised as an app setting of the same name would be
            System.setProperty("FUNCTIONS_REQUEST_BODY_SIZE_LIMIT", String.valueOf(1L << 30));
            System.setProperty("SOCKERLESS_INSECURE_REGISTRIES", stagingRegistry.hostPort());
            System.setProperty(
                    "SOCKERLESS_ACA_ENVIRONMENT_ID",
                    "/subscriptions/00000000-0000-0000-0000-000000000000"
                            + "/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/env");
            System.setProperty(
                    "SOCKERLESS_ACA_LOCATION", "westeurope"); // with the type: no ARM read of the environment
            System.setProperty("SOCKERLESS_ACA_ENVIRONMENT_TYPE", "consumption-only");
            System.setProperty("SOCKERLESS_LOG_ANALYTICS_ENDPOINT", logAnalytics.endpoint());
            System.setProperty("SOCKERLESS_LOG_ANALYTICS_WORKSPACE_ID", WORKSPACE);
            System.setProperty("SOCKERLESS_FOLLOW_WAIT_SECONDS", "1");
            System.setProperty("SOCKERLESS_ARM_ENDPOINT", arm.plainEndpoint());
            try (LocalHost host =
                    LocalHost.start(new InetSocketAddress("127.0.0.1", 0), "dev.sockerless.aca.functions")) {
                // the benchmark's client (the docker CLI's part) on threads of its own name, told apart from the app's
                HttpClient http = HttpClient.newBuilder()
                        .executor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
                            Thread t = new Thread(r, "bench-client");
                            t.setDaemon(true);
                            return t;
                        }))
                        .build();
                String base = "http://127.0.0.1:" + host.port();
                List<String[]> rows = new ArrayList<>();
                // `... Benchmark lifecycle|load|logs|pull|follow`: only those tables (several may be named); none: all
                java.util.Set<String> only = java.util.Set.of(args);
                if (!only.isEmpty()) {
                    pull(http, base, "single");
                    if (only.contains("pull")) {
                        overhead(http, base, host);
                    }
                    if (only.contains("load")) {
                        if (!Boolean.getBoolean("bench.skipGzipLevels")) { // the level table takes ~20 s
                            gzipLevels();
                        }
                        loadRows(stagingRegistry);
                    }
                    if (only.contains("logs")) {
                        logs(http, base, logAnalytics);
                    }
                    if (only.contains("follow")) {
                        follow(http, base, logAnalytics);
                        followReaders(http, base, logAnalytics, tables);
                    }
                    if (only.contains("lifecycle")) {
                        lifecycle(http, base, arm);
                    }
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
                System.out.printf(
                        "%nwarm pull through the local host: median %.1f ms, p90 %.1f ms over %d runs "
                                + "(java %s, %d cores)%n",
                        times.get(times.size() / 2) / 1e6,
                        times.get(times.size() * 9 / 10) / 1e6,
                        WARM_RUNS,
                        System.getProperty("java.version"),
                        Runtime.getRuntime().availableProcessors());
                System.out.printf("peak heap during the pulls (whole JVM): %d MB%n", peakHeap() >> 20);
                overhead(http, base, host);
                gzipLevels();
                loadRows(stagingRegistry);
                logs(http, base, logAnalytics);
                follow(http, base, logAnalytics);
                followReaders(http, base, logAnalytics, tables);
                lifecycle(http, base, arm);
                coldStart(azurite.connectionString());
            }
        }
        System.exit(0);
    }

    /**
     * The app's own cost of a warm pull and an inspect: each request {@value #OVERHEAD_RUNS} times through the local
     * host, next to the same request answered with the same body from a static file by a second local host serving
     * only {@code bench.statics.StaticFiles} (the Functions-style plumbing alone). Median and p99 in ms.
     */
    private static void overhead(HttpClient http, String base, LocalHost app) throws Exception {
        String pull = "/v1.51/images/create?fromImage=docker.io%2Flibrary%2Fsingle&tag=latest";
        String inspect = "/v1.51/images/single/json";
        System.out.println();
        System.out.println(
                "| warm request, " + OVERHEAD_RUNS + " runs | app: median / p99 ms | static file, same local "
                        + "host: median / p99 ms | app's own share of the median |");
        System.out.println("|---|---|---|---|");
        for (String[] request :
                new String[][] {{"POST", pull, "docker pull (unchanged tag)"}, {"GET", inspect, "docker image inspect"}
                }) {
            HttpRequest appRequest = HttpRequest.newBuilder(URI.create(base + request[1]))
                    .method(request[0], HttpRequest.BodyPublishers.noBody())
                    .build();
            byte[] body = http.send(appRequest, HttpResponse.BodyHandlers.ofByteArray())
                    .body();
            Path file = Files.createTempFile("bench", ".json");
            Files.write(file, body);
            System.setProperty("bench.static.file", file.toString());
            try (LocalHost statics =
                    LocalHost.start(new InetSocketAddress("127.0.0.1", 0), "dev.sockerless.aca.bench.statics")) {
                HttpRequest staticRequest = HttpRequest.newBuilder(URI.create(statics.url() + request[1]))
                        .method(request[0], HttpRequest.BodyPublishers.noBody())
                        .build();
                double[] ours = new double[OVERHEAD_RUNS];
                double[] plain = new double[OVERHEAD_RUNS];
                for (int i = -OVERHEAD_RUNS / 10; i < OVERHEAD_RUNS; i++) { // a tenth more, unmeasured, to warm up
                    double a = timed(http, appRequest);
                    double b = timed(http, staticRequest);
                    if (i >= 0) {
                        ours[i] = a;
                        plain[i] = b;
                    }
                }
                java.util.Arrays.sort(ours);
                java.util.Arrays.sort(plain);
                double p99 = OVERHEAD_RUNS * 99 / 100;
                System.out.printf(
                        "| %s (%d-byte reply) | %.2f / %.2f | %.2f / %.2f | %.2f ms |%n",
                        request[2],
                        body.length,
                        median(ours),
                        ours[(int) p99],
                        median(plain),
                        plain[(int) p99],
                        median(ours) - median(plain));
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    private static final int OVERHEAD_RUNS = 200;

    private static double timed(HttpClient http, HttpRequest request) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + ": " + r.statusCode());
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    /**
     * The load rows, against the app in a process of its own ({@link AppProcess}: the Functions Java worker's JVM
     * options and the app's), given this JVM's settings for it.
     */
    private static void loadRows(RegistryServer staging) throws Exception {
        java.util.Map<String, String> settings = new java.util.TreeMap<>();
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("SOCKERLESS_")
                        || name.equals("AzureWebJobsStorage")
                        || name.equals("FUNCTIONS_REQUEST_BODY_SIZE_LIMIT"))
                .forEach(name -> settings.put(name, System.getProperty(name)));
        try (AppProcess app = AppProcess.start(settings)) {
            System.out.printf("%nthe app's JVM options: %s%n", String.join(" ", AppProcess.jvmOptions()));
            load(app, staging);
            repeatedLoad(app);
        }
    }

    /** What curl (the client, a process of its own) did: wall s, user + sys s, the status and body it got. */
    private record Sent(double wall, double cpu, int status, String body) {}

    /**
     * A load as the Functions host hands one over whole: application/octet-stream with a Content-Length, sent by
     * {@code curl -T} from a file (no {@code Expect: 100-continue}, as the docker CLI sends none).
     */
    private static Sent postLoad(AppProcess app, Path archive, boolean quiet) throws Exception {
        Path body = Files.createTempFile("bench", ".body");
        try {
            Timed curl = timed(List.of(
                    "curl",
                    "-sS",
                    "-o",
                    body.toString(),
                    "-w",
                    "%{http_code}",
                    "-H",
                    "Content-Type: application/octet-stream",
                    "-H",
                    "Expect:",
                    "-X",
                    "POST",
                    "-T", // the file streamed, its size as Content-Length (--data-binary @ reads it all first)
                    archive.toString(),
                    app.base() + "/v1.51/images/load?quiet=" + (quiet ? 1 : 0)));
            return new Sent(curl.wall(), curl.cpu(), Integer.parseInt(curl.out().trim()), Files.readString(body));
        } finally {
            Files.deleteIfExists(body);
        }
    }

    /** A process's wall s, user + sys s, max RSS MB (of {@code /usr/bin/time}) and standard output. */
    private record Timed(double wall, double cpu, double maxRssMb, String out) {}

    /** Runs {@code command} under {@code /usr/bin/time}; it must exit 0 within 10 minutes. */
    private static Timed timed(List<String> command) throws Exception {
        Path times = Files.createTempFile("bench", ".time");
        try {
            List<String> timedCommand =
                    new ArrayList<>(List.of("/usr/bin/time", "-o", times.toString(), "-f", "%U %S %M"));
            timedCommand.addAll(command);
            long t0 = System.nanoTime();
            Process p =
                    new ProcessBuilder(timedCommand).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " failed: " + out);
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            String[] f = Files.readString(times).trim().split("\\s+");
            int n = f.length; // the last line: an exit note may come first
            return new Timed(
                    wall,
                    Double.parseDouble(f[n - 3]) + Double.parseDouble(f[n - 2]),
                    Double.parseDouble(f[n - 1]) / 1024,
                    out);
        } finally {
            Files.deleteIfExists(times);
        }
    }

    /** {@code archive} written to a temporary file, for the client to send. */
    private static Path file(byte[] archive) throws java.io.IOException {
        Path file = Files.createTempFile("bench", ".tar");
        Files.write(file, archive);
        return file;
    }

    /**
     * The fair load row: the same archive (a Docker 25 {@code docker save}: {@value #LOAD_MIXED_LAYERS} layers of 40 %
     * random bytes and 60 % log-like text, and one all-random layer) loaded through the local host (application/
     * octet-stream with a Content-Length, as Azure carries it, sent by curl) and copied by {@code skopeo copy
     * docker-archive:}, both from a file straight to the same staging registry (no proxy in either path), each to a
     * fresh repository, alternating which goes first, {@link #LOAD_RUNS} times (three unless {@code -Dbench.loadRuns} says) with a new archive each time (so
     * neither side knows a layer), after {@value #LOAD_WARM_UPS} uncounted loads of other archives that warm the
     * app's JVM up. Wall time (curl's process, skopeo's process), MB/s of archive, CPU seconds (the app's process;
     * curl's; skopeo's user + sys) and peak RSS (the app's JVM since the run began, skopeo's max).
     */
    private static void load(AppProcess app, RegistryServer staging) throws Exception {
        List<double[]> apps = new ArrayList<>();
        List<double[]> peer = new ArrayList<>();
        double mb = 0;
        // loads first, not counted: the JIT compiles the load's paths as on a serving instance (skopeo, a native
        // binary, has nothing to warm up); after three such loads the JIT compilers still took 0.15-0.3 CPU s of each
        // measured load, after ten 0.04-0.27, after thirty 0.03-0.09 (the per-run breakdown shows it: -XX:+Print
        // Compilation counted ~50 compilations a load after thirty, the long tail of the SDKs' and netty's methods
        // reaching their thresholds, each taking CPU from the load on a 2-core machine)
        for (int warmUp = 0; warmUp < LOAD_WARM_UPS; warmUp++) {
            Path warm = file(fairArchive(loadImage(LOAD_RUNS + 1 + warmUp), "bench/warm-up-" + warmUp));
            try {
                appLoad(app, warm);
            } finally {
                Files.deleteIfExists(warm);
            }
        }
        // every run's archives are built and written first: building one (random bytes, text, digests, a tar) takes
        // the benchmark's JVM a few CPU seconds and leaves work behind it (its GC), which fell on the turn after it
        // (that turn was measured 0.1 s slower, whichever side had it)
        List<Path[]> files = new ArrayList<>();
        try {
            for (int run = 0; run < LOAD_RUNS; run++) {
                dev.sockerless.aca.testing.TestImage image = loadImage(run);
                byte[] archive = fairArchive(image, "bench/fair-app-" + run);
                mb = archive.length / 1e6;
                files.add(new Path[] {file(archive), file(fairArchive(image, "bench/fair-skopeo-" + run))});
            }
            System.gc();
            LOAD_CPU.clear();
            for (int run = 0; run < LOAD_RUNS; run++) {
                for (int turn = 0; turn < 2; turn++) {
                    settle();
                    long registry0 = staging.cpu().toNanos();
                    if ((turn + run) % 2 == 0) {
                        apps.add(withRegistryCpu(appLoad(app, files.get(run)[0]), staging, registry0));
                    } else if (Files.isExecutable(Path.of("/usr/bin/skopeo"))) {
                        peer.add(withRegistryCpu(
                                skopeoLoad(files.get(run)[1], staging.hostPort() + "/bench/fair-skopeo-" + run + ":v1"),
                                staging,
                                registry0));
                    }
                }
            }
        } finally {
            for (Path[] pair : files) {
                Files.deleteIfExists(pair[0]);
                Files.deleteIfExists(pair[1]);
            }
        }
        double[] a = medians(apps);
        System.out.println();
        System.out.printf(
                "| load of a %.0f MB Docker 25 archive (%d mixed layers + 1 random), straight to the staging "
                        + "registry, median of %d | sockerless (local host) | skopeo copy docker-archive: |%n",
                mb, LOAD_MIXED_LAYERS, LOAD_RUNS);
        System.out.println("|---|---|---|");
        if (peer.isEmpty()) {
            System.out.printf("| wall time | %.2f s (%.1f MB/s) | not installed |%n", a[0], mb / a[0]);
            return;
        }
        double[] s = medians(peer);
        System.out.printf(
                "| wall time | %.2f s (%.1f MB/s) | %.2f s (%.1f MB/s) |%n", a[0], mb / a[0], s[0], mb / s[0]);
        System.out.printf("| CPU seconds | %.2f | %.2f |%n", a[1], s[1]);
        System.out.printf("| the client's CPU seconds (curl sending the archive) | %.2f | n/a |%n", a[3]);
        System.out.printf("| peak memory | %.0f MB RSS (the JVM's) | %.0f MB RSS |%n", a[2], s[2]);
        System.out.printf(
                "| the staging registry's CPU seconds (the same process for both, on the same cores) | %.2f | %.2f |%n",
                a[4], s[3]);
        System.out.printf(
                "| throughput ratio sockerless / skopeo (median of the per-run ratios: %s) | **%.2f** | 1 |%n",
                ratios(apps, peer), medianRatio(apps, peer));
        System.out.println();
        System.out.println("the app's CPU by thread group, run by run (wall time: CPU ms of the app's process):");
        LOAD_CPU.forEach(line -> System.out.println("- " + line));
    }

    /**
     * The gzip level and deflate, by measurement: the JDK's deflate (the app's without ISA-L) and ISA-L's through
     * GKL's {@code IntelDeflater} (the app's {@code IsalDeflate}: stateless, a whole chunk a call) on 24 MiB of the load
     * row's log-like text and of the JDK's own {@code lib/modules} (binaries), in 128 KiB chunks as the app compresses,
     * on one core: MB/s and compressed size. Best of two rounds, the first warming up.
     */
    private static void gzipLevels() throws Exception {
        List<byte[]> text = chunks(logText(new java.util.Random(1), 24 << 20));
        List<byte[]> binary = chunks(java.util.Arrays.copyOf(
                Files.readAllBytes(Path.of(System.getProperty("java.home"), "lib", "modules")), 24 << 20));
        System.out.println();
        System.out.println("| deflate, level (128 KiB chunks, one core) | log-like text: MB/s, size | binaries: "
                + "MB/s, size |");
        System.out.println("|---|---|---|");
        for (int level : new int[] {1, 2, 3, 4, 6, 9}) {
            System.out.printf(
                    "| JDK %d | %s | %s |%n", level, rate(text, jdkDeflate(level)), rate(binary, jdkDeflate(level)));
        }
        if (!new com.intel.gkl.compression.IntelDeflater(1, true).load(null)) {
            System.out.println("| ISA-L | not available here | |");
            return;
        }
        for (int level : new int[] {1, 2}) {
            System.out.printf(
                    "| ISA-L %d | %s | %s |%n",
                    level, rate(text, isalDeflate(level)), rate(binary, isalDeflate(level)));
        }
    }

    /** Deflates one chunk into {@code buf} (big enough for it); returns the compressed size. */
    private interface ChunkDeflate {
        int deflate(byte[] chunk, byte[] buf);
    }

    private static ChunkDeflate jdkDeflate(int level) {
        java.util.zip.Deflater d = new java.util.zip.Deflater(level, true);
        return (chunk, buf) -> {
            d.reset();
            d.setInput(chunk);
            return d.deflate(buf, 0, buf.length, java.util.zip.Deflater.SYNC_FLUSH);
        };
    }

    private static ChunkDeflate isalDeflate(int level) {
        com.intel.gkl.compression.IntelDeflater d = new com.intel.gkl.compression.IntelDeflater(level, true);
        return (chunk, buf) -> {
            d.reset();
            d.setInput(chunk, 0, chunk.length);
            d.finish();
            int n = d.deflate(buf, 0, buf.length);
            if (!d.finished()) {
                throw new IllegalStateException("ISA-L did not finish a chunk");
            }
            return n;
        };
    }

    private static List<byte[]> chunks(byte[] in) {
        List<byte[]> out = new ArrayList<>();
        for (int off = 0; off < in.length; off += 128 * 1024) {
            out.add(java.util.Arrays.copyOfRange(in, off, Math.min(in.length, off + 128 * 1024)));
        }
        return out;
    }

    /** "MB/s, size %" of {@code deflate} over the chunks, best of two rounds. */
    private static String rate(List<byte[]> chunks, ChunkDeflate deflate) {
        long total = chunks.stream().mapToLong(c -> c.length).sum();
        byte[] buf = new byte[256 * 1024];
        double best = Double.MAX_VALUE;
        long out = 0;
        for (int round = 0; round < 2; round++) {
            out = 0;
            long t0 = System.nanoTime();
            for (byte[] chunk : chunks) {
                out += deflate.deflate(chunk, buf);
            }
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return String.format("%.0f MB/s, %.1f %%", total / 1e6 / best, 100.0 * out / total);
    }

    private static final int LOAD_RUNS = Integer.getInteger("bench.loadRuns", 3);
    private static final int LOAD_WARM_UPS = Integer.getInteger("bench.loadWarmUps", 30);
    private static final int LOAD_MIXED_LAYERS = 3;
    private static final int LOAD_MIXED_BYTES = 24 << 20;
    private static final int LOAD_RANDOM_BYTES = 16 << 20;

    /** Run {@code run}'s archive: its own seed, so no run can reuse another's blobs. */
    private static dev.sockerless.aca.testing.TestImage loadImage(int run) {
        java.util.Random random = new java.util.Random(42 + run);
        List<TestImages.Layer> layers = new ArrayList<>();
        for (int i = 0; i < LOAD_MIXED_LAYERS; i++) {
            java.util.Map<String, byte[]> files = new java.util.HashMap<>();
            for (int f = 0; f < LOAD_MIXED_BYTES / (1 << 20); f++) { // 1 MiB files, two in five random
                files.put(
                        "layer" + i + "/file" + f, f % 5 < 2 ? randomBytes(random, 1 << 20) : logText(random, 1 << 20));
            }
            layers.add(TestImages.layer(Format.OCI, files));
        }
        layers.add(
                TestImages.layer(Format.OCI, java.util.Map.of("random.bin", randomBytes(random, LOAD_RANDOM_BYTES))));
        return TestImages.image(Format.OCI, TestImages.Platform.LINUX_AMD64, c -> c.cmd("/bin/true"), layers);
    }

    /** The image as Docker 25 saves it, named {@code repository:v1}. */
    private static byte[] fairArchive(dev.sockerless.aca.testing.TestImage image, String repository) {
        return dev.sockerless.aca.testing.TestArchives.docker25(
                image, List.of("docker.io/" + repository + ":v1"), List.of(repository + ":v1"));
    }

    private static byte[] randomBytes(java.util.Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** Log-like text: timestamps, levels, a few message shapes with numbers and ids. */
    private static byte[] logText(java.util.Random random, int n) {
        String[] levels = {"INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"};
        String[] messages = {
            "request completed method=GET path=/api/v1/items/%d status=200 duration=%dms",
            "cache miss key=user:%d:profile ttl=%ds",
            "connected to db-replica-%d in %d ms",
            "job %d finished: %d records processed",
            "retrying upstream call attempt=%d backoff=%dms"
        };
        StringBuilder sb = new StringBuilder(n + 200);
        long t = 1_764_000_000_000L + random.nextInt(1_000_000);
        while (sb.length() < n) {
            t += random.nextInt(50);
            sb.append(java.time.Instant.ofEpochMilli(t))
                    .append(' ')
                    .append(levels[random.nextInt(levels.length)])
                    .append(" [worker-")
                    .append(random.nextInt(16))
                    .append("] ")
                    .append(String.format(
                            messages[random.nextInt(messages.length)], random.nextInt(100_000), random.nextInt(5_000)))
                    .append(" trace=")
                    .append(Long.toHexString(random.nextLong()))
                    .append('\n');
        }
        return java.util.Arrays.copyOf(sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII), n);
    }

    /** A thread's group in the CPU breakdown: numbers of pools and workers folded, the JVM's own threads named. */
    static String threadGroup(String comm) {
        if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
            return "JIT compilers";
        }
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.equals("VM Thread")) {
            return "GC and safepoints";
        }
        if (comm.startsWith("HttpClient-")) {
            return comm.replaceAll("-(Wo|Worker).*", "-Worker").replaceAll("-(Se|Sel|Selector).*", "-Selector");
        }
        return comm.replaceAll("-[0-9]*$", "").replaceAll("-[0-9]+-", "-");
    }

    /** Where the app's CPU went in each load run, by thread group (see {@link #appLoad}). */
    private static final List<String> LOAD_CPU = new ArrayList<>();

    /**
     * One load through the app's process: wall s (curl's), the app's CPU s, its peak RSS MB, curl's CPU s; the app's
     * CPU by thread group goes to {@link #LOAD_CPU} (gzip: the compressing workers; image-load: reading, hashing,
     * spooling; image-upload and the HttpClient workers: the streamed uploads; localhost-http: the local host
     * receiving the body; JIT compilers, GC and safepoints: the JVM's own threads).
     */
    private static double[] appLoad(AppProcess app, Path archive) throws Exception {
        app.resetPeakRss();
        java.util.Map<String, Long> threads0 = app.threadCpu();
        long cpu0 = app.cpuNanos();
        Sent sent = postLoad(app, archive, true);
        double cpu = (app.cpuNanos() - cpu0) / 1e9;
        if (sent.status() != 200 || !sent.body().contains("Loaded image")) {
            throw new IllegalStateException("load failed: " + sent.status() + " " + sent.body());
        }
        List<String> parts = new ArrayList<>();
        app.threadCpu().forEach((group, nanos) -> {
            long ms = (nanos - threads0.getOrDefault(group, 0L)) / 1_000_000;
            if (ms >= 10) {
                parts.add(group + " " + ms);
            }
        });
        LOAD_CPU.add(String.format("%.2f s: ", sent.wall()) + String.join(", ", parts) + " ms");
        return new double[] {sent.wall(), cpu, app.peakRssMb(), sent.cpu()};
    }

    /** A run's figures with the staging registry's CPU seconds since {@code registry0} (ns) appended. */
    private static double[] withRegistryCpu(double[] run, RegistryServer registry, long registry0) {
        double[] out = java.util.Arrays.copyOf(run, run.length + 1);
        out[run.length] = (registry.cpu().toNanos() - registry0) / 1e9;
        return out;
    }

    /**
     * Waits before a measured run, so that neither side's run shares the cores with what came before it: the
     * benchmark's own work (building the next archives) leaves the JIT compiling it for a while, and the previous
     * run's registry and Azurite work may still be finishing.
     */
    private static void settle() throws InterruptedException {
        Thread.sleep(SETTLE_MS);
    }

    private static final long SETTLE_MS = 2_000;

    /** skopeo copy under /usr/bin/time: wall s, user + sys s, max RSS MB. */
    private static double[] skopeoLoad(Path archive, String destination) throws Exception {
        Timed skopeo = timed(List.of(
                "/usr/bin/skopeo",
                "copy",
                "--dest-tls-verify=false",
                "docker-archive:" + archive,
                "docker://" + destination));
        return new double[] {skopeo.wall(), skopeo.cpu(), skopeo.maxRssMb()};
    }

    private static double[] medians(List<double[]> runs) {
        double[] out = new double[runs.get(0).length];
        for (int i = 0; i < out.length; i++) {
            int column = i;
            out[i] = median(runs.stream().mapToDouble(r -> r[column]).toArray());
        }
        return out;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted.length % 2 == 1
                ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    /** skopeo's wall time over the app's, run by run (the higher, the faster the app). */
    private static double medianRatio(List<double[]> app, List<double[]> peer) {
        double[] r = new double[Math.min(app.size(), peer.size())];
        for (int i = 0; i < r.length; i++) {
            r[i] = peer.get(i)[0] / app.get(i)[0];
        }
        return median(r);
    }

    private static String ratios(List<double[]> app, List<double[]> peer) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < Math.min(app.size(), peer.size()); i++) {
            out.add(String.format("%.2f", peer.get(i)[0] / app.get(i)[0]));
        }
        return String.join(", ", out);
    }

    /** A repeated load of the same archive: its time and the blob uploads its progress reports. */
    private static void repeatedLoad(AppProcess app) throws Exception {
        Path archive = file(fairArchive(loadImage(LOAD_RUNS), "bench/repeat"));
        Sent again;
        try {
            Sent first = postLoad(app, archive, true);
            if (first.status() != 200) {
                throw new IllegalStateException("load failed: " + first.status() + " " + first.body());
            }
            again = postLoad(app, archive, false);
        } finally {
            Files.deleteIfExists(archive);
        }
        if (again.status() != 200 || !again.body().contains("Loaded image")) {
            throw new IllegalStateException("repeated load failed: " + again.status() + " " + again.body());
        }
        double repeat = again.wall();
        long uploads =
                again.body().lines().filter(l -> l.contains("\"Pushing\"")).count();
        System.out.printf("| repeated load of the same archive | %.2f s, %d blob uploads | n/a |%n", repeat, uploads);
    }

    /** Framing throughput of the core, and {@code docker logs} of 10k, 100k and 1M lines end to end through the local host. */
    private static void logs(HttpClient http, String base, LogAnalyticsProcess la) throws Exception {
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

        System.out.println();
        System.out.println("| logs | figure |");
        System.out.println("|---|---|");
        System.out.printf("| stdcopy framing of 80-byte lines (core, in memory) | %.0f MB/s |%n", framing);
        System.out.println();
        System.out.println("| docker logs, all lines, through the local host (Log Analytics stand-in in its own JVM, "
                + "pages of "
                + System.getProperty(
                        "SOCKERLESS_LOGS_PAGE_ROWS",
                        String.valueOf(dev.sockerless.aca.logs.LogAnalyticsLogSource.DEFAULT_PAGE_ROWS))
                + " rows) | wall s | the stand-in's CPU (its JVM: KQL, JSON) "
                + "| the app's CPU (its request thread: SDK parsing, paging, framing) | body "
                + "| live heap peak of the app's JVM during the request (a full collection every "
                + LIVE_SAMPLE_MS + " ms, then the heap in use; − before) |");
        System.out.println("|---|---|---|---|---|---|");
        for (int lines : LOG_LINE_COUNTS) {
            logsRow(http, base, la, lines);
        }
    }

    /**
     * Line counts of the logs rows; {@code -Dbench.logLines=10000,100000} to choose others. The stand-in memoizes
     * the rows of a page query once and answers each page from them ({@code testing/KqlIndex}), so the 1M row costs
     * it about a minute of CPU, most of it evaluating the million rows once. At 1M lines the body reaches the app's
     * default {@code SOCKERLESS_LOGS_MAX_RESPONSE_BYTES} (32 MiB) and ends with the stream-3 note; the row says how
     * many lines came ({@code -DSOCKERLESS_LOGS_MAX_RESPONSE_BYTES=67108864} lets all of them through).
     */
    private static final int[] LOG_LINE_COUNTS = java.util.Arrays.stream(
                    System.getProperty("bench.logLines", "10000,100000,1000000").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();

    /** One container with {@code count} lines: a docker logs of them all, its time, the stand-in's share, heap. */
    private static void logsRow(HttpClient http, String base, LogAnalyticsProcess la, int count) throws Exception {
        String name = "bench-logs-" + count;
        String job = containerWithExecution(http, base, name, "-bench01", "Succeeded");
        la.lines(job, job + "-bench01-abcde", java.time.Instant.parse("2026-11-28T10:00:00Z"), count);
        System.gc();
        long before = usedHeap();
        int queriesBefore = la.queries();
        long standIn0 = la.cpuNanos();
        java.util.Map<Long, Long> cpu0 = invocationCpu();
        long t1 = System.nanoTime();
        long[] body = new long[1];
        int[] status = new int[1];
        Frames frames = new Frames();
        // the body is counted as it arrives, never held: the heap measured is the app's and the local host's
        long live = livePeak(() -> {
                    HttpResponse<java.io.InputStream> logs = http.send(
                            HttpRequest.newBuilder(URI.create(
                                            base + "/v1.51/containers/" + name + "/logs?stdout=1&stderr=1&tail=all"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                    status[0] = logs.statusCode();
                    try (java.io.InputStream in = logs.body()) {
                        body[0] = frames.read(in);
                    }
                    return null;
                })
                - before;
        double seconds = (System.nanoTime() - t1) / 1e9;
        java.util.Map<Long, Long> cpu1 = invocationCpu();
        double standIn = (la.cpuNanos() - standIn0) / 1e9;
        double app = cpu1.entrySet().stream()
                        .mapToLong(e -> e.getValue() - cpu0.getOrDefault(e.getKey(), 0L))
                        .sum()
                / 1e9;
        if (status[0] != 200) {
            throw new IllegalStateException("logs failed: " + status[0]);
        }
        System.out.printf(
                "| %,d lines (%d queries) | %.2f | %.2f s | %.2f s, %.1f µs a line | %.1f MB%s | %d MB |%n",
                count,
                la.queries() - queriesBefore,
                seconds,
                standIn,
                app,
                app / frames.lines * 1e6,
                body[0] / 1e6,
                frames.lines == count
                        ? ""
                        : String.format(", %,d lines, then the stream-3 note \"%s\"", frames.lines, frames.note),
                Math.max(0, live) >> 20);
    }

    /** Reads a multiplexed logs body: its lines (stdout and stderr frames) and a system-error note (stream 3). */
    private static final class Frames {
        long lines;
        String note = "";

        /** Reads {@code in} to its end, keeping nothing but the note; the body's bytes. */
        long read(java.io.InputStream in) throws java.io.IOException {
            java.io.DataInputStream data = new java.io.DataInputStream(new java.io.BufferedInputStream(in, 1 << 16));
            long bytes = 0;
            byte[] header = new byte[8];
            while (data.readNBytes(header, 0, 8) == 8) {
                int size = java.nio.ByteBuffer.wrap(header, 4, 4).getInt();
                if (header[0] == 3) {
                    note = new String(data.readNBytes(size), java.nio.charset.StandardCharsets.UTF_8).trim();
                } else {
                    data.skipNBytes(size);
                    lines++;
                }
                bytes += 8 + size;
            }
            return bytes;
        }
    }

    /** CPU nanoseconds so far of each of the local host's invocation threads (the app's code runs on them). */
    private static java.util.Map<Long, Long> invocationCpu() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.Map<Long, Long> out = new java.util.HashMap<>();
        for (java.lang.management.ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("localhost-invocation")) {
                out.put(t.getThreadId(), threads.getThreadCpuTime(t.getThreadId()));
            }
        }
        return out;
    }

    /** Log Analytics queries per 30 s with 1, 10 and 50 more containers followed, and the delivery delay. */
    private static void follow(HttpClient http, String base, LogAnalyticsProcess la) throws Exception {
        System.out.println();
        System.out.println("| follow: containers followed | Log Analytics queries per 30 s (measured over 10 s) |");
        System.out.println("|---|---|");
        int followed = 0;
        int serial = 0;
        for (int n : new int[] {1, 10, 50}) {
            for (int i = 0; i < n; i++) {
                String name = "follow-" + (++serial);
                String job = startedContainer(http, base, name);
                la.line(java.time.Instant.now(), job, job + "-run0001-abcde", "stdout", "hello");
                followCall(http, base, name, null); // a reader: the container is followed from now on
            }
            followed += n;
            int before = la.queries();
            Thread.sleep(10_000);
            System.out.printf("| %d | %d |%n", followed, (la.queries() - before) * 3);
        }
        String name = "follow-delay";
        String job = startedContainer(http, base, name);
        String cursor = followCall(http, base, name, null)
                .headers()
                .firstValue("Sockerless-Logs-Cursor")
                .orElseThrow();
        List<Double> delays = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long added = System.nanoTime();
            la.line(java.time.Instant.now(), job, job + "-run0001-abcde", "stdout", "line " + i);
            while (true) {
                HttpResponse<byte[]> r = followCall(http, base, name, cursor);
                cursor = r.headers().firstValue("Sockerless-Logs-Cursor").orElseThrow();
                if (r.body().length > 0) {
                    delays.add((System.nanoTime() - added) / 1e9);
                    break;
                }
            }
        }
        System.out.printf(
                "%ndelay from a line being queryable to its delivery to a long-polling reader: %s s "
                        + "(poll interval 2 s)%n",
                delays.stream().map(d -> String.format("%.1f", d)).toList());
    }

    /**
     * Long-poll readers waiting at once (1, 10, 50 containers, one reader each, no new lines): how far past the wait
     * ({@code SOCKERLESS_FOLLOW_WAIT_SECONDS}=1) their answers come (p50/p99/max), and the Table Storage
     * transactions per second of the whole process while they wait, counted at Azurite through a proxy (the poller's
     * own writes included).
     */
    private static void followReaders(HttpClient http, String base, LogAnalyticsProcess la, CountingProxy tables)
            throws Exception {
        System.out.println();
        System.out.println("| follow readers waiting at once | answers past the 1 s wait: p50 / p99 / max"
                + " | the same inside the host (from an HTTP slot taking the request)"
                + " | Table transactions per second (the watermark's; the others per long-poll answer) |");
        System.out.println("|---|---|---|---|");
        int serial = 0;
        for (int n : new int[] {1, 10, 50}) {
            List<String> names = new ArrayList<>();
            List<String> cursors = new ArrayList<>();
            List<Boolean> delivered = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = "reader-" + n + "-" + (++serial);
                String job = startedContainer(http, base, name);
                la.line(java.time.Instant.now(), job, job + "-run0001-abcde", "stdout", "hello");
                names.add(name);
                HttpResponse<byte[]> first = followCall(http, base, name, null);
                cursors.add(first.headers().firstValue("Sockerless-Logs-Cursor").orElseThrow());
                delivered.add(first.body().length > 0); // a poll during the first call may bring "hello" at once
            }
            Thread.sleep(5_000); // the poller delivers "hello" to the cache
            for (int i = 0; i < n; i++) { // each reader takes its line: from now on it waits
                HttpResponse<byte[]> r;
                if (delivered.get(i)) {
                    continue;
                }
                do {
                    r = followCall(http, base, names.get(i), cursors.get(i));
                    cursors.set(
                            i, r.headers().firstValue("Sockerless-Logs-Cursor").orElseThrow());
                } while (r.body().length == 0);
            }
            List<Long> overruns = java.util.Collections.synchronizedList(new ArrayList<>());
            // the host's own time per answer (from an HTTP slot taking the request): without the wait for one of its
            // LocalHost.THREADS (32) slots, as the Bicep's perInstanceConcurrency gives one instance
            List<Long> served = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.regex.Pattern hostTook =
                    java.util.regex.Pattern.compile("/logs -> 200 \\(ContainerLogs\\w*, (\\d+) ms\\)");
            java.util.logging.Logger hostLog =
                    java.util.logging.Logger.getLogger("dev.sockerless.aca.localhost.FunctionHttpHandler");
            java.util.logging.Handler capture = new java.util.logging.Handler() {
                @Override
                public void publish(java.util.logging.LogRecord r) {
                    java.util.regex.Matcher m = hostTook.matcher(String.valueOf(r.getMessage()));
                    if (m.find()) {
                        served.add(Long.parseLong(m.group(1)) * 1_000_000L - 1_000_000_000L);
                    }
                }

                @Override
                public void flush() {}

                @Override
                public void close() {}
            };
            hostLog.addHandler(capture);
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
                        cursor =
                                r.headers().firstValue("Sockerless-Logs-Cursor").orElse(cursor);
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
            hostLog.removeHandler(capture);
            double seconds = (System.nanoTime() - t0) / 1e9;
            int transactions = tables.requestCount();
            long watermark = tables.exchanges().stream()
                    .filter(e -> e.path().contains("_marks"))
                    .count();
            pool.shutdown();
            List<Long> sorted = new ArrayList<>(overruns);
            Collections.sort(sorted);
            List<Long> host = new ArrayList<>(served);
            Collections.sort(host);
            System.out.printf(
                    "| %d | %.2f / %.2f / %.2f s (%d answers) | %.2f / %.2f / %.2f s | %.1f (watermark %.1f; %.1f per"
                            + " answer) |%n",
                    n,
                    sorted.get(sorted.size() / 2) / 1e9,
                    sorted.get(Math.min(sorted.size() - 1, sorted.size() * 99 / 100)) / 1e9,
                    sorted.get(sorted.size() - 1) / 1e9,
                    sorted.size(),
                    host.get(host.size() / 2) / 1e9,
                    host.get(Math.min(host.size() - 1, host.size() * 99 / 100)) / 1e9,
                    host.get(host.size() - 1) / 1e9,
                    transactions / seconds,
                    watermark / seconds,
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
            expect(
                    http,
                    "POST",
                    base + "/v1.51/containers/create?name=" + name,
                    "{\"Image\":\"single\",\"Cmd\":[\"true\"]}",
                    201);
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
        arm.jobs().jobs().stream()
                .filter(j -> j.name().startsWith("sl-bench-run-"))
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
        System.out.println(
                "| containers on ACA jobs (strict ARM stand-in, plain http, LROs finished at once) | ARM requests |");
        System.out.println("|---|---|");
        System.out.printf(
                "| docker run -d (create + early wait + start; median of %d: %.0f ms) | %s |%n",
                PS_CONTAINERS,
                runTimes.get(runTimes.size() / 2) / 1e6,
                runArm.stream()
                        .distinct()
                        .sorted()
                        .map(String::valueOf)
                        .collect(java.util.stream.Collectors.joining(", ")));
        System.out.printf(
                "| docker ps -a of %d running containers, 3 in a row (%.0f / %.0f / %.0f ms) | %d / %d / %d |%n",
                PS_CONTAINERS, runningMs[0], runningMs[1], runningMs[2], running[0], running[1], running[2]);
        System.out.printf(
                "| docker ps -a of the same %d after they finished, 2 in a row | %d / %d |%n",
                PS_CONTAINERS, finished[0], finished[1]);
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
        return containerWithExecution(http, base, name, "-run0001", "Running");
    }

    /**
     * Creates container {@code name} and records its execution {@code <job><suffix>} with {@code status} (the app's
     * {@code PUT .../execution}); returns the job name.
     */
    private static String containerWithExecution(
            HttpClient http, String base, String name, String suffix, String status) throws Exception {
        HttpResponse<String> created = http.send(
                HttpRequest.newBuilder(URI.create(base + "/v1.51/containers/create?name=" + name))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"Image\":\"single\",\"Cmd\":[\"true\"]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("create failed: " + created.body());
        }
        String sockerless = base + "/sockerless/v1/containers/" + name + "/";
        String job = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(http.send(
                                HttpRequest.newBuilder(URI.create(sockerless + "job"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body())
                .path("name")
                .asText();
        http.send(
                HttpRequest.newBuilder(URI.create(sockerless + "execution"))
                        .PUT(HttpRequest.BodyPublishers.ofString(
                                "{\"executionName\":\"" + job + suffix + "\",\"status\":\"" + status + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return job;
    }

    private static HttpResponse<byte[]> followCall(HttpClient http, String base, String name, String cursor)
            throws Exception {
        String query = cursor == null
                ? "follow=1&stdout=1&stderr=1"
                : "follow=1&cursor=" + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8);
        return http.send(
                HttpRequest.newBuilder(URI.create(base + "/v1.51/containers/" + name + "/logs?" + query))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A new JVM serving the app: time to the first {@code /_ping} and to the first image inspect. */
    private static void coldStart(String storage) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(AppProcess.jvmOptions()); // as Azure starts it
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.sockerless.aca.localhost.LocalHost"));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("SOCKERLESS_LISTEN", "127.0.0.1:0");
        pb.environment().put("AzureWebJobsStorage", storage);
        pb.redirectErrorStream(true);
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
            String port = null;
            for (String line; port == null && (line = out.readLine()) != null; ) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                                "listening on http://127\\.0\\.0\\.1:(\\d+)")
                        .matcher(line);
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
            http.send(
                    HttpRequest.newBuilder(URI.create(base + "/_ping")).build(), HttpResponse.BodyHandlers.ofString());
            double ping = (System.nanoTime() - t0) / 1e9;
            HttpResponse<String> inspect = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/v1.51/images/single/json"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            double first = (System.nanoTime() - t0) / 1e9;
            System.out.printf(
                    "%n| cold start (new JVM) | seconds |%n|---|---|%n| JVM start to first /_ping | %.2f |%n"
                            + "| JVM start to first image inspect (status %d) | %.2f |%n",
                    ping, inspect.statusCode(), first);
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Samples the live heap while {@code during} runs: a full collection every {@value #LIVE_SAMPLE_MS} ms, then the
     * heap in use; returns the most seen. The collections cost the app's JVM GC time, not its request thread's CPU.
     */
    private static long livePeak(java.util.concurrent.Callable<?> during) throws Exception {
        java.util.concurrent.atomic.AtomicLong peak = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread sampler = new Thread(() -> {
            while (!done.get()) {
                System.gc();
                peak.accumulateAndGet(usedHeap(), Math::max);
                try {
                    Thread.sleep(LIVE_SAMPLE_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        try {
            during.call();
        } finally {
            done.set(true);
            sampler.join();
        }
        return peak.get();
    }

    private static final int LIVE_SAMPLE_MS = 100;

    private static void resetPeakHeap() {
        System.gc();
        for (java.lang.management.MemoryPoolMXBean pool :
                java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static long peakHeap() {
        return heap(java.lang.management.MemoryPoolMXBean::getPeakUsage);
    }

    private static long usedHeap() {
        return heap(java.lang.management.MemoryPoolMXBean::getUsage);
    }

    private static long heap(
            java.util.function.Function<java.lang.management.MemoryPoolMXBean, java.lang.management.MemoryUsage>
                    usage) {
        long sum = 0;
        for (java.lang.management.MemoryPoolMXBean pool :
                java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                sum += usage.apply(pool).getUsed();
            }
        }
        return sum;
    }

    private static String[] row(String what, int[] counts, String skopeo) {
        return new String[] {what, (counts[0] + counts[1]) + " (" + counts[0] + " + " + counts[1] + ")", skopeo};
    }

    private static int[] measure(HttpClient http, String base, String repo, CountingProxy proxy, TokenServer tokens)
            throws Exception {
        proxy.reset();
        tokens.reset();
        pull(http, base, repo);
        return new int[] {proxy.requestCount(), tokens.requestCount()};
    }

    private static void pull(HttpClient http, String base, String repo) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(
                                base + "/v1.51/images/create?fromImage=docker.io%2Flibrary%2F" + repo + "&tag=latest"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
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
        Process p = new ProcessBuilder(
                        "/usr/bin/skopeo",
                        "inspect",
                        "--config",
                        "--tls-verify=false",
                        "docker://" + proxy.hostPort() + "/library/" + repo + ":latest")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            return "failed";
        }
        return (proxy.requestCount() + tokens.requestCount()) + " (" + proxy.requestCount() + " + "
                + tokens.requestCount() + ")";
    }
}
