package dev.sockerless.aca.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A counting HTTP forwarder on {@code 127.0.0.1:0} in front of a registry (or any HTTP service), so tests and
 * benchmarks can assert how many requests a client made. Method, path+query, headers (except hop-by-hop and
 * {@code Host}/{@code Content-Length}) and body are forwarded unchanged; redirects are not followed. Bodies are
 * relayed byte for byte; only {@code Location} headers pointing at the target are rewritten to the proxy, so
 * follow-up upload requests pass through it too.
 */
public final class CountingProxy implements AutoCloseable {

    /**
     * One forwarded exchange.
     *
     * @param method HTTP method
     * @param path   path and raw query as received
     * @param status status returned by the target (502 if unreachable)
     */
    public record Exchange(String method, String path, int status) {}

    private static final Set<String> SKIPPED_REQUEST = caseInsensitive(
            "Host",
            "Content-Length",
            "Connection",
            "Keep-Alive",
            "Transfer-Encoding",
            "Expect",
            "Upgrade",
            "Proxy-Connection",
            "TE",
            "Trailer");
    private static final Set<String> SKIPPED_RESPONSE =
            caseInsensitive("Content-Length", "Connection", "Keep-Alive", "Transfer-Encoding", "Date", ":status");

    private final String target;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "counting-proxy");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final AtomicInteger count = new AtomicInteger();
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private volatile java.util.function.BiPredicate<String, String> failing = (method, path) -> false;

    /** Starts a proxy forwarding to {@code targetBaseUrl} (e.g. {@link RegistryServer#baseUrl()}). */
    public CountingProxy(String targetBaseUrl) {
        this.target =
                targetBaseUrl.endsWith("/") ? targetBaseUrl.substring(0, targetBaseUrl.length() - 1) : targetBaseUrl;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::forward);
        server.start();
    }

    /** {@code 127.0.0.1:PORT} of the proxy. */
    public String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:PORT} of the proxy. */
    public String baseUrl() {
        return "http://" + hostPort();
    }

    /** Number of requests received since start or the last {@link #reset()}. */
    public int requestCount() {
        return count.get();
    }

    /** The exchanges so far, in the order their responses started. */
    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /**
     * Answers requests matching {@code when(method, pathAndQuery)} with 500 (a registry failing midway) instead of
     * forwarding them; {@code null} forwards everything again.
     */
    public void failWhen(java.util.function.BiPredicate<String, String> when) {
        failing = when == null ? (method, path) -> false : when;
    }

    /** Clears the counter and the recorded exchanges. */
    public void reset() {
        count.set(0);
        exchanges.clear();
    }

    private void forward(HttpExchange ex) throws IOException {
        count.incrementAndGet();
        String method = ex.getRequestMethod();
        String pathAndQuery = ex.getRequestURI().getRawPath()
                + (ex.getRequestURI().getRawQuery() == null
                        ? ""
                        : "?" + ex.getRequestURI().getRawQuery());
        int status = 502;
        try {
            byte[] body = ex.getRequestBody().readAllBytes();
            if (failing.test(method, pathAndQuery)) {
                status = 500;
                byte[] msg = "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"injected failure\"}]}"
                        .getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                record(method, pathAndQuery, status);
                ex.sendResponseHeaders(500, msg.length);
                ex.getResponseBody().write(msg);
                return;
            }
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(target + pathAndQuery))
                    .timeout(Duration.ofSeconds(60))
                    .method(
                            method,
                            body.length == 0
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(body));
            for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
                if (!SKIPPED_REQUEST.contains(h.getKey())) {
                    h.getValue().forEach(v -> req.header(h.getKey(), v));
                }
            }
            HttpResponse<byte[]> r;
            try {
                r = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                byte[] msg = ("proxy: " + e).getBytes(StandardCharsets.UTF_8);
                record(method, pathAndQuery, status);
                ex.sendResponseHeaders(502, msg.length);
                ex.getResponseBody().write(msg);
                return;
            }
            status = r.statusCode();
            boolean noBody = "HEAD".equals(method) || status == 204 || status == 304 || r.body().length == 0;
            for (Map.Entry<String, List<String>> h : r.headers().map().entrySet()) {
                String name = h.getKey();
                if (name.equalsIgnoreCase("Content-Length") && ("HEAD".equals(method) || status == 304)) {
                    ex.getResponseHeaders().put("Content-Length", h.getValue());
                } else if (name.equalsIgnoreCase("Location")) {
                    h.getValue()
                            .forEach(v -> ex.getResponseHeaders()
                                    .add(
                                            "Location",
                                            v.startsWith(target) ? baseUrl() + v.substring(target.length()) : v));
                } else if (!SKIPPED_RESPONSE.contains(name)) {
                    ex.getResponseHeaders().put(name, h.getValue());
                }
            }
            record(method, pathAndQuery, status);
            ex.sendResponseHeaders(status, noBody ? -1 : r.body().length);
            if (!noBody) {
                ex.getResponseBody().write(r.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            record(method, pathAndQuery, status);
            ex.sendResponseHeaders(502, -1);
        } finally {
            ex.close();
        }
    }

    /**
     * Records an exchange before its response goes out, so that a client which has its answer finds it recorded
     * (recording after the write raced with a {@link #reset()} right after the answer).
     */
    private void record(String method, String pathAndQuery, int status) {
        exchanges.add(new Exchange(method, pathAndQuery, status));
    }

    private static Set<String> caseInsensitive(String... names) {
        Set<String> s = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        s.addAll(List.of(names));
        return s;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
