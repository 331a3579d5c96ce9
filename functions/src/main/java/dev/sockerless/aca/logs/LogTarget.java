package dev.sockerless.aca.logs;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Whose logs to read: the ACA job and execution that ran a container, the name of its main container in the job
 * template (so init-container output is excluded), the Docker container's labels (for {@code details=1}) and whether
 * it has a TTY (raw stream instead of multiplexed frames). The names are checked against ACA's naming rules before
 * any query is built ({@link ContainerLogsKql}).
 */
public record LogTarget(
        String jobName, String executionName, String containerName, Map<String, String> labels, boolean tty) {

    public LogTarget {
        Objects.requireNonNull(jobName, "jobName");
        Objects.requireNonNull(executionName, "executionName");
        Objects.requireNonNull(containerName, "containerName");
        labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
    }
}
