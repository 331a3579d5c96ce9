package dev.sockerless.aca.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sockerless.aca.testing.LogAnalyticsStandIn;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Exit codes from the system logs, through the real query client against the strict Log Analytics stand-in. */
class SystemLogsExitCodeTest {

    static final String WS = "11111111-2222-3333-4444-555555555555";
    static final String JOB = "sl-app-0123456789ab";
    static final LogTarget TARGET = new LogTarget(JOB, JOB + "-k2m4p7q", JOB, Map.of(), false);
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    final LogAnalyticsStandIn la;
    final LogAnalyticsLogSource source;

    SystemLogsExitCodeTest() throws IOException {
        la = new LogAnalyticsStandIn(WS);
        source = new LogAnalyticsLogSource(
                LogAnalyticsLogSource.client(la.endpoint(), null),
                WorkspaceLocator.fixed(WS),
                LogTable.AUTO,
                1000,
                1 << 20,
                Duration.ofSeconds(30),
                Clock.systemUTC(),
                d -> Thread.sleep(d.toMillis()));
    }

    @AfterEach
    void close() {
        la.close();
    }

    static String terminated(String container, int code) {
        return "Container '" + container + "' was terminated with exit code '" + code + "' and reason 'ProcessExited'";
    }

    @Test
    void noSystemLogsTableOrNoRowMeansUnknown() {
        assertThat(source.exitCode(TARGET)).isEmpty();
        la.add(
                LogAnalyticsStandIn.SYSTEM,
                Map.of(
                        "TimeGenerated",
                        T0,
                        "JobName",
                        JOB,
                        "Reason",
                        "ContainerCreated",
                        "ReplicaName",
                        TARGET.executionName() + "-abcde",
                        "ContainerName",
                        JOB,
                        "Log",
                        "Created container"));
        assertThat(source.exitCode(TARGET)).isEmpty();
    }

    @Test
    void theResourceSpecificTableGivesTheMainContainersNewestCodeOfThisExecutionOnly() {
        la.add(
                LogAnalyticsStandIn.SYSTEM,
                Map.of(
                        "TimeGenerated",
                        T0,
                        "JobName",
                        JOB,
                        "Reason",
                        "ContainerTerminated",
                        "ReplicaName",
                        TARGET.executionName() + "-abcde",
                        "ContainerName",
                        "sockerless-agent-init",
                        "Log",
                        terminated("sockerless-agent-init", 0)));
        la.add(
                LogAnalyticsStandIn.SYSTEM,
                Map.of(
                        "TimeGenerated",
                        T0.plusSeconds(5),
                        "JobName",
                        JOB,
                        "Reason",
                        "ContainerTerminated",
                        "ReplicaName",
                        JOB + "-zzzzzzz-abcde",
                        "ContainerName",
                        JOB,
                        "Log",
                        terminated(JOB, 9))); // another execution
        la.add(
                LogAnalyticsStandIn.SYSTEM,
                Map.of(
                        "TimeGenerated",
                        T0.plusSeconds(2),
                        "JobName",
                        JOB,
                        "Reason",
                        "ContainerTerminated",
                        "ReplicaName",
                        TARGET.executionName() + "-abcde",
                        "ContainerName",
                        JOB,
                        "Log",
                        terminated(JOB, 137)));
        assertThat(source.exitCode(TARGET)).contains(137);
    }

    @Test
    void theLegacyTableIsReadThroughItsReportedColumns() {
        la.add(
                LogAnalyticsStandIn.SYSTEM_LEGACY,
                Map.of(
                        "TimeGenerated",
                        T0,
                        "JobName_s",
                        JOB,
                        "ExecutionName_s",
                        TARGET.executionName(),
                        "Reason_s",
                        "ContainerTerminated",
                        "Log_s",
                        terminated(JOB, 3)));
        assertThat(source.exitCode(TARGET)).contains(3);
    }

    @Test
    void rowsNameTheirContainerInTheColumnOrElseInTheText() {
        List<SystemLogsKql.Row> rows = List.of(
                new SystemLogsKql.Row("", terminated("init", 1)),
                new SystemLogsKql.Row("", terminated(JOB, 42)),
                new SystemLogsKql.Row(JOB, terminated(JOB, 7)));
        assertThat(SystemLogsKql.exitCode(rows, JOB)).isEqualTo(Optional.of(42));
        assertThat(SystemLogsKql.exitCode(List.of(new SystemLogsKql.Row(JOB, "terminated")), JOB))
                .isEmpty();
    }
}
