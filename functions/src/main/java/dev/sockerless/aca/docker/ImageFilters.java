package dev.sockerless.aca.docker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.images.ImageLookup.FoundImage;
import dev.sockerless.aca.images.ImageRef;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The {@code filters} of {@code GET /images/json}: JSON {@code {"reference":{"alpine":true},"dangling":{"true":true}}}
 * (or the legacy {@code {"reference":["alpine"]}}). Supported: {@code reference} (glob on the familiar name and
 * name:tag, as {@code reference.FamiliarMatch}), {@code dangling}, {@code label}.
 */
public record ImageFilters(Map<String, List<String>> values) {

    private static final Set<String> DOCKER_FILTERS =
            Set.of("dangling", "label", "label!", "before", "since", "reference", "until");
    private static final Set<String> SUPPORTED = Set.of("dangling", "label", "reference");

    public ImageFilters {
        values = Map.copyOf(values);
    }

    public static ImageFilters parse(@Nullable String json) {
        Map<String, List<String>> values = Filters.parse(json, DOCKER_FILTERS, SUPPORTED);
        List<String> dangling = values.getOrDefault("dangling", List.of());
        for (String d : dangling) {
            if (!d.equalsIgnoreCase("true") && !d.equalsIgnoreCase("false") && !d.equals("1") && !d.equals("0")) {
                throw DockerApiException.invalid("invalid filter 'dangling=" + d + "'");
            }
        }
        return new ImageFilters(values);
    }

    public boolean matches(FoundImage found, JsonNode labels) {
        return matches(found.refs(), labels);
    }

    /** Whether an image with these references and labels (may be null) passes. */
    public boolean matches(List<ImageRef> refs, @Nullable JsonNode labels) {
        List<ImageRef> tags = refs.stream().filter(ImageRef::isTag).toList();
        List<String> dangling = values.getOrDefault("dangling", List.of());
        if (!dangling.isEmpty()) {
            // As dockerd: dangling=true lists images without tags (digest-only ones too); dangling=false drops only
            // images without any name.
            boolean wantDangling =
                    dangling.get(0).equalsIgnoreCase("true") || dangling.get(0).equals("1");
            if (wantDangling ? !tags.isEmpty() : refs.isEmpty()) {
                return false;
            }
        }
        if (values.containsKey("reference") && visibleRefs(refs).isEmpty()) {
            return false;
        }
        return Filters.labelsMatch(values.getOrDefault("label", List.of()), labels);
    }

    /**
     * The references a listed image shows: with a {@code reference} filter only the matching ones, as dockerd
     * builds {@code RepoTags} and {@code RepoDigests} from the references that passed the filter.
     */
    public List<ImageRef> visibleRefs(List<ImageRef> refs) {
        List<String> references = values.getOrDefault("reference", List.of());
        if (references.isEmpty()) {
            return refs;
        }
        List<Pattern> globs = references.stream().map(ImageFilters::glob).toList();
        return refs.stream()
                .filter(ref -> globs.stream()
                        .anyMatch(glob -> glob.matcher(ref.reference().familiar())
                                        .matches()
                                || glob.matcher(ref.reference().familiarName()).matches()))
                .toList();
    }

    /** Go's {@code path.Match} pattern as a regex: {@code *} and {@code ?} stop at '/', classes pass through. */
    static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            switch (c) {
                case '*' -> re.append("[^/]*");
                case '?' -> re.append("[^/]");
                case '[' -> {
                    int end = pattern.indexOf(']', i + 1);
                    if (end < 0) {
                        re.append("\\[");
                    } else {
                        String cls = pattern.substring(i + 1, end).replace("\\", "\\\\");
                        re.append('[')
                                .append(cls.startsWith("^") ? "^" + cls.substring(1) : cls)
                                .append(']');
                        i = end;
                    }
                }
                case '\\' -> {
                    if (i + 1 < pattern.length()) {
                        re.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
