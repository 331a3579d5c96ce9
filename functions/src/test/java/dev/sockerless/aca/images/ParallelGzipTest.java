package dev.sockerless.aca.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class ParallelGzipTest {

    private static final int CHUNK = ParallelGzip.CHUNK;
    private static final GzipMethod JDK1 = new GzipMethod(1, false);
    private static final GzipMethod ISAL1 = new GzipMethod(1, true);

    private static byte[] gzip(byte[] data, int level, int writeSize) throws IOException {
        return gzip(data, new GzipMethod(level, false), writeSize);
    }

    private static byte[] gzip(byte[] data, GzipMethod method, int writeSize) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ParallelGzip gz = new ParallelGzip(out, method)) {
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
        for (GzipMethod method : new GzipMethod[] {JDK1, ISAL1}) {
            for (int size : new int[] {0, 1, 100, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 5 * CHUNK + 17, 40 * CHUNK}) {
                byte[] data = mixed(size, size);
                for (int writeSize : new int[] {1 << 20, 4096, 7}) {
                    if (writeSize == 7 && size > 4 * CHUNK) {
                        continue;
                    }
                    assertThat(gunzip(gzip(data, method, writeSize)))
                            .as("%s, size %d, writes of %d", method, size, writeSize)
                            .isEqualTo(data);
                }
            }
        }
    }

    /**
     * The machines the app runs on (Azure's Linux plans, CI) are x86-64 Linux, where GKL ships its library: there
     * ISA-L must load, or every load silently runs at the JDK's speed.
     */
    @Test
    void isalLoadsOnX8664Linux() {
        boolean x8664Linux = System.getProperty("os.name").equals("Linux")
                && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
        assertThat(IsalDeflate.available())
                .as(
                        "ISA-L (%s) on %s %s",
                        IsalDeflate.source(), System.getProperty("os.name"), System.getProperty("os.arch"))
                .isEqualTo(x8664Linux);
        assertThat(IsalDeflate.source()).contains(IsalDeflate.VERSION + ".jar");
    }

    /**
     * The bytes of the JDK's format, pinned: a change to the chunking, the dictionaries, the stored-chunk rule or the
     * header fails here, and must come with a new {@link GzipMethod#format()} name (the gzip memo maps a layer to the
     * digest of its gzip by that name: a repeated load that re-gzips a layer the registry lost must get the remembered
     * digest). The input has text, random bytes, chunks mixing the two, and a chunk whose sample is text and the rest
     * random. ISA-L's bytes are not pinned: it picks its code by CPU features (AVX-512 here), and another machine's
     * may write other bytes; a memo from such an instance is corrected where it fails
     * ({@code ImageLoadIT.aMemoNamingAnotherDigestIsCorrectedAndTheNextLoadPushesTheLayer}).
     */
    @Test
    void theJdkFormatWritesTheBytesItAlwaysWrote() throws IOException {
        byte[] noise = new byte[CHUNK];
        new Random(31).nextBytes(noise);
        byte[] text = mixed(CHUNK, 32);
        java.util.Arrays.fill(text, CHUNK / 3, 2 * CHUNK / 3, (byte) 'y');
        byte[] sampledText = noise.clone();
        int stride = CHUNK / ParallelGzip.SAMPLE_WINDOWS;
        for (int w = 0; w < ParallelGzip.SAMPLE_WINDOWS; w++) {
            System.arraycopy(text, w * stride, sampledText, w * stride, ParallelGzip.SAMPLE_WINDOW);
        }
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        input.write(mixed(5 * CHUNK + 17, 11));
        input.write(sampledText);
        input.write(noise, 0, 1000);
        byte[] data = input.toByteArray();
        java.util.Map<String, String> digests = new java.util.LinkedHashMap<>();
        for (GzipMethod method : new GzipMethod[] {JDK1, new GzipMethod(6, false)}) {
            digests.put(method.level() + "|" + method.format(), sha256(gzip(data, method, 65536)));
        }
        assertThat(digests)
                .containsExactly(
                        java.util.Map.entry(
                                "1|pgz3", "e37cd3373e0622a3a70262542203699cfce777f981a7300b4f68fdc21e5ba505"),
                        java.util.Map.entry(
                                "6|pgz3", "55e0ed6ed95e4d31a13effaf14fa8da25eb2c88a3905900136ac52f33f427085"));
    }

    private static String sha256(byte[] b) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void isalIsUsedOnlyWhereAllowedAndAtItsLevels() {
        assertThat(GzipMethod.of(1, true)).isEqualTo(ISAL1);
        assertThat(GzipMethod.of(2, true).isal()).isTrue();
        assertThat(GzipMethod.of(3, true).isal()).isFalse();
        assertThat(GzipMethod.of(1, false).isal()).isFalse();
        assertThat(ISAL1.format()).isEqualTo("pgz4-" + IsalDeflate.VERSION).isNotEqualTo(JDK1.format());
    }

    /**
     * ISA-L's output is a series of gzip members, one per chunk in order, each with the fixed header and its own
     * chunk's CRC-32 and size; gzip itself and commons-compress (as Go's reader, all members) read it whole.
     */
    @Test
    void isalWritesAMemberPerChunk() throws IOException, InterruptedException {
        byte[] data = mixed(5 * CHUNK + 17, 11);
        byte[] gz = gzip(data, ISAL1, 8192);
        int at = 0;
        for (int chunk = 0; chunk * CHUNK < data.length; chunk++) {
            assertThat(java.util.Arrays.copyOfRange(gz, at, at + 10))
                    .as("member %d's header", chunk)
                    .containsExactly(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0);
            java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
            inflater.setInput(gz, at + 10, gz.length - at - 10);
            byte[] got = new byte[CHUNK];
            int n;
            try {
                n = inflater.inflate(got);
            } catch (java.util.zip.DataFormatException e) {
                throw new AssertionError(e);
            }
            assertThat(inflater.finished())
                    .as("member %d ends its deflate stream", chunk)
                    .isTrue();
            int from = chunk * CHUNK;
            int length = Math.min(CHUNK, data.length - from);
            assertThat(n).isEqualTo(length);
            assertThat(java.util.Arrays.copyOf(got, n)).isEqualTo(java.util.Arrays.copyOfRange(data, from, from + n));
            int trailer = gz.length - inflater.getRemaining();
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(data, from, length);
            assertThat(le32(gz, trailer)).as("member %d's CRC-32", chunk).isEqualTo(crc.getValue());
            assertThat(le32(gz, trailer + 4)).as("member %d's size", chunk).isEqualTo(length);
            at = trailer + 8;
            inflater.end();
        }
        assertThat(at).as("nothing after the last member").isEqualTo(gz.length);
        try (InputStream in = new org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream(
                new ByteArrayInputStream(gz), true)) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        java.nio.file.Path file = java.nio.file.Files.createTempFile("members", ".gz");
        try {
            java.nio.file.Files.write(file, gz);
            Process gunzip = new ProcessBuilder("gzip", "-dc", file.toString()).start();
            byte[] out = gunzip.getInputStream().readAllBytes();
            assertThat(gunzip.waitFor())
                    .as(new String(gunzip.getErrorStream().readAllBytes()))
                    .isZero();
            assertThat(out).isEqualTo(data);
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    /** ISA-L at level 1 compresses the text at least as well as the JDK's level 1 (measured: 23.8 % against 26.8 %). */
    @Test
    void isalCompressesTextAsWellAsTheJdk() throws IOException {
        byte[] text = new byte[20 * CHUNK];
        Random random = new Random(3);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < text.length) {
            sb.append("2026-12-03T11:00:")
                    .append(random.nextInt(60))
                    .append("Z INFO job ")
                    .append(random.nextInt(1000))
                    .append(" finished: ")
                    .append(random.nextInt(100_000))
                    .append(" records\n");
        }
        System.arraycopy(sb.toString().getBytes(StandardCharsets.US_ASCII), 0, text, 0, text.length);
        int isal = gzip(text, ISAL1, 1 << 20).length;
        assertThat(isal).isLessThan(text.length / 3).isLessThanOrEqualTo(gzip(text, JDK1, 1 << 20).length * 11 / 10);
        assertThat(gunzip(gzip(text, ISAL1, 1 << 20))).isEqualTo(text);
    }

    private static long le32(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (b[at + i] & 0xffL) << (8 * i);
        }
        return v;
    }

    @Test
    void singleByteWritesAndEveryLevelRoundTrip() throws IOException {
        byte[] data = mixed(3 * CHUNK + 5, 3);
        for (int level = 1; level <= 9; level++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ParallelGzip gz = new ParallelGzip(out, new GzipMethod(level, false))) {
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
        for (GzipMethod method : new GzipMethod[] {JDK1, ISAL1, new GzipMethod(2, true)}) {
            byte[] first = gzip(data, method, 1 << 20);
            assertThat(gzip(data, method, 8192)).as("%s", method).isEqualTo(first);
            assertThat(gzip(data, method, 1 << 20)).as("%s", method).isEqualTo(first);
            assertThat(gzip(data, 6, 8192)).isNotEqualTo(first); // the method is part of the result
        }
        assertThat(gzip(data, ISAL1, 8192)).isNotEqualTo(gzip(data, JDK1, 8192));
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
    void isalDeflatesInPlaceExactlyAsFromACopy() {
        // an array with room for the padding is deflated in place (its padding zeroed first), else copied: the same
        // bytes either way, whatever the padding held before
        byte[] data = mixed(CHUNK, 13);
        byte[] padded = java.util.Arrays.copyOf(data, CHUNK + IsalDeflate.PADDING);
        java.util.Arrays.fill(padded, CHUNK, padded.length, (byte) 0x5a);
        byte[] fromCopy = new byte[2 * CHUNK];
        byte[] inPlace = new byte[2 * CHUNK];
        int n = IsalDeflate.deflate(data, data.length, 1, fromCopy, 0, fromCopy.length);
        int m = IsalDeflate.deflate(padded, CHUNK, 1, inPlace, 0, inPlace.length);
        assertThat(n).isPositive();
        assertThat(java.util.Arrays.copyOf(inPlace, m)).isEqualTo(java.util.Arrays.copyOf(fromCopy, n));
        assertThat(java.util.Arrays.copyOfRange(padded, CHUNK, padded.length)).containsOnly(0);
        assertThat(java.util.Arrays.copyOf(padded, CHUNK)).isEqualTo(data);
    }

    @Test
    void theEntropySampleTellsRandomFromTextAndMixedChunks() {
        byte[] noise = new byte[CHUNK];
        new Random(21).nextBytes(noise);
        assertThat(ParallelGzip.incompressible(noise, CHUNK)).isTrue();
        assertThat(ParallelGzip.incompressible(noise, 8192)).isTrue(); // a short chunk is read whole
        byte[] text = new byte[CHUNK];
        Random lines = new Random(22);
        for (int at = 0; at < CHUNK; ) {
            byte[] line = ("2026-12-03T11:00:0" + lines.nextInt(10) + "Z INFO id=" + lines.nextInt(1_000_000)
                            + " done in " + lines.nextInt(500) + " ms\n")
                    .getBytes(StandardCharsets.US_ASCII);
            int n = Math.min(line.length, CHUNK - at);
            System.arraycopy(line, 0, text, at, n);
            at += n;
        }
        assertThat(ParallelGzip.incompressible(text, CHUNK)).isFalse();
        // half random, half text, in halves or interleaved by 4 KiB: the sample keeps the proportions
        byte[] halves = noise.clone();
        System.arraycopy(text, 0, halves, CHUNK / 2, CHUNK / 2);
        assertThat(ParallelGzip.incompressible(halves, CHUNK)).isFalse();
        byte[] interleaved = noise.clone();
        for (int off = 0; off < CHUNK; off += 8192) {
            System.arraycopy(text, off, interleaved, off, 4096);
        }
        assertThat(ParallelGzip.incompressible(interleaved, CHUNK)).isFalse();
        // the sample is what is read: random bytes between its windows leave a text chunk compressed
        byte[] textOutsideSample = text.clone();
        int stride = CHUNK / ParallelGzip.SAMPLE_WINDOWS;
        for (int w = 0; w < ParallelGzip.SAMPLE_WINDOWS; w++) {
            System.arraycopy(
                    noise,
                    w * stride + ParallelGzip.SAMPLE_WINDOW,
                    textOutsideSample,
                    w * stride + ParallelGzip.SAMPLE_WINDOW,
                    stride - ParallelGzip.SAMPLE_WINDOW);
        }
        assertThat(ParallelGzip.incompressible(textOutsideSample, CHUNK)).isFalse();
    }

    @Test
    void storesRandomBytesAndCompressesText() throws IOException {
        byte[] noise = new byte[20 * CHUNK];
        new Random(1).nextBytes(noise);
        byte[] gz = gzip(noise, 6, 1 << 20);
        // stored: 5 bytes of block header per 64 KiB at most, plus flush markers, header and trailer
        assertThat(gz.length).isLessThan(noise.length + noise.length / 1000 + 200);
        // with ISA-L too (a member of 18 bytes of header and trailer per chunk on top)
        assertThat(gzip(noise, ISAL1, 1 << 20).length).isLessThan(noise.length + noise.length / 1000 + 20 * 18 + 200);
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
