package dev.sockerless.aca.containers;

import dev.sockerless.aca.registry.Digest;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One container of the container table.
 *
 * @param id         64 lowercase hex
 * @param name       the name without Docker's leading '/'
 * @param image      the image as the user named it ({@code Config.Image})
 * @param imageId    the image ID (config digest)
 * @param runImage   the exact image the job runs: {@code repo@sha256:...}, or the staging-registry location
 * @param userConfig the container config as the user sent it (JSON)
 * @param config     the config after the image config was merged in (JSON)
 * @param hostConfig the HostConfig as the user sent it (JSON)
 * @param jobName    the ACA job this container runs as
 * @param agentToken the agent's token (64 hex); never logged
 * @param agentPort  the port the agent listens on
 * @param execution  the latest execution, or null before the first
 */
public record ContainerRecord(
        String id,
        String name,
        Instant created,
        String image,
        Digest imageId,
        String runImage,
        @Nullable String userConfig,
        String config,
        @Nullable String hostConfig,
        String jobName,
        String agentToken,
        int agentPort,
        @Nullable Execution execution) {

    public ContainerRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(imageId, "imageId");
        Objects.requireNonNull(runImage, "runImage");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(jobName, "jobName");
        Objects.requireNonNull(agentToken, "agentToken");
    }

    public Optional<Execution> findExecution() {
        return Optional.ofNullable(execution);
    }

    public ContainerRecord withExecution(Execution e) {
        return new ContainerRecord(
                id,
                name,
                created,
                image,
                imageId,
                runImage,
                userConfig,
                config,
                hostConfig,
                jobName,
                agentToken,
                agentPort,
                e);
    }

    @Override
    public String toString() {
        return "ContainerRecord[" + id + ", /" + name + "]"; // never the token
    }
}
