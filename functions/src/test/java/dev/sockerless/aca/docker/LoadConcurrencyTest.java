package dev.sockerless.aca.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.registry.Platform;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Loads at once on one instance are limited (SOCKERLESS_LOAD_MAX_CONCURRENT): one more is a 429, never queued. */
class LoadConcurrencyTest {

    @Test
    void aLoadOverTheLimitIsRefusedAtOnceWith429AndRetryAfter() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger entered = new AtomicInteger();
        // the first load holds its slot inside the handler (reading its options) until released
        ImageHandlers handlers = new ImageHandlers(
                null,
                null,
                null,
                null,
                null,
                () -> {
                    if (entered.incrementAndGet() == 1) {
                        inside.countDown();
                        try {
                            release.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    throw DockerApiException.invalid("stopped here");
                },
                () -> null,
                Platform.LINUX_AMD64,
                1);
        byte[] body = "archive".getBytes(StandardCharsets.UTF_8);
        CompletableFuture<Void> first = CompletableFuture.runAsync(
                () -> assertThatThrownBy(() -> handlers.load(request(body))).hasMessage("stopped here"));
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

        ApiResponse busy = handlers.load(request(body));
        assertThat(busy.status()).isEqualTo(429);
        assertThat(busy.headers()).containsEntry("Retry-After", "5").containsEntry("Content-Type", "application/json");
        assertThat(new String(busy.body(), StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\"message\":\"too many image loads at"
                                + " once on this instance (the limit is 1, SOCKERLESS_LOAD_MAX_CONCURRENT): try again in 5 s\"}\n");
        assertThat(entered.get()).as("the refused load did not start").isEqualTo(1);

        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        // the slot is free again, also after a failed load
        assertThatThrownBy(() -> handlers.load(request(body))).hasMessage("stopped here");
        assertThatThrownBy(() -> handlers.load(request(body))).hasMessage("stopped here");
    }

    private static ApiRequest request(byte[] body) {
        return new ApiRequest("POST", ApiVersion.MAX, "/images/load", Map.of(), Map.of(), body);
    }
}
