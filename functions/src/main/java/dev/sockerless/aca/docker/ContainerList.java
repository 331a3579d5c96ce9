package dev.sockerless.aca.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sockerless.aca.containers.ConfigMerge;
import dev.sockerless.aca.containers.ContainerRecord;
import dev.sockerless.aca.containers.Execution;
import dev.sockerless.aca.errors.DockerApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /containers/json?all=&limit=&filters=}: Docker's {@code container.Summary} list, newest first. Filters
 * {@code id} and {@code name} (regular expressions searched in the ID and in {@code /name}, as dockerd), {@code label}
 * ({@code key} or {@code key=value}), {@code status} (created, running, exited, ...), {@code ancestor} (the image as
 * named or its ID) and {@code exited} (exit code).
 */
public final class ContainerList {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Set<String> DOCKER_FILTERS = Set.of(
            "ancestor",
            "before",
            "expose",
            "exited",
            "health",
            "id",
            "isolation",
            "is-task",
            "label",
            "label!",
            "name",
            "network",
            "publish",
            "since",
            "status",
            "volume");
    private static final Set<String> SUPPORTED = Set.of("ancestor", "exited", "id", "label", "name", "status");
    private static final Set<String> STATUSES =
            Set.of("created", "restarting", "running", "removing", "paused", "exited", "dead");

    private final Map<String, List<String>> filters;

    private ContainerList(Map<String, List<String>> filters) {
        this.filters = filters;
    }

    public static ContainerList parse(@Nullable String filtersJson) {
        Map<String, List<String>> values = Filters.parse(filtersJson, DOCKER_FILTERS, SUPPORTED);
        for (String s : values.getOrDefault("status", List.of())) {
            if (!STATUSES.contains(s)) {
                throw DockerApiException.invalid("invalid filter 'status=" + s + "'");
            }
        }
        for (String s : values.getOrDefault("exited", List.of())) {
            if (!s.matches("-?[0-9]{1,9}")) {
                throw DockerApiException.invalid("invalid filter 'exited=" + s + "'");
            }
        }
        return new ContainerList(values);
    }

    /**
     * The summaries of {@code containers} (with their current state) that pass: running only unless {@code all},
     * the {@code limit} newest (which implies all) when positive.
     *
     * @param imageIdOf the image ID an {@code ancestor} value names, or null when it names no image
     */
    public ArrayNode summaries(
            List<ContainerRecord> containers, boolean all, int limit, Instant now, Function<String, String> imageIdOf) {
        boolean everything = all || limit > 0 || filters.containsKey("status") || filters.containsKey("exited");
        List<ContainerRecord> sorted = containers.stream()
                .sorted(Comparator.comparing(ContainerRecord::created)
                        .reversed()
                        .thenComparing(ContainerRecord::id))
                .filter(c -> everything || state(c).equals("running"))
                .filter(c -> matches(c, imageIdOf))
                .limit(limit > 0 ? limit : Long.MAX_VALUE)
                .toList();
        ArrayNode out = F.arrayNode();
        sorted.forEach(c -> out.add(summary(c, now)));
        return out;
    }

    boolean matches(ContainerRecord c, Function<String, String> imageIdOf) {
        if (!anyMatch("id", c.id()) || !anyMatch("name", "/" + c.name())) {
            return false;
        }
        List<String> statuses = filters.getOrDefault("status", List.of());
        if (!statuses.isEmpty() && !statuses.contains(state(c))) {
            return false;
        }
        List<String> exited = filters.getOrDefault("exited", List.of());
        if (!exited.isEmpty()
                && !(state(c).equals("exited")
                        && exited.contains(
                                String.valueOf(c.findExecution().orElseThrow().dockerExitCode())))) {
            return false;
        }
        List<String> ancestors = filters.getOrDefault("ancestor", List.of());
        if (!ancestors.isEmpty()
                && ancestors.stream()
                        .noneMatch(a ->
                                a.equals(c.image()) || c.imageId().toString().equals(imageIdOf.apply(a)))) {
            return false;
        }
        return Filters.labelsMatch(
                filters.getOrDefault("label", List.of()), config(c).get("Labels"));
    }

