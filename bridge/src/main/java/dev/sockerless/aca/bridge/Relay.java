package dev.sockerless.aca.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Relays the app's replies to the docker CLI: headers without the hop-by-hop ones, JSON labelled exactly
 * {@code application/json} (the CLI compares the string), bodies chunked as they arrive (line by line for Docker's
 * JSON progress streams), and errors always as {@code {"message"}}, also when Azure answered with an empty body.
 */
final class Relay {

    /** Headers of the app's own contracts, which the bridge consumes and the docker CLI has no use for. */
    static final List<String> CONTRACT_HEADERS =
            List.of("sockerless-logs-cursor", "sockerless-logs-ended", "sockerless-wait-pending");

    static final int MAX_ERROR_BODY = 64 * 1024;

    private Relay() {}

    /** The reply's end-to-end headers for the client, JSON content types normalised. */
    static Headers clientHeaders(AppClient.Reply reply) {
        Headers out = new Headers();
        reply.headers().map().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (Headers.isHopByHop(lower) || CONTRACT_HEADERS.contains(lower) || lower.startsWith(":")) {
                return;
            }
            for (String v : values) {
                out.add(name, lower.equals("content-type") && Wire.isJson(v) ? "application/json" : v);
            }
        });
        return out;
    }

    /** Sends the whole reply: an error as {@link #sendError}, otherwise chunked ({@code lines}: one chunk per line). */
    static void relay(Exchange ex, AppClient.Reply reply, boolean lines) throws IOException {
        if (reply.status() >= 400) {
            sendError(ex, reply.status(), readCapped(reply.body()), reply.header("Content-Type"));
            return;
        }
        Headers headers = clientHeaders(reply);
        int status = reply.status();
        if (ex.request.method().equals("HEAD") || status == 204 || status == 304 || status < 200) {
            reply.discard();
            ex.send(status, headers, new byte[0]);
            return;
        }
        try (InputStream in = reply.body();
                Wire.ChunkedOutput out = ex.startChunked(status, headers)) {
            if (lines) {
                copyLines(in, out);
            } else {
                copy(in, out);
            }
        }
    }

    static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
            out.flush();
        }
    }

    /** One chunk per line ({@code \n} included), flushed at once. */
    static void copyLines(InputStream in, OutputStream out) throws IOException {
        InputStream buffered = new BufferedInputStream(in);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = buffered.read()) >= 0) {
            line.write(b);
            if (b == '\n') {
                line.writeTo(out);
                out.flush();
                line.reset();
            }
        }
        if (line.size() > 0) {
            line.writeTo(out);
            out.flush();
        }
    }

    /** An app error as Docker's error: its own {@code {"message"}} kept, an empty or foreign body explained. */
    static void sendError(Exchange ex, int status, byte[] body, @Nullable String contentType) throws IOException {
        String message = messageOf(body, contentType);
        if (message != null) {
            ex.sendError(status, message);
            return;
        }
        ex.sendError(status == 401 ? 403 : status, explain(status, body));
    }

    /** The {@code message} of a Docker error body, or null. */
    static @Nullable String messageOf(byte[] body, @Nullable String contentType) {
        if (body.length == 0) {
            return null;
        }
        try {
            JsonNode node = Exchange.JSON.readTree(body);
            if (node != null && node.path("message").isTextual()) {
                return node.path("message").asText();
            }
        } catch (IOException ignored) {
            // not JSON
        }
        return null;
    }

    /**
     * What an error without a Docker message means. 401 becomes 403: on a pull the docker CLI answers 401 with a
     * login prompt (and hangs without a terminal).
     */
    static String explain(int status, byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        String suffix = text.isEmpty() || text.startsWith("<")
                ? ""
                : ": " + (text.length() > 300 ? text.substring(0, 300) + "…" : text);
        return switch (status) {
            case 401, 403 ->
                "the app refused the function key (HTTP " + status + " from the Functions host): set "
                        + "SOCKERLESS_BRIDGE_KEY to a function or host key of the app (az functionapp keys list)"
                        + suffix;
            case 404 -> "page not found" + suffix;
            case 413 -> "the request body is larger than the Functions host accepts (HTTP 413)" + suffix;
            case 500 ->
                "the app failed (HTTP 500 with no message from the Functions host: the function threw, or the "
                        + "request body exceeded the host's limit, FUNCTIONS_REQUEST_BODY_SIZE_LIMIT); see the app's logs"
                        + suffix;
            case 502 ->
                "the app did not answer in time or is unavailable (HTTP 502 from Azure's front end: a function "
                        + "must answer within 230 s)" + suffix;
            case 503 -> "the app is unavailable (HTTP 503)" + suffix;
            case 504 -> "the app did not answer in time (HTTP 504)" + suffix;
            default -> "the app answered HTTP " + status + " without a message" + suffix;
        };
    }

    static byte[] readCapped(InputStream in) throws IOException {
        try (in) {
            return in.readNBytes(MAX_ERROR_BODY);
        }
    }

    /** A Docker JSON-stream line ({@code \r\n}-terminated, as dockerd's stream formatter). */
    static byte[] jsonLine(Map<String, ?> object) {
        try {
            return (Exchange.JSON.writeValueAsString(object) + "\r\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An in-band stream error, which the CLI prints and exits 1 on ({@code errorDetail} is required). */
    static byte[] streamError(@Nullable String message) {
        return jsonLine(Map.of("errorDetail", Map.of("message", message), "error", message));
    }
}
