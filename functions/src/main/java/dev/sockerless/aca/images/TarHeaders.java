package dev.sockerless.aca.images;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;

/**
 * Walks the headers of a tar before commons-compress indexes it, so that the indexing cannot exhaust the heap:
 * {@code TarFile} (1.28) reads every entry eagerly, a GNU long name ({@code L}/{@code K}) whole into a byte array and
 * a PAX header's records whole, with no limit of its own. This walk reads only the 512-byte headers (skipping data),
 * the PAX headers (each capped) and nothing else, and refuses an archive past {@link #MAX_ENTRIES} entries, a long
 * name over {@link #MAX_LONG_NAME_BYTES}, a PAX header over {@link #MAX_PAX_HEADER_BYTES}, more than
 * {@link #MAX_METADATA_BYTES} of those together, and sparse entries (never part of an image archive). It steps from
 * header to header as {@code TarFile} does: the size field (octal or base-256), overridden by a PAX {@code size}
 * record (local, else global), up to the first zero block or the end.
 */
final class TarHeaders {

    /** Most tar entries (headers, long names and PAX headers included) in one archive. */
    static final int MAX_ENTRIES = 10_000;
    /** Longest GNU long name or long link name ({@code PATH_MAX}). */
    static final int MAX_LONG_NAME_BYTES = 4096;
    /** Largest PAX extended header (local or global). */
    static final int MAX_PAX_HEADER_BYTES = 64 * 1024;
    /** Most bytes of long names and PAX headers together in one archive. */
    static final long MAX_METADATA_BYTES = 4L * 1024 * 1024;

    private static final int BLOCK = 512;

    /** Positional reads over the archive. */
    interface Source {
        long size() throws IOException;

        /** Reads up to {@code dst.remaining()} bytes at {@code position}; fewer only at the end. */
        void read(long position, ByteBuffer dst) throws IOException;
    }

    private TarHeaders() {}

    static void check(byte[] tar) {
        try {
            check(new Source() {
                @Override
                public long size() {
                    return tar.length;
                }

                @Override
                public void read(long position, ByteBuffer dst) {
                    int n = (int) Math.min(dst.remaining(), Math.max(0, tar.length - position));
                    if (n > 0) {
                        dst.put(tar, (int) position, n);
                    }
                }
            });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // not thrown by an array
        }
    }

    static void check(Path tar) throws IOException {
        try (SeekableByteChannel ch = Files.newByteChannel(tar, StandardOpenOption.READ)) {
            check(new Source() {
                @Override
                public long size() throws IOException {
                    return ch.size();
                }

                @Override
                public void read(long position, ByteBuffer dst) throws IOException {
                    ch.position(position);
                    while (dst.hasRemaining() && ch.read(dst) > 0) {
                        // fill
                    }
                }
            });
        }
    }

