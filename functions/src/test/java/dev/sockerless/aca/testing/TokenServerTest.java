package dev.sockerless.aca.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockerless.aca.testing.TestImages.Format;
import dev.sockerless.aca.testing.TestImages.Platform;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String USER = "alice";
    private static final String PASSWORD = "alice-secret";

    private static TokenServer tokens;
    private static RegistryServer registry;
    private static TestImage publicImage;

    @BeforeAll
    static void start() {
        tokens = TokenServer.builder()
                .user(USER, PASSWORD)
                .user("bob", "bob-secret")
                .identityToken(USER, "alice-refresh")
                .publicRepository("library/hello", USER)
                .privateRepository("alice/private", USER)
                .start();
        registry = RegistryServer.tokenAuth(tokens);
        publicImage = TestImages.simple(Format.OCI, Platform.LINUX_AMD64);
        new RegistryPusher(registry.baseUrl(), USER, PASSWORD).push("library/hello", "latest", publicImage);
    }

    @AfterAll
    static void stop() {
        if (registry != null) registry.close();
        if (tokens != null) tokens.close();
    }

    @Test
    void registryChallengesWithRealmAndService() throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(registry.baseUrl() + "/v2/library/hello/manifests/latest"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(RegistryPusher.challengeParams(
                        r.headers().firstValue("WWW-Authenticate").orElseThrow()))
                .containsEntry("realm", tokens.tokenUrl())
                .containsEntry("service", "registry.test")
                .containsEntry("scope", "repository:library/hello:pull");
    }

    @Test
    void anonymousPullOfPublicRepositoryWorksThroughTheChallenge() {
        tokens.reset();
        RegistryPusher anonymous = new RegistryPusher(registry.baseUrl());
        HttpResponse<byte[]> r = anonymous.getManifest("library/hello", "latest");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(publicImage.manifest().bytes());
        assertThat(tokens.requestCount()).isEqualTo(1);
        TokenServer.Request req = tokens.requests().get(0);
        assertThat(req.authorization()).isFalse();
        assertThat(req.username()).isNull();
        assertThat(req.scopes()).containsExactly("repository:library/hello:pull");
    }

    @Test
    void anonymousCannotPushToPublicRepository() {
        RegistryPusher anonymous = new RegistryPusher(registry.baseUrl());
        assertThatThrownBy(() ->
                        anonymous.push("library/hello", "evil", TestImages.simple(Format.OCI, Platform.LINUX_ARM64)))
                .isInstanceOf(RegistryPusher.RegistryException.class)
                .hasMessageContaining("insufficient_scope");
    }

    @Test
    void anonymousPullOfPrivateRepositoryGetsInsufficientScope() {
        RegistryPusher anonymous = new RegistryPusher(registry.baseUrl());
        HttpResponse<byte[]> r = anonymous.getManifest("alice/private", "latest");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("error=\"insufficient_scope\"");
    }

    @Test
    void memberCanPushAndPullPrivateRepositoryOtherUsersCannot() {
        TestIndex index = TestImages.multiArch(Format.DOCKER, false, Platform.LINUX_AMD64, Platform.LINUX_ARM64);
        RegistryPusher alice = new RegistryPusher(registry.baseUrl(), USER, PASSWORD);
        alice.push("alice/private", "multi", index);
        assertThat(alice.getManifest("alice/private", "multi").body())
                .isEqualTo(index.index().bytes());

        RegistryPusher bob = new RegistryPusher(registry.baseUrl(), "bob", "bob-secret");
        assertThat(bob.getManifest("alice/private", "multi").statusCode()).isEqualTo(401);
        assertThat(tokens.requests()).noneMatch(r -> r.query().contains("secret"));
    }

    @Test
    void wrongPasswordIs401FromTheTokenServer() throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                tokens.tokenUrl() + "?service=registry.test&scope=repository:library/hello:pull"))
                        .header("Authorization", basic(USER, "wrong"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(JSON.readTree(r.body()).has("details")).isTrue();
    }

    @Test
    void grantsOnlyAllowedActionsAndClaimsFollowTheRules() throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(tokens.tokenUrl()
                                + "?service=registry.test&scope=repository:library/hello:pull,push"
                                + "&scope=repository:alice/private:pull"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode reply = JSON.readTree(r.body());
        assertThat(reply.get("token").asText())
                .isEqualTo(reply.get("access_token").asText());
        assertThat(reply.get("expires_in").asInt()).isEqualTo(300);
        assertThat(reply.get("issued_at").asText()).isNotEmpty();

        String[] parts = reply.get("token").asText().split("\\.");
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(header.get("alg").asText()).isEqualTo("ES256");
        assertThat(header.get("x5c")).hasSize(1);
        assertThat(Base64.getUrlDecoder().decode(parts[2])).hasSize(64);
        assertThat(claims.get("iss").asText()).isEqualTo("test-issuer");
        assertThat(claims.get("aud").isTextual()).isTrue();
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(300);
        assertThat(claims.at("/access/0/actions").toString()).isEqualTo("[\"pull\"]");
        assertThat(claims.at("/access/1/actions").toString()).isEqualTo("[]");
    }

    @Test
    void postPasswordAndRefreshTokenGrants() throws Exception {
        String scope = "repository:alice/private:pull,push";
        for (String form : List.of(
                "grant_type=password&username=alice&password=alice-secret&service=registry.test&scope=" + scope,
                "grant_type=refresh_token&refresh_token=alice-refresh&service=registry.test&scope=" + scope)) {
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(tokens.tokenUrl()))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(form).isEqualTo(200);
            String jwt = JSON.readTree(r.body()).get("access_token").asText();
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
            assertThat(claims.at("/access/0/actions").toString()).isEqualTo("[\"pull\",\"push\"]");

            // the token is accepted by the real registry
            HttpResponse<String> tags = HTTP.send(
                    HttpRequest.newBuilder(URI.create(registry.baseUrl() + "/v2/alice/private/tags/list"))
                            .header("Authorization", "Bearer " + jwt)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(tags.statusCode()).isIn(200, 404);
        }
        HttpResponse<String> bad = HTTP.send(
                HttpRequest.newBuilder(URI.create(tokens.tokenUrl()))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "grant_type=refresh_token&refresh_token=nope&service=x"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(401);
        TokenServer.Request last = tokens.requests().get(tokens.requests().size() - 1);
        assertThat(last.method()).isEqualTo("POST");
        assertThat(last.query()).doesNotContain("nope").contains("grant_type=refresh_token");
    }

    @Test
    void kidTokensAndSingleFieldRepliesWorkAgainstTheRealRegistry() {
        for (TokenServer.Reply reply : List.of(TokenServer.Reply.TOKEN_ONLY, TokenServer.Reply.ACCESS_TOKEN_ONLY)) {
            try (TokenServer ts = TokenServer.builder()
                            .service("registry.docker.io")
                            .issuer("auth.docker.io")
                            .keyReference(TokenServer.KeyReference.KID)
                            .reply(reply)
                            .user(USER, PASSWORD)
                            .start();
                    RegistryServer reg = RegistryServer.tokenAuth(ts)) {
                TestImage image = TestImages.simple(Format.DOCKER, Platform.LINUX_ARM64);
                RegistryPusher alice = new RegistryPusher(reg.baseUrl(), USER, PASSWORD);
                alice.push("library/kid", "v1", image);
                assertThat(new RegistryPusher(reg.baseUrl())
                                .getManifest("library/kid", "v1")
                                .body())
                        .isEqualTo(image.manifest().bytes());
            }
        }
    }

    @Test
    void libtrustKeyIdHasTwelveGroups() throws Exception {
        assertThat(TokenServer.libtrustKeyId(new byte[] {1, 2, 3})).matches("([A-Z2-7]{4}:){11}[A-Z2-7]{4}");
    }

    @Test
    void issuedTokenWithoutScopeStillOpensV2() throws Exception {
        String jwt = tokens.issue(null, List.of(), 60);
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(registry.baseUrl() + "/v2/"))
                        .header("Authorization", "Bearer " + jwt)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        String expired = tokens.issue(
                null, List.of(Map.of("type", "repository", "name", "library/hello", "actions", List.of("pull"))), -120);
        HttpResponse<String> e = HTTP.send(
                HttpRequest.newBuilder(URI.create(registry.baseUrl() + "/v2/"))
                        .header("Authorization", "Bearer " + expired)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(e.statusCode()).isEqualTo(401);
        assertThat(e.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
