package dev.sockerless.aca.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.registry.RegistryCredentials;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * Decodes Docker's {@code X-Registry-Auth} header: base64 JSON {@code {"username","password","serveraddress",
 * "identitytoken","auth"}}. The docker CLI sends padded base64url; other clients use the standard alphabet or no
 * padding, so all four spellings are accepted. The decoded values are used for one request and never kept.
 */
public final class RegistryAuthHeader {

    private RegistryAuthHeader() {}

    /** Credentials from the header; an absent, empty or {@code {}} header means anonymous. */
    public static RegistryCredentials decode(@Nullable String header) {
        if (header == null || header.isBlank()) {
            return RegistryCredentials.ANONYMOUS;
        }
        byte[] json = decodeBase64(header.trim());
        JsonNode node;
        try {
            node = ApiResponse.MAPPER.readTree(json);
        } catch (Exception e) {
            throw DockerApiException.invalid("invalid X-Registry-Auth header: not base64-encoded JSON");
        }
        if (node == null || !node.isObject()) {
            throw DockerApiException.invalid("invalid X-Registry-Auth header: not a JSON object");
        }
        return fromAuthConfig(node);
    }

    /** Credentials from an auth config object (the {@code X-Registry-Auth} JSON or the {@code /auth} body). */
    public static RegistryCredentials fromAuthConfig(JsonNode node) {
        String username = node.path("username").asText("");
        String password = node.path("password").asText("");
        String identityToken = node.path("identitytoken").asText("");
        String auth = node.path("auth").asText("");
        if (!identityToken.isEmpty()) {
            return new RegistryCredentials.IdentityToken(username, identityToken);
        }
        if (username.isEmpty() && password.isEmpty() && !auth.isEmpty()) {
            String decoded = new String(decodeBase64(auth), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon > 0) {
                username = decoded.substring(0, colon);
                password = decoded.substring(colon + 1);
            }
        }
        if (username.isEmpty() && password.isEmpty()) {
            return RegistryCredentials.ANONYMOUS;
        }
        return new RegistryCredentials.Basic(username, password);
    }

    static byte[] decodeBase64(String text) {
        String s = text.replace('-', '+').replace('_', '/');
        int pad = s.indexOf('=');
        if (pad >= 0) {
            s = s.substring(0, pad);
        }
        try {
            return Base64.getDecoder().decode(s); // the JDK decoder does not require padding
        } catch (IllegalArgumentException e) {
            throw DockerApiException.invalid("invalid X-Registry-Auth header: not base64");
        }
    }
}
