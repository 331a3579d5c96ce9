package dev.sockerless.aca.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.errors.DockerApiException.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Registry error bodies ({@code {"errors":[{"code","message","detail"}]}}, distribution-spec "Error Codes") and
 * their mapping to error kinds (as moby {@code distribution/errors.go} does). Bodies are read with a cap by the transport.
 */
public final class RegistryErrors {

    /** One entry of a registry error body. */
    public record Diagnostic(String code, String message) {
        @Override
        public String toString() {
            String c = code.toLowerCase(Locale.ROOT).replace('_', ' ');
            return message.isEmpty() ? c : c + ": " + message;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private RegistryErrors() {}

    /** The diagnostics of an error body; empty when the body is not a registry error document. */
    public static List<Diagnostic> parse(byte[] body) {
        List<Diagnostic> out = new ArrayList<>();
        if (body == null || body.length == 0) {
            return out;
        }
        try {
            JsonNode errors = JSON.readTree(body).path("errors");
            for (JsonNode e : errors) {
                out.add(new Diagnostic(
                        e.path("code").asText("UNKNOWN"), e.path("message").asText("")));
            }
        } catch (Exception e) {
            // Not JSON: fall back on the status.
        }
        return out;
    }

    /** The kind for a registry response, from its first error code, else its status (moby FromStatusCode). */
    public static Kind kindOf(int status, List<Diagnostic> diagnostics) {
        String code = diagnostics.isEmpty() ? "" : diagnostics.get(0).code();
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

    /** Docker's text for a registry failure: {@code code: message} of each diagnostic, else the status. */
    public static String describe(int status, List<Diagnostic> diagnostics, byte[] body) {
        if (!diagnostics.isEmpty()) {
            return String.join(
                    "; ", diagnostics.stream().map(Diagnostic::toString).toList());
        }
        String text =
                body == null ? "" : new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip();
        return "unexpected status " + status + (text.isEmpty() || !isPrintable(text) ? "" : ": " + text);
    }

    private static boolean isPrintable(String s) {
        return s.chars().allMatch(c -> (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t');
    }

    /** An error for a registry response. */
    public static DockerApiException toException(int status, byte[] body) {
        List<Diagnostic> diagnostics = parse(body);
        return new DockerApiException(kindOf(status, diagnostics), describe(status, diagnostics, body));
    }
}
