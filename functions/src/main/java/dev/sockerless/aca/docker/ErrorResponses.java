package dev.sockerless.aca.docker;

import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.errors.DockerApiException.Kind;
import dev.sockerless.aca.images.RegistryFailures;
import dev.sockerless.aca.registry.RegistryException;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The one place where error kinds become HTTP statuses and Docker's {@code {"message": ...}} bodies. */
public final class ErrorResponses {

    private ErrorResponses() {}

    /** HTTP status of a kind (moby {@code httpstatus.FromError}). */
    public static int statusOf(Kind kind) {
        return switch (kind) {
            case INVALID_PARAMETER -> 400;
            case UNAUTHORIZED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case TOO_MANY_REQUESTS -> 429;
            case NOT_IMPLEMENTED -> 501;
            case UNAVAILABLE -> 503;
            case SYSTEM -> 500;
        };
    }

    public static ApiResponse of(DockerApiException e) {
        return ApiResponse.json(statusOf(e.kind()), Map.of("message", e.getMessage()));
    }

    /**
     * Runs a handler, turning its errors into responses: {@link DockerApiException}s with their kind's status (a
     * {@link RegistryException} as {@link RegistryFailures} maps it), any
     * other exception as a 500 whose details go to the log (with the invocation id), not to the client.
     */
    public static ApiResponse handle(Supplier<ApiResponse> handler, Logger log, String invocationId) {
        try {
            try {
                return handler.get();
            } catch (RegistryException e) {
                throw RegistryFailures.toDocker(e);
            }
        } catch (DockerApiException e) {
            if (e.kind() == Kind.SYSTEM || e.kind() == Kind.UNAVAILABLE) {
                log.log(Level.WARNING, "[" + invocationId + "] " + e.getMessage(), e.getCause());
            }
            return of(e);
        } catch (RuntimeException e) {
            log.log(Level.SEVERE, "[" + invocationId + "] unexpected failure", e);
            return of(DockerApiException.system("internal error (invocation " + invocationId + ")", e));
        }
    }
}
