package dev.sockerless.aca.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.images.ImageRecord;
import dev.sockerless.aca.images.ImageRemover;
import dev.sockerless.aca.images.ImageStore;
import dev.sockerless.aca.lifecycle.ContainerLifecycle;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code DELETE /images/{name}?force=} ({@code docker rmi}) and {@code POST /images/prune?filters=}; containers (with
 * their state from ARM) keep the images they use.
 */
public final class ImageRemovalHandlers {

    private static final Set<String> PRUNE_FILTERS = Set.of("dangling", "label", "label!", "until");

    private final ImageRemover remover;
    private final ImageStore store;

    public ImageRemovalHandlers(ImageRemover remover, ImageStore store) {
        this.remover = remover;
        this.store = store;
    }

    /** Who uses an image: the containers created from it, with whether each runs now. */
    public static ImageRemover.Users users(ContainerLifecycle lifecycle) {
        return id -> lifecycle.list().stream()
                .filter(c -> c.imageId().equals(id))
                .map(c -> new ImageRemover.User(
                        c.id(), c.findExecution().map(e -> e.isRunning()).orElse(false)))
                .toList();
    }

    /** {@code DELETE /images/{name}}: 200 {@code [{"Untagged":..},{"Deleted":..}]}. */
    public ApiResponse remove(ApiRequest request, String name) {
        return ApiResponse.json(200, lines(remover.remove(name, request.flag("force"))));
    }

    /** {@code POST /images/prune}: 200 {@code {"ImagesDeleted":[..],"SpaceReclaimed":n}}. */
    public ApiResponse prune(ApiRequest request) {
        Map<String, List<String>> filters =
                Filters.parse(request.param("filters").orElse(null), PRUNE_FILTERS, Set.of("dangling", "label"));
        boolean all = false;
        for (String d : filters.getOrDefault("dangling", List.of())) {
            if (d.equalsIgnoreCase("false") || d.equals("0")) {
                all = true;
            } else if (!d.equalsIgnoreCase("true") && !d.equals("1")) {
                throw DockerApiException.invalid("invalid filter 'dangling=" + d + "'");
            }
        }
        List<String> labels = filters.getOrDefault("label", List.of());
        Map<String, Long> sizes = new java.util.HashMap<>();
        store.listImages().forEach(i -> sizes.put(i.id().toString(), i.size()));
        List<ImageRemover.Removed> removed = remover.prune(all, image -> !Filters.labelsMatch(labels, labels(image)));
        ObjectNode out = ApiResponse.MAPPER.createObjectNode();
        if (removed.isEmpty()) {
            out.putNull("ImagesDeleted");
        } else {
            out.set("ImagesDeleted", lines(removed));
        }
        out.put(
                "SpaceReclaimed",
                removed.stream()
                        .filter(r -> r.deleted() != null)
                        .mapToLong(r -> sizes.getOrDefault(r.deleted(), 0L))
                        .sum());
        return ApiResponse.json(200, out);
    }

    private static ArrayNode lines(List<ImageRemover.Removed> removed) {
        ArrayNode out = ApiResponse.MAPPER.createArrayNode();
        for (ImageRemover.Removed r : removed) {
            ObjectNode line = out.addObject();
            if (r.untagged() != null) {
                line.put("Untagged", r.untagged());
            } else {
                line.put("Deleted", r.deleted());
            }
        }
        return out;
    }

    private static @Nullable JsonNode labels(ImageRecord image) {
        try {
            return ApiResponse.MAPPER.readTree(image.config()).path("config").path("Labels");
        } catch (IOException e) {
            return null;
        }
    }
}
