package dev.sockerless.aca.bridge;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The bridge ({@code make bridge}): serves the Docker Engine API to the docker CLI on {@code SOCKERLESS_BRIDGE_LISTEN}
 * and forwards to the function app at {@code SOCKERLESS_BRIDGE_APP} with the function key. It turns the app's
 * long-poll contracts back into Docker's streams (logs {@code -f}, wait, attach) and sends {@code docker load}
 * bodies the way the Functions host accepts them.
 *
 * <p>The server is a small HTTP/1.1 server on plain sockets, one thread per connection: the JDK's
 * {@code HttpServer} cannot hand over the connection for the {@code 101 Upgrade: tcp} hijack that
 * {@code docker run} (attach) needs, and a server library would bring far more than these few hundred lines.
 */
public final class Bridge implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Bridge.class.getName());

    private final ServerSocket server;
    private final ExecutorService connections;
    private final HostCheck hosts;
    private final Router router;
    private volatile boolean closed;

    private Bridge(ServerSocket server, BridgeSettings settings) {
        this.server = server;
        AtomicInteger n = new AtomicInteger();
        this.connections = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bridge-connection-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.hosts = new HostCheck(settings);
        this.router = new Router(settings, new AppClient(settings));
    }

    public static Bridge start(BridgeSettings settings) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(settings.listen(), 128);
        Bridge bridge = new Bridge(server, settings);
        Thread accept = new Thread(bridge::acceptLoop, "bridge-accept");
        accept.setDaemon(true);
        accept.start();
        return bridge;
    }

    public int port() {
        return server.getLocalPort();
    }

    public static void main(String[] args) throws Exception {
        BridgeSettings settings;
        try {
            settings = BridgeSettings.fromEnvironment();
        } catch (IllegalArgumentException e) {
            System.err.println("sockerless bridge: " + e.getMessage());
            System.exit(2);
            return;
        }
        Bridge bridge = start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(bridge::close, "bridge-stop"));
        String host = settings.listen().getAddress().getHostAddress();
        System.out.println(
                "sockerless bridge listening on tcp://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                        + bridge.port() + " -> " + settings.app() + " (function key "
                        + (settings.key().isPresent() ? "set" : "not set")
                        + "); export DOCKER_HOST=tcp://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                        + bridge.port());
        Thread.currentThread().join();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                connections.execute(() -> serve(s));
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(Level.WARNING, "accept failed: {0}", e.getMessage());
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            while (!closed) {
                HttpRequest request;
                try {
                    request = Wire.readRequest(in);
                } catch (Wire.BadRequest e) {
                    Exchange bad = new Exchange(
                            new HttpRequest("GET", "/", new Headers(), InputStream.nullInputStream()), socket, in, out);
                    bad.sendError(e.status, e.getMessage());
                    return;
                }
                if (request == null) {
                    return;
                }
                Exchange ex = new Exchange(request, socket, in, out);
                if (!hosts.allows(request.headers().first("Host"))) {
                    ex.sendError(
                            403,
                            "Host '" + request.headers().first("Host").orElse("")
                                    + "' refused: the bridge answers only loopback host names (DNS rebinding protection); "
                                    + "add it to SOCKERLESS_BRIDGE_ALLOWED_HOSTS to allow it");
                    return;
                }
                handle(ex);
                if (ex.closeAfter()) {
                    return;
                }
                request.body().transferTo(OutputStream.nullOutputStream()); // the next request starts after it
            }
        } catch (SocketException e) {
            // the client went away
        } catch (IOException e) {
            LOG.log(Level.FINE, "connection ended: {0}", e.getMessage());
        }
    }

    private void handle(Exchange ex) throws IOException {
        try {
            router.handle(ex);
        } catch (Wire.BadRequest e) {
            // a malformed body: the connection cannot be read on
            if (!ex.responded()) {
                ex.sendError(e.status, "malformed request: " + e.getMessage());
            }
            throw e;
        } catch (BridgeException e) {
            if (ex.responded()) {
                throw new IOException("failed after the reply started: " + e.getMessage(), e);
            }
            ex.sendError(e.status(), e.getMessage());
        } catch (RuntimeException e) {
            // the exception's class and text only: never headers, bodies or settings
            LOG.log(Level.WARNING, "{0} {1} failed: {2}", new Object[] {
                ex.request.method(), ex.request.rawPath(), e.toString()
            });
            if (ex.responded()) {
                throw new IOException(e);
            }
            ex.sendError(500, "the bridge failed: " + e);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        connections.shutdownNow();
    }
}
