package dev.sockerless.aca.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Archives built to exhaust a reader's memory: tar headers written by hand (GNU long names, PAX headers, endless
 * entries) and compressed streams whose few header bytes demand huge buffers. Nothing here allocates what the
 * archive asks for.
 */
public final class HostileArchives {

    private HostileArchives() {}

    /** Writes raw 512-byte tar records. */
    public static final class RawTar {
        private final OutputStream out;

        public RawTar(OutputStream out) {
            this.out = out;
        }

        /** One entry: a ustar header of {@code type} and {@code size}, then {@code data} padded to 512. */
        public RawTar entry(String name, char type, long size, byte[] data) {
            byte[] h = new byte[512];
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(n, 0, h, 0, Math.min(100, n.length));
            octal(h, 100, 8, 0644);
            octal(h, 108, 8, 0);
            octal(h, 116, 8, 0);
            octal(h, 124, 12, size);
            octal(h, 136, 12, 0);
            h[156] = (byte) type;
            System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
            h[263] = '0';
            h[264] = '0';
            Arrays.fill(h, 148, 156, (byte) ' ');
            long sum = 0;
            for (byte b : h) {
                sum += b & 0xff;
            }
            octal(h, 148, 7, sum);
            h[155] = ' ';
            try {
                out.write(h);
                out.write(data);
                int pad = (int) ((512 - data.length % 512) % 512);
                out.write(new byte[pad]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        public RawTar file(String name, byte[] data) {
            return entry(name, '0', data.length, data);
        }

        /** A GNU long name record of {@code length} bytes (plus its NUL), then the file it names. */
        public RawTar longName(int length, byte[] data) {
            byte[] name = new byte[length + 1];
            Arrays.fill(name, 0, length, (byte) 'a');
            entry("././@LongLink", 'L', name.length, name);
            return file("short", data);
        }

        /** A PAX header holding one {@code comment} record of about {@code length} bytes, then a file. */
        public RawTar paxHeader(int length, byte[] data) {
            String value = "c".repeat(Math.max(1, length - 20));
            String body = "comment=" + value + "\n";
            int len = body.length() + 1;
            while (String.valueOf(len).length() + 1 + body.length() != len) {
                len = String.valueOf(len).length() + 1 + body.length();
            }
            String record = len + " " + body;
            byte[] bytes = record.getBytes(StandardCharsets.UTF_8);
            entry("PaxHeaders/x", 'x', bytes.length, bytes);
            return file("x", data);
        }

        public void end() {
            try {
                out.write(new byte[1024]);
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void octal(byte[] h, int at, int width, long value) {
            String s = Long.toOctalString(value);
            String padded = "0".repeat(Math.max(0, width - 1 - s.length())) + s;
            byte[] b = padded.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(b, 0, h, at, Math.min(b.length, width - 1));
            h[at + width - 1] = 0;
        }
    }

    /** A tar of one GNU long name of {@code length} bytes. */
    public static byte[] longName(int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RawTar t = new RawTar(out).longName(length, new byte[0]);
        t.end();
        return out.toByteArray();
    }

    /** A tar of one PAX header of about {@code length} bytes. */
    public static byte[] paxHeader(int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RawTar t = new RawTar(out).paxHeader(length, new byte[0]);
        t.end();
        return out.toByteArray();
    }

    /** Writes a tar of {@code count} empty files (one header each). */
    public static void manyEntries(int count, OutputStream out) {
        RawTar t = new RawTar(out);
        byte[] none = new byte[0];
        for (int i = 0; i < count; i++) {
            t.file("f" + i, none);
        }
        t.end();
    }

    /**
     * An xz stream whose LZMA2 block header asks for a dictionary of 1.5 GiB (property byte 37: 3 × 2^29): a
     * decoder without a memory limit allocates it before producing a byte. Built from a real small stream, the
     * dictionary byte patched and the block header's CRC32 recomputed.
     */
    public static byte[] xzHugeDictionary() {
        byte[] xz = TestArchives.xz("x".repeat(100).getBytes(StandardCharsets.US_ASCII));
        int block = 12; // after the stream header
        int headerSize = ((xz[block] & 0xff) + 1) * 4;
        // block header: size, flags, [filter flags: id 0x21, properties size 1, dictionary byte], padding, CRC32
        int flags = xz[block + 1] & 0xff;
        int at = block + 2;
        if ((flags & 0x40) != 0) {
            at += varintLength(xz, at);
        }
        if ((flags & 0x80) != 0) {
            at += varintLength(xz, at);
        }
        if (xz[at] != 0x21 || xz[at + 1] != 1) {
            throw new IllegalStateException("unexpected xz block header");
        }
        xz[at + 2] = 37;
        CRC32 crc = new CRC32();
        crc.update(xz, block, headerSize - 4);
        long v = crc.getValue();
        for (int i = 0; i < 4; i++) {
            xz[block + headerSize - 4 + i] = (byte) (v >>> (8 * i));
        }
        return xz;
    }

    private static int varintLength(byte[] b, int at) {
        int n = 1;
        while ((b[at + n - 1] & 0x80) != 0) {
            n++;
        }
        return n;
    }

    /**
     * A zstd frame whose header declares a window of 2^{@code windowLog} bytes (no content size, so the decoder
     * must honour the window), followed by one small raw block.
     */
    public static byte[] zstdWindow(int windowLog) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd});
        out.write(0x00); // frame header descriptor: no single segment, no checksum, no dictionary, no content size
        out.write((windowLog - 10) << 3); // window descriptor: exponent, mantissa 0
        byte[] data = "tar?".getBytes(StandardCharsets.US_ASCII);
        int header = (data.length << 3) | 1; // last block, raw
        out.write(header & 0xff);
        out.write((header >>> 8) & 0xff);
        out.write((header >>> 16) & 0xff);
        out.writeBytes(data);
        return out.toByteArray();
    }
}
