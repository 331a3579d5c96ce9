package dev.sockerless.aca.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Azurite (blob, queue and table) from the project's pinned npm dependency ({@code azurite} 3.35.0 in the root
 * {@code package.json}), in memory on pre-picked free loopback ports. {@code node_modules} is found by walking up
 * from the working directory. Ready when an unauthenticated
 * {@code GET /devstoreaccount1/Tables} answers 403 ({@code GET /} answers 400 on 3.35.0). Killed on {@link #close()}
 * and, as a fallback, by a JVM shutdown hook.
 */
public final class Azurite implements AutoCloseable {

    /** The well-known development storage account. */
    public static final String ACCOUNT_NAME = "devstoreaccount1";
    /** The well-known development storage key. */
    public static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final int blobPort;
    private final int queuePort;
    private final int tablePort;
    private final Path dir;
    private final ManagedProcess process;

    /** Starts Azurite and waits until all three services answer. */
    public Azurite() {
        Path binary = locateBinary();
        int[] ports = freePorts(3);
        blobPort = ports[0];
        queuePort = ports[1];
        tablePort = ports[2];
        try {
            dir = Files.createTempDirectory("azurite-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        process = new ManagedProcess(
                "azurite",
                List.of(
                        binary.toString(),
                        "--blobHost",
                        "127.0.0.1",
                        "--blobPort",
                        String.valueOf(blobPort),
                        "--queueHost",
                        "127.0.0.1",
                        "--queuePort",
                        String.valueOf(queuePort),
                        "--tableHost",
                        "127.0.0.1",
                        "--tablePort",
                        String.valueOf(tablePort),
                        "--inMemoryPersistence",
                        "--silent",
                        "--disableTelemetry",
                        "--skipApiVersionCheck"),
                dir);
        try {
            // GET / answers 400 on 3.35.0; an unauthenticated table query answers 403 AuthorizationFailure once up
            process.awaitHttp(tableEndpoint() + "/Tables", s -> s == 403, START_TIMEOUT);
            process.awaitHttp("http://127.0.0.1:" + blobPort + "/", s -> s > 0, START_TIMEOUT);
            process.awaitHttp("http://127.0.0.1:" + queuePort + "/", s -> s > 0, START_TIMEOUT);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** {@code node_modules/.bin/azurite} in the working directory or the nearest parent that has it. */
    static Path locateBinary() {
        Path start = Path.of("").toAbsolutePath();
        for (Path d = start; d != null; d = d.getParent()) {
            Path candidate = d.resolve("node_modules/.bin/azurite");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("node_modules/.bin/azurite not found in " + start
                + " or its parents: run `make test` (it runs `npm ci` for the pinned azurite dependency "
                + "in the repository's package.json)");
    }

    private static int[] freePorts(int n) {
        ServerSocket[] sockets = new ServerSocket[n];
        int[] ports = new int[n];
        try {
            for (int i = 0; i < n; i++) {
                sockets[i] = new ServerSocket();
                sockets[i].setReuseAddress(true);
                sockets[i].bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                ports[i] = sockets[i].getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    if (s != null) s.close();
                } catch (IOException ignored) {
                    // ignore
                }
            }
        }
        return ports;
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

    /** {@code http://127.0.0.1:<blobPort>/devstoreaccount1}. */
    public String blobEndpoint() {
        return "http://127.0.0.1:" + blobPort + "/" + ACCOUNT_NAME;
    }

    /** {@code http://127.0.0.1:<queuePort>/devstoreaccount1}. */
    public String queueEndpoint() {
        return "http://127.0.0.1:" + queuePort + "/" + ACCOUNT_NAME;
    }

    /** {@code http://127.0.0.1:<tablePort>/devstoreaccount1}. */
    public String tableEndpoint() {
        return "http://127.0.0.1:" + tablePort + "/" + ACCOUNT_NAME;
    }

    /** Connection string with explicit blob, queue and table endpoints and the well-known dev key. */
    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT_NAME + ";AccountKey=" + ACCOUNT_KEY
                + ";BlobEndpoint=" + blobEndpoint() + ";QueueEndpoint=" + queueEndpoint()
                + ";TableEndpoint=" + tableEndpoint() + ";";
    }

    /**
     * Freezes Azurite ({@code SIGSTOP}): the kernel still accepts connections, but nothing answers — storage that
     * stalls rather than fails. {@link #thaw()} resumes it.
     */
    public void freeze() {
        process.signal("STOP");
    }

    /** Resumes a {@linkplain #freeze() frozen} Azurite ({@code SIGCONT}). */
    public void thaw() {
        process.signal("CONT");
    }

    /** Azurite's captured output (mostly empty with {@code --silent}). */
    public String log() {
        return process.output();
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
        RegistryServer.deleteRecursively(dir);
    }
}
