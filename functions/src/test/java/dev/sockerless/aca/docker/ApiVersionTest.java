package dev.sockerless.aca.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sockerless.aca.errors.DockerApiException;
import org.junit.jupiter.api.Test;

class ApiVersionTest {

    @Test
    void splitsTheVersionPrefix() {
        assertThat(ApiVersion.route("/v1.50/images/alpine/json"))
                .isEqualTo(new ApiVersion.Routed(new ApiVersion(1, 50), "/images/alpine/json"));
        assertThat(ApiVersion.route("/images/json")).isEqualTo(new ApiVersion.Routed(ApiVersion.MAX, "/images/json"));
        assertThat(ApiVersion.route("/v1.24/_ping").version()).isEqualTo(ApiVersion.MIN);
    }

    @Test
    void refusesVersionsOutsideTheRangeWithMobysTexts() {
        assertThatThrownBy(() -> ApiVersion.route("/v1.52/version"))
                .isInstanceOf(DockerApiException.class)
                .hasMessage("client version 1.52 is too new. Maximum supported API version is 1.51");
        assertThatThrownBy(() -> ApiVersion.route("/v1.20/version"))
                .hasMessage(
                        "client version 1.20 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version");
    }

    @Test
    void errorStatusesFollowErrdefs() {
        for (DockerApiException.Kind kind : DockerApiException.Kind.values()) {
            assertThat(ErrorResponses.statusOf(kind)).isBetween(400, 599);
        }
        ApiResponse r = ErrorResponses.of(DockerApiException.notFound("No such image: x:latest"));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.headers()).containsEntry("Content-Type", "application/json");
        assertThat(new String(r.body())).isEqualTo("{\"message\":\"No such image: x:latest\"}\n");
        assertThat(ErrorResponses.statusOf(DockerApiException.Kind.TOO_MANY_REQUESTS))
                .isEqualTo(429);
        assertThat(ErrorResponses.statusOf(DockerApiException.Kind.CONFLICT)).isEqualTo(409);
    }
}
