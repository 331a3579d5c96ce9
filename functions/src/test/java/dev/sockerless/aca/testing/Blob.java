package dev.sockerless.aca.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Exact bytes of a blob or manifest together with its media type. The digest is always computed from
 * {@link #bytes()}; JSON is never re-serialised.
 */
public record Blob(String mediaType, byte[] bytes) {

    public Blob {
        bytes = bytes.clone();
    }

    /** {@code sha256:<hex>} of the bytes. */
    public String digest() {
        return sha256(bytes);
    }

    /** Size in bytes. */
    public long size() {
        return bytes.length;
    }

    /** A defensive copy of the bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The bytes decoded as UTF-8 (for manifests and configs). */
    public String utf8() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** {@code sha256:<hex>} of arbitrary bytes. */
    public static String sha256(byte[] data) {
        try {
            return "sha256:"
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Blob b && b.mediaType.equals(mediaType) && Arrays.equals(b.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return mediaType.hashCode() * 31 + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "Blob[" + mediaType + ", " + digest() + ", " + bytes.length + " bytes]";
    }
}
