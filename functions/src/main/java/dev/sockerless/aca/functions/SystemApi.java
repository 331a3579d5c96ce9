package dev.sockerless.aca.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import dev.sockerless.aca.docker.SystemHandlers;
import java.util.Optional;

/**
 * {@code /_ping}, {@code /version} and {@code /auth}. Every request body type is {@code Optional<String>} (see
 * {@link Http}): the auth body is JSON.
 */
public final class SystemApi {

    public static final String SYSTEM_PING = "SystemPing";
    public static final String SYSTEM_VERSION = "SystemVersion";
    public static final String SYSTEM_AUTH = "SystemAuth";
    public static final String SYSTEM_INFO = "SystemInfo";
    /** Stateless and free to build: ping must answer even when storage or settings are broken. */
    private static final SystemHandlers SYSTEM = new SystemHandlers();

    @FunctionName(SYSTEM_PING)
    public HttpResponseMessage ping(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET, HttpMethod.HEAD},
                            route = Routes.PING,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return Http.serve(request, context, r -> SYSTEM.ping(r));
    }

    @FunctionName(SYSTEM_PING + Routes.V)
    public HttpResponseMessage pingVersioned(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET, HttpMethod.HEAD},
                            route = Routes.VERSIONED + Routes.PING,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return ping(request, context);
    }

    @FunctionName(SYSTEM_VERSION)
    public HttpResponseMessage version(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            route = Routes.VERSION,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return Http.serve(request, context, r -> SYSTEM.version(r));
    }

    @FunctionName(SYSTEM_VERSION + Routes.V)
    public HttpResponseMessage versionVersioned(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            route = Routes.VERSIONED + Routes.VERSION,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return version(request, context);
    }

    /** {@code POST /auth} ({@code docker login}). */
    @FunctionName(SYSTEM_AUTH)
    public HttpResponseMessage auth(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = Routes.AUTH,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return Http.serve(request, context, r -> AppServices.get().login().auth(r));
    }

    @FunctionName(SYSTEM_AUTH + Routes.V)
    public HttpResponseMessage authVersioned(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = Routes.VERSIONED + Routes.AUTH,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return auth(request, context);
    }

    /** {@code GET /info} ({@code docker info}). */
    @FunctionName(SYSTEM_INFO)
    public HttpResponseMessage info(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            route = Routes.INFO,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return Http.serve(request, context, r -> AppServices.get().info().info(r));
    }

    @FunctionName(SYSTEM_INFO + Routes.V)
    public HttpResponseMessage infoVersioned(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            route = Routes.VERSIONED + Routes.INFO,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return info(request, context);
    }
}
