package dev.sockerless.aca.localhost;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The host's route table: functions ordered like ASP.NET Core orders inbound routes — by precedence (segment by
 * segment: literal, then constrained parameter, then parameter, then catch-all), then by template text
 * (case-insensitive), then by function name. A request goes to the first function whose template matches the path and
 * whose methods include the request method; routes that match the path but not the method are skipped (the Functions
 * host registers the method as a route constraint), so a miss on both is a plain 404.
 */
public final class RouteTable {

    private static final Logger LOG = Logger.getLogger(RouteTable.class.getName());

    static final Comparator<HttpFunction> ORDER = (a, b) -> {
        int c = RouteTemplate.comparePrecedence(a.route(), b.route());
        if (c != 0) {
            return c;
        }
        c = String.CASE_INSENSITIVE_ORDER.compare(a.route().text(), b.route().text());
        return c != 0 ? c : a.name().compareTo(b.name());
    };

    /** A resolved request: the function and its route values. */
    public record Match(HttpFunction function, Map<String, String> routeValues) {
    }

    private final List<HttpFunction> functions;

    public RouteTable(List<HttpFunction> functions) {
        List<HttpFunction> sorted = new ArrayList<>(functions);
        sorted.sort(ORDER);
        this.functions = List.copyOf(sorted);
        for (int i = 1; i < sorted.size(); i++) {
            HttpFunction a = sorted.get(i - 1);
            HttpFunction b = sorted.get(i);
            if (a.route().text().equalsIgnoreCase(b.route().text()) && overlaps(a, b)) {
                LOG.warning("functions " + a.name() + " and " + b.name() + " share route '" + a.route().text()
                        + "' and a method; " + a.name() + " wins");
            }
        }
    }

    private static boolean overlaps(HttpFunction a, HttpFunction b) {
        if (a.methods().isEmpty() || b.methods().isEmpty()) {
            return true;
        }
        return a.methods().stream().anyMatch(b.methods()::contains);
    }

    /** The functions in matching order. */
    public List<HttpFunction> functions() {
        return functions;
    }

    /**
     * Resolves a request.
     *
     * @param method  the HTTP method
     * @param rawPath the raw (percent-encoded) request path
     * @return the match, or {@code null} when no function serves it
     */
    public Match resolve(String method, String rawPath) {
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
