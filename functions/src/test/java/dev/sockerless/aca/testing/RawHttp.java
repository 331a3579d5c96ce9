package dev.sockerless.aca.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, to see the framing a client library hides: the exact headers (names lower-cased) and
 * the body as framed ({@code chunked} decoded, or {@code Content-Length} bytes, or none for HEAD).
 */
public final class RawHttp implements AutoCloseable {

    /** One response; {@code chunked} tells how the body was framed, {@code chunks} its chunks as text. */
    public record Response(int status, Map<String, String> headers, byte[] body, boolean chunked, List<String> chunks) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawHttp(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(20_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Writes raw bytes (request line, headers and whatever body the test wants). */
    public RawHttp send(String request) throws IOException {
        return send(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawHttp send(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        return this;
    }

    /** Reads one response; {@code head} when it answers a HEAD request (no body whatever the headers say). */
    public Response read(boolean head) throws IOException {
        String statusLine = line();
        if (statusLine.isEmpty()) {
            throw new IOException("connection closed before a response");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(); !l.isEmpty(); l = line()) {
            int c = l.indexOf(':');
            String name = l.substring(0, c).trim().toLowerCase(Locale.ROOT);
            if (headers.containsKey(name)) {
                throw new IOException("header " + name + " sent twice");
            }
            headers.put(name, l.substring(c + 1).trim());
        }
        boolean chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
        if (head || status == 204 || status == 304) {
            return new Response(status, headers, new byte[0], chunked, List.of());
        }
        if (chunked) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            List<String> chunks = new ArrayList<>();
            while (true) {
                String size = line();
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    while (!line().isEmpty()) {
                        // trailers
                    }
                    return new Response(status, headers, body.toByteArray(), true, chunks);
                }
                byte[] chunk = in.readNBytes(n);
                chunks.add(new String(chunk, StandardCharsets.UTF_8));
                body.write(chunk);
                if (!line().isEmpty()) {
                    throw new IOException("malformed chunk");
                }
            }
        }
        String length = headers.get("content-length");
        if (length == null) {
            throw new IOException("neither chunked nor Content-Length: " + headers);
        }
        return new Response(status, headers, in.readNBytes(Integer.parseInt(length)), false, List.of());
    }

    /** Whether the server closed the connection (EOF within the socket timeout). */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (java.net.SocketException e) {
            return true; // reset
        }
    }

    /** Bytes left on the connection until the server closes it. */
    public byte[] rest() throws IOException {
        return in.readAllBytes();
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
