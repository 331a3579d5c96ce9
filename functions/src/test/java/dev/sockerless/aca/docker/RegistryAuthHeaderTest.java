package dev.sockerless.aca.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.registry.RegistryCredentials;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RegistryAuthHeaderTest {

    // '~' and '?' in the password make the base64url and standard alphabets differ.
    static final String JSON = "{\"username\":\"bob\",\"password\":\"~~~?>?\",\"serveraddress\":\"reg:5000\"}";

    @Test
    void acceptsBothAlphabetsPaddedOrNot() {
        byte[] bytes = JSON.getBytes(StandardCharsets.UTF_8);
        for (String header : new String[] {
            Base64.getUrlEncoder().encodeToString(bytes),
            Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
            Base64.getEncoder().encodeToString(bytes),
            Base64.getEncoder().withoutPadding().encodeToString(bytes)
        }) {
            RegistryCredentials c = RegistryAuthHeader.decode(header);
            assertThat(c).isEqualTo(new RegistryCredentials.Basic("bob", "~~~?>?"));
        }
        assertThat(Base64.getUrlEncoder().encodeToString(bytes))
                .isNotEqualTo(Base64.getEncoder().encodeToString(bytes));
    }

    @Test
    void emptyObjectAndMissingHeaderAreAnonymous() {
        assertThat(RegistryAuthHeader.decode("e30=")).isEqualTo(RegistryCredentials.ANONYMOUS);
        assertThat(RegistryAuthHeader.decode(null)).isEqualTo(RegistryCredentials.ANONYMOUS);
    }

    @Test
    void identityTokenWinsAndAuthFieldIsSplit() {
        String withToken = Base64.getUrlEncoder()
                .encodeToString("{\"username\":\"u\",\"identitytoken\":\"rt\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(RegistryAuthHeader.decode(withToken)).isEqualTo(new RegistryCredentials.IdentityToken("u", "rt"));
        String auth = Base64.getEncoder().encodeToString("alice:pw:with:colons".getBytes(StandardCharsets.UTF_8));
        String withAuth =
                Base64.getUrlEncoder().encodeToString(("{\"auth\":\"" + auth + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(RegistryAuthHeader.decode(withAuth))
                .isEqualTo(new RegistryCredentials.Basic("alice", "pw:with:colons"));
    }

    @Test
    void garbageIsAnInvalidParameterAndSecretsNeverAppearInToString() {
        assertThatThrownBy(() -> RegistryAuthHeader.decode("%%%")).isInstanceOf(DockerApiException.class);
        assertThatThrownBy(() -> RegistryAuthHeader.decode(Base64.getEncoder().encodeToString("[1]".getBytes())))
                .isInstanceOf(DockerApiException.class);
        assertThat(new RegistryCredentials.Basic("bob", "hunter2").toString()).doesNotContain("hunter2");
        assertThat(new RegistryCredentials.IdentityToken("bob", "tok-123").toString())
                .doesNotContain("tok-123");
    }
}
