package dev.sockerless.aca.containers;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Random container IDs and agent tokens: 32 bytes from {@link SecureRandom}, as 64 lowercase hex. */
public final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {}

    /** 64 hex, never all digits in its first 12 (moby {@code stringid.GenerateRandomID}: short IDs must not look numeric). */
    public static String containerId() {
        while (true) {
            String id = hex32();
            if (!id.substring(0, 12).matches("[0-9]+")) {
                return id;
            }
        }
    }

    /** A new agent token. */
    public static String agentToken() {
        return hex32();
    }

    private static String hex32() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
