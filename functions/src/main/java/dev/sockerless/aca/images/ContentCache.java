package dev.sockerless.aca.images;

import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.registry.RegistryApi.FetchedManifest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Manifests by digest, in memory. Content-addressed objects never change, so entries never go stale; the cache is
 * bounded by total bytes and evicts the least recently used.
 */
public final class ContentCache {

    private final long maxBytes;
    private long bytes;
    private final LinkedHashMap<Digest, FetchedManifest> entries = new LinkedHashMap<>(16, 0.75f, true);

    public ContentCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public synchronized Optional<FetchedManifest> find(Digest digest) {
        return Optional.ofNullable(entries.get(digest));
    }

    /** Adds a manifest whose bytes are known to hash to its digest. */
    public synchronized void put(FetchedManifest manifest) {
        if (manifest.size() > maxBytes || entries.containsKey(manifest.digest())) {
            return;
        }
        entries.put(manifest.digest(), manifest);
        bytes += manifest.size();
        var it = entries.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            Map.Entry<Digest, FetchedManifest> eldest = it.next();
            bytes -= eldest.getValue().size();
            it.remove();
        }
    }
}
