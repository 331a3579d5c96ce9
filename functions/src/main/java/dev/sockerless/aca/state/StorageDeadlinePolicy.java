package dev.sockerless.aca.state;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.util.HttpClientOptions;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.io.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import reactor.core.publisher.Mono;

/**
 * One deadline for each call to a storage service, all its tries and back-off waits included: a per-call policy, so
 * it sits in front of the SDK's retry policy (azure-data-tables 12.5.9 and azure-storage-blob {@code BuilderHelper}:
 * per-call policies, then the retry policy, then the per-retry ones). The deadline runs until the response's
 * headers; a body that stops arriving is ended by the HTTP client's read timeout ({@link #httpClient}). A call past the deadline is cancelled — its worker thread is
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
public final class StorageDeadlinePolicy implements HttpPipelinePolicy {

    /** How the state tables are named in messages. */
    public static final String STATE = "state storage (Azure Table Storage)";

    private static final ExecutorService CALLS =
            Executors.newCachedThreadPool(DaemonThreads.named("state-storage-call"));

    private final String storage;
    private final Duration deadline;

    /** @param storage how the service is named in messages, such as {@value #STATE} */
    public StorageDeadlinePolicy(String storage, Duration deadline) {
        if (deadline.isZero() || deadline.isNegative()) {
            throw new IllegalArgumentException("deadline must be positive");
        }
        this.storage = storage;
        this.deadline = deadline;
    }

    /**
     * An HTTP client whose connect, write, response and read timeouts are {@code deadline}, so that an abandoned
     * exchange, or a body that stops arriving, also ends within it.
     */
    public static HttpClient httpClient(Duration deadline) {
        return HttpClient.createDefault(new HttpClientOptions()
                .setConnectTimeout(deadline)
                .setWriteTimeout(deadline)
                .setResponseTimeout(deadline)
                .setReadTimeout(deadline));
    }

    @Override
    public HttpPipelinePosition getPipelinePosition() {
        return HttpPipelinePosition.PER_CALL;
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        return next.process()
                .timeout(deadline)
                .onErrorMap(TimeoutException.class, e -> timedOut(context.getHttpRequest()));
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        Future<HttpResponse> call = CALLS.submit(next::processSync);
        try {
            return call.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw timedOut(context.getHttpRequest());
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw DockerApiException.unavailable(storage + ": the call was interrupted", null);
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

    /**
     * The message names the method and path only: a query may carry a SAS signature. No cause is attached: the
     * Blob Storage client (azure-storage-common 12.34.0 {@code StorageImplUtils.sendRequest}) rethrows the
     * <em>cause</em> of a runtime exception its operation throws, wrapped, instead of the exception itself — a
     * TimeoutException cause would replace this message.
     */
    private DockerApiException timedOut(HttpRequest request) {
        return DockerApiException.unavailable(
                storage + " did not answer within " + seconds() + ": " + request.getHttpMethod() + " "
                        + request.getUrl().getPath(),
                null);
    }

    private String seconds() {
        long millis = deadline.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + " s" : millis + " ms";
    }
}
