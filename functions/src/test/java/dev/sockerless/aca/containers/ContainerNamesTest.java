package dev.sockerless.aca.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sockerless.aca.errors.DockerApiException;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContainerNamesTest {

    @Test
    void validNamesLoseTheirLeadingSlash() {
        assertThat(ContainerNames.parse("web")).isEqualTo("web");
        assertThat(ContainerNames.parse("/web_1.a-b")).isEqualTo("web_1.a-b");
    }

    @Test
    void invalidNamesAreRejectedInDockersWords() {
        for (String bad : new String[] {"a", "-web", "_web", "we b", "web/x", "//web", "wéb"}) {
            assertThatThrownBy(() -> ContainerNames.parse(bad))
                    .as(bad)
                    .isInstanceOf(DockerApiException.class)
                    .hasMessage("Invalid container name (" + bad + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")
                    .satisfies(e -> assertThat(((DockerApiException) e).kind())
                            .isEqualTo(DockerApiException.Kind.INVALID_PARAMETER));
        }
    }

    @Test
    void generatedNamesAreValidAndRetriesAddADigit() {
        Random random = new Random(7);
        assertThat(ContainerNames.parse(ContainerNames.generate(random, 0))).matches("[a-z]+_[a-z]+");
        assertThat(ContainerNames.generate(random, 1)).matches("[a-z]+_[a-z]+[0-9]");
    }

    @Test
    void conflictUsesDockersText() {
        assertThat(ContainerNames.conflict("x", "abc"))
                .hasMessage(
                        "Conflict. The container name \"/x\" is already in use"
                                + " by container \"abc\". You have to remove (or rename) that container to be able to reuse that name.");
    }

    @Test
    void idsAndTokensAre64HexAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String id = Secrets.containerId();
            String token = Secrets.agentToken();
            assertThat(id).matches("[0-9a-f]{64}");
            assertThat(id.substring(0, 12)).doesNotMatch("[0-9]+");
            assertThat(token).matches("[0-9a-f]{64}");
            assertThat(seen.add(id)).isTrue();
            assertThat(seen.add(token)).isTrue();
        }
    }
}
