package dev.sockerless.aca.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * The bytes of a blob to upload, re-openable: each {@link #open()} starts a fresh stream from the first byte, so a
 * request can be repeated (after an authentication challenge) without holding the blob in memory.
 */
@FunctionalInterface
public interface BlobSource {

    InputStream open() throws IOException;

    /**
     * The bytes as buffers an HTTP client sends as they are, for a source that hands over bytes as they are produced
     * (read once: a second subscription gets an error); null, the default, to read {@link #open()} instead.
     */
    default Flow.@Nullable Publisher<ByteBuffer> publisher() {
        return null;
    }

    /** A source over an in-memory array (no copy). */
    static BlobSource of(byte[] bytes) {
        return () -> new java.io.ByteArrayInputStream(bytes);
    }
}
