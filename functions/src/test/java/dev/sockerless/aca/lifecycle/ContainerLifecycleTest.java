package dev.sockerless.aca.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sockerless.aca.agent.JobNames;
import dev.sockerless.aca.arm.ArmEndpoint;
import dev.sockerless.aca.arm.ArmManagers;
import dev.sockerless.aca.config.Settings;
import dev.sockerless.aca.containers.ContainerJobs;
import dev.sockerless.aca.containers.ContainerRecord;
import dev.sockerless.aca.containers.Execution;
import dev.sockerless.aca.containers.InMemoryContainerStore;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.errors.DockerApiException.Kind;
import dev.sockerless.aca.lifecycle.ContainerLifecycle.Outcome;
import dev.sockerless.aca.lifecycle.ContainerLifecycle.WaitResult;
import dev.sockerless.aca.logs.LogAnalyticsLogSource;
import dev.sockerless.aca.logs.LogTable;
import dev.sockerless.aca.logs.WorkspaceLocator;
import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.testing.ArmStandIn;
import dev.sockerless.aca.testing.JobsStandIn;
import dev.sockerless.aca.testing.JobsStandIn.Lro;
import dev.sockerless.aca.testing.JobsStandIn.Op;
import dev.sockerless.aca.testing.LifecycleFixture;
import dev.sockerless.aca.testing.LogAnalyticsStandIn;
import dev.sockerless.aca.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The lifecycle on the real SDK against the strict ARM stand-in, on a clock the test moves. */
class ContainerLifecycleTest {

    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    static final String EXECUTION_GET = ".*/providers/Microsoft\\.App/jobs/[^/]+/executions/[^/]+";

    InMemoryContainerStore store = new InMemoryContainerStore();
    LifecycleFixture fx;
    ContainerLifecycle lifecycle;
    JobsStandIn jobs;

    void start(ArmStandIn.Auth auth, Map<String, String> extraSettings) throws IOException {
        fx = new LifecycleFixture(store, LifecycleFixture.jobs(extraSettings), new MutableClock(T0), auth);
        lifecycle = fx.lifecycle;
        jobs = fx.arm.jobs();
    }

    void start() throws IOException {
        start(ArmStandIn.Auth.NONE, Map.of());
    }

    @AfterEach
    void close() {
        if (fx != null) {
            fx.close();
        }
    }

    ContainerRecord container(String name) {
        return container(name, "{}");
    }

    ContainerRecord container(String name, String hostConfig) {
        String id = Digest.of(name.getBytes(StandardCharsets.UTF_8)).hex();
        ContainerRecord c = new ContainerRecord(
                id,
                name,
                fx.clock.instant(),
                "app:v1",
                Digest.of("config".getBytes(StandardCharsets.UTF_8)),
                "registry.example/app@" + Digest.of("manifest".getBytes(StandardCharsets.UTF_8)),
                "{}",
                "{\"Cmd\":[\"sh\",\"-c\",\"echo hi\"],\"Labels\":{\"team\":\"a\"}}",
                hostConfig,
                JobNames.of(id, name),
                "a".repeat(64),
                9111,
                null);
        store.create(c);
        return c;
    }

    /** The jobs API itself, over plain http to the stand-in (no credential). */
    ArmJobsApi directApi() {
        return new ArmJobsApi(
                ArmManagers.containerApps(
                        ArmEndpoint.parse(fx.arm.plainEndpoint()),
                        LifecycleFixture.SUBSCRIPTION,
                        () -> null,
                        null,
                        null),
                LifecycleFixture.RESOURCE_GROUP);
    }

    Execution execution(ContainerRecord c) {
        return store.find(c.id()).orElseThrow().execution();
    }

