package dev.sockerless.aca.docker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.images.PullProgress;
import dev.sockerless.aca.images.RegistryFailures;
import dev.sockerless.aca.registry.RegistryException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A progress stream in Docker's {@code jsonmessage} format: one JSON object per line, each ending {@code \r\n}.
 * Errors after the first line go in-band with {@code errorDetail}: without it the docker CLI exits 0.
 */
public final class JsonMessages implements PullProgress {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @Override
    public void status(String status, @Nullable String id) {
        ObjectNode line = ApiResponse.MAPPER.createObjectNode().put("status", status);
        if (id != null) {
            line.put("id", id);
        }
        write(line);
    }

    /** A {@code {"stream": text}} line (image load's result lines). */
    public void stream(String text) {
        write(ApiResponse.MAPPER.createObjectNode().put("stream", text));
    }

    /** The in-band error line. */
    public void error(@Nullable String message) {
        ObjectNode line = ApiResponse.MAPPER.createObjectNode();
        line.putObject("errorDetail").put("message", message);
        line.put("error", message);
        write(line);
    }

    public boolean isEmpty() {
        return out.size() == 0;
    }

    private synchronized void write(ObjectNode line) {
        byte[] bytes = line.toString().getBytes(StandardCharsets.UTF_8);
        out.writeBytes(bytes);
        out.writeBytes(new byte[] {'\r', '\n'});
    }

    /** The stream as a 200 response, with the exact Content-Type the CLI expects. */
    public ApiResponse toResponse() {
        return new ApiResponse(200, java.util.Map.of("Content-Type", ApiResponse.JSON), out.toByteArray());
    }

    /**
     * Runs a streaming operation: errors before any line become an HTTP error response, errors after it an
     * in-band error line.
     */
    public static ApiResponse run(java.util.function.Consumer<JsonMessages> operation) {
        JsonMessages messages = new JsonMessages();
        try {
            try {
                operation.accept(messages);
            } catch (RegistryException e) {
                throw RegistryFailures.toDocker(e);
            }
        } catch (DockerApiException e) {
            if (messages.isEmpty()) {
                throw e;
            }
            messages.error(e.getMessage());
        }
        return messages.toResponse();
    }
}
