package dev.sockerless.aca.localhost;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Serves every request of the JDK HTTP server the way the Functions host (Kestrel, the host's middleware and the
 * Java worker) serves it; each behaviour names its source. Order: Kestrel's request limits, the route (empty 404, the
 * homepage for {@code /}), the key (empty 401), the body limit (empty 500), the body as the host forwards it, the
 * invocation (empty 500 when it fails, 502 after the response deadline), then the response framed as Kestrel frames
 * it. Never logs headers (X-Registry-Auth and x-functions-key carry credentials) nor query strings ({@code code}).
 */
final class FunctionHttpHandler implements HttpHandler {

    private static final Logger LOG = Logger.getLogger(FunctionHttpHandler.class.getName());
    /** Kestrel's defaults ({@code dotnet/aspnetcore src/Servers/Kestrel/Core/src/KestrelServerLimits.cs}). */
    static final int MAX_REQUEST_LINE_BYTES = 8 * 1024;

    static final int MAX_REQUEST_HEADERS_BYTES = 32 * 1024;
    static final int MAX_REQUEST_HEADER_COUNT = 100;
    /** What the host's string output formatter writes when the function set no type (dotnet/aspnetcore
     * {@code src/Mvc/Mvc.Core/src/Formatters/StringOutputFormatter.cs}). */
    static final String TEXT_UTF8 = "text/plain; charset=utf-8";

    private static final byte[] HOMEPAGE = ("<!DOCTYPE html>\n<html><head><title>Your Functions app is up and running"
                    + "</title></head><body><h1>Your Functions app is up and running</h1><p>sockerless local host</p></body>"
                    + "</html>\n")
            .getBytes(StandardCharsets.UTF_8);

    private final RouteTable routes;
    private final LocalHost.Options options;
    private final @Nullable FunctionKeys keys;
    private final ExecutorService invocations;
    private final HostHeaderCheck hostCheck;

