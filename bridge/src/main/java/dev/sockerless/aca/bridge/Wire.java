package dev.sockerless.aca.bridge;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * HTTP/1.1 framing on sockets (RFC 9112): request heads, {@code Content-Length} and chunked bodies, response heads.
 * Limits as Kestrel's (the Functions host's server): request line 8 KB, header section 32 KB and 100 fields.
 */
final class Wire {

    static final int MAX_REQUEST_LINE = 8 * 1024;
    static final int MAX_HEADER_BYTES = 32 * 1024;
    static final int MAX_HEADER_FIELDS = 100;

    /** A malformed request: answered with {@code status} and the connection closed. */
    static final class BadRequest extends IOException {
        private static final long serialVersionUID = 1L;

        final int status;

        BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private Wire() {}

    /** The next request on the connection, or null when the client closed it between requests. */
    static @Nullable HttpRequest readRequest(InputStream in) throws IOException {
        String line = readLine(in, MAX_REQUEST_LINE, true);
        while (line != null && line.isEmpty()) {
            line = readLine(in, MAX_REQUEST_LINE, true); // RFC 9112 §2.2: ignore a CRLF before the request line
        }
        if (line == null) {
            return null;
        }
        String[] parts = line.split(" ", -1); // a trailing space is malformed, as in Go net/http
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.") || !parts[1].startsWith("/")) {
            throw new BadRequest(400, "malformed request line");
        }
        Headers headers = new Headers();
        int total = 0;
        while (true) {
            String h = readLine(in, MAX_HEADER_BYTES, false);
            if (h == null) {
                throw new EOFException("connection closed inside the request head");
            }
            if (h.isEmpty()) {
                break;
            }
            total += h.length() + 2;
            int colon = h.indexOf(':');
            if (total > MAX_HEADER_BYTES || headers.fields().size() >= MAX_HEADER_FIELDS) {
                throw new BadRequest(431, "request header fields too large");
            }
            if (colon <= 0 || h.charAt(0) == ' ' || h.charAt(0) == '\t') {
                throw new BadRequest(400, "malformed header field");
            }
            headers.add(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
        }
        return new HttpRequest(parts[0], parts[1], headers, body(in, headers));
    }

    private static InputStream body(InputStream in, Headers headers) throws IOException {
        if (headers.first("Transfer-Encoding").isPresent()) {
            if (!headers.first("Transfer-Encoding").get().trim().equalsIgnoreCase("chunked")) {
                throw new BadRequest(501, "unsupported transfer coding");
            }
            return new ChunkedInput(in);
        }
        String length = headers.first("Content-Length").orElse("0").trim();
        long n;
        try {
            n = Long.parseLong(length);
        } catch (NumberFormatException e) {
            throw new BadRequest(400, "malformed Content-Length");
        }
        if (n < 0) {
            throw new BadRequest(400, "malformed Content-Length");
        }
        return new BoundedInput(in, n);
    }

    /** A CRLF-terminated line (a bare LF is accepted), ISO-8859-1; null at end of stream before any byte. */
    static @Nullable String readLine(InputStream in, int max, boolean eofAllowed) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (line.size() == 0 && eofAllowed) {
                    return null;
                }
                throw new EOFException("connection closed inside a line");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= max) {
                throw new BadRequest(max == MAX_REQUEST_LINE ? 414 : 431, "line too long");
            }
            line.write(b);
        }
    }

    /** {@link #readLine} where the end of the stream is not allowed (it throws), so never null. */
    static String readLineInside(InputStream in, int max) throws IOException {
        return Objects.requireNonNull(readLine(in, max, false));
    }

    /** Writes a status line and the headers (and the blank line). */
    static void writeHead(OutputStream out, int status, String reason, Headers headers) throws IOException {
        StringBuilder sb = new StringBuilder("HTTP/1.1 ")
                .append(status)
                .append(' ')
                .append(reason)
                .append("\r\n");
        for (Headers.Field f : headers.fields()) {
            sb.append(f.name()).append(": ").append(f.value()).append("\r\n");
        }
        sb.append("\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    static String reason(int status) {
        return switch (status) {
            case 101 -> "UPGRADED";
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 413 -> "Payload Too Large";
            case 414 -> "URI Too Long";
            case 421 -> "Misdirected Request";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Status " + status;
        };
    }

    /** A request body on the connection: closing it does not close the connection. */
    abstract static class BodyInput extends FilterInputStream {
        BodyInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        /** Each kind of body reads its own framing; {@link #read()} goes through this. */
        @Override
        public abstract int read(byte[] b, int off, int len) throws IOException;

        @Override
        public int available() {
            return 0;
        }

        @Override
        public void close() {
            // the connection stays open: the server drains what is left
        }
    }

    /** A body of exactly {@code length} bytes. */
    static final class BoundedInput extends BodyInput {
        private long left;

        BoundedInput(InputStream in, long length) {
            super(in);
            this.left = length;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("connection closed inside the request body");
            }
            left -= n;
            return n;
        }
    }

    /** A chunked body (RFC 9112 §7.1); trailers are read and dropped. */
    static final class ChunkedInput extends BodyInput {
        private long left;
        private boolean done;

        ChunkedInput(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = readLineInside(in, 1024);
                int semi = size.indexOf(';');
                try {
                    left = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new BadRequest(400, "malformed chunk size");
                }
                if (left < 0) {
                    throw new BadRequest(400, "malformed chunk size");
                }
                if (left == 0) {
                    while (!readLineInside(in, MAX_HEADER_BYTES).isEmpty()) {
                        // trailer field: dropped
                    }
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("connection closed inside a chunk");
            }
            left -= n;
            if (left == 0 && !readLineInside(in, 2).isEmpty()) {
                throw new BadRequest(400, "chunk not followed by CRLF");
            }
            return n;
        }
    }

    /** Writes chunks; {@link #close()} writes the last chunk but leaves the connection open. */
    static final class ChunkedOutput extends OutputStream {
        private final OutputStream out;
        private boolean closed;

        ChunkedOutput(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return; // a zero-length chunk would end the body
            }
            out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(b, off, len);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        }
    }

    static boolean isJson(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/json");
    }
}
