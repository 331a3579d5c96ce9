package dev.sockerless.aca.images;

import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.io.DaemonThreads;
import dev.sockerless.aca.registry.BlobSource;
import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.registry.ImageReference;
import dev.sockerless.aca.registry.MediaType;
import dev.sockerless.aca.registry.Registries;
import dev.sockerless.aca.registry.RegistryPush;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The layer half of a load ({@link ImageLoader} does the steps): streams each layer of an archive once, checks its
 * uncompressed digest against its diffID and computes the digest and size of what will be pushed — gzipping an
 * uncompressed layer ({@link ParallelGzip}) through a {@link LayerPipe} into an upload session of the staging
 * registry while it is compressed, keeping a compressed layer's bytes as stored. Remembers what gzipping gave by
 * diffID and level, so a repeated load knows its layers' digests without compressing them again.
 */
final class LayerPreparer {

    private static final Logger LOG = Logger.getLogger(LayerPreparer.class.getName());

    private final Registries registries;
    /** Where the streamed uploads run (shared with the load's other registry requests). */
    private final ExecutorService io;

    /** Layers are prepared (hashed, gzipped) this many at a time. */
    static final int PARALLELISM = Math.max(2, Runtime.getRuntime().availableProcessors());
    /** Entries kept in {@link #gzipped}. */
    private static final int MAX_GZIPPED_ENTRIES = 10_000;

    private final ExecutorService workers =
            Executors.newFixedThreadPool(PARALLELISM, DaemonThreads.named("image-load"));

    /**
     * What gzipping an uncompressed layer gave, by diffID and level: gzip here is deterministic, so a repeated load
     * knows its layers' digests without compressing them again, and compresses only what the registry lacks.
     */
    private final Map<String, GzippedLayer> gzipped = new ConcurrentHashMap<>();

    /** The same memo kept across restarts (the image table), so that a new instance knows it too. */
    private final ImageStore memo;

    enum Kind {
        GZIP,
        RAW,
        ORIGINAL
    }

    /**
     * A blob ready to push: its digest and size are known, its bytes re-openable; {@code streamed}, when its bytes
     * were already streamed into an upload session while they were compressed; {@code remembered}, done once what
     * gzipping it gave is in the image table (or failed to get there), for a layer gzipped afresh.
     */
    record Prepared(
            Digest digest,
            long size,
            String mediaType,
            BlobSource source,
            @Nullable Digest uncompressed,
            @Nullable Streamed streamed,
            CompletableFuture<Void> remembered) {
        Prepared(Digest digest, long size, String mediaType, BlobSource source, @Nullable Digest uncompressed) {
            this(digest, size, mediaType, source, uncompressed, null, CompletableFuture.completedFuture(null));
        }
    }

    /**
     * A layer streamed into an upload session of {@code repository} while it was compressed: committed (made the
     * blob) only once every layer of the load is verified, cancelled otherwise.
     */
    record Streamed(
            ImageReference repository, RegistryPush push, Future<RegistryPush.Upload> upload, AtomicBoolean committed) {

        /** The session, or null when streaming failed (the blob is then uploaded from a fresh gzip of the layer). */
        RegistryPush.@Nullable Upload session() {
            try {
                return await(upload);
            } catch (RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                LOG.log(Level.FINE, "streaming a layer to " + repository + " failed; it is uploaded again", e);
                return null;
            }
        }

        /** Drops the session unless it was committed. */
        void cancelUnlessCommitted() {
            RegistryPush.Upload session = session();
            if (session != null && !committed.get()) {
                push.cancel(session);
            }
        }
    }

    /** Where a layer compressed afresh is streamed to while it is compressed, and the list of such streams. */
    record StreamTo(ImageReference repository, List<Streamed> streams) {}

    static String key(ArchiveLayer layer, Kind kind, boolean oci) {
        return layer.path() + "|" + kind + "|" + oci;
    }

