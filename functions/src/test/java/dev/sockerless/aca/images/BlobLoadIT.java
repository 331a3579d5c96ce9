package dev.sockerless.aca.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.http.HttpClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sockerless.aca.azurite.Azurite;
import dev.sockerless.aca.blobs.BlobArchiveSource;
import dev.sockerless.aca.blobs.StorageConnection;
import dev.sockerless.aca.docker.ApiRequest;
import dev.sockerless.aca.docker.ApiResponse;
import dev.sockerless.aca.docker.ApiVersion;
import dev.sockerless.aca.docker.ImageHandlers;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.errors.DockerApiException.Kind;
import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.registry.Platform;
import dev.sockerless.aca.registry.Registries;
import dev.sockerless.aca.registry.RegistryEndpoints;
import dev.sockerless.aca.registry.RegistryTransport;
import dev.sockerless.aca.testing.RegistryPusher;
import dev.sockerless.aca.testing.RegistryServer;
import dev.sockerless.aca.testing.SharedServices;
import dev.sockerless.aca.testing.TestArchives;
import dev.sockerless.aca.testing.TestImage;
import dev.sockerless.aca.testing.TestImages;
import dev.sockerless.aca.testing.TestImages.Format;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker load ?fromBlob=} end to end: archives uploaded to Azurite's blob service with the SDK, loaded through
 * the handler (or the loader) into the anonymous test registry as the staging registry, and verified as
 * {@link ImageLoadIT} does; the temporary directory is checked to be empty afterwards.
 */
class BlobLoadIT {

    static final AtomicInteger COUNTER = new AtomicInteger();
    static Azurite azurite;
    static RegistryServer registry;
    static RegistryPusher reader;

    @TempDir
    Path temp;

    Path spool;
    InMemoryImageStore store;
    ImageLoader loader;
    String namespace;
    LoadOptions options;
    BlobContainerClient container;
    BlobArchiveSource source;
    ImageHandlers handlers;

    @BeforeAll
    static void start() {
        azurite = SharedServices.azurite();
        registry = SharedServices.anonymousRegistry();
        reader = new RegistryPusher(registry.baseUrl());
    }

    static RequestRetryOptions oneTry() {
        return new RequestRetryOptions(RetryPolicyType.FIXED, 1, (Integer) null, null, null, null);
    }

    BlobArchiveSource source(String connectionString) {
        return new BlobArchiveSource(
                StorageConnection.parse(connectionString),
                List.of("other.blob.core.windows.net"),
                "SOCKERLESS_LOAD_BLOB_ACCOUNTS",
                () -> {
                    throw new AssertionError("Azurite is reached with the connection string's key");
                },
                HttpClient.createDefault(),
                oneTry(),
                null,
                container.getBlobContainerName(),
                "SOCKERLESS_LOAD_BLOB_CONTAINER");
    }

    @BeforeEach
    void fresh() throws IOException {
        int n = COUNTER.incrementAndGet();
        spool = Files.createDirectory(temp.resolve("spool"));
        store = new InMemoryImageStore();
        Duration timeout = Duration.ofSeconds(10);
        Registries registries = new Registries(
                new RegistryTransport(RegistryTransport.newHttpClient(timeout), timeout),
                new RegistryEndpoints(Map.of(), List.of(registry.hostPort())),
                Clock.systemUTC());
        loader = new ImageLoader(registries, store, Clock.systemUTC());
        namespace = "blobload" + n + "-" + System.nanoTime() % 100000;
        options = LoadOptions.defaults(registry.hostPort() + "/" + namespace)
                .withTempDir(spool)
                .withMaxExpandedBytes(64L << 20);
        container = new BlobServiceClientBuilder()
                .connectionString(azurite.connectionString())
                .buildClient()
                .getBlobContainerClient("loads" + n + "-" + System.nanoTime() % 100000);
        container.create();
        source = source(azurite.connectionString());
        handlers = handlers(source);
    }

    @AfterEach
    void spoolIsEmpty() throws IOException {
        try (Stream<Path> left = Files.list(spool)) {
            assertThat(left).as("temporary files left behind").isEmpty();
        }
        container.delete();
    }

