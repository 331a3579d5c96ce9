package dev.sockerless.aca.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process whose combined stdout/stderr is captured (for error messages) and which is killed on
 * {@link #close()} or, as a fallback, by a JVM shutdown hook. Package-private plumbing for the test services.
 */
final class ManagedProcess implements AutoCloseable {

    private static final int MAX_OUTPUT = 64 * 1024;
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private final String name;
    private final Process process;
    private final StringBuilder output = new StringBuilder();
    private final Thread shutdownHook;

    ManagedProcess(String name, List<String> command, Path workDir) {
        this.name = name;
        ProcessBuilder pb =
                new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + command, e);
        }
        shutdownHook = new Thread(this::kill, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        Thread reader = new Thread(this::pump, name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    private void pump() {
        try (BufferedReader r =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (output) {
                    if (output.length() < MAX_OUTPUT) {
                        output.append(line).append('\n');
                    }
                    output.notifyAll();
                }
            }
        } catch (IOException ignored) {
            // process ended
        } finally {
            synchronized (output) {
                output.notifyAll();
            }
        }
    }

    /** The output captured so far. */
    String output() {
        synchronized (output) {
            return output.toString();
        }
    }

    /** Waits for {@code pattern} in the output; fails if the process exits first or on timeout. */
    Matcher awaitOutput(Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (output) {
            while (true) {
                Matcher m = pattern.matcher(output);
                if (m.find()) {
                    return m;
                }
                failIfDead();
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw failure("did not print /" + pattern + "/ within " + timeout);
                }
                try {
                    output.wait(Math.max(1, Math.min(100, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw failure("interrupted");
                }
            }
        }
    }

    /** Polls {@code GET url} until the status satisfies {@code ready}; fails fast if the process dies. */
    void awaitHttp(String url, Predicate<Integer> ready, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            failIfDead();
            try {
                HttpResponse<Void> r = HTTP.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(2))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                last = r.statusCode();
                if (ready.test(last)) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure("interrupted");
            }
            sleep(50);
        }
        throw failure("GET " + url + " not ready within " + timeout + " (last status " + last + ")");
    }

    private void failIfDead() {
        if (!process.isAlive()) {
            try {
                process.waitFor(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sleep(50); // let the reader drain the last lines
            throw failure("exited with status " + process.exitValue());
        }
    }

    IllegalStateException failure(String what) {
        return new IllegalStateException(name + " " + what + "; output:\n" + output());
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Sends {@code signal} ({@code STOP}, {@code CONT}) to the process and its descendants with {@code kill}. */
    void signal(String signal) {
        List<String> command = new java.util.ArrayList<>(List.of("kill", "-" + signal, String.valueOf(process.pid())));
        process.descendants().forEach(d -> command.add(String.valueOf(d.pid())));
        try {
            Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0) {
                throw failure("could not be sent SIG" + signal + ": " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted");
        }
    }

    private void kill() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The CPU time the process has used so far (user + system), zero when the system does not tell. */
    java.time.Duration cpu() {
        return process.info().totalCpuDuration().orElse(java.time.Duration.ZERO);
    }

    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException ignored) {
            // JVM already shutting down
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
