package dev.sockerless.aca.registry;

import dev.sockerless.aca.io.DaemonThreads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Binds the outbound guard to the connection itself: an HTTP {@code CONNECT} proxy inside the process, on a loopback
 * port, through which the HTTP client reaches untrusted https hosts. For each tunnel it resolves the host once,
 * checks every address ({@link OutboundGuard#checkedAddress}) and connects to the address it checked; a host that
 * resolves to an internal address gets {@code 403} and no connection is made. TLS is untouched: the client runs its
 * handshake through the tunnel with the URI's host for SNI and certificate verification, as without a proxy. (Java
 * 17's {@code HttpClient} has no resolver or connect hook, and connecting to an IP literal would change SNI and
 * hostname verification.) Untrusted plain-http requests go through it too, as through a forward proxy: the request's
 * absolute URI names the host, which is resolved, checked and connected to in the same way, one request per
 * connection.
 */
final class GuardedTunnel implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GuardedTunnel.class.getName());
    private static final int MAX_HEAD_BYTES = 64 * 1024;

    private final java.util.Map<String, String> refusals = new java.util.concurrent.ConcurrentHashMap<>();
    private final ServerSocket server;
    private final OutboundGuard guard;
    private final int connectTimeoutMillis;
    private final ExecutorService threads = Executors.newCachedThreadPool(DaemonThreads.named("registry-tunnel"));

    GuardedTunnel(OutboundGuard guard, Duration connectTimeout) throws IOException {
        this.guard = guard;
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    /** Why the tunnel last refused {@code host:port} (as the CONNECT named it), once; null when it did not. */
    @Nullable
    String takeRefusal(String hostPort) {
        return refusals.remove(hostPort.toLowerCase(java.util.Locale.ROOT));
    }

    InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.log(Level.WARNING, "registry tunnel: accept failed", e);
                }
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(connectTimeoutMillis);
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            String head = readHead(in);
            String[] line = head == null ? new String[0] : head.split("\r\n", 2)[0].split(" ");
            if (head == null || line.length != 3) {
                reply(out, "400 Bad Request");
                return;
            }
            if (!"CONNECT".equals(line[0])) {
                forward(client, line, head);
                return;
            }
            String target = line[1];
            int colon = target.lastIndexOf(':');
            String host = colon > 0 ? target.substring(0, colon) : "";
            int port;
            try {
                port = Integer.parseInt(target.substring(colon + 1));
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                reply(out, "400 Bad Request");
                return;
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            InetAddress address = checked(out, host, port, target);
            if (address == null) {
                return;
            }
            try (Socket upstream = new Socket()) {
                upstream.connect(new InetSocketAddress(address, port), connectTimeoutMillis);
                reply(out, "200 Connection established");
                client.setSoTimeout(0);
                threads.execute(() -> pipe(client, upstream));
                pipe(upstream, client);
            } catch (IOException e) {
                reply(out, "502 Bad Gateway");
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    /**
     * The address {@code host} resolves to when the guard lets it through; else the refusal is answered with
     * {@code 403} and remembered for the transport, and null returned.
     */
    private @Nullable InetAddress checked(OutputStream out, String host, int port, String target) throws IOException {
        try {
            return guard.checkedAddress(host, port);
        } catch (RuntimeException refused) {
            // the client reports only the status code: the reason waits for the transport (takeRefusal)
            String reason = Objects.toString(refused.getMessage(), "").replaceAll("[\\r\\n]", " ");
            if (refusals.size() > 1000) {
                refusals.clear();
            }
            refusals.put(target.toLowerCase(java.util.Locale.ROOT), reason);
            reply(out, "403 " + reason);
            return null;
        }
    }

    /**
     * Plain http as a forward proxy (RFC 9112 §3.2.2, absolute-form request target): resolves the target's host
     * once, checks it and sends the request to the checked address in origin form. One request per connection:
     * {@code Connection: close} goes upstream, so the client cannot send a second request, perhaps for another host,
     * over a connection already bound to this one.
     */
    private void forward(Socket client, String[] line, String head) throws IOException {
        OutputStream out = client.getOutputStream();
        java.net.URI uri;
        try {
            uri = new java.net.URI(line[1]);
        } catch (java.net.URISyntaxException e) {
            uri = null;
        }
        if (uri == null || !"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            reply(out, "400 Bad Request");
            return;
        }
        String host = uri.getHost();
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        String target = host + ":" + port; // as the transport asks for a refusal (takeRefusal)
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        InetAddress address = checked(out, host, port, target);
        if (address == null) {
            return;
        }
        StringBuilder request = new StringBuilder()
                .append(line[0])
                .append(' ')
                .append(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                .append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                .append(' ')
                .append(line[2])
                .append("\r\n");
        String[] lines = head.split("\r\n");
        for (String header : java.util.Arrays.asList(lines).subList(1, lines.length)) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                continue; // not a header
            }
            String name = header.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT);
            if (!HOP_BY_HOP.contains(name)) {
                request.append(header).append("\r\n");
            }
        }
        request.append("Connection: close\r\n\r\n");
        try (Socket upstream = new Socket()) {
            upstream.connect(new InetSocketAddress(address, port), connectTimeoutMillis);
            upstream.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            client.setSoTimeout(0);
            threads.execute(() -> pipe(client, upstream));
            pipe(upstream, client);
        } catch (IOException e) {
            reply(out, "502 Bad Gateway");
        }
    }

    /** Headers for this hop only, not forwarded (RFC 9110 §7.6.1), and the proxy's own. */
    private static final java.util.Set<String> HOP_BY_HOP = java.util.Set.of(
            "connection", "proxy-connection", "keep-alive", "proxy-authorization", "te", "trailer", "upgrade");

    private static void pipe(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException e) {
            // closed by the other side
        } finally {
            try {
                to.shutdownOutput();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    private static @Nullable String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < MAX_HEAD_BYTES) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                return head.toString();
            }
        }
        return null;
    }

    private static void reply(OutputStream out, String status) throws IOException {
        out.write(("HTTP/1.1 " + status + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        threads.shutdownNow();
    }
}
