package dev.sockerless.aca.bridge;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * {@code docker logs -f} as one stream: loops the app's bounded long-poll ({@code follow=1}, then {@code cursor=}
 * from {@code Sockerless-Logs-Cursor}) until {@code Sockerless-Logs-Ended: true}, writing each batch as it comes.
 * A client that goes away stops the loop and cancels the pending call.
 */
final class FollowLogs {

    static final String CURSOR = "Sockerless-Logs-Cursor";
    static final String ENDED = "Sockerless-Logs-Ended";
    static final String MULTIPLEXED = "application/vnd.docker.multiplexed-stream";
    /** Parameters only the first call honours (the cursor carries them on). */
    private static final Set<String> FIRST_CALL_ONLY = Set.of("since", "tail", "until", "cursor");

    /**
     * Where the batches go; {@link #open} gets the first reply and returns the body to write into, or null when it
     * relayed a failed reply itself and following stops.
     */
    interface Sink {
        @Nullable
        OutputStream open(AppClient.Reply first) throws IOException;
    }

    private final AppClient app;
    private final Duration retryPause;

    FollowLogs(AppClient app, Duration retryPause) {
        this.app = app;
        this.retryPause = retryPause;
    }

    void handle(Exchange ex) throws IOException {
        HttpRequest r = ex.request;
        AtomicReference<Wire.ChunkedOutput> body = new AtomicReference<>();
        AtomicBoolean gone = new AtomicBoolean();
        AtomicReference<CompletableFuture<?>> pending = new AtomicReference<>();
        follow(r.rawPath(), r.rawQuery(), r.headers(), gone, pending, first -> {
            if (first.status() != 200) {
                Relay.relay(ex, first, false);
                return null;
            }
            ex.watchClient(() -> {
                gone.set(true);
                CompletableFuture<?> f = pending.get();
                if (f != null) {
                    f.cancel(true);
                }
            });
            Wire.ChunkedOutput out = ex.startChunked(200, Relay.clientHeaders(first));
            body.set(out);
            return out;
        });
        if (body.get() != null) {
            body.get().close();
        }
    }

    /**
     * Calls the app until the log ended, the client is gone or a call fails; a failure after the first batch ends the
     * stream with Docker's system-error frame (stream 3), which the CLI prints.
     */
    void follow(
            String path,
            String query,
            Headers headers,
            AtomicBoolean gone,
            AtomicReference<CompletableFuture<?>> pending,
            Sink sink)
            throws IOException {
        String target = path + (query.isEmpty() ? "" : "?" + query);
        OutputStream out = null;
        boolean multiplexed = true;
        while (!gone.get()) {
            long started = System.nanoTime();
            AppClient.Reply reply;
            try {
                CompletableFuture<HttpResponse<InputStream>> f = app.sendAsync("GET", target, headers, null);
                pending.set(f);
                reply = app.await(f);
            } catch (BridgeException e) {
                if (out == null) {
                    throw e;
                }
                writeError(out, multiplexed, e.getMessage());
                return;
            }
            if (out == null) {
                String type = reply.header("Content-Type");
                multiplexed = type == null || type.startsWith(MULTIPLEXED);
                out = sink.open(reply);
                if (out == null) {
                    return; // the first reply was an error, relayed as it is
                }
            } else if (reply.status() != 200) {
                byte[] error = Relay.readCapped(reply.body());
                String message = Relay.messageOf(error, reply.header("Content-Type"));
                writeError(out, multiplexed, message != null ? message : Relay.explain(reply.status(), error));
                return;
            }
            long bytes;
            try (InputStream in = reply.body()) {
                bytes = in.transferTo(out);
            }
            out.flush();
            String cursor = reply.header(CURSOR);
            if ("true".equalsIgnoreCase(reply.header(ENDED)) || cursor == null) {
                return;
            }
            target = path + "?" + nextQuery(query, cursor);
            if (bytes == 0 && Duration.ofNanos(System.nanoTime() - started).compareTo(retryPause) < 0) {
                pause(); // an answer at once with nothing in it: do not spin
            }
        }
    }

    /** The original parameters minus those only the first call honours, plus the cursor. */
    static String nextQuery(String query, String cursor) {
        StringBuilder sb = new StringBuilder();
        for (String pair : query.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = HttpRequest.decode(eq < 0 ? pair : pair.substring(0, eq));
            if (!FIRST_CALL_ONLY.contains(key)) {
                sb.append(pair).append('&');
            }
        }
        return sb.append("cursor=")
                .append(URLEncoder.encode(cursor, StandardCharsets.UTF_8))
                .toString();
    }

    /** dockerd's late logs error: a stream-3 frame {@code Error grabbing logs: …} (raw text for a TTY container). */
    static void writeError(OutputStream out, boolean multiplexed, @Nullable String message) throws IOException {
        byte[] text = ("Error grabbing logs: " + message + "\n").getBytes(StandardCharsets.UTF_8);
        if (multiplexed) {
            out.write(ByteBuffer.allocate(8)
                    .put((byte) 3)
                    .put(new byte[3])
                    .putInt(text.length)
                    .array());
        }
        out.write(text);
        out.flush();
    }

    private void pause() {
        try {
            Thread.sleep(retryPause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
