package dev.sockerless.aca.bridge;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One request and its reply on a client connection. */
final class Exchange {

    static final ObjectMapper JSON = new ObjectMapper();

    final HttpRequest request;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private boolean responded;
    private boolean closeAfter;

    Exchange(HttpRequest request, Socket socket, InputStream in, OutputStream out) {
        this.request = request;
        this.socket = socket;
        this.in = in;
        this.out = out;
    }

    boolean responded() {
        return responded;
    }

    boolean closeAfter() {
        return closeAfter || request.headers().hasToken("Connection", "close");
    }

    /** A Docker error: {@code {"message":…}} with exactly {@code Content-Type: application/json} (the CLI compares it). */
    void sendError(int status, @Nullable String message) throws IOException {
        send(status, new Headers().add("Content-Type", "application/json"), errorBody(message));
    }

    static byte[] errorBody(@Nullable String message) {
        try {
            return (JSON.writeValueAsString(Map.of("message", message)) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A whole reply with a {@code Content-Length} (none and no body for HEAD, 204 and 304). */
    void send(int status, Headers headers, byte[] body) throws IOException {
        markResponded();
        boolean bodyless = request.method().equals("HEAD") || status == 204 || status == 304;
        if (!(status == 204 || status == 304)) {
            headers.set("Content-Length", Integer.toString(body.length));
        }
        Wire.writeHead(out, status, Wire.reason(status), headers);
        if (!bodyless) {
            out.write(body);
        }
        out.flush();
    }

    /** Sends the head now and returns the chunked body; the caller closes it to end the body. */
    Wire.ChunkedOutput startChunked(int status, Headers headers) throws IOException {
        markResponded();
        headers.set("Transfer-Encoding", "chunked");
        Wire.writeHead(out, status, Wire.reason(status), headers);
        out.flush();
        return new Wire.ChunkedOutput(out);
    }

    /** Answers 101 ({@code Upgrade: tcp}, as dockerd) and returns the raw connection; it is closed afterwards. */
    OutputStream hijack(String contentType) throws IOException {
        markResponded();
        closeAfter = true;
        Wire.writeHead(
                out,
                101,
                "UPGRADED",
                new Headers()
                        .add("Content-Type", contentType)
                        .add("Connection", "Upgrade")
                        .add("Upgrade", "tcp"));
        out.flush();
        return out;
    }

    /**
     * Watches the client's side of the connection during a long stream: {@code onGone} runs when the client closes it
     * (the CLI sends nothing more on a streaming request). The connection is closed after the reply.
     */
    void watchClient(Runnable onGone) {
        closeAfter = true;
        Thread t = new Thread(
                () -> {
                    try {
                        while (in.read() >= 0) {
                            // a hijacked client may half-close or send stdin we do not use
                        }
                    } catch (IOException ignored) {
                        // closed
                    }
                    onGone.run();
                },
                "bridge-client-watch");
        t.setDaemon(true);
        t.start();
    }

    void closeConnection() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private void markResponded() {
        if (responded) {
            throw new IllegalStateException("already responded");
        }
        responded = true;
    }
}