    private boolean anyMatch(String filter, String value) {
        List<String> patterns = filters.getOrDefault(filter, List.of());
        if (patterns.isEmpty()) {
            return true;
        }
        for (String p : patterns) {
            try {
                if (Pattern.compile(p).matcher(value).find()) {
                    return true;
                }
            } catch (PatternSyntaxException e) {
                if (value.contains(p)) {
                    return true;
                }
            }
        }
        return false;
    }

    static String state(ContainerRecord c) {
        return c.findExecution().map(Execution::dockerStatus).orElse("created");
    }

    static ObjectNode summary(ContainerRecord c, Instant now) {
        JsonNode config = config(c);
        ObjectNode s = F.objectNode();
        s.put("Id", c.id());
        s.putArray("Names").add("/" + c.name());
        s.put("Image", c.image() == null ? c.imageId().toString() : c.image());
        s.put("ImageID", c.imageId().toString());
        s.put("Command", command(ConfigMerge.argv(config)));
        s.put("Created", c.created().getEpochSecond());
        s.putArray("Ports");
        s.set("Labels", config.path("Labels").isObject() ? config.get("Labels") : F.objectNode());
        s.put("State", state(c));
        s.put("Status", statusText(c.execution(), now));
        JsonNode host = ContainerJson.parse(c.hostConfig());
        String network = host.path("NetworkMode").asText("");
        s.putObject("HostConfig").put("NetworkMode", network.isEmpty() ? "default" : network);
        s.putObject("NetworkSettings").putObject("Networks");
        s.putArray("Mounts");
        return s;
    }

    /** As dockerd: the path, then the arguments, those with a space in single quotes. */
    static String command(List<String> argv) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            out.append(i == 0 ? "" : " ").append(i > 0 && a.contains(" ") ? "'" + a + "'" : a);
        }
        return out.toString();
    }

    /** Docker's status column: {@code Created}, {@code Up 2 minutes}, {@code Exited (0) 5 minutes ago}. */
    static String statusText(@Nullable Execution e, Instant now) {
        if (e == null || (!e.isRunning() && !e.isFinished())) {
            return "Created";
        }
        if (e.isRunning()) {
            return "Up " + humanDuration(Duration.between(e.startedAt() == null ? now : e.startedAt(), now));
        }
        Instant finished = e.finishedAt() == null ? now : e.finishedAt();
        return "Exited (" + e.dockerExitCode() + ") " + humanDuration(Duration.between(finished, now)) + " ago";
    }

    /** go-units {@code HumanDuration}. */
    static String humanDuration(Duration d) {
        long seconds = d.toSeconds();
        if (seconds < 1) {
            return "Less than a second";
        } else if (seconds == 1) {
            return "1 second";
        } else if (seconds < 60) {
            return seconds + " seconds";
        }
        long minutes = d.toMinutes();
        if (minutes == 1) {
            return "About a minute";
        } else if (minutes < 60) {
            return minutes + " minutes";
        }
        long hours = (d.toMillis() + 1_800_000) / 3_600_000; // rounded to the hour, as d.Round(time.Hour)
        if (hours == 1) {
            return "About an hour";
        } else if (hours < 48) {
            return hours + " hours";
        } else if (hours < 24 * 7 * 2) {
            return hours / 24 + " days";
        } else if (hours < 24 * 30 * 2) {
            return hours / 24 / 7 + " weeks";
        } else if (hours < 24 * 365 * 2) {
            return hours / 24 / 30 + " months";
        }
        return d.toHours() / 24 / 365 + " years";
    }

    private static JsonNode config(ContainerRecord c) {
        return ContainerJson.parse(c.config());
    }
}
