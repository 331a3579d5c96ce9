package dev.sockerless.aca.logs;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.util.BinaryData;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Keeps the raw body of a query's response for the caller, which the client's models lose: a partial result's
 * {@code error.details[].innererror} (warning or error, result-size limit) and an error's inner message. The
 * caller puts a {@link Holder} into the call's context under {@link #KEY}.
 */
final class ResponseCapture implements HttpPipelinePolicy {

    static final String KEY = "sockerless-log-analytics-response";

    /** The captured status and body of the last response of one call. */
    static final class Holder {
        volatile int status;
        volatile @Nullable BinaryData body;
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        return next.process().map(response -> capture(context, response));
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        return capture(context, next.processSync());
    }

    private static HttpResponse capture(HttpPipelineCallContext context, HttpResponse response) {
        Object holder = context.getData(KEY).orElse(null);
        if (!(holder instanceof Holder h)) {
            return response;
        }
        HttpResponse buffered = response.buffer();
        h.status = buffered.getStatusCode();
        h.body = buffered.getBodyAsBinaryData();
        return buffered;
    }
}
