package dev.sockerless.aca.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.images.ImageLookup.FoundImage;
import dev.sockerless.aca.images.ImageRecord;
import dev.sockerless.aca.images.ImageRef;
import dev.sockerless.aca.registry.Digest;
import dev.sockerless.aca.registry.ImageReference;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ImageFiltersTest {

    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Digest RESOLVED = new Digest("d".repeat(64));

    static FoundImage image(String name, String... references) {
        byte[] config = ("{\"name\":\"" + name + "\"}").getBytes(StandardCharsets.UTF_8);
        ImageRecord record = new ImageRecord(Digest.of(config), config, null, null, null, 1, null, null, null);
        List<ImageRef> refs = Stream.of(references)
                .map(r -> new ImageRef(ImageReference.parse(r), record.id(), RESOLVED, null, null))
                .toList();
        return new FoundImage(record, refs);
    }

    static final FoundImage ALPINE =
            image("alpine", "docker.io/library/alpine:latest", "docker.io/library/alpine:3.19");
    static final FoundImage USER_APP = image("user-app", "docker.io/user/app:v1");
    static final FoundImage PRIVATE = image("private", "myreg:5000/team/app:v2");
    static final FoundImage UNTAGGED = image("untagged");
    static final FoundImage DIGEST_ONLY = image("digest-only", "docker.io/library/busybox@sha256:" + "e".repeat(64));
    static final FoundImage[] ALL = {ALPINE, USER_APP, PRIVATE, UNTAGGED, DIGEST_ONLY};

    static List<FoundImage> matching(String filters) {
        ImageFilters parsed = ImageFilters.parse(filters);
        return Stream.of(ALL).filter(i -> parsed.matches(i, null)).toList();
    }

    static DockerApiException.Kind kindOf(Throwable t) {
        return ((DockerApiException) t).kind();
    }

    @Test
    void noFiltersMatchEveryImage() {
        assertThat(matching(null)).containsExactly(ALL);
        assertThat(matching("")).containsExactly(ALL);
        assertThat(matching("{}")).containsExactly(ALL);
    }

    @Test
    void aReferenceFilterShowsOnlyTheMatchingNamesOfAnImage() {
        ImageFilters filters = ImageFilters.parse("{\"reference\":{\"alpine:3*\":true}}");
        assertThat(filters.visibleRefs(ALPINE.refs()))
                .extracting(r -> r.reference().familiar())
                .containsExactly("alpine:3.19");
        assertThat(ImageFilters.parse(null).visibleRefs(ALPINE.refs())).hasSize(2);
    }

    @Test
    void referenceMatchesTheFamiliarName() {
        assertThat(matching("{\"reference\":{\"alpine\":true}}")).containsExactly(ALPINE);
    }

    @Test
    void referenceGlobMatchesAPrefixOfTheName() {
        assertThat(matching("{\"reference\":{\"alp*\":true}}")).containsExactly(ALPINE);
    }

    @Test
    void referenceGlobMatchesTheTag() {
        assertThat(matching("{\"reference\":{\"alpine:3*\":true}}")).containsExactly(ALPINE);
        assertThat(matching("{\"reference\":{\"alpine:4*\":true}}")).isEmpty();
    }

    @Test
    void referenceStarDoesNotCrossASlash() {
        assertThat(matching("{\"reference\":{\"*/*\":true}}")).containsExactly(USER_APP);
        assertThat(matching("{\"reference\":{\"*\":true}}")).containsExactly(ALPINE, DIGEST_ONLY);
    }

    @Test
    void referenceMatchesNamesFromOtherRegistriesInFamiliarForm() {
        assertThat(matching("{\"reference\":{\"myreg:5000/team/*\":true}}")).containsExactly(PRIVATE);
    }

    @Test
    void severalReferencePatternsMatchImagesMatchingAnyOfThem() {
        assertThat(matching("{\"reference\":{\"alpine\":true,\"user/app\":true}}"))
                .containsExactly(ALPINE, USER_APP);
    }

    @Test
    void theLegacyArrayFormIsAccepted() {
        assertThat(matching("{\"reference\":[\"alpine\"]}")).containsExactly(ALPINE);
    }

    @Test
    void danglingTrueMatchesImagesWithoutTagsAndFalseImagesWithAnyName() {
        assertThat(matching("{\"dangling\":{\"true\":true}}")).containsExactly(UNTAGGED, DIGEST_ONLY);
        assertThat(matching("{\"dangling\":{\"false\":true}}")).containsExactly(ALPINE, USER_APP, PRIVATE, DIGEST_ONLY);
    }

    @Test
    void danglingWithAnotherValueIsAnInvalidFilter() {
        assertThatThrownBy(() -> ImageFilters.parse("{\"dangling\":{\"maybe\":true}}"))
                .isInstanceOf(DockerApiException.class)
                .hasMessage("invalid filter 'dangling=maybe'")
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(DockerApiException.Kind.INVALID_PARAMETER));
    }

    @Test
    void labelMatchesByKeyAndByKeyAndValue() throws Exception {
        JsonNode labels = MAPPER.readTree("{\"org.example.team\":\"core\",\"version\":\"1\"}");

        assertThat(ImageFilters.parse("{\"label\":{\"org.example.team\":true}}").matches(ALPINE, labels))
                .isTrue();
        assertThat(ImageFilters.parse("{\"label\":{\"org.example.team=core\":true}}")
                        .matches(ALPINE, labels))
                .isTrue();
        assertThat(ImageFilters.parse("{\"label\":{\"org.example.team=edge\":true}}")
                        .matches(ALPINE, labels))
                .isFalse();
        assertThat(ImageFilters.parse("{\"label\":{\"missing\":true}}").matches(ALPINE, labels))
                .isFalse();
        assertThat(ImageFilters.parse("{\"label\":{\"org.example.team\":true}}").matches(ALPINE, null))
                .isFalse();
    }

    @Test
    void everyLabelFilterMustMatch() throws Exception {
        JsonNode labels = MAPPER.readTree("{\"a\":\"1\",\"b\":\"2\"}");

        assertThat(ImageFilters.parse("{\"label\":{\"a=1\":true,\"b\":true}}").matches(ALPINE, labels))
                .isTrue();
        assertThat(ImageFilters.parse("{\"label\":{\"a=1\":true,\"c\":true}}").matches(ALPINE, labels))
                .isFalse();
    }

    @Test
    void anUnknownFilterIsInvalid() {
        assertThatThrownBy(() -> ImageFilters.parse("{\"x\":{\"y\":true}}"))
                .isInstanceOf(DockerApiException.class)
                .hasMessage("invalid filter 'x'")
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(DockerApiException.Kind.INVALID_PARAMETER));
    }

    @Test
    void aDockerFilterThisServerDoesNotSupportIsNotImplemented() {
        assertThatThrownBy(() -> ImageFilters.parse("{\"before\":{\"alpine\":true}}"))
                .isInstanceOf(DockerApiException.class)
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(DockerApiException.Kind.NOT_IMPLEMENTED));
    }

    @Test
    void malformedFiltersJsonIsInvalid() {
        assertThatThrownBy(() -> ImageFilters.parse("{not json"))
                .isInstanceOf(DockerApiException.class)
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(DockerApiException.Kind.INVALID_PARAMETER));
        assertThatThrownBy(() -> ImageFilters.parse("[\"reference\"]"))
                .isInstanceOf(DockerApiException.class)
                .satisfies(e -> assertThat(kindOf(e)).isEqualTo(DockerApiException.Kind.INVALID_PARAMETER));
    }
}