    ImageHandlers handlers(BlobArchiveSource blobs) {
        ImageLookup lookup = new ImageLookup(store);
        return new ImageHandlers(
                null,
                lookup,
                store,
                new ImageTagger(lookup, store, Clock.systemUTC()),
                loader,
                () -> options,
                () -> blobs,
                Platform.LINUX_AMD64);
    }

    String upload(String name, byte[] bytes) {
        container.getBlobClient(name).upload(com.azure.core.util.BinaryData.fromBytes(bytes));
        return container.getBlobContainerUrl() + "/" + name;
    }

    static ApiRequest loadRequest(Map<String, String> query, byte[] body) {
        return new ApiRequest("POST", ApiVersion.MAX, "/images/load", query, Map.of(), body);
    }

    String staged(String repositoryPath) {
        return namespace + "/" + repositoryPath;
    }

    // ------------------------------------------------------------------ loads

    @Test
    void gzippedLegacyArchiveThroughTheHandler() throws Exception {
        TestImage image = TestImages.repeatedLayer();
        String url = upload(
                "uploads/alpine.tar.gz", TestArchives.gzip(TestArchives.legacy(image, List.of("alpine:latest"))));

        ApiResponse response = handlers.load(loadRequest(Map.of("fromBlob", url), new byte[0]));

        assertThat(response.status()).isEqualTo(200);
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(body)
                .contains("{\"status\":\"Loading layer\"")
                .contains("Loaded image: alpine:latest")
                .doesNotContain("error");
        reader.verifyPushed(staged("library/alpine"), "latest", image);
        assertThat(store.findRef("docker.io/library/alpine:latest")
                        .orElseThrow()
                        .imageId()
                        .toString())
                .isEqualTo(image.imageId());
    }

    @Test
    void quietGzippedDocker25ArchiveThroughTheHandler() throws Exception {
        TestImage image = TestImages.rich(Format.OCI, TestImages.Platform.LINUX_AMD64);
        String url = upload(
                "app.tar.gz",
                TestArchives.gzip(TestArchives.docker25(image, List.of("docker.io/library/app:1"), List.of("app:1"))));

        ApiResponse response = handlers.load(loadRequest(Map.of("fromBlob", url, "quiet", "1"), new byte[0]));

        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertThat(body).isEqualTo("{\"stream\":\"Loaded image: app:1\\n\"}\r\n");
        JsonNode manifest = reader.verifyPushed(staged("library/app"), "1", image);
        assertThat(manifest.path("mediaType").asText()).isEqualTo(TestImages.OCI_MANIFEST);
    }

    @Test
    void uncompressedDocker25ArchiveThroughTheLoaderIsReadInPlace() throws Exception {
        TestImage image = TestImages.rich(Format.OCI, TestImages.Platform.LINUX_AMD64);
        String url =
                upload("raw.tar", TestArchives.docker25(image, List.of("docker.io/library/raw:1"), List.of("raw:1")));
        List<Path> seen = new ArrayList<>();

        List<LoadedImage> loaded = source.withArchive(source.locate(url), spool, options.maxExpandedBytes(), file -> {
            seen.add(file);
            return loader.load(file, options, (status, id) -> {
                try (Stream<Path> files = Files.list(spool)) {
                    // while layers load: the downloaded blob and at most one gzipped layer, never a decompressed copy
                    assertThat(files.filter(p -> !p.getFileName().toString().contains("-layer-")))
                            .containsExactly(file);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
        });

        assertThat(loaded.get(0).messages()).containsExactly("Loaded image: raw:1");
        reader.verifyPushed(staged("library/raw"), "1", image);
        assertThat(seen.get(0)).doesNotExist();
    }

    // ------------------------------------------------------------------ errors

    @Test
    void missingBlobIsNotFoundNamingTheUrl() {
        String url = container.getBlobContainerUrl() + "/nothing/here.tar";
        assertThatThrownBy(() -> handlers.load(loadRequest(Map.of("fromBlob", url), new byte[0])))
                .isInstanceOfSatisfying(
                        DockerApiException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND))
                .hasMessage("no such blob: " + url);
    }

    @Test
    void bodyAndFromBlobTogetherAreRefused() {
        String url = upload("x.tar", new byte[] {1});
        assertThatThrownBy(() -> handlers.load(loadRequest(Map.of("fromBlob", url), new byte[] {1, 2, 3})))
                .isInstanceOfSatisfying(
                        DockerApiException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_PARAMETER))
                .hasMessageContaining("fromBlob and a request body cannot both be given");
    }

    @Test
    void aBlobOfAnotherContainerOfTheAccountIsForbiddenBeforeAnyRequest() {
        BlobContainerClient other = new BlobServiceClientBuilder()
                .connectionString(azurite.connectionString())
                .buildClient()
                .getBlobContainerClient("private" + System.nanoTime() % 100000);
        other.create();
        try {
            other.getBlobClient("a.tar").upload(com.azure.core.util.BinaryData.fromBytes(new byte[512]));
            assertThatThrownBy(() -> handlers.load(
                            loadRequest(Map.of("fromBlob", other.getBlobContainerUrl() + "/a.tar"), new byte[0])))
                    .isInstanceOfSatisfying(
                            DockerApiException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FORBIDDEN))
                    .hasMessageContaining(
                            "only blobs of the uploads container '" + container.getBlobContainerName() + "'")
                    .hasMessageContaining("SOCKERLESS_LOAD_BLOB_CONTAINER");
        } finally {
            other.delete();
        }
    }

