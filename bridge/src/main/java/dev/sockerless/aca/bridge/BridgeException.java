package dev.sockerless.aca.bridge;

import org.jspecify.annotations.Nullable;

/** A failure answered to the docker CLI as Docker's {@code {"message"}} error with {@code status}. */
public final class BridgeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public BridgeException(int status, String message) {
        super(message);
        this.status = status;
    }

    public BridgeException(int status, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
