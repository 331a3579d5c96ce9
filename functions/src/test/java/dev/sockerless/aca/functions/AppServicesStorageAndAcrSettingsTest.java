package dev.sockerless.aca.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sockerless.aca.config.Settings;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.registry.AcrAudience;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code SOCKERLESS_ACR_AUDIENCE} and {@code SOCKERLESS_STATE_TIMEOUT_SECONDS} as the composition root reads them. */
class AppServicesStorageAndAcrSettingsTest {

    @Test
    void theAcrAudienceDefaultsToAcrsOwnAndTakesSovereignClouds() {
        assertThat(AppServices.acrAudience(Settings.of(Map.of())).scope())
                .isEqualTo("https://containerregistry.azure.net/.default");
        assertThat(AppServices.acrAudience(
                        Settings.of(Map.of("SOCKERLESS_ACR_AUDIENCE", "https://containerregistry.azure.cn/"))))
                .isEqualTo(new AcrAudience("https://containerregistry.azure.cn"));
    }

    @Test
    void malformedValuesAreConfigurationErrorsNamingTheSetting() {
        assertThatThrownBy(() -> AppServices.acrAudience(
                        Settings.of(Map.of("SOCKERLESS_ACR_AUDIENCE", "https://containerregistry.azure.net/.default"))))
                .isInstanceOf(DockerApiException.class)
                .hasMessageStartingWith("configuration: SOCKERLESS_ACR_AUDIENCE has a malformed entry");
        assertThatThrownBy(() -> AzureParts.stateTables(Settings.of(Map.of(
                        "AzureWebJobsStorage", "UseDevelopmentStorage=true", "SOCKERLESS_STATE_TIMEOUT_SECONDS", "0"))))
                .isInstanceOf(DockerApiException.class)
                .hasMessageStartingWith("configuration: SOCKERLESS_STATE_TIMEOUT_SECONDS has a malformed entry");
    }
}
