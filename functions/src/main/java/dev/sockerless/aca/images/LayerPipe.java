package dev.sockerless.aca.images;

import dev.sockerless.aca.registry.BlobSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * A layer's compressed bytes handed, as they are written, to the one upload that sends them: each write is copied
 * once into a buffer of its own, which the HTTP client sends as it is (no file, no re-read, no further copy). At
 * most {@link #LIMIT} bytes wait to be sent; a writer that would exceed it waits for the upload (skopeo's pipe does
 * the same), so a slow registry slows the compression instead of filling memory.
 *
 * <p>Read once: a second subscription (a request repeated after an authentication challenge or a redirect) gets an
 * error, and so does {@link #open()}; the loader then uploads the layer from a fresh gzip of the archive's bytes,
 * which is the same bytes ({@link ParallelGzip} is deterministic). Once the upload has given up ({@link #abandon()},
 * or the client cancelled), writes are counted and dropped, so the compression finishes and the layer's digest is
 * still known.
 *
 * <p>Flow: signals to the subscriber never overlap (one thread drains at a time) and follow its demand.
 */
final class LayerPipe implements BlobSource, Flow.Publisher<ByteBuffer> {

    /** Bytes written but not yet sent, at most (a write larger than this waits for an empty pipe). */
    static final int LIMIT = 4 << 20;

    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private long queued;
    private long written;
    private long demand;
    private boolean finished;
    private @Nullable Throwable failure;
    /** The upload gave up, or the client cancelled: writes are dropped. */
    private boolean abandoned;

    private Flow.@Nullable Subscriber<? super ByteBuffer> subscriber;
    private boolean subscribed;
    private boolean draining;
    /** The terminal signal was sent. */
    private boolean done;

    /**
     * The writer's stream: each write is queued (waiting while the pipe is full). Closing it does not end the blob:
     * {@link #finish()} does, once the writer knows every byte is good, or {@link #fail} otherwise.
     */
    OutputStream writer() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                put(b, off, len);
            }

            @Override
            public void close() {
                // finish() or fail() says how the blob ends
            }
        };
    }

    private void put(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        synchronized (this) {
            if (finished || failure != null) {
                throw new IOException("the pipe is closed");
            }
            written += len;
            while (!abandoned && queued > 0 && queued + len > LIMIT) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while the layer was being uploaded");
                }
            }
            if (abandoned) {
                return;
            }
            queue.add(ByteBuffer.wrap(Arrays.copyOfRange(b, off, off + len)));
            queued += len;
        }
        drain();
    }

    /** Every byte is written: the upload's body ends once they are sent. */
    void finish() {
        synchronized (this) {
            if (finished || failure != null) {
                return;
            }
            finished = true;
        }
        drain();
    }

    /** The writer gave up: the upload's body fails with {@code cause}. */
    void fail(Throwable cause) {
        synchronized (this) {
            if (finished || failure != null) {
                return;
            }
            failure = cause;
            queue.clear();
            queued = 0;
            notifyAll();
        }
        drain();
    }

    /** The upload is over (sent, or failed): nothing waits to be sent any more; later writes are dropped. */
    synchronized void abandon() {
        abandoned = true;
        queue.clear();
        queued = 0;
        notifyAll();
    }

    /** The bytes written so far (dropped ones included). */
    synchronized long written() {
        return written;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
        boolean first;
        synchronized (this) {
            first = !subscribed;
            if (first) {
                subscribed = true;
                subscriber = s;
            }
        }
        if (!first) {
            s.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {}

                @Override
                public void cancel() {}
            });
            s.onError(new IOException("a streamed layer is sent once; it is uploaded again from the archive"));
            return;
        }
        s.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                synchronized (LayerPipe.this) {
                    if (n <= 0) {
                        failure = failure == null
                                ? new IllegalArgumentException("non-positive request: " + n) // Flow rule 3.9
                                : failure;
                    } else {
                        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                    }
                }
                drain();
            }

            @Override
            public void cancel() {
                synchronized (LayerPipe.this) {
                    done = true;
                    subscriber = null;
                }
                abandon();
            }
        });
        drain();
    }

    /** Sends what the subscriber asked for and is queued, then the end; on one thread at a time, outside the lock. */
    private void drain() {
        synchronized (this) {
            if (draining || subscriber == null || done) {
                return;
            }
            draining = true;
        }
        while (true) {
            ByteBuffer next = null;
            Flow.Subscriber<? super ByteBuffer> s;
            boolean complete = false;
            Throwable error = null;
            synchronized (this) {
                s = subscriber;
                if (s == null || done) {
                    draining = false;
                    return;
                }
                if (failure != null) {
                    error = failure;
                    done = true;
                } else if (demand > 0 && !queue.isEmpty()) {
                    next = queue.poll();
                    queued -= next.remaining();
                    demand--;
                    notifyAll();
                } else if (finished && queue.isEmpty()) {
                    complete = true;
                    done = true;
                } else {
                    draining = false;
                    return;
                }
            }
            if (error != null) {
                s.onError(error);
            } else if (complete) {
                s.onComplete();
            } else {
                s.onNext(next);
            }
        }
    }

    /** Read once, by the upload's subscription: a stream of its own cannot be given. */
    @Override
    public InputStream open() throws IOException {
        throw new IOException("a streamed layer is sent once; it is uploaded again from the archive");
    }

    @Override
    public Flow.Publisher<ByteBuffer> publisher() {
        return this;
    }
}
