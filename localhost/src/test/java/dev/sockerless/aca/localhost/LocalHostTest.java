package dev.sockerless.aca.localhost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sockerless.aca.localhost.sample.HostSample;
import dev.sockerless.aca.testing.RawHttp;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The local host against the sample functions: each test is one behaviour of the Functions host (see the sources). */
class LocalHostTest {

    private static final int LIMIT = 64 * 1024;
    private static LocalHost host;
    /** The Host header value the local host accepts (HostHeaderCheck). */
    private static String HOST;

    private static final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @BeforeAll
    static void start() throws IOException {
        host = LocalHost.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                "dev.sockerless.aca.localhost.sample",
                LocalHost.Options.defaults().withMaxRequestBytes(LIMIT));
        HOST = "localhost:" + host.port();
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    static HttpResponse<String> send(
            LocalHost on, String method, String path, HttpRequest.BodyPublisher body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(on.url() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body);
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(
            String method, String path, HttpRequest.BodyPublisher body, String... headers) throws Exception {
        return send(host, method, path, body, headers);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, HttpRequest.BodyPublishers.noBody());
    }

    private static HttpResponse<String> post(String path, byte[] body, String... headers) throws Exception {
        return send("POST", path, HttpRequest.BodyPublishers.ofByteArray(body), headers);
    }

    private static RawHttp.Response raw(String request, boolean head) throws IOException {
        try (RawHttp http = new RawHttp(host.port())) {
            return http.send(request).read(head);
        }
    }

    // ------------------------------------------------------------------------------------------------- routing

    /**
     * The local host turns Nagle's algorithm off for the JDK HTTP server unless told otherwise (as Kestrel's NoDelay
     * defaults to true); a value the operator set is kept.
     */
    @Test
    void nagleIsOffUnlessTheOperatorSaysOtherwise() {
        String before = System.getProperty(LocalHost.NO_DELAY);
        try {
            System.clearProperty(LocalHost.NO_DELAY);
            LocalHost.noDelay();
            assertThat(System.getProperty(LocalHost.NO_DELAY)).isEqualTo("true");
            System.setProperty(LocalHost.NO_DELAY, "false");
            LocalHost.noDelay();
            assertThat(System.getProperty(LocalHost.NO_DELAY)).isEqualTo("false");
        } finally {
            if (before == null) {
                System.clearProperty(LocalHost.NO_DELAY);
            } else {
                System.setProperty(LocalHost.NO_DELAY, before);
            }
        }
    }

    @Test
    void firstMatchInNameOrderWinsNotTheMostSpecificRoute() throws Exception {
        // ImageGet (images/{*path}) sorts before ImageList (images/json): on Azure the catch-all wins
        assertThat(get("/images/json?all=1").body()).isEqualTo("get json");
        // ImageCreate and ImageLoad sort before ImagePost (images/{*path})
        assertThat(post("/images/create?fromImage=alpine&tag=3", new byte[0]).body())
                .isEqualTo("create fromImage=alpine body=-1");
        assertThat(post("/images/load", new byte[0]).body()).isEqualTo("load empty");
        assertThat(get("/images/create").body()).isEqualTo("get create");
    }

    @Test
    void versionPrefixIsRegexConstrained() throws Exception {
        HttpResponse<String> r = post("/v1.50/images/create?fromImage=docker.io%2Flibrary%2Falpine", new byte[0]);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("create v1.50 fromImage=docker.io/library/alpine");
        HttpResponse<String> miss = post("/vX/images/create", new byte[0]);
        assertThat(miss.statusCode()).isEqualTo(404);
        assertThat(miss.body()).isEmpty();
    }

    @Test
    void catchAllCapturesImageNamesAndKeepsEncodedSlashes() throws Exception {
        assertThat(get("/v1.50/images/myreg:5000/foo/bar:v1/json").body())
                .isEqualTo("get v1.50 myreg:5000/foo/bar:v1/json");
        assertThat(get("/images/alpine@sha256:abc/json").body()).isEqualTo("get alpine@sha256:abc/json");
        assertThat(get("/images/json/json").body()).isEqualTo("get json/json");
        assertThat(get("/IMAGES/a%3Ab/json").body())
                .as("literals ignore case; %3A is decoded")
                .isEqualTo("get a:b/json");
        assertThat(get("/images/a%2Fb/json").body()).as("%2F stays encoded").isEqualTo("get a%2Fb/json");
        assertThat(post("/v1.50/images/sha256:9234e8fb04c4/tag?repo=docker.io%2Flibrary%2Ffoo&tag=2", new byte[0])
                        .statusCode())
                .isEqualTo(404); // no versioned POST catch-all in the sample
        assertThat(post("/images/sha256:9234e8fb04c4/tag?repo=docker.io%2Flibrary%2Ffoo&tag=2", new byte[0])
                        .body())
                .isEqualTo("post sha256:9234e8fb04c4/tag repo=docker.io/library/foo tag=2");
    }

