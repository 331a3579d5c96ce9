package dev.sockerless.aca.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Credentials for one registry request, from {@code X-Registry-Auth} or {@code /auth}. They are held only for the
 * request, never stored or logged: {@code toString} reveals no secret.
 */
public sealed interface RegistryCredentials
        permits RegistryCredentials.Anonymous,
                RegistryCredentials.Basic,
                RegistryCredentials.IdentityToken,
                RegistryCredentials.Entra {

    /** No credentials. */
    @SuppressWarnings("ClassInitializationDeadlock") // Anonymous has no static state; only tests create another one
    RegistryCredentials ANONYMOUS = new Anonymous();

    /** A stable, non-reversible identity for token caching: tokens minted for one identity serve no other. */
    String cacheIdentity();

    /** The user name, or empty. */
    default String username() {
        return "";
    }

    default boolean isAnonymous() {
        return this instanceof Anonymous;
    }

    /** No credentials. */
    record Anonymous() implements RegistryCredentials {
        @Override
        public String cacheIdentity() {
            return "";
        }
    }

    /** User name and password, sent as HTTP Basic to the token endpoint or a Basic-auth registry. */
    record Basic(String username, String password) implements RegistryCredentials {
        @Override
        public String cacheIdentity() {
            return "basic:" + fingerprint(username + "\0" + password);
        }

        /** The {@code Authorization} header value. */
        public String header() {
            return "Basic "
                    + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "Basic[username=" + username + ", password=<redacted>]";
        }
    }

    /** An OAuth2 refresh token ({@code identitytoken}), exchanged at the realm with {@code grant_type=refresh_token}. */
    record IdentityToken(String username, String token) implements RegistryCredentials {
        @Override
        public String cacheIdentity() {
            return "identity:" + fingerprint(token);
        }

        @Override
        public String toString() {
            return "IdentityToken[username=" + username + ", token=<redacted>]";
        }
    }

    /**
     * The app's Entra ID identity (managed identity on Azure), for ACR: an Entra token for the ACR audience
     * ({@code https://containerregistry.azure.net/.default} in the public cloud, see {@link AcrAudience}) is
     * exchanged at the registry's {@code /oauth2/exchange} for a refresh token, which buys access tokens at the
     * realm (Azure/acr {@code docs/AAD-OAuth.md}).
     */
    record Entra(com.azure.core.credential.TokenCredential credential, AcrAudience audience)
            implements RegistryCredentials {

        @Override
        public String cacheIdentity() {
            return "entra";
        }

        @Override
        public String toString() {
            return "Entra[app identity]";
        }
    }

    private static String fingerprint(String secret) {
        return HexFormat.of().formatHex(Digest.sha256().digest(secret.getBytes(StandardCharsets.UTF_8)), 0, 16);
    }
}