    @ParameterizedTest
    @EnumSource(Lro.class)
    void startPutsAValidJobStartsAnExecutionAndRecordsIt(Lro mode) throws IOException {
        start();
        jobs.lro(mode);
        ContainerRecord c = container("web");

        assertThat(lifecycle.start("web")).isEqualTo(Outcome.DONE);

        JobsStandIn.Job job = jobs.job(c.jobName()).orElseThrow();
        assertThat(jobs.violations).isEmpty();
        assertThat(job.body().has("apiVersion")).isFalse();
        assertThat(job.environmentId()).isEqualTo(LifecycleFixture.ENVIRONMENT_ID);
        assertThat(job.body()
                        .path("properties")
                        .path("configuration")
                        .path("secrets")
                        .get(0)
                        .path("value")
                        .asText())
                .isEqualTo(c.agentToken()); // the agent's token reaches the job as a secret
        List<JobsStandIn.Execution> executions = jobs.executions(c.jobName());
        assertThat(executions).hasSize(1);
        Execution recorded = execution(c);
        assertThat(recorded.name()).isEqualTo(executions.get(0).name).matches(c.jobName() + "-[a-z0-9]{7}");
        assertThat(recorded.status()).isEqualTo("Running");
        assertThat(recorded.startedAt()).isEqualTo(T0);
        if (mode == Lro.ASYNC) {
            assertThat(fx.arm.count("GET", ".*/containerappsjobOperationStatuses/.*"))
                    .isEqualTo(1);
            assertThat(fx.arm.count("GET", ".*/containerappsjobOperationResults/.*"))
                    .isEqualTo(1);
        } else {
            assertThat(fx.arm.count("GET", ".*/containerappsjob.*")).isZero();
        }

        assertThat(lifecycle.start(c.id())).isEqualTo(Outcome.NOT_MODIFIED);
        assertThat(jobs.executions(c.jobName())).hasSize(1);
    }

