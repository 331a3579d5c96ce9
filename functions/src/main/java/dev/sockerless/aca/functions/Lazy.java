package dev.sockerless.aca.functions;

import java.util.function.Supplier;

/** A value built on first use and kept; a failed build is not kept, so the next use tries again. */
final class Lazy<T> implements Supplier<T> {

    private final Supplier<T> factory;
    private volatile T value;

    Lazy(Supplier<T> factory) {
        this.factory = factory;
    }

    @Override
    public T get() {
        T v = value;
        if (v == null) {
            synchronized (this) {
                if (value == null) {
                    value = factory.get();
                }
                v = value;
            }
        }
        return v;
    }
}
