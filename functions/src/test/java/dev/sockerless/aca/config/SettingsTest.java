package dev.sockerless.aca.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.errors.DockerApiException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void everySettingIsListedInTheExampleWithItsDefault() throws Exception {
        JsonNode values = new ObjectMapper()
                .readTree(Path.of("..", "local.settings.json.example").toFile())
                .path("Values");
        for (Settings.Key key : Settings.Key.values()) {
            assertThat(values.has(key.name())).as(key.name()).isTrue();
            key.defaultValue()
                    .filter(d -> !d.isEmpty())
                    .ifPresent(d -> assertThat(values.path(key.name()).asText())
                            .as(key.name())
                            .isEqualTo(d));
        }
    }

    @Test
    void missingStorageNamesTheSettingAtFirstUse() {
        Settings settings = Settings.of(Map.of());
        assertThatThrownBy(settings::stateStorageConnection)
                .isInstanceOf(DockerApiException.class)
                .hasMessageStartingWith("configuration: AzureWebJobsStorage is not set");
        assertThat(Settings.of(Map.of("AzureWebJobsStorage", "a", "SOCKERLESS_STATE_STORAGE", "b"))
                        .stateStorageConnection())
                .isEqualTo("b");
    }

    @Test
    void identityBasedHostStorageBecomesAKeylessConnectionString() {
        assertThat(Settings.of(Map.of(
                                Settings.STORAGE_ACCOUNT_NAME,
                                "sockerlessst1",
                                "AzureWebJobsStorage__credential",
                                "managedidentity"))
                        .stateStorageConnection())
                .isEqualTo("DefaultEndpointsProtocol=https;AccountName=sockerlessst1;EndpointSuffix=core.windows.net");
        // A connection string, when present, wins (as it does for the Functions host).
        assertThat(Settings.of(Map.of(
                                Settings.STORAGE_ACCOUNT_NAME,
                                "sockerlessst1",
                                "AzureWebJobsStorage",
                                "UseDevelopmentStorage=true"))
                        .stateStorageConnection())
                .isEqualTo("UseDevelopmentStorage=true");
        assertThatThrownBy(() -> Settings.of(Map.of(Settings.STORAGE_ACCOUNT_NAME, "Bad;AccountKey=x"))
                        .stateStorageConnection())
                .isInstanceOf(DockerApiException.class)
                .hasMessage("configuration: AzureWebJobsStorage__accountName is not a storage account name"
                        + " (3-24 lowercase letters and digits)");
    }

    @Test
    void mirrorsParseAndNormaliseDockerHubNames() {
        Settings settings = Settings.of(Map.of(
                "SOCKERLESS_REGISTRY_MIRRORS",
                " index.docker.io=http://127.0.0.1:5001/ , ghcr.io=https://mirror.example.com"));
        assertThat(settings.registryMirrors())
                .containsExactly(
                        Map.entry("docker.io", URI.create("http://127.0.0.1:5001")),
                        Map.entry("ghcr.io", URI.create("https://mirror.example.com")));
        assertThatThrownBy(() -> Settings.of(Map.of("SOCKERLESS_REGISTRY_MIRRORS", "docker.io"))
                        .registryMirrors())
                .hasMessageContaining("SOCKERLESS_REGISTRY_MIRRORS");
        assertThatThrownBy(() -> Settings.of(Map.of("SOCKERLESS_REGISTRY_MIRRORS", "docker.io=ftp://x"))
                        .registryMirrors())
                .hasMessageContaining("http:// or https://");
    }

    @Test
    void secondsMustBePositiveWholeNumbers() {
        assertThat(Settings.of(Map.of())
                        .seconds(Settings.Key.SOCKERLESS_REGISTRY_TIMEOUT_SECONDS)
                        .getSeconds())
                .isEqualTo(30);
        assertThatThrownBy(() -> Settings.of(Map.of("SOCKERLESS_REGISTRY_TIMEOUT_SECONDS", "-1"))
                        .seconds(Settings.Key.SOCKERLESS_REGISTRY_TIMEOUT_SECONDS))
                .hasMessageContaining("positive");
        assertThatThrownBy(() -> Settings.of(Map.of("SOCKERLESS_REGISTRY_TIMEOUT_SECONDS", "x"))
                        .seconds(Settings.Key.SOCKERLESS_REGISTRY_TIMEOUT_SECONDS))
                .hasMessageContaining("whole number");
    }
}
