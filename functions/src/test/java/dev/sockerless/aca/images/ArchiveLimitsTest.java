package dev.sockerless.aca.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.registry.BoundedJson;
import dev.sockerless.aca.registry.Platform;
import dev.sockerless.aca.testing.HostileArchives;
import dev.sockerless.aca.testing.HostileArchives.RawTar;
import dev.sockerless.aca.testing.TestArchives;
import dev.sockerless.aca.testing.TestImages;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive reader's memory limits: every archive built to exhaust the heap (or native memory, or time) is refused
 * with a 400 naming the limit, before anything is indexed past it. {@link #aSmallHeapSurvivesEveryHostileArchive}
 * proves "heap untouched" in a JVM of 64 MiB, where each of these archives is an {@code OutOfMemoryError} without
 * its limit.
 */
class ArchiveLimitsTest {

    @TempDir
    Path temp;

    private DockerApiException refused(byte[] body) {
        try {
            DockerArchive.open(body, 8L << 30, temp, Platform.LINUX_AMD64).close();
        } catch (DockerApiException e) {
            assertThat(e.kind()).isEqualTo(DockerApiException.Kind.INVALID_PARAMETER);
            assertThat(e.getMessage()).startsWith("invalid archive: ");
            return e;
        }
        throw new AssertionError("the archive was accepted");
    }

    @Test
    void tarHeadersAreBounded() {
        assertThat(refused(HostileArchives.longName(TarHeaders.MAX_LONG_NAME_BYTES + 1))
                        .getMessage())
                .contains("GNU long name of 4098 bytes")
                .contains("limit of 4096");
        assertThat(refused(HostileArchives.paxHeader(TarHeaders.MAX_PAX_HEADER_BYTES + 100))
                        .getMessage())
                .contains("PAX header of")
                .contains("limit of 65536");
        ByteArrayOutputStream many = new ByteArrayOutputStream();
        HostileArchives.manyEntries(TarHeaders.MAX_ENTRIES + 1, many);
        assertThat(refused(many.toByteArray()).getMessage()).contains("more than 10000 entries");
        ByteArrayOutputStream names = new ByteArrayOutputStream();
        RawTar tar = new RawTar(names);
        for (int i = 0; i <= TarHeaders.MAX_METADATA_BYTES / 4000; i++) {
            tar.longName(3999, new byte[0]);
        }
        tar.end();
        assertThat(refused(names.toByteArray()).getMessage()).contains("bytes of long names and PAX headers");
        // within the limits the same shapes are read (and then found not to be image archives)
        assertThat(refused(HostileArchives.longName(TarHeaders.MAX_LONG_NAME_BYTES))
                        .getMessage())
                .contains("neither manifest.json nor an OCI layout");
        assertThat(refused(HostileArchives.paxHeader(1000)).getMessage())
                .contains("neither manifest.json nor an OCI layout");
    }

    @Test
    void aPaxSizeRecordMovesTheWalkAsItMovesTheReader() {
        // a PAX size of 1024 makes the next header's data 1024 bytes long although its own size field says 0; the
        // walk must skip them as TarFile does, or it would read the data as headers (here: a long name over the cap)
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RawTar tar = new RawTar(out);
        byte[] record = "13 size=1024\n".getBytes(StandardCharsets.US_ASCII);
        tar.entry("PaxHeaders/f", 'x', record.length, record);
        tar.entry("f", '0', 0, new byte[0]);
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        new RawTar(inner).entry("././@LongLink", 'L', 1 << 20, new byte[0]);
        byte[] data = java.util.Arrays.copyOf(inner.toByteArray(), 1024);
        try {
            out.write(data);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        tar.end();
        assertThat(refused(out.toByteArray()).getMessage())
                .doesNotContain("GNU long name")
                .contains("neither manifest.json nor an OCI layout");
    }

    @Test
    void imagesTagsAndHeldBytesAreBounded() {
        TestArchives.Tar tooMany = new TestArchives.Tar();
        List<Object> entries = new ArrayList<>();
        for (int i = 0; i <= DockerArchive.MAX_IMAGES; i++) {
            entries.add(TestImages.obj("Config", "c.json", "RepoTags", List.of(), "Layers", List.of()));
        }
        tooMany.file("c.json", "{\"rootfs\":{\"diff_ids\":[]}}")
                .file("manifest.json", new String(TestImages.json(entries), StandardCharsets.UTF_8));
        assertThat(refused(tooMany.build()).getMessage()).contains("manifest.json lists 257 images, over the limit");

        List<String> tags = new ArrayList<>();
        for (int i = 0; i <= DockerArchive.MAX_TAGS; i++) {
            tags.add("t:" + i);
        }
        byte[] manyTags = new TestArchives.Tar()
                .file("c.json", "{\"rootfs\":{\"diff_ids\":[]}}")
                .file(
                        "manifest.json",
                        new String(
                                TestImages.json(List.of(
                                        TestImages.obj("Config", "c.json", "RepoTags", tags, "Layers", List.of()))),
                                StandardCharsets.UTF_8))
                .build();
        assertThat(refused(manyTags).getMessage()).contains("more than 1024 tags");

        // five distinct configs of 7 MiB: each under its own cap, together over the held-bytes budget
        TestArchives.Tar big = new TestArchives.Tar();
        List<Object> images = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String pad = String.valueOf(i).repeat(7 << 20);
            big.file("c" + i + ".json", "{\"pad\":\"" + pad + "\",\"rootfs\":{\"diff_ids\":[]}}");
            images.add(TestImages.obj("Config", "c" + i + ".json", "RepoTags", List.of(), "Layers", List.of()));
        }
        big.file("manifest.json", new String(TestImages.json(images), StandardCharsets.UTF_8));
        assertThat(refused(big.build()).getMessage()).contains("hold more than 33554432 bytes together");

        // a config of a few megabytes of empty objects: millions of tree nodes; refused while only streamed
        String values = "{},".repeat(BoundedJson.MAX_TOKENS);
        byte[] wide = new TestArchives.Tar()
                .file("c.json", "{\"history\":[" + values + "{}],\"rootfs\":{\"diff_ids\":[]}}")
                .file(
                        "manifest.json",
                        new String(
                                TestImages.json(List.of(TestImages.obj(
                                        "Config", "c.json", "RepoTags", List.of(), "Layers", List.of()))),
                                StandardCharsets.UTF_8))
                .build();
        assertThat(refused(wide).getMessage()).contains("config c.json has more than 200000 JSON values");
    }

    @Test
    void decompressorsAreBoundedInMemoryAndRatio() throws IOException {
        assertThat(refused(HostileArchives.xzHugeDictionary()).getMessage())
                .contains("the xz archive needs 15729")
                .contains("KiB of memory to decompress")
                .contains("limit of 73728 KiB");
        assertThat(refused(HostileArchives.zstdWindow(Compression.MAX_ZSTD_WINDOW_LOG + 1))
                        .getMessage())
                .contains("the zstd archive uses a zstd window over 2^25 bytes");
        // a window within the limit is decoded (and then found not to be a tar)
        assertThat(refused(HostileArchives.zstdWindow(Compression.MAX_ZSTD_WINDOW_LOG))
                        .getMessage())
                .contains("no files found");

        // 256 MiB of zeros in a few kilobytes: refused at the ratio, long before the 8 GiB cap, within seconds
        byte[] bomb = TestArchives.compress(new byte[0], out -> new com.github.luben.zstd.ZstdOutputStream(out) {
            @Override
            public void close() throws IOException {
                byte[] zeros = new byte[1 << 20];
                for (int i = 0; i < 256; i++) {
                    write(zeros);
                }
                super.close();
            }
        });
        assertThat(bomb.length).isLessThan(64 * 1024);
        long start = System.nanoTime();
        assertThat(refused(bomb).getMessage())
                .contains("expands more than 1100 times")
                .contains("decompression bomb");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(5);
        try (var left = Files.list(temp)) {
            assertThat(left).as("the decompressed temporary file is deleted").isEmpty();
        }
        // a layer inside the archive meets the same ratio
        try (InputStream in =
                Compression.ZSTD.decompress(new java.io.ByteArrayInputStream(bomb), 8L << 30, "layer x")) {
            assertThatThrownBy(() -> in.transferTo(OutputStream.nullOutputStream()))
                    .hasMessageContaining("layer x expands more than 1100 times");
        }
    }

    /**
     * Each hostile archive in a JVM of 64 MiB: all are refused with a 400 within seconds and no temporary file is
     * left; without the limits the long name, the entries and the xz dictionary each end in OutOfMemoryError.
     */
    @Test
    void aSmallHeapSurvivesEveryHostileArchive() throws Exception {
        List<String> files = new ArrayList<>();
        Path longName = temp.resolve("long-name.tar");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(longName))) {
            new RawTar(out).longName(48 << 20, new byte[0]).end();
        }
        files.add(longName.toString());
        Path entries = temp.resolve("entries.tar");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(entries), 1 << 20)) {
            HostileArchives.manyEntries(250_000, out);
        }
        files.add(entries.toString());
        Path xz = temp.resolve("dictionary.tar.xz");
        Files.write(xz, HostileArchives.xzHugeDictionary());
        files.add(xz.toString());

        // one JVM per archive, so that each one alone is shown to fit (without its limit, each one alone fails)
        for (String file : files) {
            String output = child(file);
            assertThat(output)
                    .as(output)
                    .contains("REFUSED " + Path.of(file).getFileName() + " INVALID_PARAMETER")
                    .contains("LEFT 0")
                    .doesNotContain("OutOfMemoryError");
            String line = output.lines()
                    .filter(l -> l.startsWith("REFUSED"))
                    .findFirst()
                    .orElseThrow();
            long ms = Long.parseLong(line.replaceAll("^.* (\\d+) ms: .*$", "$1"));
            assertThat(ms).as(line).isLessThan(10_000);
        }
    }

    private static String child(String file) throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-XX:+ExitOnOutOfMemoryError",
                "-cp",
                classpath,
                ArchiveLimitsChild.class.getName(),
                file);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream in = child.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        return output;
    }
}
