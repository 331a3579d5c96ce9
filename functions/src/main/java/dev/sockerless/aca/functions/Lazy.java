package dev.sockerless.aca.functions;

import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** A value built on first use and kept; a failed build is not kept, so the next use tries again. */
final class Lazy<T> implements Supplier<T> {

    private final Supplier<T> factory;
    private volatile @Nullable T value;

    Lazy(Supplier<T> factory) {
        this.factory = factory;
    }

    @Override
    public T get() {
        T v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = factory.get();
                    value = v;
                }
            }
        }
        return v;
    }
}
