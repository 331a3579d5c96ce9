package dev.sockerless.aca.registry;

import java.io.IOException;
import java.io.InputStream;

/**
 * The bytes of a blob to upload, re-openable: each {@link #open()} starts a fresh stream from the first byte, so a
 * request can be repeated (after an authentication challenge) without holding the blob in memory.
 */
@FunctionalInterface
public interface BlobSource {

    InputStream open() throws IOException;

    /** A source over an in-memory array (no copy). */
    static BlobSource of(byte[] bytes) {
        return () -> new java.io.ByteArrayInputStream(bytes);
    }
}
