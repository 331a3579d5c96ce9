package dev.sockerless.aca.bridge;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * The app's side: {@code java.net.http} over HTTP/1.1 to {@code SOCKERLESS_BRIDGE_APP}, the function key as
 * {@code x-functions-key} on every call, the same code whether the app is the local host or on Azure. Transport
 * failures become {@link BridgeException}s that say what failed and which setting to look at; the key never appears
 * in a message.
 */
final class AppClient {

    static final String KEY_HEADER = "x-functions-key";

    /** The app's reply; the body is read by the caller and must be closed. */
    record Reply(int status, HttpHeaders headers, InputStream body) {
        @Nullable
        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        byte[] readAll() throws IOException {
            try (InputStream in = body) {
                return in.readAllBytes();
            }
        }

        void discard() {
            try {
                body.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    private final BridgeSettings settings;
    private final HttpClient http;

    AppClient(BridgeSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    URI app() {
        return settings.app();
    }

    /** Sends {@code method target} with the client's end-to-end headers (none hop-by-hop, no Host) and the key. */
    CompletableFuture<HttpResponse<InputStream>> sendAsync(
            String method, String target, Headers clientHeaders, @Nullable BodyPublisher body) {
        java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(resolve(target))
                .timeout(settings.timeout())
                .method(method, body == null ? BodyPublishers.noBody() : body);
        if (clientHeaders != null) {
            for (Headers.Field f : clientHeaders.fields()) {
                // no compression: the bridge joins, parses and re-frames the app's bodies (follow, wait, attach)
                if (!Headers.isHopByHop(f.name())
                        && !f.name().equalsIgnoreCase(KEY_HEADER)
                        && !f.name().equalsIgnoreCase("Accept-Encoding")) {
                    try {
                        b.header(f.name(), f.value());
                    } catch (IllegalArgumentException e) {
                        // a field java.net.http does not let a caller set (or a malformed one): not forwarded
                    }
                }
            }
        }
        settings.key().ifPresent(k -> b.header(KEY_HEADER, k));
        return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    Reply send(String method, String target, Headers clientHeaders, @Nullable BodyPublisher body) {
        return await(sendAsync(method, target, clientHeaders, body));
    }

    /** Waits for the reply's head; transport failures become messages naming the app and the setting. */
    Reply await(CompletableFuture<HttpResponse<InputStream>> future) {
        try {
            HttpResponse<InputStream> r = future.get();
            return new Reply(r.statusCode(), r.headers(), r.body());
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new BridgeException(503, "the bridge was interrupted while waiting for the app");
        } catch (CancellationException e) {
            throw new BridgeException(503, "the request to the app was cancelled");
        } catch (ExecutionException e) {
            throw transportFailure(e.getCause());
        }
    }

    BridgeException transportFailure(@Nullable Throwable cause) {
        String app = settings.app().toString();
        if (cause instanceof HttpConnectTimeoutException) {
            return new BridgeException(
                    502,
                    "cannot reach the app at " + app + " (SOCKERLESS_BRIDGE_APP): no connection within "
                            + settings.connectTimeout().toSeconds() + " s",
                    cause);
        }
        if (cause instanceof HttpTimeoutException) {
            return new BridgeException(
                    504,
                    "the app at " + app + " did not answer within "
                            + settings.timeout().toSeconds() + " s (SOCKERLESS_BRIDGE_TIMEOUT_SECONDS)",
                    cause);
        }
        if (cause instanceof ConnectException
                || cause instanceof java.nio.channels.UnresolvedAddressException
                || (cause != null && cause.getCause() instanceof ConnectException)) {
            return new BridgeException(
                    502,
                    "cannot reach the app at " + app
                            + " (SOCKERLESS_BRIDGE_APP): connection refused or host unknown; is it running, and is the URL right?",
                    cause);
        }
        String detail = cause == null
                ? "unknown error"
                : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        return new BridgeException(
                502, "the connection to the app at " + app + " (SOCKERLESS_BRIDGE_APP) failed: " + detail, cause);
    }

    private URI resolve(String target) {
        String base = settings.app().toString();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + target);
    }
}
