package dev.sockerless.aca.registry;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest {@code sha256:<64 lowercase hex>} (OCI image-spec "Digests"). Only SHA-256 is accepted:
 * it is the only algorithm registries and Docker use for image content.
 */
public record Digest(String hex) {

    private static final Pattern HEX64 = Pattern.compile("[a-f0-9]{64}");
    public static final String ALGORITHM = "sha256";

    public Digest {
        if (hex == null || !HEX64.matcher(hex).matches()) {
            throw RegistryException.invalidInput("invalid digest: sha256:" + hex);
        }
    }

    /** Parses {@code sha256:<hex>}; anything else is an invalid-parameter error quoting the input. */
    public static Digest parse(String text) {
        if (text == null
                || !text.startsWith(ALGORITHM + ":")
                || !HEX64.matcher(text.substring(7)).matches()) {
            throw RegistryException.invalidInput("invalid digest format: " + text);
        }
        return new Digest(text.substring(7));
    }

    /** True when {@code text} is a well-formed SHA-256 digest. */
    public static boolean isDigest(String text) {
        return text != null
                && text.startsWith(ALGORITHM + ":")
                && HEX64.matcher(text.substring(7)).matches();
    }

    /** The SHA-256 digest of {@code bytes}. */
    public static Digest of(byte[] bytes) {
        return new Digest(HexFormat.of().formatHex(sha256().digest(bytes)));
    }

    /** A fresh SHA-256 {@link MessageDigest}, for hashing while streaming. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /** The digest of what {@code md} has hashed so far. */
    public static Digest from(MessageDigest md) {
        return new Digest(HexFormat.of().formatHex(md.digest()));
    }

    @Override
    public String toString() {
        return ALGORITHM + ":" + hex;
    }
}
