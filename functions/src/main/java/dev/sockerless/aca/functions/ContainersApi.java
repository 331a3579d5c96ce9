package dev.sockerless.aca.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import com.microsoft.durabletask.azurefunctions.DurableClientContext;
import com.microsoft.durabletask.azurefunctions.DurableClientInput;
import java.util.Optional;

/**
 * Container routes: create, inspect, remove. Container ids and names contain no '/', so plain parameters suffice.
 * Every request body type is {@code Optional<String>} (see {@link Http}): the create body is JSON.
 */
public final class ContainersApi {

    public static final String CONTAINER_CREATE = "ContainerCreate";
    public static final String CONTAINER_INSPECT = "ContainerInspect";
    public static final String CONTAINER_DELETE = "ContainerDelete";
    public static final String CONTAINER_LOGS = "ContainerLogs";

    /**
     * {@code GET /containers/{id}/logs}: one whole body (Java functions cannot stream); {@code follow=1} is a
     * long-poll batch fed by the follow orchestration, which the Durable client starts when needed. The local host
     * passes a null Durable client context: it runs the orchestration in process.
     */
    @FunctionName(CONTAINER_LOGS)
    public HttpResponseMessage logs(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            route = Routes.CONTAINER_LOGS,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id,
            @DurableClientInput(name = "durableContext") DurableClientContext durable,
            ExecutionContext context) {
        return Http.serve(request, context, r -> {
            AppServices app = AppServices.get();
            return app.containerLogs()
                    .logs(
                            r,
                            id,
                            () -> app.followStarter(durable == null ? null : durable::getClient)
                                    .ensureRunning());
        });
    }

    @FunctionName(CONTAINER_LOGS + Routes.V)
    public HttpResponseMessage logsVersioned(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            route = Routes.VERSIONED + Routes.CONTAINER_LOGS,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id,
            @DurableClientInput(name = "durableContext") DurableClientContext durable,
            ExecutionContext context) {
        return logs(request, id, durable, context);
    }

    @FunctionName(CONTAINER_CREATE)
    public HttpResponseMessage create(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = Routes.CONTAINERS_CREATE,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return Http.serve(request, context, r -> AppServices.get().containers().create(r));
    }

    @FunctionName(CONTAINER_CREATE + Routes.V)
    public HttpResponseMessage createVersioned(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = Routes.VERSIONED + Routes.CONTAINERS_CREATE,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return create(request, context);
    }

    @FunctionName(CONTAINER_INSPECT)
    public HttpResponseMessage inspect(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            route = Routes.CONTAINER_JSON,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id,
            ExecutionContext context) {
        return Http.serve(request, context, r -> AppServices.get().containers().inspect(r, id));
    }

    @FunctionName(CONTAINER_INSPECT + Routes.V)
    public HttpResponseMessage inspectVersioned(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            route = Routes.VERSIONED + Routes.CONTAINER_JSON,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id,
            ExecutionContext context) {
        return inspect(request, id, context);
    }

    @FunctionName(CONTAINER_DELETE)
    public HttpResponseMessage delete(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.DELETE},
                            route = Routes.CONTAINER,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id,
            ExecutionContext context) {
        return Http.serve(request, context, r -> AppServices.get().containers().remove(r, id));
    }

    @FunctionName(CONTAINER_DELETE + Routes.V)
    public HttpResponseMessage deleteVersioned(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.DELETE},
                            route = Routes.VERSIONED + Routes.CONTAINER,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id,
            ExecutionContext context) {
        return delete(request, id, context);
    }
}
