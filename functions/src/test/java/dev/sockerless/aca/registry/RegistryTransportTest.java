package dev.sockerless.aca.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.sockerless.aca.io.Backoff;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redirects are followed by the transport, not by the JDK client, which would forward {@code Authorization} to
 * another host (a registry's CDN, or anyone a hostile registry names).
 */
class RegistryTransportTest {

    HttpServer registry;
    HttpServer cdn;
    final List<String> cdnAuthorization = new CopyOnWriteArrayList<>();
    final List<String> registryAuthorization = new CopyOnWriteArrayList<>();
    RegistryTransport transport;

    @BeforeEach
    void start() throws IOException {
        cdn = HttpServer.create(new InetSocketAddress("127.0.0.2", 0), 0);
        cdn.createContext("/", ex -> {
            cdnAuthorization.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            byte[] body = "blob".getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        cdn.start();
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/v2/x/blobs/", ex -> {
            registryAuthorization.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            ex.getResponseHeaders()
                    .add("Location", "http://127.0.0.2:" + cdn.getAddress().getPort() + "/data");
            ex.sendResponseHeaders(307, -1);
            ex.close();
        });
        registry.createContext("/v2/x/local/", ex -> {
            registryAuthorization.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            ex.getResponseHeaders().add("Location", "/v2/x/blobs/next");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        registry.createContext("/v2/loop", ex -> {
            ex.getResponseHeaders().add("Location", "/v2/loop");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        registry.start();
        // The registry is operator-trusted (as an insecure registry would be), so its redirects may stay on loopback.
        transport = new RegistryTransport(
                RegistryTransport.newHttpClient(Duration.ofSeconds(5)),
                Duration.ofSeconds(5),
                OutboundGuard.trusting(
                        List.of("127.0.0.1:" + registry.getAddress().getPort())),
                Backoff.NONE);
    }

    @AfterEach
    void stop() {
        registry.stop(0);
        cdn.stop(0);
    }

    private RegistryTransport.Response get(String path) {
        return transport.send(
                new RegistryTransport.Request(
                        "GET",
                        URI.create("http://127.0.0.1:" + registry.getAddress().getPort() + path),
                        Map.of("Authorization", "Bearer secret-token"),
                        null),
                1024,
                "fetch blob");
    }

    @Test
    void crossHostRedirectDropsAuthorization() {
        RegistryTransport.Response r = get("/v2/x/blobs/sha256:abc");
        assertThat(r.status()).isEqualTo(200);
        assertThat(new String(r.body())).isEqualTo("blob");
        assertThat(registryAuthorization).containsExactly("Bearer secret-token");
        assertThat(cdnAuthorization).containsExactly("null");
    }

    @Test
    void sameHostRedirectKeepsAuthorizationAndResolvesRelativeLocations() {
        assertThat(get("/v2/x/local/start").status()).isEqualTo(200);
        assertThat(registryAuthorization).containsExactly("Bearer secret-token", "Bearer secret-token");
        assertThat(cdnAuthorization).containsExactly("null");
    }

    @Test
    void redirectLoopsEndWithAClearError() {
        assertThatThrownBy(() -> get("/v2/loop"))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> assertThat(e.failure()).isEqualTo(RegistryException.Failure.UNREACHABLE))
                .hasMessage("fetch blob: too many redirects");
    }

    @Test
    void oversizeBodiesAreRefused() {
        assertThatThrownBy(() -> transport.send(
                        new RegistryTransport.Request(
                                "GET",
                                URI.create("http://127.0.0.1:"
                                        + registry.getAddress().getPort() + "/v2/x/blobs/a"),
                                Map.of(),
                                null),
                        2,
                        "fetch blob"))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> assertThat(e.failure()).isEqualTo(RegistryException.Failure.BAD_CONTENT))
                .hasMessage("fetch blob: response exceeds the limit of 2 bytes");
    }
}
