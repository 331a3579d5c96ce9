package dev.sockerless.aca.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class LayerPipeTest {

    /** A subscriber that asks for one buffer at a time (or {@code initial} at first) and collects the bytes. */
    private static final class Collector implements Flow.Subscriber<ByteBuffer> {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CompletableFuture<byte[]> done = new CompletableFuture<>();
        final AtomicInteger buffers = new AtomicInteger();
        final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        private final long initial;
        private final boolean more;

        Collector(long initial, boolean more) {
            this.initial = initial;
            this.more = more;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription.set(s);
            if (initial > 0) {
                s.request(initial);
            }
        }

        @Override
        public synchronized void onNext(ByteBuffer item) {
            buffers.incrementAndGet();
            byte[] b = new byte[item.remaining()];
            item.get(b);
            bytes.write(b, 0, b.length);
            if (more) {
                subscription.get().request(1);
            }
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public synchronized void onComplete() {
            done.complete(bytes.toByteArray());
        }
    }

    @Test
    void handsEveryWriteToTheSubscriberInOrderThenEnds() throws Exception {
        LayerPipe pipe = new LayerPipe();
        Collector c = new Collector(1, true);
        pipe.publisher().subscribe(c);
        byte[] data = new byte[3 * LayerPipe.LIMIT + 12345];
        new Random(3).nextBytes(data);
        try (OutputStream out = pipe.writer()) {
            for (int off = 0; off < data.length; off += 100_000) {
                out.write(data, off, Math.min(100_000, data.length - off));
            }
        }
        assertThat(c.done).isNotDone(); // closing the writer does not end the blob
        pipe.finish();
        assertThat(c.done.get(10, TimeUnit.SECONDS)).isEqualTo(data);
        assertThat(c.buffers.get()).isEqualTo((data.length + 99_999) / 100_000); // a buffer a write, no copies
        assertThat(pipe.written()).isEqualTo(data.length);
    }

    @Test
    void aWriterWaitsWhileTheLimitIsQueuedAndGoesOnWithDemand() throws Exception {
        LayerPipe pipe = new LayerPipe();
        Collector c = new Collector(0, true); // no demand yet
        pipe.publisher().subscribe(c);
        OutputStream out = pipe.writer();
        byte[] piece = new byte[LayerPipe.LIMIT / 4];
        for (int i = 0; i < 4; i++) {
            out.write(piece); // exactly the limit: queued
        }
        CountDownLatch written = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            try {
                out.write(piece);
                written.countDown();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        assertThat(written.await(300, TimeUnit.MILLISECONDS)).isFalse(); // over the limit: it waits
        c.subscription.get().request(1);
        assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();
        pipe.finish();
        assertThat(c.done.get(10, TimeUnit.SECONDS)).hasSize(5 * piece.length);
    }

    @Test
    void anAbandonedPipeDropsWritesWithoutWaitingAndStillCountsThem() throws Exception {
        LayerPipe pipe = new LayerPipe();
        OutputStream out = pipe.writer();
        byte[] piece = new byte[LayerPipe.LIMIT];
        out.write(piece); // nobody subscribed: queued
        CompletableFuture<Void> more = CompletableFuture.runAsync(() -> {
            try {
                out.write(piece);
                out.write(piece);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertThat(more).isNotDone();
        pipe.abandon(); // the upload failed before it read anything
        more.get(10, TimeUnit.SECONDS);
        assertThat(pipe.written()).isEqualTo(3L * LayerPipe.LIMIT);
    }

    @Test
    void aCancellingClientReleasesTheWriter() throws Exception {
        LayerPipe pipe = new LayerPipe();
        Collector c = new Collector(0, false);
        pipe.publisher().subscribe(c);
        OutputStream out = pipe.writer();
        out.write(new byte[LayerPipe.LIMIT]);
        CompletableFuture<Void> more = CompletableFuture.runAsync(() -> {
            try {
                out.write(new byte[10]);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertThat(more).isNotDone();
        c.subscription.get().cancel();
        more.get(10, TimeUnit.SECONDS);
        pipe.finish();
        assertThat(c.done).isNotDone(); // a cancelled subscription gets no more signals
    }

    @Test
    void isSentOnce() throws Exception {
        LayerPipe pipe = new LayerPipe();
        Collector first = new Collector(Long.MAX_VALUE, false);
        pipe.publisher().subscribe(first);
        Collector again = new Collector(Long.MAX_VALUE, false);
        pipe.publisher().subscribe(again);
        assertThatThrownBy(() -> again.done.get(10, TimeUnit.SECONDS))
                .hasRootCauseInstanceOf(IOException.class)
                .hasMessageContaining("sent once");
        assertThatThrownBy(pipe::open).isInstanceOf(IOException.class).hasMessageContaining("sent once");
        pipe.writer().write(new byte[] {1, 2, 3});
        pipe.finish();
        assertThat(first.done.get(10, TimeUnit.SECONDS)).containsExactly(1, 2, 3);
    }

    @Test
    void aFailedWriterFailsTheUploadsBody() throws Exception {
        LayerPipe pipe = new LayerPipe();
        Collector c = new Collector(Long.MAX_VALUE, false);
        pipe.publisher().subscribe(c);
        pipe.writer().write(new byte[100]);
        pipe.fail(new IOException("layer x could not be compressed"));
        assertThatThrownBy(() -> c.done.get(10, TimeUnit.SECONDS)).hasMessageContaining("could not be compressed");
        assertThatThrownBy(() -> pipe.writer().write(1)).isInstanceOf(IOException.class);
    }

    @Test
    void refusesANonPositiveRequest() throws Exception {
        LayerPipe pipe = new LayerPipe();
        Collector c = new Collector(0, false);
        pipe.publisher().subscribe(c);
        c.subscription.get().request(0);
        assertThatThrownBy(() -> c.done.get(10, TimeUnit.SECONDS))
                .hasRootCauseInstanceOf(IllegalArgumentException.class);
    }
}
