package dev.sockerless.aca.localhost;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves every request of the JDK HTTP server: buffers the body (chunked or not, up to the limit), resolves the route,
 * invokes the function and writes its response with a Content-Length (HTTP/1.1 keep-alive stays usable).
 * Never logs headers (X-Registry-Auth carries credentials) nor query strings.
 */
final class FunctionHttpHandler implements HttpHandler {

    private static final Logger LOG = Logger.getLogger(FunctionHttpHandler.class.getName());
    private static final String JSON = "application/json";
    /** Headers the host computes itself. */
    private static final List<String> HOP_BY_HOP = List.of("content-length", "transfer-encoding", "connection",
            "keep-alive");
    /** Headers read from a foreign {@link HttpResponseMessage} that is not a {@link LocalHttpResponse}. */
    private static final List<String> KNOWN_HEADERS = List.of("Content-Type", "Location", "Api-Version", "Ostype",
            "Server", "Docker-Experimental", "Cache-Control", "Pragma", "Builder-Version", "Swarm", "ETag",
            "Docker-Content-Digest", "Content-Encoding", "Retry-After");

    private final RouteTable routes;
    private final long maxRequestBytes;

    FunctionHttpHandler(RouteTable routes, long maxRequestBytes) {
        this.routes = routes;
        this.maxRequestBytes = maxRequestBytes;
    }

    /** The body exceeded the limit. */
    private static final class TooLarge extends Exception {
        TooLarge() {
            super(null, null, false, false);
        }
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        long start = System.nanoTime();
        String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
        URI requestUri = ex.getRequestURI();
        String rawPath = requestUri.getRawPath() == null ? "/" : requestUri.getRawPath();
        int status = 500;
        String function = "-";
        try {
            RouteTable.Match match = routes.resolve(method, rawPath);
            HttpMethod httpMethod = toHttpMethod(method);
            byte[] body;
            try {
                body = readBody(ex);
            } catch (TooLarge e) {
                status = 413;
                ex.getResponseHeaders().set("Connection", "close");
                sendJson(ex, 413, "request body too large: limit " + maxRequestBytes + " bytes");
                return;
            }
            if (match == null || httpMethod == null) {
                status = 404;
                sendJson(ex, 404, "page not found");
                return;
            }
            function = match.function().name();
            HttpResponseMessage response;
            try {
                response = FunctionInvoker.invoke(match.function(), match.routeValues(), absoluteUri(ex),
                        httpMethod, requestHeaders(ex.getRequestHeaders()),
                        PathDecoder.parseQuery(requestUri.getRawQuery()), body);
            } catch (FunctionInvoker.InvocationFailure e) {
                Throwable cause = e.getCause();
                LOG.log(Level.SEVERE, "function " + function + " failed on " + method + " " + rawPath, cause);
                status = 500;
                String msg = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getName();
                sendJson(ex, 500, msg);
                return;
            }
            if (response == null) {
                response = FunctionInvoker.toResponse(null);
            }
            status = response.getStatusCode();
            send(ex, response, "HEAD".equals(method));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "request " + method + " " + rawPath + " failed: " + e, e);
            throw e;
        } finally {
            ex.close();
            long ms = (System.nanoTime() - start) / 1_000_000;
            String fn = function;
            int st = status;
            LOG.info(() -> method + " " + rawPath + " -> " + st + " (" + fn + ", " + ms + " ms)");
        }
    }

    private static HttpMethod toHttpMethod(String method) {
        try {
            return HttpMethod.valueOf(method);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private byte[] readBody(HttpExchange ex) throws IOException, TooLarge {
        String cl = ex.getRequestHeaders().getFirst("Content-Length");
        if (cl != null) {
            try {
                if (Long.parseLong(cl.trim()) > maxRequestBytes) {
                    throw new TooLarge();
                }
            } catch (NumberFormatException ignored) {
                // the server rejects malformed lengths itself
            }
        }
        try (InputStream in = ex.getRequestBody()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > maxRequestBytes) {
                    throw new TooLarge();
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    private static Map<String, String> requestHeaders(Headers h) {
        Map<String, String> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.forEach((k, v) -> out.put(k, String.join(",", v)));
        return out;
    }

    private static URI absoluteUri(HttpExchange ex) {
        URI u = ex.getRequestURI();
        String raw = u.getRawPath() + (u.getRawQuery() != null ? "?" + u.getRawQuery() : "");
        String host = ex.getRequestHeaders().getFirst("Host");
        if (host != null && !host.isBlank()) {
            try {
                return URI.create("http://" + host.trim() + raw);
            } catch (IllegalArgumentException ignored) {
                // fall through to the local address
            }
        }
        InetSocketAddress local = ex.getLocalAddress();
        String addr = local.getAddress().getHostAddress();
        if (addr.contains(":")) {
            addr = "[" + addr + "]";
        }
        return URI.create("http://" + addr + ":" + local.getPort() + raw);
    }

    static void sendJson(HttpExchange ex, int status, String message) throws IOException {
        byte[] bytes = Json.message(message);
        ex.getResponseHeaders().set("Content-Type", JSON);
        boolean head = "HEAD".equalsIgnoreCase(ex.getRequestMethod());
        if (head) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(bytes.length));
            ex.sendResponseHeaders(status, -1);
        } else {
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(bytes);
            }
        }
    }

    private static void send(HttpExchange ex, HttpResponseMessage response, boolean head) throws IOException {
        int status = response.getStatusCode();
        Object bodyObject = response.getBody();
        byte[] body;
        String defaultType = null;
        if (bodyObject == null) {
            body = new byte[0];
        } else if (bodyObject instanceof byte[] b) {
            body = b;
            defaultType = "application/octet-stream";
        } else if (bodyObject instanceof String s) {
            body = s.getBytes(StandardCharsets.UTF_8);
            defaultType = "text/plain; charset=utf-8";
        } else {
            // the worker would serialise a POJO with Gson; the local host only knows its text form
            body = bodyObject.toString().getBytes(StandardCharsets.UTF_8);
            defaultType = "text/plain; charset=utf-8";
        }
        Headers out = ex.getResponseHeaders();
        if (response instanceof LocalHttpResponse local) {
            for (Map.Entry<String, String> e : local.headers()) {
                if (!HOP_BY_HOP.contains(e.getKey().toLowerCase(Locale.ROOT))) {
                    out.set(e.getKey(), e.getValue());
                }
            }
        } else {
            for (String name : KNOWN_HEADERS) {
                String v = response.getHeader(name);
                if (v != null) {
                    out.set(name, v);
                }
            }
        }
        boolean noBodyStatus = (status >= 100 && status < 200) || status == 204 || status == 304;
        if (noBodyStatus) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        if (defaultType != null && body.length > 0 && !out.containsKey("Content-Type")) {
            out.set("Content-Type", defaultType);
        }
        if (head) {
            out.set("Content-Length", Integer.toString(body.length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        if (body.length == 0) {
            ex.sendResponseHeaders(status, -1); // Content-Length: 0
            return;
        }
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }
}
