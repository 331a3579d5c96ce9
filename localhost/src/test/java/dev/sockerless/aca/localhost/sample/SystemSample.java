package dev.sockerless.aca.localhost.sample;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import java.util.Optional;

/** _ping (HEAD and GET), header/body echo, failures, binding names, a custom status. */
public final class SystemSample {

    public SystemSample() {}

    @FunctionName("Ping")
    public HttpResponseMessage ping(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET, HttpMethod.HEAD},
                            route = "_ping",
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            final ExecutionContext context) {
        HttpResponseMessage.Builder b = request.createResponseBuilder(HttpStatus.OK)
                .header("Api-Version", "1.51")
                .header("Ostype", "linux")
                .header("Docker-Experimental", "false")
                .header("Cache-Control", "no-cache, no-store, must-revalidate")
                .header("Content-Type", "text/plain; charset=utf-8");
        if (request.getHttpMethod() == HttpMethod.GET) {
            b.body("OK");
        }
        return b.build();
    }

    @FunctionName("Echo")
    public HttpResponseMessage echo(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST, HttpMethod.PUT},
                            route = "echo",
                            authLevel = AuthorizationLevel.ANONYMOUS)
                    HttpRequestMessage<Optional<String>> request,
            final ExecutionContext context) {
        String body = request.getBody().map(s -> "string:" + s).orElse("empty");
        return request.createResponseBuilder(HttpStatus.OK)
                .header("X-Auth-Lower", String.valueOf(request.getHeaders().get("x-registry-auth")))
                .header("X-Auth-Upper", String.valueOf(request.getHeaders().get("X-REGISTRY-AUTH")))
                .header("X-Twice", String.valueOf(request.getHeaders().get("x-twice")))
                .header("X-Method", request.getHttpMethod().name())
                .header("X-Uri", request.getUri().toString())
                .header("X-Function", context.getFunctionName())
                .header("X-Invocation", context.getInvocationId())
                .header("X-Query", String.valueOf(request.getQueryParameters().get("q")))
                .header(
                        "X-Query-Names",
                        String.valueOf(new java.util.TreeSet<>(
                                request.getQueryParameters().keySet())))
                .body(body)
                .build();
    }

    @FunctionName("Boom")
    public HttpResponseMessage boom(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            route = "boom",
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            final ExecutionContext context) {
        throw new IllegalStateException("kaboom \"quoted\"");
    }

    @FunctionName("Item")
    public HttpResponseMessage item(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            route = "items/{id:regex(^[0-9]+$)}/{name}",
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("id") int id,
            @BindingName("name") String name,
            @BindingName("q") String q,
            final ExecutionContext context) {
        return request.createResponseBuilder(HttpStatus.OK)
                .body("id=" + id + " name=" + name + " q=" + q)
                .build();
    }

    @FunctionName("Teapot")
    public HttpResponseMessage teapot(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.DELETE},
                            route = "teapot/{name}",
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            final ExecutionContext context) {
        return request.createResponseBuilder(HttpStatusType.custom(418))
                .header("Content-Type", "application/json")
                .body("{\"message\":\"short and stout\"}")
                .build();
    }

    @FunctionName("NoContent")
    public HttpResponseMessage noContent(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = "containers/{id}/start",
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            final ExecutionContext context) {
        return request.createResponseBuilder(HttpStatus.NO_CONTENT).build();
    }
}
