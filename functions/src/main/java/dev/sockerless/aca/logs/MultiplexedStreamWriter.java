package dev.sockerless.aca.logs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a logs response body, bounded in size. Without a TTY each write becomes one stdcopy frame
 * ({@code [stream][0][0][0][big-endian uint32 length][payload]}); with a TTY payloads are written raw. A system
 * error ({@code Error grabbing logs: ...}) is a stream-3 frame (raw text with a TTY), as dockerd writes it; it is
 * always accepted, past the limit.
 *
 * <p>The body grows in pages of {@value #PAGE} bytes, never copied while it grows: {@link #toByteArray()} makes the
 * one array a Java function's reply is, so a body of n bytes peaks at 2n in memory (a doubling array would reach 3n).
 */
public final class MultiplexedStreamWriter {

    public static final int HEADER_LENGTH = 8;
    static final int PAGE = 64 * 1024;
    private static final int STREAM_INDEX = 0;
    private static final int SIZE_INDEX = 4;

    private final boolean raw;
    private final long maxBytes;

    private final List<byte[]> pages = new ArrayList<>();
    /** Bytes used of the last page. */
    private int used = PAGE;

    private long size;

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
        if (size + needed > maxBytes) {
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
        return Math.toIntExact(size);
    }

    /** The body written so far, as one array. */
    public byte[] toByteArray() {
        byte[] body = new byte[size()];
        int at = 0;
        for (byte[] page : pages) {
            int n = Math.min(page.length, body.length - at);
            System.arraycopy(page, 0, body, at, n);
            at += n;
        }
        return body;
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
            append(header);
        }
        append(payload);
    }

    private void append(byte[] bytes) {
        int off = 0;
        while (off < bytes.length) {
            if (used == PAGE) {
                pages.add(new byte[PAGE]);
                used = 0;
            }
            int n = Math.min(PAGE - used, bytes.length - off);
            System.arraycopy(bytes, off, pages.get(pages.size() - 1), used, n);
            used += n;
            off += n;
        }
        size += bytes.length;
    }
}
