package dev.sockerless.aca.images;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.errors.DockerApiException.Kind;
import dev.sockerless.aca.registry.ImageReference;
import dev.sockerless.aca.registry.RegistryErrors;
import dev.sockerless.aca.registry.RegistryException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Registry failures as data become Docker's errors in one place, decided by code and status, never by text. */
class RegistryFailuresTest {

    static final URI URL = URI.create("https://registry.example/v2/library/x/manifests/latest");
    static final ImageReference REF = ImageReference.parseWithDefaultTag("x");

    static RegistryException answer(int status, String body) {
        return RegistryErrors.response("fetch manifest", URL, status, body.getBytes(StandardCharsets.UTF_8));
    }

    static String errors(String code, String message) {
        return "{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message + "\",\"detail\":{\"n\":1}}]}";
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            404 | MANIFEST_UNKNOWN | NOT_FOUND
            404 | NAME_UNKNOWN     | NOT_FOUND
            400 | DIGEST_INVALID   | INVALID_PARAMETER
            401 | UNAUTHORIZED     | UNAUTHORIZED
            403 | DENIED           | FORBIDDEN
            429 | TOOMANYREQUESTS  | TOO_MANY_REQUESTS
            503 | UNAVAILABLE      | UNAVAILABLE
            404 | DENIED           | FORBIDDEN
            401 | SOMETHING_ELSE   | UNAUTHORIZED
            403 | SOMETHING_ELSE   | FORBIDDEN
            404 | SOMETHING_ELSE   | NOT_FOUND
            429 | SOMETHING_ELSE   | TOO_MANY_REQUESTS
            502 | SOMETHING_ELSE   | UNAVAILABLE
            500 | SOMETHING_ELSE   | SYSTEM
            418 | SOMETHING_ELSE   | INVALID_PARAMETER
            """)
    void theFirstCodeDecidesTheKindElseTheStatus(int status, String code, Kind kind) {
        RegistryException e = answer(status, errors(code, "why"));
        assertThat(e.status()).isEqualTo(status);
        assertThat(e.diagnostics()).singleElement().satisfies(d -> {
            assertThat(d.code()).isEqualTo(code);
            assertThat(d.message()).isEqualTo("why");
            assertThat(d.detail()).isEqualTo("{\"n\":1}");
        });
        assertThat(RegistryFailures.toDocker(e).kind()).isEqualTo(kind);
    }

    @Test
    void dockersTextIsCodeAndMessageOfEachDiagnosticElseTheStatusAndPrintableBody() {
        String two = "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"},"
                + "{\"code\":\"NAME_UNKNOWN\",\"message\":\"\"}]}";
        assertThat(RegistryFailures.toDocker(answer(404, two)).getMessage())
                .isEqualTo("manifest unknown: manifest unknown; name unknown");
        assertThat(RegistryFailures.toDocker(answer(500, "oops")).getMessage())
                .isEqualTo("unexpected status 500: oops");
        assertThat(RegistryFailures.toDocker(answer(500, "\u0001\u0002")).getMessage())
                .isEqualTo("unexpected status 500");
    }

    @Test
    void pullTextsFollowTheCodeNotTheMessage() {
        // a message that reads like another code changes nothing: the code decides
        DockerApiException name = RegistryFailures.pullError(answer(404, errors("NAME_UNKNOWN", "manifest x")), REF);
        assertThat(name.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(name.getMessage()).isEqualTo("repository x not found: name unknown: manifest x");
        DockerApiException manifest =
                RegistryFailures.pullError(answer(404, errors("MANIFEST_UNKNOWN", "name unknown")), REF);
        assertThat(manifest.getMessage()).isEqualTo("manifest for x:latest not found: manifest unknown: name unknown");
        DockerApiException denied = RegistryFailures.pullError(answer(401, errors("UNAUTHORIZED", "auth")), REF);
        assertThat(denied.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(denied.getMessage())
                .isEqualTo("pull access denied for x, repository does not exist or may require 'docker login': "
                        + "unauthorized: auth");
        assertThat(RegistryFailures.pullError(answer(429, errors("TOOMANYREQUESTS", "slow down")), REF)
                        .getMessage())
                .isEqualTo("toomanyrequests: slow down");
        assertThat(RegistryFailures.pullError(answer(429, ""), REF).getMessage())
                .isEqualTo("toomanyrequests: unexpected status 429");
    }

    @Test
    void pushTextsNameWhatWasPushedWhere() {
        RegistryException e = RegistryErrors.response(
                "upload blob sha256:00 in registry.example/app",
                URL,
                403,
                errors("DENIED", "no").getBytes(StandardCharsets.UTF_8));
        DockerApiException docker = RegistryFailures.pushError(e);
        assertThat(docker.kind()).isEqualTo(Kind.FORBIDDEN);
        assertThat(docker.getMessage()).isEqualTo("upload blob sha256:00 in registry.example/app: denied: no");
    }

    @Test
    void otherFailuresKeepTheirTextAndMapByFailure() {
        RegistryException token = RegistryException.tokenResponse(
                "fetch token", URI.create("https://auth.example/token"), 502, java.util.List.of(), "");
        assertThat(RegistryFailures.toDocker(token).kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(RegistryFailures.toDocker(token).getMessage())
                .isEqualTo("token server auth.example: unexpected status 502");
        RegistryException refused = RegistryException.of(
                RegistryException.Failure.REFUSED, "connect", null, "refusing to connect to x", null);
        assertThat(RegistryFailures.toDocker(refused).kind()).isEqualTo(Kind.INVALID_PARAMETER);
        assertThat(RegistryFailures.toDocker(refused).getMessage()).isEqualTo("refusing to connect to x");
        assertThat(RegistryFailures.toDocker(RegistryException.unreachable("fetch blob", URL, "gone", null))
                        .kind())
                .isEqualTo(Kind.UNAVAILABLE);
    }
}