    @Test
    void otherAccountsAndPlainHttpAreRefusedBeforeAnyRequest() {
        assertThatThrownBy(() -> handlers.load(
                        loadRequest(Map.of("fromBlob", "https://evil.blob.core.windows.net/c01/a.tar"), new byte[0])))
                .isInstanceOfSatisfying(
                        DockerApiException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FORBIDDEN));
        assertThatThrownBy(() -> handlers.load(
                        loadRequest(Map.of("fromBlob", "http://other.blob.core.windows.net/c01/a.tar"), new byte[0])))
                .hasMessageContaining("plain http");
        assertThatThrownBy(() -> handlers.load(
                        loadRequest(Map.of("fromBlob", container.getBlobContainerUrl() + "/a/../b.tar"), new byte[0])))
                .hasMessageContaining("'..'");
    }

    @Test
    void aBlobThatIsNotAnArchiveIsAnInvalidArchive() {
        String url = upload("junk.tar", "not a tar at all".repeat(100).getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> handlers.load(loadRequest(Map.of("fromBlob", url), new byte[0])))
                .isInstanceOfSatisfying(
                        DockerApiException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_PARAMETER))
                .hasMessageStartingWith("invalid archive:");
    }

    @Test
    void aBlobOverTheCapIsRefusedBeforeItIsDownloaded() {
        String url = upload("big.tar", new byte[4096]);
        options = options.withMaxExpandedBytes(1024);
        assertThatThrownBy(() -> handlers.load(loadRequest(Map.of("fromBlob", url), new byte[0])))
                .hasMessageContaining("is 4096 bytes, over the limit of 1024");
    }

    @Test
    void aWrongKeyIsForbiddenNamingTheRole() {
        String wrongKey = azurite.connectionString()
                .replace(
                        Azurite.ACCOUNT_KEY,
                        java.util.Base64.getEncoder()
                                .encodeToString("wrong key of 64 bytes....................................."
                                        .getBytes(StandardCharsets.UTF_8)));
        String url = upload("a.tar", new byte[] {1});
        assertThatThrownBy(() -> handlers(source(wrongKey)).load(loadRequest(Map.of("fromBlob", url), new byte[0])))
                .isInstanceOfSatisfying(
                        DockerApiException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FORBIDDEN))
                .hasMessageContaining("Storage Blob Data Reader")
                .hasMessageNotContaining(Azurite.ACCOUNT_KEY);
    }

    @Test
    void anUnreachableBlobServiceIsUnavailable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + port + "/" + Azurite.ACCOUNT_NAME;
        String connection = azurite.connectionString().replace(azurite.blobEndpoint(), endpoint);
        assertThatThrownBy(() -> handlers(source(connection))
                        .load(loadRequest(
                                Map.of("fromBlob", endpoint + "/" + container.getBlobContainerName() + "/a.tar"),
                                new byte[0])))
                .isInstanceOfSatisfying(
                        DockerApiException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE))
                .hasMessageContaining("Blob Storage");
    }

    // ------------------------------------------------------------------ large archives

    /**
     * A 30 MiB archive (one incompressible layer) is loaded from a blob while Java Flight Recorder records every
     * allocation made outside a TLAB (where any array of megabytes goes): no array of even half the archive's size
     * may appear. A positive control allocation proves the recording sees such arrays.
     */
    @Test
    void aLargeArchiveIsNeverHeldInMemoryWhole() throws Exception {
        Path archive = temp.resolve("large.tar");
        long size = writeLargeArchive(archive, 30 << 20, "big:1");
        container.getBlobClient("large.tar").uploadFromFile(archive.toString());
        String url = container.getBlobContainerUrl() + "/large.tar";
        long threshold = size / 2;

        Path jfr = temp.resolve("load.jfr");
        ApiResponse response;
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ObjectAllocationOutsideTLAB").withStackTrace();
            recording.start();
            response = handlers.load(loadRequest(Map.of("fromBlob", url), new byte[0]));
            byte[] control = new byte[(int) size]; // the probe must see this one
            control[0] = 1;
            recording.stop();
            recording.dump(jfr);
        }
        assertThat(new String(response.body(), StandardCharsets.UTF_8))
                .contains("Loaded image: big:1")
                .doesNotContain("error");
        List<String> large = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            if (e.getLong("allocationSize") >= threshold) {
                large.add(e.getClass("objectClass").getName() + " " + e.getLong("allocationSize") + " bytes at "
                        + (e.getStackTrace() == null
                                ? "?"
                                : e.getStackTrace().getFrames().stream()
                                        .limit(8)
                                        .map(f -> f.getMethod().getType().getName() + "."
                                                + f.getMethod().getName())
                                        .toList()));
            }
        }
        assertThat(large).as("large allocations").hasSize(1);
        assertThat(large.get(0)).contains("BlobLoadIT.aLargeArchiveIsNeverHeldInMemoryWhole");
        assertThat(reader.getManifest(staged("library/big"), "1").statusCode()).isEqualTo(200);
    }

    /** A legacy archive with one layer holding {@code bytes} pseudo-random bytes, streamed to disk; its size. */
    static long writeLargeArchive(Path archive, int bytes, String tag) throws Exception {
        Path layer = archive.resolveSibling("layer.tar");
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(layer), sha);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            TarArchiveEntry entry = new TarArchiveEntry("data.bin");
            entry.setSize(bytes);
            tar.putArchiveEntry(entry);
            SplittableRandom random = new SplittableRandom(42);
            byte[] chunk = new byte[64 * 1024];
            for (int written = 0; written < bytes; written += chunk.length) {
                for (int i = 0; i < chunk.length; i += 8) {
                    long r = random.nextLong();
                    for (int k = 0; k < 8; k++) {
                        chunk[i + k] = (byte) (r >>> (8 * k));
                    }
                }
                tar.write(chunk, 0, Math.min(chunk.length, bytes - written));
            }
            tar.closeArchiveEntry();
        }
        String diffId = "sha256:" + HexFormat.of().formatHex(sha.digest());
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\","
                        + "\"diff_ids\":[\"" + diffId + "\"]}}")
                .getBytes(StandardCharsets.UTF_8);
        String configName = Digest.of(config).hex() + ".json";
        byte[] manifest = ("[{\"Config\":\"" + configName + "\",\"RepoTags\":[\"" + tag
                        + "\"],\"Layers\":[\"l1/layer.tar\"]}]")
                .getBytes(StandardCharsets.UTF_8);
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(archive))) {
            TarArchiveEntry l = new TarArchiveEntry("l1/layer.tar");
            l.setSize(Files.size(layer));
            tar.putArchiveEntry(l);
            Files.copy(layer, tar);
            tar.closeArchiveEntry();
            for (Map.Entry<String, byte[]> f :
                    Map.of(configName, config, "manifest.json", manifest).entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(f.getValue().length);
                tar.putArchiveEntry(e);
                tar.write(f.getValue());
                tar.closeArchiveEntry();
            }
        }
        Files.delete(layer);
        return Files.size(archive);
    }
}
