package dev.sockerless.aca.localhost;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * An inline route constraint ({@code {name:constraint}}), following ASP.NET Core's default constraint map.
 * {@code regex(...)} is case-insensitive and unanchored (like {@code Regex.IsMatch}); write {@code ^...$} to anchor.
 */
public final class RouteConstraint {

    private final String text;
    private final Predicate<String> predicate;

    private RouteConstraint(String text, Predicate<String> predicate) {
        this.text = text;
        this.predicate = predicate;
    }

    /** Whether the (decoded) route value satisfies the constraint. */
    public boolean test(String value) {
        return value != null && predicate.test(value);
    }

    @Override
    public String toString() {
        return text;
    }

    /** Builds a constraint; throws {@link IllegalArgumentException} for unknown names or bad arguments. */
    public static RouteConstraint of(String name, @Nullable String arg) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        String text = arg == null ? name : name + "(" + arg + ")";
        Predicate<String> p = switch (n) {
            case "regex" -> {
                requireArg(n, arg);
                try {
                    Pattern pattern = Pattern.compile(arg, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
                    yield v -> pattern.matcher(v).find();
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("invalid regex constraint '" + arg + "': " + e.getMessage(), e);
                }
            }
            case "int" -> v -> parses(() -> Integer.parseInt(v));
            case "long" -> v -> parses(() -> Long.parseLong(v));
            case "bool" -> v -> v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false");
            case "alpha" -> v -> v.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
            case "guid" -> v -> parses(() -> UUID.fromString(v.replaceAll("^[{(]|[})]$", "")));
            case "decimal", "double", "float" -> v -> parses(() -> new BigDecimal(v));
            case "datetime" -> v -> parses(() -> OffsetDateTime.parse(v)) || parses(() -> LocalDateTime.parse(v));
            case "nonfile" -> v -> !v.contains(".");
            case "file" -> v -> v.contains(".");
            case "required" -> v -> !v.isEmpty();
            case "min" -> {
                long min = longArg(n, arg);
                yield v -> parses(() -> Long.parseLong(v)) && Long.parseLong(v) >= min;
            }
            case "max" -> {
                long max = longArg(n, arg);
                yield v -> parses(() -> Long.parseLong(v)) && Long.parseLong(v) <= max;
            }
            case "range" -> {
                long[] r = twoLongs(n, arg);
                yield v -> parses(() -> Long.parseLong(v)) && Long.parseLong(v) >= r[0] && Long.parseLong(v) <= r[1];
            }
            case "minlength" -> {
                long min = longArg(n, arg);
                yield v -> v.length() >= min;
            }
            case "maxlength" -> {
                long max = longArg(n, arg);
                yield v -> v.length() <= max;
            }
            case "length" -> {
                String a = requireArg(n, arg);
                if (a.contains(",")) {
                    long[] r = twoLongs(n, a);
                    yield v -> v.length() >= r[0] && v.length() <= r[1];
                }
                long len = longArg(n, a);
                yield v -> v.length() == len;
            }
            default -> throw new IllegalArgumentException("unknown route constraint '" + name + "'");
        };
        return new RouteConstraint(text, p);
    }

    private static String requireArg(String n, @Nullable String arg) {
        if (arg == null) {
            throw new IllegalArgumentException("route constraint '" + n + "' needs an argument");
        }
        return arg;
    }

    private static long longArg(String n, @Nullable String arg) {
        String a = requireArg(n, arg);
        try {
            return Long.parseLong(a.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("route constraint '" + n + "' needs a number: " + arg, e);
        }
    }

    private static long[] twoLongs(String n, @Nullable String arg) {
        String a = requireArg(n, arg);
        String[] parts = a.split(",", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("route constraint '" + n + "' needs two numbers: " + arg);
        }
        return new long[] {longArg(n, parts[0]), longArg(n, parts[1])};
    }

    private static boolean parses(Runnable r) {
        try {
            r.run();
            return true;
        } catch (NumberFormatException | DateTimeParseException e) {
            return false;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
