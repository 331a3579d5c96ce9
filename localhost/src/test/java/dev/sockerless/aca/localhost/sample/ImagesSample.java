package dev.sockerless.aca.localhost.sample;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/** Docker-like image routes: literals, a versioned prefix and catch-alls. */
public final class ImagesSample {

    private static final String VERSION = "{apiVersion:regex(^v[0-9]+[.][0-9]+$)}/";

    public ImagesSample() {}

    @FunctionName("ImageList")
    public HttpResponseMessage list(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            route = "images/json",
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            final ExecutionContext context) {
        return text(request, "list all=" + request.getQueryParameters().get("all"));
    }

    @FunctionName("ImageCreate")
    public HttpResponseMessage create(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = "images/create",
                            authLevel = AuthorizationLevel.FUNCTION,
                            dataType = "binary")
                    HttpRequestMessage<Optional<byte[]>> request,
            final ExecutionContext context) {
        return text(
                request,
                "create fromImage=" + request.getQueryParameters().get("fromImage") + " body="
                        + request.getBody().map(b -> b.length).orElse(-1));
    }

    @FunctionName("ImageCreateV")
    public HttpResponseMessage createV(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = VERSION + "images/create",
                            authLevel = AuthorizationLevel.FUNCTION,
                            dataType = "binary")
                    HttpRequestMessage<Optional<byte[]>> request,
            @BindingName("apiVersion") String apiVersion,
            final ExecutionContext context) {
        return text(
                request,
                "create " + apiVersion + " fromImage="
                        + request.getQueryParameters().get("fromImage"));
    }

    @FunctionName("ImageLoad")
    public HttpResponseMessage load(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = "images/load",
                            authLevel = AuthorizationLevel.FUNCTION,
                            dataType = "binary")
                    HttpRequestMessage<Optional<byte[]>> request,
            final ExecutionContext context)
            throws NoSuchAlgorithmException {
        if (request.getBody().isEmpty()) {
            return text(request, "load empty");
        }
        byte[] body = request.getBody().get();
        String sha =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        return request.createResponseBuilder(HttpStatus.OK)
                .header("Content-Type", "application/json")
                .header("X-Body-Sha256", sha)
                .body(("{\"length\":" + body.length + "}").getBytes())
                .build();
    }

    @FunctionName("ImageGet")
    public HttpResponseMessage get(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            route = "images/{*path}",
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("path") String path,
            final ExecutionContext context) {
        return text(request, "get " + path);
    }

    @FunctionName("ImageGetV")
    public HttpResponseMessage getV(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            route = VERSION + "images/{*path}",
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("apiVersion") String apiVersion,
            @BindingName("path") String path,
            final ExecutionContext context) {
        return text(request, "get " + apiVersion + " " + path);
    }

    @FunctionName("ImagePost")
    public HttpResponseMessage post(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = "images/{*path}",
                            authLevel = AuthorizationLevel.FUNCTION,
                            dataType = "binary")
                    HttpRequestMessage<Optional<byte[]>> request,
            @BindingName("path") String path,
            final ExecutionContext context) {
        return text(
                request,
                "post " + path + " repo=" + request.getQueryParameters().get("repo") + " tag="
                        + request.getQueryParameters().get("tag"));
    }

    private static HttpResponseMessage text(HttpRequestMessage<?> request, String s) {
        return request.createResponseBuilder(HttpStatus.OK)
                .header("Content-Type", "text/plain; charset=utf-8")
                .body(s)
                .build();
    }
}