    @Test
    void headIsServedOnlyWhereTheFunctionListsHead() throws Exception {
        RawHttp.Response head = raw("HEAD /_ping HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n", true);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Api-Version")).isEqualTo("1.51");
        assertThat(head.headers())
                .as("Kestrel adds no Content-Length to HEAD")
                .doesNotContainKey("content-length")
                .doesNotContainKey("transfer-encoding");
        HttpResponse<String> getPing = get("/_ping");
        assertThat(getPing.body()).isEqualTo("OK");
        assertThat(getPing.headers().firstValue("Ostype")).hasValue("linux");
        // HEAD is not mapped to GET: a GET-only route answers 404
        assertThat(send("HEAD", "/images/json", HttpRequest.BodyPublishers.noBody())
                        .statusCode())
                .isEqualTo(404);
        assertThat(send("HEAD", "/boom", HttpRequest.BodyPublishers.noBody()).statusCode())
                .isEqualTo(404);
    }

    @Test
    void noRouteIsAnEmpty404AndSlashIsTheHomepage() throws Exception {
        for (String path : new String[] {"/nope", "/v1.50/nope", "/containers/x/logs"}) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).isEmpty();
            assertThat(r.headers().firstValue("Content-Type")).as(path).isEmpty();
            assertThat(r.headers().firstValue("Content-Length")).as(path).hasValue("0");
        }
        assertThat(send("PATCH", "/echo", HttpRequest.BodyPublishers.ofString("x"))
                        .statusCode())
                .isEqualTo(404);
        HttpResponse<String> home = get("/");
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(home.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(home.body()).contains("Your Functions app is up and running");
        try (LocalHost noHome = LocalHost.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                "dev.sockerless.aca.localhost.sample",
                LocalHost.Options.defaults().withHomepageDisabled(true))) {
            assertThat(send(noHome, "GET", "/", HttpRequest.BodyPublishers.noBody())
                            .statusCode())
                    .isEqualTo(204);
        }
    }

    @Test
    void bindingNamesFromRouteAndQuery() throws Exception {
        assertThat(get("/items/42/bob?q=x").body()).isEqualTo("id=42 name=bob q=x");
        assertThat(get("/items/42/bob").body()).isEqualTo("id=42 name=bob q=null");
        assertThat(get("/items/notanint/bob").statusCode()).isEqualTo(404); // the regex constraint
        assertThat(get("/items/42").statusCode()).isEqualTo(404);
    }

    // ---------------------------------------------------------------------------------------------- request bodies

    @Test
    void octetStreamArrivesByteForByteEvenWhenNotUtf8() throws Exception {
        byte[] body = new byte[40_000];
        new Random(7).nextBytes(body);
        body[0] = (byte) 0xC3; // invalid UTF-8 right at the start
        body[1] = (byte) 0x28;
        HttpResponse<String> r = post("/images/load?quiet=1", body, "Content-Type", "application/octet-stream");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"length\":40000}");
        assertThat(r.headers().firstValue("X-Body-Sha256")).hasValue(sha256(body));
        assertThat(post("/images/load", body, "Content-Type", "Application/Octet-Stream; x=y")
                        .statusCode())
                .isEqualTo(200);
        assertThat(post("/images/load", body, "Content-Type", "multipart/form-data; boundary=b")
                        .headers()
                        .firstValue("X-Body-Sha256"))
                .hasValue(sha256(body));
    }

    @Test
    void aTextBodyForAByteArrayFunctionIsAnEmpty500() throws Exception {
        byte[] tar = "ustar archive bytes".getBytes(StandardCharsets.UTF_8);
        for (String[] headers :
                new String[][] {{"Content-Type", "application/x-tar"}, {"Content-Type", "application/json"}, {}}) {
            HttpResponse<String> r = post("/images/load", tar, headers);
            assertThat(r.statusCode()).as(String.join(" ", headers)).isEqualTo(500);
            assertThat(r.body()).isEmpty();
        }
    }

    @Test
    void chunkedBodiesReachTheFunctionAsNoBody() throws Exception {
        byte[] body = new byte[50_000];
        new Random(11).nextBytes(body);
        HttpRequest.BodyPublisher chunked =
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body));
        assertThat(chunked.contentLength()).isNegative();
        HttpResponse<String> r = send("POST", "/images/load", chunked, "Content-Type", "application/octet-stream");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("load empty");
        // bigger than the limit: never read, so never refused
        HttpResponse<String> big = send(
                "POST",
                "/echo",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[3 * LIMIT])),
                "Content-Type",
                "text/plain");
        assertThat(big.body()).isEqualTo("empty");
    }

    @Test
    void emptyBodyIsOptionalEmpty() throws Exception {
        assertThat(post("/images/load", new byte[0], "Content-Type", "application/octet-stream")
                        .body())
                .isEqualTo("load empty");
        assertThat(send("PUT", "/echo", HttpRequest.BodyPublishers.noBody()).body())
                .isEqualTo("empty");
    }

    @Test
    void textBodiesAreDecodedAsUtf8WithByteOrderMarksAndReplacement() throws Exception {
        HttpResponse<String> json = post(
                "/echo", "{\"a\":\"h\u00e9\"}".getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
        assertThat(json.body()).isEqualTo("string:{\"a\":\"h\u00e9\"}");
        byte[] utf16 = new byte[] {(byte) 0xFF, (byte) 0xFE, 'h', 0, (byte) 0xE9, 0};
        assertThat(post("/untyped", utf16, "Content-Type", "text/plain").body()).isEqualTo("string:68 e9");
        byte[] bomUtf8 = new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'o', 'k'};
        assertThat(post("/untyped", bomUtf8).body()).isEqualTo("string:6f 6b");
        byte[] invalid = new byte[] {'a', (byte) 0xFF, 'b'};
        assertThat(post("/untyped", invalid, "Content-Type", "application/x-tar")
                        .body())
                .isEqualTo("string:61 fffd 62");
        assertThat(post("/untyped", invalid, "Content-Type", "application/octet-stream")
                        .body())
                .isEqualTo("bytes:3");
    }

    @Test
    void headersAreLowerCasedAndTheMapIsCaseSensitiveQueryDropsEmptyValues() throws Exception {
        HttpResponse<String> r = send(
                "POST",
                "/echo?q=a+b%26c&empty=&flag",
                HttpRequest.BodyPublishers.ofString("x", StandardCharsets.UTF_8),
                "X-Registry-Auth",
                "e30=",
                "Content-Type",
                "text/plain",
                "X-Twice",
                "a",
                "X-Twice",
                "b");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-auth-lower")).hasValue("e30=");
        assertThat(r.headers().firstValue("x-auth-upper")).hasValue("null");
        assertThat(r.headers().firstValue("x-twice")).hasValue("a,b");
        assertThat(r.headers().firstValue("x-query")).hasValue("a b&c");
        assertThat(r.headers().firstValue("x-query-names")).hasValue("[q]");
        assertThat(r.headers().firstValue("x-method")).hasValue("POST");
        assertThat(r.headers().firstValue("x-function")).hasValue("Echo");
        assertThat(r.headers().firstValue("x-invocation").orElseThrow()).hasSize(36);
        assertThat(r.headers().firstValue("x-uri").orElseThrow()).isEqualTo(host.url() + "/echo?q=a+b%26c&empty=&flag");
        assertThat(post("/echo?q=1&q=2", new byte[0]).headers().firstValue("x-query"))
                .hasValue("1,2");
    }

    // ---------------------------------------------------------------------------------------------- limits

    @Test
    void aDeclaredBodyOverTheLimitIsAnEmpty500BeforeTheBodyIsRead() throws Exception {
        try (RawHttp http = new RawHttp(host.port())) {
            // only the headers: the answer comes before any body byte is sent
            RawHttp.Response r = http.send(
                            "POST /images/load HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Type: application/"
                                    + "octet-stream\r\nContent-Length: " + (LIMIT + 1) + "\r\n\r\n")
                    .read(false);
            assertThat(r.status()).isEqualTo(500);
            assertThat(r.body()).isEmpty();
            assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
            http.send(new byte[LIMIT + 1]);
            assertThat(http.closedByServer()).isTrue();
        }
        // a client that sends the whole body at once still gets the answer, and the host serves on
        HttpResponse<String> r = post("/images/load", new byte[LIMIT + 1], "Content-Type", "application/octet-stream");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).isEmpty();
        assertThat(post("/images/load", new byte[LIMIT], "Content-Type", "application/octet-stream")
                        .body())
                .isEqualTo("{\"length\":" + LIMIT + "}");
    }

    @Test
    void kestrelRequestLimits() throws Exception {
        RawHttp.Response longUrl =
                raw("GET /echo?q=" + "a".repeat(8200) + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n", false);
        assertThat(longUrl.status()).isEqualTo(414);
        assertThat(raw("GET /_ping?q=" + "a".repeat(8000) + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n", false)
                        .status())
                .isEqualTo(200);
        StringBuilder many = new StringBuilder("GET /_ping HTTP/1.1\r\nHost: " + HOST + "\r\n");
        for (int i = 0; i < 100; i++) {
            many.append("X-H").append(i).append(": v\r\n");
        }
        assertThat(raw(many + "\r\n", false).status()).as("101 fields").isEqualTo(431);
        String big = "GET /_ping HTTP/1.1\r\nHost: " + HOST + "\r\nX-Big: " + "b".repeat(33 * 1024) + "\r\n\r\n";
        assertThat(raw(big, false).status()).as("33 KB of headers").isEqualTo(431);
    }

    @Test
    void afterTheResponseDeadlineTheCallerGets502AndTheInvocationGoesOn() throws Exception {
        HostSample.slowFinished = new CountDownLatch(1);
        try (LocalHost quick = LocalHost.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                "dev.sockerless.aca.localhost.sample",
                LocalHost.Options.defaults().withResponseTimeout(Duration.ofMillis(300)))) {
            HttpResponse<String> r = send(quick, "GET", "/slow/1500", HttpRequest.BodyPublishers.noBody());
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).isEmpty();
            assertThat(HostSample.slowFinished.getCount())
                    .as("answered before the function ended")
                    .isEqualTo(1);
            assertThat(HostSample.slowFinished.await(10, TimeUnit.SECONDS))
                    .as("the invocation went on")
                    .isTrue();
        }
    }

    // ---------------------------------------------------------------------------------------------- responses

    @Test
    void bodiesAreChunkedUnlessTheFunctionSetsAContentLength() throws Exception {
        RawHttp.Response text = raw("GET /framing/text HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n", false);
        assertThat(text.chunked()).isTrue();
        assertThat(text.headers()).doesNotContainKey("content-length");
        assertThat(text.text()).isEqualTo("hello");
        assertThat(text.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(text.header("Server")).isEqualTo("Kestrel");
        assertThat(text.header("Date")).isNotBlank();

        RawHttp.Response fixed = raw("GET /framing/length-ok HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n", false);
        assertThat(fixed.chunked()).isFalse();
        assertThat(fixed.header("Content-Length")).isEqualTo("5");
        assertThat(fixed.text()).isEqualTo("hello");

        RawHttp.Response empty = raw("GET /framing/empty HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n", false);
        assertThat(empty.header("Content-Length")).isEqualTo("0");
        assertThat(empty.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");

        RawHttp.Response head = raw("HEAD /framing/text HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n", true);
        assertThat(head.headers()).doesNotContainKeys("content-length", "transfer-encoding");
        RawHttp.Response headFixed = raw("HEAD /framing/length-ok HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n", true);
        assertThat(headFixed.header("Content-Length")).isEqualTo("5");
    }

    @Test
    void aWrongFunctionContentLengthIsAnEmpty500() throws Exception {
        for (String mode : new String[] {"length-short", "length-long", "no-content-body"}) {
            RawHttp.Response r = raw("GET /framing/" + mode + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n", false);
            assertThat(r.status()).as(mode).isEqualTo(500);
            assertThat(r.body()).as(mode).isEmpty();
        }
    }

    @Test
    void contentTypesAsTheHostsFormattersWriteThem() throws Exception {
        assertThat(raw("GET /framing/json HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n", false)
                        .header("Content-Type"))
                .isEqualTo("application/json; charset=utf-8");
        RawHttp.Response bytes = raw("GET /framing/bytes HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n", false);
        assertThat(bytes.headers()).as("no default type for byte[]").doesNotContainKey("content-type");
        assertThat(bytes.text()).isEqualTo("raw");
        assertThat(raw("GET /framing/bytes-json HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n", false)
                        .header("Content-Type"))
                .isEqualTo("application/json");
        assertThat(raw("GET /framing/server HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n", false)
                        .header("Server"))
                .isEqualTo("mine");
    }

    @Test
    void aFunctionTransferEncodingIsPassedThroughUnframed() throws Exception {
        try (RawHttp http = new RawHttp(host.port())) {
            http.send("GET /framing/te HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n");
            String all = new String(http.rest(), StandardCharsets.ISO_8859_1);
            assertThat(all).containsIgnoringCase("Transfer-Encoding: chunked");
            // the bytes without chunk sizes: a client that honours Transfer-Encoding (Go's, the docker CLI's) fails
            assertThat(all).endsWith("\r\n\r\nnot chunk framing");
        }
    }

    // ------------------------------------------------------------------------------------------- not a doorway

    /** DNS rebinding: a page of evil.example re-pointed to 127.0.0.1 sends its own name as Host; only ours pass. */
    @Test
    void onlyRequestsForTheHostsOwnAddressAreServed() throws Exception {
        int port = host.port();
        for (String ok : new String[] {
            "127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port, "LocalHost:" + port, "localhost.:" + port
        }) {
            assertThat(raw("GET /_ping HTTP/1.1\r\nHost: " + ok + "\r\n\r\n", false)
                            .status())
                    .as(ok)
                    .isEqualTo(200);
        }
        for (String bad : new String[] {
            "evil.example:" + port,
            "evil.example",
            "localhost:" + (port + 1),
            "127.0.0.1",
            "127.0.0.2:" + port,
            "localhost.evil.example:" + port,
            "user@localhost:" + port
        }) {
            RawHttp.Response r = raw("GET /_ping HTTP/1.1\r\nHost: " + bad + "\r\n\r\n", false);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
            assertThat(r.text()).startsWith("{\"message\":\"the local host answers only requests for its own address");
        }
        assertThat(raw("GET /_ping HTTP/1.1\r\n\r\n", false).status())
                .as("no Host")
                .isEqualTo(400);
        // the function never ran: a POST with a foreign Host is refused before routing
        assertThat(raw(
                                "POST /images/load HTTP/1.1\r\nHost: evil.example:" + port + "\r\nContent-Type: "
                                        + "application/octet-stream\r\nContent-Length: 1\r\n\r\nx",
                                false)
                        .text())
                .doesNotContain("length");
    }

    @Test
    void aNonLoopbackAddressIsBoundOnlyWhenAllowedExplicitly() throws Exception {
        InetSocketAddress any = new InetSocketAddress("0.0.0.0", 0);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> LocalHost.start(any, "dev.sockerless.aca.localhost.sample", LocalHost.Options.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a loopback address")
                .hasMessageContaining("SOCKERLESS_LISTEN_ANY=true");
        try (LocalHost open = LocalHost.start(
                any,
                "dev.sockerless.aca.localhost.sample",
                LocalHost.Options.defaults().withListenAny(true))) {
            try (RawHttp http = new RawHttp(open.port())) {
                assertThat(http.send("GET /_ping HTTP/1.1\r\nHost: 0.0.0.0:" + open.port() + "\r\n\r\n")
                                .read(false)
                                .status())
                        .as("the configured listen host")
                        .isEqualTo(200);
            }
        }
    }

    @Test
    void exceptionIsAnEmpty500() throws Exception {
        HttpResponse<String> r = get("/boom");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().firstValue("Content-Type")).isEmpty();
    }

    @Test
    void customStatusAndNoContent() throws Exception {
        HttpResponse<String> r = send("DELETE", "/teapot/x", HttpRequest.BodyPublishers.noBody());
        assertThat(r.statusCode()).isEqualTo(418);
        assertThat(r.body()).isEqualTo("{\"message\":\"short and stout\"}");
        RawHttp.Response nc =
                raw("POST /containers/abc/start HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 0\r\n\r\n", false);
        assertThat(nc.status()).isEqualTo(204);
        assertThat(nc.headers()).doesNotContainKeys("content-length", "transfer-encoding");
    }

    @Test
    void keepAliveOnOneSocket() throws Exception {
        try (RawHttp http = new RawHttp(host.port())) {
            assertThat(http.send("HEAD /_ping HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")
                            .read(true)
                            .status())
                    .isEqualTo(200);
            RawHttp.Response list = http.send("GET /images/json HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")
                    .read(false);
            assertThat(list.text()).isEqualTo("get json");
            RawHttp.Response load = http.send("POST /images/load HTTP/1.1\r\nHost: " + HOST
                            + "\r\nTransfer-Encoding: chunked" + "\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
                    .read(false);
            assertThat(load.text()).isEqualTo("load empty");
            RawHttp.Response octets = http.send("POST /images/load HTTP/1.1\r\nHost: " + HOST
                            + "\r\nContent-Type: application/" + "octet-stream\r\nContent-Length: 5\r\n\r\nabcde")
                    .read(false);
            assertThat(octets.text()).isEqualTo("{\"length\":5}");
            assertThat(http.send("GET /nope HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")
                            .read(false)
                            .status())
                    .isEqualTo(404);
            assertThat(http.send("GET /_ping HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")
                            .read(false)
                            .text())
                    .isEqualTo("OK");
        }
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