    @Test
    void plainHttpSendsNoCredentialAndHttpsSendsTheAppsToken() throws IOException {
        start(ArmStandIn.Auth.NONE, Map.of());
        lifecycle.start(container("plain").id());
        assertThat(fx.arm.received)
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.authorization()).isNull());
        assertThat(fx.scopes).isEmpty();
        fx.close();

        start(ArmStandIn.Auth.BEARER, Map.of());
        lifecycle.start(container("secure").id());
        assertThat(fx.arm.received)
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.authorization()).isEqualTo("Bearer arm-token"));
        assertThat(fx.scopes).containsOnly(fx.arm.endpoint() + "/.default");
    }

    @Test
    void armEndpointsArePlainOnlyOnLoopback() {
        assertThat(ArmEndpoint.parse("http://127.0.0.1:8089/").plain()).isTrue();
        assertThat(ArmEndpoint.parse("http://[::1]:8089").plain()).isTrue();
        assertThat(ArmEndpoint.parse("http://localhost:8089").base()).isEqualTo("http://localhost:8089");
        assertThat(ArmEndpoint.parse("https://management.azure.com").plain()).isFalse();
        for (String bad : List.of(
                "http://management.azure.com",
                "http://10.0.0.1:80",
                "http://127.0.0.1.example.com",
                "ftp://127.0.0.1",
                "https://management.azure.com/x")) {
            assertThatThrownBy(() -> ArmEndpoint.parse(bad))
                    .as(bad)
                    .hasMessageStartingWith("configuration: SOCKERLESS_ARM_ENDPOINT has a malformed entry");
        }
    }

    @Test
    void stateComesFromArmCachedBrieflyAndFinalStatesAreStoredAndNeverReadAgain() throws IOException {
        start();
        int n = 4;
        for (int i = 0; i < n; i++) {
            lifecycle.start(container("c" + i).id());
        }
        fx.clock.advance(LifecycleFixture.STATUS_TTL); // the starts' own cache entries expire
        long before = fx.arm.count("GET", EXECUTION_GET);
        for (int i = 0; i < 3; i++) {
            assertThat(lifecycle.list())
                    .allSatisfy(c -> assertThat(c.execution().isRunning()).isTrue());
        }
        assertThat(fx.arm.count("GET", EXECUTION_GET) - before)
                .isLessThanOrEqualTo(2L * n + 2)
                .isEqualTo(n);

        ContainerRecord c0 = lifecycle.get("c0");
        fx.clock.advance(Duration.ofSeconds(5));
        jobs.finish(c0.execution().name(), "Succeeded");
        ContainerRecord done = lifecycle.get("c0");
        assertThat(done.execution().status()).isEqualTo("Succeeded");
        assertThat(done.execution().dockerExitCode()).isZero();
        assertThat(done.execution().dockerError()).isEmpty();
        assertThat(done.execution().finishedAt()).isEqualTo(fx.clock.instant());
        assertThat(execution(c0).status()).isEqualTo("Succeeded"); // stored

        long reads = fx.arm.count("GET", EXECUTION_GET);
        fx.clock.advance(Duration.ofMinutes(1));
        lifecycle.get("c0");
        assertThat(fx.arm.count("GET", EXECUTION_GET)).isEqualTo(reads);
    }

    @Test
    void aFailedExecutionSaysItsExitCodeIsUnknownUnlessOneWasReported() throws IOException {
        start();
        ContainerRecord c = container("fails");
        lifecycle.start(c.id());
        jobs.finish(execution(c).name(), "Failed");
        fx.clock.advance(LifecycleFixture.STATUS_TTL);

        Execution e = lifecycle.get("fails").execution();
        assertThat(e.dockerStatus()).isEqualTo("exited");
        assertThat(e.dockerExitCode()).isEqualTo(1);
        assertThat(e.exitCodeKnown()).isFalse();
        assertThat(e.dockerError()).contains("ended Failed").contains("Azure recorded no exit code");

        store.saveExecution(c.id(), new Execution(e.name(), "Failed", 3, e.startedAt(), e.finishedAt()));
        Execution reported = lifecycle.get("fails").execution();
        assertThat(reported.dockerExitCode()).isEqualTo(3);
        assertThat(reported.exitCodeKnown()).isTrue();
    }

    @Test
    void theExitCodeOfAFailedExecutionComesFromTheSystemLogsOnceAzureLoggedIt() throws Exception {
        Map<String, String> settings = Map.of(
                "SOCKERLESS_ACA_ENVIRONMENT_ID",
                LifecycleFixture.ENVIRONMENT_ID,
                "SOCKERLESS_ACA_LOCATION",
                LifecycleFixture.LOCATION,
                "SOCKERLESS_ACA_ENVIRONMENT_TYPE",
                "consumption-only");
        String ws = "11111111-2222-3333-4444-555555555555";
        try (LogAnalyticsStandIn la = new LogAnalyticsStandIn(ws)) {
            LogAnalyticsLogSource logs = new LogAnalyticsLogSource(
                    LogAnalyticsLogSource.client(la.endpoint(), null),
                    WorkspaceLocator.fixed(ws),
                    LogTable.AUTO,
                    1000,
                    1 << 20,
                    Duration.ofSeconds(30),
                    java.time.Clock.systemUTC(),
                    d -> Thread.sleep(d.toMillis()));
            fx = new LifecycleFixture(
                    store,
                    new ContainerJobs(Settings.of(settings)),
                    new MutableClock(T0),
                    ArmStandIn.Auth.NONE,
                    logs::exitCode);
            lifecycle = fx.lifecycle;
            jobs = fx.arm.jobs();
            ContainerRecord c = container("crashes");
            lifecycle.start("crashes");
            String execution = execution(c).name();
            jobs.finish(execution, "Failed");
            fx.clock.advance(LifecycleFixture.STATUS_TTL);

            assertThat(lifecycle.get("crashes").execution().exitCodeKnown()).isFalse(); // not ingested yet
            int queries = la.received.size();
            fx.clock.advance(LifecycleFixture.STATUS_TTL);
            lifecycle.get("crashes");
            assertThat(la.received.size()).isEqualTo(queries); // looked up at most once per EXIT_CODE_RETRY

            la.add(
                    LogAnalyticsStandIn.SYSTEM,
                    Map.of(
                            "TimeGenerated",
                            T0,
                            "JobName",
                            c.jobName(),
                            "Reason",
                            "ContainerTerminated",
                            "ReplicaName",
                            execution + "-x1y2z",
                            "ContainerName",
                            c.jobName(),
                            "Log",
                            "Container '" + c.jobName() + "' was terminated with exit code '137'"));
            fx.clock.advance(ContainerLifecycle.EXIT_CODE_RETRY);
            Execution e = lifecycle.get("crashes").execution();
            assertThat(e.dockerExitCode()).isEqualTo(137);
            assertThat(e.dockerError()).isEmpty();
            assertThat(execution(c).exitCode()).isEqualTo(137); // stored: never looked up again
            assertThat(lifecycle.await("crashes", "", Duration.ofSeconds(1)))
                    .isEqualTo(new WaitResult.Exited(137, null));
            queries = la.received.size();
            fx.clock.advance(Duration.ofMinutes(1));
            lifecycle.get("crashes");
            assertThat(la.received.size()).isEqualTo(queries);
        }
    }

    @Test
    void stopAndKillStopTheExecutionInArmAndAnswerLikeDockerdWhenNotRunning() throws IOException {
        start();
        ContainerRecord created = container("idle");
        assertThat(lifecycle.stop("idle")).isEqualTo(Outcome.NOT_MODIFIED);
        assertThatThrownBy(() -> lifecycle.kill("idle"))
                .isInstanceOf(DockerApiException.class)
                .hasMessage("Container " + created.id() + " is not running")
                .satisfies(e -> assertThat(((DockerApiException) e).kind()).isEqualTo(Kind.CONFLICT));

        lifecycle.start("idle");
        String first = execution(created).name();
        fx.clock.advance(Duration.ofSeconds(3));
        assertThat(lifecycle.stop("idle")).isEqualTo(Outcome.DONE);
        assertThat(jobs.status(first)).isEqualTo("Stopped");
        assertThat(execution(created).status()).isEqualTo("Stopped");
        assertThat(execution(created).finishedAt()).isEqualTo(T0.plusSeconds(3));
        assertThat(lifecycle.stop("idle")).isEqualTo(Outcome.NOT_MODIFIED);

        lifecycle.start("idle");
        String second = execution(created).name();
        assertThat(second).isNotEqualTo(first);
        lifecycle.kill("idle");
        assertThat(jobs.status(second)).isEqualTo("Stopped");
        assertThatThrownBy(() -> lifecycle.kill("idle")).hasMessage("Container " + created.id() + " is not running");
    }

    @Test
    void restartStopsTheRunningExecutionAndStartsANewOne() throws IOException {
        start();
        ContainerRecord c = container("again");
        lifecycle.restart("again"); // not running: just starts
        String first = execution(c).name();
        lifecycle.restart("again");
        String second = execution(c).name();
        assertThat(second).isNotEqualTo(first);
        assertThat(jobs.status(first)).isEqualTo("Stopped");
        assertThat(jobs.status(second)).isEqualTo("Running");
        assertThat(jobs.executions(c.jobName())).hasSize(2);
    }

    @Test
    void waitPollsWithinItsBudgetAndNeverReportsAnExitItDidNotSee() throws Exception {
        start();
        ContainerRecord c = container("waited");
        assertThat(lifecycle.await("waited", "", Duration.ofSeconds(20))).isEqualTo(new WaitResult.Exited(0, null));
        assertThat(lifecycle.await("waited", "next-exit", Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(
                        WaitResult.Pending.class, p -> assertThat(p.message()).contains("has not started"));
        assertThat(fx.sleeps).isEmpty(); // answered at once

        jobs.runFor(Duration.ofSeconds(7), "Succeeded");
        lifecycle.start("waited");
        assertThat(lifecycle.await("waited", "next-exit", Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(
                        WaitResult.Pending.class, p -> assertThat(p.message()).contains("still running"));
        assertThat(fx.clock.instant()).isEqualTo(T0.plusSeconds(5));
        assertThat(lifecycle.await("waited", "not-running", Duration.ofSeconds(20)))
                .isEqualTo(new WaitResult.Exited(0, null));
        assertThat(fx.clock.instant()).isBetween(T0.plusSeconds(7), T0.plusSeconds(9));
        assertThat(execution(c).status()).isEqualTo("Succeeded");

        jobs.runFor(Duration.ofSeconds(1), "Failed");
        lifecycle.start("waited");
        WaitResult failed = lifecycle.await("waited", "next-exit", Duration.ofSeconds(20));
        assertThat(failed).isInstanceOfSatisfying(WaitResult.Exited.class, x -> {
            assertThat(x.statusCode()).isEqualTo(1);
            assertThat(x.error()).contains("Azure recorded no exit code");
        });
        assertThatThrownBy(() -> lifecycle.await("waited", "sometime", Duration.ofSeconds(1)))
                .hasMessage("invalid condition: \"sometime\"");
        assertThatThrownBy(() -> lifecycle.await("nosuch", "", Duration.ofSeconds(1)))
                .hasMessage("No such container: nosuch");
    }

    @ParameterizedTest
    @EnumSource(Lro.class)
    void removeNeedsForceForARunningContainerStopsItFirstAndLeavesNothingInAzure(Lro mode) throws IOException {
        start();
        jobs.lro(mode); // ASYNC: the stop and the delete answer 202 + Location, polled until done
        ContainerRecord c = container("gone");
        lifecycle.start("gone");
        String execution = execution(c).name();
        assertThatThrownBy(() -> lifecycle.remove("gone", false))
                .hasMessage("cannot remove container \"/gone\": container is running: stop the container before"
                        + " removing or force remove");
        assertThat(jobs.job(c.jobName())).isPresent();

        lifecycle.remove("gone", true);
        List<ArmStandIn.Received> writes = fx.arm.received.stream()
                .filter(r -> r.path().endsWith("/executions/" + execution + "/stop")
                        || r.method().equals("DELETE"))
                .toList();
        assertThat(writes).extracting(ArmStandIn.Received::method).containsExactly("POST", "DELETE");
        assertThat(jobs.job(c.jobName())).isEmpty();
        assertThat(store.find(c.id())).isEmpty();
        assertThat(fx.arm.count("GET", ".*/containerappsjobOperationResults/.*"))
                .isEqualTo(mode == Lro.ASYNC ? 3 : 0); // start, stop, delete
        assertThatThrownBy(() -> lifecycle.remove("gone", true)).hasMessage("No such container: gone");

        ContainerRecord never = container("never");
        lifecycle.remove("never", false); // no job in ARM: DELETE answers 204
        assertThat(store.find(never.id())).isEmpty();
    }

    @Test
    void anAutoRemoveContainerGoesWithItsJobOnceSeenFinishedAndItsWaitStillGetsTheExit() throws Exception {
        start();
        ContainerRecord c = container("once", "{\"AutoRemove\":true}");
        lifecycle.start("once");
        jobs.finish(execution(c).name(), "Succeeded");
        assertThat(lifecycle.await("once", "removed", Duration.ofSeconds(10)))
                .isEqualTo(new WaitResult.Exited(0, null));
        assertThat(store.find(c.id())).isEmpty();
        assertThat(jobs.job(c.jobName())).isEmpty();
        assertThatThrownBy(() -> lifecycle.get("once")).hasMessage("No such container: once");

        ContainerRecord stopped = container("stopped-rm", "{\"AutoRemove\":true}");
        ContainerRecord kept = container("kept");
        lifecycle.start("stopped-rm");
        lifecycle.start("kept");
        lifecycle.stop("stopped-rm");
        lifecycle.stop("kept");
        assertThat(lifecycle.prune(x -> true)).containsExactly(kept.id()); // the --rm one went with the listing
        assertThat(store.list()).isEmpty();
        assertThat(jobs.job(stopped.jobName())).isEmpty();
    }

    @Test
    void pruneRemovesStoppedContainersAndTheirJobsOnly() throws IOException {
        start();
        ContainerRecord running = container("running");
        ContainerRecord stopped = container("stopped");
        ContainerRecord created = container("created");
        lifecycle.start("running");
        lifecycle.start("stopped");
        lifecycle.stop("stopped");

        assertThat(lifecycle.prune(c -> true)).containsExactlyInAnyOrder(stopped.id(), created.id());
        assertThat(store.list()).extracting(ContainerRecord::id).containsExactly(running.id());
        assertThat(jobs.job(stopped.jobName())).isEmpty();
        assertThat(jobs.job(running.jobName())).isPresent();
    }

    @Test
    void armFailuresAreDockerErrorsNamingArmAndTheReason() throws IOException {
        start();
        ContainerRecord c = container("denied");
        jobs.failNext(
                Op.PUT,
                403,
                "AuthorizationFailed",
                "The client 'app' does not have authorization to perform"
                        + " action 'Microsoft.App/jobs/write' over scope '/subscriptions/x/resourceGroups/rg'.");
        assertThatThrownBy(() -> lifecycle.start("denied")).isInstanceOfSatisfying(DockerApiException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.FORBIDDEN);
            assertThat(e.getMessage())
                    .startsWith("ARM: cannot create or update the job " + c.jobName()
                            + ": ARM answered HTTP 403 AuthorizationFailed: The client 'app'")
                    .contains("Container Apps Jobs Contributor");
        });
        assertThat(execution(c)).isNull();

        jobs.failNext(
                Op.START,
                409,
                "MaxNumberOfRunningExecutionsExceeded",
                "The job has reached its quota of running" + " executions.");
        assertThatThrownBy(() -> lifecycle.start("denied")).isInstanceOfSatisfying(DockerApiException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.CONFLICT);
            assertThat(e.getMessage()).contains("ARM answered HTTP 409 MaxNumberOfRunningExecutionsExceeded");
        });
        assertThat(execution(c)).isNull();
    }

    @Test
    void anInvalidJobIsRefusedByTheStrictStandInAndReportedAsABadRequest() throws IOException {
        start();
        ArmJobsApi api = directApi();
        String noImage = "{\"type\":\"Microsoft.App/jobs\",\"apiVersion\":\"2025-01-01\",\"name\":\"bad\","
                + "\"location\":\"westeurope\",\"properties\":{\"environmentId\":\"" + LifecycleFixture.ENVIRONMENT_ID
                + "\",\"configuration\":{\"triggerType\":\"Manual\",\"replicaTimeout\":0},"
                + "\"template\":{\"containers\":[{\"name\":\"main\"}]}}}";
        assertThatThrownBy(() -> api.createOrUpdate("bad", noImage))
                .isInstanceOfSatisfying(DockerApiException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.INVALID_PARAMETER);
                    assertThat(e.getMessage())
                            .startsWith("ARM: cannot create or update the job bad: ARM answered HTTP 400"
                                    + " InvalidRequestContent")
                            .contains("replicaTimeout")
                            .contains("image");
                });
        assertThat(jobs.violations).isNotEmpty();
        assertThat(jobs.job("bad")).isEmpty();
    }

    @Test
    void resourceTotalsOverTheEnvironmentsLimitAreRefused() throws IOException {
        start();
        ArmJobsApi api = directApi();
        String big = "{\"location\":\"westeurope\",\"properties\":{\"environmentId\":\""
                + LifecycleFixture.ENVIRONMENT_ID + "\",\"configuration\":{\"triggerType\":\"Manual\","
                + "\"replicaTimeout\":60},\"template\":{\"containers\":[{\"name\":\"main\",\"image\":\"a/b:1\","
                + "\"resources\":{\"cpu\":4.0,\"memory\":\"8Gi\"}}]}}}";
        assertThatThrownBy(() -> api.createOrUpdate("big", big)).hasMessageContaining("ARM answered HTTP 400");
        jobs.workloadProfiles(true);
        api.createOrUpdate("big", big);
        assertThat(jobs.job("big")).isPresent();
    }

    @Test
    void anExecutionArmDoesNotKnowKeepsItsReportedState() throws IOException {
        start();
        ContainerRecord c = container("elsewhere");
        store.saveExecution(c.id(), new Execution(c.jobName() + "-abcdefg", "Running", null, T0, null));
        assertThat(lifecycle.get("elsewhere").execution().isRunning()).isTrue();
        assertThat(lifecycle.stop("elsewhere")).isEqualTo(Outcome.DONE); // ARM's 404: nothing left to stop
        assertThat(execution(c).status()).isEqualTo("Stopped");
    }
}
