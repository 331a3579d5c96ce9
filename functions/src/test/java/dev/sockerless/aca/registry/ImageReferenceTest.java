package dev.sockerless.aca.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {

    static final String HEX = "a".repeat(64);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            alpine                                  | docker.io      | library/alpine   | -      | alpine
            alpine:3.19                             | docker.io      | library/alpine   | 3.19   | alpine:3.19
            library/alpine                          | docker.io      | library/alpine   | -      | alpine
            docker.io/alpine:latest                 | docker.io      | library/alpine   | latest | alpine:latest
            index.docker.io/library/alpine          | docker.io      | library/alpine   | -      | alpine
            user/app:v1                             | docker.io      | user/app         | v1     | user/app:v1
            docker.io/a/b/c                         | docker.io      | a/b/c            | -      | a/b/c
            myreg:5000/foo/bar:v1                   | myreg:5000     | foo/bar          | v1     | myreg:5000/foo/bar:v1
            localhost/app                           | localhost      | app              | -      | localhost/app
            registry.example.com/team/app           | registry.example.com | team/app   | -      | registry.example.com/team/app
            127.0.0.1:5000/x:y                      | 127.0.0.1:5000 | x                | y      | 127.0.0.1:5000/x:y
            registry-1.docker.io/library/alpine     | registry-1.docker.io | library/alpine | - | registry-1.docker.io/library/alpine
            """)
    void normalisesLikeDocker(String input, String registry, String repository, String tag, String familiar) {
        ImageReference ref = ImageReference.parse(input);
        assertThat(ref.registry()).isEqualTo(registry);
        assertThat(ref.repository()).isEqualTo(repository);
        assertThat(ref.tag()).isEqualTo(tag);
        assertThat(ref.familiar()).isEqualTo(familiar);
    }

    @Test
    void digestReferencesKeepTheDigestAndDropNothingElse() {
        ImageReference ref = ImageReference.parse("alpine:3.19@sha256:" + HEX);
        assertThat(ref.tag()).isEqualTo("3.19");
        assertThat(ref.digest()).isEqualTo(new Digest(HEX));
        assertThat(ref.identifier()).isEqualTo("sha256:" + HEX);
        assertThat(ref.toString()).isEqualTo("docker.io/library/alpine:3.19@sha256:" + HEX);
        assertThat(ref.familiar()).isEqualTo("alpine:3.19@sha256:" + HEX);
    }

    @Test
    void defaultTagIsLatestOnlyWhenNeitherTagNorDigestIsGiven() {
        assertThat(ImageReference.parseWithDefaultTag("alpine").toString())
                .isEqualTo("docker.io/library/alpine:latest");
        assertThat(ImageReference.parseWithDefaultTag("alpine@sha256:" + HEX).tag())
                .isNull();
    }

    @Test
    void scopeUsesTheNormalisedPath() {
        assertThat(ImageReference.parse("alpine").scope("pull")).isEqualTo("repository:library/alpine:pull");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "library/UPPER",
                "alpine:",
                "alpine::tag",
                "a//b",
                "-leading",
                "alpine@sha256:short",
                "alpine:tag with space",
                "http://host/x",
                "name:ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt"
            })
    void rejectsInvalidReferencesWithDockersText(String input) {
        assertThatThrownBy(() -> ImageReference.parse(input))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> assertThat(e.failure()).isEqualTo(RegistryException.Failure.INVALID_INPUT))
                .hasMessageContaining("invalid");
    }

    @Test
    void uppercaseRepositoryGetsTheLowercaseMessage() {
        assertThatThrownBy(() -> ImageReference.parse("docker.io/Library/Alpine"))
                .hasMessage("invalid reference format: repository name (Library/Alpine) must be lowercase");
    }

    @Test
    void sixtyFourHexIsNotARepositoryName() {
        assertThatThrownBy(() -> ImageReference.parse(HEX))
                .hasMessage("invalid repository name (" + HEX + "), cannot specify 64-byte hexadecimal strings");
    }
}
