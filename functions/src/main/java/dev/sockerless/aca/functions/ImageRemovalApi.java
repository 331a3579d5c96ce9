package dev.sockerless.aca.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import dev.sockerless.aca.errors.DockerApiException;
import java.util.Optional;

/**
 * {@code docker rmi} ({@code DELETE images/{*path}}, the whole path being the name) and {@code docker image prune}
 * ({@code POST images/prune}). The Functions host routes by function name order: {@code ImagePrune} must sort before
 * any POST catch-all on {@code images/{*path}} (which are named {@code NamedImage...} to sort last), and the DELETE
 * catch-all is the only DELETE route under {@code images/}.
 */
public final class ImageRemovalApi {

    public static final String IMAGE_PRUNE = "ImagePrune";
    public static final String IMAGE_DELETE = "NamedImageDelete";

    @FunctionName(IMAGE_PRUNE)
    public HttpResponseMessage prune(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = Routes.IMAGES_PRUNE,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return Http.serve(
                request, context, r -> AppServices.get().imageRemoval().prune(r));
    }

    @FunctionName(IMAGE_PRUNE + Routes.V)
    public HttpResponseMessage pruneVersioned(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = Routes.VERSIONED + Routes.IMAGES_PRUNE,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return prune(request, context);
    }

    @FunctionName(IMAGE_DELETE)
    public HttpResponseMessage delete(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.DELETE},
                            route = Routes.IMAGES_ANY,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return Http.serve(
                request, context, r -> AppServices.get().imageRemoval().remove(r, name(r.path())));
    }

    /** The image name: everything after {@code /images/} (names contain '/', ':' and '@'). */
    static String name(String path) {
        String prefix = "/images/";
        if (!path.startsWith(prefix) || path.length() == prefix.length()) {
            throw DockerApiException.notFound("page not found");
        }
        return path.substring(prefix.length());
    }

    @FunctionName(IMAGE_DELETE + Routes.V)
    public HttpResponseMessage deleteVersioned(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.DELETE},
                            route = Routes.VERSIONED + Routes.IMAGES_ANY,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return delete(request, context);
    }
}
