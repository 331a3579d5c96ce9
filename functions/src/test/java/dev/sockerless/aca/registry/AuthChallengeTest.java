package dev.sockerless.aca.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sockerless.aca.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {

    @Test
    void parsesBearerChallengeWithQuotedCommasAndErrors() {
        AuthChallenge c = AuthChallenge.parse(
                        "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                                + "scope=\"repository:library/alpine:pull,push\",error=\"insufficient_scope\"")
                .orElseThrow();
        assertThat(c.isBearer()).isTrue();
        assertThat(c.realm()).isEqualTo("https://auth.docker.io/token");
        assertThat(c.service()).isEqualTo("registry.docker.io");
        assertThat(c.parameters().get("scope")).isEqualTo("repository:library/alpine:pull,push");
        assertThat(c.error()).isEqualTo("insufficient_scope");
    }

    @Test
    void parsesBasicAndUnquotedValuesCaseInsensitively() {
        AuthChallenge c = AuthChallenge.parse("basic Realm=test-realm").orElseThrow();
        assertThat(c.isBasic()).isTrue();
        assertThat(c.realm()).isEqualTo("test-realm");
        assertThat(AuthChallenge.parse("Bearer realm=\"a\\\"b\"").orElseThrow().realm())
                .isEqualTo("a\"b");
        assertThat(AuthChallenge.parse(null)).isEmpty();
        assertThat(AuthChallenge.parse("")).isEmpty();
    }

    @Test
    void tokensExpireFromLocalReceiptTimeWithAtLeastSixtySeconds() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        TokenCache cache = new TokenCache(clock);
        TokenCache.Key key = new TokenCache.Key("r", "s", "repository:x:pull", "");
        cache.put(key, "t", 5); // raised to 60 s, minus the 10 s margin
        clock.advance(Duration.ofSeconds(49));
        assertThat(cache.find(key)).contains("t");
        clock.advance(Duration.ofSeconds(2));
        assertThat(cache.find(key)).isEmpty();
        TokenCache.Key other = new TokenCache.Key("r", "s", "repository:x:pull", "basic:abc");
        cache.put(key, "t2", 300);
        assertThat(cache.find(other)).isEmpty();
    }
}
