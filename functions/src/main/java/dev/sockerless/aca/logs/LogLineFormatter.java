package dev.sockerless.aca.logs;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Turns a line into the bytes dockerd writes for it ({@code api/server/httputils/write_log_stream.go}): with
 * {@code details} the attributes as URL-query-escaped {@code k=v} pairs sorted by key and joined by commas, then a
 * space (a lone space when there are none); with {@code timestamps} the time in front of that; the line always ends
 * with {@code \n}.
 */
public final class LogLineFormatter {

    private final boolean timestamps;
    private final String detailsPrefix;

    public LogLineFormatter(boolean timestamps, boolean details, Map<String, String> attributes) {
        this.timestamps = timestamps;
        this.detailsPrefix = details ? attributes(attributes) + " " : "";
    }

    public byte[] format(LogLine line) {
        StringBuilder b = new StringBuilder(line.text().length() + 48);
        if (timestamps) {
            b.append(DockerTimestamps.format(line.time())).append(' ');
        }
        b.append(detailsPrefix).append(line.text());
        if (b.length() == 0 || b.charAt(b.length() - 1) != '\n') {
            b.append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String attributes(Map<String, String> attributes) {
        StringJoiner joined = new StringJoiner(",");
        new java.util.TreeMap<>(attributes).forEach((k, v) -> joined.add(queryEscape(k) + "=" + queryEscape(v)));
        return joined.toString();
    }

    /** Go's {@code url.QueryEscape}: unreserved {@code A-Za-z0-9-_.~} kept, space as {@code +}, the rest %XX. */
    static String queryEscape(String s) {
        StringBuilder b = new StringBuilder();
        for (byte c : (s == null ? "" : s).getBytes(StandardCharsets.UTF_8)) {
            int u = c & 0xff;
            if ((u >= 'a' && u <= 'z')
                    || (u >= 'A' && u <= 'Z')
                    || (u >= '0' && u <= '9')
                    || u == '-'
                    || u == '_'
                    || u == '.'
                    || u == '~') {
                b.append((char) u);
            } else if (u == ' ') {
                b.append('+');
            } else {
                b.append('%')
                        .append(Character.toUpperCase(Character.forDigit(u >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(u & 0xf, 16)));
            }
        }
        return b.toString();
    }
}
