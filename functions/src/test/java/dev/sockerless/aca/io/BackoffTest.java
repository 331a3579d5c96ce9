package dev.sockerless.aca.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class BackoffTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T12:00:00Z"), ZoneOffset.UTC);

    static Backoff plain(Duration budget, List<Duration> slept) {
        return new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), budget, false, CLOCK, slept::add);
    }

    @Test
    void doublesFromTheBaseUpToTheMax() {
        Backoff b = plain(Duration.ofMinutes(1), new ArrayList<>());
        assertThat(List.of(b.delay(0), b.delay(1), b.delay(2), b.delay(5), b.delay(6), b.delay(60)))
                .containsExactly(
                        Duration.ofMillis(500),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(16),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(30));
    }

    @RepeatedTest(20)
    void fullJitterStaysBetweenZeroAndTheExponentialWait() {
        Backoff b = Backoff.jittered(Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(30), d -> {});
        assertThat(b.delay(0)).isBetween(Duration.ZERO, Duration.ofMillis(200));
        assertThat(b.delay(3)).isBetween(Duration.ZERO, Duration.ofMillis(1600));
        assertThat(b.delay(30)).isBetween(Duration.ZERO, Duration.ofSeconds(5));
    }

    @Test
    void retryAfterInSecondsOrAsAnHttpDateWinsOverTheDelay() {
        Backoff b = plain(Duration.ofMinutes(1), new ArrayList<>());
        assertThat(b.next(0, "7")).isEqualTo(Duration.ofSeconds(7));
        assertThat(b.next(0, "Thu, 03 Dec 2026 12:00:09 GMT")).isEqualTo(Duration.ofSeconds(9));
        assertThat(b.next(0, "Thu, 03 Dec 2026 11:00:00 GMT"))
                .as("a date passed")
                .isEqualTo(Duration.ZERO);
        assertThat(b.next(0, "-3")).isEqualTo(Duration.ZERO);
        assertThat(b.next(2, "soon")).as("unreadable: the delay").isEqualTo(Duration.ofSeconds(2));
        assertThat(b.next(2, null)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theBudgetBoundsTheWaitsAndTheSleeperWaits() throws InterruptedException {
        List<Duration> slept = new ArrayList<>();
        Backoff b = plain(Duration.ofSeconds(3), slept);
        assertThat(b.allows(Duration.ofSeconds(1), Duration.ofSeconds(2))).isTrue();
        assertThat(b.allows(Duration.ofSeconds(1), Duration.ofMillis(2001))).isFalse();
        assertThat(Backoff.NONE.allows(Duration.ZERO, Duration.ofMillis(1))).isFalse();
        b.sleep(Duration.ofSeconds(2));
        assertThat(slept).containsExactly(Duration.ofSeconds(2));
    }
}
