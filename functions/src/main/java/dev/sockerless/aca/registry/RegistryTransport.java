package dev.sockerless.aca.registry;

import dev.sockerless.aca.io.Backoff;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The registry client's one I/O seam: sends a request over {@code java.net.http}, follows redirects itself
 * (dropping {@code Authorization} whenever the host changes — the JDK client would forward it), and reads bodies
 * with a size cap. Knows nothing of authentication or registry semantics.
 */
public final class RegistryTransport {

    static final int MAX_REDIRECTS = 5;
    /** Registry error bodies are small; read at most this much of one. */
    public static final int MAX_ERROR_BODY_BYTES = 64 * 1024;

    private final HttpClient http;
    private final Duration timeout;
    private final OutboundGuard guard;
    private final Backoff retries;
    /** Untrusted requests, https and plain http, go through the guard's tunnel (built at the first); see GuardedTunnel. */
    private volatile @Nullable HttpClient guarded;

    private @Nullable GuardedTunnel tunnel;

    /** A transport trusting no internal address and retrying within the default budget. */
    public RegistryTransport(HttpClient http, Duration timeout) {
        this(http, timeout, OutboundGuard.trusting(java.util.List.of()), RETRIES);
    }

    public RegistryTransport(HttpClient http, Duration timeout, OutboundGuard guard, Backoff retries) {
        this.http = Objects.requireNonNull(http);
        this.timeout = Objects.requireNonNull(timeout);
        this.guard = Objects.requireNonNull(guard);
        this.retries = Objects.requireNonNull(retries);
    }

    /**
     * Retries of idempotent requests (GET, HEAD) on 429, 502, 503, 504 and connection failures: exponential backoff
     * from 200 ms with full jitter, at most 5 s per wait, a server's {@code Retry-After} honoured, within 30 s.
     */
    public static final Backoff RETRIES = Backoff.jittered(
            Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(30), Backoff.Sleeper.THREAD);

