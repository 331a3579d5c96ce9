package dev.sockerless.aca.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The project's Bicep files, read as text (no Bicep compiler is available offline). */
final class Bicep {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path DIR = ROOT.resolve("bicep");

    private Bicep() {}

    /** Every .bicep and .bicepparam file, sorted. */
    static List<Path> files() {
        try (Stream<Path> walk = Files.walk(DIR)) {
            return walk.filter(
                            p -> p.toString().endsWith(".bicep") || p.toString().endsWith(".bicepparam"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(String relative) {
        return read(DIR.resolve(relative));
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The text from {@code start} (which ends with an opening bracket) to its matching closing bracket. */
    static String block(String text, String start) {
        int at = text.indexOf(start);
        if (at < 0) {
            throw new AssertionError("not found: " + start);
        }
        int open = at + start.length() - 1;
        char o = text.charAt(open);
        char c = o == '[' ? ']' : o == '{' ? '}' : ')';
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            if (text.charAt(i) == o) {
                depth++;
            } else if (text.charAt(i) == c && --depth == 0) {
                return text.substring(at, i + 1);
            }
        }
        throw new AssertionError("unbalanced: " + start);
    }

    /** The Function App's app settings: name → value expression, in order. */
    static Map<String, String> appSettings() {
        String settings = block(read("modules/functionapp.bicep"), "appSettings: [");
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("\\{\\s*name: '([^']+)'\\s*\\n\\s*value: ([^\\n]+?)\\s*\\n\\s*}")
                .matcher(settings);
        while (m.find()) {
            if (out.put(m.group(1), m.group(2)) != null) {
                throw new AssertionError("app setting set twice: " + m.group(1));
            }
        }
        return out;
    }
}
