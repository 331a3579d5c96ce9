package dev.sockerless.aca.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatusType;
import dev.sockerless.aca.docker.ApiRequest;
import dev.sockerless.aca.docker.ApiResponse;
import dev.sockerless.aca.docker.ApiVersion;
import dev.sockerless.aca.docker.ErrorResponses;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Converts between the Functions HTTP types and the plain {@link ApiRequest}/{@link ApiResponse} the handlers use,
 * checks the {@code /vX.Y/} prefix, and maps errors in one place.
 *
 * <p><b>Body types.</b> Every function declares {@code HttpRequestMessage<Optional<String>>}, whether its body is
 * JSON, text or absent: the host forwards every body whose media type is not {@code application/octet-stream} or
 * {@code multipart/*} as a string, and the Java worker cannot bind a string to {@code byte[]} (500 before the function
 * runs; see the local host's {@code RequestBody}). {@link #serve} hands the handlers its UTF-8 bytes. The one
 * exception is {@code ImageLoad} ({@link #serveBytes}): an archive must arrive byte for byte, which only
 * {@code Content-Type: application/octet-stream} with a {@code Content-Length} achieves.
 */
final class Http {

    private Http() {}

    /** A function whose body (if any) is text, e.g. JSON; the handler gets its UTF-8 bytes. */
    static HttpResponseMessage serve(
            HttpRequestMessage<Optional<String>> request,
            ExecutionContext context,
            Function<ApiRequest, ApiResponse> handler) {
        return serve(
                request,
                request.getBody().map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null),
                context,
                handler);
    }

    /** A function whose body is binary ({@code application/octet-stream}). */
    static HttpResponseMessage serveBytes(
            HttpRequestMessage<Optional<byte[]>> request,
            ExecutionContext context,
            Function<ApiRequest, ApiResponse> handler) {
        return serve(request, request.getBody().orElse(null), context, handler);
    }

    /**
     * Framing is the host's: a {@code Content-Length} or {@code Transfer-Encoding} from a handler is never passed on,
     * so the host sends every body chunked (a wrong length would be a 500, a function {@code Transfer-Encoding} a
     * malformed body), and the JSON-lines replies of pull and load stay readable line by line.
     */
    private static HttpResponseMessage serve(
            HttpRequestMessage<?> request,
            byte @Nullable [] body,
            ExecutionContext context,
            Function<ApiRequest, ApiResponse> handler) {
        Logger log = context.getLogger();
        ApiResponse response = ErrorResponses.handle(
                () -> {
                    ApiVersion.Routed routed = ApiVersion.route(request.getUri().getRawPath());
                    ApiRequest api = new ApiRequest(
                            request.getHttpMethod().name(),
                            routed.version(),
                            routed.path(),
                            request.getQueryParameters(),
                            request.getHeaders(),
                            body == null ? new byte[0] : body);
                    return handler.apply(api);
                },
                log,
                context.getInvocationId());
        HttpResponseMessage.Builder builder = request.createResponseBuilder(HttpStatusType.custom(response.status()));
        response.headers().forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Transfer-Encoding")) {
                builder.header(name, value);
            }
        });
        if (response.body().length > 0) {
            builder.body(response.body());
        }
        return builder.build();
    }
}
