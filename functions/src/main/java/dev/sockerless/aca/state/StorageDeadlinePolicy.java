package dev.sockerless.aca.state;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import dev.sockerless.aca.errors.DockerApiException;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One deadline for each call to the state storage, all its tries and back-off waits included: a per-call policy, so
 * it sits in front of the SDK's retry policy (azure-data-tables 12.5.9 {@code BuilderHelper}: per-call policies,
 * then the retry policy, then the per-retry ones). A call past the deadline is cancelled — its worker thread is
 * interrupted, which disposes the pending Reactor Netty exchange and closes its connection instead of returning it
 * to the pool — and answers {@code 503 state storage (Azure Table Storage) did not answer within N s: <method>
 * <path>}. Nothing is cached about the failure: the next call simply tries again, so the app recovers by itself when
 * the storage does.
 *
 * <p>Why not the SDK's own {@code Duration timeout} parameters: {@code TableClient.listEntities(options, timeout,
 * context)} applies it only to building the lazy {@code PagedIterable}, not to fetching its pages (12.5.9
 * {@code TableUtils.callIterableWithOptionalTimeout}), and several methods the stores use have no such parameter.
 * The HTTP client's timeouts alone do not bound a call either: the default retry policy (3 retries, exponential
 * from 0.8 s up to 8 s) multiplies them, which is how an image inspect against frozen storage outlived 150 s.
 */
final class StorageDeadlinePolicy implements HttpPipelinePolicy {

    /** How the dependency is named in messages. */
    static final String STORAGE = "state storage (Azure Table Storage)";

    private static final ExecutorService CALLS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "state-storage-call");
        t.setDaemon(true);
        return t;
    });

    private final Duration deadline;

    StorageDeadlinePolicy(Duration deadline) {
        if (deadline.isZero() || deadline.isNegative()) {
            throw new IllegalArgumentException("deadline must be positive");
        }
        this.deadline = deadline;
    }

    @Override
    public HttpPipelinePosition getPipelinePosition() {
        return HttpPipelinePosition.PER_CALL;
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        return next.process().timeout(deadline)
                .onErrorMap(TimeoutException.class, e -> timedOut(context.getHttpRequest(), e));
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        Future<HttpResponse> call = CALLS.submit(next::processSync);
        try {
            return call.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw timedOut(context.getHttpRequest(), e);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw DockerApiException.unavailable(STORAGE + ": the call was interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** The message names the method and path only: a query may carry a SAS signature. */
    private DockerApiException timedOut(HttpRequest request, Throwable cause) {
        return DockerApiException.unavailable(STORAGE + " did not answer within " + seconds() + ": "
                + request.getHttpMethod() + " " + request.getUrl().getPath(), cause);
    }

    private String seconds() {
        long millis = deadline.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + " s" : millis + " ms";
    }
}
