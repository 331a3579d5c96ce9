package dev.sockerless.aca.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.registry.BoundedJson;
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
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.jspecify.annotations.Nullable;

/**
 * A {@code docker save} archive opened for loading (moby {@code image/tarexport}: {@code save.go}, {@code load.go}): the body or file, possibly gzip, zstd, bzip2
 * or xz compressed as a whole, is indexed as a tar without copying layers — an uncompressed archive is read in
 * place (from its array, or from its file over a seekable channel), a compressed one is decompressed (capped) into
 * a temporary file first. Entry names are checked (no
 * absolute paths, no {@code ..}), symbolic and hard links are resolved inside the archive (never out of it), and
 * the format is detected: an OCI layout ({@code oci-layout} + {@code index.json}: Docker ≥ 25 and the containerd
 * store, whose index may name absent children) is preferred over {@code manifest.json} (Docker ≤ 24, skopeo).
 * Every problem is an invalid-parameter error starting with {@code invalid archive:}.
 */
public final class DockerArchive implements AutoCloseable {

    /** Largest JSON document (manifest.json, index.json, manifests) read from an archive. */
    static final long MAX_JSON_BYTES = OciRegistryClient.MAX_MANIFEST_BYTES;
    /**
     * Most bytes read from the archive into memory by one load (manifest.json, index.json, manifests and configs
     * together; each is also capped alone), so that an archive of many large configs cannot fill the heap.
     */
    static final long MAX_HELD_BYTES = 32L * 1024 * 1024;
    /** Most images (manifest.json entries, index.json manifests) in one archive. */
    static final int MAX_IMAGES = 256;
    /** Most tags (RepoTags and name annotations together) in one archive. */
    static final int MAX_TAGS = 1024;

    private static final int MAX_LINK_HOPS = 40;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Compression compression;
    private final @Nullable Path tempFile;
    private final TarFile tar;
    private final long archiveSize;
    private final Map<String, TarArchiveEntry> files = new HashMap<>();
    private final Map<String, TarArchiveEntry> links = new HashMap<>();
    private List<ArchiveImage> images = List.of(); // read by the factories, before the archive is returned
    private boolean ociLayout;
    private long heldBytes;
    private int tagCount;

    private DockerArchive(Compression compression, @Nullable Path tempFile, TarFile tar, long archiveSize) {
        this.compression = compression;
        this.tempFile = tempFile;
        this.tar = tar;
        this.archiveSize = archiveSize;
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
        return open(
                compression,
                () -> {
                    TarHeaders.check(body);
                    return new TarFile(body);
                },
                body.length,
                () -> new ByteArrayInputStream(body),
                maxExpandedBytes,
                tempDir,
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
            throw DockerApiException.system("cannot read the archive file: " + message(e), e);
        }
        return open(
                compression,
                () -> {
                    TarHeaders.check(file);
                    return new TarFile(file);
                },
                size,
                () -> Files.newInputStream(file),
                maxExpandedBytes,
                tempDir,
                platform);
    }

    /** Indexes the stored bytes as a tar in place (for an uncompressed archive), its headers checked first. */
    private interface TarOpener {
        TarFile open() throws IOException;
    }

    /** The stored bytes from the start (to decompress a compressed archive). */
    private interface StreamOpener {
        InputStream open() throws IOException;
    }

    private static DockerArchive open(
            Compression compression,
            TarOpener inPlace,
            long inPlaceSize,
            StreamOpener stream,
            long maxExpandedBytes,
            Path tempDir,
            Platform platform) {
        Path temp = null;
        DockerArchive archive = null;
        try {
            TarFile tar;
            long size;
            if (compression == Compression.NONE) {
                tar = inPlace.open();
                size = inPlaceSize;
            } else {
                temp = LoadTempFiles.create(tempDir, "archive", ".tar");
                try (InputStream in = compression.decompress(
                                stream.open(),
                                maxExpandedBytes,
                                "the " + compression.name().toLowerCase(java.util.Locale.ROOT) + " archive");
                        OutputStream out = Files.newOutputStream(temp)) {
                    in.transferTo(out);
                } catch (java.io.EOFException e) {
                    throw DockerApiException.invalid("invalid archive: the "
                            + compression.name().toLowerCase(Locale.ROOT) + " stream is truncated");
                } catch (IOException e) {
                    throw DockerApiException.invalid("invalid archive: cannot decompress the "
                            + compression.name().toLowerCase(Locale.ROOT) + " stream: " + message(e));
                }
                size = Files.size(temp);
                TarHeaders.check(temp);
                tar = new TarFile(temp);
            }
            archive = new DockerArchive(compression, temp, tar, size);
            archive.index();
            archive.images = archive.readImages(platform);
            return archive;
        } catch (IOException e) {
            closeQuietly(archive, temp);
            throw DockerApiException.invalid("invalid archive: not a readable tar archive: " + message(e));
        } catch (RuntimeException e) {
            closeQuietly(archive, temp);
            throw e;
        }
    }

