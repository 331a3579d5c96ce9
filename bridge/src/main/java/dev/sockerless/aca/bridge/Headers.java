package dev.sockerless.aca.bridge;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** HTTP header fields in arrival order, looked up ignoring case. */
public final class Headers {

    /** Hop-by-hop fields (RFC 9110 §7.6.1) and the framing ones: never forwarded as they are. */
    static final Set<String> HOP_BY_HOP = Set.of(
            "connection",
            "keep-alive",
            "proxy-connection",
            "transfer-encoding",
            "te",
            "trailer",
            "upgrade",
            "content-length",
            "host",
            "expect",
            "proxy-authorization",
            "proxy-authenticate");

    public record Field(String name, String value) {}

    private final List<Field> fields = new ArrayList<>();

    public Headers add(String name, String value) {
        fields.add(new Field(name, value));
        return this;
    }

    /** Replaces every field named {@code name} by one. */
    public Headers set(String name, String value) {
        remove(name);
        return add(name, value);
    }

    public void remove(String name) {
        fields.removeIf(f -> f.name().equalsIgnoreCase(name));
    }

    public Optional<String> first(String name) {
        return fields.stream()
                .filter(f -> f.name().equalsIgnoreCase(name))
                .map(Field::value)
                .findFirst();
    }

    public List<Field> fields() {
        return List.copyOf(fields);
    }

    /** True when the comma-separated field {@code name} lists {@code token} (ignoring case). */
    public boolean hasToken(String name, String token) {
        return fields.stream()
                .filter(f -> f.name().equalsIgnoreCase(name))
                .flatMap(f -> List.of(f.value().split(",")).stream())
                .anyMatch(t -> t.trim().toLowerCase(Locale.ROOT).equals(token));
    }

    static boolean isHopByHop(String name) {
        return HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT));
    }
}
