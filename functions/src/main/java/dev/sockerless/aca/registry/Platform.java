package dev.sockerless.aca.registry;

import java.util.Locale;

/**
 * An image platform {@code os/architecture[/variant]}, normalised as containerd's {@code platforms.Normalize}
 * does ({@code x86_64} → {@code amd64}, {@code aarch64} → {@code arm64}, {@code arm64/v8} → {@code arm64},
 * {@code arm} → {@code arm/v7}, {@code amd64/v1} → {@code amd64}).
 *
 * @param variant empty when there is none
 */
public record Platform(String os, String architecture, String variant) {

    public static final Platform LINUX_AMD64 = new Platform("linux", "amd64", "");

    public Platform {
        os = os == null ? "" : os.toLowerCase(Locale.ROOT);
        architecture = architecture == null ? "" : architecture.toLowerCase(Locale.ROOT);
        variant = variant == null ? "" : variant.toLowerCase(Locale.ROOT);
    }

    /** Parses {@code os/arch[/variant]} and normalises it; errors in Docker's wording. */
    public static Platform parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("/", -1);
        if (parts.length < 2
                || parts.length > 3
                || parts[0].isEmpty()
                || parts[1].isEmpty()
                || (parts.length == 3 && parts[2].isEmpty())) {
            throw RegistryException.invalidInput(
                    "\"" + text + "\": unknown operating system or architecture: invalid argument");
        }
        for (String part : parts) {
            if (!part.matches("[A-Za-z0-9_.-]+")) {
                throw RegistryException.invalidInput(
                        "\"" + text + "\": unknown operating system or architecture: invalid argument");
            }
        }
        return of(parts[0], parts[1], parts.length == 3 ? parts[2] : "");
    }

    /** A normalised platform from its parts. */
    public static Platform of(String os, String architecture, String variant) {
        String arch = architecture == null ? "" : architecture.toLowerCase(Locale.ROOT);
        String v = variant == null ? "" : variant.toLowerCase(Locale.ROOT);
        switch (arch) {
            case "i386" -> arch = "386";
            case "x86_64", "x86-64" -> arch = "amd64";
            case "aarch64" -> arch = "arm64";
            case "armhf" -> {
                arch = "arm";
                v = "v7";
            }
            case "armel" -> {
                arch = "arm";
                v = "v6";
            }
            default -> {}
        }
        if ("amd64".equals(arch) && "v1".equals(v)) {
            v = "";
        } else if ("arm64".equals(arch) && ("v8".equals(v) || "8".equals(v))) {
            v = "";
        } else if ("arm".equals(arch)) {
            if (v.isEmpty() || "7".equals(v)) {
                v = "v7";
            } else if (v.matches("[5-8]")) {
                v = "v" + v;
            }
        }
        return new Platform(os == null ? "" : os.toLowerCase(Locale.ROOT), arch, v);
    }

    public boolean isUnknown() {
        return "unknown".equals(os) && "unknown".equals(architecture);
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
    }
}
