package dev.sockerless.aca.images;

import dev.sockerless.aca.registry.BlobSource;
import dev.sockerless.aca.registry.Digest;
import java.io.IOException;
import java.io.InputStream;
import org.jspecify.annotations.Nullable;

/**
 * One layer of an image in a {@code docker save} archive: a file of the archive (links resolved), opened lazily.
 *
 * @param path              the file's path in the archive, after following links
 * @param size              the stored size in bytes
 * @param declaredDigest    the digest the archive's OCI manifest claims for the stored bytes; null for
 *                          {@code manifest.json} sources (verified while streaming, never trusted)
 * @param declaredMediaType the media type the OCI manifest gives the layer; null for {@code manifest.json} sources
 * @param compression       the stored bytes' compression, sniffed from their magic
 * @param source            opens the stored bytes, each time from the start
 */
public record ArchiveLayer(
        String path,
        long size,
        @Nullable Digest declaredDigest,
        @Nullable String declaredMediaType,
        Compression compression,
        BlobSource source) {

    /** The stored bytes (possibly compressed). */
    public InputStream open() throws IOException {
        return source.open();
    }

    /** The uncompressed tar, failing once it expands beyond {@code cap} bytes. */
    public InputStream openUncompressed(long cap) throws IOException {
        return compression.decompress(source.open(), cap, "layer " + path);
    }
}
