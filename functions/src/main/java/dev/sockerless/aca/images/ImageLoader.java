package dev.sockerless.aca.images;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.registry.BlobSource;
import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.registry.ImageReference;
import dev.sockerless.aca.registry.MediaType;
import dev.sockerless.aca.registry.Platform;
import dev.sockerless.aca.registry.Registries;
import dev.sockerless.aca.registry.RegistryException;
import dev.sockerless.aca.registry.RegistryPush;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * {@code docker load}: reads a {@code docker save} archive ({@link DockerArchive}), verifies every layer against
 * the config's {@code rootfs.diff_ids} while streaming it, pushes each image to the staging registry
 * ({@code <staging>/<repository path of its name>}) and records it in the image table under its original names.
 *
 * <p>Nothing is half done: all blobs and manifests (by digest) of every image are pushed first; tags are put only
 * when all of that succeeded, and the image table is written only after the tags. A failed load leaves no tag and
 * no record, and its retry re-uploads nothing the registry already holds (blobs are HEADed first; gzip output is
 * deterministic: {@link ParallelGzip}, mtime 0, fixed level).
 *
 * <p>Layers: an uncompressed layer is gzipped (unless {@link LoadOptions#compressLayers()} is off) into a temporary
 * file while its uncompressed digest is checked; a compressed layer of an OCI layout is pushed byte for byte. The
 * config is pushed byte for byte, so the image ID is kept. OCI-layout sources give OCI manifests (the original
 * bytes when every layer is pushed as stored), {@code manifest.json} sources Docker schema 2 manifests.
 */
public final class ImageLoader {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Repository (under the staging namespace) for images the archive does not name. */
    static final String UNTAGGED_REPOSITORY = "untagged";

    private final Registries registries;
    private final ImageStore store;
    private final Clock clock;

    /** Layers are prepared (hashed, gzipped) and pushed this many at a time. */
    static final int PARALLELISM = Math.max(2, Runtime.getRuntime().availableProcessors());
    /** Entries kept in {@link #gzipped}. */
    private static final int MAX_GZIPPED_ENTRIES = 10_000;

    private final ExecutorService workers = Executors.newFixedThreadPool(PARALLELISM, r -> {
        Thread t = new Thread(r, "image-load");
        t.setDaemon(true);
        return t;
    });
    /**
     * What gzipping an uncompressed layer gave, by diffID and level: gzip here is deterministic, so a repeated load
     * knows its layers' digests without compressing them again, and compresses only what the registry lacks.
     */
    private final Map<String, Gzipped> gzipped = new ConcurrentHashMap<>();

    private record Gzipped(Digest digest, long size) {}

    /** @param store the image table to record loaded images in; null to only stage them */
    public ImageLoader(Registries registries, ImageStore store, Clock clock) {
        this.registries = registries;
        this.store = store;
        this.clock = clock;
    }

    private enum Kind {
        GZIP,
        RAW,
        ORIGINAL
    }

    /** A blob ready to push: its digest and size are known, its bytes re-openable. */
    private record Prepared(
            Digest digest,
            long size,
            String mediaType,
            BlobSource source,
            @Nullable Digest uncompressed) {}

    /** One image's push plan. */
    private record Plan(
            ArchiveImage image,
            Platform platform,
            byte[] manifest,
            String manifestMediaType,
            Digest manifestDigest,
            List<Prepared> blobs,
            long layersSize,
            List<ImageReference> repositories) {}

    /** Loads {@code body}; returns the staged images in archive order. */
    public List<LoadedImage> load(byte[] body, LoadOptions options, LoadProgress progress) {
        if (body.length > options.maxBodyBytes()) {
            throw DockerApiException.invalid("invalid archive: the request body is " + body.length
                    + " bytes, over the limit of " + options.maxBodyBytes());
        }
        if (body.length == 0) {
            throw DockerApiException.invalid("invalid archive: the request body is empty");
        }
        Staging staging = Staging.parse(options.stagingRegistry());
        return load(
                () -> DockerArchive.open(body, options.maxExpandedBytes(), options.tempDir(), options.platform()),
                staging,
                options,
                progress);
    }

    /**
     * Loads the archive in {@code archive} (a downloaded blob) without reading it into memory whole; the file is
     * left in place (the caller owns it). Its size is capped by {@link LoadOptions#maxExpandedBytes()}, not by the
     * request body limit.
     */
    public List<LoadedImage> load(Path archive, LoadOptions options, LoadProgress progress) {
        long size;
        try {
            size = Files.size(archive);
        } catch (IOException e) {
            throw DockerApiException.system("cannot read the archive file: " + e.getMessage(), e);
        }
        if (size > options.maxExpandedBytes()) {
            throw DockerApiException.invalid("invalid archive: the archive is " + size + " bytes, over the limit of "
                    + options.maxExpandedBytes());
        }
        if (size == 0) {
            throw DockerApiException.invalid("invalid archive: the archive is empty");
        }
        Staging staging = Staging.parse(options.stagingRegistry());
        return load(
                () -> DockerArchive.open(archive, options.maxExpandedBytes(), options.tempDir(), options.platform()),
                staging,
                options,
                progress);
    }

    private List<LoadedImage> load(
            Supplier<DockerArchive> opener, Staging staging, LoadOptions options, LoadProgress progress) {
        try {
            return loadOrThrow(opener, staging, options, progress);
        } catch (RegistryException e) {
            throw RegistryFailures.toDocker(e);
        }
    }

    private List<LoadedImage> loadOrThrow(
            Supplier<DockerArchive> opener, Staging staging, LoadOptions options, LoadProgress progress) {
        List<Path> temps = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.Collection<? extends Future<?>> tasks = List.of();
        try (DockerArchive archive = opener.get()) {
            // 1. Verify every layer and prepare every blob before anything is pushed, several layers at a time.
            Map<String, Future<Prepared>> preparedByPath = new LinkedHashMap<>();
            tasks = preparedByPath.values();
            for (ArchiveImage image : archive.images()) {
                boolean oci = image.isOciLayout();
                for (int i = 0; i < image.layers().size(); i++) {
                    ArchiveLayer layer = image.layers().get(i);
                    Digest diffId = image.diffIds().get(i);
                    Kind kind = kindFor(layer, oci, options.compressLayers());
                    preparedByPath.computeIfAbsent(
                            key(layer, kind, oci),
                            k -> workers.submit(() -> prepare(layer, diffId, kind, oci, options, temps)));
                }
            }
            List<Plan> plans = new ArrayList<>();
            for (ArchiveImage image : archive.images()) {
                plans.add(plan(image, staging, options, preparedByPath, progress));
            }
            try {
                // 2. Blobs, then manifests by digest, of every image in every repository.
                Map<String, Set<Digest>> present = new HashMap<>();
                Map<Digest, String> anyRepository = new HashMap<>();
                for (Plan plan : plans) {
                    for (ImageReference repository : plan.repositories()) {
                        RegistryPush push = registries.forPush(repository, options.credentials());
                        Set<Digest> here = present.computeIfAbsent(repository.repository(), k -> new HashSet<>());
                        List<Future<?>> uploads = new ArrayList<>();
                        for (Prepared blob : plan.blobs()) {
                            if (!here.add(blob.digest())) {
                                continue;
                            }
                            String from = anyRepository.get(blob.digest());
                            uploads.add(workers.submit(() -> {
                                if (!push.blobExists(blob.digest())) {
                                    progress.status("Pushing", shortId(blob.digest()));
                                    push.mountOrUpload(blob.digest(), blob.size(), blob.source(), from);
                                }
                            }));
                        }
                        awaitAll(uploads);
                        for (Prepared blob : plan.blobs()) {
                            anyRepository.putIfAbsent(blob.digest(), repository.repository());
                        }
                        push.putManifest(plan.manifestDigest().toString(), plan.manifest(), plan.manifestMediaType());
                    }
                }
                // 3. Tags, only once all content is in place.
                for (Plan plan : plans) {
                    for (ImageReference name : plan.image().names()) {
                        registries
                                .forPush(staging.repositoryFor(name), options.credentials())
                                .putManifest(
                                        Objects.requireNonNull(name.tag(), "tag"),
                                        plan.manifest(),
                                        plan.manifestMediaType());
                    }
                }
            } catch (RegistryException e) {
                throw RegistryFailures.pushError(e);
            }
            // 4. The image table, last.
            List<LoadedImage> out = new ArrayList<>();
            for (Plan plan : plans) {
                LoadedImage loaded = new LoadedImage(
                        plan.image().configDigest(),
                        plan.image().names(),
                        plan.repositories().get(0),
                        plan.manifestDigest(),
                        plan.manifestMediaType(),
                        plan.layersSize(),
                        plan.platform(),
                        plan.image().config());
                record(loaded);
                out.add(loaded);
            }
            return out;
        } finally {
            // On a failure, let the other layers' tasks finish before their temporary files are removed.
            for (Future<?> task : tasks) {
                try {
                    task.get();
                } catch (Exception ignored) {
                    // reported by whoever awaited it first
                }
            }
            for (Path temp : List.copyOf(temps)) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    /** Records an image under its original names: location = the staging repository, no registry digest. */
    private void record(LoadedImage loaded) {
        if (store == null) {
            return;
        }
        Instant now = clock.instant();
        store.saveImage(new ImageRecord(
                loaded.id(),
                loaded.config(),
                loaded.manifestDigest(),
                loaded.manifestMediaType(),
                loaded.platform(),
                loaded.size(),
                loaded.stagingRepository().name(),
                null,
                now));
        for (ImageReference name : loaded.names()) {
            store.saveRef(
                    new ImageRef(name, loaded.id(), null, loaded.platform().toString(), now));
        }
    }

    private Plan plan(
            ArchiveImage image,
            Staging staging,
            LoadOptions options,
            Map<String, Future<Prepared>> preparedByPath,
            LoadProgress progress) {
        Platform platform = ImagePuller.platformOf(image.config(), options.platform());
        boolean oci = image.isOciLayout();
        List<Prepared> layers = new ArrayList<>();
        boolean allAsStored = oci;
        for (int i = 0; i < image.layers().size(); i++) {
            ArchiveLayer layer = image.layers().get(i);
            Digest diffId = image.diffIds().get(i);
            progress.status("Loading layer", shortId(diffId));
            Prepared prepared = await(Objects.requireNonNull( // every layer was submitted before planning
                    preparedByPath.get(key(layer, kindFor(layer, oci, options.compressLayers()), oci))));
            checkDiffId(layer, diffId, prepared.uncompressed()); // a layer shared by images was hashed once
            if (layer.declaredDigest() == null || !layer.declaredDigest().equals(prepared.digest())) {
                allAsStored = false;
            }
            layers.add(prepared);
        }
        byte[] config = image.config();
        Prepared configBlob =
                new Prepared(image.configDigest(), config.length, image.configMediaType(), BlobSource.of(config), null);
        byte[] manifest;
        String mediaType;
        ArchiveImage.SourceManifest source = image.sourceManifest(); // present exactly when oci
        if (source != null && allAsStored) {
            manifest = source.bytes();
            mediaType = source.mediaType();
        } else {
            mediaType = oci ? MediaType.OCI_MANIFEST : MediaType.DOCKER_MANIFEST;
            manifest = manifest(mediaType, configBlob, layers);
        }
        List<Prepared> blobs = new ArrayList<>();
        blobs.add(configBlob);
        blobs.addAll(layers);
        Set<ImageReference> repositories = new LinkedHashSet<>();
        for (ImageReference name : image.names()) {
            repositories.add(staging.repositoryFor(name));
        }
        if (repositories.isEmpty()) {
            repositories.add(staging.untagged());
        }
        long size = layers.stream().mapToLong(Prepared::size).sum();
        return new Plan(
                image, platform, manifest, mediaType, Digest.of(manifest), blobs, size, List.copyOf(repositories));
    }

    private static String key(ArchiveLayer layer, Kind kind, boolean oci) {
        return layer.path() + "|" + kind + "|" + oci;
    }

    /** The result of a task, its own exceptions rethrown as they were. */
    private static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DockerApiException.unavailable("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw DockerApiException.system("image load failed: " + e.getCause(), e.getCause());
        }
    }

    /** Waits for every task, then rethrows the first failure: no upload is left running when the load fails. */
    private static void awaitAll(List<Future<?>> futures) {
        RuntimeException first = null;
        for (Future<?> f : futures) {
            try {
                await(f);
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** How a layer is pushed: gzip what is stored uncompressed (when asked), keep gzip, keep zstd for OCI. */
    private static Kind kindFor(ArchiveLayer layer, boolean oci, boolean compress) {
        return switch (layer.compression()) {
            case NONE -> compress ? Kind.GZIP : Kind.RAW;
            case GZIP -> Kind.ORIGINAL;
            case ZSTD -> oci ? Kind.ORIGINAL : Kind.GZIP;
            case BZIP2, XZ -> Kind.GZIP;
        };
    }

    private static String layerType(Kind kind, Compression stored, boolean oci) {
        if (kind == Kind.RAW) {
            return oci ? MediaType.OCI_LAYER : MediaType.DOCKER_LAYER;
        }
        if (kind == Kind.ORIGINAL && stored == Compression.ZSTD) {
            return MediaType.OCI_LAYER_ZSTD;
        }
        return oci ? MediaType.OCI_LAYER_GZIP : MediaType.DOCKER_LAYER_GZIP;
    }

    /**
     * Streams a layer once: checks its uncompressed digest against {@code diffId} and computes the digest and
     * size of what will be pushed (spooling a gzip to a temporary file when the layer is recompressed).
     */
    private Prepared prepare(
            ArchiveLayer layer, Digest diffId, Kind kind, boolean oci, LoadOptions options, List<Path> temps) {
        String type = layerType(kind, layer.compression(), oci);
        try {
            String gzipKey = diffId + "|" + options.gzipLevel();
            Gzipped known = kind == Kind.GZIP ? gzipped.get(gzipKey) : null;
            if (known != null) {
                // Seen before: verify the content, and gzip it only if the registry turns out to need it.
                MessageDigest uncompressed = Digest.sha256();
                try (InputStream in =
                        new DigestInputStream(layer.openUncompressed(options.maxExpandedBytes()), uncompressed)) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
                checkDiffId(layer, diffId, Digest.from(uncompressed));
                return new Prepared(
                        known.digest(), known.size(), type, new GzipOnFirstOpen(layer, options, temps), diffId);
            }
            if (kind == Kind.GZIP) {
                Path temp = LoadTempFiles.create(options.tempDir(), "layer", ".tar.gz");
                temps.add(temp);
                MessageDigest uncompressed = Digest.sha256();
                MessageDigest compressed = Digest.sha256();
                try (InputStream in = new DigestInputStream(
                                layer.openUncompressed(options.maxExpandedBytes()), uncompressed);
                        OutputStream file = spool(temp);
                        OutputStream gzip =
                                new ParallelGzip(new DigestOutputStream(file, compressed), options.gzipLevel())) {
                    in.transferTo(gzip);
                }
                checkDiffId(layer, diffId, Digest.from(uncompressed));
                Gzipped result = new Gzipped(Digest.from(compressed), Files.size(temp));
                if (gzipped.size() < MAX_GZIPPED_ENTRIES) {
                    gzipped.put(gzipKey, result);
                }
                return new Prepared(result.digest(), result.size(), type, () -> Files.newInputStream(temp), diffId);
            }
            MessageDigest stored = Digest.sha256();
            MessageDigest uncompressed = Digest.sha256();
            try (DigestInputStream raw = new DigestInputStream(layer.open(), stored)) {
                InputStream un =
                        layer.compression().decompress(raw, options.maxExpandedBytes(), "layer " + layer.path());
                new DigestInputStream(un, uncompressed).transferTo(OutputStream.nullOutputStream());
                raw.transferTo(OutputStream.nullOutputStream()); // anything after the compressed stream's end
            }
            checkDiffId(layer, diffId, Digest.from(uncompressed));
            Digest storedDigest = Digest.from(stored);
            if (layer.declaredDigest() != null && !layer.declaredDigest().equals(storedDigest)) {
                throw DockerApiException.invalid("invalid archive: layer " + layer.path() + " has digest "
                        + storedDigest + " but the manifest says " + layer.declaredDigest());
            }
            return new Prepared(storedDigest, layer.size(), type, layer::open, diffId);
        } catch (java.io.EOFException e) {
            throw DockerApiException.invalid("invalid archive: layer " + layer.path() + " is truncated");
        } catch (SpoolWriteFailed e) {
            throw DockerApiException.system("cannot spool layer " + layer.path() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw DockerApiException.invalid(
                    "invalid archive: cannot read layer " + layer.path() + ": " + e.getMessage());
        }
    }

    /** A write to a spool file failed (a full disk): the load's fault, not the archive's. */
    private static final class SpoolWriteFailed extends IOException {
        private static final long serialVersionUID = 1L;

        SpoolWriteFailed(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** A new spool file whose write failures are {@link SpoolWriteFailed}, told apart from the archive's. */
    private static OutputStream spool(Path temp) throws IOException {
        return new java.io.FilterOutputStream(Files.newOutputStream(temp)) {
            @Override
            public void write(int b) throws IOException {
                try {
                    out.write(b);
                } catch (IOException e) {
                    throw new SpoolWriteFailed(e);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw new SpoolWriteFailed(e);
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    out.close();
                } catch (IOException e) {
                    throw new SpoolWriteFailed(e);
                }
            }
        };
    }

    private static void checkDiffId(ArchiveLayer layer, Digest expected, @Nullable Digest actual) {
        if (!expected.equals(actual)) {
            throw DockerApiException.invalid("invalid archive: layer " + layer.path() + " has diffID " + actual
                    + " but the config's rootfs.diff_ids says " + expected);
        }
    }

    private static byte[] manifest(String mediaType, Prepared config, List<Prepared> layers) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schemaVersion", 2);
        m.put("mediaType", mediaType);
        m.put(
                "config",
                descriptor(
                        MediaType.OCI_MANIFEST.equals(mediaType) && MediaType.DOCKER_CONFIG.equals(config.mediaType())
                                ? MediaType.OCI_CONFIG
                                : config.mediaType(),
                        config));
        m.put("layers", layers.stream().map(l -> descriptor(l.mediaType(), l)).toList());
        try {
            return JSON.writeValueAsBytes(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> descriptor(String mediaType, Prepared blob) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", mediaType);
        d.put("digest", blob.digest().toString());
        d.put("size", blob.size());
        return d;
    }

    private static String shortId(Digest digest) {
        return digest.hex().substring(0, 12);
    }

    /** A layer gzipped to a temporary file when first read (a repeated load whose registry lost the blob). */
    private static final class GzipOnFirstOpen implements BlobSource {
        private final ArchiveLayer layer;
        private final LoadOptions options;
        private final List<Path> temps;
        private @Nullable Path file;

        GzipOnFirstOpen(ArchiveLayer layer, LoadOptions options, List<Path> temps) {
            this.layer = layer;
            this.options = options;
            this.temps = temps;
        }

        @Override
        public synchronized InputStream open() throws IOException {
            if (file == null) {
                Path temp = LoadTempFiles.create(options.tempDir(), "layer", ".tar.gz");
                temps.add(temp);
                try (InputStream in = layer.openUncompressed(options.maxExpandedBytes());
                        OutputStream gzip = new ParallelGzip(Files.newOutputStream(temp), options.gzipLevel())) {
                    in.transferTo(gzip);
                }
                file = temp;
            }
            return Files.newInputStream(file);
        }
    }

    /** {@code SOCKERLESS_STAGING_REGISTRY}: {@code host[:port][/namespace]}. */
    record Staging(String registry, String namespace) {

        static Staging parse(String text) {
            String value = text == null ? "" : text.trim();
            while (value.endsWith("/")) {
                value = value.substring(0, value.length() - 1);
            }
            int slash = value.indexOf('/');
            String registry = slash < 0 ? value : value.substring(0, slash);
            String namespace = slash < 0 ? "" : value.substring(slash + 1);
            if (registry.isEmpty()) {
                throw DockerApiException.system("configuration: the staging registry is not set", null);
            }
            Staging staging = new Staging(registry, namespace);
            try {
                ImageReference probe = ImageReference.parse(
                        staging.path("probe").isEmpty() ? registry : registry + "/" + staging.path("probe"));
                if (!probe.registry().equalsIgnoreCase(registry)) {
                    throw new IllegalArgumentException(registry + " is not a registry host");
                }
            } catch (RuntimeException e) {
                throw DockerApiException.system(
                        "configuration: the staging registry " + text + " is not host[:port][/namespace]", e);
            }
            return staging;
        }

        private String path(String repository) {
            return namespace.isEmpty() ? repository : namespace + "/" + repository;
        }

        /** {@code <staging>/<repository path of name>}. */
        ImageReference repositoryFor(ImageReference name) {
            ImageReference ref = ImageReference.parse(registry + "/" + path(name.repository()));
            return ref.repositoryOnly();
        }

        ImageReference untagged() {
            return ImageReference.parse(registry + "/" + path(UNTAGGED_REPOSITORY))
                    .repositoryOnly();
        }
    }
}
