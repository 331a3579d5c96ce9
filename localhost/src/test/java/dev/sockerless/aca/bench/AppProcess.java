package dev.sockerless.aca.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The app as Azure runs it, for the load row: the local host in a JVM of its own (as {@code make run} starts it), with
 * the JVM options the Functions Java worker starts every app with, then the app's own
 * ({@code languageWorkers__java__arguments}, set in {@code bicep/modules/functionapp.bicep}); the Makefile passes both
 * as {@code -Dbench.appJvmOptions}. Its CPU, by thread too, and its peak RSS are read from {@code /proc}, so what is
 * measured is the app's process alone: not the benchmark building archives, nor the client sending them.
 */
final class AppProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final String base;
    private final Path log;

    private AppProcess(Process process, String base, Path log) {
        this.process = process;
        this.base = base;
        this.log = log;
    }

    /** The JVM options: the worker's and the app's, as the Makefile passes them (none when run otherwise). */
    static List<String> jvmOptions() {
        String options = System.getProperty("bench.appJvmOptions", "").trim();
        return options.isEmpty() ? List.of() : Arrays.asList(options.split("\\s+"));
    }

    /**
     * Starts the local host on a free port with {@code settings} as its environment, and waits until it listens; its
     * output goes to a temporary log file.
     */
    static AppProcess start(Map<String, String> settings) throws IOException {
        Path classes = Path.of("localhost", "target", "classes");
        Path classpath = Path.of("localhost", "target", "classpath.txt");
        if (!Files.isRegularFile(classpath)) {
            throw new IOException(classpath.toAbsolutePath() + " is missing: run the benchmark with make bench");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions());
        command.addAll(List.of(
                "-cp", classes + ":" + Files.readString(classpath).trim(), "dev.sockerless.aca.localhost.LocalHost"));
        Path log = Files.createTempFile("bench-app", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(settings);
        pb.environment().put("SOCKERLESS_LISTEN", "127.0.0.1:0");
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String port = null;
        StringBuilder seen = new StringBuilder();
        for (String line; port == null && (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                port = m.group(1);
            }
        }
        if (port == null) {
            p.destroyForcibly();
            throw new IOException("the app did not start:\n" + seen);
        }
        Files.writeString(log, seen);
        Thread drain = new Thread(() -> {
            try (var file = Files.newOutputStream(log, java.nio.file.StandardOpenOption.APPEND)) {
                p.getInputStream().transferTo(file);
            } catch (IOException ended) {
                // the process ended
            }
        });
        drain.setDaemon(true);
        drain.start();
        return new AppProcess(p, "http://127.0.0.1:" + port, log);
    }

    String base() {
        return base;
    }

    long pid() {
        return process.pid();
    }

    /** User + system CPU of the whole process so far (10 ms ticks). */
    long cpuNanos() throws IOException {
        return ticks(Files.readString(Path.of("/proc", String.valueOf(pid()), "stat"))) * 10_000_000L;
    }

    /** CPU nanoseconds by thread group of the process's live threads ({@link Benchmark#threadGroup}). */
    Map<String, Long> threadCpu() throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid()), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    out.merge(Benchmark.threadGroup(comm), ticks(stat) * 10_000_000L, Long::sum);
                } catch (IOException | RuntimeException ended) {
                    // the thread ended while being read
                }
            }
        }
        return out;
    }

    /** utime + stime of a {@code /proc/.../stat} line. */
    private static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** Starts a new peak: the process's RSS high-water mark is set back to its RSS now (Linux: clear_refs 5). */
    void resetPeakRss() throws IOException {
        Files.writeString(Path.of("/proc", String.valueOf(pid()), "clear_refs"), "5");
    }

    /** The RSS high-water mark (VmHWM) since {@link #resetPeakRss}, in MB. */
    double peakRssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        throw new IOException("no VmHWM in /proc/" + pid() + "/status");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        if (Boolean.getBoolean("bench.keepAppLog")) {
            System.out.println("the app's log: " + log);
        } else {
            Files.deleteIfExists(log);
        }
    }
}
