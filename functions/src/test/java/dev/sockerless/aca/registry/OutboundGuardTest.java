package dev.sockerless.aca.registry;

import com.sun.net.httpserver.HttpServer;
import dev.sockerless.aca.errors.DockerApiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The outbound guard and the transport's retries, against real HTTP servers on loopback. */
class OutboundGuardTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1",
            "0.0.0.0", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "224.0.0.1"})
    void internalAddressesAreRecognised(String address) throws UnknownHostException {
        assertThat(OutboundGuard.isInternal(InetAddress.getByName(address))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "93.184.216.34", "2001:4860:4860::8888", "100.128.0.1", "172.32.0.1"})
    void publicAddressesAreNot(String address) throws UnknownHostException {
        assertThat(OutboundGuard.isInternal(InetAddress.getByName(address))).isFalse();
    }

    @Test
    void aNameResolvingToTheMetadataServiceIsRefusedUnlessTrusted() throws UnknownHostException {
        InetAddress metadata = InetAddress.getByName("169.254.169.254");
        OutboundGuard guard = OutboundGuard.trusting(List.of("mirror.internal:5000"), host -> new InetAddress[]{metadata});
        assertThatThrownBy(() -> guard.check(URI.create("https://evil.example/v2/"), false))
                .isInstanceOf(DockerApiException.class)
                .satisfies(e -> assertThat(((DockerApiException) e).kind()).isEqualTo(DockerApiException.Kind.INVALID_PARAMETER))
                .hasMessage("refusing to connect to evil.example: it resolves to 169.254.169.254, an internal address "
                        + "(list the registry in SOCKERLESS_INSECURE_REGISTRIES to allow it)");
        guard.check(URI.create("http://mirror.internal:5000/v2/"), false);
        guard.check(URI.create("https://realm.of.a.trusted.registry/token"), true);
    }

    @Test
    void anUntrustedLoopbackRegistryIsRefusedBeforeAnyRequest() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        HttpServer server = server(ex -> {
            hits.incrementAndGet();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        try {
            RegistryTransport transport = transport(List.of(), new ArrayList<>());
            assertThatThrownBy(() -> transport.send(get(server, "/v2/"), 1024, "ping"))
                    .hasMessageContaining("an internal address");
            assertThat(hits.get()).isZero();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aRedirectToAnInternalAddressIsRefused() throws Exception {
        HttpServer server = server(ex -> {
            ex.getResponseHeaders().add("Location", "http://127.0.0.2:9/latest/meta-data/");
            ex.sendResponseHeaders(307, -1);
            ex.close();
        });
        try {
            String authority = "127.0.0.1:" + server.getAddress().getPort();
            RegistryTransport transport = transport(List.of(authority), new ArrayList<>());
            // The registry itself is listed, but the request does not serve a trusted registry: its redirect is checked.
            assertThatThrownBy(() -> transport.send(get(server, "/v2/x/blobs/sha256:1"), 1024, "fetch blob", false))
                    .hasMessageContaining("127.0.0.2:9: it resolves to 127.0.0.2");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void idempotentRequestsAreRetriedOnUnavailableHonouringRetryAfter() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        HttpServer server = server(ex -> {
            int n = hits.incrementAndGet();
            if (n == 1) {
                ex.getResponseHeaders().add("Retry-After", "7");
                ex.sendResponseHeaders(429, -1);
            } else if (n == 2) {
                ex.sendResponseHeaders(503, -1);
            } else {
                byte[] ok = "ok".getBytes();
                ex.sendResponseHeaders(200, ok.length);
                ex.getResponseBody().write(ok);
            }
            ex.close();
        });
        try {
            List<Duration> slept = new ArrayList<>();
            RegistryTransport transport = transport(List.of("127.0.0.1:" + server.getAddress().getPort()), slept);
            RegistryTransport.Response r = transport.send(get(server, "/v2/"), 1024, "ping");
            assertThat(r.status()).isEqualTo(200);
            assertThat(hits.get()).isEqualTo(3);
            assertThat(slept).hasSize(2);
            assertThat(slept.get(0)).isEqualTo(Duration.ofSeconds(7));
            assertThat(slept.get(1)).isLessThanOrEqualTo(Duration.ofSeconds(1));

            hits.set(1); // next answer: 503, then 200 — but a POST is not retried
            RegistryTransport.Response post = transport.send(new RegistryTransport.Request("POST",
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v2/x/blobs/uploads/"), Map.of(),
                    new byte[0]), 1024, "upload");
            assertThat(post.status()).isEqualTo(503);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void retriesStopAtTheBudget() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        HttpServer server = server(ex -> {
            hits.incrementAndGet();
            ex.getResponseHeaders().add("Retry-After", "20");
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        try {
            List<Duration> slept = new ArrayList<>();
            RegistryTransport transport = transport(List.of("127.0.0.1:" + server.getAddress().getPort()), slept);
            assertThat(transport.send(get(server, "/v2/"), 1024, "ping").status()).isEqualTo(503);
            assertThat(slept.stream().mapToLong(Duration::toSeconds).sum()).isLessThanOrEqualTo(30);
            assertThat(hits.get()).isEqualTo(2); // 20 s waited once; a second wait would pass the 30 s budget
        } finally {
            server.stop(0);
        }
    }

    static RegistryTransport transport(List<String> trusted, List<Duration> slept) {
        return new RegistryTransport(RegistryTransport.newHttpClient(Duration.ofSeconds(5)), Duration.ofSeconds(5),
                OutboundGuard.trusting(trusted), new RegistryTransport.Retries(Duration.ofMillis(200),
                Duration.ofSeconds(5), Duration.ofSeconds(30), slept::add));
    }

    static RegistryTransport.Request get(HttpServer server, String path) {
        return new RegistryTransport.Request("GET", URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path),
                Map.of(), null);
    }

    static HttpServer server(com.sun.net.httpserver.HttpHandler handler) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", handler);
        server.start();
        return server;
    }
}
