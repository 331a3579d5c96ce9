package dev.sockerless.aca.registry;

import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Hands out a {@link RegistryApi} for a repository and the caller's credentials, sharing one transport, one token
 * cache and the learnt challenges between requests.
 */
public final class Registries {

    private final RegistryTransport transport;
    private final RegistryEndpoints endpoints;
    private final TokenCache tokens;
    private final ConcurrentMap<URI, AuthChallenge> challenges = new ConcurrentHashMap<>();

    public Registries(RegistryTransport transport, RegistryEndpoints endpoints, Clock clock) {
        this.transport = transport;
        this.endpoints = endpoints;
        this.tokens = new TokenCache(clock);
    }

    /** The registry API for {@code reference}'s repository, acting with {@code credentials}. */
    public RegistryApi forRepository(ImageReference reference, RegistryCredentials credentials) {
        return new OciRegistryClient(transport, endpoints.baseFor(reference.registry()), reference, credentials,
                tokens, challenges);
    }

    public RegistryEndpoints endpoints() {
        return endpoints;
    }

    /** Learnt challenges, by endpoint (tests and diagnostics). */
    Map<URI, AuthChallenge> challenges() {
        return Map.copyOf(challenges);
    }
}
