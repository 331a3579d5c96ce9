package dev.sockerless.aca.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.registry.Digest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ContainerStore} must do; run against the in-memory and the Table Storage store. */
public abstract class ContainerStoreContract {

    protected ContainerStore store;

    protected abstract ContainerStore createStore();

    @BeforeEach
    void setUp() {
        store = createStore();
    }

    public static ContainerRecord container(String id, String name) {
        return new ContainerRecord(
                id,
                name,
                Instant.parse("2025-01-02T03:04:05.123456789Z"),
                "nginx",
                Digest.parse("sha256:" + "b".repeat(64)),
                "docker.io/library/nginx@sha256:" + "a".repeat(64),
                "{\"Image\":\"nginx\"}",
                "{\"Image\":\"nginx\",\"Cmd\":[\"nginx\"]}",
                "{\"Memory\":0}",
                "sl-" + name + "-" + id.substring(0, 12),
                "0f".repeat(32),
                9111,
                null);
    }

    static String id(char c) {
        return "a" + String.valueOf(c).repeat(63);
    }

    @Test
    void aCreatedContainerIsFoundByIdNameAndPrefix() {
        ContainerRecord c = container(id('1'), "web");
        store.create(c);

        assertThat(store.find(c.id())).contains(c);
        assertThat(store.findByName("web")).contains(c);
        assertThat(store.findByIdPrefix("a11")).containsExactly(c);
        assertThat(store.findByIdPrefix("a2")).isEmpty();
        assertThat(store.list()).containsExactly(c);
    }

    @Test
    void aTakenNameIsAConflictNamingTheHolderAndWritesNothing() {
        store.create(container(id('1'), "web"));

        assertThatThrownBy(() -> store.create(container(id('2'), "web")))
                .isInstanceOf(DockerApiException.class)
                .hasMessage("Conflict. The container name \"/web\" is already in use by container \"" + id('1')
                        + "\". You have to remove (or rename) that container to be able to reuse that name.")
                .satisfies(
                        e -> assertThat(((DockerApiException) e).kind()).isEqualTo(DockerApiException.Kind.CONFLICT));
        assertThat(store.find(id('2'))).isEmpty();
    }

    @Test
    void concurrentCreatesOfOneNameLetExactlyOneWin() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (char c : "3456".toCharArray()) {
                Callable<Boolean> task = () -> {
                    try {
                        store.create(container(id(c), "race"));
                        return true;
                    } catch (DockerApiException e) {
                        return false;
                    }
                };
                results.add(pool.submit(task));
            }
            int wins = 0;
            for (Future<Boolean> f : results) {
                wins += f.get() ? 1 : 0;
            }
            assertThat(wins).isEqualTo(1);
            assertThat(store.list()).hasSize(1);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void deleteFreesTheName() {
        store.create(container(id('1'), "web"));

        assertThat(store.delete(id('1'))).isTrue();
        assertThat(store.delete(id('1'))).isFalse();
        assertThat(store.find(id('1'))).isEmpty();
        assertThat(store.findByName("web")).isEmpty();
        store.create(container(id('2'), "web"));
        assertThat(store.findByName("web").orElseThrow().id()).isEqualTo(id('2'));
    }

    @Test
    void executionsAreRecorded() {
        store.create(container(id('1'), "web"));
        Execution e = new Execution(
                "sl-web-exec-1",
                "Failed",
                3,
                Instant.parse("2025-01-02T03:04:05Z"),
                Instant.parse("2025-01-02T03:05:05Z"));

        assertThat(store.saveExecution(id('1'), e).execution()).isEqualTo(e);
        assertThat(store.find(id('1')).orElseThrow().execution()).isEqualTo(e);
        Execution running =
                new Execution("sl-web-exec-2", "Running", null, Instant.parse("2025-01-02T04:00:00Z"), null);
        assertThat(store.saveExecution(id('1'), running).execution()).isEqualTo(running);
        assertThatThrownBy(() -> store.saveExecution(id('9'), e)).hasMessage("No such container: " + id('9'));
    }

    @Test
    void aFinishedExecutionNeverGoesBackToRunning() {
        store.create(container(id('1'), "web"));
        Instant t = Instant.parse("2025-01-02T03:04:05Z");
        store.saveExecution(id('1'), new Execution("sl-web-exec-1", "Running", null, t, null));
        Execution failed = new Execution("sl-web-exec-1", "Failed", 3, t, t.plusSeconds(60));
        store.saveExecution(id('1'), failed);
        assertThatThrownBy(() -> store.saveExecution(id('1'), new Execution("sl-web-exec-1", "Running", null, t, null)))
                .hasMessage(
                        "ACA job execution sl-web-exec-1 already ended Failed: its status cannot go back to Running")
                .satisfies(
                        e -> assertThat(((DockerApiException) e).kind()).isEqualTo(DockerApiException.Kind.CONFLICT));
        assertThat(store.find(id('1')).orElseThrow().execution()).isEqualTo(failed);
        Execution next = new Execution("sl-web-exec-2", "Running", null, t.plusSeconds(90), null);
        assertThat(store.saveExecution(id('1'), next).execution()).isEqualTo(next); // a new execution starts afresh
    }

    @Test
    void largeConfigsSurvive() {
        String env = "\"" + "x".repeat(100_000) + "\"";
        ContainerRecord c = container(id('1'), "big");
        ContainerRecord big = new ContainerRecord(
                c.id(),
                c.name(),
                c.created(),
                c.image(),
                c.imageId(),
                c.runImage(),
                "{\"Env\":[" + env + "]}",
                "{\"Env\":[" + env + "]}",
                c.hostConfig(),
                c.jobName(),
                c.agentToken(),
                c.agentPort(),
                null);
        store.create(big);
        assertThat(store.find(c.id())).contains(big);
    }
}
