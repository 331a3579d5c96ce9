package dev.sockerless.aca.registry;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongBiFunction;
import org.jspecify.annotations.Nullable;

/**
 * A least-recently-used map bounded by the bytes its entries hold (as a weigher estimates them), not by their count:
 * a cache of values whose size a remote party chooses (tokens, challenges) cannot grow the heap past its budget. An
 * entry heavier than the whole budget is not kept.
 */
final class BoundedCache<K, V> {

    private final long maxBytes;
    private final ToLongBiFunction<K, V> weigher;
    private final LinkedHashMap<K, V> map = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    BoundedCache(long maxBytes, ToLongBiFunction<K, V> weigher) {
        this.maxBytes = maxBytes;
        this.weigher = weigher;
    }

    synchronized @Nullable V get(K key) {
        return map.get(key);
    }

    synchronized void put(K key, V value) {
        remove(key);
        long weight = weigher.applyAsLong(key, value);
        if (weight > maxBytes) {
            return;
        }
        map.put(key, value);
        bytes += weight;
        Iterator<Map.Entry<K, V>> eldest = map.entrySet().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            Map.Entry<K, V> e = eldest.next();
            bytes -= weigher.applyAsLong(e.getKey(), e.getValue());
            eldest.remove();
        }
    }

    synchronized void remove(K key) {
        V old = map.remove(key);
        if (old != null) {
            bytes -= weigher.applyAsLong(key, old);
        }
    }

    /** The bytes held, as weighed. */
    synchronized long bytes() {
        return bytes;
    }

    /** Bytes of a string in the heap (UTF-16 at worst) plus the object's overhead. */
    static long weight(String s) {
        return 40 + 2L * s.length();
    }
}
