package dev.sockerless.aca.localhost;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An ASP.NET Core route template as Azure Functions uses it ({@code host.json} {@code routePrefix ""}).
 *
 * <p>Supported: literal segments (matched case-insensitively), parameters {@code {name}}, inline constraints
 * {@code {name:int}}, {@code {name:regex(...)}} (several may be chained), optional parameters {@code {name?}}, default
 * values {@code {name=value}}, a catch-all {@code {*name}} (or {@code {**name}}) as the last segment, and complex
 * segments mixing literals and parameters ({@code {name}.{ext}}). Doubled braces (<code>{{</code> and <code>}}</code>) escape braces.
 *
 * <p>{@link #precedence()} is ASP.NET Core's {@code RoutePrecedence.ComputeInbound}: one digit per segment, lower is
 * more specific: literal 1, complex segment 2, constrained parameter 2, parameter 3, constrained catch-all 4,
 * catch-all 5. The Functions host does NOT rank by it (it matches in function-name order, see {@link RouteTable}); the
 * routing-order tests use it to say which of two overlapping functions is the intended one.
 */
public final class RouteTemplate {

    /** One part of a segment: a literal or a parameter. */
    record Part(
            @Nullable String literal,
            @Nullable String name,
            List<RouteConstraint> constraints,
            boolean optional,
            boolean catchAll,
            @Nullable String defaultValue) {
        boolean isLiteral() {
            return literal != null;
        }

        boolean constrained() {
            return !constraints.isEmpty();
        }
    }

    /** One path segment (between slashes). */
    record Segment(List<Part> parts) {
        boolean simple() {
            return parts.size() == 1;
        }

        Part first() {
            return parts.get(0);
        }
    }

    private final String text;
    private final List<Segment> segments;
    private final int[] precedence;

    private RouteTemplate(String text, List<Segment> segments) {
        this.text = text;
        this.segments = List.copyOf(segments);
        this.precedence = new int[segments.size()];
        for (int i = 0; i < segments.size(); i++) {
            precedence[i] = digit(segments.get(i));
        }
    }

    /** The template text as written (without a leading '/'). */
    public String text() {
        return text;
    }

    List<Segment> segments() {
        return segments;
    }

    /** Inbound precedence digits, one per segment (lower = more specific). */
    public int[] precedence() {
        return precedence.clone();
    }

    /** Names of all parameters, in template order. */
    public List<String> parameterNames() {
        List<String> names = new ArrayList<>();
        for (Segment s : segments) {
            for (Part p : s.parts()) {
                if (!p.isLiteral()) {
                    names.add(p.name());
                }
            }
        }
        return names;
    }

    private static int digit(Segment s) {
        if (!s.simple()) {
            return 2;
        }
        Part p = s.first();
        if (p.isLiteral()) {
            return 1;
        }
        int d = p.catchAll() ? 5 : 3;
        return p.constrained() ? d - 1 : d;
    }

    /**
     * Compares inbound precedence like ASP.NET Core: segment by segment as decimal digits (a shorter template is padded
     * with zeros); negative if {@code a} is more specific.
     */
    public static int comparePrecedence(RouteTemplate a, RouteTemplate b) {
        int n = Math.max(a.precedence.length, b.precedence.length);
        for (int i = 0; i < n; i++) {
            int da = i < a.precedence.length ? a.precedence[i] : 0;
            int db = i < b.precedence.length ? b.precedence[i] : 0;
            if (da != db) {
                return Integer.compare(da, db);
            }
        }
        return 0;
    }

    // ---------------------------------------------------------------------------------------------------- parsing

    /** Parses a template; throws {@link IllegalArgumentException} when it is malformed or uses an unknown constraint. */
    public static RouteTemplate parse(String template) {
        String t = template == null ? "" : template.trim();
        while (t.startsWith("/") || t.startsWith("~/")) {
            t = t.startsWith("~/") ? t.substring(2) : t.substring(1);
        }
        if (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1); // ASP.NET ignores a trailing separator in templates
        }
        List<Segment> segments = new ArrayList<>();
        if (!t.isEmpty()) {
            for (String raw : splitSegments(t)) {
                segments.add(parseSegment(raw, template));
            }
        }
        for (int i = 0; i < segments.size(); i++) {
            Segment s = segments.get(i);
            for (Part p : s.parts()) {
                if (p.catchAll() && (i != segments.size() - 1 || !s.simple())) {
                    throw new IllegalArgumentException("catch-all parameter must be the last segment: " + template);
                }
                if (p.optional() && !s.simple()) {
                    throw new IllegalArgumentException("optional parameter in a complex segment: " + template);
                }
            }
        }
        // optional parameters may only be followed by optional parameters / catch-alls
        boolean sawOptional = false;
        for (Segment s : segments) {
            Part p = s.first();
            boolean canBeAbsent =
                    s.simple() && !p.isLiteral() && (p.optional() || p.catchAll() || p.defaultValue() != null);
            if (sawOptional && !canBeAbsent) {
                throw new IllegalArgumentException("optional parameter followed by a required segment: " + template);
            }
            sawOptional |= canBeAbsent;
        }
        List<String> names = new ArrayList<>();
        for (Segment s : segments) {
            for (Part p : s.parts()) {
                if (!p.isLiteral()) {
                    String lower = Objects.requireNonNull(p.name()).toLowerCase(Locale.ROOT); // a parameter has a name
                    if (names.contains(lower)) {
                        throw new IllegalArgumentException("duplicate parameter '" + p.name() + "': " + template);
                    }
                    names.add(lower);
                }
            }
        }
        return new RouteTemplate(t, segments);
    }

    /** Splits on '/' outside of braces. */
    private static List<String> splitSegments(String t) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '{') {
                if (depth == 0 && i + 1 < t.length() && t.charAt(i + 1) == '{') {
                    cur.append("{{");
                    i++;
                    continue;
                }
                depth++;
            } else if (c == '}') {
                if (depth > 0 && i + 1 < t.length() && t.charAt(i + 1) == '}') {
                    cur.append("}}");
                    i++;
                    continue;
                }
                if (depth == 0 && i + 1 < t.length() && t.charAt(i + 1) == '}') {
                    cur.append("}}");
                    i++;
                    continue;
                }
                depth = Math.max(0, depth - 1);
            } else if (c == '/' && depth == 0) {
                out.add(cur.toString());
                cur.setLength(0);
                continue;
            }
            cur.append(c);
        }
        out.add(cur.toString());
        return out;
    }

    private static Segment parseSegment(String raw, String template) {
        if (raw.isEmpty()) {
            throw new IllegalArgumentException("empty segment in route template: " + template);
        }
        List<Part> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int i = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (c == '{' && i + 1 < raw.length() && raw.charAt(i + 1) == '{') {
                lit.append('{');
                i += 2;
            } else if (c == '}' && i + 1 < raw.length() && raw.charAt(i + 1) == '}') {
                lit.append('}');
                i += 2;
            } else if (c == '{') {
                if (lit.length() > 0) {
                    parts.add(new Part(lit.toString(), null, List.of(), false, false, null));
                    lit.setLength(0);
                }
                // find the closing brace; "}}" inside a parameter is an escaped '}'
                StringBuilder param = new StringBuilder();
                int j = i + 1;
                boolean closed = false;
                while (j < raw.length()) {
                    char d = raw.charAt(j);
                    if (d == '}' && j + 1 < raw.length() && raw.charAt(j + 1) == '}') {
                        param.append('}');
                        j += 2;
                    } else if (d == '{' && j + 1 < raw.length() && raw.charAt(j + 1) == '{') {
                        param.append('{');
                        j += 2;
                    } else if (d == '}') {
                        closed = true;
                        j++;
                        break;
                    } else {
                        param.append(d);
                        j++;
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("unterminated parameter in route template: " + template);
                }
                if (!parts.isEmpty() && !parts.get(parts.size() - 1).isLiteral()) {
                    throw new IllegalArgumentException("two consecutive parameters in a segment: " + template);
                }
                parts.add(parseParameter(param.toString(), template));
                i = j;
            } else if (c == '}') {
                throw new IllegalArgumentException("unbalanced '}' in route template: " + template);
            } else {
                lit.append(c);
                i++;
            }
        }
        if (lit.length() > 0) {
            parts.add(new Part(lit.toString(), null, List.of(), false, false, null));
        }
        return new Segment(List.copyOf(parts));
    }

    private static Part parseParameter(String p, String template) {
        boolean catchAll = false;
        if (p.startsWith("**")) {
            catchAll = true;
            p = p.substring(2);
        } else if (p.startsWith("*")) {
            catchAll = true;
            p = p.substring(1);
        }
        int i = 0;
        while (i < p.length() && p.charAt(i) != ':' && p.charAt(i) != '=' && p.charAt(i) != '?') {
            i++;
        }
        String name = p.substring(0, i);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("parameter without a name in route template: " + template);
        }
        List<RouteConstraint> constraints = new ArrayList<>();
        boolean optional = false;
        String defaultValue = null;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == ':') {
                int start = i + 1;
                int j = start;
                while (j < p.length()
                        && p.charAt(j) != ':'
                        && p.charAt(j) != '('
                        && p.charAt(j) != '='
                        && p.charAt(j) != '?') {
                    j++;
                }
                String cname = p.substring(start, j);
                String arg = null;
                if (j < p.length() && p.charAt(j) == '(') {
                    // argument ends at a ')' followed by ':', '=', '?' or the end (like ASP.NET's parser)
                    int k = j + 1;
                    int end = -1;
                    while (k < p.length()) {
                        if (p.charAt(k) == ')') {
                            char next = k + 1 < p.length() ? p.charAt(k + 1) : 0;
                            if (next == 0 || next == ':' || next == '=' || next == '?') {
                                end = k;
                                break;
                            }
                        }
                        k++;
                    }
                    if (end < 0) {
                        throw new IllegalArgumentException(
                                "unterminated constraint argument in route template: " + template);
                    }
                    arg = p.substring(j + 1, end);
                    j = end + 1;
                }
                constraints.add(RouteConstraint.of(cname, arg));
                i = j;
            } else if (c == '?') {
                if (i != p.length() - 1) {
                    throw new IllegalArgumentException("'?' must end the parameter in route template: " + template);
                }
                optional = true;
                i++;
            } else if (c == '=') {
                String rest = p.substring(i + 1);
                if (rest.endsWith("?")) {
                    throw new IllegalArgumentException("parameter with a default cannot be optional: " + template);
                }
                defaultValue = rest;
                i = p.length();
            } else {
                throw new IllegalArgumentException("malformed parameter '{" + p + "}' in route template: " + template);
            }
        }
        if (catchAll && optional) {
            throw new IllegalArgumentException("a catch-all parameter cannot be optional: " + template);
        }
        return new Part(null, name, List.copyOf(constraints), optional, catchAll, defaultValue);
    }

    // ---------------------------------------------------------------------------------------------------- matching

    /**
     * Matches a request path ({@code rawPath} as sent, percent-encoded, with or without a leading '/').
     *
     * @return the route values (decoded), or {@code null} when the path does not match
     */
    public @Nullable Map<String, String> match(String rawPath) {
        String path = rawPath == null ? "" : rawPath;
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        List<String> rawSegs = new ArrayList<>();
        if (!path.isEmpty()) {
            Collections.addAll(rawSegs, path.split("/", -1));
            if (rawSegs.get(rawSegs.size() - 1).isEmpty()) {
                rawSegs.remove(rawSegs.size() - 1); // trailing slash is ignored, as in ASP.NET Core
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        int n = segments.size();
        for (int i = 0; i < n; i++) {
            Segment seg = segments.get(i);
            Part first = seg.first();
            if (seg.simple() && first.catchAll()) {
                String rest = i < rawSegs.size() ? String.join("/", rawSegs.subList(i, rawSegs.size())) : "";
                String decodedRest = PathDecoder.decodePath(rest);
                if (decodedRest.isEmpty()) {
                    if (first.defaultValue() != null) {
                        decodedRest = first.defaultValue();
                    } else {
                        // catch-all matches zero segments; no value is produced
                        return values;
                    }
                }
                String value = decodedRest;
                if (!first.constraints().stream().allMatch(c -> c.test(value))) {
                    return null;
                }
                values.put(first.name(), value);
                return values;
            }
            if (i >= rawSegs.size()) {
                // path exhausted: the rest must all be optional / defaulted
                if (seg.simple() && !first.isLiteral() && (first.optional() || first.defaultValue() != null)) {
                    if (first.defaultValue() != null) {
                        values.put(first.name(), first.defaultValue());
                    }
                    continue;
                }
                return null;
            }
            String decoded = PathDecoder.decodePath(rawSegs.get(i));
            if (seg.simple()) {
                if (first.isLiteral()) {
                    // literals match ignoring case, as in ASP.NET Core routing (dotnet/aspnetcore src/Http/Routing)
                    if (!Objects.requireNonNull(first.literal()).equalsIgnoreCase(decoded)) {
                        return null;
                    }
                } else {
                    if (decoded.isEmpty()) {
                        return null;
                    }
                    if (!first.constraints().stream().allMatch(c -> c.test(decoded))) {
                        return null;
                    }
                    values.put(first.name(), decoded);
                }
            } else if (!matchComplex(seg, decoded, values)) {
                return null;
            }
        }
        return rawSegs.size() > n ? null : values;
    }

    private static boolean matchComplex(Segment seg, String value, Map<String, String> values) {
        StringBuilder re = new StringBuilder("^");
        List<Part> params = new ArrayList<>();
        List<Part> parts = seg.parts();
        for (int k = 0; k < parts.size(); k++) {
            Part p = parts.get(k);
            if (p.isLiteral()) {
                re.append(Pattern.quote(p.literal()));
            } else {
                // ASP.NET matches complex segments right to left, so earlier parameters are greedy
                re.append("(.+)");
                params.add(p);
            }
        }
        re.append("$");
        Matcher m = Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL)
                .matcher(value);
        if (!m.matches()) {
            return false;
        }
        for (int k = 0; k < params.size(); k++) {
            String v = m.group(k + 1);
            Part p = params.get(k);
            if (!p.constraints().stream().allMatch(c -> c.test(v))) {
                return false;
            }
            values.put(p.name(), v);
        }
        return true;
    }

    @Override
    public String toString() {
        return text;
    }
}
