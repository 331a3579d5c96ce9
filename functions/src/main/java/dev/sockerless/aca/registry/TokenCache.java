package dev.sockerless.aca.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Bearer tokens by (realm, service, scope, credential identity). Expiry counts from the local receipt time, never
 * from the server's {@code issued_at} (a stale {@code issued_at} would make every token look expired), with
 * {@code expires_in} raised to at least 60 s as the token spec says, minus a safety margin.
 */
public final class TokenCache {

    static final Duration MINIMUM_LIFETIME = Duration.ofSeconds(60);
    static final Duration SAFETY_MARGIN = Duration.ofSeconds(10);
    /** Longest a token is kept, whatever {@code expires_in} says. */
    static final Duration MAXIMUM_LIFETIME = Duration.ofDays(1);
    /** Heap the cached tokens may hold together (least recently used go first). */
    static final long MAX_BYTES = 8L * 1024 * 1024;

    /** A cache key; {@code identity} is {@link RegistryCredentials#cacheIdentity()}, never a secret. */
    public record Key(String realm, String service, String scope, String identity) {}

    private record Entry(String token, Instant expiresAt) {}

    private final BoundedCache<Key, Entry> tokens;
    private final Clock clock;

    public TokenCache(Clock clock) {
        this(clock, MAX_BYTES);
    }

    TokenCache(Clock clock, long maxBytes) {
        this.clock = clock;
        this.tokens = new BoundedCache<>(
                maxBytes,
                (k, e) -> 64
                        + BoundedCache.weight(k.realm())
                        + BoundedCache.weight(k.service())
                        + BoundedCache.weight(k.scope())
                        + BoundedCache.weight(k.identity())
                        + BoundedCache.weight(e.token()));
    }

    public Optional<String> find(Key key) {
        Entry entry = tokens.get(key);
        if (entry == null || !clock.instant().isBefore(entry.expiresAt())) {
            if (entry != null) {
                tokens.remove(key);
            }
            return Optional.empty();
        }
        return Optional.of(entry.token());
    }

    /** Stores a token received now, valid for {@code expiresInSeconds} (0 or less: the spec's default of 60 s). */
    public void put(Key key, String token, long expiresInSeconds) {
        Duration lifetime = Duration.ofSeconds(
                Math.min(Math.max(expiresInSeconds, MINIMUM_LIFETIME.toSeconds()), MAXIMUM_LIFETIME.toSeconds()));
        tokens.put(key, new Entry(token, clock.instant().plus(lifetime).minus(SAFETY_MARGIN)));
    }

    public void invalidate(Key key) {
        tokens.remove(key);
    }
}
