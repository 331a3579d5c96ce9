package dev.sockerless.aca.docker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.images.ImageLookup;
import dev.sockerless.aca.lifecycle.ContainerLifecycle;
import dev.sockerless.aca.lifecycle.ContainerLifecycle.Outcome;
import dev.sockerless.aca.lifecycle.ContainerLifecycle.WaitResult;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The running-container routes: start, stop, kill, restart, wait, list and prune, on ACA job executions
 * ({@link ContainerLifecycle}).
 */
public final class ContainerLifecycleHandlers {

    /** Set on a wait that ended without the exit: the caller (the bridge) waits again. */
    public static final String WAIT_PENDING_HEADER = "Sockerless-Wait-Pending";
    /** The status of a pending wait: never 2xx, which the docker CLI would read as the exit status. */
    public static final int WAIT_PENDING_STATUS = 503;

    private static final Set<String> PRUNE_FILTERS = Set.of("label", "label!", "until");

    private final ContainerLifecycle lifecycle;
    private final ImageLookup images;
    private final Duration waitBudget;
    private final Clock clock;

    public ContainerLifecycleHandlers(
            ContainerLifecycle lifecycle, ImageLookup images, Duration waitBudget, Clock clock) {
        this.lifecycle = lifecycle;
        this.images = images;
        this.waitBudget = waitBudget;
        this.clock = clock;
    }

    /** {@code POST /containers/{id}/start}: 204, or 304 when already running. */
    public ApiResponse start(ApiRequest request, String idOrName) {
        return outcome(lifecycle.start(idOrName));
    }

    /** {@code POST /containers/{id}/stop?t=&signal=}: 204, or 304 when not running. */
    public ApiResponse stop(ApiRequest request, String idOrName) {
        checkTimeout(request);
        return outcome(lifecycle.stop(idOrName));
    }

    /** {@code POST /containers/{id}/kill?signal=}: 204; 409 when not running. */
    public ApiResponse kill(ApiRequest request, String idOrName) {
        lifecycle.kill(idOrName);
        return empty(204);
    }

    /** {@code POST /containers/{id}/restart?t=}: 204. */
    public ApiResponse restart(ApiRequest request, String idOrName) {
        checkTimeout(request);
        lifecycle.restart(idOrName);
        return empty(204);
    }

    /**
     * {@code POST /containers/{id}/wait?condition=}: 200 {@code {"StatusCode":n}} (+ {@code Error}) once the execution
     * finished; when the budget ends first, 503 with {@value #WAIT_PENDING_HEADER}{@code : true} and a message.
     */
    public ApiResponse await(ApiRequest request, String idOrName) {
        WaitResult result;
        try {
            result = lifecycle.await(idOrName, request.param("condition").orElse(""), waitBudget);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = new WaitResult.Pending("the wait was interrupted: wait again");
        }
        if (result instanceof WaitResult.Exited exited) {
            ObjectNode out = ApiResponse.MAPPER.createObjectNode();
            out.put("StatusCode", exited.statusCode());
            if (exited.error() != null) {
                out.putObject("Error").put("Message", exited.error());
            }
            return ApiResponse.json(200, out);
        }
        String message = ((WaitResult.Pending) result).message();
        ApiResponse error = ApiResponse.json(WAIT_PENDING_STATUS, Map.of("message", message));
        Map<String, String> headers = new LinkedHashMap<>(error.headers());
        headers.put(WAIT_PENDING_HEADER, "true");
        return new ApiResponse(WAIT_PENDING_STATUS, headers, error.body());
    }

    /** {@code GET /containers/json?all=&limit=&filters=}. */
    public ApiResponse list(ApiRequest request) {
        ContainerList list = ContainerList.parse(request.param("filters").orElse(null));
        int limit = request.param("limit")
                .filter(s -> !s.isEmpty())
                .map(s -> {
                    try {
                        return Integer.parseInt(s);
                    } catch (NumberFormatException e) {
                        throw DockerApiException.invalid("strconv.Atoi: parsing \"" + s + "\": invalid syntax");
                    }
                })
                .orElse(-1);
        return ApiResponse.json(
                200,
                list.summaries(
                        lifecycle.list(),
                        request.flag("all"),
                        limit,
                        clock.instant(),
                        name -> images.find(name)
                                .map(f -> f.image().id().toString())
                                .orElse(null)));
    }

    /** {@code POST /containers/prune?filters=}: removes stopped containers and their jobs. */
    public ApiResponse prune(ApiRequest request) {
        Map<String, List<String>> filters =
                Filters.parse(request.param("filters").orElse(null), PRUNE_FILTERS, Set.of("label"));
        List<String> labels = filters.getOrDefault("label", List.of());
        List<String> removed = lifecycle.prune(
                c -> Filters.labelsMatch(labels, ContainerJson.parse(c.config()).get("Labels")));
        ObjectNode out = ApiResponse.MAPPER.createObjectNode();
        var deleted = out.putArray("ContainersDeleted");
        removed.forEach(deleted::add);
        out.put("SpaceReclaimed", 0);
        return ApiResponse.json(200, out);
    }

    private static void checkTimeout(ApiRequest request) {
        request.param("t").filter(s -> !s.isEmpty()).ifPresent(t -> {
            if (!t.matches("-?[0-9]{1,9}")) {
                throw DockerApiException.invalid("strconv.Atoi: parsing \"" + t + "\": invalid syntax");
            }
        });
    }

    private static ApiResponse outcome(Outcome o) {
        return empty(o == Outcome.DONE ? 204 : 304);
    }

    static ApiResponse empty(int status) {
        return new ApiResponse(status, Map.of(), new byte[0]);
    }
}
