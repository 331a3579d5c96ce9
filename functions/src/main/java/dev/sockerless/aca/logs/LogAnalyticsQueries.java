package dev.sockerless.aca.logs;

import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.util.Context;
import com.azure.monitor.query.LogsQueryClient;
import com.azure.monitor.query.models.LogsQueryOptions;
import com.azure.monitor.query.models.LogsQueryResult;
import com.azure.monitor.query.models.QueryTimeInterval;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.io.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One Log Analytics query within the deadline of the read or poll it serves ({@link LogAnalyticsLogSource}): each
 * query carries a server timeout ({@code Prefer: wait}) of what is left of the deadline minus the client's margin;
 * 429, 5xx and transport failures are retried with exponential backoff, honouring {@code Retry-After}, while the
 * deadline leaves room for another query; timeouts are not retried. The package's one retry policy for Log
 * Analytics, kept in this class so it can be swapped as a whole.
 */
final class LogAnalyticsQueries {

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /**
     * azure-monitor-query gives up waiting for a response this long after the server timeout it asked for
     * ({@code LogsQueryHelper.CLIENT_TIMEOUT_BUFFER} = 5 s, set as the call's {@code azure-response-timeout}).
     */
    static final Duration CLIENT_TIMEOUT_BUFFER = Duration.ofSeconds(5);
    /** The service accepts {@code Prefer: wait} up to 10 minutes (Azure Monitor service limits, log queries). */
    static final Duration MAX_SERVER_TIMEOUT = Duration.ofMinutes(10);

    private final LogsQueryClient client;
    private final WorkspaceLocator workspace;
    private final LogTable table;
    private final Duration deadline;
    private final Clock clock;
    /** Waits between retries: 500 ms doubling to 30 s, {@code Retry-After} honoured; the deadline bounds them. */
    private final Backoff backoff;

    LogAnalyticsQueries(
            LogsQueryClient client,
            WorkspaceLocator workspace,
            LogTable table,
            Duration deadline,
            Clock clock,
            Backoff.Sleeper sleeper) {
        this.client = client;
        this.workspace = workspace;
        this.table = table;
        this.deadline = deadline;
        this.clock = clock;
        this.backoff = new Backoff(FIRST_BACKOFF, MAX_BACKOFF, deadline, false, clock, sleeper);
    }

    /** A new deadline for one read or poll ({@code what}), the configured time from now. */
    Deadline start(String what) {
        return new Deadline(what, clock.instant().plus(deadline));
    }

    /**
     * The end of one read or poll ({@code what}) and how many queries it has sent: every query, page and retry
     * must be answered by {@code at}.
     */
    static final class Deadline {
        final String what;
        final Instant at;
        int queries;

        Deadline(String what, Instant at) {
            this.what = what;
            this.at = at;
        }
    }

    <T> T execute(
            String kql,
            @Nullable QueryTimeInterval timespan,
            Deadline until,
            java.util.function.BiFunction<LogsQueryResult, ResponseCapture.Holder, T> mapper,
            T noTables) {
        String workspaceId = workspace.customerId();
        int attempt = 0;
        String failure = null;
        Duration wait = Duration.ZERO;
        while (true) {
            Duration serverTimeout = serverTimeout(until, wait);
            if (serverTimeout == null) {
                throw DockerApiException.unavailable(
                        "Log Analytics: the " + until.what + " deadline of "
                                + seconds(deadline) + " s "
                                + (attempt == 0
                                        ? "passed after " + until.queries + " quer" + (until.queries == 1 ? "y" : "ies")
                                        : "leaves no time to retry after " + attempt + " attempt"
                                                + (attempt == 1 ? "" : "s") + ": " + failure),
                        null);
            }
            if (!wait.isZero()) {
                try {
                    backoff.sleep(wait);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw DockerApiException.unavailable("Log Analytics query interrupted: " + failure, ie);
                }
                serverTimeout = Objects.requireNonNullElse(serverTimeout(until, Duration.ZERO), Duration.ofSeconds(1));
            }
            ResponseCapture.Holder raw = new ResponseCapture.Holder();
            Instant sent = clock.instant();
            until.queries++;
            try {
                LogsQueryResult result = client.queryWorkspaceWithResponse(
                                workspaceId,
                                kql,
                                timespan,
                                new LogsQueryOptions().setServerTimeout(serverTimeout),
                                new Context(ResponseCapture.KEY, raw))
                        .getValue();
                return mapper.apply(result, raw);
            } catch (HttpResponseException e) {
                int status = e.getResponse() == null ? 0 : e.getResponse().getStatusCode();
                QueryProblem problem = raw.body == null ? null : QueryProblem.read(raw.body.toStream());
                String described = "HTTP " + status + (problem == null ? "" : " " + problem.describe());
                if (status == 400
                        && table == LogTable.AUTO
                        && problem != null
                        && problem.describe().contains("at least one operand")) {
                    return noTables; // neither table exists yet: nothing was ever logged
                }
                if (status == 504
                        && !Duration.between(sent, clock.instant())
                                .plusSeconds(1)
                                .minus(serverTimeout)
                                .isNegative()) {
                    throw DockerApiException.unavailable(
                            "Log Analytics query timed out: it ran into its server timeout of "
                                    + serverTimeout.toSeconds() + " s (Prefer: wait, what was left of the " + until.what
                                    + " deadline of " + seconds(deadline) + " s): " + described,
                            e);
                }
                if (!(status == 429 || status >= 500)) {
                    throw DockerApiException.system("Log Analytics query failed: " + described, e);
                }
                failure = described;
                wait = backoff.next(
                        attempt,
                        e.getResponse() == null ? null : e.getResponse().getHeaderValue(HttpHeaderName.RETRY_AFTER));
            } catch (DockerApiException e) {
                throw e;
            } catch (RuntimeException e) {
                Duration clientTimeout = serverTimeout.plus(CLIENT_TIMEOUT_BUFFER);
                if (timedOut(e)
                        || !Duration.between(sent, clock.instant())
                                .plusSeconds(1)
                                .minus(clientTimeout)
                                .isNegative()) {
                    throw DockerApiException.unavailable(
                            "Log Analytics query timed out: no answer within "
                                    + clientTimeout.toSeconds() + " s (its server timeout of "
                                    + serverTimeout.toSeconds()
                                    + " s plus the client's " + CLIENT_TIMEOUT_BUFFER.toSeconds() + " s; the "
                                    + until.what
                                    + " deadline is " + seconds(deadline) + " s)",
                            e);
                }
                failure = "unreachable (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
                wait = backoff.delay(attempt);
            }
            attempt++;
        }
    }

    /**
     * The server timeout of a query sent after {@code wait}: what is left of the deadline then, less the client's
     * margin ({@link #CLIENT_TIMEOUT_BUFFER}), in whole seconds (the header's unit), at most the service's
     * maximum; null when less than a second is left.
     */
    @Nullable
    Duration serverTimeout(Deadline until, Duration wait) {
        long seconds = Duration.between(clock.instant().plus(wait), until.at)
                .minus(CLIENT_TIMEOUT_BUFFER)
                .toSeconds();
        return seconds < 1 ? null : Duration.ofSeconds(Math.min(seconds, MAX_SERVER_TIMEOUT.toSeconds()));
    }

    /** {@code 170} or {@code 7.9}: a duration in seconds for a message. */
    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0
                ? String.valueOf(d.toSeconds())
                : java.math.BigDecimal.valueOf(d.toMillis(), 3)
                        .stripTrailingZeros()
                        .toPlainString();
    }

    /** Whether a transport failure is the client's response timeout. */
    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException || t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
