package dev.sockerless.aca.bridge;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The attach streams in progress, per container as the CLI names it: {@code docker run --rm} removes the container
 * only after its attach stream delivered the whole log (the CLI reads the stream to its end before the wait's status).
 */
final class Attachments {

    private final Map<String, Integer> open = new HashMap<>();

    synchronized void begin(String container) {
        open.merge(container, 1, Integer::sum);
    }

    synchronized void end(String container) {
        open.computeIfPresent(container, (k, n) -> n <= 1 ? null : n - 1);
        notifyAll();
    }

    /** Waits until no attach stream of {@code container} is open, at most {@code limit}; whether none is. */
    synchronized boolean awaitNone(String container, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (open.containsKey(container)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
