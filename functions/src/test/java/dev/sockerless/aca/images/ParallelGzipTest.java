package dev.sockerless.aca.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class ParallelGzipTest {

    private static final int CHUNK = ParallelGzip.CHUNK;

    private static byte[] gzip(byte[] data, int level, int writeSize) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ParallelGzip gz = new ParallelGzip(out, level)) {
            for (int off = 0; off < data.length; off += writeSize) {
                gz.write(data, off, Math.min(writeSize, data.length - off));
            }
        }
        return out.toByteArray();
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    /** Text, then random bytes, then text again: chunks of both kinds, and chunks mixing them. */
    private static byte[] mixed(int size, long seed) {
        Random random = new Random(seed);
        byte[] out = new byte[size];
        byte[] line = "2026-12-03T11:00:00Z INFO request completed path=/api/items status=200\n"
                .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < size; i++) {
            out[i] = line[i % line.length];
        }
        byte[] noise = new byte[size / 3];
        random.nextBytes(noise);
        System.arraycopy(noise, 0, out, size / 3, noise.length);
        return out;
    }

    @Test
    void roundTripsAtEverySizeAroundTheChunkBoundaries() throws IOException {
        for (int size : new int[] {0, 1, 100, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 5 * CHUNK + 17, 40 * CHUNK}) {
            byte[] data = mixed(size, size);
            for (int writeSize : new int[] {1 << 20, 4096, 7}) {
                if (writeSize == 7 && size > 4 * CHUNK) {
                    continue;
                }
                assertThat(gunzip(gzip(data, 1, writeSize)))
                        .as("size %d, writes of %d", size, writeSize)
                        .isEqualTo(data);
            }
        }
    }

    @Test
    void singleByteWritesAndEveryLevelRoundTrip() throws IOException {
        byte[] data = mixed(3 * CHUNK + 5, 3);
        for (int level = 1; level <= 9; level++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ParallelGzip gz = new ParallelGzip(out, level)) {
                for (int i = 0; i < 1000; i++) {
                    gz.write(data[i]);
                }
                gz.write(data, 1000, data.length - 1000);
            }
            assertThat(gunzip(out.toByteArray())).as("level %d", level).isEqualTo(data);
        }
    }

    @Test
    void isDeterministicWhateverTheWriteSizes() throws IOException {
        byte[] data = mixed(30 * CHUNK + 999, 7);
        byte[] first = gzip(data, 1, 1 << 20);
        assertThat(gzip(data, 1, 8192)).isEqualTo(first);
        assertThat(gzip(data, 1, 1 << 20)).isEqualTo(first);
        assertThat(gzip(data, 6, 8192)).isNotEqualTo(first); // the level is part of the result
    }

    @Test
    void headerIsFixedAndTrailerCarriesCrcAndSize() throws IOException {
        byte[] data = mixed(2 * CHUNK + 3, 9);
        byte[] gz = gzip(data, 1, 1 << 20);
        assertThat(java.util.Arrays.copyOf(gz, 10)).containsExactly(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(data);
        long trailerCrc = 0;
        long trailerSize = 0;
        for (int i = 0; i < 4; i++) {
            trailerCrc |= (gz[gz.length - 8 + i] & 0xffL) << (8 * i);
            trailerSize |= (gz[gz.length - 4 + i] & 0xffL) << (8 * i);
        }
        assertThat(trailerCrc).isEqualTo(crc.getValue());
        assertThat(trailerSize).isEqualTo(data.length);
    }

    @Test
    void storesRandomBytesAndCompressesText() throws IOException {
        byte[] noise = new byte[20 * CHUNK];
        new Random(1).nextBytes(noise);
        byte[] gz = gzip(noise, 6, 1 << 20);
        // stored: 5 bytes of block header per 64 KiB at most, plus flush markers, header and trailer
        assertThat(gz.length).isLessThan(noise.length + noise.length / 1000 + 200);
        assertThat(ParallelGzip.incompressible(noise, noise.length)).isTrue();
        byte[] text = mixed(20 * CHUNK, 2);
        java.util.Arrays.fill(text, text.length / 3, text.length / 3 * 2, (byte) 'x');
        assertThat(ParallelGzip.incompressible(text, text.length)).isFalse();
        assertThat(gzip(text, 1, 1 << 20).length).isLessThan(text.length / 10);
    }

    @Test
    void laterChunksUseThePreviousInputAsDictionary() throws IOException {
        // two equal chunks of random bytes below the store threshold (a reduced alphabet): the second is a
        // back-reference into the first only if the dictionary is used, across the chunk boundary
        Random random = new Random(5);
        byte[] half = new byte[CHUNK];
        for (int i = 0; i < half.length; i++) {
            half[i] = (byte) ('a' + random.nextInt(16));
        }
        byte[] window = java.util.Arrays.copyOfRange(half, CHUNK - 16 * 1024, CHUNK); // within deflate's reach
        byte[] data = new byte[2 * CHUNK];
        System.arraycopy(half, 0, data, 0, CHUNK);
        for (int off = CHUNK; off < data.length; off += window.length) {
            System.arraycopy(window, 0, data, off, window.length);
        }
        int withDictionary = gzip(data, 6, 1 << 20).length;
        int firstAlone = gzip(half, 6, 1 << 20).length;
        assertThat(withDictionary - firstAlone).isLessThan(2_000);
    }
}
