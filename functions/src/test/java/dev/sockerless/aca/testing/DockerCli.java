package dev.sockerless.aca.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real docker CLI (client only) for end-to-end tests: {@code DOCKER_HOST=tcp://127.0.0.1:<port>}, a given
 * {@code DOCKER_CONFIG}, no inherited {@code DOCKER_*} or proxy variables, stdin from /dev/null (a 401 would make the
 * CLI prompt and hang) or a file, and a timeout.
 */
public final class DockerCli {

    public static final Path BINARY = Path.of("/usr/local/bin/docker");
    public static final long TIMEOUT_SECONDS = 60;

    private final String docker;
    private final Path temp;

    /** @param temp where stdin/stdout/stderr files go (a test's {@code @TempDir}) */
    public DockerCli(String docker, Path temp) {
        this.docker = docker;
        this.temp = temp;
    }

    /** {@value} or {@code docker} on the PATH; null when neither exists. */
    public static String find() {
        if (Files.isExecutable(BINARY)) {
            return BINARY.toString();
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir, "docker");
                if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        return null;
    }

    public record Result(List<String> command, int exit, String out, String err) {
        public Result ok() {
            assertThat(exit)
                    .as("exit code of %s%nstdout:%n%s%nstderr:%n%s", command, out, err)
                    .isZero();
            return this;
        }

        public Result failed() {
            assertThat(exit)
                    .as("exit code of %s%nstdout:%n%s%nstderr:%n%s", command, out, err)
                    .isNotZero();
            return this;
        }

        public List<String> lines() {
            return out.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    /** The CLI's process, set up against {@code port} with {@code config}; output and input are the caller's. */
    public ProcessBuilder command(int port, Path config, String... args) {
        List<String> command = new ArrayList<>();
        command.add(docker);
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.keySet()
                .removeIf(k -> k.startsWith("DOCKER_")
                        || k.equalsIgnoreCase("http_proxy")
                        || k.equalsIgnoreCase("https_proxy")
                        || k.equalsIgnoreCase("all_proxy"));
        env.put("DOCKER_HOST", "tcp://127.0.0.1:" + port);
        env.put("DOCKER_CONFIG", config.toString());
        env.put("DOCKER_CLI_HINTS", "false");
        env.put("TZ", "UTC"); // CREATED columns are rendered in the CLI's time zone
        return pb;
    }

    /** Runs the CLI to its end (killed after {@value #TIMEOUT_SECONDS} s), stdin from {@code stdin} or /dev/null. */
    public Result run(int port, Path config, String stdin, String... args) throws Exception {
        ProcessBuilder pb = command(port, config, args);
        if (stdin == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        } else {
            Path in = Files.writeString(Files.createTempFile(temp, "stdin", ".txt"), stdin);
            pb.redirectInput(ProcessBuilder.Redirect.from(in.toFile()));
        }
        Path out = Files.createTempFile(temp, "stdout", ".txt");
        Path err = Files.createTempFile(temp, "stderr", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = pb.start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            fail(
                    "%s did not finish within %d s (killed; it may be waiting for a login prompt)%nstdout:%n%s%nstderr:%n%s",
                    pb.command(), TIMEOUT_SECONDS, Files.readString(out), Files.readString(err));
        }
        Result result = new Result(pb.command(), process.exitValue(), Files.readString(out), Files.readString(err));
        System.out.println("$ " + String.join(" ", pb.command()) + "  (exit " + result.exit() + ")\n" + result.out()
                + (result.err().isEmpty() ? "" : "[stderr]\n" + result.err()));
        return result;
    }
}
