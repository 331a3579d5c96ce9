package dev.sockerless.aca.registry;

import com.azure.core.credential.TokenRequestContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The token side of the Bearer flow for one registry and one set of credentials (distribution/distribution
 * {@code docs/content/spec/auth/token.md}, {@code oauth.md}): a GET at the realm (anonymous, or Basic with
 * {@code account}), an OAuth2 refresh-token POST (identity tokens), or ACR's exchange of the app's Entra token for a
 * refresh token first. Credentials never go to a plain-http realm on another host.
 */
final class TokenServer {

    static final int MAX_TOKEN_BODY_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RegistryTransport transport;
    private final URI base;
    private final boolean trusted;
    private final RegistryCredentials credentials;
    private final TokenCache tokens;

    TokenServer(
            RegistryTransport transport,
            URI base,
            boolean trusted,
            RegistryCredentials credentials,
            TokenCache tokens) {
        this.transport = transport;
        this.base = base;
        this.trusted = trusted;
        this.credentials = credentials;
        this.tokens = tokens;
    }

    /** A token for {@code scope} from the challenge's realm, remembered in the token cache under {@code key}. */
    String fetch(AuthChallenge challenge, String scope, TokenCache.Key key) {
        URI realm = BearerRealm.validate(base, challenge.realm());
        if (!(credentials instanceof RegistryCredentials.Anonymous)
                && "http".equals(realm.getScheme())
                && !realm.getHost().equalsIgnoreCase(base.getHost())) {
            // plain http shows the credentials to every network hop: only the registry's own host may ask for them so
            throw RegistryException.of(
                    RegistryException.Failure.REFUSED,
                    "fetch token",
                    realm,
                    "refusing to send credentials to the plain-http token realm " + realm.getAuthority()
                            + ", which is not on the registry's host " + base.getHost(),
                    null);
        }
        RegistryTransport.Response r;
        if (credentials instanceof RegistryCredentials.IdentityToken identity) {
            r = postRefreshToken(realm, challenge, scope, identity.token());
        } else if (credentials instanceof RegistryCredentials.Entra entra) {
            r = postRefreshToken(realm, challenge, scope, exchangeEntraToken(realm, challenge, entra));
        } else {
            StringBuilder query = new StringBuilder();
            if (!challenge.service().isEmpty()) {
                query.append("service=").append(enc(challenge.service()));
            }
            for (String part : scope.split(" ", -1)) {
                if (!part.isEmpty()) {
                    query.append(query.length() > 0 ? "&" : "").append("scope=").append(enc(part));
                }
            }
            Map<String, String> headers = new LinkedHashMap<>();
            if (credentials instanceof RegistryCredentials.Basic basic) {
                query.append("&account=").append(enc(basic.username()));
                headers.put("Authorization", basic.header());
            }
            String sep = realm.getRawQuery() == null ? "?" : "&";
            r = transport.send(
                    new RegistryTransport.Request("GET", URI.create(realm + sep + query), headers, null),
                    MAX_TOKEN_BODY_BYTES,
                    "fetch token",
                    trusted);
        }
        if (r.status() == 401 || r.status() == 403) {
            throw RegistryException.of(
                    RegistryException.Failure.UNAUTHORIZED,
                    "fetch token",
                    realm,
                    "unauthorized: incorrect username or password",
                    null);
        }
        if (r.status() != 200) {
            throw RegistryErrors.tokenResponse("fetch token", realm, r);
        }
        try {
            JsonNode json = JSON.readTree(r.body());
            String token = json.path("token").asText("");
            if (token.isEmpty()) {
                token = json.path("access_token").asText("");
            }
            if (token.isEmpty()) {
                throw RegistryException.unreachable(
                        "fetch token", realm, "token server " + realm.getAuthority() + " returned no token", null);
            }
            tokens.put(key, token, json.path("expires_in").asLong(0));
            return token;
        } catch (IOException e) {
            throw RegistryException.unreachable(
                    "fetch token", realm, "token server " + realm.getAuthority() + " returned malformed JSON", e);
        }
    }

    /** OAuth2 {@code grant_type=refresh_token} at the realm, scopes as repeated parameters. */
    private RegistryTransport.Response postRefreshToken(
            URI realm, AuthChallenge challenge, String scope, String refresh) {
        StringBuilder form = new StringBuilder("grant_type=refresh_token&refresh_token=")
                .append(enc(refresh))
                .append("&service=")
                .append(enc(challenge.service()))
                .append("&client_id=sockerless");
        for (String part : scope.split(" ", -1)) {
            if (!part.isEmpty()) {
                form.append("&scope=").append(enc(part));
            }
        }
        return transport.send(
                new RegistryTransport.Request(
                        "POST",
                        realm,
                        Map.of("Content-Type", "application/x-www-form-urlencoded"),
                        form.toString().getBytes(StandardCharsets.UTF_8)),
                MAX_TOKEN_BODY_BYTES,
                "fetch token",
                trusted);
    }

    /** ACR: the app's Entra token for the registry audience, exchanged for an ACR refresh token. */
    private String exchangeEntraToken(URI realm, AuthChallenge challenge, RegistryCredentials.Entra entra) {
        String entraToken;
        try {
            entraToken = entra.credential()
                    .getTokenSync(
                            new TokenRequestContext().addScopes(entra.audience().scope()))
                    .getToken();
        } catch (RuntimeException e) {
            throw RegistryException.unreachable(
                    "get an Entra token",
                    null,
                    "managed identity: cannot get an Entra token for " + base.getAuthority() + ": "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse(""),
                    e);
        }
        String form =
                "grant_type=access_token&service=" + enc(challenge.service()) + "&access_token=" + enc(entraToken);
        RegistryTransport.Response r = transport.send(
                new RegistryTransport.Request(
                        "POST",
                        realm.resolve("/oauth2/exchange"),
                        Map.of("Content-Type", "application/x-www-form-urlencoded"),
                        form.getBytes(StandardCharsets.UTF_8)),
                MAX_TOKEN_BODY_BYTES,
                "exchange token",
                trusted);
        if (r.status() == 401 || r.status() == 403) {
            throw RegistryException.of(
                    RegistryException.Failure.UNAUTHORIZED,
                    "exchange token",
                    r.uri(),
                    "unauthorized: " + base.getAuthority()
                            + " refused the app's identity (does it have AcrPull/AcrPush on the registry? its Entra"
                            + " token was for the audience " + entra.audience() + ", SOCKERLESS_ACR_AUDIENCE)",
                    null);
        }
        try {
            String refresh = r.status() == 200
                    ? JSON.readTree(r.body()).path("refresh_token").asText("")
                    : "";
            if (refresh.isEmpty()) {
                throw RegistryException.unreachable(
                        "exchange token",
                        r.uri(),
                        "token exchange at " + realm.getAuthority() + " failed with status " + r.status(),
                        null);
            }
            return refresh;
        } catch (IOException e) {
            throw RegistryException.unreachable(
                    "exchange token",
                    r.uri(),
                    "token exchange at " + realm.getAuthority() + " returned malformed JSON",
                    e);
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
