package dev.sockerless.aca.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.registry.RegistryException.Diagnostic;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Registry error bodies ({@code {"errors":[{"code","message","detail"}]}}, distribution-spec "Error Codes") read into
 * a {@link RegistryException}. Bodies are read with a cap by the transport. What the codes mean to a Docker client is
 * decided on the images side ({@code images.RegistryFailures}).
 */
public final class RegistryErrors {

    /** How much of a body that is not an error document is kept for the user's text. */
    static final int EXCERPT_CHARS = 200;

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
                JsonNode detail = e.path("detail");
                out.add(new Diagnostic(
                        e.path("code").asText("UNKNOWN"),
                        e.path("message").asText(""),
                        detail.isMissingNode() || detail.isNull() ? "" : detail.toString()));
            }
        } catch (Exception e) {
            // Not JSON: fall back on the status.
        }
        return out;
    }

    /** The start of a body that is not an error document, when it is printable text; else empty. */
    static String excerpt(byte[] body) {
        String text = body == null
                ? ""
                : new String(body, 0, Math.min(body.length, EXCERPT_CHARS), StandardCharsets.UTF_8).strip();
        return isPrintable(text) ? text : "";
    }

    private static boolean isPrintable(String s) {
        return s.chars().allMatch(c -> (c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t');
    }

    /** The registry answered {@code action} at {@code url} with {@code status} and {@code body}. */
    public static RegistryException response(String action, URI url, int status, byte[] body) {
        return RegistryException.response(action, url, status, parse(body), excerpt(body));
    }

    /** The registry answered {@code action} with the unexpected response {@code r}. */
    static RegistryException response(String action, RegistryTransport.Response r) {
        return response(action, r.uri(), r.status(), r.body());
    }

    /** The token server at {@code realm} answered {@code action} with the unexpected response {@code r}. */
    static RegistryException tokenResponse(String action, URI realm, RegistryTransport.Response r) {
        return RegistryException.tokenResponse(action, realm, r.status(), parse(r.body()), excerpt(r.body()));
    }
}
