package dev.sockerless.aca.logs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds a logs response body, bounded in size. Without a TTY each write becomes one stdcopy frame
 * ({@code [stream][0][0][0][big-endian uint32 length][payload]}); with a TTY payloads are written raw. A system
 * error ({@code Error grabbing logs: ...}) is a stream-3 frame (raw text with a TTY), as dockerd writes it; it is
 * always accepted, past the limit.
 */
public final class MultiplexedStreamWriter {

    public static final int HEADER_LENGTH = 8;
    private static final int STREAM_INDEX = 0;
    private static final int SIZE_INDEX = 4;

    private final boolean raw;
    private final long maxBytes;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** {@code raw}: TTY output, no headers; {@code maxBytes}: the most bytes {@link #write} may produce. */
    public MultiplexedStreamWriter(boolean raw, long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        this.raw = raw;
        this.maxBytes = maxBytes;
    }

    /** Writes one frame; {@code false} (and nothing written) when it would take the body past the limit. */
    public boolean write(StreamType stream, byte[] payload) {
        long needed = (raw ? 0 : HEADER_LENGTH) + (long) payload.length;
        if (out.size() + needed > maxBytes) {
            return false;
        }
        frame(stream, payload);
        return true;
    }

    /** Writes {@code Error grabbing logs: <message>\n} on the system-error stream, regardless of the limit. */
    public void systemError(String message) {
        frame(StreamType.SYSTEM_ERROR, ("Error grabbing logs: " + message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public int size() {
        return out.size();
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }

    private void frame(StreamType stream, byte[] payload) {
        if (!raw) {
            byte[] header = new byte[HEADER_LENGTH];
            header[STREAM_INDEX] = (byte) stream.headerByte();
            int n = payload.length;
            header[SIZE_INDEX] = (byte) (n >>> 24);
            header[SIZE_INDEX + 1] = (byte) (n >>> 16);
            header[SIZE_INDEX + 2] = (byte) (n >>> 8);
            header[SIZE_INDEX + 3] = (byte) n;
            out.writeBytes(header);
        }
        out.writeBytes(payload);
    }
}
