package dev.sockerless.aca.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.containers.containerregistry.ContainerRegistryContentClient;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sockerless.aca.testing.FakeEntra;
import dev.sockerless.aca.testing.TestImage;
import dev.sockerless.aca.testing.TestImages;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * The ACR path through the real {@code azure-containers-containerregistry} client against a strict stand-in for
 * ACR's data plane (Azure has no ACR emulator): the Entra token must be exchanged at {@code /oauth2/exchange} for a
 * refresh token, that for an access token at {@code /oauth2/token}, and only that access token opens the
 * repository. The client speaks https; a rewriting HTTP client sends it to the plain-HTTP stand-in.
 */
class AcrRegistryApiTest {

    static final String APP = "app-identity";
    /** The audience the stand-in's token exchange accepts: ACR's, never ARM's (authentication-as-arm disabled). */
    String acceptedAudience = AcrAudience.PUBLIC_CLOUD.uri();

    HttpServer server;
    String host;
    final List<String> requests = new CopyOnWriteArrayList<>();
    final Map<String, byte[]> manifests = new HashMap<>();
    final Map<String, byte[]> blobs = new HashMap<>();
    TestImage image = TestImages.rich(TestImages.Format.OCI, TestImages.Platform.LINUX_AMD64);

    @BeforeEach
    void start() throws IOException {
        manifests.put("v1", image.manifest().bytes());
        manifests.put(image.manifest().digest(), image.manifest().bytes());
        blobs.put(image.config().digest(), image.config().bytes());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        host = "127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    static final String REFRESH = FakeEntra.jwt("refresh", null, 3600);
    static final byte[] DENIED = "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"invalid token\"}]}".getBytes();
    static final String ACCESS = FakeEntra.jwt("access", null, 3600);

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        requests.add(ex.getRequestMethod() + " " + path);
        byte[] body = ex.getRequestBody().readAllBytes();
        Map<String, String> form = form(new String(body, StandardCharsets.UTF_8));
        if (path.equals("/oauth2/exchange")) {
            boolean ok = "access_token".equals(form.get("grant_type"))
                    && FakeEntra.acrAccepts(form.get("access_token"), APP, acceptedAudience)
                    && host.equals(form.get("service"));
            reply(
                    ex,
                    ok ? 200 : 401,
                    "application/json",
                    ok ? ("{\"refresh_token\":\"" + REFRESH + "\"}").getBytes() : DENIED);
            return;
        }
        if (path.equals("/oauth2/token")) {
            boolean ok = "refresh_token".equals(form.get("grant_type"))
                    && REFRESH.equals(form.get("refresh_token"))
                    && form.getOrDefault("scope", "").startsWith("repository:team/app:");
            reply(
                    ex,
                    ok ? 200 : 401,
                    "application/json",
                    ok ? ("{\"access_token\":\"" + ACCESS + "\"}").getBytes() : DENIED);
            return;
        }
        if (!("Bearer " + ACCESS).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.getResponseHeaders()
                    .add(
                            "WWW-Authenticate",
                            "Bearer realm=\"https://" + host + "/oauth2/token\",service=\"" + host
                                    + "\",scope=\"repository:team/app:pull\"");
            reply(
                    ex,
                    401,
                    "application/json",
                    "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}".getBytes());
            return;
        }
        if (path.startsWith("/v2/team/app/manifests/")) {
            byte[] m = manifests.get(path.substring("/v2/team/app/manifests/".length()));
            if (m == null) {
                reply(
                        ex,
                        404,
                        "application/json",
                        "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest tagged by \\\"x\\\" is not found\"}]}"
                                .getBytes());
                return;
            }
            ex.getResponseHeaders()
                    .add(
                            "Docker-Content-Digest",
                            dev.sockerless.aca.registry.Digest.of(m).toString());
            reply(ex, 200, TestImages.OCI_MANIFEST, m);
            return;
        }
        if (path.startsWith("/v2/team/app/blobs/")) {
            byte[] b = blobs.get(path.substring("/v2/team/app/blobs/".length()));
            String range = ex.getRequestHeaders().getFirst("Range");
            if (b == null || range == null) {
                reply(ex, b == null ? 404 : 400, "application/json", new byte[0]);
                return;
            }
            ex.getResponseHeaders().add("Content-Range", "bytes 0-" + (b.length - 1) + "/" + b.length);
            reply(ex, 206, "application/octet-stream", b);
            return;
        }
        reply(ex, 404, "application/json", new byte[0]);
    }

