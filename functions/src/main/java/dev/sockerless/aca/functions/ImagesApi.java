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
 * catch-all route whose suffix is split here. The Functions host matches routes in function-name order, not by
 * specificity, so the catch-all functions are named {@code NamedImage…}: they sort after every {@code Image…} function
 * whose literal route ({@code images/create}, {@code images/json}, {@code images/load}) they would otherwise shadow.
 * Body types follow {@link Http}: {@code Optional<String>}, except the load's {@code Optional<byte[]>}.
 */
public final class ImagesApi {

    public static final String IMAGE_CREATE = "ImageCreate";
    public static final String IMAGE_LIST = "ImageList";
    public static final String IMAGE_LOAD = "ImageLoad";
    /** {@code GET images/{*path}}: inspect; named to sort after the {@code Image…} literal routes. */
    public static final String NAMED_IMAGE_GET = "NamedImageGet";
    /** {@code POST images/{*path}}: tag (the only POST under an image name); named to sort after them too. */
    public static final String NAMED_IMAGE_POST = "NamedImagePost";

    @FunctionName(IMAGE_CREATE)
    public HttpResponseMessage create(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = Routes.IMAGES_CREATE,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return Http.serve(request, context, r -> AppServices.get().images().create(r));
    }

    @FunctionName(IMAGE_CREATE + Routes.V)
    public HttpResponseMessage createVersioned(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = Routes.VERSIONED + Routes.IMAGES_CREATE,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return create(request, context);
    }

    @FunctionName(IMAGE_LIST)
    public HttpResponseMessage list(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            route = Routes.IMAGES_LIST,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return Http.serve(request, context, r -> AppServices.get().images().list(r));
    }

    @FunctionName(IMAGE_LIST + Routes.V)
    public HttpResponseMessage listVersioned(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            route = Routes.VERSIONED + Routes.IMAGES_LIST,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return list(request, context);
    }

    /**
     * {@code POST /images/load}: the body is a {@code docker save} archive, handed over whole by the host only when
     * sent as {@code application/octet-stream} with a {@code Content-Length} (or empty, with {@code ?fromBlob=}).
     * {@code dataType = "binary"} documents the intent; the host ignores it for HTTP.
     */
    @FunctionName(IMAGE_LOAD)
    public HttpResponseMessage load(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = Routes.IMAGES_LOAD,
                            authLevel = AuthorizationLevel.FUNCTION,
                            dataType = "binary")
                    HttpRequestMessage<Optional<byte[]>> request,
            ExecutionContext context) {
        return Http.serveBytes(request, context, r -> AppServices.get().images().load(r));
    }

    @FunctionName(IMAGE_LOAD + Routes.V)
    public HttpResponseMessage loadVersioned(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = Routes.VERSIONED + Routes.IMAGES_LOAD,
                            authLevel = AuthorizationLevel.FUNCTION,
                            dataType = "binary")
                    HttpRequestMessage<Optional<byte[]>> request,
            ExecutionContext context) {
        return load(request, context);
    }

    /** {@code GET /images/{name}/json}: inspect. */
    @FunctionName(NAMED_IMAGE_GET)
    public HttpResponseMessage get(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            route = Routes.IMAGES_ANY,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return Http.serve(request, context, ImagesApi::dispatchGet);
    }

    @FunctionName(NAMED_IMAGE_GET + Routes.V)
    public HttpResponseMessage getVersioned(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            route = Routes.VERSIONED + Routes.IMAGES_ANY,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return get(request, context);
    }

    /** {@code POST /images/{name}/tag}. */
    @FunctionName(NAMED_IMAGE_POST)
    public HttpResponseMessage post(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = Routes.IMAGES_ANY,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return Http.serve(request, context, ImagesApi::dispatchPost);
    }

    @FunctionName(NAMED_IMAGE_POST + Routes.V)
    public HttpResponseMessage postVersioned(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = Routes.VERSIONED + Routes.IMAGES_ANY,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
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
        private CatchAll() {}

        static String nameBefore(String path, String prefix, String suffix) {
            if (!path.startsWith(prefix)
                    || !path.endsWith(suffix)
                    || path.length() <= prefix.length() + suffix.length()) {
                throw DockerApiException.notFound("page not found");
            }
            return path.substring(prefix.length(), path.length() - suffix.length());
        }
    }
}
