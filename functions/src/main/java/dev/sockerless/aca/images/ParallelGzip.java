package dev.sockerless.aca.images;

import dev.sockerless.aca.io.DaemonThreads;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.jspecify.annotations.Nullable;

/**
 * A deterministic gzip writer that compresses on every core (pigz style): the input is cut into
 * {@value #CHUNK}-byte chunks, each deflated on its own by a worker with the previous 32 KiB of input as its
 * dictionary and ended with a sync flush (byte aligned, not final), the last one finished; the raw deflate pieces are
 * written in order into one gzip member whose CRC-32 and size are computed here over the input. A chunk whose bytes
 * look incompressible (order-0 entropy over {@value #STORE_ENTROPY_BITS} bits a byte: random or already compressed
 * data) is stored (level 0) instead of being searched for matches that are not there.
 *
 * <p>Deterministic: the chunk boundaries, the dictionaries and each chunk's level depend only on the input and the
 * level, never on timing, so the same input and level give the same bytes (and digest) every time. Header: no name,
 * mtime 0, OS 0, like the JDK's {@code GZIPOutputStream}.
 */
final class ParallelGzip extends OutputStream {

    /**
     * The version of the bytes this writes for a given input and level: change it whenever they change (chunking,
     * dictionary, stored-block rule, header), so that remembered digests ({@link GzippedLayer}) of the old output
     * are not taken for the new.
     */
    static final String FORMAT = "pgz1";

    /** Chunk size: small enough for both cores to share one layer, big enough that flushes cost nothing. */
    static final int CHUNK = 128 * 1024;

