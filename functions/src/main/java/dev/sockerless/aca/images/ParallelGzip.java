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
 * {@value #CHUNK}-byte chunks, each deflated on its own by a worker. A chunk whose bytes look incompressible (order-0
 * entropy over {@value #STORE_ENTROPY_BITS} bits a byte: random or already compressed data) is stored (level 0)
 * instead of being searched for matches that are not there. Two formats ({@link GzipMethod}):
 *
 * <ul>
 *   <li>JDK ({@code pgz1}): each chunk deflated with the previous 32 KiB of input as its dictionary and ended with a
 *       sync flush (byte aligned, not final), the last one finished; the raw deflate pieces are written in order
 *       into one gzip member whose CRC-32 and size are computed here over the input.
 *   <li>ISA-L ({@code pgz2-...}): each chunk deflated by ISA-L ({@link IsalDeflate}, stateless: no dictionary, last
 *       block final) into a gzip member of its own, with its own CRC-32 and size; the members are written in order.
 *       A gzip file is a series of members (RFC 1952, 2.2), which every gzip reader decompresses as one stream (Go's
 *       {@code compress/gzip}, which containerd and Docker use, reads all members by default; so do the JDK's
 *       {@code GZIPInputStream}, gzip and pigz); eStargz layers and BGZF files are such series too.
 * </ul>
 *
 * <p>Deterministic: the chunk boundaries, the dictionaries and each chunk's level depend only on the input and the
 * method, never on timing, so the same input and method give the same bytes (and digest) every time. Header: no
 * name, mtime 0, OS 0, like the JDK's {@code GZIPOutputStream}.
 */
final class ParallelGzip extends OutputStream {

    /** Chunk size: small enough for both cores to share one layer, big enough that flushes cost nothing. */
    static final int CHUNK = 128 * 1024;

    static final double STORE_ENTROPY_BITS = 7.9;
    private static final int WINDOW = 32 * 1024;
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, 0};

    /**
     * A chunk array, with room after the chunk for the zeros ISA-L is given past its input ({@link IsalDeflate}), so
     * that a chunk is deflated in place instead of copied first.
     */
    private static byte[] newChunk() {
        return new byte[CHUNK + IsalDeflate.PADDING];
    }

    private static final int THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());
    private static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, DaemonThreads.named("gzip"));
    /** One deflater per level and worker thread, reset for each chunk. */
    private static final ThreadLocal<Deflater[]> DEFLATERS = ThreadLocal.withInitial(() -> new Deflater[10]);
    /** Chunks compressed or waiting per stream: bounds the memory of one stream to a few MiB. */
    private static final int IN_FLIGHT = 2 * THREADS + 2;

    private final OutputStream out;
    private final int level;
    /** ISA-L, a member per chunk; else the JDK, one member. */
    private final boolean members;

    private final CRC32 crc = new CRC32();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /** Chunk arrays no deflate uses any more (neither as input nor as dictionary), to fill again. */
    private final ArrayDeque<byte[]> free = new ArrayDeque<>();
    /** Output arrays whose piece was written, to deflate into again (no garbage of the output's size). */
    private final ArrayDeque<byte[]> freeOutputs = new ArrayDeque<>();

    private long size;
    private byte[] chunk = newChunk();
    private int filled;
    /** The last full chunk, held back until more input shows it is not the last one. */
    private byte @Nullable [] full;

    private byte @Nullable [] previous;
    private boolean closed;

    ParallelGzip(OutputStream out, GzipMethod method) throws IOException {
        this.out = out;
        this.level = method.level();
        this.members = method.isal();
        if (!members) {
            out.write(HEADER);
        }
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
        if (!members) {
            crc.update(b, off, len);
            size += len;
        }
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
                chunk = free.isEmpty() ? newChunk() : free.poll();
                filled = 0;
            }
        }
    }

    /** A chunk being deflated, and the dictionary its deflate reads. */
    private record Pending(Future<Piece> output, byte @Nullable [] dictionary) {}

    /** A chunk's output (raw deflate, or a whole member): the first {@code length} bytes of {@code bytes}. */
    record Piece(byte[] bytes, int length) {}

    private void submit(byte[] data, int length, boolean last) throws IOException {
        byte[] dictionary = previous;
        byte[] output = freeOutputs.isEmpty() ? new byte[memberBound(CHUNK)] : freeOutputs.poll();
        pending.add(new Pending(
                POOL.submit(() -> members
                        ? member(data, length, level, output)
                        : deflate(data, length, dictionary, level, last, output)),
                dictionary));
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
            if (!members) {
                byte[] trailer = new byte[8];
                trailer(trailer, 0, (int) crc.getValue(), size);
                out.write(trailer);
            }
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

    /** Room for a chunk of {@code length} bytes as a gzip member: its deflate, header and trailer. */
    private static int memberBound(int length) {
        return bound(length) + HEADER.length + 8;
    }

    /** A gzip trailer at {@code at}: CRC-32, then ISIZE (the size modulo 2^32), little-endian. */
    private static void trailer(byte[] buf, int at, int crc, long size) {
        int isize = (int) size;
        for (int i = 0; i < 4; i++) {
            buf[at + i] = (byte) (crc >>> (8 * i));
            buf[at + 4 + i] = (byte) (isize >>> (8 * i));
        }
    }

    /**
     * One chunk as a gzip member of its own into {@code output} (or a larger array when it does not fit): ISA-L
     * deflates it unless it looks incompressible, is empty or would not fit (then it is stored, by the JDK at level
     * 0: a copy with a block header every 64 KiB at most).
     */
    static Piece member(byte[] data, int length, int level, byte[] output) {
        byte[] buf = output.length < memberBound(length) ? new byte[memberBound(length)] : output;
        System.arraycopy(HEADER, 0, buf, 0, HEADER.length);
        int n = length > 0 && !incompressible(data, length)
                ? IsalDeflate.deflate(data, length, level, buf, HEADER.length, buf.length - HEADER.length - 8)
                : -1;
        if (n < 0) {
            Piece stored = deflate(data, length, null, 0, true, buf, HEADER.length);
            buf = stored.bytes();
            n = stored.length() - HEADER.length;
        }
        CRC32 crc = new CRC32();
        crc.update(data, 0, length);
        int end = HEADER.length + n;
        if (end + 8 > buf.length) {
            buf = Arrays.copyOf(buf, end + 8);
        }
        trailer(buf, end, (int) crc.getValue(), length);
        return new Piece(buf, end + 8);
    }

    /**
     * One chunk as raw deflate, sync-flushed (byte aligned, not final) unless it is the last, into {@code output}
     * (or a larger array when it does not fit).
     */
    static Piece deflate(
            byte[] data, int length, byte @Nullable [] dictionary, int level, boolean last, byte[] output) {
        return deflate(data, length, dictionary, level, last, output, 0);
    }

    /** As {@link #deflate(byte[], int, byte[], int, boolean, byte[])}, written from {@code from} of the output. */
    private static Piece deflate(
            byte[] data, int length, byte @Nullable [] dictionary, int level, boolean last, byte[] output, int from) {
        int effective = level == 0 || incompressible(data, length) ? 0 : level; // level 0: the caller stores it
        Deflater[] deflaters = DEFLATERS.get();
        Deflater d = deflaters[effective];
        if (d == null) {
            d = deflaters[effective] = new Deflater(effective, true);
        }
        d.reset();
        try {
            if (dictionary != null && effective > 0) {
                d.setDictionary(dictionary, CHUNK - WINDOW, WINDOW); // a dictionary is a full chunk
            }
            d.setInput(data, 0, length);
            if (last) {
                d.finish();
            }
            byte[] buf = output.length < from + bound(length) ? Arrays.copyOf(output, from + bound(length)) : output;
            int n = from;
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

    /**
     * Bytes of a chunk the entropy test reads: {@value #SAMPLE_WINDOWS} windows of {@value #SAMPLE_WINDOW} bytes spread
     * evenly over it (an eighth of a full chunk; the whole of a chunk that short). A histogram of the whole chunk cost
     * as much as ISA-L's deflate of it (measured: 40-50 ms of CPU for the load row's 92 MB); an evenly spread sample
     * keeps a mixed chunk's proportions, and with 16 KiB read the estimate falls about 0.01 bit short of random data's
     * 8 bits, far above the threshold.
     */
    static final int SAMPLE_WINDOWS = 16;

    static final int SAMPLE_WINDOW = 1024;

    /**
     * Order-0 entropy of a sample of the chunk ({@link #SAMPLE_WINDOWS}) over {@link #STORE_ENTROPY_BITS}: deflate
     * would gain (almost) nothing. Deterministic: the sample depends on the length alone.
     */
    static boolean incompressible(byte[] data, int length) {
        if (length < 4096) {
            return false;
        }
        // four tables, merged after: consecutive equal bytes do not wait on each other's increments
        int[] counts = new int[4 * 256];
        int sampled;
        if (length <= SAMPLE_WINDOWS * SAMPLE_WINDOW) {
            count(data, 0, length, counts);
            sampled = length;
        } else {
            int stride = length / SAMPLE_WINDOWS;
            for (int w = 0; w < SAMPLE_WINDOWS; w++) {
                count(data, w * stride, SAMPLE_WINDOW, counts);
            }
            sampled = SAMPLE_WINDOWS * SAMPLE_WINDOW;
        }
        double bits = 0;
        for (int b = 0; b < 256; b++) {
            int c = counts[b] + counts[256 + b] + counts[512 + b] + counts[768 + b];
            if (c > 0) {
                double p = (double) c / sampled;
                bits -= p * Math.log(p);
            }
        }
        return bits / Math.log(2) > STORE_ENTROPY_BITS;
    }

    /** Adds the bytes {@code data[from, from + length)} to four interleaved histograms. */
    private static void count(byte[] data, int from, int length, int[] counts) {
        int i = from;
        int end = from + length;
        for (; i + 3 < end; i += 4) {
            counts[data[i] & 0xff]++;
            counts[256 + (data[i + 1] & 0xff)]++;
            counts[512 + (data[i + 2] & 0xff)]++;
            counts[768 + (data[i + 3] & 0xff)]++;
        }
        for (; i < end; i++) {
            counts[data[i] & 0xff]++;
        }
    }
}