    FunctionHttpHandler(
            RouteTable routes,
            LocalHost.Options options,
            @Nullable FunctionKeys keys,
            ExecutorService invocations,
            HostHeaderCheck hostCheck) {
        this.hostCheck = hostCheck;
        this.routes = routes;
        this.options = options;
        this.keys = keys;
        this.invocations = invocations;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        long start = System.nanoTime();
        String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
        URI requestUri = ex.getRequestURI();
        String rawPath = requestUri.getRawPath() == null ? "/" : requestUri.getRawPath();
        String[] outcome = {"500", "-"};
        try {
            serve(ex, method, requestUri, rawPath, outcome);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "request " + method + " " + rawPath + " failed: " + e, e);
            throw e;
        } finally {
            ex.close();
            long ms = (System.nanoTime() - start) / 1_000_000;
            LOG.info(() -> method + " " + rawPath + " -> " + outcome[0] + " (" + outcome[1] + ", " + ms + " ms)");
        }
    }

    private void serve(HttpExchange ex, String method, URI requestUri, String rawPath, String[] outcome)
            throws IOException {
        Headers in = ex.getRequestHeaders();
        // Kestrel rejects before routing: request line over 8 KB → 414, headers over 32 KB or 100 fields → 431
        // (KestrelServerLimits.cs MaxRequestLineSize, MaxRequestHeadersTotalSize, MaxRequestHeaderCount); a rejected
        // request ends the connection.
        int lineBytes = method.length()
                + 1
                + requestUri.toString().length()
                + 1
                + ex.getProtocol().length()
                + 2;
        if (lineBytes > MAX_REQUEST_LINE_BYTES) {
            outcome[0] = "414";
            empty(ex, 414, true);
            return;
        }
        int fields = 0;
        long headerBytes = 2;
        for (Map.Entry<String, List<String>> h : in.entrySet()) {
            for (String v : h.getValue()) {
                fields++;
                headerBytes += h.getKey().length() + 2 + v.length() + 2;
            }
        }
        if (fields > MAX_REQUEST_HEADER_COUNT || headerBytes > MAX_REQUEST_HEADERS_BYTES) {
            outcome[0] = "431";
            empty(ex, 431, true);
            return;
        }
        String host = in.getFirst("Host");
        if (!hostCheck.allows(host)) {
            // local only (HostHeaderCheck): DNS rebinding; Kestrel's own 400 for a missing Host is empty, this one
            // says why so that a misconfigured client can be fixed
            LOG.warning("refused a request for Host " + (host == null ? "(none)" : "'" + host + "'")
                    + ": not this host's address");
            outcome[0] = "400";
            ex.getResponseHeaders().set("Content-Type", "application/json");
            fixed(
                    ex,
                    400,
                    ("{\"message\":\"the local host answers only requests for its own address (Host "
                                    + "127.0.0.1, localhost or [::1] with port "
                                    + ex.getLocalAddress().getPort() + ", or the "
                                    + "SOCKERLESS_LISTEN host), not for this Host header\"}\n")
                            .getBytes(StandardCharsets.UTF_8));
            return;
        }
        RouteTable.Match match = routes.resolve(method, rawPath);
        HttpMethod httpMethod = toHttpMethod(method);
        if (match == null || httpMethod == null) {
            if ("/".equals(rawPath)) {
                // host src/WebJobs.Script.WebHost/Middleware/HomepageMiddleware.cs: an unmatched "/" is the homepage
                // (ContentResult "text/html", which MVC completes with the UTF-8 charset), or 204 when
                // AzureWebJobsDisableHomepage=true
                if (options.homepageDisabled()) {
                    outcome[0] = "204";
                    empty(ex, 204, false);
                } else {
                    outcome[0] = "200";
                    ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                    fixed(ex, 200, HOMEPAGE);
                }
                return;
            }
            // no route or no method: an empty 404 (host FunctionInvocationMiddleware finds no function)
            outcome[0] = "404";
            empty(ex, 404, false);
            return;
        }
        HttpFunction function = match.function();
        outcome[1] = function.name();
        Map<String, String> headers = requestHeaders(in);
        Map<String, String> query = PathDecoder.parseQuery(requestUri.getRawQuery());
        if (keys != null && !keys.authorizes(function, FunctionKeys.presented(headers, query))) {
            outcome[0] = "401";
            empty(ex, 401, false);
            return;
        }
        Object body;
        try {
            body = readBody(ex, in);
        } catch (TooLarge e) {
            // host #10519/#11525: Kestrel's MaxRequestBodySize (the host's 104857600 or
            // FUNCTIONS_REQUEST_BODY_SIZE_LIMIT, HttpRequestBodySizeMiddleware.cs) fails the body read and the host
            // answers 500, not 413. Answered before the body is read (Connection: close); the JDK server closes the
            // connection once the answer is written, since the body was not read, so no handler waits for it.
            LOG.warning("function " + function.name() + ": request body of " + e.length + " bytes exceeds the limit of "
                    + options.maxRequestBytes() + " bytes (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT): 500");
            outcome[0] = "500";
            empty(ex, 500, true);
            return;
        }
        URI uri = absoluteUri(ex);
        Future<HttpResponseMessage> invocation = invocations.submit(
                () -> FunctionInvoker.invoke(function, match.routeValues(), uri, httpMethod, headers, query, body));
        HttpResponseMessage response;
        try {
            response = invocation.get(options.responseTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // D-time: after 230 s the caller gets 502 from the front end; the invocation goes on
            LOG.warning("function " + function.name() + " has not responded within "
                    + options.responseTimeout().toSeconds() + " s: 502 (the invocation goes on)");
            outcome[0] = "502";
            empty(ex, 502, false);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            invocation.cancel(true);
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            // host ExceptionMiddleware.cs: a failed invocation (or binding) is an empty 500; details in the log only
            Throwable cause = e.getCause() instanceof FunctionInvoker.InvocationFailure f ? f.getCause() : e.getCause();
            LOG.log(Level.SEVERE, "function " + function.name() + " failed on " + method + " " + rawPath, cause);
            outcome[0] = "500";
            empty(ex, 500, false);
            return;
        }
        if (response == null) {
            response = FunctionInvoker.toResponse(null);
        }
        outcome[0] = String.valueOf(ResponseWriter.write(ex, response, "HEAD".equals(method), function.name()));
    }

    private static @Nullable HttpMethod toHttpMethod(String method) {
        try {
            return HttpMethod.valueOf(method);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The declared body is over the limit. */
    private static final class TooLarge extends Exception {
        private static final long serialVersionUID = 1L;

        final long length;

        TooLarge(long length) {
            super(null, null, false, false);
            this.length = length;
        }
    }

    /**
     * What the host forwards of the body ({@link RequestBody}): read only for {@code Content-Length > 0}; a chunked
     * body is read and thrown away (nothing is forwarded, so it never meets the limit).
     */
    private @Nullable Object readBody(HttpExchange ex, Headers in) throws IOException, TooLarge {
        String te = in.getFirst("Transfer-Encoding");
        String cl = in.getFirst("Content-Length");
        if (te != null || cl == null) {
            discard(ex.getRequestBody());
            return null;
        }
        long length;
        try {
            length = Long.parseLong(cl.trim());
        } catch (NumberFormatException e) {
            return null; // the JDK server refuses malformed lengths before this
        }
        if (length > options.maxRequestBytes() || length > Integer.MAX_VALUE - 8) {
            throw new TooLarge(length);
        }
        if (length <= 0) {
            return null;
        }
        // read straight into an array of the declared size: readNBytes(int) would buffer and copy it twice more
        byte[] bytes = new byte[(int) length];
        int read;
        try (InputStream body = ex.getRequestBody()) {
            read = body.readNBytes(bytes, 0, bytes.length);
        }
        if (read != length) {
            throw new IOException("request body ended after " + read + " of " + length + " bytes");
        }
        return RequestBody.forwarded(bytes, in.getFirst("Content-Type"));
    }

    private static void discard(InputStream body) {
        try (InputStream b = body) {
            b.transferTo(OutputStream.nullOutputStream());
        } catch (IOException ignored) {
            // the client went away, or the connection was closed after an early answer
        }
    }

    /** Header names lower-cased, repeated values joined with ',' (host ToRpcHttp: StringValues.ToString()). */
    private static Map<String, String> requestHeaders(Headers h) {
        Map<String, String> out = new TreeMap<>();
        h.forEach((k, v) -> out.merge(k.toLowerCase(Locale.ROOT), String.join(",", v), (a, b) -> a + "," + b));
        return out;
    }

    /** Host ToRpcHttp: {@code http://} + Host + path + query (the local host serves plain HTTP only). */
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

    /** A host-made reply: no body ({@code Content-Length: 0} except for HEAD and 204), {@code Server: Kestrel}. */
    static void empty(HttpExchange ex, int status, boolean closeConnection) throws IOException {
        Headers out = ex.getResponseHeaders();
        out.set("Server", ResponseWriter.SERVER);
        if (closeConnection) {
            out.set("Connection", "close");
        }
        ex.sendResponseHeaders(status, -1);
    }

    private static void fixed(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Server", ResponseWriter.SERVER);
        if ("HEAD".equalsIgnoreCase(ex.getRequestMethod())) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }
}