    private static Map<String, String> form(String text) {
        Map<String, String> out = new HashMap<>();
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void reply(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
        ex.close();
    }

    /** The production client for {@code team/app} of the stand-in, its https requests sent over plain http. */
    ContainerRegistryContentClient client(TokenCredential credential, AcrAudience audience) {
        HttpClient plain = HttpClient.createDefault();
        HttpClient rewriting = new HttpClient() {
            @Override
            public Mono<HttpResponse> send(HttpRequest request) {
                request.setUrl(request.getUrl().toString().replaceFirst("^https://", "http://"));
                return plain.send(request);
            }
        };
        return AcrRegistryApi.client(host, "team/app", credential, audience, rewriting);
    }

    ContainerRegistryContentClient client(String subject) {
        return client(new FakeEntra(subject), AcrAudience.PUBLIC_CLOUD);
    }

    @Test
    void fetchesManifestAndConfigThroughTheEntraTokenExchange() {
        FakeEntra entra = new FakeEntra(APP);
        AcrRegistryApi acr = new AcrRegistryApi(client(entra, AcrAudience.PUBLIC_CLOUD));

        RegistryApi.FetchedManifest manifest = acr.manifest("v1");
        assertThat(manifest.bytes()).isEqualTo(image.manifest().bytes());
        assertThat(manifest.digest().toString()).isEqualTo(image.manifest().digest());
        assertThat(manifest.mediaType()).isEqualTo(TestImages.OCI_MANIFEST);
        Manifests.ImageManifest parsed = Manifests.parseManifest(manifest.bytes(), manifest.mediaType());
        assertThat(acr.blob(parsed.config(), 1 << 20)).isEqualTo(image.config().bytes());
        assertThat(requests).contains("POST /oauth2/exchange", "POST /oauth2/token");
        // The Entra token is asked for ACR's audience, never ARM's: the stand-in refuses ARM-audience tokens.
        assertThat(entra.requestedScopes())
                .isNotEmpty()
                .allSatisfy(
                        scopes -> assertThat(scopes).containsExactly("https://containerregistry.azure.net/.default"));
    }

    /** A blob longer than its descriptor says is cut off at the descriptor's size, not read whole. */
    @Test
    void aBlobLargerThanItsDescriptorIsRefused() {
        AcrRegistryApi acr = new AcrRegistryApi(client(APP));
        Manifests.ImageManifest parsed =
                Manifests.parseManifest(image.manifest().bytes(), TestImages.OCI_MANIFEST);
        Descriptor config = parsed.config();
        Descriptor shorter = Descriptor.of(config.mediaType(), config.digest(), config.size() - 1);
        assertThatThrownBy(() -> acr.blob(shorter, 1 << 20))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> assertThat(e.failure()).isEqualTo(RegistryException.Failure.BAD_CONTENT))
                .hasMessage("blob is larger than its descriptor says");
    }

