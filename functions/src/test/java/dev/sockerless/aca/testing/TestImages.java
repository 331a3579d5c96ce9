package dev.sockerless.aca.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Deterministic image fixtures built in code (never fetched): layers (tar → gzip), config JSON, OCI and
 * Docker schema2 manifests, and indexes / manifest lists with optional attestation entries. Every JSON
 * document is kept as the exact bytes that were produced and digests are computed from those bytes.
 *
 * <p>Gzip output can differ between zlib builds, so tests should compare against digests computed from
 * the fixture ({@link Blob#digest()}) rather than hard-coded values.
 */
public final class TestImages {

    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
    public static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    /** The label of {@link #labelled} images. */
    public static final String LABEL = "dev.sockerless.e2e";
    /** The creation time of {@link #labelled} images. */
    public static final String CREATED = "2025-02-14T03:28:36Z";

    public static final String IN_TOTO = "application/vnd.in-toto+json";
    /** The four modern manifest media types, comma-joined, for an {@code Accept} header. */
    public static final String ACCEPT_ALL_MANIFESTS =
            String.join(", ", OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST);

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestImages() {}

    /** Which family of media types to use. */
    public enum Format {
        OCI(OCI_INDEX, OCI_MANIFEST, OCI_CONFIG, OCI_LAYER_GZIP),
        DOCKER(DOCKER_LIST, DOCKER_MANIFEST, DOCKER_CONFIG, DOCKER_LAYER_GZIP);

        public final String indexType;
        public final String manifestType;
        public final String configType;
        public final String layerType;

        Format(String indexType, String manifestType, String configType, String layerType) {
            this.indexType = indexType;
            this.manifestType = manifestType;
            this.configType = configType;
            this.layerType = layerType;
        }
    }

    /** An image platform; {@code variant} may be {@code null}. */
    public record Platform(String os, String architecture, String variant) {
        public static final Platform LINUX_AMD64 = new Platform("linux", "amd64", null);
        public static final Platform LINUX_ARM64 = new Platform("linux", "arm64", "v8");
        public static final Platform LINUX_ARM_V7 = new Platform("linux", "arm", "v7");

        /** {@code os/arch[/variant]}. */
        @Override
        public String toString() {
            return os + "/" + architecture + (variant == null ? "" : "/" + variant);
        }
    }

    /**
     * A layer: the uncompressed tar, its diffID and the compressed blob that is pushed.
     *
     * @param tar    uncompressed tar bytes (for non-tar artifacts: the raw bytes)
     * @param diffId {@code sha256:} of {@code tar}
     * @param blob   the blob as stored in a registry
     */
    public record Layer(byte[] tar, String diffId, Blob blob) {}

    // ---------------------------------------------------------------- layers

    /** A layer with one UTF-8 text file. */
    public static Layer layer(Format format, String path, String content) {
        return layer(format, Map.of(path, content.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A layer holding the given files (sorted by path; mtime 0, uid/gid 0, mode 0644), gzip-compressed
     * with mtime 0.
     */
    public static Layer layer(Format format, Map<String, byte[]> files) {
        byte[] tar = tar(files);
        return new Layer(tar, Blob.sha256(tar), new Blob(format.layerType, gzip(tar)));
    }

    /** A deterministic tar of the given files, sorted by path. */
    public static byte[] tar(Map<String, byte[]> files) {
        SortedMap<String, byte[]> sorted = new TreeMap<>(files);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> file : sorted.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setSize(file.getValue().length);
                entry.setModTime(0L);
                entry.setIds(0, 0);
                entry.setNames("", "");
                entry.setMode(0644);
                tar.putArchiveEntry(entry);
                tar.write(file.getValue());
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Gzip with header mtime 0 (the JDK always writes 0). */
    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- config

    /** A new config builder (defaults: linux/amd64, created 1970-01-01T00:00:00Z, a PATH env, Cmd /app/hello). */
    public static ConfigBuilder config() {
        return new ConfigBuilder();
    }

    /** Builds image config JSON bytes. Optional fields left unset are omitted. */
    public static final class ConfigBuilder {
        private Platform platform = Platform.LINUX_AMD64;
        private String created = "1970-01-01T00:00:00Z";
        private String author;
        private List<String> env = List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        private List<String> cmd = List.of("/app/hello");
        private List<String> entrypoint;
        private String workingDir;
        private String user;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final List<String> exposedPorts = new ArrayList<>();
        private final List<String> diffIds = new ArrayList<>();
        private final List<Map<String, Object>> history = new ArrayList<>();

        private ConfigBuilder() {}

        public ConfigBuilder platform(Platform platform) {
            this.platform = platform;
            return this;
        }

        public ConfigBuilder created(String created) {
            this.created = created;
            return this;
        }

        public ConfigBuilder author(String author) {
            this.author = author;
            return this;
        }

        public ConfigBuilder env(String... env) {
            this.env = List.of(env);
            return this;
        }

        public ConfigBuilder cmd(String... cmd) {
            this.cmd = cmd == null ? null : List.of(cmd);
            return this;
        }

        public ConfigBuilder entrypoint(String... ep) {
            this.entrypoint = ep == null ? null : List.of(ep);
            return this;
        }

        public ConfigBuilder workingDir(String workingDir) {
            this.workingDir = workingDir;
            return this;
        }

        public ConfigBuilder user(String user) {
            this.user = user;
            return this;
        }

        public ConfigBuilder label(String key, String value) {
            labels.put(key, value);
            return this;
        }
        /** e.g. {@code "8080/tcp"}. */
        public ConfigBuilder exposedPort(String port) {
            exposedPorts.add(port);
            return this;
        }

        public ConfigBuilder diffId(String diffId) {
            diffIds.add(diffId);
            return this;
        }

        /** Adds a history entry; without any, one {@code created_by} entry per diffID is generated. */
        public ConfigBuilder history(String createdBy, boolean emptyLayer) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("created", created);
            h.put("created_by", createdBy);
            if (emptyLayer) {
                h.put("empty_layer", true);
            }
            history.add(h);
            return this;
        }

        /** The config JSON as a blob of the format's config media type. */
        public Blob build(Format format) {
            Map<String, Object> cfg = new LinkedHashMap<>();
            if (user != null) cfg.put("User", user);
            if (!exposedPorts.isEmpty()) {
                Map<String, Object> ports = new LinkedHashMap<>();
                exposedPorts.forEach(p -> ports.put(p, obj()));
                cfg.put("ExposedPorts", ports);
            }
            if (env != null) cfg.put("Env", env);
            if (entrypoint != null) cfg.put("Entrypoint", entrypoint);
            if (cmd != null) cfg.put("Cmd", cmd);
            if (workingDir != null) cfg.put("WorkingDir", workingDir);
            if (!labels.isEmpty()) cfg.put("Labels", labels);

            Map<String, Object> root = new LinkedHashMap<>();
            root.put("architecture", platform.architecture());
            if (platform.variant() != null) root.put("variant", platform.variant());
            root.put("os", platform.os());
            if (created != null) root.put("created", created);
            if (author != null) root.put("author", author);
            root.put("config", cfg);
            root.put("rootfs", obj("type", "layers", "diff_ids", diffIds));
            List<Map<String, Object>> hist = new ArrayList<>(history);
            if (hist.isEmpty()) {
                for (int i = 0; i < diffIds.size(); i++) {
                    Map<String, Object> h = new LinkedHashMap<>();
                    h.put("created", created);
                    h.put("created_by", "COPY layer" + i + " / # buildkit");
                    hist.add(h);
                }
            }
            root.put("history", hist);
            return new Blob(format.configType, json(root));
        }
    }

    // ---------------------------------------------------------------- manifests and indexes

    /** A schema-2 manifest (OCI or Docker) referencing the given config and layer blobs. */
    public static Blob manifest(Format format, Blob config, List<Blob> layers) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schemaVersion", 2);
        m.put("mediaType", format.manifestType);
        m.put("config", descriptor(config));
        m.put("layers", layers.stream().map(TestImages::descriptor).toList());
        return new Blob(format.manifestType, json(m));
    }

    /** An image from explicit layers and a customised config (the diffIDs and platform are filled in). */
    public static TestImage image(
            Format format, Platform platform, UnaryOperator<ConfigBuilder> customizer, List<Layer> layers) {
        ConfigBuilder cb = config().platform(platform);
        layers.forEach(l -> cb.diffId(l.diffId()));
        Blob config = customizer.apply(cb).build(format);
        Blob manifest =
                manifest(format, config, layers.stream().map(Layer::blob).toList());
        return new TestImage(platform, config, layers, manifest);
    }

    /** A small image with one layer holding {@code app/hello} whose content names the platform. */
    public static TestImage simple(Format format, Platform platform) {
        Layer layer = layer(format, "app/hello", "hello from " + platform + "\n");
        return image(format, platform, c -> c.label("org.example.fixture", "simple"), List.of(layer));
    }

    /** Three layers where the third repeats the first (a symlinked duplicate in legacy archives). */
    public static TestImage repeatedLayer() {
        Layer a = layer(Format.DOCKER, "a.txt", "a\n");
        Layer b = layer(Format.DOCKER, "b.txt", "b\n");
        return image(Format.DOCKER, Platform.LINUX_AMD64, UnaryOperator.identity(), List.of(a, b, a));
    }

    /**
     * A one-layer image ({@code app/hello}) labelled {@value #LABEL}={@code name} and created {@value #CREATED}, so
     * that every end-to-end fixture has its own image ID.
     */
    public static TestImage labelled(Format format, Platform platform, String name) {
        return labelled(
                format, platform, name, layer(format, "app/hello", "hello from " + name + " on " + platform + "\n"));
    }

    /** {@link #labelled(Format, Platform, String)} with {@code layer} as its one layer. */
    public static TestImage labelled(Format format, Platform platform, String name, Layer layer) {
        return image(format, platform, c -> c.label(LABEL, name).created(CREATED), List.of(layer));
    }

    /** A two-layer image with Entrypoint, WorkingDir, User, a label and an exposed port. */
    public static TestImage rich(Format format, Platform platform) {
        Layer base = layer(
                format,
                Map.of(
                        "etc/os-release", "ID=fixture\n".getBytes(StandardCharsets.UTF_8),
                        "app/hello", ("hello from " + platform + "\n").getBytes(StandardCharsets.UTF_8)));
        Layer app = layer(format, "app/config.json", "{\"greeting\":\"hi\"}\n");
        return image(
                format,
                platform,
                c -> c.author("fixture@sockerless.dev")
                        .env("PATH=/usr/local/bin:/usr/bin:/bin", "GREETING=hi")
                        .entrypoint("/app/hello")
                        .cmd("--verbose")
                        .workingDir("/app")
                        .user("1000:1000")
                        .label("org.opencontainers.image.title", "rich")
                        .exposedPort("8080/tcp"),
                List.of(base, app));
    }

    /** An index / manifest list over {@code images}, plus an attestation entry when {@code attestation != null}. */
    public static Blob index(Format format, List<TestImage> images, TestImage attestation, String attestedDigest) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (TestImage image : images) {
            Map<String, Object> d = descriptor(image.manifest());
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("architecture", image.platform().architecture());
            p.put("os", image.platform().os());
            if (image.platform().variant() != null)
                p.put("variant", image.platform().variant());
            d.put("platform", p);
            entries.add(d);
        }
        if (attestation != null) {
            Map<String, Object> d = descriptor(attestation.manifest());
            Map<String, Object> ann = new LinkedHashMap<>();
            ann.put("vnd.docker.reference.digest", attestedDigest);
            ann.put("vnd.docker.reference.type", "attestation-manifest");
            d.put("annotations", ann);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("architecture", "unknown");
            p.put("os", "unknown");
            d.put("platform", p);
            entries.add(d);
        }
        Map<String, Object> idx = new LinkedHashMap<>();
        idx.put("schemaVersion", 2);
        idx.put("mediaType", format.indexType);
        idx.put("manifests", entries);
        return new Blob(format.indexType, json(idx));
    }

    /**
     * A multi-platform fixture of {@link #simple} images; with {@code withAttestation} an OCI attestation
     * manifest (in-toto layer, platform {@code unknown/unknown}) for the first image is appended.
     */
    public static TestIndex multiArch(Format format, boolean withAttestation, Platform... platforms) {
        List<TestImage> images = new ArrayList<>();
        for (Platform p : platforms) {
            images.add(simple(format, p));
        }
        TestImage attestation = null;
        String attested = null;
        if (withAttestation) {
            attested = images.get(0).manifest().digest();
            attestation = attestationFor(attested);
        }
        return new TestIndex(index(format, images, attestation, attested), images, attestation);
    }

    /** A BuildKit-style attestation manifest (OCI, one in-toto layer) for the given image manifest digest. */
    public static TestImage attestationFor(String manifestDigest) {
        byte[] statement = json(obj(
                "_type",
                "https://in-toto.io/Statement/v0.1",
                "predicateType",
                "https://spdx.dev/Document",
                "subject",
                List.of(obj("name", "fixture", "digest", obj("sha256", manifestDigest.substring("sha256:".length())))),
                "predicate",
                obj()));
        Layer layer = new Layer(statement, Blob.sha256(statement), new Blob(IN_TOTO, statement));
        Platform unknown = new Platform("unknown", "unknown", null);
        Blob config = config().platform(unknown)
                .created(null)
                .env()
                .cmd((String[]) null)
                .diffId(layer.diffId())
                .history("attestation", false)
                .build(Format.OCI);
        Blob manifest = manifest(Format.OCI, config, List.of(layer.blob()));
        return new TestImage(unknown, config, List.of(layer), manifest);
    }

    /** {@code {"mediaType","digest","size"}} for a blob (mutable, ordered). */
    public static Map<String, Object> descriptor(Blob blob) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", blob.mediaType());
        d.put("digest", blob.digest());
        d.put("size", blob.size());
        return d;
    }

    /** An insertion-ordered JSON object from alternating keys and values (never {@code Map.of}: its order varies). */
    public static Map<String, Object> obj(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    /** Compact JSON bytes of a map/list tree (insertion order preserved). */
    public static byte[] json(Object tree) {
        try {
            return JSON.writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
