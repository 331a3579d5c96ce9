package dev.sockerless.aca.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sockerless.aca.errors.DockerApiException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageHandlersTest {

    static final String DIGEST = "sha256:" + "b".repeat(64);

    @Test
    void pullReferenceFollowsPostImagesCreate() {
        assertThat(ImageHandlers.pullReference("docker.io/library/alpine", "latest")
                        .toString())
                .isEqualTo("docker.io/library/alpine:latest");
        assertThat(ImageHandlers.pullReference("docker.io/library/alpine", DIGEST)
                        .toString())
                .isEqualTo("docker.io/library/alpine@" + DIGEST);
        assertThat(ImageHandlers.pullReference("alpine:3.19", "").toString())
                .isEqualTo("docker.io/library/alpine:3.19");
        assertThat(ImageHandlers.pullReference("alpine@" + DIGEST, "").toString())
                .isEqualTo("docker.io/library/alpine@" + DIGEST);
        assertThat(ImageHandlers.pullReference("alpine:", "").toString()).isEqualTo("docker.io/library/alpine:latest");
        assertThat(ImageHandlers.pullReference("alpine", "").toString()).isEqualTo("docker.io/library/alpine:latest");
        assertThat(ImageHandlers.pullReference("myreg:5000/a/b", "v2").toString())
                .isEqualTo("myreg:5000/a/b:v2");
    }

    @Test
    void badPullReferencesAreInvalidParameters() {
        assertThatThrownBy(() -> ImageHandlers.pullReference("", "")).isInstanceOf(DockerApiException.class);
        assertThatThrownBy(() -> ImageHandlers.pullReference("alpine", "bad tag"))
                .hasMessageContaining("invalid reference format");
    }

    @Test
    void platformAcceptsStringAndJsonForms() {
        assertThat(ImageHandlers.parsePlatform("linux/arm64/v8").toString()).isEqualTo("linux/arm64");
        assertThat(ImageHandlers.parsePlatform("{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v6\"}")
                        .toString())
                .isEqualTo("linux/arm/v6");
    }

    @Test
    void aLoadWhoseBodyDidNotArriveSaysWhatWorksInstead() {
        ApiRequest chunked = new ApiRequest(
                "POST",
                ApiVersion.MAX,
                "/images/load",
                Map.of(),
                Map.of("transfer-encoding", "chunked", "content-type", "application/x-tar"),
                null);
        DockerApiException e = ImageHandlers.noArchive(chunked);
        assertThat(e.kind()).isEqualTo(DockerApiException.Kind.INVALID_PARAMETER);
        assertThat(e.getMessage())
                .contains("chunked")
                .contains("Content-Type: application/octet-stream")
                .contains("Content-Length")
                .contains("?fromBlob=")
                .contains("bridge");

        ApiRequest empty = new ApiRequest("POST", ApiVersion.MAX, "/images/load", Map.of(), Map.of(), null);
        assertThat(ImageHandlers.noArchive(empty).getMessage())
                .startsWith("no archive in the request body")
                .doesNotContain("chunked")
                .contains("application/octet-stream")
                .contains("?fromBlob=");
    }
}
