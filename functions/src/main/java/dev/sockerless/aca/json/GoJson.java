package dev.sockerless.aca.json;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sockerless.aca.errors.DockerApiException;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Request bodies checked as strictly as dockerd's {@code encoding/json} decodes them: a value of the wrong JSON kind
 * for its Go field (a string for an {@code int64}, a string for a {@code []string}, an array for a
 * {@code map[string]string}, a fraction or an out-of-range number for an integer) is a 400
 * {@code json: cannot unmarshal <kind> into Go struct field <path> of type <type>}, the path from the body's root
 * (e.g. {@code HostConfig.Memory}); unknown fields are ignored, field names match case-insensitively (exact match
 * first) and {@code null} is accepted anywhere (it leaves the zero value), as Go does. The types are declared
 * next to the code that reads each body.
 */
public final class GoJson {

    private GoJson() {}

    /** A Go type a JSON value is decoded into. */
    public interface Type {
        /** The Go spelling used in messages. */
        String name();

        /** Null when {@code value} (never null, never JSON null) fits, else the kind Go would report, maybe with the value. */
        @Nullable
        String mismatch(JsonNode value, String path);
    }

    private record Scalar(String name, java.util.function.Predicate<JsonNode> accepts, boolean integer)
            implements Type {
        @Override
        public @Nullable String mismatch(JsonNode value, String path) {
            if (accepts.test(value)) {
                return null;
            }
            return integer && value.isNumber() ? "number " + value.asText() : kind(value);
        }
    }

    public static final Type STRING = new Scalar("string", JsonNode::isTextual, false);
    public static final Type BOOL = new Scalar("bool", JsonNode::isBoolean, false);
    public static final Type FLOAT64 = new Scalar("float64", JsonNode::isNumber, false);
    public static final Type INT64 =
            integer("int64", BigInteger.valueOf(Long.MIN_VALUE), BigInteger.valueOf(Long.MAX_VALUE));
    /** Go's {@code int} on the 64-bit platforms dockerd runs on. */
    public static final Type INT =
            integer("int", BigInteger.valueOf(Long.MIN_VALUE), BigInteger.valueOf(Long.MAX_VALUE));

    public static final Type UINT16 = integer("uint16", BigInteger.ZERO, BigInteger.valueOf(65535));
    public static final Type UINT64 =
            integer("uint64", BigInteger.ZERO, BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));
    /** Anything (a field read as raw JSON, or one the app never reads and dockerd types loosely). */
    public static final Type ANY = new Scalar("interface {}", v -> true, false);
    /** Docker's {@code strslice.StrSlice}: a string or an array of strings ({@code Cmd}, {@code Entrypoint}). */
    public static final Type STR_SLICE =
            new Scalar("strslice.StrSlice", v -> v.isTextual() || (v.isArray() && allTextOrNull(v)), false);

    private static Type integer(String name, BigInteger min, BigInteger max) {
        return new Scalar(
                name,
                v -> v.isIntegralNumber()
                        && v.bigIntegerValue().compareTo(min) >= 0
                        && v.bigIntegerValue().compareTo(max) <= 0,
                true);
    }

    private static boolean allTextOrNull(JsonNode array) {
        for (JsonNode e : array) {
            if (!e.isTextual() && !e.isNull()) {
                return false;
            }
        }
        return true;
    }

    /** {@code []element}. */
    public static Type list(Type element) {
        return new Elements("[]" + element.name(), JsonNode::isArray, element);
    }

    /** {@code map[string]value}. */
    public static Type map(Type value) {
        return new Elements("map[string]" + value.name(), JsonNode::isObject, value);
    }

    /** A slice (a JSON array) or a map (a JSON object) whose every element is {@code element}. */
    private record Elements(String name, java.util.function.Predicate<JsonNode> accepts, Type element) implements Type {
        @Override
        public @Nullable String mismatch(JsonNode value, String path) {
            if (!accepts.test(value)) {
                return kind(value);
            }
            value.elements().forEachRemaining(e -> check(e, element, path));
            return null;
        }
    }

    /** A struct; {@link Struct#field} adds its fields. */
    public static Struct struct(String name) {
        return new Struct(name);
    }

    /** A Go struct: known fields are checked, others ignored. */
    public static final class Struct implements Type {
        private final String name;
        private final Map<String, Type> fields = new LinkedHashMap<>();
        private final Map<String, String> folded = new LinkedHashMap<>();

        private Struct(String name) {
            this.name = name;
        }

        public Struct field(String field, Type type) {
            fields.put(field, type);
            folded.put(field.toLowerCase(Locale.ROOT), field);
            return this;
        }

        /** Every field of {@code other} too (a Go embedded struct, such as {@code Resources} in {@code HostConfig}). */
        public Struct embed(Struct other) {
            other.fields.forEach(this::field);
            return this;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public @Nullable String mismatch(JsonNode value, String path) {
            if (!value.isObject()) {
                return kind(value);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = value.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String known = fields.containsKey(e.getKey())
                        ? e.getKey()
                        : folded.get(e.getKey().toLowerCase(Locale.ROOT));
                if (known != null) {
                    check(
                            e.getValue(),
                            Objects.requireNonNull(fields.get(known)),
                            path.isEmpty() ? known : path + "." + known);
                }
            }
            return null;
        }
    }

    /**
     * Checks a request body's root: a JSON object of {@code type}. {@code null} (no body) passes; the caller decides
     * whether a body is required.
     */
    public static void checkBody(JsonNode body, Struct type) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            return;
        }
        String problem = type.mismatch(body, "");
        if (problem != null) {
            throw DockerApiException.invalid(
                    "json: cannot unmarshal " + problem + " into Go value of type " + type.name());
        }
    }

    private static void check(JsonNode value, Type type, String path) {
        if (value == null || value.isNull()) {
            return;
        }
        String problem = type.mismatch(value, path);
        if (problem != null) {
            throw DockerApiException.invalid(
                    "json: cannot unmarshal " + problem + " into Go struct field " + path + " of type " + type.name());
        }
    }

    private static String kind(JsonNode v) {
        if (v.isTextual()) {
            return "string";
        }
        if (v.isNumber()) {
            return "number";
        }
        if (v.isBoolean()) {
            return "bool";
        }
        if (v.isArray()) {
            return "array";
        }
        return v.isObject() ? "object" : v.getNodeType().toString().toLowerCase(Locale.ROOT);
    }
}
