package dev.sockerless.aca.logs;

import dev.sockerless.aca.errors.DockerApiException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Parses the query parameters of {@code GET /containers/{id}/logs} as dockerd does
 * ({@code api/server/router/container/container_routes.go}, {@code daemon/logs.go}, {@code api/types/time}).
 */
public final class LogsParameters {

    static final String NO_STREAM = "Bad parameters: you must choose at least one stream";
    private static final Pattern TIMESTAMP = Pattern.compile("([+-]?[0-9]+)(?:\\.([0-9]+))?");
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");

    private LogsParameters() {}

    public static LogQuery parse(Map<String, String> params) {
        boolean stdout = flag(params, "stdout");
        boolean stderr = flag(params, "stderr");
        if (!stdout && !stderr) {
            throw DockerApiException.invalid(NO_STREAM);
        }
        Optional<Instant> since = Optional.ofNullable(params.get("since"))
                .filter(s -> !s.isEmpty())
                .map(s -> timestamp("since", s))
                .filter(t -> t.isAfter(Instant.EPOCH)); // since=0 (or before 1970) bounds nothing
        Optional<Instant> until = Optional.ofNullable(params.get("until"))
                .filter(s -> !s.isEmpty() && !s.equals("0"))
                .map(s -> timestamp("until", s));
        return new LogQuery(
                stdout,
                stderr,
                since,
                until,
                tail(params.get("tail")),
                flag(params, "timestamps"),
                flag(params, "details"));
    }

    /** Docker's form booleans ({@code httputils.BoolValue}): absent, "", 0, no, false, none are false. */
    public static boolean flag(Map<String, String> params, String name) {
        String v = params.get(name);
        if (v == null) {
            return false;
        }
        String s = v.trim().toLowerCase(Locale.ROOT);
        return !(s.isEmpty() || s.equals("0") || s.equals("no") || s.equals("false") || s.equals("none"));
    }

    /** {@code tail}: an integer N is the last N lines (0 none); anything else, {@code all} included, is every line. */
    static int tail(@Nullable String value) {
        if (value == null || !INTEGER.matcher(value).matches()) {
            return LogQuery.ALL;
        }
        try {
            long n = Long.parseLong(value);
            return n < 0 ? LogQuery.ALL : (int) Math.min(n, Integer.MAX_VALUE);
        } catch (NumberFormatException e) {
            return LogQuery.ALL; // beyond a long: Atoi fails, dockerd reads everything
        }
    }

    /** {@code seconds[.fraction]} since the epoch, the fraction scaled to nanoseconds (digits past nine dropped). */
    static Instant timestamp(String name, String value) {
        Matcher m = TIMESTAMP.matcher(value);
        if (!m.matches()) {
            throw DockerApiException.invalid("invalid value for " + name + ": " + value
                    + " (expected seconds since the epoch, optionally with a fraction)");
        }
        try {
            long seconds = Long.parseLong(m.group(1));
            long nanos = 0;
            if (m.group(2) != null) {
                String digits = m.group(2);
                digits = digits.length() > 9 ? digits.substring(0, 9) : (digits + "000000000").substring(0, 9);
                nanos = Long.parseLong(digits);
            }
            return Instant.ofEpochSecond(seconds, nanos);
        } catch (NumberFormatException | java.time.DateTimeException e) {
            throw DockerApiException.invalid("invalid value for " + name + ": " + value + " (out of range)");
        }
    }
}
