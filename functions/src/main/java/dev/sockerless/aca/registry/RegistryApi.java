package dev.sockerless.aca.registry;

import java.util.Optional;

/**
 * One repository of one registry, as image operations use it, bound to the caller's credentials. Implemented by
 * the project's OCI client and, for ACR with managed identity, by the Azure SDK.
 */
public interface RegistryApi {

    /** The manifest a tag or digest names, without its body (HEAD); empty when the registry did not say. */
    Optional<ManifestHead> head(String reference);

    /** The manifest a tag or digest names, verified against the digest asked for and the one announced. */
    FetchedManifest manifest(String reference);

    /** A blob (here: an image config), verified against the descriptor's size and digest. */
    byte[] blob(Descriptor descriptor, long maxBytes);

    /** What a HEAD of a manifest says. */
    record ManifestHead(Digest digest, String mediaType, long size) {}

    /** A manifest as served: raw bytes (the source of truth), media type, digest of the bytes. */
    record FetchedManifest(byte[] bytes, String mediaType, Digest digest) {
        public FetchedManifest {
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        /** The manifest's length in bytes, without copying it. */
        public int size() {
            return bytes.length;
        }
    }
}
