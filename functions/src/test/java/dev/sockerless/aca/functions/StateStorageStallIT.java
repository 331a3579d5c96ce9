package dev.sockerless.aca.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.util.BinaryData;
import com.azure.data.tables.TableServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.azurite.Azurite;
import dev.sockerless.aca.config.Settings;
import dev.sockerless.aca.containers.ContainerRecord;
import dev.sockerless.aca.docker.ApiRequest;
import dev.sockerless.aca.docker.ApiResponse;
import dev.sockerless.aca.docker.ApiVersion;
import dev.sockerless.aca.docker.ErrorResponses;
import dev.sockerless.aca.docker.FollowLogsHandler;
import dev.sockerless.aca.follow.FollowStarter;
import dev.sockerless.aca.images.ImageRecord;
import dev.sockerless.aca.images.ImageRef;
import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.registry.ImageReference;
import dev.sockerless.aca.registry.Platform;
import dev.sockerless.aca.state.TableStorageContainerStore;
import dev.sockerless.aca.state.TableStorageImageStore;
import dev.sockerless.aca.testing.TestImage;
import dev.sockerless.aca.testing.TestImages;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Storage that stalls: a real Azurite frozen with SIGSTOP (connections are accepted, nothing answers). With
 * {@code SOCKERLESS_STATE_TIMEOUT_SECONDS=2}, requests answer 503 naming the state storage within the deadline —
 * point reads and listings alike, many at once, and {@code fromBlob} loads naming Blob Storage —, and once Azurite
 * resumes the same app (same cached clients) answers again without a restart.
 */
class StateStorageStallIT {

    static final int DEADLINE_SECONDS = 2;
    static final int FOLLOW_WAIT_SECONDS = 1;
    static final String EXPECTED = "state storage (Azure Table Storage) did not answer within 2 s: GET ";
    static Azurite azurite;
    static AppServices app;

    @BeforeAll
    static void start() {
        azurite = Azurite.inMemory(); // its own: freezing the shared one would stall every other test
        Settings settings = Settings.of(Map.of(
                "AzureWebJobsStorage",
                azurite.connectionString(),
                "SOCKERLESS_STATE_TIMEOUT_SECONDS",
                String.valueOf(DEADLINE_SECONDS),
                "SOCKERLESS_STAGING_REGISTRY",
                "127.0.0.1:1/staging",
                "SOCKERLESS_FOLLOW_WAIT_SECONDS",
                String.valueOf(FOLLOW_WAIT_SECONDS)));
        new BlobServiceClientBuilder()
                .connectionString(azurite.connectionString())
                .buildClient()
                .createBlobContainer("uploads")
                .getBlobClient("archive.tar")
                .upload(BinaryData.fromBytes(new byte[512]));
        TableServiceClient tables = AzureParts.stateTables(settings);
        TableStorageImageStore images = new TableStorageImageStore(tables);
        TestImage image = TestImages.simple(TestImages.Format.OCI, TestImages.Platform.LINUX_AMD64);
        Digest id = Digest.parse(image.config().digest());
        images.saveImage(new ImageRecord(
                id,
                image.config().bytes(),
                Digest.parse(image.manifest().digest()),
                image.manifest().mediaType(),
                Platform.parse("linux/amd64"),
                1234,
                "docker.io/library/stall",
                null,
                Instant.now()));
        images.saveRef(new ImageRef(ImageReference.parse("stall:v1"), id, null, "linux/amd64", Instant.now()));
        TableStorageContainerStore containers = new TableStorageContainerStore(tables);
        containers.create(new ContainerRecord(
                "f".repeat(64),
                "stall-follow",
                Instant.now(),
                "stall:v1",
                id,
                "registry.example/stall@" + image.manifest().digest(),
                "{}",
                "{}",
                "{}",
                "sl-stall-follow",
                "0".repeat(64),
                9111,
                null));
        app = new AppServices(settings, images, containers);
    }

    @AfterAll
    static void stop() {
        if (azurite != null) {
            azurite.thaw();
            azurite.close();
        }
    }

    static ApiResponse call(Supplier<ApiResponse> handler) {
        return ErrorResponses.handle(handler, Logger.getLogger("Function.test"), "inv-stall");
    }

    static ApiResponse inspect() {
        return call(() -> app.images()
                .inspect(
                        new ApiRequest("GET", ApiVersion.MAX, "/images/stall:v1/json", Map.of(), Map.of(), null),
                        "stall:v1"));
    }

    static ApiResponse list() {
        return call(() ->
                app.images().list(new ApiRequest("GET", ApiVersion.MAX, "/images/json", Map.of(), Map.of(), null)));
    }

    static ApiResponse loadFromBlob(String blob) {
        return call(() -> app.images()
                .load(new ApiRequest(
                        "POST",
                        ApiVersion.MAX,
                        "/images/load",
                        Map.of("fromBlob", azurite.blobEndpoint() + "/uploads/" + blob),
                        Map.of(),
                        null)));
    }