    static void check(Source src) throws IOException {
        long size = src.size();
        long pos = 0;
        int entries = 0;
        long metadata = 0;
        Long localSize = null;
        Long globalSize = null;
        byte[] header = new byte[BLOCK];
        while (pos + BLOCK <= size) {
            ByteBuffer buf = ByteBuffer.wrap(header);
            src.read(pos, buf);
            if (buf.hasRemaining() || isZero(header)) {
                return;
            }
            if (++entries > MAX_ENTRIES) {
                throw DockerArchive.invalid("more than " + MAX_ENTRIES + " entries in the tar (the limit)");
            }
            char type = (char) header[156];
            long entrySize = parseSize(header, pos);
            switch (type) {
                case 'L', 'K' -> {
                    if (entrySize > MAX_LONG_NAME_BYTES + 1L) { // the record holds the name and a NUL
                        throw DockerArchive.invalid("a GNU long " + (type == 'L' ? "name" : "link name") + " of "
                                + entrySize + " bytes at offset " + pos + ", over the limit of "
                                + MAX_LONG_NAME_BYTES);
                    }
                    metadata += entrySize;
                }
                case 'x', 'X', 'g' -> {
                    if (entrySize > MAX_PAX_HEADER_BYTES) {
                        throw DockerArchive.invalid("a PAX header of " + entrySize + " bytes at offset " + pos
                                + ", over the limit of " + MAX_PAX_HEADER_BYTES);
                    }
                    metadata += entrySize;
                    ByteBuffer pax = ByteBuffer.allocate((int) entrySize);
                    src.read(pos + BLOCK, pax);
                    Long paxSize = paxSize(pax.array(), pax.position(), pos);
                    if (type == 'g') {
                        globalSize = paxSize;
                    } else {
                        localSize = paxSize;
                    }
                }
                case 'S' -> throw DockerArchive.invalid("sparse entry at offset " + pos + " is not supported");
                default -> {
                    if (localSize != null) {
                        entrySize = localSize;
                    } else if (globalSize != null) {
                        entrySize = globalSize;
                    }
                    localSize = null;
                }
            }
            if (metadata > MAX_METADATA_BYTES) {
                throw DockerArchive.invalid("more than " + MAX_METADATA_BYTES + " bytes of long names and PAX "
                        + "headers in the tar (the limit)");
            }
            long blocks = (entrySize + BLOCK - 1) / BLOCK;
            if (blocks > (Long.MAX_VALUE - pos) / BLOCK - 1) {
                return; // beyond any archive: the entry is truncated, which the indexing reports
            }
            pos += BLOCK + blocks * BLOCK;
        }
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** The size field (offset 124, 12 bytes): octal, or base-256 when the high bit of its first byte is set. */
    private static long parseSize(byte[] h, long at) {
        if ((h[124] & 0x80) != 0) {
            if ((h[124] & 0x40) != 0) {
                throw DockerArchive.invalid("negative entry size in the tar header at offset " + at);
            }
            long v = h[124] & 0x3f;
            for (int i = 125; i < 136; i++) {
                if (v > (Long.MAX_VALUE >>> 8)) {
                    throw DockerArchive.invalid("entry size out of range in the tar header at offset " + at);
                }
                v = (v << 8) | (h[i] & 0xff);
            }
            return v;
        }
        int start = 124;
        int end = 136;
        if (h[start] == 0) {
            return 0;
        }
        while (start < end && h[start] == ' ') {
            start++;
        }
        while (end > start && (h[end - 1] == 0 || h[end - 1] == ' ')) {
            end--;
        }
        long v = 0;
        for (int i = start; i < end; i++) {
            if (h[i] < '0' || h[i] > '7') {
                throw DockerArchive.invalid("malformed size in the tar header at offset " + at);
            }
            v = (v << 3) + (h[i] - '0');
        }
        return v;
    }

    /** The {@code size} record of a PAX header ({@code "<len> key=value\n"} records), null when absent. */
    private static @Nullable Long paxSize(byte[] pax, int length, long at) {
        Long size = null;
        int i = 0;
        while (i < length && pax[i] != 0) {
            int sp = i;
            while (sp < length && pax[sp] >= '0' && pax[sp] <= '9' && sp - i < 9) {
                sp++;
            }
            if (sp == i || sp >= length || pax[sp] != ' ') {
                throw DockerArchive.invalid("malformed PAX header at offset " + at);
            }
            int len = Integer.parseInt(new String(pax, i, sp - i, StandardCharsets.US_ASCII));
            if (len <= sp - i + 1 || i + len > length) {
                throw DockerArchive.invalid("malformed PAX header at offset " + at);
            }
            String record = new String(pax, sp + 1, i + len - sp - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq > 0) {
                String key = record.substring(0, eq);
                String value = record.substring(eq + 1);
                if (key.startsWith("GNU.sparse.")) {
                    throw DockerArchive.invalid("sparse entry at offset " + at + " is not supported");
                }
                if (key.equals("size")) {
                    try {
                        size = value.isEmpty() ? null : Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw DockerArchive.invalid("malformed PAX size at offset " + at);
                    }
                    if (size != null && size < 0) {
                        throw DockerArchive.invalid("negative PAX size at offset " + at);
                    }
                }
            }
            i += len;
        }
        return size;
    }
}
