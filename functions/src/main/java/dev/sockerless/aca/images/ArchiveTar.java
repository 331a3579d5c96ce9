package dev.sockerless.aca.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.registry.BoundedJson;
import dev.sockerless.aca.registry.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.jspecify.annotations.Nullable;

/**
 * The safe tar reader under {@link DockerArchive}: indexes an archive's entries without copying them (in place, or
 * decompressed, capped, into a temporary file), checks every name (no absolute paths, no {@code ..}, no NUL),
 * resolves symbolic and hard links inside the archive only (every link, even an unreferenced one), reads small
 * entries with a cap each and together ({@link #MAX_HELD_BYTES}), and opens layers as streams that other threads may
 * read at the same time. Every problem is an invalid-parameter error starting with {@code invalid archive:}.
 */
final class ArchiveTar implements AutoCloseable {

    /**
     * Most bytes read from the archive into memory by one load (manifest.json, index.json, manifests and configs
     * together; each is also capped alone), so that an archive of many large configs cannot fill the heap.
     */
    static final long MAX_HELD_BYTES = 32L * 1024 * 1024;

    private static final int MAX_LINK_HOPS = 40;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Compression compression;
    private final @Nullable Path tempFile;
    private final TarFile tar;
    private final long archiveSize;
    private final Map<String, TarArchiveEntry> files = new HashMap<>();
    private final Map<String, TarArchiveEntry> links = new HashMap<>();
    private long heldBytes;

    private ArchiveTar(Compression compression, @Nullable Path tempFile, TarFile tar, long archiveSize) {
        this.compression = compression;
        this.tempFile = tempFile;
        this.tar = tar;
        this.archiveSize = archiveSize;
    }

    /** Indexes the stored bytes as a tar in place (for an uncompressed archive), its headers checked first. */
    interface TarOpener {
        TarFile open() throws IOException;
    }

    /** The stored bytes from the start (to decompress a compressed archive). */
    interface StreamOpener {
        InputStream open() throws IOException;
    }

    /**
     * Opens and indexes the archive: in place when uncompressed, else decompressed (capped by
     * {@code maxExpandedBytes}) into a temporary file in {@code tempDir} first.
     */
    static ArchiveTar open(
            Compression compression,
            TarOpener inPlace,
            long inPlaceSize,
            StreamOpener stream,
            long maxExpandedBytes,
            Path tempDir) {
        Path temp = null;
        ArchiveTar archive = null;
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
            archive = new ArchiveTar(compression, temp, tar, size);
            archive.index();
            return archive;
        } catch (IOException e) {
            closeQuietly(archive, temp);
            throw DockerApiException.invalid("invalid archive: not a readable tar archive: " + message(e));
        } catch (RuntimeException e) {
            closeQuietly(archive, temp);
            throw e;
        }
    }

    private static void closeQuietly(@Nullable ArchiveTar archive, @Nullable Path temp) {
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
    Compression compression() {
        return compression;
    }

    /** The regular files of the archive by normalised path (links not included). */
    List<String> fileNames() {
        return files.keySet().stream().sorted().toList();
    }

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
                    throw DockerArchive.invalid("link " + raw + " has no target");
                }
                if (target.startsWith("/")) {
                    throw DockerArchive.invalid(
                            "link " + raw + " points outside the archive (absolute target " + target + ")");
                }
                links.put(name, entry);
                files.remove(name);
            } else if (entry.isFile()) {
                if (entry.isSparse()) {
                    throw DockerArchive.invalid("sparse file " + raw + " is not supported");
                }
                if (entry.getSize() < 0
                        || entry.getDataOffset() < 0
                        || entry.getDataOffset() + entry.getSize() > archiveSize) {
                    throw DockerArchive.invalid(
                            "the tar is truncated (entry " + raw + " ends after the end of the archive)");
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
            throw DockerArchive.invalid("no files found: not a docker save tar archive");
        }
    }

    /** {@code ./a//b} → {@code a/b}; absolute paths and {@code ..} components are refused. */
    static String normalize(String name) {
        if (name.startsWith("/")) {
            throw DockerArchive.invalid("absolute path " + name + " in the tar");
        }
        if (name.indexOf('\0') >= 0) {
            throw DockerArchive.invalid("NUL byte in the path " + name);
        }
        StringBuilder out = new StringBuilder();
        for (String part : name.split("/", -1)) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw DockerArchive.invalid("path traversal in the tar entry " + name);
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
                    throw DockerArchive.invalid("link " + link + " points outside the archive (" + target + ")");
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
        throw DockerArchive.invalid("too many levels of links at " + path);
    }

    TarArchiveEntry require(String path, String what) {
        String name;
        try {
            name = normalize(path);
        } catch (DockerApiException e) {
            throw DockerArchive.invalid(what + " " + path + " is not a path inside the archive");
        }
        TarArchiveEntry entry = resolve(name);
        if (entry == null) {
            throw DockerArchive.invalid(what + " " + path + " is missing from the archive");
        }
        return entry;
    }

    boolean exists(String path) {
        return resolve(normalize(path)) != null;
    }

    byte[] read(TarArchiveEntry entry, long cap, String what) {
        if (entry.getSize() > cap) {
            throw DockerArchive.invalid(what + " is " + entry.getSize() + " bytes, over the limit of " + cap);
        }
        heldBytes += entry.getSize();
        if (heldBytes > MAX_HELD_BYTES) {
            throw DockerArchive.invalid("the archive's manifests and configs hold more than " + MAX_HELD_BYTES
                    + " bytes together (the limit)");
        }
        try (InputStream in = tar.getInputStream(entry)) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length != entry.getSize()) {
                throw DockerArchive.invalid("the tar is truncated in " + what);
            }
            return bytes;
        } catch (IOException e) {
            throw DockerArchive.invalid("cannot read " + what + ": " + message(e));
        }
    }

    JsonNode readJson(String path, String what) {
        byte[] bytes = read(require(path, what), DockerArchive.MAX_JSON_BYTES, what);
        try {
            JsonNode node = BoundedJson.readTree(JSON, bytes);
            if (node == null) {
                throw DockerArchive.invalid(what + " is empty");
            }
            return node;
        } catch (BoundedJson.TooManyValues e) {
            throw DockerArchive.invalid(what + " has " + e.getMessage());
        } catch (IOException e) {
            throw DockerArchive.invalid(what + " is not valid JSON");
        }
    }

    ArchiveLayer layer(TarArchiveEntry entry, @Nullable Digest declared, @Nullable String declaredType) {
        String name = normalize(entry.getName());
        Compression c;
        try (InputStream in = tar.getInputStream(entry)) {
            byte[] head = in.readNBytes(Compression.MAGIC_LENGTH);
            c = Compression.sniff(head, head.length);
        } catch (IOException e) {
            throw DockerArchive.invalid("cannot read layer " + name + ": " + message(e));
        }
        return new ArchiveLayer(
                name,
                entry.getSize(),
                declared,
                declaredType,
                c,
                () -> new SharedChannelStream(tar.getInputStream(entry), tar));
    }

    static String message(Exception e) {
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
