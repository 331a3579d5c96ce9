package dev.sockerless.aca.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sockerless.aca.agent.JobNames;
import dev.sockerless.aca.containers.ContainerJobs;
import dev.sockerless.aca.containers.ContainerRecord;
import dev.sockerless.aca.containers.InMemoryContainerStore;
import dev.sockerless.aca.images.ImageLookup;
import dev.sockerless.aca.images.InMemoryImageStore;
import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.testing.ArmStandIn;
import dev.sockerless.aca.testing.LifecycleFixture;
import dev.sockerless.aca.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP shapes of the running-container routes: statuses, bodies and the wait's pending header. */
class ContainerLifecycleHandlersTest {

    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    final InMemoryContainerStore store = new InMemoryContainerStore();
    final InMemoryImageStore images = new InMemoryImageStore();
    final LifecycleFixture fx;
    final ContainerLifecycleHandlers handlers;
    final InfoHandler info;

    ContainerLifecycleHandlersTest() throws IOException {
        ContainerJobs jobs = LifecycleFixture.jobs(Map.of());
        fx = new LifecycleFixture(store, jobs, new MutableClock(T0), ArmStandIn.Auth.NONE);
        handlers =
                new ContainerLifecycleHandlers(fx.lifecycle, new ImageLookup(images), Duration.ofSeconds(4), fx.clock);
        info = new InfoHandler(fx.lifecycle, images, () -> LifecycleFixture.ENVIRONMENT_ID, fx.clock);
    }

    @AfterEach
    void close() {
        fx.close();
    }

    String container(String name) {
        String id = Digest.of(name.getBytes(StandardCharsets.UTF_8)).hex();
        store.create(new ContainerRecord(
                id,
                name,
                T0,
                "app",
                Digest.of(new byte[] {1}),
                "registry.example/app@" + Digest.of(new byte[] {2}),
                "{}",
                "{\"Cmd\":[\"true\"]}",
                "{}",
                JobNames.of(id, name),
                "c".repeat(64),
                9111,
                null));
        return id;
    }

    static ApiRequest post(Map<String, String> query) {
        return new ApiRequest("POST", ApiVersion.MAX, "/", query, Map.of(), null);
    }

    static JsonNode json(ApiResponse r) throws IOException {
        return ApiResponse.MAPPER.readTree(r.body());
    }

    @Test
    void startAndStopAnswer204Or304WithEmptyBodies() {
        container("svc");
        ApiResponse started = handlers.start(post(Map.of()), "svc");
        assertThat(started.status()).isEqualTo(204);
        assertThat(started.body()).isEmpty();
        assertThat(handlers.start(post(Map.of()), "svc").status()).isEqualTo(304);
        assertThat(handlers.stop(post(Map.of("t", "10")), "svc").status()).isEqualTo(204);
        assertThat(handlers.stop(post(Map.of()), "svc").status()).isEqualTo(304);
        assertThat(handlers.restart(post(Map.of()), "svc").status()).isEqualTo(204);
        assertThat(handlers.kill(post(Map.of("signal", "SIGKILL")), "svc").status())
                .isEqualTo(204);
        assertThatThrownBy(() -> handlers.stop(post(Map.of("t", "soon")), "svc"))
                .hasMessage("strconv.Atoi: parsing \"soon\": invalid syntax");
    }

    @Test
    void waitAnswersTheExitOrA503WithThePendingHeaderNever2xxWithoutAnExit() throws IOException {
        container("job");
        ApiResponse early = handlers.await(post(Map.of("condition", "next-exit")), "job");
        assertThat(early.status()).isEqualTo(503);
        assertThat(early.headers())
                .containsEntry(ContainerLifecycleHandlers.WAIT_PENDING_HEADER, "true")
                .containsEntry("Content-Type", "application/json");
        assertThat(json(early).path("message").asText()).endsWith("has not started: wait again after starting it");

        handlers.start(post(Map.of()), "job");
        ApiResponse pending = handlers.await(post(Map.of()), "job");
        assertThat(pending.status()).isEqualTo(503);
        assertThat(json(pending).path("message").asText()).endsWith("is still running: wait again");
        assertThat(fx.clock.instant()).isEqualTo(T0.plusSeconds(4)); // the whole budget, on the test's clock

        fx.arm
                .jobs()
                .finish(
                        fx.arm
                                .jobs()
                                .executions(
                                        store.findByName("job").orElseThrow().jobName())
                                .get(0)
                                .name,
                        "Succeeded");
        ApiResponse done = handlers.await(post(Map.of("condition", "next-exit")), "job");
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.headers()).doesNotContainKey(ContainerLifecycleHandlers.WAIT_PENDING_HEADER);
        assertThat(json(done).toString()).isEqualTo("{\"StatusCode\":0}");
    }

    @Test
    void listAndInfoCountContainersByTheirStateInArm() throws IOException {
        container("aa");
        container("bb");
        handlers.start(post(Map.of()), "aa");
        JsonNode running = json(handlers.list(new ApiRequest("GET", ApiVersion.MAX, "/", Map.of(), Map.of(), null)));
        assertThat(running).hasSize(1);
        assertThat(running.get(0).path("Names").get(0).asText()).isEqualTo("/aa");
        JsonNode all =
                json(handlers.list(new ApiRequest("GET", ApiVersion.MAX, "/", Map.of("all", "1"), Map.of(), null)));
        assertThat(all).hasSize(2);
        assertThatThrownBy(() ->
                        handlers.list(new ApiRequest("GET", ApiVersion.MAX, "/", Map.of("limit", "x"), Map.of(), null)))
                .hasMessage("strconv.Atoi: parsing \"x\": invalid syntax");

        JsonNode i = json(info.info(new ApiRequest("GET", ApiVersion.MAX, "/", Map.of(), Map.of(), null)));
        assertThat(i.path("Containers").asInt()).isEqualTo(2);
        assertThat(i.path("ContainersRunning").asInt()).isEqualTo(1);
        assertThat(i.path("ContainersStopped").asInt()).isEqualTo(1);
        assertThat(i.path("Images").asInt()).isZero();
        assertThat(i.path("OSType").asText()).isEqualTo("linux");
        assertThat(i.path("Architecture").asText()).isEqualTo("x86_64");
        assertThat(i.path("OperatingSystem").asText()).startsWith("Azure Container Apps");
        assertThat(i.path("Name").asText()).isEqualTo("env");
        assertThat(i.path("ID").asText()).matches("[0-9A-F]{4}:[0-9A-F]{4}:[0-9A-F]{4}");
        assertThat(i.path("NCPU").asInt()).isEqualTo(4);
        assertThat(i.path("MemTotal").asLong()).isEqualTo(8L << 30);
    }

    @Test
    void pruneAnswersTheDeletedIdsAndUnsupportedFiltersAre501() throws IOException {
        String stopped = container("old");
        container("live");
        handlers.start(post(Map.of()), "live");
        JsonNode pruned = json(handlers.prune(post(Map.of())));
        assertThat(pruned.path("ContainersDeleted").toString()).isEqualTo("[\"" + stopped + "\"]");
        assertThat(pruned.path("SpaceReclaimed").asLong()).isZero();
        assertThatThrownBy(() -> handlers.prune(post(Map.of("filters", "{\"until\":[\"1h\"]}"))))
                .hasMessage("filter 'until' is not supported by this server");
    }
}
