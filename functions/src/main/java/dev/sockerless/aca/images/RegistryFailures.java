package dev.sockerless.aca.images;

import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.errors.DockerApiException.Kind;
import dev.sockerless.aca.registry.ImageReference;
import dev.sockerless.aca.registry.RegistryException;
import dev.sockerless.aca.registry.RegistryException.Diagnostic;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The one place where registry failures ({@link RegistryException}, kept as data) become Docker's errors: the kind
 * from the failure and the registry's first error code (distribution-spec "Error Codes", mapped as moby
 * {@code distribution/errors.go} does), else its status (moby {@code FromStatusCode}); the text as dockerd prints it ({@code code: message} of each diagnostic).
 * Pulls and pushes add their context ({@link #pullError}, {@link #pushError}).
 */
public final class RegistryFailures {

    private RegistryFailures() {}

    /** Docker's error for a registry failure, without context. */
    public static DockerApiException toDocker(RegistryException e) {
        return new DockerApiException(kindOf(e), textOf(e), e);
    }

    /** The kind of a registry failure. */
    static Kind kindOf(RegistryException e) {
        return switch (e.failure()) {
            case RESPONSE -> kindOf(e.status(), e.code());
            case TOKEN_RESPONSE -> e.status() >= 500 ? Kind.UNAVAILABLE : Kind.UNAUTHORIZED;
            case INVALID_INPUT, BAD_CONTENT, REFUSED -> Kind.INVALID_PARAMETER;
            case NO_MATCH -> Kind.NOT_FOUND;
            case UNAUTHORIZED -> Kind.UNAUTHORIZED;
            case DENIED -> Kind.FORBIDDEN;
            case UNREACHABLE -> Kind.UNAVAILABLE;
            case INTERNAL -> Kind.SYSTEM;
        };
    }

    /** The kind for a registry answer, from its first error code, else its status. */
    static Kind kindOf(int status, String code) {
        return switch (code) {
            case "MANIFEST_UNKNOWN", "BLOB_UNKNOWN", "NAME_UNKNOWN" -> Kind.NOT_FOUND;
            case "NAME_INVALID",
                    "TAG_INVALID",
                    "DIGEST_INVALID",
                    "MANIFEST_INVALID",
                    "SIZE_INVALID",
                    "BLOB_UPLOAD_INVALID",
                    "BLOB_UPLOAD_UNKNOWN",
                    "MANIFEST_BLOB_UNKNOWN",
                    "MANIFEST_UNVERIFIED" -> Kind.INVALID_PARAMETER;
            case "UNAUTHORIZED" -> Kind.UNAUTHORIZED;
            case "DENIED" -> Kind.FORBIDDEN;
            case "TOOMANYREQUESTS" -> Kind.TOO_MANY_REQUESTS;
            case "UNSUPPORTED", "UNAVAILABLE" -> Kind.UNAVAILABLE;
            default ->
                switch (status) {
                    case 401 -> Kind.UNAUTHORIZED;
                    case 403 -> Kind.FORBIDDEN;
                    case 404 -> Kind.NOT_FOUND;
                    case 429 -> Kind.TOO_MANY_REQUESTS;
                    case 502, 503, 504 -> Kind.UNAVAILABLE;
                    default -> status >= 500 ? Kind.SYSTEM : Kind.INVALID_PARAMETER;
                };
        };
    }

    private static String textOf(RegistryException e) {
        return switch (e.failure()) {
            case RESPONSE -> reason(e);
            case TOKEN_RESPONSE -> "token server " + authority(e.url()) + ": " + reason(e);
            default -> Objects.toString(e.getMessage(), "");
        };
    }

    private static String authority(@Nullable URI url) {
        return url == null ? "" : url.getAuthority();
    }

    /** The registry's reason: {@code code: message} of each diagnostic, else the status and the body's start. */
    static String reason(RegistryException e) {
        List<Diagnostic> diagnostics = e.diagnostics();
        if (!diagnostics.isEmpty()) {
            return String.join(
                    "; ", diagnostics.stream().map(RegistryFailures::text).toList());
        }
        return "unexpected status " + e.status() + (e.bodyExcerpt().isEmpty() ? "" : ": " + e.bodyExcerpt());
    }

    private static String text(Diagnostic d) {
        String code = d.code().toLowerCase(Locale.ROOT).replace('_', ' ');
        return d.message().isEmpty() ? code : code + ": " + d.message();
    }

    /** Docker's texts for failures to resolve a reference (moby {@code distribution/errors.go}). */
    static DockerApiException pullError(RegistryException e, ImageReference ref) {
        DockerApiException docker = toDocker(e);
        return switch (docker.kind()) {
            case UNAUTHORIZED, FORBIDDEN ->
                DockerApiException.notFound("pull access denied for " + ref.familiarName()
                        + ", repository does not exist or may require 'docker login': " + docker.getMessage());
            case NOT_FOUND ->
                "NAME_UNKNOWN".equals(e.code())
                        ? DockerApiException.notFound(
                                "repository " + ref.familiarName() + " not found: " + docker.getMessage())
                        : DockerApiException.notFound(
                                "manifest for " + ref.familiar() + " not found: " + docker.getMessage());
            case TOO_MANY_REQUESTS ->
                new DockerApiException(
                        Kind.TOO_MANY_REQUESTS,
                        "TOOMANYREQUESTS".equals(e.code())
                                ? docker.getMessage()
                                : "toomanyrequests: " + docker.getMessage(),
                        e);
            default -> docker;
        };
    }

    /** Docker's text for a failed push: what was being pushed where, then the registry's reason. */
    static DockerApiException pushError(RegistryException e) {
        return e.failure() == RegistryException.Failure.RESPONSE
                ? new DockerApiException(kindOf(e), e.action() + ": " + reason(e), e)
                : toDocker(e);
    }
}
