package dev.sockerless.aca.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sockerless.aca.testing.RawHttp;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bridge in front of a scripted app (the JDK server): what it forwards, and how the app's failures, Azure's
 * empty error replies included, become Docker errors with a message.
 */
class BridgeForwardingTest {

    static final String KEY = "the-function-key";
    static final ObjectMapper JSON = new ObjectMapper();

    /** What the app received. */
    record Seen(String method, String uri, com.sun.net.httpserver.Headers headers, byte[] body) {}

    HttpServer app;
    Bridge bridge;
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        app.createContext("/", this::answer);
        app.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        app.start();
        bridge = Bridge.start(settings(Map.of()));
    }

    BridgeSettings settings(Map<String, String> overrides) {
        Map<String, String> s = new HashMap<>(Map.of(
                "SOCKERLESS_BRIDGE_LISTEN",
                "127.0.0.1:0",
                "SOCKERLESS_BRIDGE_APP",
                "http://127.0.0.1:" + app.getAddress().getPort(),
                "SOCKERLESS_BRIDGE_KEY",
                KEY,
                "SOCKERLESS_BRIDGE_TIMEOUT_SECONDS",
                "1"));
        s.putAll(overrides);
        return BridgeSettings.from(s);
    }

    @AfterEach
    void stop() {
        release.countDown();
        bridge.close();
        app.stop(0);
    }

    private void answer(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().toString(), ex.getRequestHeaders(), body));
        String path = ex.getRequestURI().getPath();
        switch (path) {
            case "/v1.50/empty500" -> reply(ex, 500, null, "");
            case "/v1.50/empty401" -> reply(ex, 401, null, "");
            case "/v1.50/empty502" -> reply(ex, 502, null, "");
            case "/v1.50/html404" -> reply(ex, 404, "text/html", "<html>no</html>");
            case "/v1.50/docker409" ->
                reply(ex, 409, "application/json; charset=utf-8", "{\"message\":\"name in use\"}");
            case "/v1.50/stall" -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                reply(ex, 200, null, "late");
            }
            default -> reply(ex, 200, "application/json; charset=utf-8", "{\"ok\":true}");
        }
    }

    private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
        if (type != null) {
            ex.getResponseHeaders().set("Content-Type", type);
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : 0); // chunked, as the Functions host
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    RawHttp.Response call(String method, String path, String extraHeaders, String body) throws IOException {
        try (RawHttp http = new RawHttp(bridge.port())) {
            return http.send(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + bridge.port() + "\r\n"
                            + extraHeaders + "\r\n" + body)
                    .read(method.equals("HEAD"));
        }
    }

    static String message(RawHttp.Response r) throws IOException {
        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        return JSON.readTree(r.body()).path("message").asText();
    }

    @Test
    void forwardsMethodPathQueryHeadersAndAChunkedBodyWithALengthAndTheKey() throws Exception {
        RawHttp.Response r = call(
                "POST",
                "/v1.50/containers/create?name=x%2Fy",
                "Content-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\nX-Registry-Auth: e30=\r\nx-functions-key: client-supplied\r\n"
                        + "Connection: keep-alive, X-Hop\r\n",
                "5\r\n{\"a\":\r\n3\r\n 1}\r\n0\r\n\r\n");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("application/json"); // charset dropped: the CLI compares it
        Seen s = seen.get(0);
        assertThat(s.method()).isEqualTo("POST");
        assertThat(s.uri()).isEqualTo("/v1.50/containers/create?name=x%2Fy");
        assertThat(new String(s.body(), StandardCharsets.UTF_8)).isEqualTo("{\"a\": 1}");
        assertThat(s.headers().getFirst("Content-Length")).isEqualTo("8");
        assertThat(s.headers()).doesNotContainKey("Transfer-encoding");
        assertThat(s.headers().get("X-functions-key")).containsExactly(KEY);
        assertThat(s.headers().getFirst("X-registry-auth")).isEqualTo("e30=");
        assertThat(s.headers().getFirst("Host"))
                .isEqualTo("127.0.0.1:" + app.getAddress().getPort());
    }

    @Test
    void emptyErrorsFromTheHostBecomeMessages() throws Exception {
        RawHttp.Response failed = call("GET", "/v1.50/empty500", "", "");
        assertThat(failed.status()).isEqualTo(500);
        assertThat(message(failed)).startsWith("the app failed (HTTP 500");

        RawHttp.Response key = call("POST", "/v1.50/empty401", "Content-Length: 0\r\n", "");
        assertThat(key.status())
                .as("never 401: the CLI would prompt for a registry login")
                .isEqualTo(403);
        assertThat(message(key))
                .contains("refused the function key")
                .contains("SOCKERLESS_BRIDGE_KEY")
                .doesNotContain(KEY);

        assertThat(message(call("GET", "/v1.50/empty502", "", ""))).contains("230 s");
        RawHttp.Response html = call("GET", "/v1.50/html404", "", "");
        assertThat(html.status()).isEqualTo(404);
        assertThat(message(html)).isEqualTo("page not found");

        RawHttp.Response docker = call("GET", "/v1.50/docker409", "", "");
        assertThat(docker.status()).isEqualTo(409);
        assertThat(message(docker)).isEqualTo("name in use");
    }

    @Test
    void anAppThatDoesNotAnswerIsATimeoutNamingTheSetting() throws Exception {
        RawHttp.Response r = call("GET", "/v1.50/stall", "", "");
        assertThat(r.status()).isEqualTo(504);
        assertThat(message(r))
                .isEqualTo("the app at http://127.0.0.1:" + app.getAddress().getPort()
                        + " did not answer within 1 s (SOCKERLESS_BRIDGE_TIMEOUT_SECONDS)");
    }

    @Test
    void aBodyOverTheRequestLimitIsRefusedBeforeTheApp() throws Exception {
        try (Bridge small = Bridge.start(settings(Map.of("SOCKERLESS_BRIDGE_REQUEST_LIMIT", "4")));
                RawHttp http = new RawHttp(small.port())) {
            RawHttp.Response r = http.send("POST /v1.50/containers/create HTTP/1.1\r\nHost: localhost\r\n"
                            + "Content-Length: 5\r\n\r\n12345")
                    .read(false);
            assertThat(r.status()).isEqualTo(413);
            assertThat(message(r)).contains("SOCKERLESS_BRIDGE_REQUEST_LIMIT");
        }
        assertThat(seen).isEmpty();
    }

    @Test
    void headIsAnsweredWithoutABody() throws Exception {
        RawHttp.Response r = call("HEAD", "/_ping", "", "");
        assertThat(r.status()).isEqualTo(200);
        assertThat(seen.get(0).method()).isEqualTo("HEAD");
    }

    @Test
    void settingsRefuseANonLoopbackListenerAndNeverShowTheKey() {
        assertThatThrownBy(() -> settings(Map.of("SOCKERLESS_BRIDGE_LISTEN", "0.0.0.0:2375")))
                .hasMessageContaining("SOCKERLESS_BRIDGE_ALLOW_REMOTE=true");
        assertThat(settings(Map.of("SOCKERLESS_BRIDGE_LISTEN", "0.0.0.0:0", "SOCKERLESS_BRIDGE_ALLOW_REMOTE", "true"))
                        .listen()
                        .getAddress()
                        .isAnyLocalAddress())
                .isTrue();
        assertThat(settings(Map.of("SOCKERLESS_BRIDGE_UPLOAD_CONNECTION", "AccountKey=secret"))
                        .toString())
                .doesNotContain(KEY)
                .doesNotContain("secret");
        assertThatThrownBy(() -> BridgeSettings.from(Map.of()))
                .hasMessageContaining("SOCKERLESS_BRIDGE_APP is not set");
    }
}