    /** A shared client that never follows redirects on its own. */
    public static HttpClient newHttpClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(connectTimeout)
                .build();
    }

    /**
     * One request: method, URL, headers (may include Authorization) and an optional body, given either as bytes or
     * as a re-openable {@code stream} of exactly {@code streamLength} bytes (sent with that {@code Content-Length};
     * opened again when the request is repeated, e.g. after an authentication challenge), or, {@code chunked}, a
     * stream whose length is not known when the request starts, at most {@code streamLength} bytes (sent with
     * {@code Transfer-Encoding: chunked} over HTTP/1.1, as DATA frames over HTTP/2).
     */
    public record Request(
            String method,
            URI uri,
            Map<String, String> headers,
            byte @Nullable [] body,
            @Nullable BlobSource stream,
            long streamLength,
            boolean chunked) {
        public Request {
            headers = Map.copyOf(headers);
            if (body != null && stream != null) {
                throw new IllegalArgumentException("a request has either a byte[] body or a stream");
            }
            if (stream != null && streamLength < 0) {
                throw new IllegalArgumentException("a streamed body needs its length (or, chunked, its bound)");
            }
        }

        public Request(
                String method,
                URI uri,
                Map<String, String> headers,
                byte @Nullable [] body,
                @Nullable BlobSource stream,
                long streamLength) {
            this(method, uri, headers, body, stream, streamLength, false);
        }

        public Request(String method, URI uri, Map<String, String> headers, byte @Nullable [] body) {
            this(method, uri, headers, body, null, -1);
        }

        /** A request whose body is {@code source}, exactly {@code length} bytes. */
        public static Request streaming(
                String method, URI uri, Map<String, String> headers, BlobSource source, long length) {
            return new Request(method, uri, headers, null, Objects.requireNonNull(source), length);
        }

        /** A request whose body is {@code source} of a length not known yet, at most {@code maxLength} bytes. */
        public static Request chunked(
                String method, URI uri, Map<String, String> headers, BlobSource source, long maxLength) {
            return new Request(method, uri, headers, null, Objects.requireNonNull(source), maxLength, true);
        }

        /** The same request with other headers. */
        public Request withHeaders(Map<String, String> newHeaders) {
            return new Request(method, uri, newHeaders, body, stream, streamLength, chunked);
        }
    }

    /** A response with its body read (up to the cap given to {@link #send}). */
    public record Response(int status, HttpHeaders headers, byte[] body, URI uri) {
        public @Nullable String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    /**
     * Sends {@code request}, following up to {@value #MAX_REDIRECTS} redirects for GET and HEAD. A body longer than
     * {@code maxBodyBytes} fails with {@code tooLarge} as the message of an invalid-parameter error; error bodies
     * (status ≥ 400) are cut at {@value #MAX_ERROR_BODY_BYTES}.
     */
    public Response send(Request request, long maxBodyBytes, String what) {
        return send(request, maxBodyBytes, what, guard.isTrusted(request.uri()));
    }

    /**
     * {@link #send(Request, long, String)} for a request serving a registry the operator trusts
     * ({@code originTrusted}) or not: only then may it, its token realm or its redirects reach internal addresses.
     */
    public Response send(Request request, long maxBodyBytes, String what, boolean originTrusted) {
        Request current = request;
        for (int hop = 0; ; hop++) {
            Response response = sendWithRetries(current, maxBodyBytes, what, originTrusted);
            if (!isRedirect(response.status())
                    || !("GET".equals(current.method()) || "HEAD".equals(current.method()))) {
                return response;
            }
            String location = response.header("Location");
            if (location == null) {
                return response;
            }
            if (hop >= MAX_REDIRECTS) {
                throw RegistryException.unreachable(what, current.uri(), what + ": too many redirects", null);
            }
            URI next = current.uri().resolve(location);
            if (!"http".equals(next.getScheme()) && !"https".equals(next.getScheme())) {
                throw RegistryException.unreachable(
                        what, current.uri(), what + ": redirect to an unsupported URL scheme", null);
            }
            Map<String, String> headers = new java.util.LinkedHashMap<>(current.headers());
            if (!sameAuthority(current.uri(), next)) {
                headers.keySet().removeIf(h -> h.equalsIgnoreCase("Authorization"));
            }
            current = new Request(current.method(), next, headers, null);
        }
    }

    private Response sendWithRetries(Request request, long maxBodyBytes, String what, boolean originTrusted) {
        boolean idempotent = "GET".equals(request.method()) || "HEAD".equals(request.method());
        Duration waited = Duration.ZERO; // the budget bounds the waiting; each attempt is bounded by the timeout
        for (int attempt = 0; ; attempt++) {
            // every attempt is checked: after a wait the name may resolve elsewhere (DNS rebinding)
            guard.check(request.uri(), originTrusted);
            Duration wait;
            try {
                Response response = sendOnce(clientFor(request.uri(), originTrusted), request, maxBodyBytes, what);
                if (!idempotent || !isRetryable(response.status())) {
                    return response;
                }
                wait = retries.next(attempt, response.header("Retry-After"));
                if (!retries.allows(waited, wait)) {
                    return response;
                }
            } catch (RegistryException e) {
                boolean connectionFailure =
                        e.failure() == RegistryException.Failure.UNREACHABLE && e.getCause() instanceof IOException;
                wait = retries.delay(attempt);
                if (!idempotent || !connectionFailure || !retries.allows(waited, wait)) {
                    throw e;
                }
            }
            waited = waited.plus(wait);
            try {
                retries.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw RegistryException.unreachable(what, request.uri(), what + ": interrupted", e);
            }
        }
    }

    static boolean isRetryable(int status) {
        return status == 429 || status == 502 || status == 503 || status == 504;
    }

    static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    static boolean sameAuthority(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme())
                && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost())
                && effectivePort(a) == effectivePort(b);
    }

    private static int effectivePort(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equals(uri.getScheme()) ? 443 : 80;
    }

    /**
     * The direct client for trusted registries; for anything else (https and plain http), the client whose
     * connections go through the guard's tunnel, which checks the address it connects to.
     */
    private HttpClient clientFor(URI uri, boolean originTrusted) {
        if (originTrusted || guard.isTrusted(uri)) {
            return http;
        }
        HttpClient g = guarded;
        if (g == null) {
            synchronized (this) {
                g = guarded;
                if (g == null) {
                    GuardedTunnel t;
                    try {
                        t = new GuardedTunnel(guard, timeout);
                    } catch (IOException e) {
                        throw RegistryException.of(
                                RegistryException.Failure.INTERNAL,
                                "open the registry tunnel",
                                uri,
                                "cannot open the registry tunnel: " + e.getMessage(),
                                e);
                    }
                    tunnel = t;
                    g = HttpClient.newBuilder()
                            .followRedirects(HttpClient.Redirect.NEVER)
                            .connectTimeout(timeout)
                            .proxy(java.net.ProxySelector.of(t.address()))
                            .build();
                    guarded = g;
                }
            }
        }
        return g;
    }

    private Response sendOnce(HttpClient http, Request request, long maxBodyBytes, String what) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri()).timeout(timeout);
        if ("http".equals(request.uri().getScheme())) {
            builder.version(HttpClient.Version.HTTP_1_1);
        }
        request.headers().forEach(builder::header);
        HttpRequest.BodyPublisher publisher = publisher(request);
        builder.method(request.method(), publisher);
        boolean head = "HEAD".equals(request.method());
        // One deadline for headers and body: the client's own timeout ends with the headers, and a body that stalls
        // or trickles would otherwise hold the request forever. Cancelling the future aborts the exchange.
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(
                builder.build(),
                info -> new CappedBody(
                        info.statusCode() >= 400 ? MAX_ERROR_BODY_BYTES : (head ? 0 : maxBodyBytes),
                        info.statusCode() >= 400));
        try {
            HttpResponse<byte[]> response = future.get(deadline(request).toMillis(), TimeUnit.MILLISECONDS);
            if (response.statusCode() == 403 && "http".equals(request.uri().getScheme())) {
                refusedByTunnel(http, request, what); // plain http through the tunnel: its refusal is a response
            }
            return new Response(response.statusCode(), response.headers(), response.body(), request.uri());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw RegistryException.unreachable(
                    what,
                    request.uri(),
                    what + ": registry " + request.uri().getAuthority() + " did not send its response within "
                            + deadline(request).toSeconds() + " s",
                    e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CappedBody.TooLarge) {
                throw RegistryException.badContent(
                        what, request.uri(), what + ": response exceeds the limit of " + maxBodyBytes + " bytes");
            }
            if (cause instanceof HttpTimeoutException) {
                throw RegistryException.unreachable(
                        what,
                        request.uri(),
                        what + ": registry " + request.uri().getAuthority() + " did not answer in time",
                        cause);
            }
            refusedByTunnel(http, request, what);
            if (cause instanceof IOException io) {
                throw RegistryException.unreachable(
                        what,
                        request.uri(),
                        what + ": cannot reach registry " + request.uri().getAuthority() + ": " + describe(io),
                        io);
            }
            if (cause instanceof RuntimeException r && !(cause instanceof java.io.UncheckedIOException)) {
                throw r; // ours, or the caller's body source's: rethrown as it is
            }
            throw RegistryException.unreachable(
                    what, request.uri(), what + ": registry " + request.uri().getAuthority() + ": " + cause, cause);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw RegistryException.unreachable(what, request.uri(), what + ": interrupted", e);
        }
    }

    /** Throws the tunnel's refusal of the request's host, if the request went through the tunnel and it refused. */
    private void refusedByTunnel(HttpClient http, Request request, String what) {
        GuardedTunnel t = tunnel;
        String refused = t == null || http != guarded
                ? null
                : t.takeRefusal(request.uri().getHost() + ":" + effectivePort(request.uri()));
        if (refused != null) {
            throw RegistryException.of(
                    RegistryException.Failure.REFUSED,
                    what,
                    request.uri(),
                    refused + " (list the registry in SOCKERLESS_INSECURE_REGISTRIES to allow it)",
                    null);
        }
    }

    /** Lowest upload rate a request body is given time for, on top of the timeout. */
    static final long MIN_UPLOAD_BYTES_PER_SECOND = 1L << 20;

    /** The whole exchange's deadline: the timeout, plus time for the request body at the minimum rate. */
    private Duration deadline(Request request) {
        long bodyBytes =
                request.stream() != null ? request.streamLength() : request.body() == null ? 0 : request.body().length;
        return timeout.plusSeconds(1 + bodyBytes / MIN_UPLOAD_BYTES_PER_SECOND);
    }

    private static HttpRequest.BodyPublisher publisher(Request request) {
        if (request.stream() != null) {
            if (request.streamLength() == 0) {
                return HttpRequest.BodyPublishers.ofByteArray(new byte[0]);
            }
            BlobSource source = request.stream();
            java.util.concurrent.Flow.Publisher<java.nio.ByteBuffer> buffers = source.publisher();
            HttpRequest.BodyPublisher stream = buffers != null
                    ? HttpRequest.BodyPublishers.fromPublisher(buffers)
                    : HttpRequest.BodyPublishers.ofInputStream(() -> {
                        try {
                            return source.open();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
            // neither has a length: the JDK client sends it chunked
            return request.chunked()
                    ? stream
                    : HttpRequest.BodyPublishers.fromPublisher(stream, request.streamLength());
        }
        return request.body() == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(request.body());
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return message == null || message.isBlank()
                ? e.getClass().getSimpleName().toLowerCase(Locale.ROOT)
                : message;
    }
}
