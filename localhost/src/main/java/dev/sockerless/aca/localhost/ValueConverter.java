package dev.sockerless.aca.localhost;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Converts route/query strings to {@code @BindingName} parameter types. */
final class ValueConverter {

    private static final Set<Class<?>> SUPPORTED = Set.of(
            String.class,
            Object.class,
            CharSequence.class,
            int.class,
            Integer.class,
            long.class,
            Long.class,
            boolean.class,
            Boolean.class,
            double.class,
            Double.class);

    private ValueConverter() {}

    static boolean supports(Class<?> type) {
        return SUPPORTED.contains(type);
    }

    /** Converts {@code value} (may be null); primitives get their default when the value is absent. */
    static @Nullable Object convert(@Nullable String value, Class<?> type) {
        if (type == String.class || type == Object.class || type == CharSequence.class) {
            return value;
        }
        if (value == null || value.isEmpty()) {
            if (type == int.class) {
                return 0;
            }
            if (type == long.class) {
                return 0L;
            }
            if (type == boolean.class) {
                return false;
            }
            if (type == double.class) {
                return 0.0d;
            }
            return null;
        }
        if (type == int.class || type == Integer.class) {
            return Integer.valueOf(value.trim());
        }
        if (type == long.class || type == Long.class) {
            return Long.valueOf(value.trim());
        }
        if (type == boolean.class || type == Boolean.class) {
            return Boolean.valueOf(value.trim());
        }
        if (type == double.class || type == Double.class) {
            return Double.valueOf(value.trim());
        }
        throw new IllegalArgumentException("unsupported binding type " + type.getName());
    }
}
