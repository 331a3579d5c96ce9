package dev.sockerless.aca.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Caches filled by remote parties are bounded by bytes, least recently used first; challenges by length. */
class BoundedCachesTest {

    @Test
    void tokensAreBoundedByBytesLeastRecentlyUsedFirst() {
        TokenCache cache = new TokenCache(Clock.systemUTC(), 1 << 20);
        String big = "t".repeat(64 * 1024); // a token server chooses the size (the body cap allows 64 KiB)
        TokenCache.Key first = key(0);
        TokenCache.Key kept = key(1);
        cache.put(first, big, 300);
        cache.put(kept, big, 300);
        for (int i = 2; i < 100; i++) {
            assertThat(cache.find(kept)).isPresent(); // used: stays
            cache.put(key(i), big, 300);
        }
        assertThat(cache.find(first)).as("the least recently used token went").isEmpty();
        assertThat(cache.find(kept)).isPresent();
        assertThat(cache.find(key(99))).isPresent();
        assertThat(cache.find(key(50))).isEmpty();
        // an absurd expires_in is kept for a day at most, never an overflow
        cache.put(key(100), "x", Long.MAX_VALUE);
        assertThat(cache.find(key(100))).isPresent();
    }

    @Test
    void boundedCacheHoldsAtMostItsBudget() {
        BoundedCache<String, String> cache =
                new BoundedCache<>(10_000, (k, v) -> BoundedCache.weight(k) + BoundedCache.weight(v));
        for (int i = 0; i < 1000; i++) {
            cache.put("k" + i, "v".repeat(100));
            assertThat(cache.bytes()).isLessThanOrEqualTo(10_000);
        }
        cache.put("huge", "v".repeat(10_000));
        assertThat(cache.get("huge"))
                .as("heavier than the whole budget: not kept")
                .isNull();
        assertThat(cache.get("k999")).isNotNull();
    }

    @Test
    void challengesWithOversizedRealmsOrServicesAreNotUsable() {
        String realm = "https://auth.example/" + "r".repeat(AuthChallenge.MAX_REALM_LENGTH);
        assertThat(AuthChallenge.parse("Bearer realm=\"" + realm + "\",service=\"s\""))
                .isEmpty();
        assertThat(AuthChallenge.parse("Bearer realm=\"https://a/t\",service=\"" + "s".repeat(256) + "\""))
                .isEmpty();
        assertThat(AuthChallenge.parse("Bearer realm=\"https://a/t\"," + "x=1,".repeat(3000)))
                .as("8 KiB")
                .isEmpty();
        StringBuilder many = new StringBuilder("Bearer realm=\"https://a/t\"");
        for (int i = 0; i < AuthChallenge.MAX_PARAMETERS; i++) {
            many.append(",p").append(i).append("=1");
        }
        assertThat(AuthChallenge.parse(many.toString()))
                .as("more parameters than kept")
                .isEmpty();
        assertThat(AuthChallenge.parse("Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\""))
                .get()
                .extracting(AuthChallenge::service)
                .isEqualTo("registry.docker.io");
        BoundedCache<URI, AuthChallenge> challenges = OciRegistryClient.challengeCache();
        AuthChallenge c = new AuthChallenge("bearer", Map.of("realm", "https://a/" + "r".repeat(2000)));
        for (int i = 0; i < 10_000; i++) {
            challenges.put(URI.create("https://registry" + i + ".example"), c);
        }
        assertThat(challenges.bytes()).isLessThanOrEqualTo(OciRegistryClient.MAX_CHALLENGE_BYTES);
    }

    private static TokenCache.Key key(int i) {
        return new TokenCache.Key("https://auth.example/token", "svc", "repository:r" + i + ":pull", "anon");
    }
}
