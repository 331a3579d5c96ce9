package dev.sockerless.aca.images;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.registry.Descriptor;
import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.registry.ImageReference;
import dev.sockerless.aca.registry.Manifests;
import dev.sockerless.aca.registry.MediaType;
import dev.sockerless.aca.registry.OciRegistryClient;
import dev.sockerless.aca.registry.Platform;
import dev.sockerless.aca.registry.PlatformMatcher;
import dev.sockerless.aca.registry.RegistryException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * A {@code docker save} archive opened for loading (moby {@code image/tarexport}: {@code save.go}, {@code load.go}): the body or file, possibly gzip, zstd, bzip2
 * or xz compressed as a whole, is indexed as a tar without copying layers — an uncompressed archive is read in
 * place (from its array, or from its file over a seekable channel), a compressed one is decompressed (capped) into
 * a temporary file first ({@link ArchiveTar}: names checked, links resolved inside the archive, capped reads); here
 * the format is detected and read: an OCI layout ({@code oci-layout} + {@code index.json}: Docker ≥ 25 and the containerd
 * store, whose index may name absent children) is preferred over {@code manifest.json} (Docker ≤ 24, skopeo).
 * Every problem is an invalid-parameter error starting with {@code invalid archive:}.
 */
public final class DockerArchive implements AutoCloseable {

    /** Largest JSON document (manifest.json, index.json, manifests) read from an archive. */
    static final long MAX_JSON_BYTES = OciRegistryClient.MAX_MANIFEST_BYTES;
    /** Most images (manifest.json entries, index.json manifests) in one archive. */
    static final int MAX_IMAGES = 256;
    /** Most tags (RepoTags and name annotations together) in one archive. */
    static final int MAX_TAGS = 1024;

    private final ArchiveTar tar;
    private List<ArchiveImage> images = List.of(); // read by the factories, before the archive is returned
    private boolean ociLayout;
    private int tagCount;

    private DockerArchive(ArchiveTar tar) {
        this.tar = tar;
    }

    /**
     * Opens and indexes an archive held in memory and reads its images.
     *
     * @param body             the request body; an uncompressed tar is read in place (never copied)
     * @param maxExpandedBytes cap on the decompressed archive and on each decompressed layer
     * @param tempDir          where a compressed archive is decompressed to
     * @param platform         the platform to pick when an OCI index names several present images
     */
    public static DockerArchive open(byte[] body, long maxExpandedBytes, Path tempDir, Platform platform) {
        Compression compression = Compression.sniff(body, Math.min(body.length, Compression.MAGIC_LENGTH));
        return read(
                ArchiveTar.open(
                        compression,
                        () -> {
                            TarHeaders.check(body);
                            return new TarFile(body);
                        },
                        body.length,
                        () -> new ByteArrayInputStream(body),
                        maxExpandedBytes,
                        tempDir),
                platform);
    }

