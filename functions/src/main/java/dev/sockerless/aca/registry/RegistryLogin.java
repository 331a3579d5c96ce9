package dev.sockerless.aca.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code docker login}: checks a user name and password against a registry as dockerd's {@code loginV2} does — probe
 * {@code /v2/}, then answer its challenge (Basic: the credentials themselves; Bearer: a token from the realm with
 * Basic credentials) and probe again. Nothing is kept: the docker CLI stores the credentials and sends them with
 * each pull.
 */
public final class RegistryLogin {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REFUSED = "unauthorized: incorrect username or password";

    private final RegistryTransport transport;
    private final RegistryEndpoints endpoints;

    public RegistryLogin(RegistryTransport transport, RegistryEndpoints endpoints) {
        this.transport = transport;
        this.endpoints = endpoints;
    }

    /** Returns when the registry accepts the credentials; UNAUTHORIZED when it refuses them. */
    public void check(String serverAddress, RegistryCredentials.Basic credentials) {
        URI base = endpoints.baseFor(registryName(serverAddress));
        URI ping = base.resolve("/v2/");
        RegistryTransport.Response first = get(ping, null);
        if (first.status() == 200) {
            return; // the registry needs no credentials
        }
        AuthChallenge challenge = first.status() == 401
                ? AuthChallenge.parse(first.header("WWW-Authenticate")).orElse(null)
                : null;
        if (challenge == null) {
            throw RegistryException.unreachable(
                    "login", ping, "login attempt to " + ping + " failed with status: " + first.status(), null);
        }
        String authorization;
        if (challenge.isBasic()) {
            authorization = credentials.header();
        } else if (challenge.isBearer() && !challenge.realm().isEmpty()) {
            authorization = "Bearer " + token(base, challenge, credentials);
        } else {
            throw RegistryException.unreachable(
                    "login", ping, "login attempt to " + ping + ": unsupported challenge " + challenge.scheme(), null);
        }
        RegistryTransport.Response second = get(ping, authorization);
        if (second.status() != 200) {
            throw RegistryException.of(
                    RegistryException.Failure.UNAUTHORIZED,
                    "login",
                    ping,
                    second.status() == 401
                            ? REFUSED
                            : "login attempt to " + ping + " failed with status: " + second.status(),
                    null);
        }
    }

    /** The registry {@code serverAddress} (a login's server address) names: scheme and path dropped; Docker Hub's spellings are {@code docker.io}. */
    public static String registryName(String serverAddress) {
        String s = serverAddress == null ? "" : serverAddress.trim().toLowerCase(Locale.ROOT);
        s = s.replaceFirst("^https?://", "");
        int slash = s.indexOf('/');
        if (slash >= 0) {
            s = s.substring(0, slash);
        }
        return switch (s) {
            case "", "docker.io", "index.docker.io", "registry-1.docker.io" -> ImageReference.DOCKER_HUB;
            default -> s;
        };
    }

    private String token(URI base, AuthChallenge challenge, RegistryCredentials.Basic credentials) {
        URI realm = BearerRealm.validate(base, challenge.realm());
        String query = "account=" + enc(credentials.username()) + "&client_id=docker&offline_token=true"
                + (challenge.service().isEmpty() ? "" : "&service=" + enc(challenge.service()));
        RegistryTransport.Response r = transport.send(
                new RegistryTransport.Request(
                        "GET",
                        URI.create(realm + (realm.getRawQuery() == null ? "?" : "&") + query),
                        Map.of("Authorization", credentials.header()),
                        null),
                TokenServer.MAX_TOKEN_BODY_BYTES,
                "login",
                endpoints.isOperatorTrusted(base));
        if (r.status() == 401 || r.status() == 403) {
            throw RegistryException.of(RegistryException.Failure.UNAUTHORIZED, "login", realm, REFUSED, null);
        }
        if (r.status() != 200) {
            throw RegistryException.unreachable(
                    "login", realm, "token server " + realm.getAuthority() + " answered " + r.status(), null);
        }
        try {
            JsonNode json = JSON.readTree(r.body());
            String token = json.path("token").asText(json.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw RegistryException.unreachable(
                        "login", realm, "token server " + realm.getAuthority() + " returned no token", null);
            }
            return token;
        } catch (IOException e) {
            throw RegistryException.unreachable(
                    "login", realm, "token server " + realm.getAuthority() + " returned malformed JSON", e);
        }
    }

    private RegistryTransport.Response get(URI uri, @Nullable String authorization) {
        return transport.send(
                new RegistryTransport.Request(
                        "GET", uri, authorization == null ? Map.of() : Map.of("Authorization", authorization), null),
                RegistryTransport.MAX_ERROR_BODY_BYTES,
                "login",
                endpoints.isOperatorTrusted(uri));
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
