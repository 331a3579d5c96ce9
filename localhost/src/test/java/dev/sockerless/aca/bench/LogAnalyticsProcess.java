package dev.sockerless.aca.bench;

import dev.sockerless.aca.testing.LogAnalyticsStandIn;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Log Analytics stand-in in a JVM of its own, so that the benchmark's JVM (the app and the local host) is measured
 * alone: its heap and CPU carry none of the stand-in's rows, KQL interpretation or JSON writing. The benchmark drives
 * it over the child's stdin/stdout, one command and one answer line each: {@code line <epoch ms> <job> <group>
 * <stream> <text>} adds a row, {@code lines <job> <group> <epoch ms> <count>} adds the logs rows' generated rows,
 * {@code queries} answers the number of queries received, {@code cpu} the child's CPU nanoseconds so far.
 */
final class LogAnalyticsProcess implements AutoCloseable {

    private final Process process;
    private final PrintWriter commands;
    private final BufferedReader answers;
    private final String endpoint;

    private LogAnalyticsProcess(Process process) throws IOException {
        this.process = process;
        this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.endpoint = answers.readLine();
        if (endpoint == null || !endpoint.startsWith("http")) {
            throw new IOException("the Log Analytics stand-in did not start: " + endpoint);
        }
    }

    /** Starts the child on this JVM's class path, with a heap big enough for a million rows. */
    static LogAnalyticsProcess start(String workspace) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(
                        java.toString(),
                        "-Xmx3g",
                        "-cp",
                        System.getProperty("java.class.path"),
                        LogAnalyticsProcess.class.getName(),
                        workspace)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        return new LogAnalyticsProcess(p);
    }

    /** The endpoint to configure, including {@code /v1}. */
    String endpoint() {
        return endpoint;
    }

    private synchronized String ask(String command) throws IOException {
        commands.println(command);
        String answer = answers.readLine();
        if (answer == null || answer.startsWith("error")) {
            throw new IOException("the Log Analytics stand-in failed " + command.split(" ")[0] + ": " + answer);
        }
        return answer;
    }

    /** One console line of the execution {@code group} of job {@code job}. */
    void line(Instant time, String job, String group, String stream, String text) throws IOException {
        ask("line " + time.toEpochMilli() + " " + job + " " + group + " " + stream + " " + text);
    }

    /** {@code count} lines one millisecond apart from {@code start}, one in ten on stderr. */
    void lines(String job, String group, Instant start, int count) throws IOException {
        ask("lines " + job + " " + group + " " + start.toEpochMilli() + " " + count);
    }

    /** Queries received so far. */
    int queries() throws IOException {
        return Integer.parseInt(ask("queries"));
    }

    /** The stand-in JVM's CPU time so far. */
    long cpuNanos() throws IOException {
        return Long.parseLong(ask("cpu"));
    }

    @Override
    public void close() throws InterruptedException {
        commands.println("quit");
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    public static void main(String[] args) throws Exception {
        try (LogAnalyticsStandIn la = new LogAnalyticsStandIn(args[0])) {
            PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
            out.println(la.endpoint());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            for (String command = in.readLine(); command != null; command = in.readLine()) {
                String[] w = command.split(" ", 6);
                try {
                    switch (w[0]) {
                        case "line" -> {
                            add(la, Instant.ofEpochMilli(Long.parseLong(w[1])), w[2], w[3], w[4], w[5]);
                            out.println("ok");
                        }
                        case "lines" -> {
                            Instant start = Instant.ofEpochMilli(Long.parseLong(w[3]));
                            for (int i = 0, n = Integer.parseInt(w[4]); i < n; i++) {
                                add(
                                        la,
                                        start.plusMillis(i),
                                        w[1],
                                        w[2],
                                        i % 10 == 0 ? "stderr" : "stdout",
                                        "line " + i + " of the benchmark output");
                            }
                            out.println("ok");
                        }
                        case "queries" -> out.println(la.received.size());
                        case "cpu" -> out.println(os.getProcessCpuTime());
                        case "quit" -> {
                            return;
                        }
                        default -> out.println("error: unknown command " + w[0]);
                    }
                } catch (RuntimeException e) {
                    out.println("error: " + e);
                }
            }
        }
    }

    private static void add(LogAnalyticsStandIn la, Instant time, String job, String group, String stream, String log) {
        la.add(
                LogAnalyticsStandIn.RESOURCE,
                Map.of(
                        "TimeGenerated",
                        time,
                        "JobName",
                        job,
                        "ContainerGroupName",
                        group,
                        "ContainerName",
                        job,
                        "Stream",
                        stream,
                        "Log",
                        log));
    }
}