    static final double STORE_ENTROPY_BITS = 7.9;
    private static final int WINDOW = 32 * 1024;
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, 0};

    private static final int THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());
    private static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, DaemonThreads.named("gzip"));
    /** One deflater per level and worker thread, reset for each chunk. */
    private static final ThreadLocal<Deflater[]> DEFLATERS = ThreadLocal.withInitial(() -> new Deflater[10]);
    /** Chunks compressed or waiting per stream: bounds the memory of one stream to a few MiB. */
    private static final int IN_FLIGHT = 2 * THREADS + 2;

    private final OutputStream out;
    private final int level;
    private final CRC32 crc = new CRC32();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** Chunk arrays no deflate uses any more (neither as input nor as dictionary), to fill again. */
    private final ArrayDeque<byte[]> free = new ArrayDeque<>();
    /** Output arrays whose piece was written, to deflate into again (no garbage of the output's size). */
    private final ArrayDeque<byte[]> freeOutputs = new ArrayDeque<>();

    private long size;
    private byte[] chunk = new byte[CHUNK];
    private int filled;
    /** The last full chunk, held back until more input shows it is not the last one. */
    private byte @Nullable [] full;

    private byte @Nullable [] previous;
    private boolean closed;

    ParallelGzip(OutputStream out, int level) throws IOException {
        if (level < 1 || level > 9) {
            throw new IllegalArgumentException("level must be 1..9");
        }
        this.out = out;
        this.level = level;
        out.write(HEADER);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        crc.update(b, off, len);
        size += len;
        while (len > 0) {
            if (full != null) { // more input: the held-back chunk is not the last
                submit(full, CHUNK, false);
                full = null;
            }
            int n = Math.min(len, CHUNK - filled);
            System.arraycopy(b, off, chunk, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == CHUNK) {
                full = chunk;
                chunk = free.isEmpty() ? new byte[CHUNK] : free.poll();
                filled = 0;
            }
        }
    }

    /** A chunk being deflated, and the dictionary its deflate reads. */
    private record Pending(Future<Piece> output, byte @Nullable [] dictionary) {}

    /** A chunk's raw deflate: the first {@code length} bytes of {@code bytes}. */
    record Piece(byte[] bytes, int length) {}

    private void submit(byte[] data, int length, boolean last) throws IOException {
        byte[] dictionary = previous;
        byte[] output = freeOutputs.isEmpty() ? new byte[bound(CHUNK)] : freeOutputs.poll();
        pending.add(new Pending(POOL.submit(() -> deflate(data, length, dictionary, level, last, output)), dictionary));
        previous = data;
        while (pending.size() >= IN_FLIGHT) {
            writeNext();
        }
    }

    /**
     * Writes the oldest chunk's output. Its dictionary (the chunk before it) is then free: that chunk's own deflate
     * finished earlier, in order.
     */
    private void writeNext() throws IOException {
        Pending next = pending.poll();
        Piece piece = await(next.output());
        out.write(piece.bytes(), 0, piece.length());
        if (freeOutputs.size() < IN_FLIGHT) {
            freeOutputs.add(piece.bytes());
        }
        byte[] dictionary = next.dictionary();
        if (dictionary != null && free.size() < IN_FLIGHT) {
            free.add(dictionary);
        }
    }

    /** Compresses what is left, writes the trailer and closes the underlying stream. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (full != null) { // the input ended on a chunk boundary
                submit(full, CHUNK, true);
            } else {
                submit(chunk, filled, true);
            }
            while (!pending.isEmpty()) {
                writeNext();
            }
            byte[] trailer = new byte[8];
            int value = (int) crc.getValue();
            int isize = (int) size; // ISIZE: the size modulo 2^32
            for (int i = 0; i < 4; i++) {
                trailer[i] = (byte) (value >>> (8 * i));
                trailer[4 + i] = (byte) (isize >>> (8 * i));
            }
            out.write(trailer);
        } finally {
            for (Pending p : pending) {
                p.output().cancel(false);
            }
            out.close();
        }
    }

    private static Piece await(Future<Piece> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing");
        } catch (ExecutionException e) {
            throw new IOException("compression failed: " + e.getCause(), e.getCause());
        }
    }

    /** Room for a chunk of {@code length} bytes deflated: stored blocks add 5 bytes per 16 KiB, flushes a few. */
    private static int bound(int length) {
        return length + length / 1000 + (length >> 14) * 5 + 64;
    }

    /**
     * One chunk as raw deflate, sync-flushed (byte aligned, not final) unless it is the last, into {@code output}
     * (or a larger array when it does not fit).
     */
    static Piece deflate(
            byte[] data, int length, byte @Nullable [] dictionary, int level, boolean last, byte[] output) {
        int effective = incompressible(data, length) ? 0 : level;
        Deflater[] deflaters = DEFLATERS.get();
        Deflater d = deflaters[effective];
        if (d == null) {
            d = deflaters[effective] = new Deflater(effective, true);
        }
        d.reset();
        try {
            if (dictionary != null && effective > 0) {
                d.setDictionary(dictionary, dictionary.length - WINDOW, WINDOW);
            }
            d.setInput(data, 0, length);
            if (last) {
                d.finish();
            }
            byte[] buf = output.length < bound(length) ? new byte[bound(length)] : output;
            int n = 0;
            while (true) {
                int space = buf.length - n;
                int got = last ? d.deflate(buf, n, space) : d.deflate(buf, n, space, Deflater.SYNC_FLUSH);
                n += got;
                if (last ? d.finished() : got < space) { // a sync flush that did not fill the space is complete
                    return new Piece(buf, n);
                }
                if (n == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
            }
        } finally {
            d.reset();
        }
    }

    /** Order-0 entropy of the chunk over {@link #STORE_ENTROPY_BITS}: deflate would gain (almost) nothing. */
    static boolean incompressible(byte[] data, int length) {
        if (length < 4096) {
            return false;
        }
        // four tables, merged after: consecutive equal bytes do not wait on each other's increments
        int[] counts = new int[4 * 256];
        int i = 0;
        for (; i + 3 < length; i += 4) {
            counts[data[i] & 0xff]++;
            counts[256 + (data[i + 1] & 0xff)]++;
            counts[512 + (data[i + 2] & 0xff)]++;
            counts[768 + (data[i + 3] & 0xff)]++;
        }
        for (; i < length; i++) {
            counts[data[i] & 0xff]++;
        }
        double bits = 0;
        for (int b = 0; b < 256; b++) {
            int c = counts[b] + counts[256 + b] + counts[512 + b] + counts[768 + b];
            if (c > 0) {
                double p = (double) c / length;
                bits -= p * Math.log(p);
            }
        }
        return bits / Math.log(2) > STORE_ENTROPY_BITS;
    }
}
