package dev.sockerless.aca.testing;

import static dev.sockerless.aca.testing.TestImages.json;
import static dev.sockerless.aca.testing.TestImages.obj;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;

/** {@code docker save} archives of every format, built byte by byte from {@link TestImages} fixtures. */
public final class TestArchives {

    public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";

    private TestArchives() {}

    /** A tar under construction: files, symlinks and hard links in insertion order. */
    public static final class Tar {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream out = new TarArchiveOutputStream(bytes);

        public Tar() {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        }

        public Tar file(String name, byte[] data) {
            try {
                TarArchiveEntry e = new TarArchiveEntry(name, true);
                e.setSize(data.length);
                e.setModTime(0L);
                out.putArchiveEntry(e);
                out.write(data);
                out.closeArchiveEntry();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            return this;
        }

        public Tar file(String name, String text) {
            return file(name, text.getBytes(StandardCharsets.UTF_8));
        }

        public Tar symlink(String name, String target) {
            return link(name, target, TarArchiveEntry.LF_SYMLINK);
        }

        public Tar hardlink(String name, String target) {
            return link(name, target, TarArchiveEntry.LF_LINK);
        }

        private Tar link(String name, String target, byte type) {
            try {
                TarArchiveEntry e = new TarArchiveEntry(name, type, true);
                e.setLinkName(target);
                e.setModTime(0L);
                out.putArchiveEntry(e);
                out.closeArchiveEntry();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            return this;
        }

        public byte[] build() {
            try {
                out.finish();
                out.close();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            return bytes.toByteArray();
        }
    }

    public static String hex(String digest) {
        return digest.substring("sha256:".length());
    }

    /**
     * Docker ≤ 24: {@code <v1id>/layer.tar} per layer (uncompressed), {@code <cfgHex>.json}, manifest.json,
     * repositories. A layer whose diffID occurred before is a symlink {@code ../<first v1id>/layer.tar}.
     */
    public static byte[] legacy(TestImage image, List<String> repoTags) {
        Tar tar = new Tar();
        List<String> layerPaths = new ArrayList<>();
        Map<String, String> firstByDiffId = new LinkedHashMap<>();
        for (int i = 0; i < image.layers().size(); i++) {
            TestImages.Layer layer = image.layers().get(i);
            String v1id = hex(Blob.sha256((i + ":" + layer.diffId()).getBytes(StandardCharsets.UTF_8)));
            String path = v1id + "/layer.tar";
            tar.file(v1id + "/VERSION", "1.0");
            tar.file(v1id + "/json", "{\"id\":\"" + v1id + "\"}");
            String first = firstByDiffId.putIfAbsent(layer.diffId(), v1id);
            if (first == null) {
                tar.file(path, layer.tar());
            } else {
                tar.symlink(path, "../" + first + "/layer.tar");
            }
            layerPaths.add(path);
        }
        String configName = hex(image.config().digest()) + ".json";
        tar.file(configName, image.config().bytes());
        tar.file("manifest.json", json(List.of(obj("Config", configName, "RepoTags", repoTags, "Layers", layerPaths))));
        tar.file("repositories", "{}");
        return tar.build();
    }

    /**
     * Docker ≥ 25 graphdriver: OCI layout with uncompressed layers named by diffID, an OCI manifest with
     * {@code …layer.v1.tar} layers, one index.json entry per name, plus manifest.json.
     */
    public static byte[] docker25(TestImage image, List<String> fullNames, List<String> repoTags) {
        Tar tar = new Tar();
        tar.file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
        List<Map<String, Object>> layers = new ArrayList<>();
        List<String> layerPaths = new ArrayList<>();
        for (TestImages.Layer layer : image.layers()) {
            layers.add(obj("mediaType", OCI_LAYER, "digest", layer.diffId(), "size", layer.tar().length));
            String path = "blobs/sha256/" + hex(layer.diffId());
            if (!layerPaths.contains(path)) {
                tar.file(path, layer.tar());
            }
            layerPaths.add(path);
        }
        Blob config = new Blob(TestImages.OCI_CONFIG, image.config().bytes());
        byte[] manifest = json(obj(
                "schemaVersion",
                2,
                "mediaType",
                TestImages.OCI_MANIFEST,
                "config",
                TestImages.descriptor(config),
                "layers",
                layers));
        Blob m = new Blob(TestImages.OCI_MANIFEST, manifest);
        tar.file("blobs/sha256/" + hex(config.digest()), config.bytes());
        tar.file("blobs/sha256/" + hex(m.digest()), manifest);
        List<Map<String, Object>> entries = new ArrayList<>();
        for (String name : fullNames) {
            Map<String, Object> d = TestImages.descriptor(m);
            d.put(
                    "annotations",
                    obj(
                            "io.containerd.image.name",
                            name,
                            "org.opencontainers.image.ref.name",
                            name.substring(name.lastIndexOf(':') + 1)));
            entries.add(d);
        }
        if (fullNames.isEmpty()) {
            entries.add(TestImages.descriptor(m));
        }
        tar.file("index.json", json(obj("schemaVersion", 2, "mediaType", TestImages.OCI_INDEX, "manifests", entries)));
        tar.file(
                "manifest.json",
                json(List.of(obj(
                        "Config",
                        "blobs/sha256/" + hex(config.digest()),
                        "RepoTags",
                        repoTags,
                        "Layers",
                        layerPaths))));
        tar.file("repositories", "{}");
        return tar.build();
    }

    /**
     * containerd store: the original (gzip) blobs, index.json → an image index over {@code present} and
     * {@code absent}, of which only {@code present}'s blobs are in the archive.
     */
    public static byte[] containerd(TestImage present, TestImage absent, Blob index, String fullName) {
        Tar tar = new Tar();
        tar.file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
        for (Blob b : present.blobs()) {
            tar.file("blobs/sha256/" + hex(b.digest()), b.bytes());
        }
        tar.file(
                "blobs/sha256/" + hex(present.manifest().digest()),
                present.manifest().bytes());
        tar.file("blobs/sha256/" + hex(index.digest()), index.bytes());
        Map<String, Object> d = TestImages.descriptor(index);
        d.put(
                "annotations",
                obj(
                        "io.containerd.image.name",
                        fullName,
                        "org.opencontainers.image.ref.name",
                        fullName.substring(fullName.lastIndexOf(':') + 1)));
        tar.file(
                "index.json",
                json(obj("schemaVersion", 2, "mediaType", TestImages.OCI_INDEX, "manifests", List.of(d))));
        String familiar = fullName.replaceFirst("^docker\\.io/(library/)?", "");
        tar.file(
                "manifest.json",
                json(List.of(obj(
                        "Config",
                        "blobs/sha256/" + hex(present.config().digest()),
                        "RepoTags",
                        List.of(familiar),
                        "Layers",
                        present.layerBlobs().stream()
                                .map(b -> "blobs/sha256/" + hex(b.digest()))
                                .toList()))));
        return tar.build();
    }

    public static byte[] gzip(byte[] data) {
        return TestImages.gzip(data);
    }

    public static byte[] zstd(byte[] data) {
        return compress(data, ZstdOutputStream::new);
    }

    public static byte[] bzip2(byte[] data) {
        return compress(data, BZip2CompressorOutputStream::new);
    }

    public static byte[] xz(byte[] data) {
        return compress(data, XZCompressorOutputStream::new);
    }

    public interface Wrapper {
        OutputStream wrap(OutputStream out) throws IOException;
    }

    public static byte[] compress(byte[] data, Wrapper wrapper) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream c = wrapper.wrap(out)) {
            c.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code n} zero bytes, gzipped (a decompression bomb when {@code n} is over the cap). */
    public static byte[] gzipBomb(long n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            byte[] zeros = new byte[1 << 20];
            for (long left = n; left > 0; left -= zeros.length) {
                gz.write(zeros, 0, (int) Math.min(zeros.length, left));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
