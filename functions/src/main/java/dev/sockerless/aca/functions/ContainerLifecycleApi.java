package dev.sockerless.aca.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import java.util.Optional;

/**
 * Running containers as ACA job executions: list, prune, start, stop, kill, restart, wait. None of these routes reads
 * a body. Literal routes ({@code containers/json}, {@code containers/prune}) have two segments and the
 * {@code containers/{id}/<verb>} ones three, so no function can take another's path whatever the order.
 */
public final class ContainerLifecycleApi {
    public static final String CONTAINER_LIST = "ContainerList";
    public static final String CONTAINER_PRUNE = "ContainerPrune";
    public static final String CONTAINER_START = "ContainerStart";
    public static final String CONTAINER_STOP = "ContainerStop";
    public static final String CONTAINER_KILL = "ContainerKill";
    public static final String CONTAINER_RESTART = "ContainerRestart";
    public static final String CONTAINER_WAIT = "ContainerWait";

    /** {@code GET /containers/json}: Docker's summaries, states from ARM (cached). */
    @FunctionName(CONTAINER_LIST)
    public HttpResponseMessage list(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            route = Routes.CONTAINERS_LIST,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return Http.serve(request, context, r -> {
            AppServices app = AppServices.get();
            return app.running().list(r);
        });
    }

    @FunctionName(CONTAINER_LIST + Routes.V)
    public HttpResponseMessage listVersioned(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            route = Routes.VERSIONED + Routes.CONTAINERS_LIST,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return list(request, context);
    }

    /** {@code POST /containers/prune}: stopped containers and their jobs. */
    @FunctionName(CONTAINER_PRUNE)
    public HttpResponseMessage prune(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = Routes.CONTAINERS_PRUNE,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return Http.serve(request, context, r -> {
            AppServices app = AppServices.get();
            return app.running().prune(r);
        });
    }

    @FunctionName(CONTAINER_PRUNE + Routes.V)
    public HttpResponseMessage pruneVersioned(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = Routes.VERSIONED + Routes.CONTAINERS_PRUNE,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        return prune(request, context);
    }

    /** {@code POST /containers/{id}/start}: the job created or updated in ARM, a new execution. */
    @FunctionName(CONTAINER_START)
    public HttpResponseMessage start(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = Routes.CONTAINER_START,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id,
            ExecutionContext context) {
        return Http.serve(request, context, r -> {
            AppServices app = AppServices.get();
            return app.running().start(r, id);
        });
    }

    @FunctionName(CONTAINER_START + Routes.V)
    public HttpResponseMessage startVersioned(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = Routes.VERSIONED + Routes.CONTAINER_START,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id,
            ExecutionContext context) {
        return start(request, id, context);
    }

    /** {@code POST /containers/{id}/stop}. */
    @FunctionName(CONTAINER_STOP)
    public HttpResponseMessage stop(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = Routes.CONTAINER_STOP,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id,
            ExecutionContext context) {
        return Http.serve(request, context, r -> {
            AppServices app = AppServices.get();
            return app.running().stop(r, id);
        });
    }

    @FunctionName(CONTAINER_STOP + Routes.V)
    public HttpResponseMessage stopVersioned(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = Routes.VERSIONED + Routes.CONTAINER_STOP,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id,
            ExecutionContext context) {
        return stop(request, id, context);
    }

    /** {@code POST /containers/{id}/kill}. */
    @FunctionName(CONTAINER_KILL)
    public HttpResponseMessage kill(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = Routes.CONTAINER_KILL,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id,
            ExecutionContext context) {
        return Http.serve(request, context, r -> {
            AppServices app = AppServices.get();
            return app.running().kill(r, id);
        });
    }

    @FunctionName(CONTAINER_KILL + Routes.V)
    public HttpResponseMessage killVersioned(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = Routes.VERSIONED + Routes.CONTAINER_KILL,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id,
            ExecutionContext context) {
        return kill(request, id, context);
    }

    /** {@code POST /containers/{id}/restart}. */
    @FunctionName(CONTAINER_RESTART)
    public HttpResponseMessage restart(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = Routes.CONTAINER_RESTART,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id,
            ExecutionContext context) {
        return Http.serve(request, context, r -> {
            AppServices app = AppServices.get();
            return app.running().restart(r, id);
        });
    }

    @FunctionName(CONTAINER_RESTART + Routes.V)
    public HttpResponseMessage restartVersioned(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = Routes.VERSIONED + Routes.CONTAINER_RESTART,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id,
            ExecutionContext context) {
        return restart(request, id, context);
    }

    /** {@code POST /containers/{id}/wait}: a bounded long-poll (503 + Sockerless-Wait-Pending when the budget ends first). */
    @FunctionName(CONTAINER_WAIT)
    public HttpResponseMessage await(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = Routes.CONTAINER_WAIT,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id,
            ExecutionContext context) {
        return Http.serve(request, context, r -> {
            AppServices app = AppServices.get();
            return app.running().await(r, id);
        });
    }

    @FunctionName(CONTAINER_WAIT + Routes.V)
    public HttpResponseMessage awaitVersioned(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = Routes.VERSIONED + Routes.CONTAINER_WAIT,
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id,
            ExecutionContext context) {
        return await(request, id, context);
    }
}