    private static void closeQuietly(@Nullable DockerArchive archive, @Nullable Path temp) {
        if (archive != null) {
            archive.close();
        } else if (temp != null) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    /** The whole-archive compression. */
    public Compression compression() {
        return compression;
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
        return files.keySet().stream().sorted().toList();
    }

    // ------------------------------------------------------------------ indexing

    private void index() {
        for (TarArchiveEntry entry : tar.getEntries()) {
            String raw = entry.getName();
            String name = normalize(raw);
            if (name.isEmpty() || entry.isDirectory()) {
                continue;
            }
            if (entry.isSymbolicLink() || entry.isLink()) {
                String target = entry.getLinkName();
                if (target == null || target.isEmpty()) {
                    throw invalid("link " + raw + " has no target");
                }
                if (target.startsWith("/")) {
                    throw invalid("link " + raw + " points outside the archive (absolute target " + target + ")");
                }
                links.put(name, entry);
                files.remove(name);
            } else if (entry.isFile()) {
                if (entry.isSparse()) {
                    throw invalid("sparse file " + raw + " is not supported");
                }
                if (entry.getSize() < 0
                        || entry.getDataOffset() < 0
                        || entry.getDataOffset() + entry.getSize() > archiveSize) {
                    throw invalid("the tar is truncated (entry " + raw + " ends after the end of the archive)");
                }
                files.put(name, entry);
                links.remove(name);
            }
            // Other entry types (devices, FIFOs) are never part of an image archive's index; they are ignored.
        }
        for (Map.Entry<String, TarArchiveEntry> link : links.entrySet()) {
            resolve(link.getKey()); // every link must stay inside the archive, even unreferenced ones
        }
        if (files.isEmpty()) {
            throw invalid("no files found: not a docker save tar archive");
        }
    }

    /** {@code ./a//b} → {@code a/b}; absolute paths and {@code ..} components are refused. */
    static String normalize(String name) {
        if (name.startsWith("/")) {
            throw invalid("absolute path " + name + " in the tar");
        }
        if (name.indexOf('\0') >= 0) {
            throw invalid("NUL byte in the path " + name);
        }
        StringBuilder out = new StringBuilder();
        for (String part : name.split("/", -1)) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw invalid("path traversal in the tar entry " + name);
            }
            if (out.length() > 0) {
                out.append('/');
            }
            out.append(part);
        }
        return out.toString();
    }

    /** The path a link target names: relative to the link's directory (symlinks) or the root (hard links). */
    static String joinInside(String base, String target, String link) {
        Deque<String> parts = new ArrayDeque<>();
        if (!base.isEmpty()) {
            for (String p : base.split("/", -1)) {
                parts.addLast(p);
            }
        }
        for (String p : target.split("/", -1)) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                if (parts.isEmpty()) {
                    throw invalid("link " + link + " points outside the archive (" + target + ")");
                }
                parts.removeLast();
            } else {
                parts.addLast(p);
            }
        }
        return String.join("/", parts);
    }

    /** The regular file a path names after following links; null when absent. */
    private @Nullable TarArchiveEntry resolve(String path) {
        String current = path;
        for (int hop = 0; hop <= MAX_LINK_HOPS; hop++) {
            TarArchiveEntry file = files.get(current);
            if (file != null) {
                return file;
            }
            TarArchiveEntry link = links.get(current);
            if (link == null) {
                return null;
            }
            String dir = current.contains("/") ? current.substring(0, current.lastIndexOf('/')) : "";
            current = joinInside(link.isSymbolicLink() ? dir : "", link.getLinkName(), current);
        }
        throw invalid("too many levels of links at " + path);
    }

    private TarArchiveEntry require(String path, String what) {
        String name;
        try {
            name = normalize(path);
        } catch (DockerApiException e) {
            throw invalid(what + " " + path + " is not a path inside the archive");
        }
        TarArchiveEntry entry = resolve(name);
        if (entry == null) {
            throw invalid(what + " " + path + " is missing from the archive");
        }
        return entry;
    }

    private boolean exists(String path) {
        return resolve(normalize(path)) != null;
    }

    private byte[] read(TarArchiveEntry entry, long cap, String what) {
        if (entry.getSize() > cap) {
            throw invalid(what + " is " + entry.getSize() + " bytes, over the limit of " + cap);
        }
        heldBytes += entry.getSize();
        if (heldBytes > MAX_HELD_BYTES) {
            throw invalid("the archive's manifests and configs hold more than " + MAX_HELD_BYTES
                    + " bytes together (the limit)");
        }
        try (InputStream in = tar.getInputStream(entry)) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length != entry.getSize()) {
                throw invalid("the tar is truncated in " + what);
            }
            return bytes;
        } catch (IOException e) {
            throw invalid("cannot read " + what + ": " + message(e));
        }
    }

    private JsonNode readJson(String path, String what) {
        byte[] bytes = read(require(path, what), MAX_JSON_BYTES, what);
        try {
            JsonNode node = BoundedJson.readTree(JSON, bytes);
            if (node == null) {
                throw invalid(what + " is empty");
            }
            return node;
        } catch (BoundedJson.TooManyValues e) {
            throw invalid(what + " has " + e.getMessage());
        } catch (IOException e) {
            throw invalid(what + " is not valid JSON");
        }
    }

    private ArchiveLayer layer(TarArchiveEntry entry, @Nullable Digest declared, @Nullable String declaredType) {
        String name = normalize(entry.getName());
        Compression c;
        try (InputStream in = tar.getInputStream(entry)) {
            byte[] head = in.readNBytes(Compression.MAGIC_LENGTH);
            c = Compression.sniff(head, head.length);
        } catch (IOException e) {
            throw invalid("cannot read layer " + name + ": " + message(e));
        }
        return new ArchiveLayer(
                name,
                entry.getSize(),
                declared,
                declaredType,
                c,
                () -> new SharedChannelStream(tar.getInputStream(entry), tar));
    }

    // ------------------------------------------------------------------ formats

    private List<ArchiveImage> readImages(Platform platform) {
        Map<Digest, List<String>> repoTagsByConfig = new HashMap<>();
        JsonNode manifestJson = exists("manifest.json") ? readJson("manifest.json", "manifest.json") : null;
        if (manifestJson != null) {
            if (!manifestJson.isArray()) {
                throw invalid("manifest.json is not a JSON array");
            }
            if (manifestJson.size() > MAX_IMAGES) {
                throw invalid(
                        "manifest.json lists " + manifestJson.size() + " images, over the limit of " + MAX_IMAGES);
            }
        }
        if (exists("oci-layout") && exists("index.json")) {
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
        if (exists("repositories")) {
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
            byte[] config = read(require(configPath, "config"), ImageStore.MAX_CONFIG_BYTES, "config " + configPath);
            List<Digest> diffIds = diffIds(config, configPath);
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
                layers.add(layer(require(p.asText(""), "layer"), null, null));
            }
            List<String> tags = repoTags(entry);
            out.add(new ArchiveImage(
                    config, Digest.of(config), MediaType.DOCKER_CONFIG, diffIds, layers, tags, names(tags), null));
        }
        if (out.isEmpty()) {
            throw invalid("manifest.json lists no images");
        }
        return out;
    }

    private List<ArchiveImage> readOciLayout(Platform platform, Map<Digest, List<String>> repoTagsByConfig) {
        JsonNode layout = readJson("oci-layout", "oci-layout");
        if (!"1.0.0".equals(layout.path("imageLayoutVersion").asText())) {
            throw invalid("unsupported oci-layout version " + layout.path("imageLayoutVersion"));
        }
        JsonNode index = readJson("index.json", "index.json");
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
            Descriptor d = descriptor(node, "index.json");
            descriptors.putIfAbsent(d.digest(), d);
            List<String> names = namesByManifest.computeIfAbsent(d.digest(), k -> new ArrayList<>());
            String name = d.annotations().get("io.containerd.image.name");
            if (name == null) {
                String ref = d.annotations().get("org.opencontainers.image.ref.name");
                if (ref != null && (ref.contains("/") || ref.contains(":")) && parses(ref)) {
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
                .filter(c -> exists("blobs/sha256/" + c.digest().hex()))
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
        List<Digest> diffIds =
                diffIds(config, "blobs/sha256/" + manifest.config().digest().hex());
        if (manifest.layers().size() != diffIds.size()) {
            throw invalid("invalid manifest, layers length mismatch: manifest " + manifestDescriptor.digest()
                    + " lists " + manifest.layers().size() + " layers but the config has " + diffIds.size()
                    + " diff_ids");
        }
        List<ArchiveLayer> layers = new ArrayList<>();
        for (Descriptor l : manifest.layers()) {
            TarArchiveEntry entry = require("blobs/sha256/" + l.digest().hex(), "layer");
            if (entry.getSize() != l.size()) {
                throw invalid(
                        "layer " + l.digest() + " is " + entry.getSize() + " bytes but the manifest says " + l.size());
            }
            layers.add(layer(entry, l.digest(), l.mediaType()));
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
                names(tags),
                new ArchiveImage.SourceManifest(bytes, mediaType, manifestDescriptor.digest()));
    }

    /** A blob of the OCI layout, verified against the descriptor's size and digest. */
    private byte[] blob(Descriptor d, long cap, String what) {
        String path = "blobs/sha256/" + d.digest().hex();
        byte[] bytes = read(require(path, what), cap, what + " " + d.digest());
        if (bytes.length != d.size() || !Digest.of(bytes).equals(d.digest())) {
            throw invalid(what + " " + path + " does not match its descriptor (" + bytes.length + " bytes, digest "
                    + Digest.of(bytes) + ")");
        }
        return bytes;
    }

    private static Descriptor descriptor(JsonNode node, String where) {
        try {
            return Manifests.parseIndex(JSON.writeValueAsBytes(Map.of("manifests", List.of(node))), MediaType.OCI_INDEX)
                    .manifests()
                    .get(0);
        } catch (RegistryException | IOException e) {
            throw invalid("malformed descriptor in " + where + ": " + e.getMessage());
        }
    }

    private static List<Digest> diffIds(byte[] config, String path) {
        JsonNode root;
        try {
            root = BoundedJson.readTree(JSON, config);
        } catch (BoundedJson.TooManyValues e) {
            throw invalid("config " + path + " has " + e.getMessage());
        } catch (IOException e) {
            throw invalid("config " + path + " is not valid JSON");
        }
        JsonNode ids = root == null ? null : root.path("rootfs").path("diff_ids");
        if (ids == null || !ids.isArray()) {
            throw invalid("config " + path + " has no rootfs.diff_ids");
        }
        List<Digest> out = new ArrayList<>();
        for (JsonNode id : ids) {
            if (!Digest.isDigest(id.asText())) {
                throw invalid("config " + path + " has a malformed diff_id " + id);
            }
            out.add(Digest.parse(id.asText()));
        }
        return out;
    }

    private static List<ImageReference> names(List<String> tags) {
        List<ImageReference> out = new ArrayList<>();
        for (String tag : tags) {
            ImageReference ref;
            try {
                ref = ImageReference.parseWithDefaultTag(tag);
            } catch (RegistryException e) {
                throw invalid("bad image name " + tag + ": " + e.getMessage());
            }
            if (ref.tag() != null && ref.digest() == null && !out.contains(ref)) {
                out.add(ref);
            }
        }
        return out;
    }

    private static boolean parses(String ref) {
        try {
            ImageReference.parse(ref);
            return true;
        } catch (RegistryException e) {
            return false;
        }
    }

    static DockerApiException invalid(String why) {
        return DockerApiException.invalid("invalid archive: " + why);
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Closes the tar and deletes the temporary file of a compressed archive. */
    @Override
    public void close() {
        try {
            tar.close();
        } catch (IOException ignored) {
            // nothing to do
        }
        if (tempFile != null) {
            try {
                Files.deleteIfExists(tempFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * A stream over one entry of the archive, safe to read while other entries are read on other threads:
     * commons-compress's {@code TarFile} entry streams position the archive's one channel and then read it, so reads
     * of different entries must not interleave.
     */
    private static final class SharedChannelStream extends java.io.FilterInputStream {
        private final Object lock;

        SharedChannelStream(InputStream in, Object lock) {
            super(in);
            this.lock = lock;
        }

        @Override
        public int read() throws IOException {
            synchronized (lock) {
                return super.read();
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            synchronized (lock) {
                return super.read(b, off, len);
            }
        }

        @Override
        public long skip(long n) throws IOException {
            synchronized (lock) {
                return super.skip(n);
            }
        }
    }
}
