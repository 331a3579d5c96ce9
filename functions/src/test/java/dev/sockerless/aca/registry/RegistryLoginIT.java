package dev.sockerless.aca.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sockerless.aca.docker.ApiRequest;
import dev.sockerless.aca.docker.ApiResponse;
import dev.sockerless.aca.docker.ApiVersion;
import dev.sockerless.aca.docker.LoginHandler;
import dev.sockerless.aca.errors.DockerApiException;
import dev.sockerless.aca.testing.RegistryServer;
import dev.sockerless.aca.testing.SharedServices;
import dev.sockerless.aca.testing.TokenServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /auth} against real registries: htpasswd, token auth posing as Docker Hub, and no auth. */
class RegistryLoginIT {

    static RegistryServer basic;
    static TokenServer tokens;
    static RegistryServer hub;
    static LoginHandler handler;

    @BeforeAll
    static void start() {
        basic = RegistryServer.htpasswd();
        tokens = TokenServer.builder()
                .service("registry.docker.io")
                .issuer("auth.docker.io")
                .user("alice", "wonderland")
                .start();
        hub = RegistryServer.tokenAuth(tokens);
        Duration timeout = Duration.ofSeconds(10);
        RegistryEndpoints endpoints = new RegistryEndpoints(
                Map.of("docker.io", java.net.URI.create(hub.baseUrl())),
                List.of(basic.hostPort(), SharedServices.anonymousRegistry().hostPort()));
        handler = new LoginHandler(
                new RegistryLogin(new RegistryTransport(RegistryTransport.newHttpClient(timeout), timeout), endpoints));
    }

    @AfterAll
    static void stop() {
        basic.close();
        hub.close();
        tokens.close();
    }

    static ApiResponse login(String user, String password, String server) {
        String body = "{\"username\":\"" + user + "\",\"password\":\"" + password + "\",\"serveraddress\":\"" + server
                + "\"}";
        return handler.auth(new ApiRequest(
                "POST", ApiVersion.MAX, "/auth", Map.of(), Map.of(), body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void dockerHubLoginGoesThroughTheTokenServerWithBasicCredentials() {
        ApiResponse ok = login("alice", "wonderland", "https://index.docker.io/v1/");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(new String(ok.body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"Status\":\"Login Succeeded\",\"IdentityToken\":\"\"}\n");
        assertThat(tokens.requests()).anySatisfy(r -> assertThat(r.username()).isEqualTo("alice"));
        assertThatThrownBy(() -> login("alice", "wrong", "https://index.docker.io/v1/"))
                .isInstanceOf(DockerApiException.class)
                .satisfies(e ->
                        assertThat(((DockerApiException) e).kind()).isEqualTo(DockerApiException.Kind.UNAUTHORIZED))
                .hasMessage("unauthorized: incorrect username or password")
                .hasMessageNotContaining("wrong");
    }

    @Test
    void basicRegistryChecksTheCredentialsThemselves() {
        assertThat(login(RegistryServer.HTPASSWD_USER, RegistryServer.HTPASSWD_PASSWORD, basic.hostPort())
                        .status())
                .isEqualTo(200);
        assertThatThrownBy(() -> login(RegistryServer.HTPASSWD_USER, "nope", "http://" + basic.hostPort() + "/v2/"))
                .satisfies(e ->
                        assertThat(((DockerApiException) e).kind()).isEqualTo(DockerApiException.Kind.UNAUTHORIZED));
    }

    @Test
    void aRegistryWithoutAuthAcceptsAnyLoginAndEmptyCredentialsAreRefused() {
        assertThat(login(
                                "anyone",
                                "anything",
                                SharedServices.anonymousRegistry().hostPort())
                        .status())
                .isEqualTo(200);
        assertThatThrownBy(() -> login("", "", basic.hostPort()))
                .satisfies(e ->
                        assertThat(((DockerApiException) e).kind()).isEqualTo(DockerApiException.Kind.UNAUTHORIZED));
    }

    @Test
    void serverAddressesNormaliseLikeDockers() {
        assertThat(RegistryLogin.registryName("https://index.docker.io/v1/")).isEqualTo("docker.io");
        assertThat(RegistryLogin.registryName("")).isEqualTo("docker.io");
        assertThat(RegistryLogin.registryName("registry-1.docker.io")).isEqualTo("docker.io");
        assertThat(RegistryLogin.registryName("http://myreg:5000/v2/")).isEqualTo("myreg:5000");
        assertThat(RegistryLogin.registryName("MyReg.example.com")).isEqualTo("myreg.example.com");
    }
}
