package dev.sockerless.aca.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /containers/{id}/attach} without stdin ({@code docker run} attached): answers {@code 101 Upgrade: tcp}
 * at once (the CLI attaches before it starts the container), waits until the container has started, then writes
 * its log stream (the follow loop) to the hijacked connection and closes it when the log ends. The CLI prints that
 * output and takes the exit code from its wait.
 *
 * <p>Stdin is refused inside the stream: the CLI drops the body of any attach reply that is not 101 and prints only
 * "unable to upgrade".
 */
final class AttachHandler {

    static final String INTERACTIVE = "interactive containers (docker run -i, docker attach or start -a with stdin) "
            + "need the sockerless agent's exec/attach, which is not available through the bridge yet: run without -i "
            + "(the output and the exit code still come through)";
    static final String RAW = "application/vnd.docker.raw-stream";
    /** The longest pause between two checks whether the container started. */
    static final Duration MAX_START_POLL = Duration.ofSeconds(4);

    private final AppClient app;
    private final FollowLogs follow;
    private final Attachments attachments;
    private final Duration retryPause;
    private final Duration startLimit;

    AttachHandler(AppClient app, FollowLogs follow, Attachments attachments, BridgeSettings settings) {
        this.app = app;
        this.follow = follow;
        this.attachments = attachments;
        this.retryPause = settings.retryPause();
        this.startLimit = settings.timeout();
    }

    void handle(Exchange ex, String container) throws IOException {
        HttpRequest r = ex.request;
        String base = r.versionPrefix() + "/containers/" + container;
        JsonNode inspect;
        String inspectError = null;
        try {
            inspect = inspect(r, base);
        } catch (BridgeException e) {
            inspect = null;
            inspectError = e.getMessage();
        }
        boolean tty = inspect != null && inspect.path("Config").path("Tty").asBoolean(false);
        OutputStream raw = ex.hijack(tty ? RAW : FollowLogs.MULTIPLEXED);
        attachments.begin(container);
        try {
            if (inspectError != null) {
                stderr(raw, tty, inspectError);
            } else if (r.flag("stdin")) {
                stderr(raw, tty, INTERACTIVE);
            } else if (r.flag("stream") && (r.flag("stdout") || r.flag("stderr")) && awaitStarted(r, base, raw, tty)) {
                String query =
                        "follow=1&stdout=" + (r.flag("stdout") ? 1 : 0) + "&stderr=" + (r.flag("stderr") ? 1 : 0);
                follow.follow(
                        base + "/logs",
                        query,
                        r.headers(),
                        new AtomicBoolean(),
                        new AtomicReference<CompletableFuture<?>>(),
                        first -> {
                            if (first.status() == 200) {
                                return raw;
                            }
                            byte[] error = Relay.readCapped(first.body());
                            String message = Relay.messageOf(error, first.header("Content-Type"));
                            stderr(raw, tty, message != null ? message : Relay.explain(first.status(), error));
                            return null;
                        });
            }
        } catch (BridgeException e) {
            stderr(raw, tty, e.getMessage());
        } finally {
            attachments.end(container);
            ex.closeConnection();
        }
    }

    private JsonNode inspect(HttpRequest r, String base) throws IOException {
        AppClient.Reply reply = app.send("GET", base + "/json", r.headers(), null);
        byte[] body = Relay.readCapped(reply.body());
        if (reply.status() != 200) {
            String message = Relay.messageOf(body, reply.header("Content-Type"));
            throw new BridgeException(reply.status(), message != null ? message : Relay.explain(reply.status(), body));
        }
        return Exchange.JSON.readTree(body);
    }

    /**
     * Polls inspect until the container left {@code created}, the pause doubling up to {@link #MAX_START_POLL} (the CLI
     * starts it right after attaching; a CLI that gave up cannot be told from one that half-closed its side); false
     * (after saying why) when it never did.
     */
    private boolean awaitStarted(HttpRequest r, String base, OutputStream raw, boolean tty) throws IOException {
        long deadline = System.nanoTime() + startLimit.toNanos();
        Duration pause = retryPause;
        while (true) {
            JsonNode state = inspect(r, base).path("State");
            if (!"created".equals(state.path("Status").asText("created"))) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                stderr(raw, tty, "the container was not started within " + startLimit.toSeconds() + " s of the attach");
                return false;
            }
            try {
                Thread.sleep(pause.toMillis());
                pause = pause.multipliedBy(2).compareTo(MAX_START_POLL) > 0 ? MAX_START_POLL : pause.multipliedBy(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** A message on the attached stderr (a stream-2 frame, raw text for a TTY). */
    static void stderr(OutputStream out, boolean tty, @Nullable String message) throws IOException {
        byte[] text = ("Error: " + message + "\n").getBytes(StandardCharsets.UTF_8);
        if (!tty) {
            out.write(ByteBuffer.allocate(8)
                    .put((byte) 2)
                    .put(new byte[3])
                    .putInt(text.length)
                    .array());
        }
        out.write(text);
        out.flush();
    }
}
