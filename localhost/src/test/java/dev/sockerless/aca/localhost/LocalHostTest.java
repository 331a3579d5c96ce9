package dev.sockerless.aca.localhost;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocalHostTest {

    private static final int LIMIT = 64 * 1024;
    private static LocalHost host;
    private static HttpClient client;

    @BeforeAll
    static void start() throws IOException {
        host = LocalHost.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                "dev.sockerless.aca.localhost.sample", LIMIT);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        host.close();
    }

    private static HttpResponse<String> send(String method, String path, HttpRequest.BodyPublisher body,
                                             String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(host.url() + path))
                .timeout(Duration.ofSeconds(10)).method(method, body);
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return send("GET", path, HttpRequest.BodyPublishers.noBody());
    }

    private static HttpResponse<String> post(String path, byte[] body) throws Exception {
        return send("POST", path, HttpRequest.BodyPublishers.ofByteArray(body));
    }

    @Test
    void literalBeatsCatchAll() throws Exception {
        assertThat(get("/images/json?all=1").body()).isEqualTo("list all=1");
        assertThat(post("/images/create?fromImage=alpine&tag=3", new byte[0]).body())
                .isEqualTo("create fromImage=alpine body=-1");
        assertThat(get("/images/create").body()).isEqualTo("get create");
    }

    @Test
    void versionPrefixIsRegexConstrained() throws Exception {
        HttpResponse<String> r = post("/v1.50/images/create?fromImage=docker.io%2Flibrary%2Falpine", new byte[0]);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("create v1.50 fromImage=docker.io/library/alpine");
        HttpResponse<String> miss = post("/vX/images/create", new byte[0]);
        assertThat(miss.statusCode()).isEqualTo(404);
        assertThat(miss.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(miss.body()).isEqualTo("{\"message\":\"page not found\"}\n");
    }

    @Test
    void catchAllCapturesImageNames() throws Exception {
        assertThat(get("/v1.50/images/myreg:5000/foo/bar:v1/json").body())
                .isEqualTo("get v1.50 myreg:5000/foo/bar:v1/json");
        assertThat(get("/images/alpine@sha256:abc/json").body()).isEqualTo("get alpine@sha256:abc/json");
        assertThat(get("/images/json/json").body()).isEqualTo("get json/json");
        assertThat(post("/v1.50/images/sha256:9234e8fb04c4/tag?repo=docker.io%2Flibrary%2Ffoo&tag=2", new byte[0])
                .statusCode()).isEqualTo(404); // no versioned POST catch-all in the sample
        assertThat(post("/images/sha256:9234e8fb04c4/tag?repo=docker.io%2Flibrary%2Ffoo&tag=2", new byte[0]).body())
                .isEqualTo("post sha256:9234e8fb04c4/tag repo=docker.io/library/foo tag=2");
    }

    @Test
    void headGetsHeadersOnly() throws Exception {
        HttpResponse<String> head = send("HEAD", "/_ping", HttpRequest.BodyPublishers.noBody());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Api-Version")).hasValue("1.51");
        assertThat(head.headers().firstValue("Content-Length")).hasValue("0");
        assertThat(head.body()).isEmpty();
        HttpResponse<String> getPing = get("/_ping");
        assertThat(getPing.body()).isEqualTo("OK");
        assertThat(getPing.headers().firstValue("Content-Length")).hasValue("2");
        assertThat(getPing.headers().firstValue("Ostype")).hasValue("linux");
        // a HEAD on a GET-only route is not routed
        assertThat(send("HEAD", "/images/json", HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(404);
    }

    @Test
    void binaryBodiesArriveIntact() throws Exception {
        byte[] body = new byte[40_000];
        new Random(7).nextBytes(body);
        HttpResponse<String> r = send("POST", "/images/load?quiet=1", HttpRequest.BodyPublishers.ofByteArray(body),
                "Content-Type", "application/x-tar");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"length\":40000}");
        assertThat(r.headers().firstValue("X-Body-Sha256")).hasValue(sha256(body));
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    }

    @Test
    void chunkedUploadOfUnknownLength() throws Exception {
        byte[] body = new byte[50_000];
        new Random(11).nextBytes(body);
        HttpRequest.BodyPublisher chunked = HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(body));
        assertThat(chunked.contentLength()).isNegative();
        HttpResponse<String> r = send("POST", "/images/load", chunked, "Content-Type", "application/x-tar");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"length\":50000}");
        assertThat(r.headers().firstValue("X-Body-Sha256")).hasValue(sha256(body));
    }

    @Test
    void emptyBodyIsOptionalEmpty() throws Exception {
        assertThat(post("/images/load", new byte[0]).body()).isEqualTo("load empty");
        assertThat(send("PUT", "/echo", HttpRequest.BodyPublishers.noBody()).body()).isEqualTo("empty");
    }

    @Test
    void stringBodiesAndCaseInsensitiveHeaders() throws Exception {
        HttpResponse<String> r = send("POST", "/echo?q=a+b%26c",
                HttpRequest.BodyPublishers.ofString("h\u00e9llo", StandardCharsets.UTF_8),
                "X-Registry-Auth", "e30=", "Content-Type", "application/json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("string:h\u00e9llo");
        assertThat(r.headers().firstValue("x-auth-lower")).hasValue("e30=");
        assertThat(r.headers().firstValue("x-auth-upper")).hasValue("e30=");
        assertThat(r.headers().firstValue("x-method")).hasValue("POST");
        assertThat(r.headers().firstValue("x-query")).hasValue("a b&c");
        assertThat(r.headers().firstValue("x-function")).hasValue("Echo");
        assertThat(r.headers().firstValue("x-invocation").orElseThrow()).hasSize(36);
        assertThat(r.headers().firstValue("x-uri").orElseThrow()).endsWith("/echo?q=a+b%26c").startsWith("http://");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    }

    @Test
    void noRouteIs404Json() throws Exception {
        for (String path : new String[] {"/nope", "/", "/v1.50/nope", "/containers/x/logs"}) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(r.body()).isEqualTo("{\"message\":\"page not found\"}\n");
        }
        assertThat(send("PATCH", "/echo", HttpRequest.BodyPublishers.ofString("x")).statusCode()).isEqualTo(404);
    }

    @Test
    void oversizeBodyIs413() throws Exception {
        byte[] big = new byte[LIMIT + 1];
        HttpResponse<String> r = post("/images/load", big);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.body()).isEqualTo("{\"message\":\"request body too large: limit " + LIMIT + " bytes\"}\n");
        HttpResponse<String> chunked = send("POST", "/images/load",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[3 * LIMIT])));
        assertThat(chunked.statusCode()).isEqualTo(413);
        // the host still serves afterwards
        assertThat(post("/images/load", new byte[LIMIT]).body()).isEqualTo("{\"length\":" + LIMIT + "}");
    }

    @Test
    void exceptionIs500Json() throws Exception {
        HttpResponse<String> r = get("/boom");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(r.body()).isEqualTo("{\"message\":\"kaboom \\\"quoted\\\"\"}\n");
    }

    @Test
    void bindingNamesFromRouteAndQuery() throws Exception {
        assertThat(get("/items/42/bob?q=x").body()).isEqualTo("id=42 name=bob q=x");
        assertThat(get("/items/42").body()).isEqualTo("id=42 name=null q=null");
        assertThat(get("/items/notanint").statusCode()).isEqualTo(404);
    }

    @Test
    void customStatusAndNoContent() throws Exception {
        HttpResponse<String> r = send("DELETE", "/teapot/x", HttpRequest.BodyPublishers.noBody());
        assertThat(r.statusCode()).isEqualTo(418);
        assertThat(r.body()).isEqualTo("{\"message\":\"short and stout\"}");
        HttpResponse<String> nc = post("/containers/abc/start", new byte[0]);
        assertThat(nc.statusCode()).isEqualTo(204);
        assertThat(nc.body()).isEmpty();
    }

    @Test
    void keepAliveWithJavaNetHttp() throws Exception {
        HttpClient single = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = single.send(HttpRequest.newBuilder(URI.create(host.url() + "/_ping")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).isEqualTo("OK");
        }
    }

    @Test
    void keepAliveOnOneSocket() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), host.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(("HEAD /_ping HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Raw head = Raw.read(in, true);
            assertThat(head.status).isEqualTo(200);
            out.write(("GET /images/json HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Raw list = Raw.read(in, false);
            assertThat(list.status).isEqualTo(200);
            assertThat(list.body).isEqualTo("list all=null");
            out.write(("POST /images/load HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Raw load = Raw.read(in, false);
            assertThat(load.body).isEqualTo("{\"length\":5}");
            out.write(("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Raw missing = Raw.read(in, false);
            assertThat(missing.status).isEqualTo(404);
            assertThat(missing.headers.get("content-type")).isEqualTo("application/json");
        }
    }

    /** A minimal HTTP/1.1 response reader that relies on Content-Length. */
    private record Raw(int status, Map<String, String> headers, String body) {
        static Raw read(InputStream in, boolean head) throws IOException {
            String statusLine = line(in);
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String l = line(in); !l.isEmpty(); l = line(in)) {
                int c = l.indexOf(':');
                headers.put(l.substring(0, c).trim().toLowerCase(Locale.ROOT), l.substring(c + 1).trim());
            }
            assertThat(headers).containsKey("content-length");
            assertThat(headers).doesNotContainKey("transfer-encoding");
            int len = head ? 0 : Integer.parseInt(headers.get("content-length"));
            byte[] body = in.readNBytes(len);
            return new Raw(status, headers, new String(body, StandardCharsets.UTF_8));
        }

        static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c != '\r') {
                    b.write(c);
                }
            }
            return b.toString(StandardCharsets.US_ASCII);
        }
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
