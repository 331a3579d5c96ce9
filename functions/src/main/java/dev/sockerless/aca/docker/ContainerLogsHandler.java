package dev.sockerless.aca.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sockerless.aca.containers.ContainerLookup;
import dev.sockerless.aca.containers.ContainerRecord;
import dev.sockerless.aca.containers.ContainerStore;
import dev.sockerless.aca.containers.Execution;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.follow.FollowStarter;
import dev.sockerless.aca.logs.LogTarget;
import dev.sockerless.aca.logs.LogsParameters;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /containers/{id}/logs}: finds the container, and reads the lines of its latest execution (job name,
 * execution name, main container = the job's container) from Log Analytics. A container that never ran has no
 * lines: an empty 200, as dockerd answers for a created container.
 */
public final class ContainerLogsHandler {

    private final ContainerLookup lookup;
    private final Supplier<LogsHandler> logs;
    private final Supplier<FollowLogsHandler> follow;

    /** @param logs built on first use: a server without a Log Analytics workspace still serves everything else */
    public ContainerLogsHandler(ContainerStore store, Supplier<LogsHandler> logs) {
        this(store, logs, () -> {
            throw DockerApiException.system("logs follow is not configured", null);
        });
    }

    /** @param follow the long-poll follow handler ({@code follow=1}), built on first use */
    public ContainerLogsHandler(ContainerStore store, Supplier<LogsHandler> logs, Supplier<FollowLogsHandler> follow) {
        this.lookup = new ContainerLookup(store);
        this.logs = logs;
        this.follow = follow;
    }

    public ApiResponse logs(ApiRequest request, String idOrName) {
        return logs(request, idOrName, FollowStarter.NONE);
    }

    /**
     * {@code GET /containers/{id}/logs}.
     *
     * @param starter starts the workspace's follow poller when {@code follow=1} needs it
     */
    public ApiResponse logs(ApiRequest request, String idOrName, FollowStarter starter) {
        if (LogsParameters.flag(request.query(), "follow")) {
            // the lookup is part of the long-poll: it answers by its deadline even when the lookup does not
            return follow.get().follow(request, () -> followed(request, idOrName), starter);
        }
        ContainerRecord container = found(request, idOrName);
        JsonNode config = parse(container.config());
        boolean tty = config.path("Tty").asBoolean(false);
        Optional<Execution> execution = container.findExecution();
        if (execution.isEmpty()) {
            return new ApiResponse(
                    200,
                    Map.of(
                            "Content-Type",
                            tty || request.version().below(1, 42) ? LogsHandler.RAW : LogsHandler.MULTIPLEXED),
                    new byte[0]);
        }
        return logs.get()
                .logs(
                        request,
                        new LogTarget(
                                container.jobName(), execution.get().name(), container.jobName(), labels(config), tty));
    }

    private ContainerRecord found(ApiRequest request, String idOrName) {
        ContainerRecord container = lookup.get(idOrName);
        if (request.param("cursor").isEmpty()) {
            // parameter errors first, as dockerd checks them; a cursor carries the first call's parameters instead
            LogsParameters.parse(request.query());
        }
        return container;
    }

    private FollowLogsHandler.Target followed(ApiRequest request, String idOrName) {
        ContainerRecord container = found(request, idOrName);
        JsonNode config = parse(container.config());
        return new FollowLogsHandler.Target(container, config.path("Tty").asBoolean(false), labels(config));
    }

    private static Map<String, String> labels(JsonNode config) {
        Map<String, String> labels = new TreeMap<>();
        config.path("Labels")
                .properties()
                .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    private static JsonNode parse(@Nullable String json) {
        try {
            return ApiResponse.MAPPER.readTree(json);
        } catch (IOException e) {
            return ApiResponse.MAPPER.createObjectNode();
        }
    }
}
