package dev.sockerless.aca.localhost;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * A route template as the Functions host builds it from a function's {@code route} ({@code host.json}
 * {@code routePrefix ""}): ASP.NET Core route template syntax (Azure/azure-webjobs-sdk-extensions
 * {@code src/WebJobs.Extensions.Http/Routing/WebJobsRouteBuilder.cs}; dotnet/aspnetcore
 * {@code src/Http/Routing/src/Patterns/RoutePatternParser.cs}).
 *
 * <p>Only the part of that syntax this app's functions use is implemented: a segment is a literal (matched ignoring
 * case), a parameter {@code {name}} (one non-empty segment), a parameter with one regex constraint
 * {@code {name:regex(...)}} (the API version prefix), or a catch-all {@code {*name}} as the last segment (image names,
 * which contain '/'). Anything else the real host would accept — optional parameters, defaults, other or several
 * constraints, {@code {**name}}, segments mixing literals and parameters, escaped braces — is refused by
 * {@link #parse} so that the local host fails at start-up rather than route differently from Azure.
 *
 * <p>{@link #precedence()} is ASP.NET Core's inbound precedence ({@code RoutePrecedence.ComputeInboundPrecedenceDigit}
 * in dotnet/aspnetcore {@code src/Http/Routing/src/Template/RoutePrecedence.cs}): one digit per segment, lower is more
 * specific: literal 1, constrained parameter 2, parameter 3, catch-all 5. The Functions host does NOT rank by it (it
 * matches in function-name order, see {@link RouteTable}); the routing-order tests use it to say which of two
 * overlapping functions is the intended one.
 */
public final class RouteTemplate {

    /** What a segment is. */
    public enum Kind {
        LITERAL,
        PARAMETER,
        CATCH_ALL
    }

    /**
     * One path segment: a literal ({@code text} is the literal), or a parameter or catch-all ({@code text} is its
     * name) with an optional regex {@code constraint}.
     */
    public record Segment(Kind kind, String text, @Nullable Pattern constraint) {
        public boolean isLiteral() {
            return kind == Kind.LITERAL;
        }

        /**
         * Whether a (decoded) route value satisfies the constraint: like ASP.NET Core's {@code RegexRouteConstraint},
         * case-insensitive and unanchored ({@code Regex.IsMatch}); write {@code ^...$} to anchor.
         */
        public boolean accepts(String value) {
            return constraint == null || constraint.matcher(value).find();
        }

        private int precedenceDigit() {
            return switch (kind) {
                case LITERAL -> 1;
                case PARAMETER -> constraint == null ? 3 : 2;
                case CATCH_ALL -> 5;
            };
        }
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String REGEX = ":regex(";
    private static final String SUPPORTED =
            "the local host supports literal segments, {name}, {name:regex(...)} and a last {*name} only";

    private final String text;
    private final List<Segment> segments;

    private RouteTemplate(String text, List<Segment> segments) {
        this.text = text;
        this.segments = List.copyOf(segments);
    }

    /** The template text as written (without a leading '/'). */
    public String text() {
        return text;
    }

    /** The segments, in order. */
    public List<Segment> segments() {
        return segments;
    }

    /** Inbound precedence digits, one per segment (lower = more specific). */
    public int[] precedence() {
        return segments.stream().mapToInt(Segment::precedenceDigit).toArray();
    }

    /** Names of all parameters, in template order. */
    public List<String> parameterNames() {
        return segments.stream().filter(s -> !s.isLiteral()).map(Segment::text).toList();
    }

    /**
     * Compares inbound precedence like ASP.NET Core: segment by segment as decimal digits (a shorter template is padded
     * with zeros); negative if {@code a} is more specific.
     */
    public static int comparePrecedence(RouteTemplate a, RouteTemplate b) {
        int[] da = a.precedence();
        int[] db = b.precedence();
        int n = Math.max(da.length, db.length);
        return Arrays.compare(Arrays.copyOf(da, n), Arrays.copyOf(db, n));
    }

    // ---------------------------------------------------------------------------------------------------- parsing

    /**
     * Parses a template; throws {@link IllegalArgumentException} when ASP.NET Core would refuse it (a catch-all that
     * is not last, a duplicate parameter name, an empty segment) or when it uses syntax the local host does not
     * implement.
     */
    public static RouteTemplate parse(String template) {
        String t = template == null ? "" : template.trim();
        while (t.startsWith("/")) {
            t = t.substring(1);
        }
        if (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1); // ASP.NET ignores a trailing separator in templates
        }
        List<Segment> segments = new ArrayList<>();
        if (!t.isEmpty()) {
            for (String raw : t.split("/", -1)) {
                segments.add(parseSegment(raw, template));
            }
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            if (s.kind() == Kind.CATCH_ALL && i != segments.size() - 1) {
                // dotnet/aspnetcore RoutePatternParser: "A catch-all parameter can only appear as the last segment"
                throw new IllegalArgumentException("a catch-all parameter must be the last segment: " + template);
            }
            if (!s.isLiteral()) {
                String lower = s.text().toLowerCase(Locale.ROOT);
                if (names.contains(lower)) {
                    throw new IllegalArgumentException("duplicate parameter '" + s.text() + "': " + template);
                }
                names.add(lower);
            }
        }
        return new RouteTemplate(t, segments);
    }

    private static Segment parseSegment(String raw, String template) {
        if (raw.isEmpty()) {
            throw new IllegalArgumentException("empty segment in route template: " + template);
        }
        boolean parameter = raw.startsWith("{") && raw.endsWith("}");
        String inner = parameter ? raw.substring(1, raw.length() - 1) : raw;
        if (inner.indexOf('{') >= 0 || inner.indexOf('}') >= 0) {
            throw unsupported(raw, template); // a segment mixing literals and parameters, or escaped braces
        }
        if (!parameter) {
            return new Segment(Kind.LITERAL, raw, null);
        }
        if (inner.startsWith("*")) {
            return new Segment(Kind.CATCH_ALL, name(inner.substring(1), raw, template), null);
        }
        int colon = inner.indexOf(':');
        if (colon < 0) {
            return new Segment(Kind.PARAMETER, name(inner, raw, template), null);
        }
        String name = name(inner.substring(0, colon), raw, template);
        String constraint = inner.substring(colon);
        // ASP.NET ends a constraint's argument at a ')' followed by ':', '=', '?' or the end, so one regex
        // constraint is ":regex(" + an argument with no such ')' inside + ")"
        if (!constraint.startsWith(REGEX)
                || !constraint.endsWith(")")
                || constraint.substring(0, constraint.length() - 1).matches(".*\\)[:=?].*")) {
            throw unsupported(raw, template);
        }
        String regex = constraint.substring(REGEX.length(), constraint.length() - 1);
        try {
            return new Segment(
                    Kind.PARAMETER, name, Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid regex constraint '" + regex + "': " + template, e);
        }
    }

    private static String name(String name, String raw, String template) {
        if (!NAME.matcher(name).matches()) {
            throw unsupported(raw, template); // ?, =, ** and the like
        }
        return name;
    }

    private static IllegalArgumentException unsupported(String segment, String template) {
        return new IllegalArgumentException("segment '" + segment + "' of route template '" + template + "': "
                + SUPPORTED + " (the features this app uses)");
    }

    // ---------------------------------------------------------------------------------------------------- matching

    /**
     * Matches a request path ({@code rawPath} as sent, percent-encoded, with or without a leading '/').
     *
     * @return the route values (decoded), or {@code null} when the path does not match
     */
    public @Nullable Map<String, String> match(@Nullable String rawPath) {
        String path = rawPath == null ? "" : rawPath;
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1); // a trailing slash is ignored, as in ASP.NET Core
        }
        List<String> raw = path.isEmpty() ? List.of() : List.of(path.split("/", -1));
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            if (s.kind() == Kind.CATCH_ALL) {
                String rest =
                        PathDecoder.decodePath(String.join("/", raw.subList(Math.min(i, raw.size()), raw.size())));
                if (!rest.isEmpty()) {
                    values.put(s.text(), rest); // a catch-all may match zero segments: then it has no value
                }
                return values;
            }
            if (i >= raw.size()) {
                return null;
            }
            String decoded = PathDecoder.decodePath(raw.get(i));
            if (s.isLiteral()) {
                // literals match ignoring case, as in ASP.NET Core routing (dotnet/aspnetcore src/Http/Routing)
                if (!s.text().equalsIgnoreCase(decoded)) {
                    return null;
                }
            } else if (decoded.isEmpty() || !s.accepts(decoded)) {
                return null;
            } else {
                values.put(s.text(), decoded);
            }
        }
        return raw.size() > segments.size() ? null : values;
    }

    @Override
    public String toString() {
        return text;
    }
}
