package dev.sockerless.aca.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sockerless.aca.docker.ApiRequest;
import dev.sockerless.aca.docker.ApiResponse;
import dev.sockerless.aca.docker.ApiVersion;
import dev.sockerless.aca.docker.ImageHandlers;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.io.Backoff;
import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.registry.OutboundGuard;
import dev.sockerless.aca.registry.Platform;
import dev.sockerless.aca.registry.Registries;
import dev.sockerless.aca.registry.RegistryEndpoints;
import dev.sockerless.aca.registry.RegistryTransport;
import dev.sockerless.aca.testing.TestImage;
import dev.sockerless.aca.testing.TestImages;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A registry that misbehaves in every way the issue names, each repository one way. Every pull gets a clear error
 * within a bounded time, nothing is recorded, and a good pull afterwards still works.
 */
class HostileRegistryIT {

    static HttpServer server;
    static String host;
    static final TestImage good = TestImages.simple(TestImages.Format.OCI, TestImages.Platform.LINUX_AMD64);
    InMemoryImageStore store;
    ImageHandlers handlers;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", HostileRegistryIT::handle);
        server.start();
        host = "127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @BeforeEach
    void fresh() {
        store = new InMemoryImageStore();
        Duration timeout = Duration.ofSeconds(2);
        RegistryEndpoints endpoints = new RegistryEndpoints(Map.of(), List.of(host));
        Registries registries = new Registries(
                new RegistryTransport(
                        RegistryTransport.newHttpClient(timeout),
                        timeout,
                        OutboundGuard.trusting(endpoints.trustedAuthorities()),
                        Backoff.NONE),
                endpoints,
                Clock.systemUTC());
        ImageLookup lookup = new ImageLookup(store);
        handlers = new ImageHandlers(
                new ImagePuller(registries, store, new ContentCache(1 << 20), Clock.systemUTC()),
                lookup,
                store,
                new ImageTagger(lookup, store, Clock.systemUTC()),
                null,
                () -> null,
                () -> null,
                Platform.LINUX_AMD64);
    }

    static void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String repo = path.startsWith("/v2/") ? path.substring(4, path.indexOf('/', 4)) : "";
            boolean manifest = path.contains("/manifests/");
            switch (repo) {
                case "good" -> {
                    if (manifest) {
                        send(
                                ex,
                                200,
                                good.manifest().mediaType(),
                                good.manifest().bytes(),
                                good.manifest().digest());
                    } else {
                        send(ex, 200, "application/octet-stream", good.config().bytes(), null);
                    }
                }
                case "wrongdigest" ->
                    send(ex, 200, TestImages.OCI_MANIFEST, good.manifest().bytes(), "sha256:" + "0".repeat(64));
                case "wrongconfig" -> {
                    if (manifest) {
                        send(
                                ex,
                                200,
                                good.manifest().mediaType(),
                                good.manifest().bytes(),
                                null);
                    } else {
                        send(ex, 200, "application/octet-stream", "{\"rootfs\":{}}       ".getBytes(), null);
                    }
                }
                case "oversizeconfig" -> {
                    String m = "{\"schemaVersion\":2,\"mediaType\":\"" + TestImages.OCI_MANIFEST
                            + "\",\"config\":{\"mediaType\":\"" + TestImages.OCI_CONFIG + "\",\"digest\":\"sha256:"
                            + "a".repeat(64) + "\",\"size\":9437184},\"layers\":[]}";
                    send(ex, 200, TestImages.OCI_MANIFEST, m.getBytes(StandardCharsets.UTF_8), null);
                }
                case "oversize" -> send(ex, 200, TestImages.OCI_MANIFEST, new byte[5 << 20], null);
                case "endless" -> {
                    ex.getResponseHeaders().add("Content-Type", TestImages.OCI_MANIFEST);
                    ex.sendResponseHeaders(200, 0);
                    OutputStream out = ex.getResponseBody();
                    byte[] chunk = new byte[64 << 10];
                    for (int i = 0; i < 1024; i++) { // 64 MiB, far past the 4 MiB cap
                        out.write(chunk);
                    }
                }
                case "slowdrip" -> {
                    ex.getResponseHeaders().add("Content-Type", TestImages.OCI_MANIFEST);
                    ex.sendResponseHeaders(200, 0);
                    OutputStream out = ex.getResponseBody();
                    for (int i = 0; i < 100; i++) {
                        out.write('{');
                        out.flush();
                        sleep(300);
                    }
                }
                case "stall" -> {
                    ex.getResponseHeaders().add("Content-Type", TestImages.OCI_MANIFEST);
                    ex.sendResponseHeaders(200, 0);
                    sleep(30_000);
                }
                case "loop" -> {
                    ex.getResponseHeaders().add("Location", path);
                    ex.sendResponseHeaders(302, -1);
                }
                case "malformed" -> send(ex, 200, TestImages.OCI_MANIFEST, "{\"schemaVersion\":2,".getBytes(), null);
                case "unknowntype" ->
                    send(ex, 200, "application/vnd.example.thing+json", "{\"what\":1}".getBytes(), null);
                default ->
                    send(
                            ex,
                            404,
                            "application/json",
                            "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"no\"}]}".getBytes(),
                            null);
            }
        } catch (IOException ignored) {
            // the client gave up, as it should
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void send(HttpExchange ex, int status, String type, byte[] body, String digest) throws IOException {
        ex.getResponseHeaders().add("Content-Type", type);
        if (digest != null) {
            ex.getResponseHeaders().add("Docker-Content-Digest", digest);
        }
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    ApiResponse pull(String repo) {
        return handlers.create(new ApiRequest(
                "POST",
                ApiVersion.MAX,
                "/images/create",
                Map.of("fromImage", host + "/" + repo, "tag", "v1"),
                Map.of(),
                null));
    }

    /** The error text: thrown before any progress, or in-band after it. */
    String failure(String repo) {
        try {
            ApiResponse r = pull(repo);
            String body = new String(r.body(), StandardCharsets.UTF_8);
            assertThat(body).as("an in-band error").contains("errorDetail");
            return body;
        } catch (DockerApiException e) {
            return e.getMessage();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            wrongdigest    | manifest verification failed
            wrongconfig    | blob verification failed
            oversizeconfig | over the limit of 8388608
            oversize       | response exceeds the limit of 4194304 bytes
            endless        | response exceeds the limit of 4194304 bytes
            slowdrip       | did not send its response within
            stall          | did not send its response within
            loop           | too many redirects
            malformed      | malformed manifest: invalid JSON
            unknowntype    | unsupported manifest media type application/vnd.example.thing+json
            """)
    void eachMisbehaviourIsAClearErrorInBoundedTimeAndHarmsNothing(String repo, String expected) {
        long t0 = System.nanoTime();
        String message = failure(repo);
        double seconds = (System.nanoTime() - t0) / 1e9;

        assertThat(message).contains(expected);
        assertThat(seconds).as("time to fail").isLessThan(10);
        assertThat(store.listImages()).isEmpty();
        assertThat(store.listRefs()).isEmpty();
        // The app keeps serving: a good pull right after works.
        assertThat(pull("good").status()).isEqualTo(200);
        assertThat(store.findImage(Digest.parse(good.config().digest()))).isPresent();
    }
}
