package dev.sockerless.aca.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real OCI registry: Debian's {@code docker-registry} 2.8.2 ({@code /usr/bin/docker-registry}) started with a
 * generated config on {@code 127.0.0.1:0} and filesystem storage in a temporary directory (deletes enabled).
 * The kernel-chosen port is read from the {@code listening on} log line. The process is killed on
 * {@link #close()} and, as a fallback, by a JVM shutdown hook.
 */
public final class RegistryServer implements AutoCloseable {

    /** The registry binary; installed by {@code make test}. */
    public static final Path BINARY = Path.of("/usr/bin/docker-registry");
    /** htpasswd user of {@link #htpasswd()}. */
    public static final String HTPASSWD_USER = "testuser";
    /** htpasswd password of {@link #htpasswd()}. */
    public static final String HTPASSWD_PASSWORD = "testpass";
    /** Basic-auth realm of {@link #htpasswd()}. */
    public static final String HTPASSWD_REALM = "test-realm";
    /** bcrypt line for {@code testuser:testpass} (the JDK has no bcrypt). */
    static final String HTPASSWD_LINE = "testuser:$2y$05$AFaLxzc4qSM99oDRt2Uk0e0GK7RMFj1ezDkmpjbTHhAbb8iE7SdSu";

    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final ManagedProcess process;
    private final int port;

    /** Writes any auth files into the registry's directory and returns the {@code auth:} YAML section. */
    private interface AuthSetup {
        String write(Path dir) throws IOException;
    }

    private RegistryServer(AuthSetup auth) {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: run `make test`, which installs the Debian "
                    + "docker-registry package (apt-get install docker-registry)");
        }
        try {
            dir = Files.createTempDirectory("registry-");
            Files.createDirectories(dir.resolve("storage"));
            String authYaml = auth.write(dir);
            String yaml = "version: 0.1\n"
                    + "log:\n  level: info\n  accesslog:\n    disabled: true\n"
                    + "storage:\n  filesystem:\n    rootdirectory: " + dir.resolve("storage") + "\n"
                    + "  delete:\n    enabled: true\n"
                    + "http:\n  addr: 127.0.0.1:0\n  secret: test-secret\n"
                    + authYaml;
            Files.writeString(dir.resolve("config.yml"), yaml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        process = new ManagedProcess(
                "docker-registry",
                List.of(BINARY.toString(), "serve", dir.resolve("config.yml").toString()),
                dir);
        try {
            port = Integer.parseInt(
                    process.awaitOutput(LISTENING, START_TIMEOUT).group(1));
            process.awaitHttp(baseUrl() + "/v2/", s -> s == 200 || s == 401, START_TIMEOUT);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** A registry without authentication. */
    public static RegistryServer anonymous() {
        return new RegistryServer(dir -> "");
    }

    /** A registry with Basic auth: only {@link #HTPASSWD_USER}/{@link #HTPASSWD_PASSWORD}. */
    public static RegistryServer htpasswd() {
        return new RegistryServer(dir -> {
            Path file = Files.writeString(dir.resolve("htpasswd"), HTPASSWD_LINE + "\n", StandardCharsets.UTF_8);
            return "auth:\n  htpasswd:\n    realm: " + HTPASSWD_REALM + "\n    path: " + file + "\n";
        });
    }

    /** A registry with bearer-token auth delegating to {@code tokenServer} (realm, service, issuer, bundle). */
    public static RegistryServer tokenAuth(TokenServer tokenServer) {
        return new RegistryServer(dir -> "auth:\n  token:\n"
                + "    realm: " + tokenServer.tokenUrl() + "\n"
                + "    service: " + tokenServer.service() + "\n"
                + "    issuer: " + tokenServer.issuer() + "\n"
                + "    rootcertbundle: " + tokenServer.bundlePath() + "\n");
    }

    /** {@code 127.0.0.1:PORT}, as used in image references. */
    public String hostPort() {
        return "127.0.0.1:" + port;
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String baseUrl() {
        return "http://" + hostPort();
    }

    /** The kernel-chosen port. */
    public int port() {
        return port;
    }

    /** The CPU time the registry process has used so far (for the benchmark: its share of a push). */
    public java.time.Duration cpu() {
        return process.cpu();
    }

    /** The registry's captured log output (for diagnostics). */
    public String log() {
        return process.output();
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
        deleteRecursively(dir);
    }

    static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
