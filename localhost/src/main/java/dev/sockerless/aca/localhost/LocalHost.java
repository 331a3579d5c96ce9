package dev.sockerless.aca.localhost;

import com.sun.net.httpserver.HttpServer;
import dev.sockerless.aca.azurite.Azurite;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
 * (default {@value #DEFAULT_PACKAGE}) and the {@link Options} settings, starts Azurite unless
 * {@code AzureWebJobsStorage} is set (environment or system property), and stops what it started on SIGINT/SIGTERM.
 * {@link #start(InetSocketAddress, String)} is the programmatic API for tests; it never starts Azurite.
 */
public final class LocalHost implements AutoCloseable {

    public static final String DEFAULT_PACKAGE = "dev.sockerless.aca.functions";
    /** The host's request body limit (Kestrel {@code MaxRequestBodySize} set in host {@code src/WebJobs.Script.WebHost/Program.cs}). */
    public static final long DEFAULT_MAX_REQUEST_BYTES = 104_857_600L;
    /** Azure answers 502 when a function has not responded within 230 s (Azure Load Balancer idle timeout). */
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(230);
    /** The setting that allows binding a non-loopback address. */
    public static final String LISTEN_ANY = "SOCKERLESS_LISTEN_ANY";

    /**
     * How the host serves requests.
     *
     * @param maxRequestBytes  {@code FUNCTIONS_REQUEST_BODY_SIZE_LIMIT}, the real host's setting (default 104857600):
     *                         a larger {@code Content-Length} gets an empty 500
     * @param responseTimeout  {@code SOCKERLESS_LOCAL_RESPONSE_TIMEOUT_SECONDS} (default 230): later, the caller gets
     *                         502 while the invocation goes on
     * @param keysFile         {@code SOCKERLESS_LOCAL_KEYS}: the function keys to enforce, none when empty
     * @param homepageDisabled {@code AzureWebJobsDisableHomepage=true}: an unmatched {@code /} gets 204, not the page
     * @param listenAny        {@code SOCKERLESS_LISTEN_ANY=true}: binding a non-loopback address is allowed (with a
     *                         warning); otherwise it makes the start fail
     */
    public record Options(
            long maxRequestBytes,
            Duration responseTimeout,
            Optional<Path> keysFile,
            boolean homepageDisabled,
            boolean listenAny) {

        public Options {
            if (maxRequestBytes <= 0 || responseTimeout.isNegative() || responseTimeout.isZero()) {
                throw new IllegalArgumentException("limits must be positive");
            }
        }

        /** The defaults: Azure's limits, no keys, the homepage. */
        public static Options defaults() {
            return new Options(DEFAULT_MAX_REQUEST_BYTES, DEFAULT_RESPONSE_TIMEOUT, Optional.empty(), false, false);
        }

        /** From the settings (system properties, then environment). */
        public static Options fromSettings() {
            return new Options(
                    Settings.getLong("FUNCTIONS_REQUEST_BODY_SIZE_LIMIT", DEFAULT_MAX_REQUEST_BYTES),
                    Duration.ofSeconds(Settings.getLong(
                            "SOCKERLESS_LOCAL_RESPONSE_TIMEOUT_SECONDS", DEFAULT_RESPONSE_TIMEOUT.toSeconds())),
                    Settings.get("SOCKERLESS_LOCAL_KEYS").map(Path::of),
                    Settings.get("AzureWebJobsDisableHomepage")
                            .map("true"::equalsIgnoreCase)
                            .orElse(false),
                    Settings.get(LISTEN_ANY).map("true"::equalsIgnoreCase).orElse(false));
        }

        public Options withMaxRequestBytes(long bytes) {
            return new Options(bytes, responseTimeout, keysFile, homepageDisabled, listenAny);
        }

        public Options withResponseTimeout(Duration timeout) {
            return new Options(maxRequestBytes, timeout, keysFile, homepageDisabled, listenAny);
        }

        public Options withKeysFile(Path file) {
            return new Options(maxRequestBytes, responseTimeout, Optional.of(file), homepageDisabled, listenAny);
        }

        public Options withHomepageDisabled(boolean disabled) {
            return new Options(maxRequestBytes, responseTimeout, keysFile, disabled, listenAny);
        }

        public Options withListenAny(boolean any) {
            return new Options(maxRequestBytes, responseTimeout, keysFile, homepageDisabled, any);
        }
    }

    static final int THREADS = 32;

    static {
        // one line per record unless the user configured logging; must precede the first Logger use
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null
                && System.getProperty("java.util.logging.config.file") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
        }
    }

    private static final Logger LOG = Logger.getLogger(LocalHost.class.getName());

    /**
     * The JDK HTTP server's switch for {@code TCP_NODELAY} on the connections it accepts (module jdk.httpserver,
     * {@code sun.net.httpserver.ServerConfig}: read once, when the first server of the JVM is made; off by default).
     */
    static final String NO_DELAY = "sun.net.httpserver.nodelay";

    static {
        noDelay();
    }

    /**
     * Turns Nagle's algorithm off for the JDK HTTP servers of this JVM (unless {@value #NO_DELAY} is set otherwise), as
     * the Functions host's Kestrel has it: {@code KestrelServerOptions.NoDelay}, "defaults to true" (learn.microsoft.com,
     * Microsoft.AspNetCore.Server.Kestrel; the sockets transport's {@code SocketTransportOptions.NoDelay} likewise).
     * With Nagle on, a reply whose body follows its headers in a second small write waits for the client's delayed
     * ACK: measured 40-90 ms added to a warm pull or inspect through the local host. Call it before any JDK HTTP server
     * is made (a JVM that starts stand-ins first, such as the benchmark's).
     */
    public static void noDelay() {
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final ExecutorService invocations;
    private final RouteTable routes;
    private volatile boolean closed;

    private LocalHost(HttpServer server, ExecutorService executor, ExecutorService invocations, RouteTable routes) {
        this.server = server;
        this.executor = executor;
        this.invocations = invocations;
        this.routes = routes;
    }

    /** Starts serving the functions of {@code functionsPackage} with the configured (or default) options. */
    public static LocalHost start(InetSocketAddress address, String functionsPackage) throws IOException {
        return start(address, functionsPackage, Options.fromSettings());
    }

    /** Starts serving the functions of {@code functionsPackage} with explicit options. */
    public static LocalHost start(InetSocketAddress address, String functionsPackage, Options options)
            throws IOException {
        return start(address, FunctionScanner.scan(functionsPackage), options);
    }

    /** Starts serving the given functions. */
    public static LocalHost start(InetSocketAddress address, List<HttpFunction> functions, Options options)
            throws IOException {
        RouteTable routes = new RouteTable(functions);
        FunctionKeys keys = options.keysFile().map(FunctionKeys::load).orElse(null);
        if (!address.getAddress().isLoopbackAddress()) {
            if (!options.listenAny()) {
                throw new IllegalArgumentException("refusing to listen on " + address.getHostString()
                        + ", which is not a loopback address: the local host has no TLS and, unless keys are set, no"
                        + " authentication; set " + LISTEN_ANY + "=true to allow it");
            }
            LOG.warning("listening on the non-loopback address " + address.getHostString() + " (" + LISTEN_ANY
                    + "=true): anyone who can reach it can drive the app"
                    + (keys == null ? ", and no keys are set" : ""));
        }
        HttpServer server = HttpServer.create(address, 128);
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, daemonThreads("localhost-http-"));
        ExecutorService invocations = Executors.newCachedThreadPool(daemonThreads("localhost-invocation-"));
        server.setExecutor(executor);
        HostHeaderCheck hostCheck = new HostHeaderCheck(address.getHostString(), server.getAddress());
        server.createContext("/", new FunctionHttpHandler(routes, options, keys, invocations, hostCheck));
        server.start();
        return new LocalHost(server, executor, invocations, routes);
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
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
        invocations.shutdownNow();
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
            Options options = Options.fromSettings();
            List<HttpFunction> functions = FunctionScanner.scan(pkg);
            if (functions.isEmpty()) {
                LOG.warning("no HTTP functions found in package " + pkg);
            }
            if (Settings.get("AzureWebJobsStorage").isEmpty()) {
                Path location = Settings.get("SOCKERLESS_AZURITE_LOCATION")
                        .map(Path::of)
                        .orElse(Azurite.projectRoot().resolve(".azurite"))
                        .toAbsolutePath();
                azurite = Azurite.persistent(location);
                LOG.info("started Azurite (pid " + azurite.pid() + ") blob " + azurite.blobPort() + ", queue "
                        + azurite.queuePort() + ", table " + azurite.tablePort() + ", data in " + location + ", log "
                        + azurite.logFile());
                System.setProperty("AzureWebJobsStorage", azurite.connectionString());
            }
            LocalHost host = start(address, functions, options);
            Azurite started = azurite;
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                System.err.println("sockerless local host stopping");
                                host.close();
                                if (started != null) {
                                    started.close();
                                }
                            },
                            "localhost-shutdown"));
            for (HttpFunction f : host.routes().functions()) {
                LOG.info("route " + f);
            }
            System.out.println("sockerless local host listening on " + host.url() + " (" + functions.size()
                    + " functions, keys " + (options.keysFile().isPresent() ? "enforced" : "not enforced") + ")");
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
