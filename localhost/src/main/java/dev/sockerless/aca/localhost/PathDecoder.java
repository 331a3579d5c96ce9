package dev.sockerless.aca.localhost;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Percent-decoding for paths ('+' stays '+', {@code %2F} stays {@code %2F}) and query strings ('+' is a space).
 */
final class PathDecoder {

    private PathDecoder() {}

    /**
     * Decodes a path (segment) as Kestrel does before routing: %XX sequences as UTF-8, except {@code %2F}, which
     * stays as it is and so never becomes a separator (dotnet/aspnetcore #30655, aspnet/KestrelHttpServer #124; a
     * {@code %2F} stays in route values, dotnet/aspnetcore #2655). Malformed escapes are kept as they are.
     */
    static String decodePath(String s) {
        return decode(s, true);
    }

    /** Decodes every %XX sequence as UTF-8; malformed escapes are kept as they are. */
    static String decode(String s) {
        return decode(s, false);
    }

    private static String decode(String s, boolean keepSlash) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '%' && i + 2 < bytes.length) {
                int hi = Character.digit(bytes[i + 1], 16);
                int lo = Character.digit(bytes[i + 2], 16);
                if (hi >= 0 && lo >= 0 && !(keepSlash && hi == 2 && lo == 0xF)) {
                    out.write((hi << 4) | lo);
                    i += 2;
                    continue;
                }
            }
            out.write(b);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Parses a raw query string into decoded name/value pairs as the host forwards them: repeated names joined with
     * ',' ({@code StringValues.ToString()}) and empty values dropped ({@code ToRpcHttp} in {@code Azure/azure-functions-host
     * src/WebJobs.Script.Grpc/MessageExtensions/GrpcMessageConversionExtensions.cs}: the Java worker does not declare
     * {@code UseNullableValueDictionaryForHttp}, so {@code string.IsNullOrEmpty(value)} entries are skipped).
     */
    static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Collections.unmodifiableMap(out);
        }
        for (String pair : rawQuery.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = formDecode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : formDecode(pair.substring(eq + 1));
            out.merge(name, value, (a, b) -> a + "," + b);
        }
        out.values().removeIf(String::isEmpty);
        return Collections.unmodifiableMap(out);
    }

    private static String formDecode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return decode(s.replace('+', ' '));
        }
    }
}