    /**
     * Opens and indexes an archive file and reads its images; the file is never read into memory whole: an
     * uncompressed tar is indexed in place over a seekable channel, a compressed one is decompressed (capped) into
     * a temporary file first. The file must stay in place until the archive is closed.
     *
     * @param file             the archive (a downloaded blob); not deleted here
     * @param maxExpandedBytes cap on the decompressed archive and on each decompressed layer
     * @param tempDir          where a compressed archive is decompressed to
     * @param platform         the platform to pick when an OCI index names several present images
     */
    public static DockerArchive open(Path file, long maxExpandedBytes, Path tempDir, Platform platform) {
        Compression compression;
        long size;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(Compression.MAGIC_LENGTH);
            compression = Compression.sniff(head, head.length);
            size = Files.size(file);
        } catch (IOException e) {
            throw DockerApiException.system("cannot read the archive file: " + ArchiveTar.message(e), e);
        }
        return read(
                ArchiveTar.open(
                        compression,
                        () -> {
                            TarHeaders.check(file);
                            return new TarFile(file);
                        },
                        size,
                        () -> Files.newInputStream(file),
                        maxExpandedBytes,
                        tempDir),
                platform);
    }

    private static DockerArchive read(ArchiveTar tar, Platform platform) {
        try {
            DockerArchive archive = new DockerArchive(tar);
            archive.images = archive.readImages(platform);
            return archive;
        } catch (RuntimeException e) {
            tar.close();
            throw e;
        }
    }

    /** The whole-archive compression. */
    public Compression compression() {
        return tar.compression();
    }

    /** True for an OCI layout source ({@code index.json}), false for {@code manifest.json}. */
    public boolean isOciLayout() {
        return ociLayout;
    }

    /** The images in the archive, in the archive's order. */
    public List<ArchiveImage> images() {
        return images;
    }

    /** The regular files of the archive by normalised path (links not included). */
    public List<String> fileNames() {
        return tar.fileNames();
    }

    // ------------------------------------------------------------------ formats

    private List<ArchiveImage> readImages(Platform platform) {
        Map<Digest, List<String>> repoTagsByConfig = new HashMap<>();
        JsonNode manifestJson = tar.exists("manifest.json") ? tar.readJson("manifest.json", "manifest.json") : null;
        if (manifestJson != null) {
            if (!manifestJson.isArray()) {
                throw invalid("manifest.json is not a JSON array");
            }
            if (manifestJson.size() > MAX_IMAGES) {
                throw invalid(
                        "manifest.json lists " + manifestJson.size() + " images, over the limit of " + MAX_IMAGES);
            }
        }
        if (tar.exists("oci-layout") && tar.exists("index.json")) {
            ociLayout = true;
            if (manifestJson != null) {
                for (JsonNode entry : manifestJson) {
                    String config = entry.path("Config").asText("");
                    String hex = config.startsWith("blobs/sha256/") ? config.substring("blobs/sha256/".length()) : "";
                    if (hex.matches("[a-f0-9]{64}")) {
                        repoTagsByConfig
                                .computeIfAbsent(new Digest(hex), k -> new ArrayList<>())
                                .addAll(repoTags(entry));
                    }
                }
            }
            return readOciLayout(platform, repoTagsByConfig);
        }
        if (manifestJson != null) {
            return readManifestJson(manifestJson);
        }
        if (tar.exists("repositories")) {
            throw invalid("the legacy v1 format (repositories without manifest.json) is not supported");
        }
        throw invalid(
                "neither manifest.json nor an OCI layout (oci-layout, index.json) found: not a docker save archive");
    }

    private void countTags(int n) {
        tagCount += n;
        if (tagCount > MAX_TAGS) {
            throw invalid("more than " + MAX_TAGS + " tags in the archive (the limit)");
        }
    }

    private List<String> repoTags(JsonNode entry) {
        List<String> out = new ArrayList<>();
        JsonNode tags = entry.path("RepoTags");
        countTags(tags.size());
        if (!tags.isMissingNode() && !tags.isNull() && !tags.isArray()) {
            throw invalid("RepoTags in manifest.json is not an array");
        }
        for (JsonNode t : tags) {
            if (!t.isTextual()) {
                throw invalid("RepoTags in manifest.json holds a non-string");
            }
            out.add(t.asText());
        }
        return out;
    }

    private List<ArchiveImage> readManifestJson(JsonNode manifestJson) {
        List<ArchiveImage> out = new ArrayList<>();
        for (JsonNode entry : manifestJson) {
            String configPath = entry.path("Config").asText("");
            if (configPath.isEmpty()) {
                throw invalid("a manifest.json entry has no Config");
            }
            byte[] config =
                    tar.read(tar.require(configPath, "config"), ImageStore.MAX_CONFIG_BYTES, "config " + configPath);
            List<Digest> diffIds = ArchiveJson.diffIds(config, configPath);
            JsonNode layerPaths = entry.path("Layers");
            if (!layerPaths.isArray()) {
                throw invalid("the manifest.json entry for " + configPath + " has no Layers array");
            }
            if (layerPaths.size() != diffIds.size()) {
                throw invalid("invalid manifest, layers length mismatch: manifest.json lists " + layerPaths.size()
                        + " layers but the config has " + diffIds.size() + " diff_ids");
            }
            List<ArchiveLayer> layers = new ArrayList<>();
            for (JsonNode p : layerPaths) {
                layers.add(tar.layer(tar.require(p.asText(""), "layer"), null, null));
            }
            List<String> tags = repoTags(entry);
            out.add(new ArchiveImage(
                    config,
                    Digest.of(config),
                    MediaType.DOCKER_CONFIG,
                    diffIds,
                    layers,
                    tags,
                    ArchiveJson.names(tags),
                    null));
        }
        if (out.isEmpty()) {
            throw invalid("manifest.json lists no images");
        }
        return out;
    }

    private List<ArchiveImage> readOciLayout(Platform platform, Map<Digest, List<String>> repoTagsByConfig) {
        JsonNode layout = tar.readJson("oci-layout", "oci-layout");
        if (!"1.0.0".equals(layout.path("imageLayoutVersion").asText())) {
            throw invalid("unsupported oci-layout version " + layout.path("imageLayoutVersion"));
        }
        JsonNode index = tar.readJson("index.json", "index.json");
        if (!index.path("manifests").isArray()) {
            throw invalid("index.json has no manifests array");
        }
        if (index.path("manifests").size() > MAX_IMAGES) {
            throw invalid("index.json lists " + index.path("manifests").size() + " manifests, over the limit of "
                    + MAX_IMAGES);
        }
        // Group the index entries by manifest (Docker writes one entry per tag), keeping the archive's order.
        Map<Digest, List<String>> namesByManifest = new LinkedHashMap<>();
        Map<Digest, Descriptor> descriptors = new HashMap<>();
        for (JsonNode node : index.path("manifests")) {
            Descriptor d = ArchiveJson.descriptor(node, "index.json");
            descriptors.putIfAbsent(d.digest(), d);
            List<String> names = namesByManifest.computeIfAbsent(d.digest(), k -> new ArrayList<>());
            String name = d.annotations().get("io.containerd.image.name");
            if (name == null) {
                String ref = d.annotations().get("org.opencontainers.image.ref.name");
                if (ref != null && (ref.contains("/") || ref.contains(":")) && ArchiveJson.parses(ref)) {
                    name = ref;
                }
            }
            if (name != null && !names.contains(name)) {
                countTags(1);
                names.add(name);
            }
        }
        List<ArchiveImage> out = new ArrayList<>();
        for (Map.Entry<Digest, List<String>> e : namesByManifest.entrySet()) {
            Descriptor d = Objects.requireNonNull(descriptors.get(e.getKey())); // keys come from descriptors
            byte[] bytes = blob(d, MAX_JSON_BYTES, "manifest");
            String mediaType = Manifests.mediaTypeOf(bytes, d.mediaType());
            Descriptor chosen = d;
            if (MediaType.isIndex(mediaType)) {
                chosen = chooseChild(Manifests.parseIndex(bytes, mediaType), platform, d.digest());
                bytes = blob(chosen, MAX_JSON_BYTES, "manifest");
                mediaType = Manifests.mediaTypeOf(bytes, chosen.mediaType());
            }
            if (!MediaType.isImageManifest(mediaType)) {
                throw invalid("unsupported manifest media type " + mediaType + " for " + chosen.digest());
            }
            out.add(image(chosen, bytes, mediaType, e.getValue(), repoTagsByConfig));
        }
        if (out.isEmpty()) {
            throw invalid("index.json names no images");
        }
        return out;
    }

    /** Of an index's children, the present one matching {@code platform}, else the first present image. */
    private Descriptor chooseChild(Manifests.ImageIndex index, Platform platform, Digest indexDigest) {
        List<Descriptor> present = index.manifests().stream()
                .filter(c -> !c.isAttestation())
                .filter(c -> tar.exists("blobs/sha256/" + c.digest().hex()))
                .toList();
        if (present.isEmpty()) {
            throw invalid("none of the images of index " + indexDigest + " is in the archive");
        }
        try {
            return PlatformMatcher.choose(present, platform);
        } catch (RegistryException noMatch) {
            return present.get(0);
        }
    }

    private ArchiveImage image(
            Descriptor manifestDescriptor,
            byte[] bytes,
            String mediaType,
            List<String> annotated,
            Map<Digest, List<String>> repoTagsByConfig) {
        Manifests.ImageManifest manifest = Manifests.parseManifest(bytes, mediaType);
        byte[] config = blob(manifest.config(), ImageStore.MAX_CONFIG_BYTES, "config");
        List<Digest> diffIds = ArchiveJson.diffIds(
                config, "blobs/sha256/" + manifest.config().digest().hex());
        if (manifest.layers().size() != diffIds.size()) {
            throw invalid("invalid manifest, layers length mismatch: manifest " + manifestDescriptor.digest()
                    + " lists " + manifest.layers().size() + " layers but the config has " + diffIds.size()
                    + " diff_ids");
        }
        List<ArchiveLayer> layers = new ArrayList<>();
        for (Descriptor l : manifest.layers()) {
            TarArchiveEntry entry = tar.require("blobs/sha256/" + l.digest().hex(), "layer");
            if (entry.getSize() != l.size()) {
                throw invalid(
                        "layer " + l.digest() + " is " + entry.getSize() + " bytes but the manifest says " + l.size());
            }
            layers.add(tar.layer(entry, l.digest(), l.mediaType()));
        }
        List<String> tags =
                new ArrayList<>(repoTagsByConfig.getOrDefault(manifest.config().digest(), List.of()));
        if (tags.isEmpty()) {
            for (String name : annotated) {
                tags.add(ImageReference.parseWithDefaultTag(name).familiar());
            }
        }
        return new ArchiveImage(
                config,
                manifest.config().digest(),
                manifest.config().mediaType(),
                diffIds,
                layers,
                tags,
                ArchiveJson.names(tags),
                new ArchiveImage.SourceManifest(bytes, mediaType, manifestDescriptor.digest()));
    }

    /** A blob of the OCI layout, verified against the descriptor's size and digest. */
    private byte[] blob(Descriptor d, long cap, String what) {
        String path = "blobs/sha256/" + d.digest().hex();
        byte[] bytes = tar.read(tar.require(path, what), cap, what + " " + d.digest());
        if (bytes.length != d.size() || !Digest.of(bytes).equals(d.digest())) {
            throw invalid(what + " " + path + " does not match its descriptor (" + bytes.length + " bytes, digest "
                    + Digest.of(bytes) + ")");
        }
        return bytes;
    }

    static DockerApiException invalid(String why) {
        return DockerApiException.invalid("invalid archive: " + why);
    }

    /** Closes the tar and deletes the temporary file of a compressed archive. */
    @Override
    public void close() {
        tar.close();
    }
}
