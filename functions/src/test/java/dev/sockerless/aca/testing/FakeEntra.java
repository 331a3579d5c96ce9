package dev.sockerless.aca.testing;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.publisher.Mono;

/**
 * A stand-in for Microsoft Entra ID behind a {@link TokenCredential}: it records the scopes each token is asked for
 * and issues unsigned JWTs whose {@code aud} is the scope's resource ({@code https://containerregistry.azure.net}
 * for {@code https://containerregistry.azure.net/.default}), as Entra does. The ACR stand-ins check that audience
 * with {@link #acrAccepts} the way a registry with ARM-audience authentication disabled does.
 */
public final class FakeEntra implements TokenCredential {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String subject;
    private final List<List<String>> requests = new CopyOnWriteArrayList<>();

    /** @param subject the identity the tokens are for (their {@code sub}) */
    public FakeEntra(String subject) {
        this.subject = subject;
    }

    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
        requests.add(List.copyOf(request.getScopes()));
        String scope = request.getScopes().isEmpty() ? "" : request.getScopes().get(0);
        String audience =
                scope.endsWith("/.default") ? scope.substring(0, scope.length() - "/.default".length()) : scope;
        return Mono.just(new AccessToken(
                jwt(subject, audience, 3600), OffsetDateTime.now().plusHours(1)));
    }

    /** The scopes of every token asked for, in order. */
    public List<List<String>> requestedScopes() {
        return List.copyOf(requests);
    }

    /** An unsigned JWT for {@code subject} ({@code audience} omitted when null) expiring in {@code seconds}. */
    public static String jwt(String subject, String audience, long seconds) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String payload = "{\"sub\":\"" + subject + "\"" + (audience == null ? "" : ",\"aud\":\"" + audience + "\"")
                + ",\"exp\":" + (System.currentTimeMillis() / 1000 + seconds) + "}";
        return b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".sig";
    }

    /**
     * What ACR's {@code /oauth2/exchange} accepts with ARM-audience authentication disabled: an Entra token for
     * {@code subject} whose {@code aud} is exactly the ACR audience {@code acrAudience}; an ARM-audience token
     * ({@code https://management.azure.com}) is refused.
     */
    public static boolean acrAccepts(String token, String subject, String acrAudience) {
        String[] parts = token == null ? new String[0] : token.split("\\.");
        if (parts.length != 3) {
            return false;
        }
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            return subject.equals(claims.path("sub").asText())
                    && acrAudience.equals(claims.path("aud").asText());
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }
}
