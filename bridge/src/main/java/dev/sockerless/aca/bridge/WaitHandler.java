package dev.sockerless.aca.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /containers/{id}/wait} as Docker serves it: one request that ends at the exit. The app's wait is a
 * bounded long-poll that answers {@value #PENDING_STATUS} with {@value #PENDING_HEADER}{@code : true} when its budget
 * ends (or at once for a container not started yet); the bridge then sends the 200 head at once (the CLI posts
 * {@code condition=next-exit} before {@code start} and blocks until the head arrives) and asks again until the
 * status comes. {@code condition=removed} ({@code docker run --rm}) waits for the exit, lets the attach stream
 * finish, removes the container when the bridge took its removal over at create, and answers.
 */
final class WaitHandler {

    private static final Logger LOG = Logger.getLogger(WaitHandler.class.getName());
    static final String PENDING_HEADER = "Sockerless-Wait-Pending";
    static final int PENDING_STATUS = 503;
    /** The exit status the docker CLI reports when a wait fails. */
    static final int WAIT_FAILED = 125;

    private final AppClient app;
    private final Duration retryPause;
    private final Duration attachLimit;
    private final Attachments attachments;

    WaitHandler(AppClient app, BridgeSettings settings, Attachments attachments) {
        this.app = app;
        this.retryPause = settings.retryPause();
        this.attachLimit = settings.timeout();
        this.attachments = attachments;
    }

    void handle(Exchange ex, String container) throws IOException {
        HttpRequest r = ex.request;
        boolean removed = r.param("condition").map("removed"::equalsIgnoreCase).orElse(false);
        String target = removed ? r.rawPath() + "?condition=next-exit" : r.target();
        AtomicBoolean gone = new AtomicBoolean();
        AtomicReference<CompletableFuture<?>> pending = new AtomicReference<>();
        Wire.ChunkedOutput body = null;
        try {
            while (!gone.get()) {
                long started = System.nanoTime();
                AppClient.Reply reply;
                try {
                    CompletableFuture<HttpResponse<InputStream>> f =
                            app.sendAsync("POST", target, r.headers(), BodyPublishers.noBody());
                    pending.set(f);
                    reply = app.await(f);
                } catch (BridgeException e) {
                    if (body == null) {
                        throw e;
                    }
                    body.write(failed(e.getMessage()));
                    return;
                }
                if ("true".equalsIgnoreCase(reply.header(PENDING_HEADER))) {
                    reply.discard();
                    if (body == null) {
                        body = ex.startChunked(200, new Headers().add("Content-Type", "application/json"));
                        ex.watchClient(() -> {
                            gone.set(true);
                            CompletableFuture<?> f = pending.get();
                            if (f != null) {
                                f.cancel(true);
                            }
                        });
                    }
                    if (Duration.ofNanos(System.nanoTime() - started).compareTo(retryPause) < 0) {
                        Thread.sleep(retryPause.toMillis()); // answered at once (not started yet): do not spin
                    }
                    continue;
                }
                if (body == null) {
                    if (reply.status() == 200 && removed) {
                        byte[] status = reply.readAll();
                        autoRemove(r, container);
                        ex.send(200, new Headers().add("Content-Type", "application/json"), status);
                    } else {
                        Relay.relay(ex, reply, false);
                    }
                    return;
                }
                byte[] bytes = Relay.readCapped(reply.body());
                if (reply.status() != 200) {
                    String message = Relay.messageOf(bytes, reply.header("Content-Type"));
                    body.write(failed(message != null ? message : Relay.explain(reply.status(), bytes)));
                    return;
                }
                if (removed) {
                    autoRemove(r, container);
                }
                body.write(bytes);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (body == null) {
                throw new BridgeException(503, "the bridge was interrupted while waiting");
            }
        } finally {
            if (body != null) {
                body.close();
            }
        }
    }

    /** Docker's wait error in the body, which the CLI prints ("Error waiting for container") and exits 125 on. */
    static byte[] failed(@Nullable String message) throws IOException {
        return Exchange.JSON.writeValueAsBytes(Map.of("StatusCode", WAIT_FAILED, "Error", Map.of("Message", message)));
    }

    /**
     * After the exit of an attached {@code --rm} run (labelled {@value Router#AUTO_REMOVE_LABEL} at create): waits
     * for its attach stream to end, then removes it (failures are logged: the status is still the answer).
     */
    private void autoRemove(HttpRequest r, String container) throws InterruptedException {
        String base = r.versionPrefix() + "/containers/" + container;
        try {
            AppClient.Reply inspect = app.send("GET", base + "/json", r.headers(), null);
            byte[] json = Relay.readCapped(inspect.body());
            JsonNode label = inspect.status() == 200
                    ? Exchange.JSON.readTree(json).path("Config").path("Labels").path(Router.AUTO_REMOVE_LABEL)
                    : null;
            if (label == null || !"true".equals(label.asText())) {
                return; // not the bridge's to remove (the app removes its own AutoRemove containers)
            }
            attachments.awaitNone(container, attachLimit);
            AppClient.Reply delete = app.send("DELETE", base + "?force=1", r.headers(), null);
            delete.discard();
            if (delete.status() >= 300 && delete.status() != 404) {
                LOG.log(Level.WARNING, "auto-remove of {0} answered HTTP {1}", new Object[] {container, delete.status()
                });
            }
        } catch (BridgeException | IOException e) {
            LOG.log(Level.WARNING, "auto-remove of {0} failed: {1}", new Object[] {container, e.getMessage()});
        }
    }
}
