package dev.sockerless.aca.bridge;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * {@code docker load} of any size: the CLI's chunked body (which the Functions host would drop) is spooled to a
 * temporary file; up to the request limit it goes to the app with a {@code Content-Length} as
 * {@code application/octet-stream}; above it, it is uploaded to blob storage (progress lines meanwhile) and loaded
 * with {@code fromBlob=}, and the blob is deleted afterwards in every case.
 */
final class LoadHandler {

    private static final Logger LOG = Logger.getLogger(LoadHandler.class.getName());
    /** A progress line at most every this many bytes. */
    static final long PROGRESS_STEP = 1 << 20;

    private final BridgeSettings settings;
    private final AppClient app;
    private final @Nullable BlobUploader uploader;

    LoadHandler(BridgeSettings settings, AppClient app) {
        this.settings = settings;
        this.app = app;
        this.uploader = settings.uploadUrl()
                .map(u -> new BlobUploader(u, settings.uploadConnection()))
                .orElse(null);
    }

    void handle(Exchange ex) throws IOException {
        Path spool = Files.createTempFile("sockerless-load-", ".tar");
        try {
            try (InputStream body = ex.request.body()) {
                Files.copy(body, spool, StandardCopyOption.REPLACE_EXISTING);
            }
            long size = Files.size(spool);
            Headers headers = new Headers();
            ex.request.headers().fields().forEach(f -> headers.add(f.name(), f.value()));
            headers.set("Content-Type", "application/octet-stream");
            if (size <= settings.requestLimit()) {
                Relay.relay(ex, app.send("POST", ex.request.target(), headers, BodyPublishers.ofFile(spool)), true);
            } else {
                viaBlob(ex, spool, size, headers);
            }
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    private void viaBlob(Exchange ex, Path spool, long size, Headers headers) throws IOException {
        if (uploader == null) {
            throw new BridgeException(
                    413,
                    "the archive (" + size + " bytes) is larger than the Functions request limit of "
                            + settings.requestLimit()
                            + " bytes (SOCKERLESS_BRIDGE_REQUEST_LIMIT): set SOCKERLESS_BRIDGE_UPLOAD_URL "
                            + "to a blob container the app may read (README, Load) to load it through blob storage");
        }
        try (Wire.ChunkedOutput out = ex.startChunked(200, new Headers().add("Content-Type", "application/json"))) {
            BlobUploader.Upload upload;
            try {
                upload = uploader.upload(spool, new Progress(out, size));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "upload to {0} failed: {1}", new Object[] {
                    settings.uploadUrl().get(), e.getClass().getSimpleName()
                });
                out.write(Relay.streamError(
                        "uploading the archive to " + settings.uploadUrl().get()
                                + " (SOCKERLESS_BRIDGE_UPLOAD_URL) failed: " + firstLine(e.getMessage())));
                return;
            }
            try {
                String target = ex.request.target() + (ex.request.rawQuery().isEmpty() ? "?" : "&") + "fromBlob="
                        + URLEncoder.encode(upload.url().toString(), StandardCharsets.UTF_8);
                headers.remove("Content-Type");
                AppClient.Reply reply;
                try {
                    reply = app.send("POST", target, headers, BodyPublishers.noBody());
                } catch (BridgeException e) {
                    out.write(Relay.streamError(e.getMessage()));
                    return;
                }
                if (reply.status() >= 400) {
                    byte[] error = Relay.readCapped(reply.body());
                    String message = Relay.messageOf(error, reply.header("Content-Type"));
                    out.write(Relay.streamError(message != null ? message : Relay.explain(reply.status(), error)));
                    return;
                }
                try (InputStream in = reply.body()) {
                    Relay.copyLines(in, out);
                }
            } finally {
                try {
                    upload.delete();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "could not delete the uploaded archive {0}: {1}", new Object[] {
                        upload.url(), e.getClass().getSimpleName()
                    });
                }
            }
        }
    }

    static String firstLine(@Nullable String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Docker JSON progress lines while uploading (the CLI shows them on a terminal, drops them otherwise). */
    private static final class Progress implements java.util.function.LongConsumer {
        private final OutputStream out;
        private final long total;
        private long reported = -PROGRESS_STEP;

        Progress(OutputStream out, long total) {
            this.out = out;
            this.total = total;
        }

        @Override
        public synchronized void accept(long current) {
            if (current - reported < PROGRESS_STEP && current < total) {
                return;
            }
            reported = current;
            try {
                out.write(Relay.jsonLine(Map.of(
                        "status",
                        "Uploading to blob storage",
                        "id",
                        "archive",
                        "progressDetail",
                        Map.of("current", current, "total", total))));
                out.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
