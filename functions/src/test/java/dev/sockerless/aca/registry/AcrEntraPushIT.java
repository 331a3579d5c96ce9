package dev.sockerless.aca.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.credential.TokenCredential;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sockerless.aca.testing.Blob;
import dev.sockerless.aca.testing.FakeEntra;
import dev.sockerless.aca.testing.RegistryPusher;
import dev.sockerless.aca.testing.SharedServices;
import dev.sockerless.aca.testing.TestImage;
import dev.sockerless.aca.testing.TestImages;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * Pushing to ACR with the app's identity: the OCI client exchanges the Entra token at {@code /oauth2/exchange} for
 * a refresh token, buys an access token at the realm, and then pushes as to any registry (HEAD, mount, upload). The
 * "ACR" here is a strict gate implementing ACR's token endpoints in front of a real docker-registry; the gate only
 * forwards requests carrying the access token it issued.
 */
class AcrEntraPushIT {

    static final String APP = "app-identity";
    static final String REFRESH = "acr-refresh-token";
    static final String ACCESS = "acr-access-token";
    static HttpServer gate;
    static String host;
    static final List<String> log = new CopyOnWriteArrayList<>();
    static final HttpClient forward = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    static final Set<String> HOP = Set.of("host", "content-length", "connection", "authorization", "transfer-encoding");

    @BeforeAll
    static void start() throws IOException {
        String registry = SharedServices.anonymousRegistry().baseUrl();
        gate = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        host = "127.0.0.1:" + gate.getAddress().getPort();
        gate.createContext("/", ex -> {
            try (ex) {
                handle(ex, registry);
            } catch (Exception e) {
                ex.sendResponseHeaders(500, -1);
            }
        });
        gate.start();
    }

    @AfterAll
    static void stop() {
        gate.stop(0);
    }

