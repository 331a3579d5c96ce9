package dev.sockerless.aca.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.sockerless.aca.io.Backoff;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The outbound guard and the transport's retries, against real HTTP servers on loopback. */
class OutboundGuardTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "127.0.0.1",
                "10.1.2.3",
                "172.16.0.1",
                "192.168.1.1",
                "169.254.169.254",
                "100.64.0.1",
                "0.0.0.0",
                "::1",
                "fe80::1",
                "fc00::1",
                "fd12:3456::1",
                "::ffff:10.0.0.1",
                "::ffff:169.254.169.254",
                "224.0.0.1",
                // IPv4-compatible, NAT64 (well-known and local-use), 6to4 carrying internal IPv4 addresses
                "::10.0.0.1",
                "::127.0.0.1",
                "::8.8.8.8",
                "64:ff9b::a9fe:a9fe",
                "64:ff9b::10.1.2.3",
                "64:ff9b:1::808:808",
                "2002:a9fe:a9fe::1",
                "2002:7f00:1::",
                "2002:c0a8:101::1",
                // Azure's wire server and the other IANA special-purpose blocks that are not globally reachable
                "168.63.129.16",
                "192.0.0.1",
                "192.0.0.170",
                "192.0.2.1",
                "198.51.100.7",
                "203.0.113.9",
                "192.88.99.1",
                "198.18.0.1",
                "240.0.0.1",
                "255.255.255.255",
                "100::1",
                "2001::1",
                "2001:1ff::1",
                "2001:db8::1",
                "3fff::1",
                "5f00::1",
                "fec0::1",
                "ff02::1"
            })
    void internalAddressesAreRecognised(String address) throws UnknownHostException {
        assertThat(OutboundGuard.isInternal(InetAddress.getByName(address))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "8.8.8.8",
                "93.184.216.34",
                "2001:4860:4860::8888",
                "100.128.0.1",
                "172.32.0.1",
                "64:ff9b::808:808",
                "2002:808:808::1",
                "168.63.129.17",
                "192.0.1.1",
                "2001:200::1",
                "3fff:1000::1",
                "2a01:111:f100::1"
            })
    void publicAddressesAreNot(String address) throws UnknownHostException {
        assertThat(OutboundGuard.isInternal(InetAddress.getByName(address))).isFalse();
    }

    @Test
    void aNameResolvingToTheMetadataServiceIsRefusedUnlessTrusted() throws UnknownHostException {
        InetAddress metadata = InetAddress.getByName("169.254.169.254");
        OutboundGuard guard =
                OutboundGuard.trusting(List.of("mirror.internal:5000"), host -> new InetAddress[] {metadata});
        assertThatThrownBy(() -> guard.check(URI.create("https://evil.example/v2/"), false))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> assertThat(e.failure()).isEqualTo(RegistryException.Failure.REFUSED))
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
            // The registry itself is listed, but the request does not serve a trusted registry: its redirect is
            // checked.
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
            RegistryTransport transport =
                    transport(List.of("127.0.0.1:" + server.getAddress().getPort()), slept);
            RegistryTransport.Response r = transport.send(get(server, "/v2/"), 1024, "ping");
            assertThat(r.status()).isEqualTo(200);
            assertThat(hits.get()).isEqualTo(3);
            assertThat(slept).hasSize(2);
            assertThat(slept.get(0)).isEqualTo(Duration.ofSeconds(7));
            assertThat(slept.get(1)).isLessThanOrEqualTo(Duration.ofSeconds(1));

            hits.set(1); // next answer: 503, then 200 — but a POST is not retried
            RegistryTransport.Response post = transport.send(
                    new RegistryTransport.Request(
                            "POST",
                            URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v2/x/blobs/uploads/"),
                            Map.of(),
                            new byte[0]),
                    1024,
                    "upload");
            assertThat(post.status()).isEqualTo(503);
        } finally {
            server.stop(0);
        }
    }

    /**
     * DNS rebinding across a retry: the name passes the check, the registry answers 503 with Retry-After, and by the
     * next attempt the name resolves to the metadata service. The retry is checked again and refused. (Loopback
     * stands in for a public address here, so the request goes through the tunnel to the test's server.)
     */
    @Test
    void aRetryIsCheckedAgainAfterItsWait() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        HttpServer server = unavailable(hits, 1);
        try {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            InetAddress[] answers = {loopback, loopback, InetAddress.getByName("169.254.169.254")};
            AtomicInteger lookups = new AtomicInteger();
            OutboundGuard guard = OutboundGuard.trusting(
                    List.of(),
                    host -> new InetAddress[] {answers[Math.min(lookups.getAndIncrement(), 2)]},
                    a -> !a.isLoopbackAddress() && OutboundGuard.isInternal(a));
            List<Duration> slept = new ArrayList<>();
            RegistryTransport transport = new RegistryTransport(
                    RegistryTransport.newHttpClient(Duration.ofSeconds(5)),
                    Duration.ofSeconds(5),
                    guard,
                    Backoff.jittered(
                            Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(30), slept::add));
            URI uri = URI.create("http://rebind.invalid:" + server.getAddress().getPort() + "/v2/");
            assertThatThrownBy(() ->
                            transport.send(new RegistryTransport.Request("GET", uri, Map.of(), null), 1024, "ping"))
                    .hasMessageContaining("it resolves to 169.254.169.254, an internal address");
            assertThat(hits.get()).isEqualTo(1);
            assertThat(slept).containsExactly(Duration.ofSeconds(1));
            assertThat(lookups.get()).as("check, tunnel, check again").isEqualTo(3);
        } finally {
            server.stop(0);
        }
    }

    /**
     * The check bound to the connection: the name passes the check before the attempt, and resolves to the metadata
     * service when the connection is made. The tunnel resolves it itself, refuses, and connects nowhere (no request
     * leaves the machine: the client only ever connects to the tunnel on loopback).
     */
    @Test
    void anUntrustedHttpsConnectionGoesWhereTheTunnelCheckedNotWhereTheNameNowPoints() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        RegistryTransport transport = rebinding(lookups);
        assertThatThrownBy(() -> transport.send(
                        new RegistryTransport.Request("GET", URI.create("https://rebind.invalid/v2/"), Map.of(), null),
                        1024,
                        "ping"))
                .hasMessageContaining("refusing to connect to rebind.invalid:443: it resolves to 169.254.169.254");
        assertThat(lookups.get())
                .as("the check before the attempt, then the tunnel's own")
                .isEqualTo(2);
    }

    /**
     * The same for plain http (a redirect to http, a plain-http realm): the request goes through the tunnel as
     * through a forward proxy, which resolves the name itself, refuses, and connects nowhere.
     */
    @Test
    void anUntrustedPlainHttpRequestGoesWhereTheTunnelCheckedNotWhereTheNameNowPoints() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        RegistryTransport transport = rebinding(lookups);
        assertThatThrownBy(() -> transport.send(
                        new RegistryTransport.Request(
                                "GET", URI.create("http://rebind.invalid/token?scope=x"), Map.of(), null),
                        1024,
                        "fetch token"))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> assertThat(e.failure()).isEqualTo(RegistryException.Failure.REFUSED))
                .hasMessageContaining("refusing to connect to rebind.invalid:80: it resolves to 169.254.169.254");
        assertThat(lookups.get())
                .as("the check before the attempt, then the tunnel's own")
                .isEqualTo(2);
    }

    /**
     * In forward-proxy mode the tunnel sends the request in origin form to the address it checked, drops the
     * hop-by-hop headers and asks for {@code Connection: close}, so the connection serves that one request.
     */
    @Test
    void theTunnelForwardsPlainHttpToTheCheckedAddress() throws Exception {
        try (java.net.ServerSocket upstream = new java.net.ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CompletableFuture<String> seen = new java.util.concurrent.CompletableFuture<>();
            Thread t = new Thread(() -> {
                try (java.net.Socket s = upstream.accept()) {
                    StringBuilder head = new StringBuilder();
                    while (!head.toString().endsWith("\r\n\r\n")) {
                        head.append((char) s.getInputStream().read());
                    }
                    seen.complete(head.toString());
                    s.getOutputStream()
                            .write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                } catch (java.io.IOException e) {
                    seen.completeExceptionally(e);
                }
            });
            t.setDaemon(true);
            t.start();
            String authority = "registry.test:" + upstream.getLocalPort();
            try (GuardedTunnel tunnel = loopbackTunnel(List.of(authority));
                    java.net.Socket s = clientOf(tunnel)) {
                s.getOutputStream()
                        .write(("GET http://" + authority + "/v2/x/tags/list?n=1 HTTP/1.1\r\nHost: " + authority
                                        + "\r\nConnection: keep-alive\r\nProxy-Connection: keep-alive\r\n"
                                        + "Authorization: Bearer t\r\n\r\n")
                                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                String answer =
                        new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertThat(answer).endsWith("\r\n\r\nok");
            }
            assertThat(seen.get(5, java.util.concurrent.TimeUnit.SECONDS))
                    .isEqualTo("GET /v2/x/tags/list?n=1 HTTP/1.1\r\nHost: " + authority
                            + "\r\nAuthorization: Bearer t\r\nConnection: close\r\n\r\n");
        }
    }

    /** The tunnel passes bytes both ways to the address it checked (a trusted name here, to reach loopback). */
    @Test
    void theTunnelConnectsToTheCheckedAddress() throws Exception {
        try (java.net.ServerSocket echo = new java.net.ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (java.net.Socket s = echo.accept()) {
                    s.getInputStream().transferTo(s.getOutputStream());
                } catch (java.io.IOException ignored) {
                    // test ended
                }
            });
            t.setDaemon(true);
            t.start();
            String authority = "registry.test:" + echo.getLocalPort();
            try (GuardedTunnel tunnel = loopbackTunnel(List.of(authority));
                    java.net.Socket s = clientOf(tunnel)) {
                s.getOutputStream()
                        .write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\nhello")
                                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                s.shutdownOutput();
                String answer =
                        new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertThat(answer).isEqualTo("HTTP/1.1 200 Connection established\r\nContent-Length: 0\r\n\r\nhello");
            }
            try (GuardedTunnel tunnel = loopbackTunnel(List.of());
                    java.net.Socket s = clientOf(tunnel)) {
                s.getOutputStream()
                        .write(("CONNECT " + authority + " HTTP/1.1\r\n\r\n")
                                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                String answer =
                        new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertThat(answer)
                        .startsWith("HTTP/1.1 403 refusing to connect to " + authority + ": it resolves to 127.0.0.1");
            }
        }
    }

    /** A tunnel whose guard resolves every name to loopback and trusts {@code trusted} (so only those reach it). */
    private static GuardedTunnel loopbackTunnel(List<String> trusted) throws java.io.IOException {
        return new GuardedTunnel(
                OutboundGuard.trusting(trusted, host -> new InetAddress[] {InetAddress.getLoopbackAddress()}),
                Duration.ofSeconds(5));
    }

    /** A client connection to {@code tunnel}, reads bounded at 5 s. */
    private static java.net.Socket clientOf(GuardedTunnel tunnel) throws java.io.IOException {
        java.net.Socket s = new java.net.Socket(
                InetAddress.getLoopbackAddress(), tunnel.address().getPort());
        s.setSoTimeout(5000);
        return s;
    }

    @Test
    void retriesStopAtTheBudget() throws Exception {
        AtomicInteger hits = new AtomicInteger();
        HttpServer server = unavailable(hits, 20);
        try {
            List<Duration> slept = new ArrayList<>();
            RegistryTransport transport =
                    transport(List.of("127.0.0.1:" + server.getAddress().getPort()), slept);
            assertThat(transport.send(get(server, "/v2/"), 1024, "ping").status())
                    .isEqualTo(503);
            assertThat(slept.stream().mapToLong(Duration::toSeconds).sum()).isLessThanOrEqualTo(30);
            assertThat(hits.get()).isEqualTo(2); // 20 s waited once; a second wait would pass the 30 s budget
        } finally {
            server.stop(0);
        }
    }

    static RegistryTransport transport(List<String> trusted, List<Duration> slept) {
        return new RegistryTransport(
                RegistryTransport.newHttpClient(Duration.ofSeconds(5)),
                Duration.ofSeconds(5),
                OutboundGuard.trusting(trusted),
                Backoff.jittered(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(30), slept::add));
    }

    static RegistryTransport.Request get(HttpServer server, String path) {
        return new RegistryTransport.Request(
                "GET", URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path), Map.of(), null);
    }

    /**
     * A transport whose guard resolves every name to a public address the first time and to the metadata service
     * from then on, counting the lookups; no retries.
     */
    static RegistryTransport rebinding(AtomicInteger lookups) throws UnknownHostException {
        InetAddress[] answers = {InetAddress.getByName("93.184.216.34"), InetAddress.getByName("169.254.169.254")};
        OutboundGuard guard = OutboundGuard.trusting(List.of(), host ->
                new InetAddress[] {answers[Math.min(lookups.getAndIncrement(), 1)]});
        return new RegistryTransport(
                RegistryTransport.newHttpClient(Duration.ofSeconds(5)), Duration.ofSeconds(5), guard, Backoff.NONE);
    }

    /** A server answering every request 503 with {@code Retry-After: seconds}, counting them in {@code hits}. */
    static HttpServer unavailable(AtomicInteger hits, int seconds) throws Exception {
        return server(ex -> {
            hits.incrementAndGet();
            ex.getResponseHeaders().add("Retry-After", Integer.toString(seconds));
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
    }

    static HttpServer server(com.sun.net.httpserver.HttpHandler handler) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", handler);
        server.start();
        return server;
    }
}
