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
 * The sockerless-specific routes the frontend uses: a container's job resource, agent endpoint and execution. Every
 * request body type is {@code Optional<String>} (see {@link Http}): the execution body is JSON.
 */
public final class SockerlessApi {

    public static final String SOCKERLESS_CONTAINER_JOB = "SockerlessContainerJob";
    public static final String SOCKERLESS_CONTAINER_AGENT = "SockerlessContainerAgent";
    public static final String SOCKERLESS_CONTAINER_EXECUTION = "SockerlessContainerExecution";

    /** {@code GET /sockerless/v1/containers/{id}/job}: {@code {"name", "resource"}}, the ARM JSON of the job. */
    @FunctionName(SOCKERLESS_CONTAINER_JOB)
    public HttpResponseMessage job(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            route = Routes.SOCKERLESS_CONTAINER + "job",
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id,
            ExecutionContext context) {
        return Http.serve(request, context, r -> AppServices.get().containers().job(r, id));
    }

    /** {@code GET /sockerless/v1/containers/{id}/agent}: {@code {"port", "token"}}. */
    @FunctionName(SOCKERLESS_CONTAINER_AGENT)
    public HttpResponseMessage agent(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            route = Routes.SOCKERLESS_CONTAINER + "agent",
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id,
            ExecutionContext context) {
        return Http.serve(request, context, r -> AppServices.get().containers().agent(r, id));
    }

    /** {@code PUT /sockerless/v1/containers/{id}/execution} with {@code {"executionName", "status"}}. */
    @FunctionName(SOCKERLESS_CONTAINER_EXECUTION)
    public HttpResponseMessage execution(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.PUT},
                            route = Routes.SOCKERLESS_CONTAINER + "execution",
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("id") String id,
            ExecutionContext context) {
        return Http.serve(request, context, r -> AppServices.get().containers().execution(r, id));
    }
}
