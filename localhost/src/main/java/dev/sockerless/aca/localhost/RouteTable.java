package dev.sockerless.aca.localhost;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The host's route table, as the Functions host builds it: functions sorted by name (ordinal, ignoring case;
 * {@code Azure/azure-functions-host src/WebJobs.Script/Host/FunctionMetadataManager.cs}) into one route collection
 * ({@code src/WebJobs.Script.WebHost/WebScriptHostHttpRoutesManager.cs}), and a request goes to the FIRST function
 * whose template matches the path and whose methods include the request method. There is no ranking by specificity
 * (host issues #6062, #3153, #9876): a catch-all must be named to sort after every function it could shadow.
 * Methods are a filter: a route that matches the path but not the method is skipped, and HEAD is not GET.
 *
 * <p>Refused at start-up, as {@code src/WebJobs.Script/Host/ScriptHost.cs} refuses them: templates starting with
 * {@code admin} or {@code runtime} (after trimming '/', ignoring case), and two functions with the same template
 * (ignoring case) and a method in common. A catch-all that is not the last segment never gets here
 * ({@link RouteTemplate#parse} refuses it, as ASP.NET Core routing does). The real host only disables the offending
 * function; the local host refuses to start, which is stricter.
 */
public final class RouteTable {

    /** {@code StringComparer.OrdinalIgnoreCase}: both names upper-cased (invariant), then compared char by char. */
    static final Comparator<HttpFunction> ORDER = (a, b) -> ordinalIgnoreCase(a.name(), b.name());

    /** A resolved request: the function and its route values. */
    public record Match(HttpFunction function, Map<String, String> routeValues) {}

    private final List<HttpFunction> functions;

    public RouteTable(List<HttpFunction> functions) {
        List<HttpFunction> sorted = new ArrayList<>(functions);
        sorted.sort(ORDER);
        for (HttpFunction f : sorted) {
            String t = f.route().text().toLowerCase(Locale.ROOT);
            if (t.startsWith("admin") || t.startsWith("runtime")) {
                throw new IllegalStateException("function " + f.name() + ": the route '"
                        + f.route().text() + "' conflicts with the host's built-in routes (admin*, runtime*)");
            }
        }
        for (int i = 0; i < sorted.size(); i++) {
            for (int j = i + 1; j < sorted.size(); j++) {
                HttpFunction a = sorted.get(i);
                HttpFunction b = sorted.get(j);
                if (a.route().text().equalsIgnoreCase(b.route().text()) && overlaps(a, b)) {
                    throw new IllegalStateException("function " + b.name() + ": the route '"
                            + b.route().text() + "' conflicts with the route defined by function '" + a.name() + "'");
                }
            }
        }
        this.functions = List.copyOf(sorted);
    }

    static int ordinalIgnoreCase(String a, String b) {
        return a.toUpperCase(Locale.ROOT).compareTo(b.toUpperCase(Locale.ROOT));
    }

    private static boolean overlaps(HttpFunction a, HttpFunction b) {
        if (a.methods().isEmpty() || b.methods().isEmpty()) {
            return true;
        }
        return a.methods().stream().anyMatch(b.methods()::contains);
    }

    /** The functions in matching order (by name). */
    public List<HttpFunction> functions() {
        return functions;
    }

    /**
     * Resolves a request: the first function, in name order, whose methods include {@code method} and whose template
     * matches the path.
     *
     * @param method  the HTTP method
     * @param rawPath the raw (percent-encoded) request path
     * @return the match, or {@code null} when no function serves it
     */
    public @Nullable Match resolve(String method, String rawPath) {
        for (HttpFunction f : functions) {
            if (!f.allows(method)) {
                continue;
            }
            Map<String, String> values = f.route().match(rawPath);
            if (values != null) {
                return new Match(f, values);
            }
        }
        return null;
    }
}
