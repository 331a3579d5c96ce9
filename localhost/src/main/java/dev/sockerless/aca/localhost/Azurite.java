package dev.sockerless.aca.localhost;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Azurite started from the project's pinned npm dependency ({@code node_modules/.bin/azurite}, found by walking up
 * from the working directory), with blob/queue/table on free loopback ports and its data under
 * {@code SOCKERLESS_AZURITE_LOCATION} (default {@code .azurite/} in the project root) so state survives restarts.
 */
public final class Azurite implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Azurite.class.getName());
    static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final int blobPort;
    private final int queuePort;
    private final int tablePort;
    private final Path location;

    private Azurite(Process process, int blobPort, int queuePort, int tablePort, Path location) {
        this.process = process;
        this.blobPort = blobPort;
        this.queuePort = queuePort;
        this.tablePort = tablePort;
        this.location = location;
    }

    /** The explicit connection string for the chosen ports. */
    public String connectionString() {
        return connectionString(blobPort, queuePort, tablePort);
    }

    static String connectionString(int blob, int queue, int table) {
        return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + ACCOUNT_KEY
                + ";BlobEndpoint=http://127.0.0.1:" + blob + "/devstoreaccount1"
                + ";QueueEndpoint=http://127.0.0.1:" + queue + "/devstoreaccount1"
                + ";TableEndpoint=http://127.0.0.1:" + table + "/devstoreaccount1;";
    }

    public Path location() {
        return location;
    }

    public long pid() {
        return process.pid();
    }

    /** Finds {@code node_modules/.bin/azurite} walking up from {@code start}. */
    static Optional<Path> findBinary(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            Path bin = dir.resolve("node_modules").resolve(".bin").resolve("azurite");
            if (Files.isRegularFile(bin) && Files.isExecutable(bin)) {
                return Optional.of(bin);
            }
        }
        return Optional.empty();
    }

    /** Starts Azurite and waits until its table endpoint answers. */
    public static Azurite start() throws IOException, InterruptedException {
        Path cwd = Path.of("").toAbsolutePath();
        Path bin = findBinary(cwd)
                .orElseThrow(() -> new IllegalStateException(
                        "Azurite not found: no node_modules/.bin/azurite in " + cwd + " or any parent directory. "
                                + "Run `npm ci` in the project root (or use `make run`, which does it), "
                                + "or set AzureWebJobsStorage to an existing storage account."));
        Path projectRoot = bin.resolve("../../..").normalize(); // <root>/node_modules/.bin/azurite
        Path location = Settings.get("SOCKERLESS_AZURITE_LOCATION")
                .map(Path::of)
                .orElse(projectRoot.resolve(".azurite"))
                .toAbsolutePath();
        Files.createDirectories(location);
        int[] ports = freePorts(3);
        Path log = location.resolve("azurite.log");
        List<String> cmd = new ArrayList<>(List.of(
                bin.toString(),
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
                Integer.toString(ports[2]),
                "--location",
                location.toString(),
                "--silent",
                "--disableTelemetry",
                "--skipApiVersionCheck"));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(projectRoot.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        Azurite azurite = new Azurite(p, ports[0], ports[1], ports[2], location);
        LOG.info("started Azurite (pid " + p.pid() + ") blob " + ports[0] + ", queue " + ports[1] + ", table "
                + ports[2] + ", data in " + location + ", log " + log);
        try {
            azurite.awaitReady(log);
        } catch (IOException | InterruptedException | RuntimeException e) {
            azurite.close();
            throw e;
        }
        return azurite;
    }

    /**
     * Waits until blob, queue and table each answer HTTP (the table endpoint answers {@code GET /} with 403 when
     * running alone, 400 inside the combined {@code azurite}; any status means it is up).
     */
    private void awaitReady(Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        for (int port : new int[] {tablePort, blobPort, queuePort}) {
            URL url = new URL("http://127.0.0.1:" + port + "/");
            while (true) {
                if (!process.isAlive()) {
                    throw new IOException(
                            "Azurite exited with status " + process.exitValue() + "; output:\n" + tail(log));
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("Azurite did not answer on port " + port + " within "
                            + STARTUP_TIMEOUT.toSeconds() + " s; output:\n" + tail(log));
                }
                if (answers(url)) {
                    break;
                }
                Thread.sleep(100);
            }
        }
    }

    private static boolean answers(URL url) {
        try {
            HttpURLConnection c = (HttpURLConnection) url.openConnection();
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

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    static int[] freePorts(int n) {
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

    /** Stops the process started here (and its children): SIGTERM, up to 5 s, then SIGKILL. */
    @Override
    public void close() {
        ProcessUtil.stop(process, Duration.ofSeconds(5));
    }
}
