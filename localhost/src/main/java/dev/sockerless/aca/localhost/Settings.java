package dev.sockerless.aca.localhost;

import java.util.Optional;

/**
 * Settings as the function app reads them ({@link dev.sockerless.aca.config.Settings}: Java system properties first,
 * then environment variables), so the host and the app cannot disagree on where a value comes from.
 */
public final class Settings {

    private Settings() {}

    /** The non-blank value of {@code name}, system property winning over the environment. */
    public static Optional<String> get(String name) {
        return dev.sockerless.aca.config.Settings.fromEnvironment().findRaw(name);
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
            throw new IllegalArgumentException(name + " must be a positive whole number, not '" + v.get() + "'");
        }
    }
}
