package dev.sockerless.aca.images;

import dev.sockerless.aca.errors.DockerApiException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.jspecify.annotations.Nullable;

/** Whole-stream compressions {@code docker load} accepts, recognised by their magic bytes (moby {@code pkg/archive} {@code DetectCompression}). */
public enum Compression {
    NONE,
    GZIP,
    ZSTD,
    BZIP2,
    XZ;

    /** How many leading bytes {@link #sniff} looks at. */
    static final int MAGIC_LENGTH = 6;
    /**
     * Most memory an xz stream may ask for, in KiB: {@code xz -9} needs 65 MiB to decompress; a 100-byte header
     * can otherwise demand a 1.5 GiB dictionary, allocated in the heap before the first byte comes out.
     */
    static final int MAX_XZ_MEMORY_KIB = 72 * 1024;
    /**
     * Largest zstd window, as a power of two: 2^25 = 32 MiB (native memory per stream; zstd's own default limit is
     * 2^27, levels up to 19 use at most 8 MiB, only {@code --long} and {@code --ultra} go beyond).
     */
    static final int MAX_ZSTD_WINDOW_LOG = 25;
    /**
     * Most bytes a stream may expand to per compressed byte read (beyond {@link #RATIO_ALLOWANCE}): gzip cannot
     * exceed about 1032:1, the others can reach millions, and a small bomb should fail within seconds, long before the
     * absolute cap.
     */
    static final long MAX_RATIO = 1100;
    /** Expansion allowed whatever the ratio, so that tiny streams are never refused for it. */
    static final long RATIO_ALLOWANCE = 1L << 20;

    /** The compression whose magic starts {@code head[0..length)}; {@link #NONE} otherwise. */
    public static Compression sniff(byte[] head, int length) {
        if (starts(head, length, 0x1f, 0x8b)) {
            return GZIP;
        }
        if (starts(head, length, 0x28, 0xb5, 0x2f, 0xfd)) {
            return ZSTD;
        }
        if (starts(head, length, 0x42, 0x5a, 0x68)) {
            return BZIP2;
        }
        if (starts(head, length, 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) {
            return XZ;
        }
        return NONE;
    }

    /** Sniffs a stream without consuming it: returns the compression and a stream positioned at the start. */
    static Sniffed sniff(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 64 * 1024);
        buffered.mark(MAGIC_LENGTH);
        byte[] head = buffered.readNBytes(MAGIC_LENGTH);
        buffered.reset();
        return new Sniffed(sniff(head, head.length), buffered);
    }

    record Sniffed(Compression compression, InputStream stream) {}

    /**
     * The decompressed form of {@code in} (this compression), failing once it expands beyond {@code cap} bytes or
     * beyond {@link #MAX_RATIO} times what it read, or when the stream asks for more memory than
     * {@link #MAX_XZ_MEMORY_KIB} (xz) or a window over 2^{@link #MAX_ZSTD_WINDOW_LOG} (zstd).
     */
    InputStream decompress(InputStream in, long cap, String what) throws IOException {
        Counting compressed = new Counting(in);
        InputStream raw = switch (this) {
            case NONE -> compressed;
            case GZIP -> new GZIPInputStream(compressed, 64 * 1024);
            case ZSTD -> new com.github.luben.zstd.ZstdInputStream(compressed).setLongMax(MAX_ZSTD_WINDOW_LOG);
            case BZIP2 -> new BZip2CompressorInputStream(compressed, true);
            case XZ ->
                XZCompressorInputStream.builder()
                        .setInputStream(compressed)
                        .setDecompressConcatenated(true)
                        .setMemoryLimitKiB(MAX_XZ_MEMORY_KIB)
                        .get();
        };
        return new Capped(raw, cap, what, this == NONE ? null : compressed);
    }

    /** Counts the bytes read through it. */
    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += Math.max(0, skipped);
            return skipped;
        }
    }

    private static boolean starts(byte[] head, int length, int... magic) {
        if (length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((head[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Fails with an invalid-parameter error once more than {@code cap} bytes were read, or more than
     * {@link #MAX_RATIO} per compressed byte (decompression bombs), or when the decompressor needs more memory than
     * allowed.
     */
    static final class Capped extends FilterInputStream {
        private final long cap;
        private final String what;
        private final @Nullable Counting compressed;
        private long count;

        Capped(InputStream in, long cap, String what, @Nullable Counting compressed) {
            super(in);
            this.cap = cap;
            this.what = what;
            this.compressed = compressed;
        }

        @Override
        public int read() throws IOException {
            int b;
            try {
                b = super.read();
            } catch (IOException e) {
                throw memoryLimit(e);
            }
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n;
            try {
                n = super.read(buf, off, len);
            } catch (IOException e) {
                throw memoryLimit(e);
            }
            if (n > 0) {
                add(n);
            }
            return n;
        }

        /** A decompressor's memory refusal as a clear 400; other failures unchanged. */
        private IOException memoryLimit(IOException e) {
            if (e instanceof org.apache.commons.compress.MemoryLimitException m) {
                throw DockerApiException.invalid("invalid archive: " + what + " needs " + m.getMemoryNeededInKb()
                        + " KiB of memory to decompress, over the limit of " + m.getMemoryLimitInKb() + " KiB");
            }
            if (e instanceof com.github.luben.zstd.ZstdIOException z
                    && z.getErrorCode() == com.github.luben.zstd.Zstd.errFrameParameterWindowTooLarge()) {
                throw DockerApiException.invalid("invalid archive: " + what + " uses a zstd window over 2^"
                        + MAX_ZSTD_WINDOW_LOG + " bytes (the limit)");
            }
            return e;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            add(skipped);
            return skipped;
        }

        private void add(long n) {
            count += n;
            if (count > cap) {
                throw DockerApiException.invalid("invalid archive: " + what + " expands to more than " + cap
                        + " bytes (the limit for uncompressed content)");
            }
            if (compressed != null
                    && count > RATIO_ALLOWANCE
                    && count - RATIO_ALLOWANCE > MAX_RATIO * compressed.count) {
                throw DockerApiException.invalid("invalid archive: " + what + " expands more than " + MAX_RATIO
                        + " times (" + compressed.count + " bytes to more than " + count + "): a decompression bomb");
            }
        }
    }
}
