package dev.sockerless.aca.localhost;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The project's local Functions host ({@code make run}): serves the {@code @FunctionName} HTTP functions of a package
 * with the JDK HTTP server, route templates as Azure Functions interprets them ({@code routePrefix ""}).
 *
 * <p>{@link #main} reads {@code SOCKERLESS_LISTEN} (default {@code 127.0.0.1:7071}), {@code SOCKERLESS_FUNCTIONS_PACKAGE}
 * (default {@value #DEFAULT_PACKAGE}) and {@code SOCKERLESS_MAX_REQUEST_BYTES} (default 104857600), starts Azurite
 * unless {@code AzureWebJobsStorage} is set (environment or system property), and stops what it started on
 * SIGINT/SIGTERM. {@link #start(InetSocketAddress, String)} is the programmatic API for tests; it never starts Azurite.
 */
public final class LocalHost implements AutoCloseable {

    public static final String DEFAULT_PACKAGE = "dev.sockerless.aca.functions";
    public static final long DEFAULT_MAX_REQUEST_BYTES = 104_857_600L;
    static final int THREADS = 32;

    static {
        // one line per record unless the user configured logging; must precede the first Logger use
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null
                && System.getProperty("java.util.logging.config.file") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
        }
    }

    private static final Logger LOG = Logger.getLogger(LocalHost.class.getName());

    private final HttpServer server;
    private final ExecutorService executor;
    private final RouteTable routes;
    private volatile boolean closed;

    private LocalHost(HttpServer server, ExecutorService executor, RouteTable routes) {
        this.server = server;
        this.executor = executor;
        this.routes = routes;
    }

    /** Starts serving the functions of {@code functionsPackage} with the configured (or default) body limit. */
    public static LocalHost start(InetSocketAddress address, String functionsPackage) throws IOException {
        return start(address, functionsPackage,
                Settings.getLong("SOCKERLESS_MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES));
    }

    /** Starts serving the functions of {@code functionsPackage} with an explicit request body limit. */
    public static LocalHost start(InetSocketAddress address, String functionsPackage, long maxRequestBytes)
            throws IOException {
        return start(address, FunctionScanner.scan(functionsPackage), maxRequestBytes);
    }

    /** Starts serving the given functions. */
    public static LocalHost start(InetSocketAddress address, List<HttpFunction> functions, long maxRequestBytes)
            throws IOException {
        RouteTable routes = new RouteTable(functions);
        HttpServer server = HttpServer.create(address, 128);
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, daemonThreads());
        server.setExecutor(executor);
        server.createContext("/", new FunctionHttpHandler(routes, maxRequestBytes));
        server.start();
        return new LocalHost(server, executor, routes);
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "localhost-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The bound address. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** The route table, in matching order. */
    public RouteTable routes() {
        return routes;
    }

    /** The base URL, e.g. {@code http://127.0.0.1:7071}. */
    public String url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host.replaceFirst("%.*$", "") + "]";
        }
        return "http://" + host + ":" + a.getPort();
    }

    /** Stops the server (in-flight exchanges get up to a second) and its threads. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.stop(1);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void main(String[] args) {
        PrintStream err = System.err;
        Azurite azurite = null;
        try {
            InetSocketAddress address = ListenAddress.parse(dev.sockerless.aca.config.Settings.fromEnvironment()
                    .require(dev.sockerless.aca.config.Settings.Key.SOCKERLESS_LISTEN));
            String pkg = Settings.get("SOCKERLESS_FUNCTIONS_PACKAGE").orElse(DEFAULT_PACKAGE);
            long limit = Settings.getLong("SOCKERLESS_MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES);
            List<HttpFunction> functions = FunctionScanner.scan(pkg);
            if (functions.isEmpty()) {
                LOG.warning("no HTTP functions found in package " + pkg);
            }
            if (Settings.get("AzureWebJobsStorage").isEmpty()) {
                azurite = Azurite.start();
                System.setProperty("AzureWebJobsStorage", azurite.connectionString());
            }
            LocalHost host = start(address, functions, limit);
            Azurite started = azurite;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                System.err.println("sockerless local host stopping");
                host.close();
                if (started != null) {
                    started.close();
                }
            }, "localhost-shutdown"));
            for (HttpFunction f : host.routes().functions()) {
                LOG.info("route " + f);
            }
            System.out.println("sockerless local host listening on " + host.url() + " (" + functions.size()
                    + " functions)");
            System.out.flush();
        } catch (Exception | Error e) {
            if (azurite != null) {
                azurite.close();
            }
            err.println("sockerless local host failed to start: " + e.getMessage());
            if (!(e instanceof IllegalStateException || e instanceof IllegalArgumentException)) {
                e.printStackTrace(err);
            }
            System.exit(1);
        }
    }
}
