package dev.sockerless.aca.bench.statics;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The benchmark's baseline function: answers any GET or POST with the bytes of the file named by the system
 * property {@code bench.static.file}, read on each call, so a request costs what the local host's Functions-style
 * plumbing (routing, request and response conversion) costs plus one small file read, and nothing of the app.
 */
public final class StaticFiles {

    @FunctionName("StaticFile")
    public HttpResponseMessage serve(
            @HttpTrigger(
                            name = "req",
                            methods = {HttpMethod.GET, HttpMethod.POST},
                            route = "{*path}",
                            authLevel = AuthorizationLevel.ANONYMOUS)
                    HttpRequestMessage<Optional<String>> request,
            ExecutionContext context) {
        try {
            byte[] body = Files.readAllBytes(Path.of(System.getProperty("bench.static.file")));
            return request.createResponseBuilder(HttpStatus.OK)
                    .header("Content-Type", "application/json")
                    .body(body)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
