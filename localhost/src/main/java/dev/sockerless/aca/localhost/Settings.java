package dev.sockerless.aca.localhost;

import java.util.Optional;

/** App settings as the function app reads them: Java system properties first, then environment variables. */
public final class Settings {

    private Settings() {
    }

    /** The non-blank value of {@code name}, system property winning over the environment. */
    public static Optional<String> get(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            v = System.getenv(name);
        }
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    static long getLong(String name, long defaultValue) {
        Optional<String> v = get(name);
        if (v.isEmpty()) {
            return defaultValue;
        }
        try {
            long n = Long.parseLong(v.get());
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a positive number of bytes, not '" + v.get() + "'");
        }
    }
}
