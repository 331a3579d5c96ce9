package dev.sockerless.aca.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sockerless.aca.docker.RegistryAuthHeader;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.logs.ContainerLogsKql;
import dev.sockerless.aca.logs.LogsParameters;
import dev.sockerless.aca.registry.ImageReference;
import dev.sockerless.aca.registry.Manifests;
import dev.sockerless.aca.registry.MediaType;
import dev.sockerless.aca.registry.RegistryException;
import java.util.Map;

/**
 * Fuzz targets for the parsers that read strangers' input. The contract each checks: a clear
 * {@link DockerApiException} (a {@link RegistryException} from the registry's parsers) or a valid result — never another exception, a hang or a crash. {@code make test} runs
 * them on their seed inputs and a short fuzzing run; {@code make fuzz} runs them for longer.
 */
class ParsersFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void imageReference(FuzzedDataProvider data) {
        String input = data.consumeRemainingAsString();
        try {
            ImageReference ref = ImageReference.parse(input);
            // A parsed reference prints as a reference that parses to itself.
            assertThat(ImageReference.parse(ref.toString())).isEqualTo(ref);
        } catch (RegistryException expected) {
            assertThat(expected.failure()).isEqualTo(RegistryException.Failure.INVALID_INPUT);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void registryAuthHeader(FuzzedDataProvider data) {
        try {
            RegistryAuthHeader.decode(data.consumeRemainingAsString());
        } catch (DockerApiException expected) {
            assertThat(expected.kind()).isEqualTo(DockerApiException.Kind.INVALID_PARAMETER);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void manifests(FuzzedDataProvider data) {
        String contentType = data.pickValue(new String[] {
            MediaType.OCI_INDEX,
            MediaType.OCI_MANIFEST,
            MediaType.DOCKER_LIST,
            MediaType.DOCKER_MANIFEST,
            "",
            "text/plain"
        });
        byte[] raw = data.consumeRemainingAsBytes();
        try {
            String type = Manifests.mediaTypeOf(raw, contentType);
            if (MediaType.isIndex(type)) {
                Manifests.parseIndex(raw, type);
            } else {
                Manifests.parseManifest(raw, type);
            }
        } catch (RegistryException expected) {
            assertThat(expected.failure())
                    .isIn(RegistryException.Failure.BAD_CONTENT, RegistryException.Failure.INVALID_INPUT);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void logsParameters(FuzzedDataProvider data) {
        Map<String, String> query = Map.of(
                "since",
                data.consumeString(40),
                "until",
                data.consumeString(40),
                "tail",
                data.consumeString(12),
                "stdout",
                data.consumeString(4),
                "stderr",
                data.consumeRemainingAsString());
        try {
            LogsParameters.parse(query);
        } catch (DockerApiException expected) {
            assertThat(expected.kind()).isEqualTo(DockerApiException.Kind.INVALID_PARAMETER);
        }
    }

    @FuzzTest(maxDuration = "10s")
    void kqlLiteral(FuzzedDataProvider data) {
        String value = data.consumeRemainingAsString();
        try {
            String literal = ContainerLogsKql.literal(value);
            // A verbatim literal: @'...' with every quote doubled, so the value cannot end it early.
            assertThat(literal).startsWith("@'").endsWith("'");
            String inner = literal.substring(2, literal.length() - 1);
            assertThat(inner.replace("''", "")).doesNotContain("'");
            assertThat(inner.replace("''", "'")).isEqualTo(value);
        } catch (DockerApiException expected) {
            assertThat(expected.kind()).isEqualTo(DockerApiException.Kind.INVALID_PARAMETER);
        }
    }
}
