package dev.sockerless.aca.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** host.json has everything the deployed host needs. */
class HostJsonTest {

    @Test
    void hostJsonIsComplete() throws Exception {
        JsonNode host =
                new ObjectMapper().readTree(Bicep.ROOT.resolve("host.json").toFile());
        assertThat(host.path("version").asText()).isEqualTo("2.0");
        assertThat(host.path("extensionBundle").path("id").asText())
                .isEqualTo("Microsoft.Azure.Functions.ExtensionBundle");
        assertThat(host.path("extensionBundle").path("version").asText()).isEqualTo("[4.*, 5.0.0)");
        assertThat(host.path("extensions").path("http").path("routePrefix").isTextual())
                .isTrue();
        assertThat(host.path("extensions").path("http").path("routePrefix").asText())
                .isEmpty();
        JsonNode durable = host.path("extensions").path("durableTask");
        assertThat(durable.path("hubName").asText()).isEqualTo("SockerlessHub");
        assertThat(durable.path("storageProvider")
                        .path("maxQueuePollingInterval")
                        .asText())
                .isEqualTo("00:00:02");
        String[] t = host.path("functionTimeout").asText().split(":");
        assertThat(t).hasSize(3);
        Duration timeout = Duration.ofHours(Long.parseLong(t[0]))
                .plusMinutes(Long.parseLong(t[1]))
                .plusSeconds(Long.parseLong(t[2]));
        assertThat(timeout).isPositive();
        assertThat(host.path("logging").path("logLevel").path("default").asText())
                .isNotEmpty();
        // durabletask-java's sample nests extensionBundle under extensions: wrong.
        assertThat(host.path("extensions").has("extensionBundle")).isFalse();
    }
}