    static ApiResponse follow(String cursor) {
        Map<String, String> query =
                cursor == null ? Map.of("follow", "1", "stdout", "1") : Map.of("follow", "1", "cursor", cursor);
        return call(() -> app.containerLogs()
                .logs(
                        new ApiRequest("GET", ApiVersion.MAX, "/containers/stall-follow/logs", query, Map.of(), null),
                        "stall-follow",
                        FollowStarter.NONE));
    }

    static String message(ApiResponse r) throws Exception {
        return new ObjectMapper().readTree(r.body()).path("message").asText();
    }

    @Test
    void frozenStorageAnswers503WithinTheDeadlineAndTheAppRecoversWhenItResumes() throws Exception {
        assertThat(inspect().status()).isEqualTo(200);

        azurite.freeze();
        ExecutorService callers = Executors.newFixedThreadPool(12);
        try {
            long start = System.nanoTime();
            ApiResponse r = inspect();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(r.status()).isEqualTo(503);
            assertThat(message(r)).startsWith(EXPECTED).contains("/devstoreaccount1/imagerefs");
            assertThat(took)
                    .isGreaterThanOrEqualTo(Duration.ofMillis(DEADLINE_SECONDS * 1000L - 100))
                    .isLessThan(Duration.ofSeconds(DEADLINE_SECONDS + 3));

            // A listing (paged query) too, and many requests at once: each ends within the deadline.
            start = System.nanoTime();
            List<Future<ApiResponse>> pending = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                pending.add(callers.submit(i % 2 == 0 ? StateStorageStallIT::inspect : StateStorageStallIT::list));
            }
            for (Future<ApiResponse> f : pending) {
                ApiResponse each = f.get();
                assertThat(each.status()).isEqualTo(503);
                assertThat(message(each)).startsWith(EXPECTED);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(DEADLINE_SECONDS + 4));
        } finally {
            azurite.thaw();
            callers.shutdownNow();
        }

        // Recovers by itself: the same app and clients answer as soon as the storage does.
        long start = System.nanoTime();
        ApiResponse back = inspect();
        assertThat(back.status()).as(new String(back.body())).isEqualTo(200);
        assertThat(list().status()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(DEADLINE_SECONDS));
    }

    /**
     * A follow long-poll answers by its deadline however slow the storage: the wait (1 s) plus
     * {@code FollowLogsHandler.STORAGE_GRACE} (0.25 s); the test allows 0.5 s more for this shared machine, still
     * under the 2 s after which the stalled lookup itself would fail.
     */
    @Test
    void aFollowLongPollAnswersByItsDeadlineWhileTheStorageIsFrozen() throws Exception {
        ApiResponse first = follow(null);
        assertThat(first.status()).as(new String(first.body())).isEqualTo(200);
        String cursor = first.headers().get(FollowLogsHandler.CURSOR);
        assertThat(cursor).isNotBlank();
        Duration bound = Duration.ofMillis(FOLLOW_WAIT_SECONDS * 1000L + 250 + 500);

        azurite.freeze();
        try {
            // a continuation: the cursor unchanged, no lines (the client calls again from there)
            long start = System.nanoTime();
            ApiResponse r = follow(cursor);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(r.status()).as(new String(r.body())).isEqualTo(200);
            assertThat(r.body()).isEmpty();
            assertThat(r.headers().get(FollowLogsHandler.CURSOR)).isEqualTo(cursor);
            assertThat(r.headers().get(FollowLogsHandler.ENDED)).isEqualTo("false");
            assertThat(took).isLessThan(bound);

            // a first call has no cursor to give back: 503 at the deadline, not after the storage's own timeout
            start = System.nanoTime();
            ApiResponse none = follow(null);
            took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(none.status()).isEqualTo(503);
            assertThat(message(none)).contains("SOCKERLESS_FOLLOW_WAIT_SECONDS");
            assertThat(took).isLessThan(bound);
        } finally {
            azurite.thaw();
        }
    }

    @Test
    void aFromBlobLoadFromFrozenStorageAnswers503WithinTheDeadline() throws Exception {
        azurite.freeze();
        try {
            long start = System.nanoTime();
            ApiResponse r = loadFromBlob("archive.tar");
            assertThat(r.status()).isEqualTo(503);
            assertThat(message(r))
                    .startsWith("Blob Storage did not answer within 2 s: ")
                    .contains("/devstoreaccount1/uploads/archive.tar");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(DEADLINE_SECONDS + 3));
        } finally {
            azurite.thaw();
        }
        // The blob client answers again: a missing blob is reported as such, at once.
        ApiResponse missing = loadFromBlob("missing.tar");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(message(missing)).startsWith("no such blob: ");
    }
}