    /** The result of a task, its own exceptions rethrown as they were. */
    static <T> T await(Future<T> future) {
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

    /** How a layer is pushed: gzip what is stored uncompressed (when asked), keep gzip, keep zstd for OCI. */
    static Kind kindFor(ArchiveLayer layer, boolean oci, boolean compress) {
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
     * size of what will be pushed (streaming a layer gzipped afresh to the registry as it is compressed).
     */
    private Prepared prepare(
            ArchiveLayer layer,
            Digest diffId,
            Kind kind,
            boolean oci,
            LoadOptions options,
            List<Path> temps,
            StreamTo streamTo,
            CompletableFuture<Optional<GzippedLayer>> memoLookup) {
        String type = layerType(kind, layer.compression(), oci);
        try {
            GzippedLayer knownAlready = memoLookup.isDone() ? memoLookup.join().orElse(null) : null;
            if (knownAlready != null) {
                // Seen before: verify the content, and gzip it only if the registry turns out to need it.
                MessageDigest uncompressed = Digest.sha256();
                try (InputStream in =
                        new DigestInputStream(layer.openUncompressed(options.maxExpandedBytes()), uncompressed)) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
                checkDiffId(layer, diffId, Digest.from(uncompressed));
                return known(knownAlready, type, layer, diffId, options, temps);
            }
            if (kind == Kind.GZIP) {
                return gzipAndStream(layer, diffId, type, options, temps, streamTo, memoLookup);
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
        } catch (IOException e) {
            throw DockerApiException.invalid(
                    "invalid archive: cannot read layer " + layer.path() + ": " + e.getMessage());
        }
    }

    /**
     * Streams the pipe, while it is written, into an upload session of {@code streamTo}'s repository (one chunked
     * {@code PATCH}), so that the upload overlaps the compression. Once the upload is over, the pipe is abandoned: a
     * failed upload never holds up the compression.
     */
    private Streamed stream(LayerPipe pipe, ArchiveLayer layer, LoadOptions options, StreamTo streamTo) {
        RegistryPush push = registries.forPush(streamTo.repository(), options.credentials());
        // the deadline's bound: an uncompressed layer grows by a few bytes a block when stored
        long bound = layer.compression() == Compression.NONE
                ? layer.size() + layer.size() / 100 + (1 << 20)
                : options.maxExpandedBytes() + options.maxExpandedBytes() / 100;
        Streamed streamed = new Streamed(
                streamTo.repository(),
                push,
                io.submit(() -> {
                    try {
                        return push.stream(pipe, bound);
                    } finally {
                        pipe.abandon();
                    }
                }),
                new AtomicBoolean());
        streamTo.streams().add(streamed);
        return streamed;
    }

    /** A layer the memo knows (and whose content was verified): gzipped only if an upload turns out to need it. */
    private Prepared known(
            GzippedLayer known, String type, ArchiveLayer layer, Digest diffId, LoadOptions options, List<Path> temps) {
        return new Prepared(
                known.digest(), known.size(), type, new GzipOnFirstOpen(layer, diffId, known, options, temps), diffId);
    }

    /**
     * Hashes and gzips a layer into a {@link LayerPipe} from its first byte, while the memo is still being asked
     * (a table round trip, measured at 25-40 ms at the start of a busy load, is then off the layer's critical path):
     * the pipe holds what is compressed meanwhile. The memo's answer starts the upload of the pipe, or, when the memo
     * knows the layer, stops the gzip (the layer is still read to the end and its diffID checked) and drops the pipe
     * unsent: a repeated load uploads nothing.
     */
    private Prepared gzipAndStream(
            ArchiveLayer layer,
            Digest diffId,
            String type,
            LoadOptions options,
            List<Path> temps,
            StreamTo streamTo,
            CompletableFuture<Optional<GzippedLayer>> memoLookup)
            throws IOException {
        LayerPipe pipe = new LayerPipe();
        AtomicBoolean knownToMemo = new AtomicBoolean();
        CompletableFuture<Optional<Streamed>> decided = memoLookup.thenApply(known -> {
            try {
                if (known.isPresent()) {
                    knownToMemo.set(true);
                    pipe.abandon();
                    return Optional.empty();
                }
                return Optional.of(stream(pipe, layer, options, streamTo));
            } catch (RuntimeException e) {
                pipe.abandon(); // nothing will read it: the writer must not wait for a reader
                throw e;
            }
        });
        MessageDigest uncompressed = Digest.sha256();
        MessageDigest compressed = Digest.sha256();
        boolean piped = false;
        try {
            try (InputStream in =
                            new DigestInputStream(layer.openUncompressed(options.maxExpandedBytes()), uncompressed);
                    OutputStream gzip =
                            new ParallelGzip(new DigestOutputStream(pipe.writer(), compressed), options.gzipMethod())) {
                // pieces of a gzip chunk (transferTo's 8 KiB would cost a digest and a lock call per 8 KiB)
                byte[] buffer = new byte[ParallelGzip.CHUNK];
                int n;
                while ((n = in.read(buffer)) >= 0 && !decided.isCompletedExceptionally()) {
                    if (!knownToMemo.get()) {
                        gzip.write(buffer, 0, n);
                    }
                }
            }
            Optional<Streamed> streamed = await(decided);
            if (streamed.isEmpty()) {
                checkDiffId(layer, diffId, Digest.from(uncompressed));
                return known(memoLookup.join().orElseThrow(), type, layer, diffId, options, temps);
            }
            pipe.finish();
            piped = true;
            checkDiffId(layer, diffId, Digest.from(uncompressed));
            GzippedLayer result = new GzippedLayer(Digest.from(compressed), pipe.written());
            // what was streamed cannot be read again: any other upload of it gzips the archive's bytes afresh
            return new Prepared(
                    result.digest(),
                    result.size(),
                    type,
                    new GzipOnFirstOpen(layer, diffId, result, options, temps),
                    diffId,
                    streamed.get(),
                    remember(GzippedLayer.key(diffId, options.gzipMethod()), result));
        } finally {
            if (!piped) {
                pipe.fail(new IOException("layer " + layer.path() + " could not be compressed"));
            }
        }
    }

    static void checkDiffId(ArchiveLayer layer, Digest expected, @Nullable Digest actual) {
        if (!expected.equals(actual)) {
            throw DockerApiException.invalid("invalid archive: layer " + layer.path() + " has diffID " + actual
                    + " but the config's rootfs.diff_ids says " + expected);
        }
    }

    /**
     * A layer gzipped to a temporary file when first read (a repeated load whose registry lost the blob, another
     * repository, a refused stream), which must give the digest the manifest names. When it does not (the memo came
     * from an instance whose ISA-L picked other code for its CPU, or from a version that wrote other bytes under the
     * same format name), the memo is corrected to what this instance wrote and the load fails with a message to load
     * again: the next load pushes the new digest. Without the correction every later load of the layer would fail.
     */
    private final class GzipOnFirstOpen implements BlobSource {
        private final ArchiveLayer layer;
        private final Digest diffId;
        private final GzippedLayer expected;
        private final LoadOptions options;
        private final List<Path> temps;
        private @Nullable Path file;

        GzipOnFirstOpen(
                ArchiveLayer layer, Digest diffId, GzippedLayer expected, LoadOptions options, List<Path> temps) {
            this.layer = layer;
            this.diffId = diffId;
            this.expected = expected;
            this.options = options;
            this.temps = temps;
        }

        @Override
        public synchronized InputStream open() throws IOException {
            if (file == null) {
                Path temp = LoadTempFiles.create(options.tempDir(), "layer", ".tar.gz");
                temps.add(temp);
                MessageDigest digest = Digest.sha256();
                long size;
                try (InputStream in = layer.openUncompressed(options.maxExpandedBytes());
                        OutputStream written = Files.newOutputStream(temp)) {
                    CountingOutputStream counted = new CountingOutputStream(new DigestOutputStream(written, digest));
                    try (OutputStream gzip = new ParallelGzip(counted, options.gzipMethod())) {
                        in.transferTo(gzip);
                    }
                    size = counted.count;
                }
                GzippedLayer actual = new GzippedLayer(Digest.from(digest), size);
                if (!actual.equals(expected)) {
                    correct(GzippedLayer.key(diffId, options.gzipMethod()), actual);
                    throw DockerApiException.system(
                            "layer " + layer.path() + " gzipped to " + actual.digest()
                                    + " here, not to the remembered " + expected.digest()
                                    + " (written by an instance with "
                                    + "another CPU or version); the memo now says " + actual.digest() + ": load again",
                            null);
                }
                file = temp;
            }
            return Files.newInputStream(file);
        }
    }

    /** Counts the bytes written through it. */
    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    /** What this process or an earlier one learnt gzipping the layer, or null. */
    private @Nullable GzippedLayer known(String key) {
        GzippedLayer inMemory = gzipped.get(key);
        if (inMemory != null) {
            return inMemory;
        }
        try {
            GzippedLayer stored = memo.findGzippedLayer(key).orElse(null);
            if (stored != null) {
                keepInMemory(key, stored);
            }
            return stored;
        } catch (RuntimeException e) {
            return null; // a memo the table cannot give is a layer compressed afresh, not a failed load
        }
    }

    /** Puts a memo in {@link #gzipped}: a new key only while it holds fewer than its bound, a known key always. */
    private void keepInMemory(String key, GzippedLayer layer) {
        if (gzipped.containsKey(key) || gzipped.size() < MAX_GZIPPED_ENTRIES) {
            gzipped.put(key, layer);
        }
    }

    /**
     * Replaces a memo that named another digest, in this process and in the image table, on the calling thread (an
     * upload's: waiting for the io pool from one of its threads could wait for ever).
     */
    private void correct(String key, GzippedLayer layer) {
        keepInMemory(key, layer);
        try {
            memo.saveGzippedLayer(key, layer);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the gzip memo of a layer could not be corrected in the image table", e);
        }
    }

    /**
     * Remembers what gzipping a layer gave: in this process at once, in the image table on the io pool, so that the
     * worker goes on with the next layer instead of waiting for the table (measured: 10-20 ms a layer); the load
     * waits for {@link Prepared#remembered} before it answers.
     */
    private CompletableFuture<Void> remember(String key, GzippedLayer layer) {
        keepInMemory(key, layer);
        return CompletableFuture.runAsync(
                () -> {
                    try {
                        memo.saveGzippedLayer(key, layer);
                    } catch (RuntimeException e) {
                        // only a later load on another instance loses: it compresses this layer again
                    }
                },
                io);
    }

    LayerPreparer(Registries registries, ImageStore memo, ExecutorService io) {
        this.registries = registries;
        this.memo = memo;
        this.io = io;
    }

    /**
     * Prepares a layer of an image ({@code oci}: of an OCI layout) on one of the {@link #PARALLELISM} workers, its
     * temporary files added to {@code temps}; a layer gzipped afresh is streamed to {@code streamTo}.
     */
    Future<Prepared> submit(
            ArchiveLayer layer, Digest diffId, boolean oci, LoadOptions options, List<Path> temps, StreamTo streamTo) {
        Kind kind = kindFor(layer, oci, options.compressLayers());
        // The memo is asked for every layer at once, while the workers are busy with the first layers: a table
        // round trip before each layer would hold up its compression (measured: 15-80 ms each on a busy host).
        CompletableFuture<Optional<GzippedLayer>> memoLookup = kind == Kind.GZIP
                ? CompletableFuture.supplyAsync(
                        () -> Optional.ofNullable(known(GzippedLayer.key(diffId, options.gzipMethod()))), io)
                : CompletableFuture.completedFuture(Optional.empty());
        return workers.submit(() -> prepare(layer, diffId, kind, oci, options, temps, streamTo, memoLookup));
    }
}
