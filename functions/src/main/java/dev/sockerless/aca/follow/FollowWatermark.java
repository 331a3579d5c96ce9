package dev.sockerless.aca.follow;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * What waiting follow readers of one process wait on, in memory: the poller publishes, after each poll, one
 * watermark for the whole workspace ({@link LogCache#marks}: per followed container the mark of its state,
 * {@link FollowState#mark}), and ONE thread per process reads it every {@code recheck} while anybody waits, then
 * wakes the readers whose container's mark changed. So the storage reads of waiting readers do not grow with their
 * number: a reader reads its container's state and lines only when the watermark says they changed, and a slow
 * storage delays the watermark, never a reader's answer (it waits in memory until its deadline).
 */
public final class FollowWatermark {

    private static final Logger LOG = Logger.getLogger(FollowWatermark.class.getName());

    private final LogCache cache;
    private final Duration recheck;
    private Map<String, String> marks = Map.of();
    private int waiters;
    private @Nullable Thread refresher;

    public FollowWatermark(LogCache cache, Duration recheck) {
        this.cache = cache;
        this.recheck = recheck;
    }

    /** The container's mark in the last watermark read (null: none). */
    public synchronized @Nullable String current(String containerId) {
        return marks.get(containerId);
    }

    /**
     * Waits until the watermark shows a mark for the container other than {@code seen}, or {@code maxWait} passed.
     *
     * @return the container's mark now (the {@code seen} of the next wait; null while it has none)
     */
    public synchronized @Nullable String await(String containerId, @Nullable String seen, Duration maxWait)
            throws InterruptedException {
        long end = System.nanoTime() + maxWait.toNanos();
        waiters++;
        try {
            if (refresher == null) {
                Thread started = new Thread(this::refreshLoop, "follow-watermark");
                started.setDaemon(true);
                started.start();
                refresher = started;
            }
            if (waiters == 1) {
                notifyAll(); // the refresher sleeps while nobody waits; later waiters need not wake the others
            }
            while (true) {
                String now = marks.get(containerId);
                if (now != null && !now.equals(seen)) {
                    return now;
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return seen;
                }
                wait(Math.max(1, left / 1_000_000));
            }
        } finally {
            waiters--;
        }
    }

    private void refreshLoop() {
        try {
            while (true) {
                synchronized (this) {
                    while (waiters == 0) {
                        wait();
                    }
                }
                Map<String, String> read = null;
                try {
                    read = cache.marks();
                } catch (RuntimeException e) {
                    LOG.fine("follow watermark not read: " + e.getMessage()); // readers keep waiting; next round
                }
                synchronized (this) {
                    if (read != null && !Objects.equals(read, marks)) {
                        marks = Map.copyOf(read);
                        notifyAll();
                    }
                }
                Thread.sleep(recheck.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
