package dev.sockerless.aca.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HostCheckTest {

    static HostCheck check(Map<String, String> extra) {
        Map<String, String> s =
                new java.util.HashMap<>(Map.of("SOCKERLESS_BRIDGE_APP", "https://app.azurewebsites.net"));
        s.putAll(extra);
        return new HostCheck(BridgeSettings.from(s));
    }

    @Test
    void loopbackNamesPassOthersDoNot() {
        HostCheck c = check(Map.of());
        for (String ok : new String[] {
            "127.0.0.1:2375", "localhost", "LOCALHOST:2375", "api.moby.localhost", "[::1]:2375", "127.0.0.2"
        }) {
            assertThat(c.allows(Optional.of(ok))).as(ok).isTrue();
        }
        for (String refused : new String[] {
            "attacker.example",
            "attacker.example:2375",
            "localhost.attacker.example",
            "10.0.0.1:2375",
            "",
            "127.0.0.1.nip.io"
        }) {
            assertThat(c.allows(Optional.of(refused))).as(refused).isFalse();
        }
        assertThat(c.allows(Optional.empty())).isFalse();
    }

    @Test
    void namesFromTheSettingPass() {
        assertThat(check(Map.of("SOCKERLESS_BRIDGE_ALLOWED_HOSTS", "devbox, other"))
                        .allows(Optional.of("devbox:2375")))
                .isTrue();
    }
}
