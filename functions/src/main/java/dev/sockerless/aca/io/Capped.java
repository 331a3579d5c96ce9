package dev.sockerless.aca.io;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Byte caps on streams, so that what a stranger sends (a registry, Blob Storage, Log Analytics) never takes more
 * memory or disk than allowed: {@link #input} fails a read past the cap, {@link #output} a write past it, both with
 * {@link Exceeded}, which callers tell apart from the stream's own failures by its type.
 */
public final class Capped {

    private Capped() {}

    /** More than {@code limit} bytes went through a capped stream. */
    public static final class Exceeded extends IOException {
        private static final long serialVersionUID = 1L;

        private final long limit;

        Exceeded(long limit) {
            super("more than " + limit + " bytes");
            this.limit = limit;
        }

        public long limit() {
            return limit;
        }
    }

    /** {@code in}, failing with {@link Exceeded} once more than {@code limit} bytes are read. */
    public static InputStream input(InputStream in, long limit) {
        return new Input(in, limit);
    }

    /** {@code out}, failing with {@link Exceeded} (and writing nothing of it) when a write would pass {@code limit}. */
    public static OutputStream output(OutputStream out, long limit) {
        return new Output(out, limit);
    }

    /** All of {@code in} (closed afterwards), or {@link Exceeded} when it holds more than {@code limit} bytes. */
    public static byte[] readAll(InputStream in, long limit) throws IOException {
        try (InputStream capped = input(in, limit)) {
            return capped.readAllBytes();
        }
    }

    /** The count both directions share. */
    private static final class Count {
        private final long limit;
        private long total;

        Count(long limit) {
            if (limit < 0) {
                throw new IllegalArgumentException("negative limit");
            }
            this.limit = limit;
        }

        void add(long n) throws Exceeded {
            if (n > limit - total) {
                total = limit + 1;
                throw new Exceeded(limit);
            }
            total += n;
        }
    }

    private static final class Input extends FilterInputStream {
        private final Count count;

        Input(InputStream in, long limit) {
            super(in);
            this.count = new Count(limit);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count.add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count.add(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count.add(Math.max(0, skipped));
            return skipped;
        }
    }

    private static final class Output extends FilterOutputStream {
        private final Count count;

        Output(OutputStream out, long limit) {
            super(out);
            this.count = new Count(limit);
        }

        @Override
        public void write(int b) throws IOException {
            count.add(1);
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            count.add(len);
            out.write(b, off, len);
        }
    }
}
