package dev.sockerless.aca.registry;

import org.jspecify.annotations.Nullable;

/**
 * The push side of one repository of one registry, bound to credentials that may push (token scope
 * {@code pull,push}). Follows the OCI push flow (opencontainers/distribution-spec {@code spec.md}, "Push"): blobs first, then manifests by digest, tags last.
 */
public interface RegistryPush {

    /** The repository pushed to, fully qualified without tag ({@code 127.0.0.1:5000/staging/library/alpine}). */
    ImageReference repository();

    /** True when the registry already holds the blob in this repository ({@code HEAD} → 200). */
    boolean blobExists(Digest digest);

    /**
     * Makes the blob present: a cross-repository mount from {@code fromRepository} (a repository path in the same
     * registry, nullable) when the registry agrees (201), else a monolithic upload of {@code size} bytes from
     * {@code source} into the session the registry opened. The registry verifies the digest.
     */
    void mountOrUpload(Digest digest, long size, BlobSource source, @Nullable String fromRepository);

    /**
     * Opens an upload session and streams {@code source}, whose length is not known yet (at most {@code maxBytes}),
     * into it with one {@code PATCH} ({@code Transfer-Encoding: chunked}, as {@code docker push} sends a layer),
     * returning when the registry has taken every byte. The bytes are not a blob until {@link #commit}; a session
     * never committed should be {@link #cancel}led.
     */
    Upload stream(BlobSource source, long maxBytes);

    /** Makes a streamed session the blob {@code digest} ({@code PUT <Location>&digest=}); the registry verifies it. */
    void commit(Upload upload, Digest digest);

    /** Drops a session that will not be committed ({@code DELETE <Location>}); best effort, never throws. */
    void cancel(Upload upload);

    /** A session holding streamed bytes: where to commit or cancel it. */
    record Upload(java.net.URI location) {}

    /**
     * Puts a manifest under a tag or its digest with {@code Content-Type} = {@code mediaType}; returns the digest
     * of the bytes (checked against the one the registry announces).
     */
    Digest putManifest(String reference, byte[] bytes, String mediaType);
}
