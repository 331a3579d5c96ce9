package dev.sockerless.aca.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatusType;
import dev.sockerless.aca.docker.ApiRequest;
import dev.sockerless.aca.docker.ApiResponse;
import dev.sockerless.aca.docker.ApiVersion;
import dev.sockerless.aca.docker.ErrorResponses;

import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Converts between the Functions HTTP types and the plain {@link ApiRequest}/{@link ApiResponse} the handlers use,
 * checks the {@code /vX.Y/} prefix, and maps errors in one place.
 */
final class Http {

    private Http() {
    }

    static HttpResponseMessage serve(HttpRequestMessage<Optional<byte[]>> request, ExecutionContext context,
                                     Function<ApiRequest, ApiResponse> handler) {
        Logger log = context.getLogger();
        ApiResponse response = ErrorResponses.handle(() -> {
            ApiVersion.Routed routed = ApiVersion.route(request.getUri().getRawPath());
            ApiRequest api = new ApiRequest(request.getHttpMethod().name(), routed.version(), routed.path(),
                    request.getQueryParameters(), request.getHeaders(), request.getBody().orElse(null));
            return handler.apply(api);
        }, log, context.getInvocationId());
        HttpResponseMessage.Builder builder = request.createResponseBuilder(HttpStatusType.custom(response.status()));
        response.headers().forEach(builder::header);
        if (response.body().length > 0) {
            builder.body(response.body());
        }
        return builder.build();
    }
}
