package dev.sockerless.aca.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.registry.ImageReference;
import dev.sockerless.aca.registry.Registries;
import dev.sockerless.aca.registry.RegistryEndpoints;
import dev.sockerless.aca.registry.RegistryTransport;
import dev.sockerless.aca.testing.Blob;
import dev.sockerless.aca.testing.CountingProxy;
import dev.sockerless.aca.testing.RegistryPusher;
import dev.sockerless.aca.testing.RegistryServer;
import dev.sockerless.aca.testing.SharedServices;
import dev.sockerless.aca.testing.TestArchives;
import dev.sockerless.aca.testing.TestImage;
import dev.sockerless.aca.testing.TestImages;
import dev.sockerless.aca.testing.TestImages.Format;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code docker load} end to end: archives of every format built in code, loaded into a real registry (Debian
 * docker-registry behind a counting proxy) as the staging registry, pulled back and verified digest by digest.
 */
class ImageLoadIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicInteger COUNTER = new AtomicInteger();
    static RegistryServer registry;
    static CountingProxy proxy;
    static RegistryPusher reader;

    @TempDir
    Path temp;

    InMemoryImageStore store;
    ImageLoader loader;
    String namespace;
    LoadOptions options;

    @BeforeAll
    static void start() {
        registry = SharedServices.anonymousRegistry();
        proxy = new CountingProxy(registry.baseUrl());
        reader = new RegistryPusher(registry.baseUrl());
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    @BeforeEach
    void fresh() {
        proxy.reset();
        proxy.failWhen(null);
        store = new InMemoryImageStore();
        loader = newLoader();
        namespace = "load" + COUNTER.incrementAndGet() + "-" + System.nanoTime() % 100000;
        options = LoadOptions.defaults(proxy.hostPort() + "/" + namespace)
                .withTempDir(temp)
                .withMaxExpandedBytes(16L << 20);
    }

    /** A loader as a new process builds it: nothing in memory, the image table {@link #store}. */
    ImageLoader newLoader() {
        Duration timeout = Duration.ofSeconds(10);
        Registries registries = new Registries(
                new RegistryTransport(RegistryTransport.newHttpClient(timeout), timeout),
                new RegistryEndpoints(Map.of(), List.of(proxy.hostPort())),
                Clock.systemUTC());
        return new ImageLoader(registries, store, Clock.systemUTC());
    }

    List<LoadedImage> load(byte[] body) {
        return loader.load(body, options, LoadProgress.NONE);
    }

    JsonNode verifyPushed(String repository, String reference, TestImage image) throws Exception {
        return reader.verifyPushed(repository, reference, image);
    }

    String staged(String repositoryPath) {
        return namespace + "/" + repositoryPath;
    }

    int tagStatus(String repository, String tag) {
        return reader.getManifest(repository, tag).statusCode();
    }

    long uploads() {
        return proxy.exchanges().stream()
                .filter(e -> e.method().equals("POST")
                        || e.method().equals("PATCH")
                        || (e.method().equals("PUT") && e.path().contains("/blobs/")))
                .count();
    }

    // ------------------------------------------------------------------ formats

    @Test
    void legacyArchiveWithSymlinkedDuplicateLayer() throws Exception {
        TestImage image = TestImages.repeatedLayer();
        List<LoadedImage> loaded = load(TestArchives.legacy(image, List.of("alpine:latest")));

        assertThat(loaded).hasSize(1);
        LoadedImage l = loaded.get(0);
        assertThat(l.id().toString()).isEqualTo(image.imageId());
        assertThat(l.names()).containsExactly(ImageReference.parse("docker.io/library/alpine:latest"));
        assertThat(l.stagingRepository().toString()).isEqualTo(proxy.hostPort() + "/" + namespace + "/library/alpine");
        assertThat(l.messages()).containsExactly("Loaded image: alpine:latest");
        JsonNode manifest = verifyPushed(staged("library/alpine"), "latest", image);
        assertThat(manifest.path("mediaType").asText()).isEqualTo(TestImages.DOCKER_MANIFEST);
        assertThat(manifest.path("config").path("mediaType").asText()).isEqualTo(TestImages.DOCKER_CONFIG);
        assertThat(manifest.path("layers").get(0).path("mediaType").asText()).isEqualTo(TestImages.DOCKER_LAYER_GZIP);
        assertThat(Blob.sha256(
                        reader.getManifest(staged("library/alpine"), "latest").body()))
                .isEqualTo(l.manifestDigest().toString());

        ImageRecord record = store.findImage(l.id()).orElseThrow();
        assertThat(record.location()).isEqualTo(proxy.hostPort() + "/" + namespace + "/library/alpine");
        assertThat(record.manifestDigest()).isEqualTo(l.manifestDigest());
        assertThat(record.config()).isEqualTo(image.config().bytes());
        assertThat(record.size()).isEqualTo(l.size()).isPositive();
        ImageRef ref = store.findRef("docker.io/library/alpine:latest").orElseThrow();
        assertThat(ref.imageId()).isEqualTo(l.id());
        assertThat(ref.resolvedDigest()).isNull();
    }

    @Test
    void docker25OciLayoutWithTwoTags() throws Exception {
        TestImage image = TestImages.rich(Format.OCI, TestImages.Platform.LINUX_AMD64);
        byte[] archive = TestArchives.docker25(
                image,
                List.of("docker.io/library/app:1", "example.com/team/app:2"),
                List.of("app:1", "example.com/team/app:2"));
        List<LoadedImage> loaded = load(archive);

        assertThat(loaded).hasSize(1);
        assertThat(loaded.get(0).messages())
                .containsExactly("Loaded image: app:1", "Loaded image: example.com/team/app:2");
        JsonNode m1 = verifyPushed(staged("library/app"), "1", image);
        JsonNode m2 = verifyPushed(staged("team/app"), "2", image);
        assertThat(m1).isEqualTo(m2);
        assertThat(m1.path("mediaType").asText()).isEqualTo(TestImages.OCI_MANIFEST);
        assertThat(m1.path("layers").get(0).path("mediaType").asText()).isEqualTo(TestImages.OCI_LAYER_GZIP);
        // The second repository got its blobs by cross-repository mount, not by upload.
        assertThat(proxy.exchanges())
                .anyMatch(e -> e.method().equals("POST") && e.path().contains("mount=") && e.status() == 201);
        assertThat(store.findRef("example.com/team/app:2")).isPresent();
    }

    @Test
    void docker25UncompressedWhenAskedPushesTheOriginalManifest() throws Exception {
        TestImage image = TestImages.rich(Format.OCI, TestImages.Platform.LINUX_AMD64);
        options = options.withCompressLayers(false);
        List<LoadedImage> loaded =
                load(TestArchives.docker25(image, List.of("docker.io/library/raw:1"), List.of("raw:1")));
        JsonNode manifest = verifyPushed(staged("library/raw"), "1", image);
        assertThat(manifest.path("layers").get(0).path("mediaType").asText()).isEqualTo(TestArchives.OCI_LAYER);
        assertThat(manifest.path("layers").get(0).path("digest").asText())
                .isEqualTo(image.diffIds().get(0));
        assertThat(loaded.get(0).manifestMediaType()).isEqualTo(TestImages.OCI_MANIFEST);
    }

    @Test
    void containerdStoreWithMissingIndexChildKeepsTheOriginalManifest() throws Exception {
        TestImage amd = TestImages.simple(Format.OCI, TestImages.Platform.LINUX_AMD64);
        TestImage arm = TestImages.simple(Format.OCI, TestImages.Platform.LINUX_ARM64);
        Blob index = TestImages.index(Format.OCI, List.of(arm, amd), null, null);
        List<LoadedImage> loaded = load(TestArchives.containerd(amd, arm, index, "docker.io/library/multi:v1"));

        assertThat(loaded).hasSize(1);
        assertThat(loaded.get(0).manifestDigest().toString())
                .isEqualTo(amd.manifest().digest());
        assertThat(reader.getManifest(staged("library/multi"), "v1").body())
                .isEqualTo(amd.manifest().bytes());
        verifyPushed(staged("library/multi"), "v1", amd);
        assertThat(loaded.get(0).platform().toString()).isEqualTo("linux/amd64");
    }

    @Test
    void untaggedImageIsStagedByDigestOnly() throws Exception {
        TestImage image = TestImages.simple(Format.DOCKER, TestImages.Platform.LINUX_AMD64);
        List<LoadedImage> loaded = load(TestArchives.legacy(image, List.of()));
        assertThat(loaded.get(0).names()).isEmpty();
        assertThat(loaded.get(0).messages()).containsExactly("Loaded image ID: " + image.imageId());
        verifyPushed(staged("untagged"), loaded.get(0).manifestDigest().toString(), image);
        assertThat(store.listRefs()).isEmpty();
        assertThat(store.findImage(loaded.get(0).id()).orElseThrow().location())
                .endsWith("/" + namespace + "/untagged");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "zstd", "bzip2", "xz"})
    void wholeArchiveCompression(String kind) throws Exception {
        TestImage image = TestImages.rich(Format.DOCKER, TestImages.Platform.LINUX_AMD64);
        byte[] tar = TestArchives.legacy(image, List.of("compressed/" + kind + ":v1"));
        byte[] body = switch (kind) {
            case "gzip" -> TestArchives.gzip(tar);
            case "zstd" -> TestArchives.zstd(tar);
            case "bzip2" -> TestArchives.bzip2(tar);
            default -> TestArchives.xz(tar);
        };
        load(body);
        verifyPushed(staged("compressed/" + kind), "v1", image);
        try (var files = Files.list(temp)) {
            assertThat(files).as("temporary files are deleted").isEmpty();
        }
    }

    @Test
    void aRepeatedLoadUploadsNothing() throws Exception {
        assertARepeatedLoadUploadsNothing("again:v1", false);
    }

    @Test
    void aRepeatedLoadAfterARestartUploadsNothing() throws Exception {
        assertARepeatedLoadUploadsNothing("restarted:v1", true);
    }

    /**
     * What gzipping a layer gave goes to the image table off the layer's worker (which goes on with the next layer
     * instead of waiting for the table), and the load answers only once every layer's is there: a load on another
     * instance right after must find them.
     */
    @Test
    void aLoadAnswersOnlyOnceItsGzipMemosAreSavedOffTheWorkers() throws Exception {
        List<TestImages.Layer> content = new ArrayList<>();
        for (int i = 0; i <= LayerPreparer.PARALLELISM; i++) {
            content.add(TestImages.layer(Format.DOCKER, "layer-" + i, "memo " + i + "\n"));
        }
        TestImage image =
                TestImages.image(Format.DOCKER, TestImages.Platform.LINUX_AMD64, UnaryOperator.identity(), content);
        List<String> savers = java.util.Collections.synchronizedList(new ArrayList<>());
        store.beforeGzipSave(() -> {
            savers.add(Thread.currentThread().getName());
            try {
                Thread.sleep(300); // a slow table
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        load(TestArchives.legacy(image, List.of("saved:v1")));
        for (TestImages.Layer layer : content) {
            assertThat(store.findGzippedLayer(GzippedLayer.key(Digest.parse(layer.diffId()), options.gzipMethod())))
                    .as("the memo of %s", layer.diffId())
                    .isPresent();
        }
        assertThat(savers).hasSize(content.size()).noneMatch(name -> name.startsWith("image-load"));
    }

    /**
     * With ISA-L off ({@code SOCKERLESS_LOAD_GZIP_ISAL=false}) the JDK's gzip pushes one member for a layer of several
     * chunks, and ISA-L's a member per chunk; each load's memo is filed under its own format, so a load with the
     * other method never takes the first one's digest: it compresses the layer its way and pushes that blob.
     */
    @Test
    void theJdkAndIsalGzipsEachVerifyAndNeverShareAMemo() throws Exception {
        java.util.Random random = new java.util.Random(9);
        StringBuilder text = new StringBuilder();
        while (text.length() < 3 * ParallelGzip.CHUNK) {
            text.append("2026-12-03T19:20:00Z INFO job ")
                    .append(random.nextInt(1000))
                    .append(" done\n");
        }
        TestImages.Layer layer = TestImages.layer(
                Format.DOCKER, Map.of("log.txt", text.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        TestImage image = TestImages.image(
                Format.DOCKER, TestImages.Platform.LINUX_AMD64, UnaryOperator.identity(), List.of(layer));
        Digest diffId = Digest.parse(layer.diffId());
        GzipMethod jdk = new GzipMethod(1, false);
        GzipMethod isal = GzipMethod.of(1, true);
        assertThat(isal.isal()).as("ISA-L loads here (see ParallelGzipTest)").isTrue();

        String jdkLayer = loadTheLayer(image, jdk, "jdk");
        assertThat(store.findGzippedLayer(GzippedLayer.key(diffId, isal))).isEmpty();
        assertThat(gzipMembers(reader.getBlob(staged("library/jdk"), jdkLayer).body()))
                .isEqualTo(1);

        proxy.reset();
        String isalLayer = loadTheLayer(image, isal, "isal");
        assertThat(isalLayer).isNotEqualTo(jdkLayer);
        assertThat(gzipMembers(reader.getBlob(staged("library/isal"), isalLayer).body()))
                .as("a member per chunk")
                .isEqualTo((layer.tar().length + ParallelGzip.CHUNK - 1) / ParallelGzip.CHUNK)
                .isGreaterThan(1);
        assertThat(uploads())
                .as("the ISA-L gzip was uploaded, not taken from the JDK's memo")
                .isPositive();
    }

    /**
     * Loads a one-layer image as {@code <name>:v1} with {@code method}'s gzip, checks what the registry got and that
     * the memo holds the pushed layer under the method's key; returns the layer's digest.
     */
    private String loadTheLayer(TestImage image, GzipMethod method, String name) throws Exception {
        options = options.withGzipIsal(method.isal());
        load(TestArchives.legacy(image, List.of(name + ":v1")));
        String pushed = verifyPushed(staged("library/" + name), "v1", image)
                .path("layers")
                .get(0)
                .path("digest")
                .asText();
        Digest diffId = Digest.parse(image.layers().get(0).diffId());
        assertThat(store.findGzippedLayer(GzippedLayer.key(diffId, method)))
                .map(g -> g.digest().toString())
                .contains(pushed);
        return pushed;
    }

    /** The gzip members of a blob: each inflated to its end, its 8-byte trailer skipped. */
    private static int gzipMembers(byte[] gz) throws java.util.zip.DataFormatException {
        int members = 0;
        int at = 0;
        while (at < gz.length) {
            assertThat(gz[at] & 0xff).isEqualTo(0x1f);
            java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
            inflater.setInput(gz, at + 10, gz.length - at - 10);
            byte[] sink = new byte[1 << 16];
            while (!inflater.finished()) {
                if (inflater.inflate(sink) == 0 && inflater.needsInput()) {
                    throw new AssertionError("truncated member at " + at);
                }
            }
            at = gz.length - inflater.getRemaining() + 8;
            inflater.end();
            members++;
        }
        return members;
    }

    /**
     * The image table is asked what gzipping each layer gave for all layers at once, not by each worker before it
     * starts its layer: with one more layer than workers, every lookup must see all the others begun (a lookup per
     * worker would hold the last layer's until a first layer is done, and each table round trip would delay its
     * layer's compression).
     */
    @Test
    void theGzipMemoIsAskedForEveryLayerAtOnce() throws Exception {
        int layers = LayerPreparer.PARALLELISM + 1;
        List<TestImages.Layer> content = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            content.add(TestImages.layer(Format.DOCKER, "layer-" + i, "content " + i + "\n"));
        }
        TestImage image =
                TestImages.image(Format.DOCKER, TestImages.Platform.LINUX_AMD64, UnaryOperator.identity(), content);
        CountDownLatch all = new CountDownLatch(layers);
        List<Boolean> sawEveryLookup = java.util.Collections.synchronizedList(new ArrayList<>());
        store.beforeGzipLookup(() -> {
            all.countDown();
            try {
                sawEveryLookup.add(all.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        load(TestArchives.legacy(image, List.of("memo:v1")));
        assertThat(sawEveryLookup).hasSize(layers).containsOnly(true);
    }

    /** CPU time of the threads named {@code name} (a pool's workers), in nanoseconds. */
    private static long cpuOf(String name) {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                total += Math.max(0, threads.getThreadCpuTime(t.getId()));
            }
        }
        return total;
    }

    /**
     * A layer is read, hashed and compressed while the image table is asked what gzipping it gave (a round trip that
     * would otherwise hold up the layer); the memo's answer starts its upload, or, when the memo knows the layer,
     * drops what was compressed unsent: the repeated load on a new instance still uploads nothing.
     */
    @Test
    void aLayerIsCompressedWhileTheMemoIsAskedAndAKnownLayerIsNeverUploaded() throws Exception {
        byte[] noise = new byte[6 << 20];
        new java.util.Random(17).nextBytes(noise);
        TestImage image = TestImages.image(
                Format.DOCKER,
                TestImages.Platform.LINUX_AMD64,
                UnaryOperator.identity(),
                List.of(TestImages.layer(Format.DOCKER, java.util.Map.of("noise.bin", noise))));
        byte[] archive = TestArchives.legacy(image, List.of("early:v1"));
        for (boolean repeated : new boolean[] {false, true}) {
            loader = newLoader(); // a new instance: the memo comes from the table
            proxy.reset();
            long before = cpuOf("image-load");
            List<Boolean> workedMeanwhile = java.util.Collections.synchronizedList(new ArrayList<>());
            store.beforeGzipLookup(() -> {
                // the lookup answers only once the layer's worker has hashed a few MiB (or after 10 s)
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                boolean worked;
                while (!(worked = cpuOf("image-load") - before > TimeUnit.MILLISECONDS.toNanos(2))
                        && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                workedMeanwhile.add(worked);
            });
            try {
                load(archive);
            } finally {
                store.beforeGzipLookup(() -> {});
            }
            assertThat(workedMeanwhile)
                    .as("the layer was worked on while the memo was asked")
                    .containsExactly(true);
            if (repeated) {
                assertThat(uploads()).as("uploads of the repeated load").isZero();
            } else {
                assertThat(uploads()).isPositive();
            }
        }
    }

    /**
     * Loads an archive twice, the second time in the same loader or (a new instance) in a new one, whose knowledge of
     * the layers' gzip comes from the image table: the second load uploads nothing, asks the registry about the three
     * layers and gives the same manifest.
     */
    private void assertARepeatedLoadUploadsNothing(String tag, boolean restart) throws Exception {
        TestImage image = TestImages.rich(Format.DOCKER, TestImages.Platform.LINUX_AMD64);
        byte[] archive = TestArchives.legacy(image, List.of(tag));
        Digest first = load(archive).get(0).manifestDigest();
        assertThat(uploads()).isPositive();
        proxy.reset();
        if (restart) {
            loader = newLoader();
        }
        Digest second = load(archive).get(0).manifestDigest();
        assertThat(second).isEqualTo(first);
        assertThat(uploads()).as("uploads of the repeated load").isZero();
        assertThat(proxy.exchanges()).filteredOn(e -> e.method().equals("HEAD")).hasSize(3);
    }

    @Test
    void aRepeatedLoadIntoARepositoryThatLostALayerUploadsThatLayerAgain() throws Exception {
        TestImage image = TestImages.rich(Format.DOCKER, TestImages.Platform.LINUX_AMD64);
        byte[] archive = TestArchives.legacy(image, List.of("lost:v1"));
        JsonNode manifest = JSON.readTree(reader.getManifest(
                        staged("library/lost"),
                        load(archive).get(0).manifestDigest().toString())
                .body());
        String layer = manifest.path("layers").get(1).path("digest").asText();
        // Deleting the blob from the repository's storage: the digest the loader remembers must be pushed again.
        assertThat(reader.send(
                                "DELETE",
                                registry.baseUrl() + "/v2/" + staged("library/lost") + "/blobs/" + layer,
                                null,
                                null,
                                null)
                        .statusCode())
                .isEqualTo(202);
        proxy.reset();
        load(archive);
        assertThat(uploads()).isPositive();
        verifyPushed(staged("library/lost"), "v1", image);
    }

    /**
     * A gzip memo naming a digest this instance does not write for the layer (one written by an instance whose ISA-L
     * picked other code for its CPU, or by a version that changed its bytes without a new format name), for a blob the
     * registry lacks: the load fails with a message to load again, having corrected the memo, and the next load pushes
     * the layer under the digest it really has. Without the correction every later load of the layer would fail.
     */
    @Test
    void aMemoNamingAnotherDigestIsCorrectedAndTheNextLoadPushesTheLayer() throws Exception {
        TestImage image = TestImages.image(
                Format.DOCKER,
                TestImages.Platform.LINUX_AMD64,
                UnaryOperator.identity(),
                List.of(TestImages.layer(Format.DOCKER, "memo/x", "a layer gzipped elsewhere\n")));
        byte[] archive = TestArchives.legacy(image, List.of("othercpu:v1"));
        String key = GzippedLayer.key(Digest.parse(image.layers().get(0).diffId()), options.gzipMethod());
        Digest elsewhere = Digest.of("bytes another instance wrote".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        store.saveGzippedLayer(key, new GzippedLayer(elsewhere, 4242));
        assertThatThrownBy(() -> load(archive))
                .isInstanceOf(DockerApiException.class)
                .hasMessageContaining("not to the remembered " + elsewhere)
                .hasMessageContaining("load again");
        assertThat(tagStatus(staged("library/othercpu"), "v1")).isEqualTo(404);
        GzippedLayer corrected = store.findGzippedLayer(key).orElseThrow();
        assertThat(corrected.digest()).isNotEqualTo(elsewhere);
        loader = newLoader();
        load(archive);
        JsonNode manifest = verifyPushed(staged("library/othercpu"), "v1", image);
        assertThat(manifest.path("layers").get(0).path("digest").asText())
                .isEqualTo(corrected.digest().toString());
    }

    @Test
    void manyLargeLayersPreparedInParallelAllVerify() throws Exception {
        java.util.Random random = new java.util.Random(7);
        List<TestImages.Layer> layers = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] data = new byte[8 << 20];
            random.nextBytes(data);
            layers.add(TestImages.layer(Format.DOCKER, Map.of("big/" + i, data)));
        }
        TestImage image =
                TestImages.image(Format.DOCKER, TestImages.Platform.LINUX_AMD64, UnaryOperator.identity(), layers);
        load(TestArchives.legacy(image, List.of("big:v1")));
        verifyPushed(staged("library/big"), "v1", image);
    }

    // ------------------------------------------------------------------ failures leave no tag

    @Test
    void aFailingManifestPutLeavesNoTagAndTheRetryUploadsNothing() throws Exception {
        TestImage image = TestImages.rich(Format.DOCKER, TestImages.Platform.LINUX_AMD64);
        // two names: the manifest is put by digest before either tag
        byte[] archive = TestArchives.legacy(image, List.of("flaky:v1", "flaky:v2"));
        proxy.failWhen((method, path) -> method.equals("PUT") && path.contains("/manifests/sha256:"));
        assertThatThrownBy(() -> load(archive))
                .isInstanceOf(DockerApiException.class)
                .hasMessageContaining("put manifest");
        assertThat(tagStatus(staged("library/flaky"), "v1")).isEqualTo(404);
        assertThat(tagStatus(staged("library/flaky"), "v2")).isEqualTo(404);
        assertThat(store.listImages()).isEmpty();

        proxy.failWhen(null);
        proxy.reset();
        load(archive);
        assertThat(uploads()).isZero();
        verifyPushed(staged("library/flaky"), "v1", image);
        verifyPushed(staged("library/flaky"), "v2", image);
    }

    @Test
    void oneImageWithOneNameHasItsManifestPutByTagOnlyAndAFailedPutLeavesNothing() throws Exception {
        TestImage image = TestImages.rich(Format.DOCKER, TestImages.Platform.LINUX_AMD64);
        byte[] archive = TestArchives.legacy(image, List.of("single:v1"));
        proxy.failWhen((method, path) -> method.equals("PUT") && path.contains("/manifests/"));
        assertThatThrownBy(() -> load(archive))
                .isInstanceOf(DockerApiException.class)
                .hasMessageContaining("put manifest");
        assertThat(tagStatus(staged("library/single"), "v1")).isEqualTo(404);
        assertThat(store.listImages()).isEmpty();

        proxy.failWhen(null);
        proxy.reset();
        LoadedImage loaded = load(archive).get(0);
        assertThat(proxy.exchanges())
                .filteredOn(e -> e.method().equals("PUT") && e.path().contains("/manifests/"))
                .extracting(e -> e.path().substring(e.path().lastIndexOf('/') + 1))
                .containsExactly("v1");
        verifyPushed(staged("library/single"), "v1", image);
        // the registry holds it by digest as well, as a pull by digest needs
        assertThat(tagStatus(staged("library/single"), loaded.manifestDigest().toString()))
                .isEqualTo(200);
    }

    @Test
    void layersAreStreamedWhileCompressedAndCommittedOnlyOnceAllAreVerified() throws Exception {
        TestImage image = TestImages.rich(Format.DOCKER, TestImages.Platform.LINUX_AMD64);
        load(TestArchives.legacy(image, List.of("streamed:v1")));
        // each layer: POST, one chunked PATCH while it is compressed, then the empty PUT ?digest= that commits it
        assertThat(proxy.exchanges())
                .filteredOn(e -> e.method().equals("PATCH"))
                .hasSize(2);
        assertThat(proxy.exchanges())
                .filteredOn(e -> e.method().equals("PUT") && e.path().contains("digest=sha256"))
                .hasSize(3); // and the config's monolithic PUT
        verifyPushed(staged("library/streamed"), "v1", image);
    }

    @Test
    void aLayerFailingVerificationIsStreamedButNeverCommitted() throws Exception {
        TestImage image = TestImages.simple(Format.DOCKER, TestImages.Platform.LINUX_AMD64);
        TestImages.Layer other = TestImages.layer(Format.DOCKER, "other", "not the layer the config names\n");
        TestImage lying = new TestImage(image.platform(), image.config(), List.of(other), image.manifest());
        assertInvalid(TestArchives.legacy(lying, List.of("unverified:v1")), "library/unverified", "diffID");
        // the deterministic gzip of the layer: the digest its session would have been committed as
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (ParallelGzip out = new ParallelGzip(gz, options.gzipMethod())) {
            out.write(other.tar());
        }
        assertThat(proxy.exchanges())
                .filteredOn(e -> e.method().equals("PATCH"))
                .hasSize(1);
        assertThat(proxy.exchanges())
                .filteredOn(e -> e.method().equals("DELETE") && e.path().contains("/blobs/uploads/"))
                .as("the session is cancelled")
                .hasSize(1);
        assertThat(proxy.exchanges())
                .filteredOn(e -> e.method().equals("PUT") && e.path().contains("digest="))
                .isEmpty();
        assertThat(reader.send(
                                "HEAD",
                                registry.baseUrl() + "/v2/" + staged("library/unverified") + "/blobs/"
                                        + Blob.sha256(gz.toByteArray()),
                                null,
                                null,
                                null)
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void aRegistryRefusingStreamedUploadsGetsMonolithicOnes() throws Exception {
        TestImage image = TestImages.rich(Format.DOCKER, TestImages.Platform.LINUX_AMD64);
        proxy.failWhen((method, path) -> method.equals("PATCH"));
        load(TestArchives.legacy(image, List.of("nostream:v1")));
        verifyPushed(staged("library/nostream"), "v1", image);
        assertThat(proxy.exchanges())
                .filteredOn(e -> e.method().equals("PUT") && e.path().contains("digest=sha256"))
                .hasSize(3);
    }

    @Test
    void aFailingBlobUploadLeavesNoTag() {
        TestImage image = TestImages.rich(Format.DOCKER, TestImages.Platform.LINUX_AMD64);
        proxy.failWhen((method, path) -> method.equals("PUT") && path.contains("/blobs/uploads/"));
        assertThatThrownBy(() -> load(TestArchives.legacy(image, List.of("flaky2:v1"))))
                .isInstanceOf(DockerApiException.class)
                .hasMessageContaining("upload blob");
        assertThat(tagStatus(staged("library/flaky2"), "v1")).isEqualTo(404);
    }

    void assertInvalid(byte[] body, String tagRepo, String message) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> load(body)).isInstanceOfSatisfying(DockerApiException.class, e -> {
            assertThat(e.kind()).isEqualTo(DockerApiException.Kind.INVALID_PARAMETER);
            assertThat(e.getMessage()).contains(message);
        });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(tagStatus(staged(tagRepo), "v1")).isEqualTo(404);
        assertThat(store.listImages()).isEmpty();
        try (var files = Files.list(temp)) {
            assertThat(files).as("temporary files are deleted").isEmpty();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void notATar() {
        assertInvalid(
                "hello, this is not an archive\n".repeat(50).getBytes(StandardCharsets.UTF_8), "x", "invalid archive");
    }

    @Test
    void truncatedArchive() {
        byte[] archive = TestArchives.legacy(
                TestImages.rich(Format.DOCKER, TestImages.Platform.LINUX_AMD64), List.of("trunc:v1"));
        assertInvalid(java.util.Arrays.copyOf(archive, 1500), "library/trunc", "invalid archive");
        assertInvalid(java.util.Arrays.copyOf(TestArchives.gzip(archive), 300), "library/trunc", "invalid archive");
    }

    @Test
    void pathTraversalEntry() {
        byte[] archive = new TestArchives.Tar()
                .file("../evil", "x")
                .file("manifest.json", "[]")
                .build();
        assertInvalid(archive, "x", "path traversal");
    }

    @Test
    void absolutePathEntry() {
        byte[] archive = new TestArchives.Tar()
                .file("/etc/evil", "x")
                .file("manifest.json", "[]")
                .build();
        assertInvalid(archive, "x", "absolute path");
    }

    @Test
    void symlinkEscapingTheArchive() {
        TestImage image = TestImages.simple(Format.DOCKER, TestImages.Platform.LINUX_AMD64);
        String cfg = TestArchives.hex(image.config().digest()) + ".json";
        byte[] archive = new TestArchives.Tar()
                .symlink("l1/layer.tar", "../../../etc/passwd")
                .file(cfg, image.config().bytes())
                .file(
                        "manifest.json",
                        new String(
                                TestImages.json(List.of(TestImages.obj(
                                        "Config",
                                        cfg,
                                        "RepoTags",
                                        List.of("esc:v1"),
                                        "Layers",
                                        List.of("l1/layer.tar")))),
                                StandardCharsets.UTF_8))
                .build();
        assertInvalid(archive, "library/esc", "points outside the archive");
        byte[] absolute = new TestArchives.Tar()
                .symlink("l1/layer.tar", "/etc/passwd")
                .file("manifest.json", "[]")
                .build();
        assertInvalid(absolute, "library/esc", "points outside the archive");
    }

    @Test
    void missingLayerFile() {
        TestImage image = TestImages.simple(Format.DOCKER, TestImages.Platform.LINUX_AMD64);
        String cfg = TestArchives.hex(image.config().digest()) + ".json";
        byte[] archive = new TestArchives.Tar()
                .file(cfg, image.config().bytes())
                .file(
                        "manifest.json",
                        new String(
                                TestImages.json(List.of(TestImages.obj(
                                        "Config",
                                        cfg,
                                        "RepoTags",
                                        List.of("missing:v1"),
                                        "Layers",
                                        List.of("nope/layer.tar")))),
                                StandardCharsets.UTF_8))
                .build();
        assertInvalid(archive, "library/missing", "nope/layer.tar is missing");
    }

    @Test
    void diffIdMismatch() {
        TestImage image = TestImages.simple(Format.DOCKER, TestImages.Platform.LINUX_AMD64);
        TestImages.Layer other = TestImages.layer(Format.DOCKER, "other", "not the layer the config names\n");
        TestImage lying = new TestImage(image.platform(), image.config(), List.of(other), image.manifest());
        assertInvalid(TestArchives.legacy(lying, List.of("mismatch:v1")), "library/mismatch", "diffID");
    }

    @Test
    void layerCountMismatch() {
        TestImage image = TestImages.simple(Format.DOCKER, TestImages.Platform.LINUX_AMD64);
        TestImage extra = new TestImage(
                image.platform(),
                image.config(),
                List.of(image.layers().get(0), image.layers().get(0)),
                image.manifest());
        assertInvalid(TestArchives.legacy(extra, List.of("count:v1")), "library/count", "layers length mismatch");
    }

    @Test
    void gzipBombOverTheCap() {
        options = options.withMaxExpandedBytes(1L << 20);
        assertInvalid(TestArchives.gzipBomb(64L << 20), "x", "expands to more than");
    }

    @Test
    void layerBombOverTheCap() {
        options = options.withMaxExpandedBytes(2L << 20);
        TestImage image = TestImages.simple(Format.DOCKER, TestImages.Platform.LINUX_AMD64);
        byte[] bomb = TestArchives.gzipBomb(64L << 20);
        assertInvalid(singleLayerArchive(image, bomb, "bomb:v1"), "library/bomb", "expands to more than");
    }

    /** A legacy archive of {@code image}'s config with {@code layer} as its one layer, tagged {@code tag}. */
    private static byte[] singleLayerArchive(TestImage image, byte[] layer, String tag) {
        String cfg = TestArchives.hex(image.config().digest()) + ".json";
        return new TestArchives.Tar()
                .file("l/layer.tar", layer)
                .file(cfg, image.config().bytes())
                .file(
                        "manifest.json",
                        new String(
                                TestImages.json(List.of(TestImages.obj(
                                        "Config", cfg, "RepoTags", List.of(tag), "Layers", List.of("l/layer.tar")))),
                                StandardCharsets.UTF_8))
                .build();
    }

    /**
     * The memory limits (ArchiveLimitsTest) end to end: a real image whose layer is a zstd bomb (refused at the ratio,
     * far below the 8 GiB cap) or an xz stream demanding a 1.5 GiB dictionary, and an archive whose tar headers carry
     * an oversized long name: each a 400 within seconds, nothing pushed, nothing recorded, no temporary file left.
     */
    @Test
    void hostileArchivesAreRefusedBeforeAnythingIsPushed() {
        TestImage image = TestImages.simple(Format.DOCKER, TestImages.Platform.LINUX_AMD64);
        byte[] zstdBomb = TestArchives.compress(new byte[0], out -> new com.github.luben.zstd.ZstdOutputStream(out) {
            @Override
            public void close() throws java.io.IOException {
                byte[] zeros = new byte[1 << 20];
                for (int i = 0; i < 64; i++) {
                    write(zeros);
                }
                super.close();
            }
        });
        for (byte[] layer : List.of(zstdBomb, dev.sockerless.aca.testing.HostileArchives.xzHugeDictionary())) {
            byte[] archive = singleLayerArchive(image, layer, "hostile:v1");
            assertInvalid(archive, "library/hostile", layer == zstdBomb ? "decompression bomb" : "KiB of memory");
        }
        assertInvalid(dev.sockerless.aca.testing.HostileArchives.longName(1 << 20), "x", "GNU long name");
    }

    @Test
    void oversizeBody() {
        options = options.withMaxBodyBytes(1000);
        assertInvalid(
                TestArchives.legacy(TestImages.rich(Format.DOCKER, TestImages.Platform.LINUX_AMD64), List.of("big:v1")),
                "library/big",
                "over the limit");
    }

    @Test
    void progressReportsEachLayer() {
        List<String> lines = new ArrayList<>();
        loader.load(
                TestArchives.legacy(
                        TestImages.rich(Format.DOCKER, TestImages.Platform.LINUX_AMD64), List.of("progress:v1")),
                options,
                (status, id) -> lines.add(status + " " + id));
        assertThat(lines).filteredOn(s -> s.startsWith("Loading layer")).hasSize(2);
    }
}
