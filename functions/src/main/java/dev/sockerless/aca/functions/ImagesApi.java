package dev.sockerless.aca.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import dev.sockerless.aca.docker.ApiRequest;
import dev.sockerless.aca.docker.ApiResponse;
import dev.sockerless.aca.errors.DockerApiException;

import java.util.Optional;

/**
 * Image routes. Image names contain '/', ':' and '@' and arrive unescaped, so {@code GET /images/{name}/json} is a
 * catch-all route whose suffix is split here; the literal routes ({@code images/create}, {@code images/json}) take
 * precedence over it.
 */
public final class ImagesApi {

    public static final String IMAGE_CREATE = "ImageCreate";
    public static final String IMAGE_LIST = "ImageList";
    public static final String IMAGE_LOAD = "ImageLoad";
    public static final String IMAGE_GET = "ImageGet";
    /** {@code POST images/{*path}}: tag (the only POST under an image name). */
    public static final String IMAGE_POST = "ImagePost";

    @FunctionName(IMAGE_CREATE)
    public HttpResponseMessage create(
            @HttpTrigger(name = "req", methods = {HttpMethod.POST}, route = Routes.IMAGES_CREATE,
                    authLevel = AuthorizationLevel.FUNCTION, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request, ExecutionContext context) {
        return Http.serve(request, context, r -> AppServices.get().images().create(r));
    }

    @FunctionName(IMAGE_CREATE + Routes.V)
    public HttpResponseMessage createVersioned(
            @HttpTrigger(name = "req", methods = {HttpMethod.POST}, route = Routes.VERSIONED + Routes.IMAGES_CREATE,
                    authLevel = AuthorizationLevel.FUNCTION, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request, ExecutionContext context) {
        return create(request, context);
    }

    @FunctionName(IMAGE_LIST)
    public HttpResponseMessage list(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, route = Routes.IMAGES_LIST,
                    authLevel = AuthorizationLevel.FUNCTION, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request, ExecutionContext context) {
        return Http.serve(request, context, r -> AppServices.get().images().list(r));
    }

    @FunctionName(IMAGE_LIST + Routes.V)
    public HttpResponseMessage listVersioned(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, route = Routes.VERSIONED + Routes.IMAGES_LIST,
                    authLevel = AuthorizationLevel.FUNCTION, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request, ExecutionContext context) {
        return list(request, context);
    }

    /** {@code POST /images/load}: the body is a {@code docker save} archive, handed over whole by the host (or empty, with {@code ?fromBlob=}). */
    @FunctionName(IMAGE_LOAD)
    public HttpResponseMessage load(
            @HttpTrigger(name = "req", methods = {HttpMethod.POST}, route = Routes.IMAGES_LOAD,
                    authLevel = AuthorizationLevel.FUNCTION, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request, ExecutionContext context) {
        return Http.serve(request, context, r -> AppServices.get().images().load(r));
    }

    @FunctionName(IMAGE_LOAD + Routes.V)
    public HttpResponseMessage loadVersioned(
            @HttpTrigger(name = "req", methods = {HttpMethod.POST}, route = Routes.VERSIONED + Routes.IMAGES_LOAD,
                    authLevel = AuthorizationLevel.FUNCTION, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request, ExecutionContext context) {
        return load(request, context);
    }

    /** {@code GET /images/{name}/json}: inspect. */
    @FunctionName(IMAGE_GET)
    public HttpResponseMessage get(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, route = Routes.IMAGES_ANY,
                    authLevel = AuthorizationLevel.FUNCTION, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request, ExecutionContext context) {
        return Http.serve(request, context, ImagesApi::dispatchGet);
    }

    @FunctionName(IMAGE_GET + Routes.V)
    public HttpResponseMessage getVersioned(
            @HttpTrigger(name = "req", methods = {HttpMethod.GET}, route = Routes.VERSIONED + Routes.IMAGES_ANY,
                    authLevel = AuthorizationLevel.FUNCTION, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request, ExecutionContext context) {
        return get(request, context);
    }

    /** {@code POST /images/{name}/tag}. */
    @FunctionName(IMAGE_POST)
    public HttpResponseMessage post(
            @HttpTrigger(name = "req", methods = {HttpMethod.POST}, route = Routes.IMAGES_ANY,
                    authLevel = AuthorizationLevel.FUNCTION, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request, ExecutionContext context) {
        return Http.serve(request, context, ImagesApi::dispatchPost);
    }

    @FunctionName(IMAGE_POST + Routes.V)
    public HttpResponseMessage postVersioned(
            @HttpTrigger(name = "req", methods = {HttpMethod.POST}, route = Routes.VERSIONED + Routes.IMAGES_ANY,
                    authLevel = AuthorizationLevel.FUNCTION, dataType = "binary")
            HttpRequestMessage<Optional<byte[]>> request, ExecutionContext context) {
        return post(request, context);
    }

    static ApiResponse dispatchPost(ApiRequest r) {
        String name = CatchAll.nameBefore(r.path(), "/images/", "/tag");
        return AppServices.get().images().tag(r, name);
    }

    static ApiResponse dispatchGet(ApiRequest r) {
        String name = CatchAll.nameBefore(r.path(), "/images/", "/json");
        return AppServices.get().images().inspect(r, name);
    }

    /** Splits {@code /images/<name>/<suffix>} paths; an unknown suffix is Docker's "page not found". */
    static final class CatchAll {
        private CatchAll() {
        }

        static String nameBefore(String path, String prefix, String suffix) {
            if (!path.startsWith(prefix) || !path.endsWith(suffix) || path.length() <= prefix.length() + suffix.length()) {
                throw DockerApiException.notFound("page not found");
            }
            return path.substring(prefix.length(), path.length() - suffix.length());
        }
    }
}
