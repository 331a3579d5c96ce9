package dev.sockerless.aca.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sockerless.aca.agent.JobNames;
import dev.sockerless.aca.agent.JobResource;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.images.ImageLookup;
import dev.sockerless.aca.images.ImageRecord;
import dev.sockerless.aca.json.GoJson;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * {@code POST /containers/create} (moby {@code api/server/router/container}, docker/cli {@code cli/command/container/create.go}): merges the image config into the user's, pins the
 * image, generates the job once to check the settings and collect warnings, and stores the container under a
 * unique name. Checks run in dockerd's order: image (404), command (400), name (409).
 */
public final class ContainerCreator {

    static final int NAME_RETRIES = 10;

    private final ImageLookup images;
    private final ContainerStore store;
    private final ContainerJobs jobs;
    private final Clock clock;
    private final Supplier<String> ids;
    private final Supplier<String> tokens;
    private final IntFunction<String> names;

    public ContainerCreator(ImageLookup images, ContainerStore store, ContainerJobs jobs, Clock clock) {
        this(images, store, jobs, clock, Secrets::containerId, Secrets::agentToken, ContainerNames::generate);
    }

    ContainerCreator(
            ImageLookup images,
            ContainerStore store,
            ContainerJobs jobs,
            Clock clock,
            Supplier<String> ids,
            Supplier<String> tokens,
            IntFunction<String> names) {
        this.images = images;
        this.store = store;
        this.jobs = jobs;
        this.clock = clock;
        this.ids = ids;
        this.tokens = tokens;
        this.names = names;
    }

    /** The created container's ID and Docker's warnings. */
    public record Created(String id, List<String> warnings) {
        public Created {
            warnings = List.copyOf(warnings);
        }
    }

    /** Creates a container from the request body ({@code container.Config} + HostConfig + NetworkingConfig). */
    public Created create(Optional<String> requestedName, byte[] body) {
        ObjectNode user = parseBody(body);
        JsonNode hostConfig = user.remove("HostConfig");
        user.remove("NetworkingConfig");
        String name = requestedName
                .filter(n -> !n.isEmpty())
                .map(ContainerNames::parse)
                .orElse(null);
        String imageName = user.path("Image").asText("");
        if (imageName.isEmpty()) {
            throw DockerApiException.invalid("no image specified: Config.Image is empty");
        }
        ImageRecord image = images.get(imageName).image();
        ObjectNode merged = ConfigMerge.merge(user, imageConfig(image));
        if (ConfigMerge.argv(merged).isEmpty()) {
            throw DockerApiException.invalid("no command specified");
        }
        String id = ids.get();
        if (merged.path("Hostname").asText("").isEmpty()) {
            merged.put("Hostname", id.substring(0, 12));
        }
        List<String> warnings = new ArrayList<>(unsupported(hostConfig));
        String hostJson = hostConfig == null || hostConfig.isNull() ? "{}" : hostConfig.toString();
        for (int retry = 0; ; retry++) {
            String containerName = name != null ? name : names.apply(retry);
            ContainerRecord record = new ContainerRecord(
                    id,
                    containerName,
                    clock.instant(),
                    imageName,
                    image.id(),
                    runImage(image),
                    user.toString(),
                    merged.toString(),
                    hostJson,
                    JobNames.of(id, containerName),
                    tokens.get(),
                    jobs.agentPort(),
                    null);
            if (retry == 0) {
                JobResource job = jobs.job(record); // fails here, before anything is stored, on missing settings
                warnings.addAll(job.warnings());
            }
            try {
                store.create(record);
                return new Created(id, warnings);
            } catch (DockerApiException e) {
                if (name != null || e.kind() != DockerApiException.Kind.CONFLICT || retry >= NAME_RETRIES) {
                    throw e;
                }
            }
        }
    }

    /** The exact image the job runs: the location pinned by the manifest digest. */
    static String runImage(ImageRecord image) {
        if (image.location() == null || image.manifestDigest() == null) {
            throw DockerApiException.system("image " + image.id() + " has no registry location to run from", null);
        }
        return image.pinnedReference();
    }

    private static JsonNode imageConfig(ImageRecord image) {
        try {
            return ContainerJobs.MAPPER.readTree(image.config()).path("config");
        } catch (IOException e) {
            throw DockerApiException.system("image " + image.id() + " has a config that is not JSON", e);
        }
    }

    private static ObjectNode parseBody(byte[] body) {
        JsonNode node;
        try {
            node = body.length == 0 ? null : ContainerJobs.MAPPER.readTree(body);
        } catch (IOException e) {
            throw DockerApiException.invalid("invalid JSON: "
                    + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                            ? j.getOriginalMessage()
                            : e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw DockerApiException.invalid("config cannot be empty in order to create a container");
        }
        GoJson.checkBody(node, CreateRequest.TYPE);
        return (ObjectNode) node;
    }

    /** Warnings for HostConfig options a job cannot honour. */
    private static List<String> unsupported(JsonNode host) {
        List<String> warnings = new ArrayList<>();
        if (host == null || !host.isObject()) {
            return warnings;
        }
        if (!host.path("Binds").isEmpty() || !host.path("Mounts").isEmpty()) {
            warnings.add("Bind mounts and volumes are not supported on Azure Container Apps jobs and are ignored");
        }
        if (!host.path("PortBindings").isEmpty()) {
            warnings.add("Published ports are not supported on Azure Container Apps jobs and are ignored");
        }
        if (host.path("Privileged").asBoolean(false)) {
            warnings.add("Privileged containers are not supported on Azure Container Apps and the flag is ignored");
        }
        return warnings;
    }
}
