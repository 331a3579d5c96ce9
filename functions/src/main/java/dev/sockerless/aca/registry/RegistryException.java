package dev.sockerless.aca.registry;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A registry failure kept as data, after go-containerregistry's {@code transport.Error}: the {@link #action} being
 * taken, the {@link #url} it went to, and either the registry's answer ({@link Failure#RESPONSE}: the HTTP
 * {@link #status} and the {@link #diagnostics} of its error body) or why there is no usable answer. The registry
 * package never speaks Docker: {@code images.RegistryFailures} maps this to Docker's texts and statuses, switching
 * on the failure and the diagnostic code, never on a message. For every failure but {@link Failure#RESPONSE} the
 * message is the complete text for the user.
 */
public final class RegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the registry gave no usable answer. */
    public enum Failure {
        /** The registry answered with an unexpected status: see status and diagnostics. */
        RESPONSE,
        /** The registry's token server (the realm) answered with an unexpected status: see status and diagnostics. */
        TOKEN_RESPONSE,
        /** Input handed to the registry vocabulary is malformed: a reference, digest or platform. */
        INVALID_INPUT,
        /** What the registry sent fails verification, is malformed, or exceeds a limit. */
        BAD_CONTENT,
        /** A policy refused the request: the outbound guard, or credentials over plain http to another host. */
        REFUSED,
        /** Nothing matches what was asked for (no manifest for the platform). */
        NO_MATCH,
        /** The registry refused the credentials. */
        UNAUTHORIZED,
        /** The registry denied access to the resource (insufficient scope). */
        DENIED,
        /** No usable answer: unreachable, timed out, interrupted, too many redirects, no token. */
        UNREACHABLE,
        /** A fault of this process (the guarded tunnel could not be opened). */
        INTERNAL
    }

    /**
     * One entry of a registry error body ({@code {"errors":[{"code","message","detail"}]}}, distribution-spec "Error
     * Codes"); {@code detail} is the JSON text of the detail, empty when there is none.
     */
    public record Diagnostic(String code, String message, String detail) {
        public Diagnostic {
            Objects.requireNonNull(code);
            Objects.requireNonNull(message);
            Objects.requireNonNull(detail);
        }
    }

    private final Failure failure;
    private final String action;
    private final @Nullable URI url;
    private final int status;
    private final List<Diagnostic> diagnostics;
    private final String bodyExcerpt;

    private RegistryException(
            Failure failure,
            String action,
            @Nullable URI url,
            int status,
            List<Diagnostic> diagnostics,
            String bodyExcerpt,
            String message,
            @Nullable Throwable cause) {
        super(Objects.requireNonNull(message), cause);
        this.failure = Objects.requireNonNull(failure);
        this.action = Objects.requireNonNull(action);
        this.url = url;
        this.status = status;
        this.diagnostics = List.copyOf(diagnostics);
        this.bodyExcerpt = Objects.requireNonNull(bodyExcerpt);
    }

    /**
     * The registry answered {@code status} to {@code action} at {@code url} with these diagnostics ({@code
     * bodyExcerpt}: the start of a body that is not an error document, for the user's text).
     */
    public static RegistryException response(
            String action, URI url, int status, List<Diagnostic> diagnostics, String bodyExcerpt) {
        return answered(Failure.RESPONSE, action, url, status, diagnostics, bodyExcerpt);
    }

    /** The token server at {@code url} answered {@code status}. */
    public static RegistryException tokenResponse(
            String action, URI url, int status, List<Diagnostic> diagnostics, String bodyExcerpt) {
        return answered(Failure.TOKEN_RESPONSE, action, url, status, diagnostics, bodyExcerpt);
    }

    private static RegistryException answered(
            Failure failure, String action, URI url, int status, List<Diagnostic> diagnostics, String bodyExcerpt) {
        return new RegistryException(
                failure,
                action,
                url,
                status,
                diagnostics,
                bodyExcerpt,
                action + " " + url.getScheme() + "://" + url.getRawAuthority() + url.getRawPath() + ": status " + status
                        + " " + diagnostics,
                null);
    }

    /** A failure other than {@link Failure#RESPONSE}, with its text for the user. */
    public static RegistryException of(
            Failure failure, String action, @Nullable URI url, String message, @Nullable Throwable cause) {
        if (failure == Failure.RESPONSE || failure == Failure.TOKEN_RESPONSE) {
            throw new IllegalArgumentException("a registry response needs its status: use response()");
        }
        return new RegistryException(failure, action, url, 0, List.of(), "", message, cause);
    }

    /** Malformed input to the registry vocabulary (no request involved). */
    public static RegistryException invalidInput(String message) {
        return of(Failure.INVALID_INPUT, "parse", null, message, null);
    }

    /** Content from the registry (or an archive) that fails verification or parsing. */
    public static RegistryException badContent(String action, @Nullable URI url, String message) {
        return of(Failure.BAD_CONTENT, action, url, message, null);
    }

    /** No usable answer from the registry. */
    public static RegistryException unreachable(
            String action, @Nullable URI url, String message, @Nullable Throwable cause) {
        return of(Failure.UNREACHABLE, action, url, message, cause);
    }

    public Failure failure() {
        return failure;
    }

    /** What was being done ({@code fetch manifest}, {@code upload blob sha256:…}, {@code parse}). */
    public String action() {
        return action;
    }

    /** The URL the failing request went to; null when no request was made. */
    public @Nullable URI url() {
        return url;
    }

    /** The HTTP status of a {@link Failure#RESPONSE} or {@link Failure#TOKEN_RESPONSE}; 0 otherwise. */
    public int status() {
        return status;
    }

    /** The registry's diagnostics of a {@link Failure#RESPONSE}, in its order; empty when it sent none. */
    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    /**
     * Whether the registry refused access to what was asked (denied, credentials refused, or the token server said
     * no): a cross-repository mount then falls back to an upload.
     */
    public boolean isAccessRefused() {
        return failure == Failure.DENIED
                || failure == Failure.UNAUTHORIZED
                || (failure == Failure.TOKEN_RESPONSE && status < 500);
    }

    /** The first diagnostic's code, or {@code ""}. */
    public String code() {
        return diagnostics.isEmpty() ? "" : diagnostics.get(0).code();
    }

    /** The start of a {@link Failure#RESPONSE} body that is not an error document (printable text), or empty. */
    public String bodyExcerpt() {
        return bodyExcerpt;
    }
}
