package dev.sockerless.aca.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sockerless.aca.agent.JobResource;
import dev.sockerless.aca.containers.ContainerCreator;
import dev.sockerless.aca.containers.ContainerJobs;
import dev.sockerless.aca.containers.ContainerLookup;
import dev.sockerless.aca.containers.ContainerRecord;
import dev.sockerless.aca.containers.ContainerStore;
import dev.sockerless.aca.containers.Execution;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.json.GoJson;
import dev.sockerless.aca.lifecycle.ContainerLifecycle;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;

/**
 * The container routes: create, inspect and remove ({@code /containers/...}), and the project's own
 * {@code /sockerless/v1/containers/{id}/job|agent|execution}.
 */
public final class ContainerHandlers {

    private final ContainerCreator creator;
    private final ContainerLookup lookup;
    private final ContainerStore store;
    private final ContainerJobs jobs;
    private final ContainerLifecycle lifecycle;
    private final Clock clock;

    public ContainerHandlers(
            ContainerCreator creator,
            ContainerStore store,
            ContainerJobs jobs,
            ContainerLifecycle lifecycle,
            Clock clock) {
        this.creator = creator;
        this.lookup = new ContainerLookup(store);
        this.store = store;
        this.jobs = jobs;
        this.lifecycle = lifecycle;
        this.clock = clock;
    }

    /** {@code POST /containers/create?name=}: 201 {@code {"Id":..,"Warnings":[..]}}. */
    public ApiResponse create(ApiRequest request) {
        ContainerCreator.Created created = creator.create(request.param("name"), request.body());
        ObjectNode out = ApiResponse.MAPPER.createObjectNode();
        out.put("Id", created.id());
        var warnings = out.putArray("Warnings");
        created.warnings().forEach(warnings::add);
        return ApiResponse.json(201, out);
    }

    /** {@code GET /containers/{id}/json}: by ID, name or unique ID prefix, State from the execution in ARM. */
    public ApiResponse inspect(ApiRequest request, String idOrName) {
        return ApiResponse.json(200, ContainerJson.inspect(lifecycle.get(idOrName)));
    }

    /**
     * {@code DELETE /containers/{id}?force=}: 204; a running container needs {@code force} (its execution is stopped
     * first); the job is deleted in ARM.
     */
    public ApiResponse remove(ApiRequest request, String idOrName) {
        lifecycle.remove(idOrName, request.flag("force"));
        return new ApiResponse(204, Map.of(), new byte[0]);
    }

    /**
     * {@code GET /sockerless/v1/containers/{id}/job}: {@code {"name":..,"resource":<ARM JSON>}}, with the values of
     * the job's secrets left out (their names stay): as an ARM GET of the job, which returns no secret values
     * (they are read with {@code listSecrets}). The agent token is served only by {@code /agent}.
     */
    public ApiResponse job(ApiRequest request, String idOrName) {
        JobResource job = jobs.job(lookup.get(idOrName));
        ObjectNode out = ApiResponse.MAPPER.createObjectNode();
        out.put("name", job.name());
        JsonNode resource = parse(job.json().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (JsonNode secret : resource.path("properties").path("configuration").path("secrets")) {
            if (secret instanceof ObjectNode s) {
                s.remove("value");
            }
        }
        out.set("resource", resource);
        return ApiResponse.json(200, out);
    }

    /** {@code GET /sockerless/v1/containers/{id}/agent}: {@code {"port":..,"token":..}}. */
    public ApiResponse agent(ApiRequest request, String idOrName) {
        ContainerRecord c = lookup.get(idOrName);
        ObjectNode out = ApiResponse.MAPPER.createObjectNode();
        out.put("port", c.agentPort());
        out.put("token", c.agentToken());
        return ApiResponse.json(200, out);
    }

    /**
     * {@code PUT /sockerless/v1/containers/{id}/execution} with {@code {"executionName":..,"status":..}} (and
     * optionally {@code "exitCode"}): recorded, and reflected in inspect's State. 204.
     */
    public ApiResponse execution(ApiRequest request, String idOrName) {
        JsonNode body = parse(request.body());
        GoJson.checkBody(body, EXECUTION_REPORT);
        String name = body.path("executionName").asText("");
        String status = body.path("status").asText("");
        if (name.isEmpty() || status.isEmpty()) {
            throw DockerApiException.invalid("executionName and status are required");
        }
        Execution.checkName(name);
        Execution.checkStatus(status);
        Integer exitCode = body.hasNonNull("exitCode") ? body.get("exitCode").asInt() : null;
        ContainerRecord c = lookup.get(idOrName);
        store.saveExecution(c.id(), Execution.next(c.execution(), name, status, exitCode, clock.instant()));
        return new ApiResponse(204, Map.of(), new byte[0]);
    }

    /** The body of {@code PUT .../execution}. */
    static final GoJson.Struct EXECUTION_REPORT = GoJson.struct("ExecutionReport")
            .field("executionName", GoJson.STRING)
            .field("status", GoJson.STRING)
            .field("exitCode", GoJson.INT);

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode node = body.length == 0 ? null : ApiResponse.MAPPER.readTree(body);
            if (node == null || !node.isObject()) {
                throw DockerApiException.invalid("a JSON object is required");
            }
            return node;
        } catch (IOException e) {
            throw DockerApiException.invalid("invalid JSON: " + e.getMessage());
        }
    }
}
