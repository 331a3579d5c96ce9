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
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** Response framing, a slow function, an admin-level function and a String echo of the raw body. */
public final class HostSample {

    /** Counted down when {@link #slow} finishes, whatever the caller got. */
    public static volatile CountDownLatch slowFinished = new CountDownLatch(1);

    public HostSample() {}

    @FunctionName("Framing")
    public HttpResponseMessage framing(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET, HttpMethod.HEAD},
                            route = "framing/{mode}",
                            authLevel = AuthorizationLevel.FUNCTION)
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("mode") String mode,
            final ExecutionContext context) {
        HttpResponseMessage.Builder b = request.createResponseBuilder(HttpStatus.OK);
        return switch (mode) {
            case "text" -> b.body("hello").build();
            case "json" ->
                b.header("Content-Type", "application/json; charset=iso-8859-1")
                        .body("{}")
                        .build();
            case "bytes" -> b.body("raw".getBytes(StandardCharsets.UTF_8)).build();
            case "bytes-json" ->
                b.header("Content-Type", "application/json")
                        .body("{}".getBytes(StandardCharsets.UTF_8))
                        .build();
            case "length-ok" -> b.header("Content-Length", "5").body("hello").build();
            case "length-short" -> b.header("Content-Length", "4").body("hello").build();
            case "length-long" -> b.header("Content-Length", "9").body("hello").build();
            case "te" ->
                b.header("Transfer-Encoding", "chunked")
                        .body("not chunk framing")
                        .build();
            case "empty" -> b.build();
            case "server" -> b.header("Server", "mine").body("x").build();
            case "no-content-body" ->
                request.createResponseBuilder(HttpStatus.NO_CONTENT).body("x").build();
            default -> request.createResponseBuilder(HttpStatus.NOT_FOUND).build();
        };
    }

    @FunctionName("Slow")
    public HttpResponseMessage slow(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            route = "slow/{ms}",
                            authLevel = AuthorizationLevel.ANONYMOUS)
                    HttpRequestMessage<Optional<String>> request,
            @BindingName("ms") int ms,
            final ExecutionContext context)
            throws InterruptedException {
        Thread.sleep(ms);
        slowFinished.countDown();
        return request.createResponseBuilder(HttpStatus.OK).body("slept").build();
    }

    @FunctionName("MasterOnly")
    public HttpResponseMessage masterOnly(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET},
                            route = "master-only",
                            authLevel = AuthorizationLevel.ADMIN)
                    HttpRequestMessage<Optional<String>> request,
            final ExecutionContext context) {
        return request.createResponseBuilder(HttpStatus.OK).body("master").build();
    }

    /** The forwarded body: its Java type and, for text, the code points (U+FFFD shows as fffd). */
    @FunctionName("Untyped")
    public HttpResponseMessage untyped(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.POST},
                            route = "untyped",
                            authLevel = AuthorizationLevel.ANONYMOUS)
                    HttpRequestMessage<Optional<Object>> request,
            final ExecutionContext context) {
        String what = request.getBody()
                .map(b -> b instanceof byte[] bytes
                        ? "bytes:" + bytes.length
                        : "string:"
                                + ((String) b)
                                        .codePoints()
                                        .mapToObj(Integer::toHexString)
                                        .reduce((x, y) -> x + " " + y)
                                        .orElse(""))
                .orElse("none");
        return request.createResponseBuilder(HttpStatus.OK).body(what).build();
    }
}
