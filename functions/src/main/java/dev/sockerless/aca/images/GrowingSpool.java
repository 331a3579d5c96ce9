package dev.sockerless.aca.images;

import dev.sockerless.aca.registry.BlobSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;

/**
 * A temporary file written once, front to back, by one writer and read while it grows: a reader that catches up
 * with the writer waits for more bytes, and sees the end only once the writer {@linkplain #finish() finished}. So a
 * layer can be uploaded while it is still being compressed, and read again from the first byte afterwards (a
 * request repeated after an authentication challenge, a fallback upload) without holding it in memory.
 */
final class GrowingSpool implements BlobSource {

    private final Path file;
    private long written;
    private boolean finished;
    private @Nullable IOException failure;

    GrowingSpool(Path file) {
        this.file = file;
    }

    /** The writer's stream; {@link #finish()} or {@link #fail} must follow once it is closed (or given up). */
    OutputStream writer() throws IOException {
        OutputStream out = Files.newOutputStream(file);
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                grew(len);
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }

    private synchronized void grew(long n) {
        written += n;
        notifyAll();
    }

    /** Every byte is written: readers see the end of the file. */
    synchronized void finish() {
        finished = true;
        notifyAll();
    }

    /** The writer gave up: readers waiting for more get {@code cause}. */
    synchronized void fail(IOException cause) {
        if (!finished && failure == null) {
            failure = cause;
        }
        notifyAll();
    }

    /** The bytes written when finished (only then). */
    synchronized long size() {
        if (!finished) {
            throw new IllegalStateException("the spool is not finished");
        }
        return written;
    }

    /** Bytes available to a reader at {@code position}: more than 0, or -1 at the end; waits while neither. */
    private synchronized long readable(long position) throws IOException {
        while (true) {
            if (failure != null) {
                throw new IOException("the layer was not spooled: " + failure.getMessage(), failure);
            }
            if (written > position) {
                return written - position;
            }
            if (finished) {
                return -1;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the layer");
            }
        }
    }

    /** A stream from the first byte, following the writer. */
    @Override
    public InputStream open() throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        return new InputStream() {
            private long position;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                long ready = readable(position);
                if (ready < 0) {
                    return -1;
                }
                int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, ready)), position);
                if (n < 0) {
                    throw new IOException("the spool file ended early");
                }
                position += n;
                return n;
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        };
    }
}
