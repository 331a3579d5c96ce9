package dev.sockerless.aca.images;

import dev.sockerless.aca.registry.Digest;

/**
 * What gzipping an uncompressed layer gave: the digest and size of the gzip the app pushes. The app's gzip is
 * deterministic ({@link GzipMethod#format}), so this is known again for the same layer without compressing it.
 */
public record GzippedLayer(Digest digest, long size) {

    /**
     * The memo key of a layer: its diffID, the gzip level and the gzip format, so that a memo written by an app
     * whose gzip wrote other bytes is never taken for this one's.
     */
    public static String key(Digest diffId, GzipMethod method) {
        return diffId + "|" + method.level() + "|" + method.format();
    }
}
