package dev.sockerless.aca.io;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The one retry wait of the app: exponential from {@code base}, at most {@code max} per wait, with full jitter (a
 * uniform wait between zero and that, AWS "Exponential Backoff and Jitter") when {@code jitter} is set; a server's
 * {@code Retry-After} (RFC 9110 §10.2.3: seconds or an HTTP date, read against {@code clock}) wins over it; the waits
 * of one operation add up to at most {@code budget}. The {@code sleeper} waits (tests record instead).
 */
public record Backoff(Duration base, Duration max, Duration budget, boolean jitter, Clock clock, Sleeper sleeper) {

    /** Waits between attempts (replaced in tests). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;

        /** {@link Thread#sleep}. */
        Sleeper THREAD = d -> Thread.sleep(d.toMillis());
    }

    /** No retries: the budget admits no wait. */
    public static final Backoff NONE =
            new Backoff(Duration.ZERO, Duration.ZERO, Duration.ZERO, false, Clock.systemUTC(), d -> {});

    public Backoff {
        Objects.requireNonNull(base);
        Objects.requireNonNull(max);
        Objects.requireNonNull(budget);
        Objects.requireNonNull(clock);
        Objects.requireNonNull(sleeper);
    }

    /** Full-jitter backoff within {@code budget}, on the system clock. */
    public static Backoff jittered(Duration base, Duration max, Duration budget, Sleeper sleeper) {
        return new Backoff(base, max, budget, true, Clock.systemUTC(), sleeper);
    }

    /** The same with another budget. */
    public Backoff withBudget(Duration value) {
        return new Backoff(base, max, value, jitter, clock, sleeper);
    }

    /** The wait before attempt {@code attempt + 1} (attempt 0 failed first): {@code base · 2^attempt}, capped. */
    public Duration delay(int attempt) {
        long cap = Math.min(max.toMillis(), base.toMillis() << Math.min(Math.max(attempt, 0), 20));
        if (cap <= 0) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(jitter ? ThreadLocalRandom.current().nextLong(cap + 1) : cap);
    }

    /** A {@code Retry-After} value as a wait: delta-seconds, or an HTTP date from now; empty when absent or bad. */
    public Optional<Duration> retryAfter(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim()))));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(
                        clock.instant(),
                        ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
                                .toInstant());
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException ignored) {
                return Optional.empty();
            }
        }
    }

    /** The wait after attempt {@code attempt} failed: the server's {@code Retry-After} if it sent one, else the delay. */
    public Duration next(int attempt, @Nullable String retryAfter) {
        return retryAfter(retryAfter).orElseGet(() -> delay(attempt));
    }

    /** Whether waiting {@code next} more, after {@code waited} already, stays within the budget. */
    public boolean allows(Duration waited, Duration next) {
        return waited.plus(next).compareTo(budget) <= 0;
    }

    /** Waits {@code d}. */
    public void sleep(Duration d) throws InterruptedException {
        sleeper.sleep(d);
    }
}
