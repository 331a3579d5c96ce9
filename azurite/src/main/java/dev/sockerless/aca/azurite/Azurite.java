package dev.sockerless.aca.azurite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Azurite (blob, queue and table) from the project's pinned npm dependency ({@code azurite} in the root
 * {@code package.json}; {@code node_modules/.bin/azurite}, found by walking up from the working directory), on free
 * loopback ports: the one launcher of the project, for the local host ({@link #persistent}, its data kept across
 * restarts) and for the tests ({@link #inMemory}). Ready once all three services answer HTTP. {@link #close()} stops
 * the process and its descendants (SIGTERM, up to 5 s, then SIGKILL); a JVM shutdown hook does so as a fallback.
 */
public final class Azurite implements AutoCloseable {

    /** The well-known development storage account (public, documented with Azurite). */
    public static final String ACCOUNT_NAME = "devstoreaccount1";
    /** The well-known development storage key (public, documented with Azurite). */
    public static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final Process process;
    private final int blobPort;
    private final int queuePort;
    private final int tablePort;
    private final Path log;
    /** A temporary directory deleted on close (in-memory mode), or null. */
    private final @Nullable Path temporary;

    private final Thread shutdownHook;

    private Azurite(Process process, int[] ports, Path log, @Nullable Path temporary) {
        this.process = process;
        this.blobPort = ports[0];
        this.queuePort = ports[1];
        this.tablePort = ports[2];
        this.log = log;
        this.temporary = temporary;
        this.shutdownHook = new Thread(this::stop, "azurite-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts an Azurite that keeps its data in memory (tests), and waits until it answers. */
    public static Azurite inMemory() {
        try {
            Path dir = Files.createTempDirectory("azurite-");
            return start(List.of("--inMemoryPersistence"), dir, dir.resolve("azurite.log"), dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts an Azurite that keeps its data under {@code location} (created if missing), its output appended to
     * {@code location/azurite.log}, and waits until it answers.
     */
    public static Azurite persistent(Path location) throws IOException {
        Files.createDirectories(location);
        return start(List.of("--location", location.toString()), projectRoot(), location.resolve("azurite.log"), null);
    }

    private static Azurite start(List<String> storage, Path workingDirectory, Path log, @Nullable Path temporary)
            throws IOException {
        int[] ports = freePorts(3);
        List<String> command = new ArrayList<>(List.of(
                binary().toString(),
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                Integer.toString(ports[0]),
                "--queueHost",
                "127.0.0.1",
                "--queuePort",
                Integer.toString(ports[1]),
                "--tableHost",
                "127.0.0.1",
                "--tablePort",
                Integer.toString(ports[2])));
        command.addAll(storage);
        command.addAll(List.of("--silent", "--disableTelemetry", "--skipApiVersionCheck"));
        Process process = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        Azurite azurite = new Azurite(process, ports, log, temporary);
        try {
            azurite.awaitReady();
        } catch (RuntimeException e) {
            azurite.close();
            throw e;
        }
        return azurite;
    }

    /** {@code node_modules/.bin/azurite} in the working directory or the nearest parent that has it. */
    public static Path binary() {
        Path start = Path.of("").toAbsolutePath();
        return findBinary(start)
                .orElseThrow(() -> new IllegalStateException("Azurite not found: no node_modules/.bin/azurite in "
                        + start + " or any parent directory. Run `npm ci` in the project root (`make run` and "
                        + "`make test` do), or set AzureWebJobsStorage to an existing storage account."));
    }

    /** Finds {@code node_modules/.bin/azurite} walking up from {@code start}. */
    public static Optional<Path> findBinary(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            Path bin = dir.resolve("node_modules").resolve(".bin").resolve("azurite");
            if (Files.isRegularFile(bin) && Files.isExecutable(bin)) {
                return Optional.of(bin);
            }
        }
        return Optional.empty();
    }

    /** The directory holding {@code node_modules} (the project root). */
    public static Path projectRoot() {
        // <root>/node_modules/.bin/azurite, an absolute normalized path (findBinary)
        return binary().resolve("../../..").normalize();
    }

    /** Waits until blob, queue and table each answer HTTP (any status: Azurite is up). */
    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        for (int port : new int[] {tablePort, blobPort, queuePort}) {
            URI uri = URI.create("http://127.0.0.1:" + port + "/");
            while (!answers(uri)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(
                            "Azurite exited with status " + process.exitValue() + "; output:\n" + log());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Azurite did not answer on port " + port + " within "
                            + START_TIMEOUT.toSeconds() + " s; output:\n" + log());
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while Azurite was starting", e);
                }
            }
        }
    }

    private static boolean answers(URI uri) {
        try {
            HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            try {
                return c.getResponseCode() > 0;
            } finally {
                c.disconnect();
            }
        } catch (IOException notYet) {
            return false;
        }
    }

    private static int[] freePorts(int n) {
        List<ServerSocket> sockets = new ArrayList<>();
        int[] ports = new int[n];
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    public int blobPort() {
        return blobPort;
    }

    public int queuePort() {
        return queuePort;
    }

    public int tablePort() {
        return tablePort;
    }

    public long pid() {
        return process.pid();
    }

    /** {@code http://127.0.0.1:<blobPort>/devstoreaccount1}. */
    public String blobEndpoint() {
        return endpoint(blobPort);
    }

    /** {@code http://127.0.0.1:<queuePort>/devstoreaccount1}. */
    public String queueEndpoint() {
        return endpoint(queuePort);
    }

    /** {@code http://127.0.0.1:<tablePort>/devstoreaccount1}. */
    public String tableEndpoint() {
        return endpoint(tablePort);
    }

    private static String endpoint(int port) {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT_NAME;
    }

    /** The connection string with explicit blob, queue and table endpoints and the well-known key. */
    public String connectionString() {
        return connectionString(blobPort, queuePort, tablePort);
    }

    /** {@link #connectionString()} for the given ports. */
    public static String connectionString(int blob, int queue, int table) {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT_NAME + ";AccountKey=" + ACCOUNT_KEY
                + ";BlobEndpoint=" + endpoint(blob) + ";QueueEndpoint=" + endpoint(queue) + ";TableEndpoint="
                + endpoint(table) + ";";
    }

    /** Where Azurite's output goes. */
    public Path logFile() {
        return log;
    }

    /** The last 20 lines of Azurite's output (mostly empty with {@code --silent}). */
    public String log() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /**
     * Freezes Azurite ({@code SIGSTOP} to it and its descendants): the kernel still accepts connections, but nothing
     * answers — storage that stalls rather than fails. {@link #thaw()} resumes it.
     */
    public void freeze() {
        signal("STOP");
    }

    /** Resumes a {@linkplain #freeze() frozen} Azurite ({@code SIGCONT}). */
    public void thaw() {
        signal("CONT");
    }

    private void signal(String signal) {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal, Long.toString(process.pid())));
        process.descendants().forEach(d -> command.add(Long.toString(d.pid())));
        try {
            Process kill = new ProcessBuilder(command).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " failed for Azurite (pid " + pid() + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    /** Stops exactly the process started here and its descendants, then deletes a temporary directory. */
    private void stop() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        if (temporary != null) {
            try (Stream<Path> files = Files.walk(temporary)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // best effort: a temporary directory
            }
        }
    }
}
