package dev.sockerless.aca.agent;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a job is generated from: one container after the image config was merged in.
 *
 * @param image      the exact image to run (pinned by digest, or the staging-registry location)
 * @param entrypoint the merged Entrypoint (empty when none)
 * @param cmd        the merged Cmd (empty when none)
 * @param env        the merged Env, {@code KEY=value} entries
 * @param agentToken the agent token (64 hex); written only as a job secret
 * @param agentPort  the port the agent listens on
 */
public record JobSpec(
        String jobName,
        String image,
        List<String> entrypoint,
        List<String> cmd,
        List<String> env,
        Map<String, String> labels,
        long nanoCpus,
        long memoryBytes,
        String agentToken,
        int agentPort) {

    public JobSpec {
        Objects.requireNonNull(jobName, "jobName");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(agentToken, "agentToken");
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = List.copyOf(env);
        labels = Map.copyOf(labels);
    }

    /** Entrypoint then Cmd: what Docker would execute. */
    public List<String> argv() {
        return java.util.stream.Stream.concat(entrypoint.stream(), cmd.stream()).toList();
    }

    @Override
    public String toString() {
        return "JobSpec[" + jobName + ", " + image + "]"; // never the token
    }
}
