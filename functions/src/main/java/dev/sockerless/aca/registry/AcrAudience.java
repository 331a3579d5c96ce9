package dev.sockerless.aca.registry;

import java.net.URI;
import java.util.Locale;

/**
 * The Microsoft Entra audience the app asks tokens for when it acts on ACR with its own identity, on both the pull
 * path (the SDK's content client) and the push path (the OCI client's {@code /oauth2/exchange}); the scope is
 * {@code <audience>/.default}. The ACR audience ({@code https://containerregistry.azure.net} in the public cloud)
 * is accepted by every registry; ARM-audience tokens ({@code https://management.azure.com}) are refused by a
 * registry whose {@code azureADAuthenticationAsArmPolicy} is disabled
 * ({@code az acr config authentication-as-arm update --status disabled}; MicrosoftDocs/azure-management-docs
 * {@code articles/container-registry/container-registry-disable-authentication-as-arm.md}).
 *
 * @param uri {@code https://host}, without a trailing slash or path
 */
public record AcrAudience(String uri) {

    /** The public cloud's ACR audience. */
    public static final AcrAudience PUBLIC_CLOUD = new AcrAudience("https://containerregistry.azure.net");

    public AcrAudience {
        URI parsed;
        try {
            parsed = URI.create(uri);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("not a URL");
        }
        if (!"https".equals(parsed.getScheme())
                || parsed.getHost() == null
                || parsed.getRawQuery() != null
                || parsed.getRawFragment() != null
                || parsed.getRawUserInfo() != null
                || !(parsed.getRawPath() == null || parsed.getRawPath().isEmpty())) {
            throw new IllegalArgumentException(
                    "expected https://<host> without a path, such as " + "https://containerregistry.azure.net");
        }
        uri = uri.toLowerCase(Locale.ROOT);
    }

    /** Parses a setting's value, accepting one trailing slash. */
    public static AcrAudience parse(String raw) {
        String value = raw == null ? "" : raw.trim();
        return new AcrAudience(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
    }

    /** The scope asked of the credential: {@code <audience>/.default}. */
    public String scope() {
        return uri + "/.default";
    }

    @Override
    public String toString() {
        return uri;
    }
}