    static void handle(HttpExchange ex, String registry) throws Exception {
        String path = ex.getRequestURI().getPath();
        byte[] body = ex.getRequestBody().readAllBytes();
        log.add(ex.getRequestMethod() + " " + path);
        if (path.equals("/oauth2/exchange") || path.equals("/oauth2/token")) {
            Map<String, List<String>> form = form(new String(body, StandardCharsets.UTF_8));
            boolean ok = path.equals("/oauth2/exchange")
                    ? first(form, "grant_type").equals("access_token")
                            // ACR with ARM-audience authentication disabled: only an Entra token for ACR's audience.
                            && FakeEntra.acrAccepts(first(form, "access_token"), APP, AcrAudience.PUBLIC_CLOUD.uri())
                            && first(form, "service").equals(host)
                    : first(form, "grant_type").equals("refresh_token")
                            && first(form, "refresh_token").equals(REFRESH)
                            && form.getOrDefault("scope", List.of()).stream()
                                    .allMatch(s -> s.startsWith("repository:"));
            String reply = path.equals("/oauth2/exchange")
                    ? "{\"refresh_token\":\"" + REFRESH + "\"}"
                    : "{\"access_token\":\"" + ACCESS + "\"}";
            send(ex, ok ? 200 : 401, ok ? reply.getBytes(StandardCharsets.UTF_8) : "{\"errors\":[]}".getBytes());
            return;
        }
        if (!("Bearer " + ACCESS).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.getResponseHeaders()
                    .add(
                            "WWW-Authenticate",
                            "Bearer realm=\"http://" + host + "/oauth2/token\",service=\"" + host + "\"");
            send(
                    ex,
                    401,
                    "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}".getBytes());
            return;
        }
        HttpRequest.Builder out = HttpRequest.newBuilder(URI.create(registry
                + ex.getRequestURI().getRawPath()
                + (ex.getRequestURI().getRawQuery() == null
                        ? ""
                        : "?" + ex.getRequestURI().getRawQuery())));
        ex.getRequestHeaders().forEach((k, vs) -> {
            if (!HOP.contains(k.toLowerCase())) {
                vs.forEach(v -> out.header(k, v));
            }
        });
        out.method(
                ex.getRequestMethod(),
                body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<byte[]> r = forward.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
        r.headers().map().forEach((k, vs) -> {
            if (!HOP.contains(k.toLowerCase()) && !k.equals(":status")) {
                vs.forEach(v -> ex.getResponseHeaders().add(k, v.replace(registry, "http://" + host)));
            }
        });
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(r.statusCode(), head || r.body().length == 0 ? -1 : r.body().length);
        if (!head && r.body().length > 0) {
            ex.getResponseBody().write(r.body());
        }
    }

    static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    static Map<String, List<String>> form(String text) {
        Map<String, List<String>> out = new java.util.HashMap<>();
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.computeIfAbsent(
                                URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                                k -> new ArrayList<>())
                        .add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static String first(Map<String, List<String>> form, String key) {
        return form.getOrDefault(key, List.of("")).get(0);
    }

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    static OciRegistryPusher pusher(String repository, TokenCredential credential, AcrAudience audience) {
        return new OciRegistryPusher(new OciRegistryClient(
                new RegistryTransport(RegistryTransport.newHttpClient(TIMEOUT), TIMEOUT),
                URI.create("http://" + host),
                true,
                ImageReference.parse(host + "/" + repository),
                new RegistryCredentials.Entra(credential, audience),
                new TokenCache(Clock.systemUTC()),
                OciRegistryClient.challengeCache()));
    }

    @Test
    void pushesThroughTheEntraTokenExchangeAndSkipsBlobsAlreadyThere() throws Exception {
        TestImage image = TestImages.rich(TestImages.Format.OCI, TestImages.Platform.LINUX_AMD64);
        FakeEntra entra = new FakeEntra(APP);
        OciRegistryPusher push = pusher("acr/app", entra, AcrAudience.PUBLIC_CLOUD);
        for (Blob b : image.blobs()) {
            Digest d = Digest.parse(b.digest());
            assertThat(push.blobExists(d)).isFalse();
            push.mountOrUpload(d, b.size(), BlobSource.of(b.bytes()), null);
            assertThat(push.blobExists(d)).isTrue();
        }
        push.putManifest("v1", image.manifest().bytes(), image.manifest().mediaType());

        assertThat(log).contains("POST /oauth2/exchange", "POST /oauth2/token");
        assertThat(entra.requestedScopes())
                .isNotEmpty()
                .allSatisfy(
                        scopes -> assertThat(scopes).containsExactly("https://containerregistry.azure.net/.default"));
        HttpResponse<byte[]> back =
                new RegistryPusher(SharedServices.anonymousRegistry().baseUrl()).getManifest("acr/app", "v1");
        assertThat(back.body()).isEqualTo(image.manifest().bytes());
    }

    @Test
    void aRefusedIdentityIsUnauthorizedNamingTheRoles() {
        OciRegistryPusher push = pusher("acr/denied", new FakeEntra("someone-else"), AcrAudience.PUBLIC_CLOUD);
        assertThatThrownBy(() -> push.blobExists(Digest.of(new byte[] {1})))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> assertThat(e.failure()).isEqualTo(RegistryException.Failure.UNAUTHORIZED))
                .hasMessageContaining("AcrPull/AcrPush");
    }

    @Test
    void anArmAudienceTokenIsRefusedByARegistryThatAcceptsOnlyAcrAudienceTokens() {
        // What the app did before SOCKERLESS_ACR_AUDIENCE: an ARM-audience token, which such a registry refuses.
        FakeEntra entra = new FakeEntra(APP);
        OciRegistryPusher push = pusher("acr/arm", entra, AcrAudience.parse("https://management.azure.com"));
        assertThatThrownBy(() -> push.blobExists(Digest.of(new byte[] {2})))
                .isInstanceOfSatisfying(
                        RegistryException.class,
                        e -> assertThat(e.failure()).isEqualTo(RegistryException.Failure.UNAUTHORIZED))
                .hasMessageContaining("audience https://management.azure.com");
        assertThat(entra.requestedScopes()).containsOnly(List.of("https://management.azure.com/.default"));
    }

    @Test
    void registriesPushToAnAzurecrIoRegistryWithTheConfiguredAudience() {
        // myacr.azurecr.io is mirrored to the gate, so Registries picks the app's identity as for a real ACR.
        FakeEntra entra = new FakeEntra(APP);
        RegistryEndpoints endpoints =
                new RegistryEndpoints(Map.of("myacr.azurecr.io", URI.create("http://" + host)), List.of());
        Registries registries = new Registries(
                new RegistryTransport(
                        RegistryTransport.newHttpClient(TIMEOUT),
                        TIMEOUT,
                        OutboundGuard.trusting(endpoints.trustedAuthorities()),
                        RegistryTransport.RETRIES),
                endpoints,
                Clock.systemUTC(),
                () -> entra,
                AcrAudience.PUBLIC_CLOUD);
        RegistryPush push = registries.forPush(
                ImageReference.parse("myacr.azurecr.io/acr/configured"), RegistryCredentials.ANONYMOUS);
        assertThat(push.blobExists(Digest.of(new byte[] {3}))).isFalse();
        assertThat(entra.requestedScopes()).containsOnly(List.of("https://containerregistry.azure.net/.default"));
    }

    @Test
    void anonymousPushesToAzurecrIoActWithTheAppsIdentity() {
        AtomicInteger asked = new AtomicInteger();
        Registries registries = new Registries(
                null,
                new RegistryEndpoints(Map.of(), List.of()),
                Clock.systemUTC(),
                () -> {
                    asked.incrementAndGet();
                    return ctx -> Mono.empty();
                },
                AcrAudience.PUBLIC_CLOUD);
        registries.forPush(ImageReference.parse("myacr.azurecr.io/staging/app"), RegistryCredentials.ANONYMOUS);
        assertThat(asked.get()).isEqualTo(1);
        registries.forPush(
                ImageReference.parse("myacr.azurecr.io/staging/app"), new RegistryCredentials.Basic("u", "p"));
        registries.forPush(ImageReference.parse("127.0.0.1:5000/staging/app"), RegistryCredentials.ANONYMOUS);
        assertThat(asked.get()).isEqualTo(1);
    }
}
