package dev.sockerless.aca.images;

import dev.sockerless.aca.errors.DockerApiException;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** Whole-stream compressions {@code docker load} accepts, recognised by their magic bytes (oci-registry §9). */
public enum Compression {
    NONE, GZIP, ZSTD, BZIP2, XZ;

    /** How many leading bytes {@link #sniff} looks at. */
    static final int MAGIC_LENGTH = 6;

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

    record Sniffed(Compression compression, InputStream stream) {
    }

    /** The decompressed form of {@code in} (this compression), failing once it expands beyond {@code cap} bytes. */
    InputStream decompress(InputStream in, long cap, String what) throws IOException {
        InputStream raw = switch (this) {
            case NONE -> in;
            case GZIP -> new GZIPInputStream(in, 64 * 1024);
            case ZSTD -> new com.github.luben.zstd.ZstdInputStream(in);
            case BZIP2 -> new BZip2CompressorInputStream(in, true);
            case XZ -> new XZCompressorInputStream(in, true);
        };
        return new Capped(raw, cap, what);
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

    /** Fails with an invalid-parameter error once more than {@code cap} bytes were read (decompression bombs). */
    static final class Capped extends FilterInputStream {
        private final long cap;
        private final String what;
        private long count;

        Capped(InputStream in, long cap, String what) {
            super(in);
            this.cap = cap;
            this.what = what;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                add(n);
            }
            return n;
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
        }
    }
}
