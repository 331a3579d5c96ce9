package dev.sockerless.aca.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens by (realm, service, scope, credential identity). Expiry counts from the local receipt time, never
 * from the server's {@code issued_at} (a stale {@code issued_at} would make every token look expired), with
 * {@code expires_in} raised to at least 60 s as the token spec says, minus a safety margin.
 */
public final class TokenCache {

    static final Duration MINIMUM_LIFETIME = Duration.ofSeconds(60);
    static final Duration SAFETY_MARGIN = Duration.ofSeconds(10);
    private static final int MAX_ENTRIES = 10_000;

    /** A cache key; {@code identity} is {@link RegistryCredentials#cacheIdentity()}, never a secret. */
    public record Key(String realm, String service, String scope, String identity) {
    }

    private record Entry(String token, Instant expiresAt) {
    }

    private final Map<Key, Entry> tokens = new ConcurrentHashMap<>();
    private final Clock clock;

    public TokenCache(Clock clock) {
        this.clock = clock;
    }

    public Optional<String> find(Key key) {
        Entry entry = tokens.get(key);
        if (entry == null || !clock.instant().isBefore(entry.expiresAt())) {
            return Optional.empty();
        }
        return Optional.of(entry.token());
    }

    /** Stores a token received now, valid for {@code expiresInSeconds} (0 or less: the spec's default of 60 s). */
    public void put(Key key, String token, long expiresInSeconds) {
        Duration lifetime = Duration.ofSeconds(Math.max(expiresInSeconds, MINIMUM_LIFETIME.getSeconds()));
        if (tokens.size() >= MAX_ENTRIES) {
            Instant now = clock.instant();
            tokens.values().removeIf(e -> !now.isBefore(e.expiresAt()));
            if (tokens.size() >= MAX_ENTRIES) {
                tokens.clear();
            }
        }
        tokens.put(key, new Entry(token, clock.instant().plus(lifetime).minus(SAFETY_MARGIN)));
    }

    public void invalidate(Key key) {
        tokens.remove(key);
    }
}
