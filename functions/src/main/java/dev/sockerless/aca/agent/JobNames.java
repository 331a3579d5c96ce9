package dev.sockerless.aca.agent;

import java.util.Locale;

/**
 * ACA job names, deterministic from the container: {@code sl-<name part>-<12 hex of the id>}. ACA allows lowercase
 * letters, digits and '-', starting with a letter, not ending with '-', without "--", at most 32 characters.
 */
public final class JobNames {

    public static final int MAX_LENGTH = 32;
    private static final String PREFIX = "sl-";
    private static final int ID_CHARS = 12;

    private JobNames() {}

    /** The job name of container {@code id} (64 hex) named {@code name} (with or without the leading '/'). */
    public static String of(String id, String name) {
        String suffix = id.substring(0, ID_CHARS).toLowerCase(Locale.ROOT);
        String part = name == null
                ? ""
                : name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        int room = MAX_LENGTH - PREFIX.length() - ID_CHARS - 1;
        if (part.length() > room) {
            part = part.substring(0, room).replaceAll("-+$", "");
        }
        return PREFIX + (part.isEmpty() ? "" : part + "-") + suffix;
    }

    /** Whether {@code name} follows ACA's rules for job (and container) names. */
    public static boolean isValid(String name) {
        return name != null
                && name.length() <= MAX_LENGTH
                && name.matches("[a-z]([a-z0-9-]*[a-z0-9])?")
                && !name.contains("--");
    }
}