    @Test
    void theStandInRefusesArmAudienceTokensAsAnAcrWithAuthenticationAsArmDisabled() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.util.function.Function<String, Integer> exchange = token -> {
            try {
                return http.send(
                                java.net.http.HttpRequest.newBuilder(
                                                java.net.URI.create("http://" + host + "/oauth2/exchange"))
                                        .header("Content-Type", "application/x-www-form-urlencoded")
                                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                                "grant_type=access_token&service=" + host + "&access_token=" + token))
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.discarding())
                        .statusCode();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        };
        assertThat(exchange.apply(FakeEntra.jwt(APP, "https://management.azure.com", 3600)))
                .isEqualTo(401);
        assertThat(exchange.apply(FakeEntra.jwt(APP, "https://containerregistry.azure.net", 3600)))
                .isEqualTo(200);
    }

    @Test
    void aSovereignCloudAudienceIsWhatTheTokenIsAskedFor() {
        acceptedAudience = "https://containerregistry.azure.cn";
        FakeEntra entra = new FakeEntra(APP);
        AcrRegistryApi acr =
                new AcrRegistryApi(client(entra, AcrAudience.parse("https://containerregistry.azure.cn/")));

        assertThat(acr.manifest("v1").bytes()).isEqualTo(image.manifest().bytes());
        assertThat(entra.requestedScopes())
                .isNotEmpty()
                .allSatisfy(
                        scopes -> assertThat(scopes).containsExactly("https://containerregistry.azure.cn/.default"));
    }

    @Test
    void audiencesAreHttpsHostsOnly() {
        assertThat(AcrAudience.parse(" https://containerregistry.azure.us/ ").scope())
                .isEqualTo("https://containerregistry.azure.us/.default");
        for (String bad : List.of(
                "",
                "http://containerregistry.azure.net",
                "https://containerregistry.azure.net/x",
                "containerregistry.azure.net",
                "https://containerregistry.azure.net/.default",
                "https://a b")) {
            assertThatThrownBy(() -> AcrAudience.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aRejectedIdentityIsUnauthorized() {
        // Slow (about 20 s per attempt, 3 attempts): the SDK's credential policy waits before giving up on a
        // refused exchange. Kept because a refused identity must surface as unauthorized, not hang or pass.
        assertThatThrownBy(() -> new AcrRegistryApi(client("someone-else")).manifest("v1"))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> assertThat(e.failure())
                                .isIn(RegistryException.Failure.UNAUTHORIZED, RegistryException.Failure.DENIED));
    }

    @Test
    void aMissingTagIsNotFound() {
        assertThatThrownBy(() -> new AcrRegistryApi(client(APP)).manifest("nosuch"))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.code()).isEqualTo("MANIFEST_UNKNOWN");
                });
    }

    @Test
    void onlyAnonymousPullsFromAzurecrIoGoThroughTheSdk() {
        assertThat(Registries.isAzureContainerRegistry("myacr.azurecr.io")).isTrue();
        assertThat(Registries.isAzureContainerRegistry("myacr.azurecr.cn")).isTrue();
        assertThat(Registries.isAzureContainerRegistry("myacr.azurecr.us")).isTrue();
        assertThat(Registries.isAzureContainerRegistry("evil.azurecr.io.example.com"))
                .isFalse();
        assertThat(Registries.isAzureContainerRegistry("myacr.azurecr.com")).isFalse();
        Registries registries = new Registries(
                null,
                new RegistryEndpoints(Map.of(), List.of()),
                java.time.Clock.systemUTC(),
                () -> null,
                AcrAudience.PUBLIC_CLOUD,
                ref -> client(APP));
        assertThat(registries.forRepository(
                        ImageReference.parse("myacr.azurecr.io/team/app:v1"), RegistryCredentials.ANONYMOUS))
                .isInstanceOf(AcrRegistryApi.class);
        assertThat(registries.forRepository(
                        ImageReference.parse("myacr.azurecr.io/team/app:v1"), new RegistryCredentials.Basic("u", "p")))
                .isInstanceOf(OciRegistryClient.class);
        assertThat(registries.forRepository(ImageReference.parse("ghcr.io/team/app:v1"), RegistryCredentials.ANONYMOUS))
                .isInstanceOf(OciRegistryClient.class);
    }
}
