package dev.sockerless.aca.errors;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The one error type of the application: an unchecked exception carrying a {@link Kind} and a message in
 * Docker's wording. The core only states the kind; the HTTP edge picks the status (see
 * {@code dev.sockerless.aca.docker.ErrorResponses}), as moby's {@code errdefs} does.
 */
public final class DockerApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The closed set of error classes, after moby {@code errdefs}. */
    public enum Kind {
        INVALID_PARAMETER,
        UNAUTHORIZED,
        FORBIDDEN,
        NOT_FOUND,
        CONFLICT,
        TOO_MANY_REQUESTS,
        NOT_IMPLEMENTED,
        UNAVAILABLE,
        SYSTEM
    }

    private final Kind kind;

    public DockerApiException(Kind kind, String message) {
        this(kind, message, null);
    }

    public DockerApiException(Kind kind, String message, @Nullable Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** Never null: every constructor requires the message. */
    @Override
    public String getMessage() {
        return Objects.requireNonNull(super.getMessage());
    }

    public Kind kind() {
        return kind;
    }

    public static DockerApiException invalid(String message) {
        return new DockerApiException(Kind.INVALID_PARAMETER, message);
    }

    public static DockerApiException notFound(String message) {
        return new DockerApiException(Kind.NOT_FOUND, message);
    }

    public static DockerApiException conflict(String message) {
        return new DockerApiException(Kind.CONFLICT, message);
    }

    public static DockerApiException unauthorized(String message) {
        return new DockerApiException(Kind.UNAUTHORIZED, message);
    }

    public static DockerApiException forbidden(String message) {
        return new DockerApiException(Kind.FORBIDDEN, message);
    }

    public static DockerApiException unavailable(String message, @Nullable Throwable cause) {
        return new DockerApiException(Kind.UNAVAILABLE, message, cause);
    }

    public static DockerApiException system(String message, @Nullable Throwable cause) {
        return new DockerApiException(Kind.SYSTEM, message, cause);
    }
}
