package dev.sockerless.aca.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Chooses an index entry for a platform in containerd's order ({@code platforms.Only}): the exact platform first,
 * then the ones it can also run (amd64/v3 → v2 → v1 → 386; arm64 → arm/v8 … v5; arm/v7 → v6 → v5). Entries
 * without a platform match anything but rank last; attestation entries are never chosen.
 */
public final class PlatformMatcher {

    private PlatformMatcher() {}

    /** The best entry for {@code wanted}, or NOT_FOUND "no matching manifest for ... in the manifest list entries". */
    public static Descriptor choose(List<Descriptor> entries, Platform wanted) {
        return find(entries, wanted)
                .orElseThrow(() -> RegistryException.of(
                        RegistryException.Failure.NO_MATCH,
                        "choose a platform",
                        null,
                        "no matching manifest for " + wanted + " in the manifest list entries",
                        null));
    }

    public static Optional<Descriptor> find(List<Descriptor> entries, Platform wanted) {
        List<Platform> order = compatible(wanted);
        Descriptor best = null;
        int bestRank = Integer.MAX_VALUE;
        for (Descriptor entry : entries) {
            if (entry.isAttestation()) {
                continue;
            }
            int rank = entry.platform() == null ? order.size() : order.indexOf(entry.platform());
            if (rank >= 0 && rank < bestRank) {
                best = entry;
                bestRank = rank;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The platforms a machine of {@code wanted} runs, best first. */
    static List<Platform> compatible(Platform wanted) {
        List<Platform> out = new ArrayList<>();
        out.add(wanted);
        String os = wanted.os();
        switch (wanted.architecture()) {
            case "amd64" -> {
                int level = wanted.variant().isEmpty() ? 1 : parseLevel(wanted.variant());
                for (int v = level - 1; v >= 1; v--) {
                    out.add(new Platform(os, "amd64", v == 1 ? "" : "v" + v));
                }
                out.add(new Platform(os, "386", ""));
            }
            case "arm64" -> {
                for (int v = 8; v >= 5; v--) {
                    out.add(new Platform(os, "arm", "v" + v));
                }
            }
            case "arm" -> {
                int level = parseLevel(wanted.variant());
                for (int v = level - 1; v >= 5; v--) {
                    out.add(new Platform(os, "arm", "v" + v));
                }
            }
            default -> {}
        }
        return out;
    }

    private static int parseLevel(String variant) {
        try {
            return Integer.parseInt(variant.startsWith("v") ? variant.substring(1) : variant);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
