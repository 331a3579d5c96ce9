package dev.sockerless.aca.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sockerless.aca.agent.JobNames;
import dev.sockerless.aca.containers.ContainerJobs;
import dev.sockerless.aca.containers.ContainerRecord;
import dev.sockerless.aca.containers.InMemoryContainerStore;
import dev.sockerless.aca.follow.FollowTargets;
import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.testing.ArmStandIn;
import dev.sockerless.aca.testing.LifecycleFixture;
import dev.sockerless.aca.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The follow poller ends a log when ARM reports the execution finished, without any {@code PUT .../execution}. */
class FollowTargetsFromArmTest {

    @Test
    void aFollowedExecutionIsFinishedOnceArmSaysSo() throws Exception {
        InMemoryContainerStore store = new InMemoryContainerStore();
        ContainerJobs jobs = LifecycleFixture.jobs(Map.of());
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
        try (LifecycleFixture fx = new LifecycleFixture(store, jobs, clock, ArmStandIn.Auth.NONE)) {
            String id = Digest.of("followed".getBytes(StandardCharsets.UTF_8)).hex();
            store.create(new ContainerRecord(
                    id,
                    "followed",
                    clock.instant(),
                    "app",
                    Digest.of(new byte[] {1}),
                    "registry.example/app@" + Digest.of(new byte[] {2}),
                    "{}",
                    "{\"Cmd\":[\"true\"]}",
                    "{}",
                    JobNames.of(id, "followed"),
                    "b".repeat(64),
                    9111,
                    null));
            fx.lifecycle.start(id);
            FollowTargets targets = AppServices.followTargets(store, fx.lifecycle);

            FollowTargets.Followed running = targets.find(id).orElseThrow();
            assertThat(running.finished()).isFalse();
            String execution = store.find(id).orElseThrow().execution().name();
            assertThat(running.target().executionName()).isEqualTo(execution);

            fx.arm.jobs().finish(execution, "Succeeded");
            clock.advance(LifecycleFixture.STATUS_TTL);
            assertThat(targets.find(id).orElseThrow().finished()).isTrue();
            assertThat(targets.find("0".repeat(64))).isEmpty();
        }
    }
}
