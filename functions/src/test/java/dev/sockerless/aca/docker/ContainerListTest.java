package dev.sockerless.aca.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sockerless.aca.containers.ContainerRecord;
import dev.sockerless.aca.containers.Execution;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.registry.Digest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainerListTest {

    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    static final Digest IMAGE = Digest.of("alpine".getBytes(StandardCharsets.UTF_8));

    static ContainerRecord container(String name, int ageMinutes, Execution e, String labels) {
        String id = Digest.of(name.getBytes(StandardCharsets.UTF_8)).hex();
        return new ContainerRecord(
                id,
                name,
                NOW.minus(Duration.ofMinutes(ageMinutes)),
                "alpine",
                IMAGE,
                "registry.example/alpine@" + IMAGE,
                "{}",
                "{\"Entrypoint\":[\"sh\"],\"Cmd\":[\"-c\",\"echo hi\"]," + "\"Labels\":" + labels + "}",
                "{}",
                "sl-" + name + "-" + id.substring(0, 12),
                "a".repeat(64),
                9111,
                e);
    }

    static Execution running(int minutes) {
        return new Execution("x-1", "Running", null, NOW.minus(Duration.ofMinutes(minutes)), null);
    }

    static Execution exited(String status, Integer code, int minutesAgo) {
        Instant end = NOW.minus(Duration.ofMinutes(minutesAgo));
        return new Execution("x-2", status, code, end.minusSeconds(30), end);
    }

    final ContainerRecord web = container("web", 10, running(2), "{\"tier\":\"front\"}");
    final ContainerRecord batch = container("batch", 20, exited("Succeeded", null, 5), "{\"tier\":\"back\"}");
    final ContainerRecord broken = container("broken", 30, exited("Failed", 3, 80), "{}");
    final ContainerRecord fresh = container("fresh", 1, null, "{}");
    final List<ContainerRecord> all = List.of(batch, web, broken, fresh);

    List<String> names(String filters, boolean everything, int limit) {
        JsonNode list = ContainerList.parse(filters)
                .summaries(all, everything, limit, NOW, n -> n.equals("alpine:latest") ? IMAGE.toString() : null);
        return java.util.stream.StreamSupport.stream(list.spliterator(), false)
                .map(s -> s.path("Names").get(0).asText())
                .toList();
    }

    @Test
    void summariesHaveDockersShapeAndStatusTexts() {
        JsonNode list = ContainerList.parse(null).summaries(all, true, -1, NOW, n -> null);
        assertThat(list).hasSize(4);
        JsonNode first = list.get(0);
        assertThat(first.path("Names").get(0).asText()).isEqualTo("/fresh"); // newest first
        assertThat(first.path("State").asText()).isEqualTo("created");
        assertThat(first.path("Status").asText()).isEqualTo("Created");
        JsonNode w = list.get(1);
        assertThat(w.path("Id").asText()).isEqualTo(web.id());
        assertThat(w.path("Image").asText()).isEqualTo("alpine");
        assertThat(w.path("ImageID").asText()).isEqualTo(IMAGE.toString());
        assertThat(w.path("Command").asText()).isEqualTo("sh -c 'echo hi'");
        assertThat(w.path("Created").asLong())
                .isEqualTo(NOW.minus(Duration.ofMinutes(10)).getEpochSecond());
        assertThat(w.path("State").asText()).isEqualTo("running");
        assertThat(w.path("Status").asText()).isEqualTo("Up 2 minutes");
        assertThat(w.path("Labels").path("tier").asText()).isEqualTo("front");
        assertThat(w.path("Ports").isArray() && w.path("Mounts").isArray()).isTrue();
        assertThat(w.path("HostConfig").path("NetworkMode").asText()).isEqualTo("default");
        assertThat(list.get(2).path("Status").asText()).isEqualTo("Exited (0) 5 minutes ago");
        assertThat(list.get(3).path("Status").asText()).isEqualTo("Exited (3) About an hour ago");
    }

    @Test
    void runningOnlyUnlessAllOrLimitAndDockersFilters() {
        assertThat(names(null, false, -1)).containsExactly("/web");
        assertThat(names(null, false, 2)).containsExactly("/fresh", "/web");
        assertThat(names("{\"status\":[\"exited\"]}", false, -1)).containsExactly("/batch", "/broken");
        assertThat(names("{\"status\":{\"created\":true}}", false, -1)).containsExactly("/fresh");
        assertThat(names("{\"name\":[\"^/b\"]}", true, -1)).containsExactly("/batch", "/broken");
        assertThat(names("{\"id\":[\"" + web.id().substring(0, 6) + "\"]}", true, -1))
                .containsExactly("/web");
        assertThat(names("{\"label\":[\"tier\"]}", true, -1)).containsExactly("/web", "/batch");
        assertThat(names("{\"label\":[\"tier=back\"]}", true, -1)).containsExactly("/batch");
        assertThat(names("{\"exited\":[\"3\"]}", true, -1)).containsExactly("/broken");
        assertThat(names("{\"ancestor\":[\"alpine\"]}", true, -1)).hasSize(4);
        assertThat(names("{\"ancestor\":[\"alpine:latest\"]}", true, -1)).hasSize(4); // by image ID
        assertThat(names("{\"ancestor\":[\"nginx\"]}", true, -1)).isEmpty();
    }

    @Test
    void unknownAndUnsupportedFiltersAreDockersErrors() {
        assertThatThrownBy(() -> ContainerList.parse("{\"colour\":[\"red\"]}")).hasMessage("invalid filter 'colour'");
        assertThatThrownBy(() -> ContainerList.parse("{\"status\":[\"sleeping\"]}"))
                .hasMessage("invalid filter 'status=sleeping'");
        assertThatThrownBy(() -> ContainerList.parse("{\"network\":[\"x\"]}"))
                .satisfies(e ->
                        assertThat(((DockerApiException) e).kind()).isEqualTo(DockerApiException.Kind.NOT_IMPLEMENTED));
    }

    @Test
    void humanDurationsAsGoUnits() {
        assertThat(ContainerList.humanDuration(Duration.ofMillis(500))).isEqualTo("Less than a second");
        assertThat(ContainerList.humanDuration(Duration.ofSeconds(1))).isEqualTo("1 second");
        assertThat(ContainerList.humanDuration(Duration.ofSeconds(59))).isEqualTo("59 seconds");
        assertThat(ContainerList.humanDuration(Duration.ofSeconds(61))).isEqualTo("About a minute");
        assertThat(ContainerList.humanDuration(Duration.ofMinutes(59))).isEqualTo("59 minutes");
        assertThat(ContainerList.humanDuration(Duration.ofMinutes(89))).isEqualTo("About an hour");
        assertThat(ContainerList.humanDuration(Duration.ofMinutes(91))).isEqualTo("2 hours");
        assertThat(ContainerList.humanDuration(Duration.ofHours(50))).isEqualTo("2 days");
        assertThat(ContainerList.humanDuration(Duration.ofDays(20))).isEqualTo("2 weeks");
        assertThat(ContainerList.humanDuration(Duration.ofDays(90))).isEqualTo("3 months");
        assertThat(ContainerList.humanDuration(Duration.ofDays(800))).isEqualTo("2 years");
    }
}
